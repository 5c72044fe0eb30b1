package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
)

type orgListData struct {
	Orgs        []*registry.Organization
	Total       int
	Filter      registry.Filter
	Query       url.Values
	Streets     []*places.Street
	Communities []*places.Community
	CanCreate   bool
}

// orgFilter reads the directory filters from the query string; values not in
// an allowlist are dropped rather than passed on.
func orgFilter(q url.Values) registry.Filter {
	f := registry.Filter{Query: q.Get("q"), StreetID: q.Get("street"), CommunityID: q.Get("community"),
		Domain: q.Get("domain"), Sort: q.Get("sort"), PerPage: 20}
	if r, ok := registry.ParseRegistration(q.Get("registration")); ok && q.Get("registration") != "" {
		f.Registration = r
	}
	if p, ok := registry.ParsePartyForm(q.Get("party_form")); ok && q.Get("party_form") != "" {
		f.PartyForm = p
	}
	if c := registry.CategoryByCode(q.Get("category")); c != nil {
		f.Category = c.Code
	}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	f.Normalize()
	return f
}

func (a *app) orgList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f := orgFilter(q)
	orgs, total, err := a.Store.FindOrganizations(ctx, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &orgListData{Orgs: orgs, Total: total, Filter: f, Query: q}
	if d.Streets, err = a.Store.FindStreets(ctx); err != nil {
		a.fail(w, r, err)
		return
	}
	if f.StreetID != "" {
		if d.Communities, err = a.Store.FindCommunities(ctx, f.StreetID); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	actor := accounts.ActorFrom(ctx)
	d.CanCreate = accounts.Allowed(actor, accounts.Create, accounts.Resource{Kind: accounts.KindOrganization}) ||
		len(actor.StreetScopes(accounts.StreetStaff)) > 0
	a.render(w, r, "org_list.html", http.StatusOK, a.newPage(w, r, "org.directory", d))
}
