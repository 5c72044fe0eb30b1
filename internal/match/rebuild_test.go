package match_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// emptySource is the store with nothing to read in bulk: a Live built on it
// gets every object through Apply, the one-object reads (joined in SQL).
type emptySource struct{ *store.Store }

func (emptySource) MatchOrganizations(context.Context) ([]match.Org, error) { return nil, nil }
func (emptySource) MatchBoard(context.Context) ([]match.Need, []match.Project, error) {
	return nil, nil, nil
}

// TestBuildEqualsApplied holds the start-up rebuild (the bulk reads, the
// board in id ranges at once, the indexes and maps built side by side) to
// the Live that the same objects give one by one through Apply: the same
// objects, and the same answers with the same scores.
func TestBuildEqualsApplied(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newLiveFixture(t, s)
		ctx := context.Background()
		open := f.publish(t, "楼里老人不会用手机挂号", "子女不在身边，老人看病挂号很难，希望有人教他们用手机。")
		f.publish(t, "老年人智能手机培训", "教社区老人使用智能手机和微信。", procurement.RegisteredOnly)
		draft := &procurement.Need{Title: "垃圾分类督导草稿", Description: "还没有提交的需求。", CommunityID: f.orgs["o1"].CommunityID,
			BudgetFen: 1_000_000, Procedure: procurement.Open, Criteria: procurement.DefaultCriteria(), Deadline: f.now.Add(240 * 3600e9)}
		if err := s.CreateNeed(accounts.WithActor(ctx, f.staff), draft, procurement.DefaultRules()); err != nil {
			t.Fatal(err)
		}

		a := search.NewAnalyzer(search.Options{})
		built, err := match.NewLive(s, a, match.DefaultWeights())
		if err != nil {
			t.Fatal(err)
		}
		applied, err := match.NewLive(emptySource{s}, a, match.DefaultWeights())
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range []*match.Live{built, applied} {
			l.Now = s.Now
			if err := l.Build(ctx); err != nil {
				t.Fatal(err)
			}
		}
		var orgIDs []string
		for _, o := range f.orgs {
			orgIDs = append(orgIDs, o.ID)
		}
		needs, _, err := s.MatchBoard(ctx)
		if err != nil {
			t.Fatal(err)
		}
		needIDs := []string{draft.ID}
		for _, n := range needs {
			needIDs = append(needIDs, n.ID)
		}
		if err := applied.Apply(ctx, orgIDs, needIDs); err != nil {
			t.Fatal(err)
		}

		bo, bp, bn := built.Len()
		if ao, ap, an := applied.Len(); bo != 3 || bp != 2 || bn != 4 || ao != bo || ap != bp || an != bn {
			t.Fatalf("built holds %d orgs, %d projects, %d needs; applied %d, %d, %d; want 3, 2, 4", bo, bp, bn, ao, ap, an)
		}
		for _, id := range orgIDs {
			x, _ := built.Organization(id)
			y, _ := applied.Organization(id)
			if !slices.Equal(x.Domains, y.Domains) || x.Name != y.Name || x.Registered != y.Registered || x.StreetName != y.StreetName {
				t.Fatalf("organization %s: built %+v, applied %+v", id, x, y)
			}
		}
		ranked := 0
		near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(x)) }
		for _, text := range []string{"老人手机挂号", "垃圾分类", "智能手机培训", "业委会物业矛盾", "龙锦苑社区老人"} {
			x, err1 := built.SearchNeeds(ctx, text, nil, 10)
			y, err2 := applied.SearchNeeds(ctx, text, nil, 10)
			if err1 != nil || err2 != nil || len(x) != len(y) {
				t.Fatalf("search %s: built %+v %v, applied %+v %v", text, x, err1, y, err2)
			}
			for i := range x {
				if x[i].ID != y[i].ID || !near(x[i].Score, y[i].Score) || !slices.Equal(x[i].InvitedOrgIDs, y[i].InvitedOrgIDs) ||
					x[i].Status != y[i].Status || x[i].StreetName != y[i].StreetName || x[i].CommunityName != y[i].CommunityName ||
					x[i].Deadline != y[i].Deadline || x[i].RegisteredOnly != y[i].RegisteredOnly || x[i].Completed != y[i].Completed {
					t.Fatalf("search %s, hit %d: built %+v, applied %+v", text, i, x[i], y[i])
				}
			}
			q := match.Query{Text: text, Community: open.CommunityID, IncludeExcluded: true}
			for _, rank := range []func(*match.Live) ([]match.Result, error){
				func(l *match.Live) ([]match.Result, error) { return l.Organizations(ctx, q, 5) },
				func(l *match.Live) ([]match.Result, error) { return l.Projects(ctx, q, 5) },
			} {
				x, err1 := rank(built)
				y, err2 := rank(applied)
				ranked += len(x)
				if err1 != nil || err2 != nil || len(x) != len(y) {
					t.Fatalf("rank %s: built %+v %v, applied %+v %v", text, x, err1, y, err2)
				}
				for i := range x {
					if x[i].ID != y[i].ID || !near(x[i].Score, y[i].Score) || !slices.Equal(x[i].Reasons, y[i].Reasons) {
						t.Fatalf("rank %s, result %d: built %+v, applied %+v", text, i, x[i], y[i])
					}
				}
			}
		}
		if ranked < 5 {
			t.Fatalf("only %d organizations and projects ranked: the comparison says little", ranked)
		}
		recommended := 0
		for _, id := range orgIDs {
			x, err1 := built.RecommendNeeds(ctx, id, 5)
			y, err2 := applied.RecommendNeeds(ctx, id, 5)
			if err1 != nil || err2 != nil || len(x) != len(y) {
				t.Fatalf("recommended for %s: built %+v %v, applied %+v %v", id, x, err1, y, err2)
			}
			recommended += len(x)
			for i := range x {
				if x[i].ID != y[i].ID || !near(x[i].Score, y[i].Score) || !slices.Equal(x[i].Reasons, y[i].Reasons) {
					t.Fatalf("recommended for %s, %d: built %+v, applied %+v", id, i, x[i], y[i])
				}
			}
		}
		if recommended == 0 {
			t.Fatal("nothing recommended: the comparison says little")
		}
	})
}
