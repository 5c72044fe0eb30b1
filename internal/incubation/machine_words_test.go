package incubation_test

import (
	"regexp"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/incubation"
)

// TestRefusedStepsInWords: a step an incubation's stage does not allow is
// refused with the stage and the step in words, not their codes.
func TestRefusedStepsInWords(t *testing.T) {
	t.Parallel()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	admin := &accounts.User{ID: "u", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
	n := 0
	for _, st := range []incubation.Stage{incubation.Applied, incubation.Admitted, incubation.Incubating, incubation.Graduated, incubation.Withdrawn} {
		for _, t0 := range incubation.Transitions {
			_, err := incubation.Step(admin, &incubation.Incubation{ID: "i", Stage: st}, t0.Action)
			if errs.CodeOf(err) != errs.Conflict {
				continue
			}
			n++
			e := errs.As(err)
			if zh := c.T(i18n.ZH, e.Key, e.Args...); regexp.MustCompile(`[A-Za-z]`).MatchString(zh) {
				t.Errorf("%s %s: %q", st, t0.Action, zh)
			}
			if en := c.T(i18n.EN, e.Key, e.Args...); regexp.MustCompile(`inc\.|_`).MatchString(en) {
				t.Errorf("%s %s: %q", st, t0.Action, en)
			}
		}
	}
	if n == 0 {
		t.Fatal("no refused step tried")
	}
}
