package grants

import (
	"testing"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

// FuzzParseAmount: an amount that passes is positive and at most MaxFen,
// and its display reads back to it; a refusal names its field.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"8000", "1.5万", "1,234.56", "12.345", "-5", "0", "0.-5", "100.-5", "1e3", "99999999999999万", "¥0.01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := ParseAmount("amount", s)
		if err != nil {
			if e := errs.As(err); e.Field != "amount" || e.Code != errs.Invalid {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if fen <= 0 || fen > MaxFen {
			t.Fatalf("%q → %d fen", s, fen)
		}
		if back, err := ParseAmount("amount", FormatFen(fen)); err != nil || back != fen {
			t.Fatalf("%q → %d → %q → %d %v", s, fen, FormatFen(fen), back, err)
		}
	})
}

// FuzzParseDay: a day that parses is written exactly as 2006-01-02 would
// write it and falls within the years allowed.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2026-11-20", "0000-01-01", "9999-12-31", "2026-02-30", "2026-2-3", " 2026-11-20", "2026-11-20T00:00:00Z", "+2026-11-20"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDay(s)
		if err != nil {
			return
		}
		if d.Format(time.DateOnly) != s || d.Year() < minYear || d.Year() > maxYear {
			t.Fatalf("%q → %v", s, d)
		}
		var l errs.List
		if checkDay(&l, "spent_on", s); l.Err() != nil {
			t.Fatalf("%q parsed but checkDay refused it: %v", s, l.Err())
		}
	})
}
