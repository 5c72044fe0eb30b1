package web

import (
	"net/http"
	"net/url"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/portal"
)

// Assisted mode (代办) at the community's front desk.

type assistData struct {
	Community   *places.Community
	Communities []*places.Community
	Phone       string
	Resident    *accounts.User // found by the full phone typed at the desk
	Activities  []*activities.Activity
}

func (a *app) assistPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	d := &assistData{}
	all, err := a.Store.FindCommunities(r.Context(), "")
	if err != nil {
		return nil, err
	}
	for _, cm := range all {
		if accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindAssisted, StreetID: cm.StreetID, CommunityID: cm.ID}) {
			d.Communities = append(d.Communities, cm)
		}
	}
	if len(d.Communities) == 0 {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	want := r.FormValue("community")
	d.Community = d.Communities[0]
	for _, cm := range d.Communities {
		if cm.ID == want {
			d.Community = cm
		}
	}
	p := a.newPage(w, r, "assist.title", d)
	d.Phone = r.FormValue("phone")
	if d.Phone != "" {
		d.Resident, err = a.Store.AssistTarget(r.Context(), d.Community.ID, d.Phone)
		if err != nil {
			if errs.CodeOf(err) != errs.Invalid {
				return nil, err
			}
			p.Fields["phone"] = a.Catalog.Error(p.Lang, err)
		}
	}
	now := a.Store.Now()
	if d.Activities, _, err = a.Store.FindActivities(r.Context(), activities.Filter{Status: activities.Published,
		StreetID: d.Community.StreetID, From: now, To: now.Add(30 * 24 * time.Hour), PerPage: 50}); err != nil {
		return nil, err
	}
	return p, nil
}

// assist is GET /community/assist: find the resident, then act for them.
func (a *app) assist(w http.ResponseWriter, r *http.Request) {
	p, err := a.assistPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "portal_assist.html", http.StatusOK, p)
}

func (a *app) assistBack(r *http.Request) string {
	return "/community/assist?community=" + url.QueryEscape(r.PostFormValue("community")) + "&phone=" + url.QueryEscape(r.PostFormValue("phone"))
}

// assistSignup signs the resident up for an activity.
func (a *app) assistSignup(w http.ResponseWriter, r *http.Request) {
	_, err := a.Store.AssistedSignup(r.Context(), r.PostFormValue("community"), r.PostFormValue("phone"),
		r.PostFormValue("activity"), r.PostFormValue("consent") == "1")
	if err != nil {
		a.formAgain(w, r, "portal_assist.html", a.assistPage, err)
		return
	}
	a.redirect(w, r, a.assistBack(r), "assist.flash_signup")
}

// assistSuggestion writes down a need the resident tells staff.
func (a *app) assistSuggestion(w http.ResponseWriter, r *http.Request) {
	g := &portal.Suggestion{Body: r.PostFormValue("body"), Place: r.PostFormValue("place")}
	err := a.Store.AssistedSuggestion(r.Context(), r.PostFormValue("community"), r.PostFormValue("phone"), g,
		r.PostFormValue("consent") == "1")
	if err != nil {
		a.formAgain(w, r, "portal_assist.html", a.assistPage, err)
		return
	}
	a.redirect(w, r, a.assistBack(r), "assist.flash_suggestion")
}
