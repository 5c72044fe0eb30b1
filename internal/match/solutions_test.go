package match_test

import (
	"context"
	"testing"

	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// publishSolution proposes a solution from the project with key as the
// platform and publishes it.
func publishSolution(t *testing.T, s *store.Store, key string, v catalog.Version) *catalog.Solution {
	t.Helper()
	ctx := storetest.Admin()
	ps, err := s.MatchProjects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, p := range ps {
		if p.Key == key {
			id = p.ID
		}
	}
	sol, err := s.CreateSolution(ctx, store.SolutionProposal{NeedIDs: []string{id}, Version: v})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitSolution(ctx, sol.ID); err != nil {
		t.Fatal(err)
	}
	if sol, err = s.PublishSolution(ctx, sol.ID); err != nil {
		t.Fatal(err)
	}
	return sol
}

func TestSolutionsIndexFollowsTheStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		newLiveFixture(t, s)
		ix, err := match.NewSolutions(s, search.NewAnalyzer(search.Options{}))
		if err != nil {
			t.Fatal(err)
		}
		s.OnChange(func(ctx context.Context, cs []store.Change) {
			var ids []string
			for _, c := range cs {
				if c.Kind == store.ChangeSolution {
					ids = append(ids, c.ID)
				}
			}
			if err := ix.Apply(ctx, ids); err != nil {
				t.Errorf("apply: %v", err)
			}
		})
		// Published before the build: found by Build.
		phones := publishSolution(t, s, "p1", catalog.Version{Title: "老年人智能手机课堂", Tags: []string{"数字素养"},
			Steps: []catalog.Step{{Title: "招募学员"}, {Title: "小班教学挂号缴费"}}})
		if ix.Ready() {
			t.Fatal("ready before Build")
		}
		if err := ix.Build(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !ix.Ready() || ix.Len() != 1 {
			t.Fatalf("after build: ready %v, %d solutions", ix.Ready(), ix.Len())
		}
		// Published after the build: the change listener puts it.
		waste := publishSolution(t, s, "p2", catalog.Version{Title: "楼栋垃圾分类桶前督导", Tags: []string{"垃圾分类"}})
		if ix.Len() != 2 || !ix.Has(waste.ID) {
			t.Fatalf("after publishing: %d", ix.Len())
		}
		ctx := context.Background()
		hits, err := ix.Search(ctx, "我妈不会用手机挂号", "", 10)
		if err != nil || len(hits) == 0 || hits[0].ID != phones.ID || len(hits[0].Terms) == 0 {
			t.Fatalf("search: %+v %v", hits, err)
		}
		if hits[0].Providers[0] != "回龙观长者关爱中心" {
			t.Fatalf("providers: %+v", hits[0].SolutionDoc)
		}
		if hits, _ := ix.Search(ctx, "垃圾", "elderly", 10); len(hits) != 0 {
			t.Fatalf("category facet: %+v", hits)
		}
		if hits, _ := ix.Search(ctx, "垃圾 分类", "environment", 10); len(hits) != 1 || hits[0].ID != waste.ID {
			t.Fatalf("category: %+v", hits)
		}
		if _, err := ix.Search(ctx, "  ", "", 10); !errs.Is(err, errs.Invalid) {
			t.Fatalf("empty query: %v", err)
		}
		// Archived: gone from the index; a draft revision leaves the published version in.
		if _, err := s.ReviseSolution(storetest.Admin(), phones.ID, "更新"); err != nil {
			t.Fatal(err)
		}
		if !ix.Has(phones.ID) {
			t.Fatal("a revision in draft took the published solution out")
		}
		if _, err := s.ArchiveSolution(storetest.Admin(), waste.ID, "内容重复下架"); err != nil {
			t.Fatal(err)
		}
		if ix.Has(waste.ID) || ix.Len() != 1 {
			t.Fatalf("archived still indexed: %d", ix.Len())
		}
	})
}
