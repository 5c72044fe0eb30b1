package incubation_test

import (
	"regexp"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/i18n/i18ntest"
	"github.com/huitian/huitian/internal/incubation"
)

// TestRefusedStepsInWords: a step an incubation's stage does not allow is
// refused with the stage and the step in words, not their codes.
func TestRefusedStepsInWords(t *testing.T) {
	t.Parallel()
	admin := &accounts.User{ID: "u", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
	codes := regexp.MustCompile(`inc\.|_`)
	n := 0
	for _, st := range []incubation.Stage{incubation.Applied, incubation.Admitted, incubation.Incubating, incubation.Graduated, incubation.Withdrawn} {
		for _, t0 := range incubation.Transitions {
			_, err := incubation.Step(admin, &incubation.Incubation{ID: "i", Stage: st}, t0.Action)
			if i18ntest.RefusalInWords(t, string(st)+" "+string(t0.Action), err, codes) {
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no refused step tried")
	}
}
