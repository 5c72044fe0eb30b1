package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/server"
)

type orgListData struct {
	Orgs        []*registry.Organization
	Total       int
	Filter      registry.Filter
	Query       url.Values
	Streets     []*places.Street
	Communities []*places.Community
	CanCreate   bool
	Search      searchState
	// Sort is the order the list is in: Filter.Sort, or "relevance" for
	// a search answered from the index (best match first, whatever the
	// sort asked for).
	Sort string
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
	var (
		orgs   []*registry.Organization
		total  int
		search searchState
		err    error
	)
	if a.Match != nil && strings.TrimSpace(f.Query) != "" {
		orgs, total, search, err = a.searchOrgs(r, server.Lang(r), f)
	} else {
		orgs, total, err = a.Store.FindOrganizations(ctx, f)
		search.Text = f.Query
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &orgListData{Orgs: orgs, Total: total, Filter: f, Query: q, Search: search, Sort: listSort(f.Sort, search)}
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
	status := http.StatusOK
	if search.Busy {
		w.Header().Set("Retry-After", strconv.Itoa(int(a.Passwords.RetryAfter().Seconds())))
		status = http.StatusServiceUnavailable
	}
	a.render(w, r, "org_list.html", status, a.newPage(w, r, "org.directory", d))
}

// searchOrgs answers the directory's search box from the matcher's index:
// organizations best matching the text, with the directory's other
// filters, one page of them.
func (a *app) searchOrgs(r *http.Request, l i18n.Lang, f registry.Filter) ([]*registry.Organization, int, searchState, error) {
	ctx := r.Context()
	st, ok := a.readSearchBox(l, f.Query)
	if !ok {
		return nil, 0, st, nil
	}
	text := st.Text
	results, err := a.Match.SearchOrganizations(ctx, text, searchHits)
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.Busy {
		// A busy server says so above an empty list (503, see orgList).
		st.Notice, st.Ranked, st.Busy = a.Catalog.Error(l, err), false, c == errs.Busy
		return nil, 0, st, nil
	}
	if err != nil {
		return nil, 0, st, err
	}
	if len(results) == searchHits {
		st.Capped = searchHits
	}
	ids := make([]string, len(results))
	for i, res := range results {
		ids[i] = res.ID
	}
	found, err := a.Store.FindOrganizationsByIDs(ctx, ids)
	if err != nil {
		return nil, 0, st, err
	}
	var all []*registry.Organization
	for _, o := range found {
		if orgMatches(o, f) {
			all = append(all, o)
		}
	}
	from := min((f.Page-1)*f.PerPage, len(all))
	to := min(from+f.PerPage, len(all))
	return all[from:to], len(all), st, nil
}

// orgMatches applies the directory's filters other than the text.
func orgMatches(o *registry.Organization, f registry.Filter) bool {
	switch {
	case f.StreetID != "" && o.StreetID != f.StreetID,
		f.CommunityID != "" && o.CommunityID != f.CommunityID,
		f.Category != "" && o.Category != f.Category,
		f.Registration != "" && o.Registration != f.Registration,
		f.PartyForm != "" && o.PartyForm != f.PartyForm,
		f.Domain != "" && !slices.Contains(o.Domains, f.Domain):
		return false
	}
	return true
}
