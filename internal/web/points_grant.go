package web

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/text"
)

type pointsGrantData struct {
	Streets []*places.Street // the pools the actor grants from
	Street  *places.Street   // the one shown
	Issued  int64            // what the pool has given out, net (a pool's balance goes negative)
	Recent  []*points.Entry  // the pool's latest postings, names masked
	Key     string           // this form's idempotency key
	Max     int64
}

// pointsGrantPage is the hand-grant form: a street's staff grant points
// from their street's pool to a resident, with a reason.
func (a *app) pointsGrantPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	all, err := a.Store.FindStreets(ctx)
	if err != nil {
		return nil, err
	}
	d := &pointsGrantData{Key: r.PostFormValue("key"), Max: points.MaxGrant}
	if d.Key == "" {
		d.Key = rand.Text()
	}
	for _, st := range all {
		if accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindPoints, StreetID: st.ID}) {
			d.Streets = append(d.Streets, st)
		}
	}
	if len(d.Streets) == 0 {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	want := r.FormValue("street")
	d.Street = d.Streets[0]
	for _, st := range d.Streets {
		if st.ID == want {
			d.Street = st
		}
	}
	pool := points.AccountID(points.Pool, d.Street.ID)
	acct, err := a.Store.FindPointsAccount(ctx, pool)
	if err != nil {
		return nil, err
	}
	d.Issued = -acct.Balance
	if d.Recent, err = a.Store.FindPointsEntries(ctx, pool, 20); err != nil {
		return nil, err
	}
	p := a.newPage(w, r, "points.grant_title", d)
	p.Form.Set("street", d.Street.ID)
	return p, nil
}

func (a *app) pointsGrant(w http.ResponseWriter, r *http.Request) {
	p, err := a.pointsGrantPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_points_grant.html", http.StatusOK, p)
}

// pointsGrantSubmit posts the grant (once per form, by its key) and shows
// the form again, empty, with the pool's postings.
func (a *app) pointsGrantSubmit(w http.ResponseWriter, r *http.Request) {
	street := r.PostFormValue("street")
	// An amount that does not read is said with every other problem of
	// the form at once: the store is asked with none and adds its own.
	var bad error
	raw := text.Narrow(strings.TrimSpace(r.PostFormValue("amount")))
	amount, err := strconv.ParseInt(raw, 10, 64)
	switch {
	case raw == "":
		bad = errs.Field("amount", "field.required")
	case err != nil && strings.Trim(raw, "0123456789") == "": // all digits: too many of them
		bad = errs.Field("amount", "number.range", 1, points.MaxGrant)
	case err != nil:
		bad = errs.Field("amount", "number.invalid")
	}
	if bad != nil {
		amount = 0
	}
	if _, err := a.Store.GrantPoints(r.Context(), street, r.PostFormValue("phone"), amount, r.PostFormValue("reason"),
		r.PostFormValue("key")); err != nil {
		a.formAgain(w, r, "admin_points_grant.html", a.pointsGrantPage, errs.Merge(bad, err))
		return
	}
	a.redirect(w, r, "/admin/points/grant?street="+url.QueryEscape(street), "flash.points_granted")
}
