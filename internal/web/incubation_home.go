package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/store"
)

type baseSpaces struct {
	Base   *incubation.Base
	Spaces []*incubation.Space
}

type incubationHomeData struct {
	Bases      []baseSpaces
	ApplyBases []*incubation.Base // the bases the ApplyOrgs may apply to
	ApplyOrgs  []orgChoice        // organizations the actor may apply for
	Mine       []*incubation.Incubation
	MyBookings []*incubation.Booking
	Manager    bool // sees the staff page link
}

// incubationHome is the base's public front page: bases and their spaces,
// and for signed-in organizations their bookings, incubation and the
// application form.
func (a *app) incubationHome(w http.ResponseWriter, r *http.Request) {
	p, err := a.incubationHomePage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "incubation.html", http.StatusOK, p)
}

func (a *app) incubationHomePage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u := accounts.ActorFrom(ctx)
	d := &incubationHomeData{}
	bases, err := a.Store.FindBases(ctx)
	if err != nil {
		return nil, err
	}
	spaces, err := a.Store.FindSpaces(ctx, "")
	if err != nil {
		return nil, err
	}
	for _, b := range bases {
		bs := baseSpaces{Base: b}
		for _, sp := range spaces {
			if sp.BaseID == b.ID {
				bs.Spaces = append(bs.Spaces, sp)
			}
		}
		d.Bases = append(d.Bases, bs)
		d.Manager = d.Manager || incubation.Manages(u, b.StreetID)
	}
	if u != nil {
		streets := map[string]bool{}
		for _, o := range actorOrgs(u, true) {
			if accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindIncubation, OrgID: o.ID}) {
				d.ApplyOrgs = append(d.ApplyOrgs, o)
				org, err := a.Store.FindOrganizationByID(ctx, o.ID)
				if err != nil {
					return nil, err
				}
				streets[org.StreetID] = true
			}
		}
		// The district base, and the bases of the streets the actor's
		// organizations are in; the store checks the pair chosen.
		for _, b := range bases {
			for st := range streets {
				if b.TakesApplicantFrom(st) {
					d.ApplyBases = append(d.ApplyBases, b)
					break
				}
			}
		}
		for _, o := range actorOrgs(u, false) {
			ins, err := a.Store.FindIncubations(ctx, store.IncubationFilter{OrgID: o.ID})
			if err != nil {
				return nil, err
			}
			d.Mine = append(d.Mine, ins...)
		}
		if d.MyBookings, err = a.Store.FindMyBookings(ctx, a.Store.Now()); err != nil {
			return nil, err
		}
	}
	return a.newPage(w, r, "inc.title", d), nil
}

// incubationApply files an application (an organization's admin).
func (a *app) incubationApply(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	in := &incubation.Incubation{BaseID: r.PostFormValue("base"), OrgID: r.PostFormValue("org"),
		Statement: r.PostFormValue("statement")}
	if err := a.Store.ApplyIncubation(r.Context(), in); err != nil {
		a.formAgain(w, r, "incubation.html", a.incubationHomePage, err)
		return
	}
	a.redirect(w, r, "/incubation/incubations/"+in.ID, "inc.flash_applied")
}
