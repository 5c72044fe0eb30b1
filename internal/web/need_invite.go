package web

import (
	"net/http"
	"slices"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

// needInvite adds a recommended organization to the need's invited list,
// through the need's ordinary edit (same rights, same rules, same audit
// trail). Inviting one already invited changes nothing and says so.
func (a *app) needInvite(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	actor, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Store.FindNeedByID(ctx, r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !mayMatch(actor, n) {
		a.fail(w, r, errs.E(errs.Forbidden, "auth.forbidden"))
		return
	}
	now := a.Store.Now()
	_, stepErr := procurement.Step(n, procurement.ActEdit, actor, now)
	if errs.CodeOf(stepErr) == errs.Forbidden {
		a.fail(w, r, stepErr)
		return
	}
	if why := inviteClosed(n, stepErr == nil, now); why != "" {
		a.formAgain(w, r, "need_show.html", a.needPageFor("invite"), errs.E(errs.Conflict, why))
		return
	}
	orgID := r.PostFormValue("org")
	o, err := a.Store.FindOrganizationByID(ctx, orgID)
	if err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("invite"), err)
		return
	}
	if slices.Contains(n.InvitedOrgIDs, o.ID) {
		a.redirect(w, r, "/needs/"+n.ID+"#match-orgs", "flash.recommend_already_invited")
		return
	}
	// The need's qualification rules (registered only, local only) apply
	// to invited organizations as to bidders.
	probe := *n
	probe.InvitedOrgIDs = append(slices.Clone(n.InvitedOrgIDs), o.ID)
	if err := probe.Eligible(o); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("invite"), errs.E(errs.Conflict, errs.As(err).Key))
		return
	}
	credit, err := a.Store.FindOrganizationCredit(ctx, o.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if credit.Status != store.CreditNormal && credit.Status != "" {
		a.formAgain(w, r, "need_show.html", a.needPageFor("invite"), errs.E(errs.Conflict, "recommend.credit_blocked"))
		return
	}
	ids := probe.InvitedOrgIDs
	if _, err := a.Store.UpdateNeed(ctx, n.ID, store.NeedUpdate{InvitedOrgIDs: &ids}, a.Config.Rules()); err != nil {
		a.formAgain(w, r, "need_show.html", a.needPageFor("invite"), err)
		return
	}
	a.redirect(w, r, "/needs/"+n.ID+"#match-orgs", "flash.recommend_invited")
}
