package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/server"
)

type homeData struct {
	Streets       []*places.Street
	Communities   int
	Organizations int
	Registered    int
	Recent        []*registry.Organization
	Categories    []categoryCount
}

type categoryCount struct {
	Code, Name string
	Count      int
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	streets, err := a.Store.FindStreetsCounted(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &homeData{Streets: streets}
	for _, s := range streets {
		d.Communities += s.Communities
		d.Organizations += s.Organizations
	}
	if d.Registered, err = a.Store.CountOrganizations(ctx, registry.Filter{Registration: registry.Registered}); err != nil {
		a.fail(w, r, err)
		return
	}
	if d.Recent, _, err = a.Store.FindOrganizations(ctx, registry.Filter{Sort: "newest", PerPage: 6}); err != nil {
		a.fail(w, r, err)
		return
	}
	counts, err := a.Store.CountOrganizationsByCategory(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	for _, c := range registry.Categories {
		if n := counts[c.Code]; n > 0 {
			d.Categories = append(d.Categories, categoryCount{c.Code, a.Catalog.T(server.Lang(r), "category."+c.Code), n})
		}
	}
	a.render(w, r, "home.html", http.StatusOK, a.newPage(w, r, "", d))
}
