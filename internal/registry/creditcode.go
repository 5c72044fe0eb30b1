package registry

import (
	"strings"

	"github.com/huitian/huitian/internal/errs"
)

// creditCharset is the GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeCreditCode upper-cases and trims a unified social credit code.
func NormalizeCreditCode(s string) string {
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// CreditCheckChar computes the 18th character for the first 17; ok is false
// when a character is outside the alphabet.
func CreditCheckChar(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCharset, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditCharset[c], true
}

// ValidateCreditCode checks an already normalized code and says precisely what
// is wrong (length, a character outside the alphabet, or the check character).
func ValidateCreditCode(code string) error {
	if len(code) != 18 {
		return errs.Field("credit_code", "credit_code.length", len([]rune(code)))
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(creditCharset, code[i]) < 0 {
			return errs.Field("credit_code", "credit_code.char", i+1, string(rune(code[i])))
		}
	}
	want, _ := CreditCheckChar(code[:17])
	if code[17] != want {
		return errs.Field("credit_code", "credit_code.checksum")
	}
	return nil
}
