package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
)

type activityShowData struct {
	A           *activities.Activity
	Mine        *activities.Signup  // nil: not signed up
	Resident    bool                // the actor may sign up (holds the resident role)
	Manage      bool                // the actor organizes it
	Oversee     bool                // the actor may see the attendance list
	Communities []*places.Community // the picker, while the resident has no home
	Home        string
	// NotForHome says why a resident whose home is confirmed may not sign
	// up (the activity is for another street or community); "" when they may.
	NotForHome string
	Started    bool
	Over       bool
	Actions    []activities.Action
	Editable   bool // the organizer may still change it
	// StartPassed: a draft the organizer cannot publish until its start
	// is moved ahead (they are told so beside 发布).
	StartPassed bool
	// Rules are the active points rules that award the residents who
	// attend an activity of its type: what the points scheme applies.
	Rules []*points.Rule
}

func (a *app) activityShowPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	act, err := a.Store.FindActivityByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	u := accounts.ActorFrom(ctx)
	now := a.Store.Now()
	d := &activityShowData{A: act, Started: !now.Before(act.StartsAt), Over: !now.Before(act.EndsAt),
		Manage:  accounts.Allowed(u, accounts.Update, act.Resource()),
		Oversee: accounts.Allowed(u, accounts.ViewPrivate, act.Resource()),
		Resident: accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindSignup, ID: act.ID,
			OwnerID: userIDOf(u)})}
	rules, err := a.Store.FindRules(ctx, true)
	if err != nil {
		return nil, err
	}
	d.Rules = points.ResidentRulesFor(rules, string(act.Type))
	if d.Manage {
		d.Editable = act.Editable(now)
		d.StartPassed = act.Status == activities.Draft && act.StartPassed(now)
		for _, t := range activities.Transitions {
			if t.From == act.Status {
				d.Actions = append(d.Actions, t.Action)
			}
		}
	}
	var home *places.Community // the resident's, when the activity is not open to anyone
	if u != nil {
		g, err := a.Store.FindMySignup(ctx, act.ID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		d.Mine = g
		if d.Resident && act.Eligibility != activities.OpenToAnyone {
			if home, err = a.Store.FindHomeCommunity(ctx); err != nil && !errs.Is(err, errs.NotFound) {
				return nil, err
			}
			if home == nil {
				// Where they live is asked once, among the activity's street.
				if d.Communities, err = a.Store.FindCommunities(ctx, act.StreetID); err != nil {
					return nil, err
				}
			} else {
				d.Home = home.ID
			}
		}
	}
	p := a.newPage(w, r, "", d)
	if home != nil {
		if err := act.Eligible(home.StreetID, home.ID); err != nil {
			d.NotForHome = a.Catalog.Error(p.Lang, err)
		}
	}
	p.Title = act.Title
	if p.Form.Get("community") == "" {
		p.Form.Set("community", d.Home)
	}
	return p, nil
}

func userIDOf(u *accounts.User) string {
	if u == nil {
		return ""
	}
	return u.ID
}

func (a *app) activityShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.activityShowPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "activity_show.html", http.StatusOK, p)
}

// activitySignup signs the resident up (or onto the waiting list).
func (a *app) activitySignup(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	g, err := a.Store.Signup(r.Context(), id, r.PostFormValue("community"))
	if err != nil {
		a.formAgain(w, r, "activity_show.html", a.activityShowPage, err)
		return
	}
	flash := "flash.activity_signed"
	if g.Status == activities.Waiting {
		flash = "flash.activity_waiting"
	}
	a.redirect(w, r, "/activities/"+id, flash)
}

// activitySignupCancel takes the resident off the activity.
func (a *app) activitySignupCancel(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := a.Store.CancelSignup(r.Context(), id); err != nil {
		a.formAgain(w, r, "activity_show.html", a.activityShowPage, err)
		return
	}
	a.redirect(w, r, "/activities/"+id, "flash.activity_signup_cancelled")
}

// activityStep publishes, cancels or finishes the activity.
func (a *app) activityStep(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	act := activities.Action(r.PathValue("action"))
	if _, err := a.Store.StepActivity(r.Context(), id, act); err != nil {
		a.formAgain(w, r, "activity_show.html", a.activityShowPage, err)
		return
	}
	a.redirect(w, r, "/activities/"+id, "flash.activity_"+string(act))
}
