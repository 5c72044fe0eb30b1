package registry

import (
	"sort"
	"testing"

	"github.com/huitian/huitian/internal/errs"
)

func TestCreditCode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		code string
		key  string // "" valid
	}{
		{"91350100M000100Y43", ""},
		{"52110114Y4CL12TH3D", ""},
		{"91350100M000100Y44", "credit_code.checksum"},
		{"91350100M000100Y4", "credit_code.length"},
		{"91350100M000100I43", "credit_code.char"},
		{"91350100M0001O0Y43", "credit_code.char"},
		{"", "credit_code.length"},
	}
	for _, c := range cases {
		err := ValidateCreditCode(c.code)
		if c.key == "" {
			if err != nil {
				t.Errorf("%s: want valid, got %v", c.code, err)
			}
			continue
		}
		e := errs.As(err)
		if err == nil || e.Key != c.key || e.Field != "credit_code" {
			t.Errorf("%s: want %s, got %v", c.code, c.key, err)
		}
	}
}

func TestCreditCheckCharRoundTrip(t *testing.T) {
	t.Parallel()
	// Every code in the evaluation data's style: compute, then validate.
	for _, p := range []string{"52110114MJ0000001", "51110114500000000", "53110114ABCDEFGHJ"} {
		c, ok := CreditCheckChar(p)
		if !ok {
			t.Fatalf("%s: not in charset", p)
		}
		if err := ValidateCreditCode(p + string(c)); err != nil {
			t.Errorf("%s%c: %v", p, c, err)
		}
	}
}

func FuzzCreditCode(f *testing.F) {
	f.Add("91350100M000100Y43")
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateCreditCode(NormalizeCreditCode(s))
		if err != nil && errs.As(err).Field != "credit_code" {
			t.Fatalf("error without field: %v", err)
		}
	})
}

func TestValidateOrganization(t *testing.T) {
	t.Parallel()
	o := &Organization{Name: " 回龙观惠民社工 ", Registration: Registered, CreditCode: "52110114y4cl12th3d",
		StreetID: "s1", Domains: []string{"养老服务，儿童服务", "养老服务"}}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	if o.Name != "回龙观惠民社工" || o.CreditCode != "52110114Y4CL12TH3D" || len(o.Domains) != 2 || o.Category != "elderly" || o.PartyForm != PartyNone {
		t.Fatalf("not normalized: %+v", o)
	}
	bad := &Organization{Registration: Registered, Staff: -1, Founded: "2099-01-01", ContactPhone: "123"}
	fields := map[string]bool{}
	for _, e := range errs.Fields(bad.Validate()) {
		fields[e.Field] = true
	}
	for _, f := range []string{"name", "credit_code", "street", "staff", "founded", "contact_phone"} {
		if !fields[f] {
			t.Errorf("missing error for %s (got %v)", f, fields)
		}
	}
	filed := &Organization{Name: "龙锦苑舞蹈队", Registration: Filed, StreetID: "s1"}
	if err := filed.Validate(); err != nil {
		t.Fatalf("filed without code must be valid: %v", err)
	}
}

func TestSortKeyIsPinyinOrder(t *testing.T) {
	t.Parallel()
	in := []string{"云趣园社区读书会", "阿姨互助队", "龙锦苑舞蹈队", "北京银龄乐享养老服务中心", "上坡佳园社区乒乓球队"}
	want := []string{"阿姨互助队", "北京银龄乐享养老服务中心", "龙锦苑舞蹈队", "上坡佳园社区乒乓球队", "云趣园社区读书会"}
	sort.Slice(in, func(i, j int) bool { return SortKey(in[i]) < SortKey(in[j]) })
	for i := range want {
		if in[i] != want[i] {
			t.Fatalf("got %v", in)
		}
	}
}
