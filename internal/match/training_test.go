package match_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/search"
)

// A need requiring finance-trained staff admits only organizations with an
// academy certificate in finance, says so, and shows the others as
// excluded with why; without the rule the ranking is unchanged.
func TestTrainingQualification(t *testing.T) {
	t.Parallel()
	orgs := []match.Org{
		{ID: "1", Name: "回龙观老年餐桌服务社", Domains: []string{"助餐", "为老服务"}, Description: "为社区老人提供助餐服务。",
			StreetID: "s1", StreetName: "回龙观街道", Trained: []string{"finance", "legal"}},
		{ID: "2", Name: "龙泽园长者食堂", Domains: []string{"助餐", "为老服务"}, Description: "为社区老人提供助餐和送餐服务。",
			StreetID: "s1", StreetName: "回龙观街道", Trained: []string{"volunteer"}},
		{ID: "3", Name: "霍营社区老人助餐队", Domains: []string{"助餐"}, Description: "老人助餐。", StreetID: "s2", StreetName: "霍营街道"},
	}
	m, err := match.New(search.NewAnalyzer(search.Options{}), orgs, nil, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	q := match.Query{Text: "为社区老人提供助餐服务", Street: "s1"}
	plain, err := m.Organizations(ctx, q, 10)
	if err != nil || len(plain) != 3 {
		t.Fatalf("without the rule: %+v %v", plain, err)
	}
	for _, r := range plain {
		for _, why := range r.Reasons {
			if strings.Contains(why, "培训") {
				t.Fatalf("a training reason without the rule: %v", r.Reasons)
			}
		}
	}
	q.Trained, q.IncludeExcluded = "finance", true
	got, err := m.Organizations(ctx, q, 10)
	if err != nil || len(got) != 3 {
		t.Fatalf("with the rule: %+v %v", got, err)
	}
	if got[0].ID != "1" || got[0].Excluded != "" || !slices.Contains(got[0].Reasons, "已有人员完成财务管理培训（学院结业证书）") {
		t.Fatalf("the trained organization: %+v", got[0])
	}
	for _, r := range got[1:] {
		if r.Excluded != match.ReasonNotTrained("finance") || r.Excluded != "不符合资格：需有人员完成财务管理培训" {
			t.Fatalf("an untrained organization: %+v", r)
		}
	}
	// The score is the same with or without the rule: it admits, it does
	// not rank.
	for _, r := range plain {
		if r.ID == "1" && r.Score != got[0].Score {
			t.Fatalf("score changed: %v → %v", r.Score, got[0].Score)
		}
	}
	if !match.ValidTraining("finance") || match.ValidTraining("other") || match.ValidTraining("x") {
		t.Fatal("valid topics")
	}
	if ts := match.TrainingTopics(); len(ts) != 6 || ts[0] != "finance" {
		t.Fatalf("topics: %v", ts)
	}
}
