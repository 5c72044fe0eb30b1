package points

import (
	"reflect"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

func TestPostingValidate(t *testing.T) {
	t.Parallel()
	ok := func() *Posting {
		return &Posting{Key: "k", Kind: KindAward, From: AccountID(Pool, "s1"), To: AccountID(Resident, "u1"),
			Amount: 5, Reason: " 志愿服务 ", RuleID: "r1"}
	}
	if p := ok(); p.Validate() != nil || p.Reason != "志愿服务" {
		t.Fatalf("valid posting refused or not trimmed: %+v", p)
	}
	cases := map[string]func(p *Posting){
		"idempotency_key": func(p *Posting) { p.Key = " " },
		"amount":          func(p *Posting) { p.Amount = -1 },
		"to":              func(p *Posting) { p.To = p.From },
		"rule":            func(p *Posting) { p.RuleID = "" },
		"from":            func(p *Posting) { p.From = AccountID(Resident, "u2") },
		"reason":          func(p *Posting) { p.Reason = "" },
		"kind":            func(p *Posting) { p.Kind = "gift" },
		"reverses":        func(p *Posting) { p.Kind = KindReversal },
	}
	for field, spoil := range cases {
		p := ok()
		spoil(p)
		if errs.As(p.Validate()).Field != field && !hasField(p.Validate(), field) {
			t.Errorf("%s: %v", field, p.Validate())
		}
	}
	if _, _, ok := SplitAccountID("pool:"); ok {
		t.Fatal("empty owner accepted")
	}
	if k, o, ok := SplitAccountID("merchant:m1"); !ok || k != MerchantAcct || o != "m1" {
		t.Fatal("split")
	}
	a, b := ok(), ok()
	if !a.SameContent(b) {
		t.Fatal("same content")
	}
	b.Amount++
	if a.SameContent(b) {
		t.Fatal("different amount counted the same")
	}
}

func hasField(err error, f string) bool {
	for _, e := range errs.Fields(err) {
		if e.Field == f {
			return true
		}
	}
	return false
}

func TestCodes(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		c := NewCode()
		if n, ok := NormalizeCode(c); !ok || n != c {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if len(seen) < 45 {
		t.Fatalf("codes repeat: %d distinct of 50", len(seen))
	}
	if c, ok := NormalizeCode(" 1234-5678 "); !ok || c != "12345678" {
		t.Fatal("typed code with separators")
	}
	for _, bad := range []string{"1234567", "123456789", "1234567a", ""} {
		if _, ok := NormalizeCode(bad); ok {
			t.Fatalf("%q accepted", bad)
		}
	}
	if HashCode("12345678") == HashCode("12345679") || HashCode("12345678") == "12345678" {
		t.Fatal("hash")
	}
}

func TestFlags(t *testing.T) {
	t.Parallel()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	day := Hours{Opens: "08:00", Closes: "21:00"}
	night := Hours{Opens: "18:00", Closes: "02:00"}
	at := func(h, m int) time.Time { return time.Date(2026, 11, 20, h, m, 0, 0, loc).UTC() }
	cases := []struct {
		at     time.Time
		hours  *Hours
		recent int
		want   []string
	}{
		{at(10, 0), &day, 0, nil},
		{at(7, 59), &day, 0, []string{FlagOutsideHours}},
		{at(21, 0), &day, 1, []string{FlagOutsideHours}},
		{at(1, 0), &night, 0, nil},
		{at(12, 0), &night, 0, []string{FlagOutsideHours}},
		{at(3, 0), nil, RepeatLimit - 1, []string{FlagRepeat}},
		{at(3, 0), &day, RepeatLimit, []string{FlagRepeat, FlagOutsideHours}},
	}
	for i, c := range cases {
		if got := Flags(c.at, loc, c.hours, c.recent); !reflect.DeepEqual(got, c.want) {
			t.Errorf("case %d: %v, want %v", i, got, c.want)
		}
	}
	for _, bad := range []Hours{{"8点", "21:00"}, {"08:00", "08:00"}, {"25:00", "21:00"}} {
		if bad.Validate() == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if day.Validate() != nil || night.Validate() != nil {
		t.Fatal("valid hours refused")
	}
}

func TestGoodValidate(t *testing.T) {
	t.Parallel()
	g := &Good{Name: " 鸡蛋一盒 ", Price: 30, Stock: 10}
	if g.Validate() != nil || g.Name != "鸡蛋一盒" {
		t.Fatal("valid good")
	}
	for _, bad := range []*Good{{Name: "", Price: 1}, {Name: "x", Price: 0}, {Name: "x", Price: 1, Stock: -1}} {
		if bad.Validate() == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}
