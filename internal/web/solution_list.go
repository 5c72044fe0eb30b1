package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/server"
)

// solutionsPerPage is the catalog's page size.
const solutionsPerPage = 24

// solutionListData is the public catalog: a shelf of published solutions.
type solutionListData struct {
	Solutions []*catalog.Solution
	Total     int
	Page      int
	PerPage   int
	Category  string
	// Sort is the order the list is in: a catalog.Sort, or "relevance" for
	// a search the index ranked. Relevance says whether the select offers
	// 最相关: a search the index answers (its hits may be sorted by evidence
	// too); the database's word filter has no ranking to offer.
	Sort       string
	Relevance  bool
	Sorts      []string
	Query      url.Values
	Search     searchState
	Shelf      []categoryCount // categories with listed solutions
	CanPropose bool
}

// solutionList is the public catalog (同款方案): browse by category, search
// in everyday Chinese (the solution index), sort by evidence.
func (a *app) solutionList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	l := server.Lang(r)
	d := &solutionListData{Query: q, PerPage: solutionsPerPage}
	for _, s := range catalog.Sorts {
		d.Sorts = append(d.Sorts, string(s))
	}
	f := catalog.Filter{Status: catalog.Published, PerPage: solutionsPerPage}
	if c := registry.CategoryByCode(q.Get("category")); c != nil {
		f.Category, d.Category = c.Code, c.Code
	}
	if s := catalog.Sort(q.Get("sort")); catalog.ValidSort(s) {
		f.Sort = s
	}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	f.Page = d.Page
	text := q.Get("q")
	searching := strings.TrimSpace(text) != ""
	// Read once: the index may become ready during the request.
	var idx *match.Solutions
	if a.Solutions != nil && a.Solutions.Ready() {
		idx = a.Solutions
	}
	d.Relevance = searching && idx != nil
	if f.Sort == "" && !d.Relevance {
		f.Sort = catalog.SortDeliveries
	}
	var err error
	if searching {
		d.Solutions, d.Total, d.Search, err = a.searchSolutions(r, l, idx, text, f)
	} else {
		d.Solutions, d.Total, err = a.Store.FindSolutions(ctx, f)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// f.Sort is left empty for the index to rank alone; a search it turned
	// away (nothing to search for) lists nothing, and the select shows its
	// first option, 最相关.
	d.Sort = listSort(string(f.Sort), d.Search)
	if d.Shelf, err = a.solutionShelf(r, l); err != nil {
		a.fail(w, r, err)
		return
	}
	d.CanPropose = mayPropose(accounts.ActorFrom(ctx))
	a.render(w, r, "solution_list.html", http.StatusOK, a.newPage(w, r, "sol.catalog", d))
}

// mayPropose reports whether actor may propose solutions at all (an
// organization's admin or platform staff).
func mayPropose(actor *accounts.User) bool {
	if actor == nil {
		return false
	}
	if catalog.CanPropose(actor, "") == nil {
		return true
	}
	for _, id := range actor.OrgIDs() {
		if catalog.CanPropose(actor, id) == nil {
			return true
		}
	}
	return false
}

// searchSolutions answers the catalog's search box from the solution index
// idx (best first, or in the sort asked for), falling back to the
// database's word filter, in f.Sort, when idx is nil (none, or not built
// yet).
func (a *app) searchSolutions(r *http.Request, l i18n.Lang, idx *match.Solutions, raw string, f catalog.Filter) ([]*catalog.Solution, int, searchState, error) {
	ctx := r.Context()
	st, ok := a.readSearchBox(l, raw)
	if !ok {
		return nil, 0, st, nil
	}
	text := st.Text
	st.Ranked = false // set below: only an index search without a sort is ranked
	if idx == nil {
		f.Query = text
		out, total, err := a.Store.FindSolutions(ctx, f)
		return out, total, st, err
	}
	hits, err := idx.Search(ctx, text, f.Category, searchHits)
	if errs.CodeOf(err) == errs.Invalid {
		st.Notice = a.Catalog.Error(l, err)
		return nil, 0, st, nil
	}
	if err != nil {
		return nil, 0, st, err
	}
	st.Ranked = f.Sort == ""
	if len(hits) == searchHits {
		st.Capped = searchHits
	}
	f.IDs = []string{}
	for _, h := range hits {
		f.IDs = append(f.IDs, h.ID)
	}
	if len(f.IDs) == 0 {
		return nil, 0, st, nil
	}
	out, total, err := a.Store.FindSolutions(ctx, f)
	return out, total, st, err
}

// solutionShelf counts the listed solutions per category, in taxonomy order.
func (a *app) solutionShelf(r *http.Request, l i18n.Lang) ([]categoryCount, error) {
	counts := map[string]int{}
	for page := 1; ; page++ {
		all, total, err := a.Store.FindSolutions(r.Context(), catalog.Filter{Status: catalog.Published, Page: page,
			PerPage: catalog.MaxPerPage})
		if err != nil {
			return nil, err
		}
		for _, s := range all {
			counts[s.Version.Category]++
		}
		if len(all) == 0 || page*catalog.MaxPerPage >= total {
			break
		}
	}
	var out []categoryCount
	for _, c := range registry.Categories {
		if n := counts[c.Code]; n > 0 {
			out = append(out, categoryCount{c.Code, a.Catalog.T(l, "category."+c.Code), n})
		}
	}
	return out, nil
}
