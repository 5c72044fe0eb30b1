package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
)

type activityFlagsData struct {
	Flags []activities.Flag
	// Scope is the street each flag was read for, by its key ("" the
	// district), which dismissing it names again.
	Scope map[string]string
	// Sheet holds the activities (by id) whose attendance sheet the reader
	// may open; the others link to their public page (a resident's other
	// street's activities).
	Sheet map[string]bool
}

// adminActivityFlags lists attendance that needs a second look: the same
// resident at two places at once, weeks far above their norm. Coordinators
// see the district, street staff their street.
func (a *app) adminActivityFlags(w http.ResponseWriter, r *http.Request) {
	p, err := a.activityFlagsPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_activity_flags.html", http.StatusOK, p)
}

func (a *app) activityFlagsPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	d := &activityFlagsData{Scope: map[string]string{}}
	switch {
	case accounts.Allowed(u, accounts.View, accounts.Resource{Kind: accounts.KindActivityFlag}):
		if d.Flags, err = a.Store.FindActivityFlags(r.Context(), ""); err != nil {
			return nil, err
		}
		for _, f := range d.Flags {
			d.Scope[f.Key()] = ""
		}
	case len(u.StreetScopes(accounts.StreetStaff)) > 0:
		for _, st := range u.StreetScopes(accounts.StreetStaff) {
			fs, err := a.Store.FindActivityFlags(r.Context(), st)
			if err != nil {
				return nil, err
			}
			for _, f := range fs {
				if _, seen := d.Scope[f.Key()]; !seen {
					d.Scope[f.Key()] = st
					d.Flags = append(d.Flags, f)
				}
			}
		}
	default:
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	d.Sheet = map[string]bool{}
	for _, f := range d.Flags {
		for _, pr := range f.Presences {
			d.Sheet[pr.ActivityID] = accounts.Allowed(u, accounts.ViewPrivate,
				accounts.Resource{Kind: accounts.KindActivity, ID: pr.ActivityID, StreetID: pr.StreetID})
		}
	}
	return a.newPage(w, r, "flags.title", d), nil
}
