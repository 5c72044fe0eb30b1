package web

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/procurement"
)

// An application's page: the proposal, its budget and milestones, the
// reviews (for those who decide), the decision with its reason, and once
// awarded the agreement: tranches tied to milestones and the expenses
// filed against the budget lines.

type applicationPageData struct {
	App       *grants.Application
	Reviews   []*grants.Review
	Agreement *grants.Agreement
	Expenses  []*grants.Expense
	Private   bool
	Personal  bool // sees payees who are people and receipts showing them
	CanManage bool
	IsOrg     bool
	OrgAdmin  bool
	MayReview bool
	Reviewed  bool
	Actor     string
	PayKey    string
	Failed    string
}

func (a *app) applicationShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.applicationPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "grants_application.html", http.StatusOK, p)
}

func (a *app) applicationPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u := accounts.ActorFrom(ctx)
	x, err := a.Store.FindApplicationByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	res := x.Resource()
	d := &applicationPageData{App: x, Private: accounts.Allowed(u, accounts.ViewPrivate, res),
		Personal:  accounts.Allowed(u, accounts.ViewPersonal, res),
		CanManage: grants.Manages(u, x.RoundStreetID), PayKey: uuid.NewString(),
		IsOrg:    u.Holds(accounts.OrgAdmin, res) || u.Holds(accounts.OrgMember, res),
		OrgAdmin: u.Holds(accounts.OrgAdmin, res), MayReview: grants.MayReview(u)}
	if u != nil {
		d.Actor = u.ID
	}
	if d.CanManage || d.MayReview || u.Has(accounts.Auditor) {
		if d.Reviews, err = a.Store.FindReviews(ctx, x.ID); err != nil {
			return nil, err
		}
		for _, v := range d.Reviews {
			d.Reviewed = d.Reviewed || (u != nil && v.ReviewerID == u.ID)
		}
	}
	if x.Status == grants.AppAwarded {
		if d.Agreement, err = a.Store.FindAgreementByApplication(ctx, x.ID); err != nil {
			return nil, err
		}
		if d.Expenses, err = a.Store.FindExpenses(ctx, d.Agreement.ID); err != nil {
			return nil, err
		}
	}
	p := a.newPage(w, r, "", d)
	p.Title = x.Title
	return p, nil
}

func (a *app) applicationAgain(w http.ResponseWriter, r *http.Request, id, form string, err error) {
	r.SetPathValue("id", id)
	a.formAgain(w, r, "grants_application.html", func(w http.ResponseWriter, r *http.Request) (*page, error) {
		p, err := a.applicationPage(w, r)
		if err == nil {
			p.Data.(*applicationPageData).Failed = form
		}
		return p, err
	}, err)
}

// applicationStep takes review, withdraw or decline (with its reason).
func (a *app) applicationStep(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := a.Store.StepApplication(r.Context(), id, grants.Action(r.PathValue("action")), r.PostFormValue("reason")); err != nil {
		a.applicationAgain(w, r, id, "step", err)
		return
	}
	a.redirect(w, r, "/grants/applications/"+id, "grants.flash_saved")
}

// applicationReview records a score or a declared conflict of interest.
func (a *app) applicationReview(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	conflict := r.PostFormValue("conflict") != ""
	v := &grants.Review{ApplicationID: id, Conflict: conflict, ConflictNote: r.PostFormValue("conflict_note"),
		Comment: r.PostFormValue("comment")}
	// A declared conflict has no score; otherwise one is required (an
	// empty box was once saved as 0, for good). A score that is not one
	// goes to the store as -1, refused there once it has checked who may
	// review.
	var perr error
	if !conflict {
		if v.Score, perr = procurement.ParsePoints("score", r.PostFormValue("score")); perr != nil {
			v.Score = -1
		}
	}
	err := errs.Unparsed(a.Store.ReviewApplication(r.Context(), v), perr)
	if err != nil {
		a.applicationAgain(w, r, id, "review", err)
		return
	}
	a.redirect(w, r, "/grants/applications/"+id+"#reviews", "grants.flash_reviewed")
}

// applicationAward awards an application with a published reason.
func (a *app) applicationAward(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	// An amount that is not one goes to the store as 0, refused there
	// once it has checked who may award.
	amount, perr := grants.ParseAmount("amount", r.PostFormValue("amount"))
	if perr != nil {
		amount = 0
	}
	_, err := a.Store.AwardApplication(r.Context(), id, grants.Decision{Amount: amount, Reason: r.PostFormValue("reason")})
	if err = errs.Unparsed(err, perr); err != nil {
		a.applicationAgain(w, r, id, "award", err)
		return
	}
	a.redirect(w, r, "/grants/applications/"+id+"#agreement", "grants.flash_awarded")
}
