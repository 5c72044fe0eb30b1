package procurement

import (
	"testing"

	"github.com/huitian/huitian/internal/errs"
)

// FuzzParseYuan: whatever is typed in a money field (budgets, prices,
// grants' amounts), a parsed amount is never negative, fits in int64 with
// room to add, and reads back from its own display: FormatFen then
// ParseYuan is the identity. A refusal names its field.
func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"80000", "8万", "1,234.5", "¥80,000.00", "0.01", "1.5万", "-5", "+5", "0.-5", "0.+5", "1.-1万",
		"99999999999999999999", "9223372036854775807", "1e3", "１２３", "0x10", ".5", "5.", "万", "1.2.3", "1_000", " 12 元 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fen, err := ParseYuan("price", s)
		if err != nil {
			if e := errs.As(err); e.Field != "price" || e.Code != errs.Invalid {
				t.Fatalf("%q: error without its field: %v", s, err)
			}
			return
		}
		if fen < 0 || fen > maxYuanFen {
			t.Fatalf("%q → %d fen: out of range", s, fen)
		}
		back, err := ParseYuan("price", FormatFen(fen))
		if err != nil || back != fen {
			t.Fatalf("%q → %d → %q → %d, %v", s, fen, FormatFen(fen), back, err)
		}
	})
}
