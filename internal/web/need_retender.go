package web

import (
	"net/http"
	"slices"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/procurement"
)

// needRetender starts a new draft from a failed need — the same request,
// budget, rules and criteria, with no deadline yet — and opens it for
// editing. The state machine decides who may (the street, once failed).
func (a *app) needRetender(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	old, err := a.Store.FindNeedByID(ctx, r.PathValue("id"))
	if err == nil {
		_, err = procurement.Step(old, procurement.ActRetender, accounts.ActorFrom(ctx), a.Store.Now())
	}
	if err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("retender"), err)
		return
	}
	crit := make([]procurement.Criterion, len(old.Criteria))
	for i, c := range old.Criteria {
		crit[i] = procurement.Criterion{Name: c.Name, Weight: c.Weight}
	}
	n := &procurement.Need{Title: old.Title, Description: old.Description, StreetID: old.StreetID,
		CommunityID: old.CommunityID, Category: old.Category, BudgetFen: old.BudgetFen, Procedure: old.Procedure,
		Qualifications: slices.Clone(old.Qualifications), Criteria: crit, Justification: old.Justification,
		InvitedOrgIDs: slices.Clone(old.InvitedOrgIDs), ObjectionDays: old.ObjectionDays, RetenderOf: old.ID}
	if err := a.Store.CreateNeed(ctx, n, a.Config.Rules()); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("retender"), err)
		return
	}
	a.redirect(w, r, "/needs/"+n.ID+"/edit", "flash.need_retendered")
}
