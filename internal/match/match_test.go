package match_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/search"
)

func TestNDCGAndRecall(t *testing.T) {
	t.Parallel()
	rel := map[string]int{"a": 2, "b": 1, "c": 1}
	ideal := (3 + 1/math.Log2(3) + 1/math.Log2(4))
	cases := []struct {
		name         string
		ranked       []string
		ndcg, recall float64
	}{
		{"ideal", []string{"a", "b", "c", "x", "y"}, 1, 1},
		{"swapped", []string{"b", "a", "c"}, (1 + 3/math.Log2(3) + 1/math.Log2(4)) / ideal, 1},
		{"one partial at 2", []string{"x", "b"}, (1 / math.Log2(3)) / ideal, 1.0 / 3},
		{"beyond k", []string{"x", "y", "z", "u", "v", "a"}, 0, 0},
		{"none", nil, 0, 0},
	}
	for _, c := range cases {
		if got := match.NDCG(c.ranked, rel, 5); math.Abs(got-c.ndcg) > 1e-9 {
			t.Errorf("%s: nDCG %v, want %v", c.name, got, c.ndcg)
		}
		if got := match.Recall(c.ranked, rel, 5); math.Abs(got-c.recall) > 1e-9 {
			t.Errorf("%s: recall %v, want %v", c.name, got, c.recall)
		}
	}
	if match.NDCG([]string{"a"}, map[string]int{}, 5) != 0 || match.Recall([]string{"a"}, nil, 5) != 0 {
		t.Error("no relevant documents should score 0")
	}
}

// GainOf: the mean, the counts, an interval around the mean that narrows
// with more queries, and the same figures on every run.
func TestGainOf(t *testing.T) {
	t.Parallel()
	if g := match.GainOf(nil, 100); g != (match.Gain{}) {
		t.Fatalf("no queries: %+v", g)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if g := match.GainOf([]float64{0.2, 0.2, 0.2}, 500); !near(g.Mean, 0.2) || !near(g.Low, 0.2) || !near(g.High, 0.2) || g.Better != 3 {
		t.Fatalf("equal differences: %+v", g)
	}
	few := []float64{0.5, 0, 0, -0.3, 0.0005, 0.4, 0, 0.2}
	g := match.GainOf(few, 2000)
	if math.Abs(g.Mean-0.1000625) > 1e-9 || g.Better != 3 || g.Worse != 1 || g.Ties != 4 {
		t.Fatalf("counts or mean: %+v", g)
	}
	if !(g.Low < g.Mean && g.Mean < g.High) || g.Low < -0.3 || g.High > 0.5 {
		t.Fatalf("interval: %+v", g)
	}
	if again := match.GainOf(few, 2000); again != g {
		t.Fatalf("not repeatable: %+v then %+v", g, again)
	}
	var many []float64
	for range 20 {
		many = append(many, few...)
	}
	if w := match.GainOf(many, 2000); w.High-w.Low >= (g.High-g.Low)/2 {
		t.Fatalf("20 times the queries should narrow the interval more than twofold: %+v against %+v", w, g)
	}
}

func tinyMatcher(t *testing.T) *match.Matcher {
	t.Helper()
	orgs := []match.Org{
		{ID: "1", Key: "elder", Name: "回龙观助老服务中心", Domains: []string{"养老服务", "探访"}, Category: "elderly",
			Description: "为社区老人提供上门探访、助餐和健康巡视。", StreetID: "s1", StreetName: "回龙观街道", CommunityID: "c1", CommunityName: "龙禧苑社区"},
		{ID: "2", Key: "kids", Name: "天通苑儿童成长中心", Domains: []string{"儿童服务"}, Category: "childcare",
			Description: "暑期儿童托管和四点半课堂。", StreetID: "s2", StreetName: "天通苑北街道"},
		{ID: "3", Key: "elder2", Name: "霍营长者关爱协会", Domains: []string{"养老服务"}, Category: "elderly",
			Description: "老人陪伴与探访。", StreetID: "s3", StreetName: "霍营街道"},
		{ID: "4", Key: "bad", Name: "异常养老机构", Domains: []string{"养老服务"}, Excluded: "列入经营异常名录"},
	}
	projects := []match.Project{
		{ID: "p1", Key: "visit", Title: "独居老人上门探访", Description: "为独居老人定期上门探访，建立健康档案。", OrgID: "1",
			StreetID: "s1", StreetName: "回龙观街道", CommunityID: "c1", CommunityName: "龙禧苑社区", Stars: 4.8},
		{ID: "p2", Key: "visit2", Title: "独居老人定期上门探访关爱", Description: "为独居老人定期上门探访。", OrgID: "1",
			StreetID: "s1", StreetName: "回龙观街道", Stars: 4.6},
		{ID: "p3", Key: "camp", Title: "暑期儿童托管营", Description: "六周托管。", OrgID: "2", StreetID: "s2", StreetName: "天通苑北街道", Stars: 4.5},
	}
	m, err := match.New(search.NewAnalyzer(search.Options{}), orgs, projects, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestOrganizationsRankingAndReasons(t *testing.T) {
	t.Parallel()
	m := tinyMatcher(t)
	ctx := context.Background()
	rs, err := m.Organizations(ctx, match.Query{Text: "社区独居老人需要定期上门探访", Community: "龙禧苑社区", Street: "回龙观街道"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) < 2 || rs[0].Key != "elder" || rs[1].Key != "elder2" {
		t.Fatalf("ranking: %+v", rs)
	}
	for _, r := range rs {
		if r.Key == "bad" {
			t.Fatal("an excluded organization was ranked")
		}
	}
	reasons := strings.Join(rs[0].Reasons, "|")
	for _, want := range []string{"服务领域匹配", "曾在回龙观街道完成2个同类项目，平均满意度", "同一社区", "为老服务"} {
		if !strings.Contains(reasons, want) {
			t.Errorf("reasons %q lack %q", reasons, want)
		}
	}
	if _, err := m.Organizations(ctx, match.Query{Text: "的了 😀"}, 5); err == nil {
		t.Error("an empty query should be an error")
	}
}

func TestProjectsRanking(t *testing.T) {
	t.Parallel()
	m := tinyMatcher(t)
	rs, err := m.Projects(context.Background(), match.Query{Text: "孩子暑假没人管，想办托管班"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 0 || rs[0].Key != "camp" {
		t.Fatalf("ranking: %+v", rs)
	}
	if !strings.Contains(strings.Join(rs[0].Reasons, "|"), "承接组织：天通苑儿童成长中心，满意度4.5") {
		t.Errorf("reasons: %q", rs[0].Reasons)
	}
}

func TestDefaultWeights(t *testing.T) {
	t.Parallel()
	w := match.DefaultWeights()
	if w.Text <= 0 || w.FieldName <= 0 || w.FieldProjects <= 0 {
		t.Fatalf("weights: %+v", w)
	}
}

// TestOrganizationTextKeepsNewestProjects: an organization's document holds
// the text of its 30 newest projects; an older one still makes it a
// candidate through the project search (its own text fit is then zero).
func TestOrganizationTextKeepsNewestProjects(t *testing.T) {
	t.Parallel()
	orgs := []match.Org{{ID: "o1", Name: "回天便民服务社", Description: "社区便民服务"}}
	var projects []match.Project
	for i := range 31 {
		p := match.Project{ID: fmt.Sprintf("p%02d", i), OrgID: "o1", Title: "便民维修进社区", Description: "每月一次便民维修活动"}
		if i == 0 {
			p.Title, p.Description = "磨剪子戗菜刀", "老师傅上门磨剪子戗菜刀"
		}
		projects = append(projects, p)
	}
	m, err := match.New(search.NewAnalyzer(search.Options{}), orgs, projects, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Organizations(context.Background(), match.Query{Text: "戗菜刀"}, 5)
	if err != nil || len(got) != 1 || got[0].ID != "o1" || got[0].Features.Text != 0 || got[0].Features.Similar == 0 {
		t.Fatalf("the oldest project's words: %+v %v", got, err)
	}
	// The newest project's words are in the organization's own text.
	projects[30].Title, projects[30].Description = "磨剪子戗菜刀", "老师傅上门磨剪子戗菜刀"
	if m, err = match.New(search.NewAnalyzer(search.Options{}), orgs, projects, match.DefaultWeights()); err != nil {
		t.Fatal(err)
	}
	got, err = m.Organizations(context.Background(), match.Query{Text: "戗菜刀"}, 5)
	if err != nil || len(got) != 1 || got[0].Features.Text == 0 {
		t.Fatalf("the newest project's words: %+v %v", got, err)
	}
}

// TestRulesLeavingOutEveryFit: when a need's rules leave out the
// organizations that fit, the eligible rest that merely shares a word or two
// with it is not offered (MinEvidence); without rules the same query ranks
// everyone who shares a word.
func TestRulesLeavingOutEveryFit(t *testing.T) {
	t.Parallel()
	orgs := []match.Org{
		{ID: "1", Key: "elder", Name: "回龙观助老服务中心", Domains: []string{"养老服务", "探访"}, Category: "elderly",
			Description: "为社区独居老人提供定期上门探访和助餐。", StreetID: "s1", StreetName: "回龙观街道"},
		{ID: "2", Key: "dance", Name: "天通苑文体队", Domains: []string{"广场舞"}, Category: "culture",
			Description: "组织社区居民定期开展广场舞和文体活动。", StreetID: "s2", StreetName: "天通苑北街道"},
	}
	m, err := match.New(search.NewAnalyzer(search.Options{}), orgs, nil, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	text := "社区独居老人需要定期上门探访"
	rs, err := m.Organizations(ctx, match.Query{Text: text, Street: "s2"}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Key != "elder" {
		t.Fatalf("without rules: %+v", rs)
	}
	rs, err = m.Organizations(ctx, match.Query{Text: text, Street: "s2", LocalOnly: true, IncludeExcluded: true}, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Key != "elder" || rs[0].Excluded != match.ReasonNotLocal {
		t.Fatalf("local only: want the elder centre left out and nobody offered, got %+v", rs)
	}
}

// TestNeedIsNotItsOwnPrecedent: a completed need is a past project, but not
// a similar project of its organization nor a precedent on its own page.
func TestNeedIsNotItsOwnPrecedent(t *testing.T) {
	t.Parallel()
	m := tinyMatcher(t)
	ctx := context.Background()
	q := match.Query{Text: "独居老人定期上门探访关爱", Self: "p2"}
	ps, err := m.Projects(ctx, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Fatal("no precedent")
	}
	for _, p := range ps {
		if p.ID == "p2" {
			t.Fatalf("the need is its own precedent: %+v", ps)
		}
	}
	rs, err := m.Organizations(ctx, q, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) == 0 || rs[0].Key != "elder" || !strings.Contains(strings.Join(rs[0].Reasons, "|"), "完成1个同类项目") {
		t.Fatalf("want the elder centre with one similar project besides this one: %+v", rs)
	}
}
