package registry

import (
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

// FuzzCreditCodeCheck: normalizing is stable; a code that validates is 18
// characters of the GB 32100 alphabet whose last is the check character of
// the first 17; and every single-character substitution of a valid code is
// caught (the weights are non-zero modulo the prime 31).
func FuzzCreditCodeCheck(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "52110114Y4CL12TH3D", " 52110114y4cl12th3d ", "52110114MJ0000001", "ıſ", "ＡＢＣ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeCreditCode(s)
		if NormalizeCreditCode(n) != n {
			t.Fatalf("normalize not stable: %q → %q", s, n)
		}
		// Complete any 17 characters of the alphabet into a valid code.
		if len(n) >= 17 {
			if c, ok := CreditCheckChar(n[:17]); ok {
				code := n[:17] + string(c)
				if err := ValidateCreditCode(code); err != nil {
					t.Fatalf("%q with its check character: %v", code, err)
				}
				for i := 0; i < 18; i++ {
					for j := 0; j < len(creditCharset); j++ {
						if creditCharset[j] == code[i] {
							continue
						}
						bad := code[:i] + string(creditCharset[j]) + code[i+1:]
						if ValidateCreditCode(bad) == nil {
							t.Fatalf("substitution at %d not caught: %q", i+1, bad)
						}
					}
				}
			}
		}
		err := ValidateCreditCode(n)
		if err != nil {
			if e := errs.As(err); e.Field != "credit_code" || e.Key == "" {
				t.Fatalf("%q: error without field: %v", n, err)
			}
			return
		}
		if len(n) != 18 || strings.Trim(n, creditCharset) != "" {
			t.Fatalf("%q validated", n)
		}
	})
}

// FuzzValidateOrganization: validating normalizes in place, so a second
// validation of the result finds the same problems (or none), and a
// founding date that passes lies between 1900 and today.
func FuzzValidateOrganization(f *testing.F) {
	f.Add("回龙观惠民社工", "52110114Y4CL12TH3D", "2016-05-18", "养老服务，儿童服务", "13812345678", 3, 10)
	f.Add(" x ", "", "0001-01-01", "", "", -1, -1)
	f.Add("名", "bad", "9999-12-31", "a、a、b", "123", 100001, 1000001)
	f.Fuzz(func(t *testing.T, name, code, founded, domains, phone string, staff, volunteers int) {
		o := &Organization{Name: name, Registration: Registered, CreditCode: code, StreetID: "s1", Founded: founded,
			Domains: []string{domains}, ContactPhone: phone, Staff: staff, Volunteers: volunteers}
		first := errs.Fields(o.Validate())
		second := errs.Fields(o.Validate())
		if len(first) != len(second) {
			t.Fatalf("second validation differs: %v then %v", first, second)
		}
		for i := range first {
			if first[i].Field != second[i].Field || first[i].Key != second[i].Key {
				t.Fatalf("second validation differs: %v then %v", first, second)
			}
		}
		bad := map[string]bool{}
		for _, e := range first {
			bad[e.Field] = true
		}
		if o.Founded != "" && !bad["founded"] {
			d, err := time.Parse(time.DateOnly, o.Founded)
			if err != nil || d.Year() < 1900 || d.After(time.Now()) {
				t.Fatalf("founded %q passed", o.Founded)
			}
		}
	})
}
