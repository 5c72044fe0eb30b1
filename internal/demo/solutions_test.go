package demo_test

import (
	"context"
	"testing"

	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// checkCatalog checks the demo's solution catalog: at least 30 published
// solutions across the taxonomy, built from completed projects, a few in
// draft and under review, one adopted by a need in progress and one whose
// adopting need was accepted, so its evidence shows two deliveries; a
// near-duplicate pair and a cluster of projects not yet standardized.
func checkCatalog(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	list, total, err := s.FindSolutions(ctx, catalog.Filter{PerPage: catalog.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	if total < 30 || len(list) != total {
		t.Fatalf("%d published solutions (%d listed)", total, len(list))
	}
	cats := map[string]bool{}
	var twice *catalog.Solution
	for _, sol := range list {
		cats[sol.Version.Category] = true
		if sol.Figures.Deliveries == 0 || len(sol.Providers) == 0 || len(sol.Version.Steps) == 0 ||
			sol.Version.BudgetMinFen <= 0 || sol.Figures.AvgRating == 0 && sol.Figures.Rated > 0 {
			t.Errorf("%s: %+v, figures %+v", sol.Version.Title, sol.Version, sol.Figures)
		}
		if sol.Figures.Adopted > 0 {
			twice = sol
		}
	}
	if len(cats) < len(registry.Categories)-1 {
		t.Errorf("solutions in %d categories of %d: %v", len(cats), len(registry.Categories), cats)
	}
	if twice == nil || twice.Figures.Deliveries != 2 || twice.Adoptions < 1 {
		t.Fatalf("no solution shows an adopted delivery: %+v", twice)
	}
	admin := storetest.Admin()
	all := list
	for _, st := range []catalog.Status{catalog.Draft, catalog.InReview} {
		some, n, err := s.FindSolutions(admin, catalog.Filter{Status: st, PerPage: catalog.MaxPerPage})
		if err != nil || n == 0 {
			t.Errorf("no solution in %s (%v)", st, err)
		}
		all = append(all, some...)
	}
	// Every solution's steps add up to its cycle (周期, the projects'
	// terms), which adopting needs copy too: never 130 days of steps in a
	// 39–41 day cycle.
	for _, sol := range all {
		v, days := sol.Version, 0
		for _, st := range v.Steps {
			days += st.Days
		}
		if days < v.DurationMinDays || days > v.DurationMaxDays {
			t.Errorf("%s (%s): steps add up to %d days, the cycle is %d–%d", v.Title, sol.Status, days, v.DurationMinDays, v.DurationMaxDays)
		}
	}
	// The adopting needs: one accepted (above), one still in progress.
	inProgress := 0
	needs, _, err := s.FindNeeds(admin, procurement.Filter{Status: procurement.InProgress, PerPage: procurement.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range needs {
		if a, err := s.FindNeedAdoption(admin, n.ID); err == nil && a.SolutionID != "" {
			inProgress++
		}
	}
	if inProgress == 0 {
		t.Error("no adopting need in progress")
	}
	if pairs, err := s.SolutionDuplicates(admin); err != nil || len(pairs) == 0 {
		t.Errorf("no near-duplicates for platform staff to look at (%v)", err)
	}
	if cls, err := s.SuggestSolutionClusters(admin); err != nil || len(cls) == 0 {
		t.Errorf("no cluster of projects for platform staff to standardize (%v)", err)
	}
	if _, err := s.CategoryStats(ctx); err != nil {
		t.Error(err)
	}
}
