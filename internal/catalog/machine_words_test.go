package catalog_test

import (
	"regexp"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/i18n/i18ntest"
)

// TestRefusedStepsInWords: a step a solution's status does not allow is
// refused with the status and the step in words, not their codes.
func TestRefusedStepsInWords(t *testing.T) {
	t.Parallel()
	admin := &accounts.User{ID: "u", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
	codes := regexp.MustCompile(`sol\.|solution\.|_`)
	for _, st := range []catalog.Status{catalog.Draft, catalog.InReview, catalog.Published, catalog.Archived, catalog.Merged} {
		for _, t0 := range catalog.Transitions {
			_, err := catalog.Check(&catalog.Solution{ID: "s", Status: st}, t0.Action, admin)
			i18ntest.RefusalInWords(t, string(st)+" "+string(t0.Action), err, codes)
		}
	}
}
