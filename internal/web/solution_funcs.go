package web

import (
	"html/template"
	"math"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/procurement"
)

// solutionFuncs are the template functions of the solution pages.
func (a *app) solutionFuncs() template.FuncMap {
	return template.FuncMap{
		// pct is a share (0..1) as a whole percentage.
		"pct":             func(f float64) int { return int(math.Round(f * 100)) },
		"community_types": func() []struct{ Code, Name string } { return catalog.CommunityTypes },
		"communityType": func(l i18n.Lang, code string) string {
			if k := "sol.ctype_" + code; a.Catalog.Has(k) {
				return a.Catalog.T(l, k)
			}
			return catalog.CommunityTypeName(code)
		},
		"solution_sorts": func() []catalog.Sort { return catalog.Sorts },
		// masked: free text typed by an organization, its phone numbers
		// masked (a public page never shows one).
		"masked": maskPhones,
		// proposeFrom: the need is a completed project actor may distil into
		// a solution (its supplier's admin, or platform staff).
		"proposeFrom": func(actor *accounts.User, n *procurement.Need) bool {
			if actor == nil || (n.Status != procurement.Accepted && n.Status != procurement.Closed) {
				return false
			}
			return catalog.CanPropose(actor, "") == nil || (n.AwardedOrgID != "" && catalog.CanPropose(actor, n.AwardedOrgID) == nil)
		},
	}
}
