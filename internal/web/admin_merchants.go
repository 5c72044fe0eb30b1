package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/store"
)

type merchantsData struct {
	Merchants   []*merchants.Merchant
	Streets     []*places.Street // where this actor may enrol merchants
	Communities []*places.Community
	Total       int // of the list's filter (up to merchantCountUpTo+1)
	CountOver   bool
	Filter      store.MerchantFilter
	Query       url.Values
}

// merchantsPerPage and merchantCountUpTo bound a page of the merchants'
// list: a city has about 2,000 merchants (all on one page before).
const (
	merchantsPerPage  = 50
	merchantCountUpTo = 10000
)

func (a *app) merchantsPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	streets, err := a.Store.FindStreets(ctx)
	if err != nil {
		return nil, err
	}
	d := &merchantsData{}
	for _, st := range streets {
		if accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindMerchant, StreetID: st.ID}) {
			d.Streets = append(d.Streets, st)
		}
	}
	if len(d.Streets) == 0 {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	street := ""
	if len(d.Streets) == 1 {
		street = d.Streets[0].ID
	}
	q := r.URL.Query()
	d.Query = q
	d.Filter = store.MerchantFilter{StreetID: street, Query: q.Get("q"), PerPage: merchantsPerPage, CountUpTo: merchantCountUpTo}
	if id := q.Get("street"); id != "" && street == "" {
		// Only a street listed in the filter (one the actor enrols in).
		if !slices.ContainsFunc(d.Streets, func(st *places.Street) bool { return st.ID == id }) {
			return nil, errs.E(errs.Forbidden, "auth.forbidden")
		}
		d.Filter.StreetID = id
	}
	d.Filter.Page, _ = strconv.Atoi(q.Get("page"))
	if d.Filter.Page < 1 {
		d.Filter.Page = 1
	}
	if d.Merchants, d.Total, err = a.Store.FindMerchantsPage(ctx, d.Filter); err != nil {
		return nil, err
	}
	d.CountOver = d.Total > merchantCountUpTo
	if d.Communities, err = a.Store.FindCommunities(ctx, street); err != nil {
		return nil, err
	}
	return a.newPage(w, r, "admin.merchants", d), nil
}

func (a *app) adminMerchants(w http.ResponseWriter, r *http.Request) {
	p, err := a.merchantsPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_merchants.html", http.StatusOK, p)
}

func (a *app) adminMerchantCreate(w http.ResponseWriter, r *http.Request) {
	m := &merchants.Merchant{Name: r.PostFormValue("name"), StreetID: r.PostFormValue("street"),
		CommunityID: r.PostFormValue("community"), Kind: r.PostFormValue("kind"), Address: r.PostFormValue("address")}
	if err := a.Store.CreateMerchant(r.Context(), m); err != nil {
		a.formAgain(w, r, "admin_merchants.html", a.merchantsPage, err)
		return
	}
	a.redirect(w, r, "/admin/merchants", "flash.merchant_created")
}
