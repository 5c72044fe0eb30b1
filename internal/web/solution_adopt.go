package web

import (
	"net/http"
	"slices"

	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

// solutionAdopt is "采用同款": one click creates a draft need for the
// staffer's community pre-filled from the solution (the store writes it
// through the ordinary need-creation path, so every procurement rule
// holds) and lands on its edit page, which offers to invite the providers
// or commission one directly.
func (a *app) solutionAdopt(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	box, err := a.adoptBox(r, u)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if box == nil {
		a.fail(w, r, errs.E(errs.Forbidden, "sol.community_only"))
		return
	}
	community := r.PostFormValue("community")
	if community == "" && len(box.Communities) == 1 {
		community = box.Communities[0].ID
	}
	if !slices.ContainsFunc(box.Communities, func(c *places.Community) bool { return c.ID == community }) {
		a.formAgain(w, r, "solution_show.html", a.solutionPageAgain, errs.Field("community", "field.required"))
		return
	}
	n, err := a.Store.AdoptSolution(ctx, id, catalog.Adoption{CommunityID: community, Procedure: procurement.Open}, a.Config.Rules())
	if err != nil {
		a.formAgain(w, r, "solution_show.html", a.solutionPageAgain, err)
		return
	}
	a.redirect(w, r, "/needs/"+n.ID+"/edit#adopted", "flash.solution_adopted")
}

// adoptedOffer is the box on an adopting need's edit page: the solution it
// adopted, its providers, and whether a direct commission is allowed.
type adoptedOffer struct {
	Solution  *catalog.Solution
	Providers []providerChoice
	Direct    bool   // the budget is below the direct-commission threshold
	Threshold string // the threshold, in yuan
	Procedure procurement.Procedure
}

// providerChoice is a provider of the adopted solution on the offer.
type providerChoice struct {
	ID, Name string
	Invited  bool
}

// adoptedOfferFor returns the offer for a need that adopted a solution (nil
// for any other need, or when the solution can no longer be read).
func (a *app) adoptedOfferFor(r *http.Request, n *procurement.Need) (*adoptedOffer, error) {
	ctx := r.Context()
	info, err := a.Store.FindNeedAdoption(ctx, n.ID)
	if err != nil || info.SolutionID == "" {
		return nil, err
	}
	s, err := a.Store.FindSolutionByID(ctx, info.SolutionID, info.Version)
	if err != nil {
		return nil, optional(err)
	}
	rules := a.Config.Rules()
	o := &adoptedOffer{Solution: s, Direct: n.BudgetFen < rules.DirectThresholdFen,
		Threshold: procurement.FormatFen(rules.DirectThresholdFen), Procedure: n.Procedure}
	for _, p := range s.Providers {
		o.Providers = append(o.Providers, providerChoice{ID: p.OrgID, Name: p.OrgName,
			Invited: slices.Contains(n.InvitedOrgIDs, p.OrgID)})
	}
	return o, nil
}

// needAdoption applies the offer: choice=invite makes the need an invited
// procedure with the solution's eligible providers; choice=direct&org=ID a
// direct commission of that provider, the solution cited as justification.
// It goes through the need's ordinary edit (same rights, rules and audit).
func (a *app) needAdoption(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	n, err := a.Store.FindNeedByID(ctx, r.PathValue("id"))
	if err == nil {
		_, err = procurement.Step(n, procurement.ActEdit, u, a.Store.Now())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	offer, err := a.adoptedOfferFor(r, n)
	if err == nil && offer == nil {
		err = errs.E(errs.Conflict, "sol.not_adopted")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	again := func(err error) { a.adoptionFailed(w, r, err) }
	var upd store.NeedUpdate
	flash := ""
	switch r.PostFormValue("choice") {
	case "invite":
		var ids []string
		for _, p := range offer.Providers {
			if a.invitable(r, n, p.ID) {
				ids = append(ids, p.ID)
			}
		}
		if len(ids) == 0 {
			again(errs.E(errs.Conflict, "sol.no_invitable"))
			return
		}
		proc := procurement.Invited
		upd = store.NeedUpdate{Procedure: &proc, InvitedOrgIDs: &ids}
		flash = "flash.solution_invited"
	case "direct":
		org := r.PostFormValue("org")
		if !slices.ContainsFunc(offer.Providers, func(p providerChoice) bool { return p.ID == org }) {
			again(errs.Field("invited", "solution.not_a_provider"))
			return
		}
		if !a.invitable(r, n, org) {
			again(errs.E(errs.Conflict, "recommend.credit_blocked"))
			return
		}
		proc := procurement.Direct
		ids := []string{org}
		just := catalog.Justification(offer.Solution, offer.Solution.Figures)
		upd = store.NeedUpdate{Procedure: &proc, InvitedOrgIDs: &ids, Justification: &just}
		flash = "flash.solution_direct"
	default:
		again(errs.Field("procedure", "field.required"))
		return
	}
	if _, err := a.Store.UpdateNeed(ctx, n.ID, upd, a.Config.Rules()); err != nil {
		again(err)
		return
	}
	a.redirect(w, r, "/needs/"+n.ID+"/edit#adopted", flash)
}

// invitable reports whether organization id may be invited to n: it meets
// the need's qualification rules and is on no credit list.
func (a *app) invitable(r *http.Request, n *procurement.Need, id string) bool {
	o, err := a.Store.FindOrganizationByID(r.Context(), id)
	if err != nil {
		return false
	}
	probe := *n
	probe.InvitedOrgIDs = append(slices.Clone(n.InvitedOrgIDs), id)
	if probe.Eligible(o) != nil {
		return false
	}
	credit, err := a.Store.FindOrganizationCredit(r.Context(), id)
	return err == nil && (credit.Status == store.CreditNormal || credit.Status == "")
}

// adoptionFailed shows the need's edit form again, as saved, with the
// reason the offer's choice was refused at the top (the form's own fields
// were not submitted, so none is marked).
func (a *app) adoptionFailed(w http.ResponseWriter, r *http.Request, err error) {
	code := errs.CodeOf(err)
	if code != errs.Invalid && code != errs.Conflict {
		a.fail(w, r, err)
		return
	}
	p, perr := a.needEditPage(w, r)
	if perr != nil {
		a.fail(w, r, perr)
		return
	}
	if fields := errs.Fields(err); len(fields) > 0 {
		p.Error = a.Catalog.T(p.Lang, fields[0].Key, fields[0].Args...)
	} else {
		p.Error = a.Catalog.Error(p.Lang, err)
	}
	a.render(w, r, "need_form.html", errs.HTTPStatus(err), p)
}
