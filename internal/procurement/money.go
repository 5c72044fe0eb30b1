package procurement

import (
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/text"
)

// ParsePoints reads a score typed into a form: a whole number 0–100,
// required, in ASCII or full-width digits.
func ParsePoints(field, s string) (int, error) {
	s = text.Narrow(strings.TrimSpace(s))
	if s == "" {
		return 0, errs.Field(field, "field.required")
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, errs.Field(field, "number.invalid")
	}
	if n < 0 || n > 100 {
		return 0, errs.Field(field, "number.range", 0, 100)
	}
	return n, nil
}

// ParseYuan reads an amount typed in yuan ("80000", "8万", "1,234.5",
// "¥80,000.00") into fen, exactly (no floating point).
func ParseYuan(field, s string) (int64, error) {
	s = text.Narrow(strings.TrimSpace(s))
	s = strings.NewReplacer(",", "", "，", "", "¥", "", "￥", "", "元", "", " ", "", "\u3000", "").Replace(s)
	// A minus before an amount that reads is a sign, not a typo: say
	// what is wrong with it (-5, -8万) rather than show the format again.
	if rest, neg := strings.CutPrefix(s, "-"); neg {
		if _, err := ParseYuan(field, rest); err == nil {
			return 0, errs.Field(field, "money.positive")
		}
		return 0, errs.Field(field, "money.invalid")
	}
	mult := int64(1)
	if strings.HasSuffix(s, "万") {
		s, mult = strings.TrimSuffix(s, "万"), 10000
	}
	if s == "" {
		return 0, errs.Field(field, "field.required")
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	// Digits only on both sides: strconv would take a sign, so "0.-5" was -5 fen.
	if len(frac) > 2 && mult == 1 || !asciiDigits(whole) || !asciiDigits(frac) {
		return 0, errs.Field(field, "money.invalid")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1e12 {
		return 0, errs.Field(field, "money.too_large") // digits only: too many of them
	}
	// Fraction in fen (two digits), or in units of 万 (up to six digits).
	digits := 2
	if mult == 10000 {
		digits = 6
	}
	if len(frac) > digits {
		return 0, errs.Field(field, "money.invalid")
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt(frac+strings.Repeat("0", digits-len(frac)), 10, 64); err != nil {
			return 0, errs.Field(field, "money.invalid")
		}
	}
	fen := w*100 + f
	if mult == 10000 {
		fen = w*10000*100 + f // f is in units of 0.000001 万 = 0.01 yuan
	}
	// The same bound with or without 万 (w alone let "100000001万" through).
	if fen > maxYuanFen {
		return 0, errs.Field(field, "money.too_large")
	}
	return fen, nil
}

// maxYuanFen is the largest amount ParseYuan reads: 10^12 yuan.
const maxYuanFen = 1e14

// asciiDigits reports whether s is only 0-9 ("" counts).
func asciiDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatFen shows fen as yuan with thousands separators: 8000000 → "80,000",
// 123456 → "1,234.56".
func FormatFen(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	y, f := fen/100, fen%100
	s := strconv.FormatInt(y, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if f != 0 {
		s += "." + strconv.FormatInt(f/10, 10) + strconv.FormatInt(f%10, 10)
	}
	if neg {
		s = "-" + s
	}
	return s
}
