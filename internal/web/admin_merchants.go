package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/places"
)

type merchantsData struct {
	Merchants   []*merchants.Merchant
	Streets     []*places.Street // where this actor may enrol merchants
	Communities []*places.Community
}

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
	if d.Merchants, err = a.Store.FindMerchants(ctx, street); err != nil {
		return nil, err
	}
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
