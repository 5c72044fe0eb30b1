package catalog_test

import (
	"regexp"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
)

// TestRefusedStepsInWords: a step a solution's status does not allow is
// refused with the status and the step in words, not their codes.
func TestRefusedStepsInWords(t *testing.T) {
	t.Parallel()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	admin := &accounts.User{ID: "u", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
	for _, st := range []catalog.Status{catalog.Draft, catalog.InReview, catalog.Published, catalog.Archived, catalog.Merged} {
		for _, t0 := range catalog.Transitions {
			_, err := catalog.Check(&catalog.Solution{ID: "s", Status: st}, t0.Action, admin)
			if errs.CodeOf(err) != errs.Conflict {
				continue
			}
			e := errs.As(err)
			if zh := c.T(i18n.ZH, e.Key, e.Args...); regexp.MustCompile(`[A-Za-z]`).MatchString(zh) {
				t.Errorf("%s %s: %q", st, t0.Action, zh)
			}
			if en := c.T(i18n.EN, e.Key, e.Args...); regexp.MustCompile(`sol\.|solution\.|_`).MatchString(en) {
				t.Errorf("%s %s: %q", st, t0.Action, en)
			}
		}
	}
}
