package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
)

type activityFlagsData struct {
	Flags []activities.Flag
}

// adminActivityFlags lists attendance that needs a second look: the same
// resident at two places at once, weeks far above their norm. Coordinators
// see the district, street staff their street.
func (a *app) adminActivityFlags(w http.ResponseWriter, r *http.Request) {
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &activityFlagsData{}
	switch {
	case accounts.Allowed(u, accounts.View, accounts.Resource{Kind: accounts.KindActivityFlag}):
		if d.Flags, err = a.Store.FindActivityFlags(r.Context(), ""); err != nil {
			a.fail(w, r, err)
			return
		}
	case len(u.StreetScopes(accounts.StreetStaff)) > 0:
		for _, st := range u.StreetScopes(accounts.StreetStaff) {
			fs, err := a.Store.FindActivityFlags(r.Context(), st)
			if err != nil {
				a.fail(w, r, err)
				return
			}
			d.Flags = append(d.Flags, fs...)
		}
	default:
		a.fail(w, r, errs.E(errs.Forbidden, "auth.forbidden"))
		return
	}
	a.render(w, r, "admin_activity_flags.html", http.StatusOK, a.newPage(w, r, "flags.title", d))
}
