package dashboard

import (
	"fmt"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{nil, -1},
		{[]float64{5}, 5},
		{[]float64{9, 1, 5}, 5},
		{[]float64{10, 2, 4, 8}, 6},
	} {
		if got := Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestTallyOrder(t *testing.T) {
	got := Tally(map[string]int{"b": 2, "a": 2, "c": 5})
	want := []string{"c", "a", "b"}
	for i, k := range want {
		if got[i].Key != k {
			t.Fatalf("Tally order = %v, want %v", got, want)
		}
	}
}

func TestShares(t *testing.T) {
	m := StreetMatch{Published: 4, Proposals: 6, NoProposal: 1}
	if m.PerNeed() != 1.5 || m.NoProposalShare() != 0.25 {
		t.Fatalf("PerNeed %v NoProposalShare %v", m.PerNeed(), m.NoProposalShare())
	}
	if (StreetMatch{}).PerNeed() != 0 {
		t.Fatal("no needs: ratio should be 0")
	}
}

func TestScope(t *testing.T) {
	admin := &accounts.User{ID: "a", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
	auditor := &accounts.User{ID: "b", Grants: []accounts.Grant{{Role: accounts.Auditor}}}
	staff := &accounts.User{ID: "c", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: "s1"}}}
	resident := &accounts.User{ID: "d"}
	for _, c := range []struct {
		name   string
		u      *accounts.User
		asked  string
		want   string
		failed errs.Code
	}{
		{"admin district", admin, "", "", ""},
		{"admin street", admin, "s2", "s2", ""},
		{"auditor district", auditor, "", "", ""},
		{"staff forced to own street", staff, "", "s1", ""},
		{"staff own street", staff, "s1", "s1", ""},
		{"staff other street", staff, "s2", "", errs.Forbidden},
		{"resident", resident, "", "", errs.Forbidden},
		{"anonymous", nil, "", "", errs.Unauthorized},
	} {
		got, err := Scope(c.u, accounts.View, c.asked)
		if c.failed != "" {
			if !errs.Is(err, c.failed) {
				t.Errorf("%s: err %v, want %s", c.name, err, c.failed)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: %q %v, want %q", c.name, got, err, c.want)
		}
	}
}

func TestParseFilter(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	f, err := ParseFilter(" s1 ", "2026-03-01", "2026-03-31", loc)
	if err != nil {
		t.Fatal(err)
	}
	if f.StreetID != "s1" || !f.From.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, loc)) || !f.To.Equal(time.Date(2026, 4, 1, 0, 0, 0, 0, loc)) {
		t.Fatalf("filter %+v", f)
	}
	if from, to := f.FormDates(loc); from != "2026-03-01" || to != "2026-03-31" {
		t.Fatalf("form dates %s %s", from, to)
	}
	for _, c := range [][2]string{{"2026-13-01", ""}, {"", "yesterday"}, {"2026-03-02", "2026-03-01"}} {
		if _, err := ParseFilter("", c[0], c[1], loc); !errs.Is(err, errs.Invalid) {
			t.Errorf("ParseFilter(%q, %q): %v, want invalid", c[0], c[1], err)
		}
	}
	if f, err := ParseFilter("", "", "", loc); err != nil || !f.From.IsZero() || !f.To.IsZero() {
		t.Errorf("empty: %+v %v", f, err)
	}
}

func TestTicks(t *testing.T) {
	for _, c := range []struct {
		max   float64
		whole bool
		want  []float64
	}{
		{145, true, []float64{0, 50, 100, 150}},
		{121, true, []float64{0, 50, 100, 150}},
		{97, true, []float64{0, 20, 40, 60, 80, 100}},
		{100, true, []float64{0, 20, 40, 60, 80, 100}},
		{3, true, []float64{0, 1, 2, 3}},
		{0, true, []float64{0, 1}},
		{1, true, []float64{0, 1}},
		{38.4, false, []float64{0, 10, 20, 30, 40}},
		{1, false, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{2.3, false, []float64{0, 0.5, 1, 1.5, 2, 2.5}},
		{12000, true, []float64{0, 5000, 10000, 15000}},
	} {
		got := Ticks(c.max, c.whole)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("Ticks(%v, %v) = %v, want %v", c.max, c.whole, got, c.want)
		}
	}
}
