package web

import (
	"net/http"
	"net/url"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

// statSolutions bounds the per-solution statistics table (most delivered first).
const statSolutions = 50

// adminSolutionsData is the coordinators' page of the catalog: the review
// queue, near-duplicates to merge, clusters of completed projects waiting
// to become solutions, and the statistics.
type adminSolutionsData struct {
	Review   []*catalog.Solution
	Dupes    []store.SolutionPair
	Clusters []clusterView
	CatStats []catalog.Stats
	Stats    []catalog.Stats
}

// clusterView is a suggested cluster with the link that starts a proposal.
type clusterView struct {
	Category string
	Projects []projectChoice
	Query    string // from=…&from=… for /solutions/new
}

// coordinator checks that the signed-in person is platform staff.
func coordinator(r *http.Request) error {
	u, err := actor(r)
	if err != nil {
		return err
	}
	if !u.Holds(accounts.PlatformAdmin, accounts.Resource{}) {
		return errs.E(errs.Forbidden, "auth.forbidden")
	}
	return nil
}

func (a *app) adminSolutions(w http.ResponseWriter, r *http.Request) {
	p, err := a.adminSolutionsPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "admin_solutions.html", http.StatusOK, p)
}

func (a *app) adminSolutionsPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	if err := coordinator(r); err != nil {
		return nil, err
	}
	d := &adminSolutionsData{}
	var err error
	if d.Review, _, err = a.Store.FindSolutions(ctx, catalog.Filter{Status: catalog.InReview, PerPage: catalog.MaxPerPage}); err != nil {
		return nil, err
	}
	if d.Dupes, err = a.Store.SolutionDuplicates(ctx); err != nil {
		return nil, err
	}
	clusters, err := a.Store.SuggestSolutionClusters(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range clusters {
		cv := clusterView{Category: c.Category}
		q := url.Values{}
		for _, n := range c.Projects {
			cv.Projects = append(cv.Projects, projectChoice{ID: n.ID, Title: n.Title})
			q.Add("from", n.ID)
		}
		cv.Query = q.Encode()
		d.Clusters = append(d.Clusters, cv)
	}
	if d.CatStats, err = a.Store.CategoryStats(ctx); err != nil {
		return nil, err
	}
	l := server.Lang(r)
	for i := range d.CatStats {
		d.CatStats[i].Name = a.Catalog.T(l, "category."+d.CatStats[i].Key)
	}
	listed, _, err := a.Store.FindSolutions(ctx, catalog.Filter{Status: catalog.Published, Sort: catalog.SortDeliveries,
		PerPage: statSolutions})
	if err != nil {
		return nil, err
	}
	for _, s := range listed {
		st, err := a.Store.SolutionStats(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		d.Stats = append(d.Stats, st)
	}
	return a.newPage(w, r, "sol.admin_title", d), nil
}

// adminSolutionMerge lets one solution absorb another (a coordinator): the
// absorbed one's projects join the kept one and its page redirects there.
func (a *app) adminSolutionMerge(w http.ResponseWriter, r *http.Request) {
	if err := coordinator(r); err != nil {
		a.fail(w, r, err)
		return
	}
	// The pair's two solutions; the button pressed names the one kept.
	into, from := r.PostFormValue("into"), r.PostFormValue("a")
	if from == into {
		from = r.PostFormValue("b")
	}
	if _, err := a.Store.MergeSolutions(r.Context(), from, into, r.PostFormValue("reason")); err != nil {
		a.formAgain(w, r, "admin_solutions.html", a.adminSolutionsPage, err)
		return
	}
	a.redirect(w, r, "/solutions/"+into, "flash.solutions_merged")
}
