package procurement

import (
	"testing"

	"github.com/huitian/huitian/internal/errs"
)

func TestParseYuan(t *testing.T) {
	t.Parallel()
	ok := map[string]int64{"80000": 8_000_000, "8万": 8_000_000, "1.5万": 1_500_000, "1,234.5": 123_450, "¥80,000.00": 8_000_000,
		"0.01": 1, "12元": 1200, "3.14159万": 3_141_590,
		// As a Chinese input method types them: full-width digits, point, space.
		"８００００": 8_000_000, "８万": 8_000_000, "３．５万": 3_500_000, "１２　０００元": 1_200_000}
	for in, want := range ok {
		if got, err := ParseYuan("budget", in); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "-5", "1.234", "1e5", "1.2.3", "万"} {
		if _, err := ParseYuan("budget", in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	// Too many digits says so, not "format".
	for _, in := range []string{"999999999999999999", "100000001万"} {
		if _, err := ParseYuan("budget", in); errs.As(err).Key != "money.too_large" {
			t.Errorf("%q: %v, want money.too_large", in, err)
		}
	}
	// A negative amount says it must be more than 0; a stray minus is a format error.
	for in, want := range map[string]string{"-5": "money.positive", "－８万": "money.positive", "-1,000.5": "money.positive",
		"-0": "money.positive", "--5": "money.invalid", "-": "money.invalid", "-abc": "money.invalid", "5-": "money.invalid"} {
		if _, err := ParseYuan("budget", in); errs.As(err).Key != want {
			t.Errorf("%q: %v, want %s", in, err, want)
		}
	}
	for fen, want := range map[int64]string{8_000_000: "80,000", 123_456: "1,234.56", 5: "0.05", 100: "1", 123_450: "1,234.5"} {
		if got := FormatFen(fen); got != want && !(fen == 123_450 && got == "1,234.50") {
			t.Errorf("%d: %q, want %q", fen, got, want)
		}
	}
}

func TestParsePoints(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{"85": 85, " 0 ": 0, "100": 100, "８５": 85, "１００": 100} {
		if got, err := ParsePoints("score", in); err != nil || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, err, want)
		}
	}
	for in, key := range map[string]string{"": "field.required", "　": "field.required", "八十五": "number.invalid", "8.5": "number.invalid",
		"101": "number.range", "-1": "number.range"} {
		if _, err := ParsePoints("score", in); errs.As(err).Key != key || errs.As(err).Field != "score" {
			t.Errorf("%q: %v, want %s", in, err, key)
		}
	}
}
