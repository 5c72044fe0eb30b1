package coordination

import (
	"testing"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

// TestTransitions lists every move the state machine allows, by whom;
// every other (from, to, who) must be refused.
func TestTransitions(t *testing.T) {
	t.Parallel()
	allowed := map[[3]string]bool{
		{"open", "in_progress", "owner"}: true, {"open", "in_progress", "coordinator"}: true,
		{"open", "done", "owner"}: true, {"open", "done", "coordinator"}: true,
		{"open", "dropped", "coordinator"}: true,
		{"in_progress", "done", "owner"}:   true, {"in_progress", "done", "coordinator"}: true,
		{"in_progress", "dropped", "coordinator"}: true,
		{"done", "in_progress", "coordinator"}:    true,
		{"dropped", "open", "coordinator"}:        true,
		// A progress note keeps a live item where it is.
		{"open", "open", "owner"}: true, {"open", "open", "coordinator"}: true,
		{"in_progress", "in_progress", "owner"}: true, {"in_progress", "in_progress", "coordinator"}: true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			for _, who := range []Who{ByOwner, ByCoordinator} {
				want := allowed[[3]string{string(from), string(to), string(who)}]
				if got := CanMove(from, to, who); got != want {
					t.Errorf("%s → %s by %s: %v, want %v", from, to, who, got, want)
				}
			}
		}
	}
	if n := Next(Open, ByOwner); len(n) != 2 || n[0] != InProgress || n[1] != Done {
		t.Errorf("next for an owner of an open item: %v", n)
	}
	if n := Next(Done, ByOwner); len(n) != 0 {
		t.Errorf("an owner reopens a done item: %v", n)
	}
}

func TestOverdue(t *testing.T) {
	t.Parallel()
	sh := time.FixedZone("CST", 8*3600)
	due := time.Date(2026, 3, 10, 0, 0, 0, 0, sh).UTC()
	a := &Action{Status: InProgress, Due: due}
	cases := []struct {
		now  time.Time
		st   Status
		want bool
	}{
		{time.Date(2026, 3, 10, 23, 59, 0, 0, sh), InProgress, false}, // the due day itself
		{time.Date(2026, 3, 11, 0, 0, 0, 0, sh), InProgress, true},
		{time.Date(2026, 3, 11, 0, 0, 0, 0, sh), Open, true},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, sh), Done, false},
		{time.Date(2026, 4, 1, 0, 0, 0, 0, sh), Dropped, false},
	}
	for _, c := range cases {
		a.Status = c.st
		if got := a.Overdue(c.now); got != c.want {
			t.Errorf("%s at %s: overdue %v, want %v", c.st, c.now, got, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	m := &Meeting{Title: "  ", Agenda: []string{" 一 ", "", "二"}, Published: true}
	err := m.Validate()
	fields := map[string]bool{}
	for _, f := range errs.Fields(err) {
		fields[f.Field] = true
	}
	for _, f := range []string{"title", "held_at", "summary"} {
		if !fields[f] {
			t.Errorf("no error on %s: %v", f, err)
		}
	}
	if len(m.Agenda) != 2 || m.Agenda[0] != "一" {
		t.Errorf("agenda not cleaned: %q", m.Agenda)
	}
	a := &Action{Title: "x", OwnerKind: "mayor", OwnerID: "o", Due: time.Now()}
	if errs.As(a.Validate()).Field != "owner_kind" {
		t.Errorf("bad owner kind accepted")
	}
	ok := &Action{Title: "x", OwnerKind: OwnerStreet, OwnerID: "s", Due: time.Now()}
	if err := ok.Validate(); err != nil || ok.Status != Open {
		t.Errorf("valid action: %v %s", err, ok.Status)
	}
	if got := SplitLines("a\r\n\n b \n"); len(got) != 2 || got[1] != "b" {
		t.Errorf("split: %q", got)
	}
}

func TestMaskPhones(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"联系人王老师 13812345678，备用13987654321": "联系人王老师 138****5678，备用139****4321",
		"编号 2026031300001 不是手机":            "编号 2026031300001 不是手机",
		"13812345678":                      "138****5678",
	}
	for in, want := range cases {
		if got := MaskPhones(in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestOverview(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	past, future := now.AddDate(0, 0, -3), now.AddDate(0, 0, 3)
	items := []*Action{{Status: Open, Due: past}, {Status: InProgress, Due: future}, {Status: Done, Due: past},
		{Status: Dropped, Due: past}, {Status: InProgress, Due: past}}
	over, live, done := Overview(items, now)
	if len(over) != 2 || over[0] != items[0] || over[1] != items[4] || live != 3 || done != 1 {
		t.Fatalf("overview: %d overdue, %d live, %d done", len(over), live, done)
	}
}
