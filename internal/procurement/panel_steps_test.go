package procurement

import (
	"slices"
	"testing"
	"time"
)

func TestPanelSteps(t *testing.T) {
	now := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	open := &Need{Status: Published, Deadline: now.Add(time.Hour)}
	closed := &Need{Status: Published, Deadline: now.Add(-time.Hour)}
	awarded := &Need{Status: Awarded, Deadline: now.Add(-time.Hour)}
	fresh := PanelMember{}
	clean := PanelMember{Declared: true}
	conflicted := PanelMember{Declared: true, Conflicted: true}
	for _, c := range []struct {
		name   string
		n      *Need
		me     PanelMember
		scored bool
		want   []Action
	}{
		{"undeclared while open", open, fresh, false, []Action{PanelDeclare}},
		{"undeclared while evaluated", closed, fresh, false, []Action{PanelDeclare}},
		{"declared, still sealed", open, clean, false, nil},
		{"declared, opened, not scored", closed, clean, false, []Action{PanelScore}},
		{"declared, opened, scored", closed, clean, true, nil},
		{"conflicted never scores", closed, conflicted, false, nil},
		{"awarded owes nothing", awarded, fresh, false, nil},
	} {
		if got := PanelSteps(c.n, c.me, c.scored, now); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
