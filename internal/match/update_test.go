package match_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/search"
)

// updateSet is a small corpus with several categories, places and track
// records, for comparing matchers built in different ways.
func updateSet() ([]match.Org, []match.Project) {
	orgs := []match.Org{
		{ID: "1", Key: "elder", Name: "回龙观助老服务中心", Domains: []string{"养老服务", "探访"}, Category: "elderly", Registered: true,
			Description: "为社区老人提供上门探访、助餐和健康巡视。", StreetID: "s1", StreetName: "回龙观街道", CommunityID: "c1", CommunityName: "龙禧苑社区"},
		{ID: "2", Key: "kids", Name: "天通苑儿童成长中心", Domains: []string{"儿童服务"}, Category: "childcare", Registered: true,
			Description: "暑期儿童托管和四点半课堂。", StreetID: "s2", StreetName: "天通苑北街道"},
		{ID: "3", Key: "elder2", Name: "霍营长者关爱协会", Domains: []string{"养老服务"}, Category: "elderly",
			Description: "老人陪伴与探访。", StreetID: "s3", StreetName: "霍营街道"},
		{ID: "4", Key: "digital", Name: "银龄数字课堂", Domains: []string{"智能手机培训"}, Category: "digital",
			Description: "教老人用智能手机挂号、扫码、视频通话。", StreetID: "s1", StreetName: "回龙观街道"},
		{ID: "5", Key: "property", Name: "和合物业治理服务中心", Domains: []string{"业委会组建", "物业纠纷调解"}, Category: "property", Registered: true,
			Description: "指导业主大会筹备和业委会选举，调解物业纠纷。", StreetID: "s3", StreetName: "霍营街道"},
	}
	projects := []match.Project{
		{ID: "p1", Key: "visit", Title: "独居老人上门探访", Description: "为独居老人定期上门探访，建立健康档案。", OrgID: "1",
			StreetID: "s1", StreetName: "回龙观街道", CommunityID: "c1", CommunityName: "龙禧苑社区", Stars: 4.8},
		{ID: "p2", Key: "visit2", Title: "独居老人定期上门探访关爱", Description: "为独居老人定期上门探访。", OrgID: "1",
			StreetID: "s1", StreetName: "回龙观街道", Stars: 4.6},
		{ID: "p3", Key: "camp", Title: "暑期儿童托管营", Description: "六周托管。", OrgID: "2", StreetID: "s2", StreetName: "天通苑北街道", Stars: 4.5},
		{ID: "p4", Key: "phone", Title: "老年人智能手机课堂", Description: "教老人线上挂号和扫码。", OrgID: "4", StreetID: "s1", StreetName: "回龙观街道", Stars: 4.9},
		{ID: "p5", Key: "owners", Title: "业委会组建指导", Description: "指导小区依法成立业主委员会。", OrgID: "5", StreetID: "s3", StreetName: "霍营街道", Stars: 4.2},
		{ID: "p6", Key: "visit3", Title: "高龄老人探访", Description: "陪伴高龄老人。", OrgID: "3", StreetID: "s3", StreetName: "霍营街道"},
	}
	return orgs, projects
}

var updateQueries = []match.Query{
	{Text: "社区独居老人需要定期上门探访", Community: "龙禧苑社区", Street: "回龙观街道"},
	{Text: "孩子放学没人管"},
	{Text: "老人不会用手机挂号", Street: "霍营街道"},
	{Text: "小区想成立业委会"},
	{Text: "老人"},
}

func plainAnalyzer() *search.Analyzer { return search.NewAnalyzer(search.Options{}) }

// rankings prints both rankings of every query, keys with rounded scores.
func rankings(t *testing.T, m *match.Matcher) string {
	t.Helper()
	var b strings.Builder
	for _, q := range updateQueries {
		os, err := m.Organizations(context.Background(), q, 10)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := m.Projects(context.Background(), q, 10)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s |", q.Text)
		for _, r := range append(os, ps...) {
			fmt.Fprintf(&b, " %s:%.6f", r.Key, math.Round(r.Score*1e6)/1e6)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestPutEqualsNew(t *testing.T) {
	t.Parallel()
	orgs, projects := updateSet()
	built, err := match.New(plainAnalyzer(), orgs, projects, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	want := rankings(t, built)

	// Projects first, then organizations: every document is indexed once,
	// so even the index statistics are identical.
	m, err := match.New(plainAnalyzer(), nil, nil, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range projects {
		if err := m.PutProject(p); err != nil {
			t.Fatal(err)
		}
	}
	for _, o := range orgs {
		if err := m.PutOrg(o); err != nil {
			t.Fatal(err)
		}
	}
	if got := rankings(t, m); got != want {
		t.Errorf("put projects then orgs:\n%s\nwant (New):\n%s", got, want)
	}
	if o, p := m.Len(); o != len(orgs) || p != len(projects) {
		t.Errorf("Len = %d, %d", o, p)
	}

	// Organizations first: each project re-indexes its organization; once
	// compacted the statistics match again.
	m2, _ := match.New(plainAnalyzer(), nil, nil, match.DefaultWeights())
	for _, o := range orgs {
		if err := m2.PutOrg(o); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range projects {
		if err := m2.PutProject(p); err != nil {
			t.Fatal(err)
		}
	}
	m2.Compact()
	if got := rankings(t, m2); got != want {
		t.Errorf("put orgs then projects:\n%s\nwant (New):\n%s", got, want)
	}
}

func TestPutReplacesAndDeleteRemoves(t *testing.T) {
	t.Parallel()
	orgs, projects := updateSet()
	m, err := match.New(plainAnalyzer(), orgs, projects, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	keys := func(q string) string {
		rs, err := m.Organizations(ctx, match.Query{Text: q}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var ks []string
		for _, r := range rs {
			ks = append(ks, r.Key)
		}
		return " " + strings.Join(ks, " ") + " "
	}
	if k := keys("业委会"); !strings.Contains(k, " property ") {
		t.Fatalf("before: %q", k)
	}
	// Replace: the organization now does something else.
	o := orgs[4]
	o.Name, o.Domains, o.Category, o.Description = "和合垃圾分类促进会", []string{"垃圾分类"}, "environment", "厨余垃圾分类宣传。"
	if err := m.PutOrg(o); err != nil {
		t.Fatal(err)
	}
	if k := keys("垃圾分类"); !strings.Contains(k, " property ") {
		t.Errorf("replaced profile not found: %q", k)
	}
	// Its past project still ties it to owners' committees.
	if k := keys("业委会"); !strings.Contains(k, " property ") {
		t.Errorf("track record lost on replace: %q", k)
	}
	// Moving the project to another organization re-indexes both.
	p := projects[4]
	p.OrgID = "3"
	if err := m.PutProject(p); err != nil {
		t.Fatal(err)
	}
	if k := keys("业委会"); strings.Contains(k, " property ") || !strings.Contains(k, " elder2 ") {
		t.Errorf("after moving the project: %q", k)
	}
	m.DeleteProject(p.ID)
	if k := keys("业委会"); strings.Contains(k, " elder2 ") {
		t.Errorf("deleted project still counts: %q", k)
	}
	rs, _ := m.Projects(ctx, match.Query{Text: "业委会"}, 10)
	for _, r := range rs {
		if r.Key == "owners" {
			t.Error("deleted project ranked")
		}
	}
	m.DeleteOrg("1")
	if k := keys("独居老人上门探访"); strings.Contains(k, " elder ") {
		t.Errorf("deleted organization ranked: %q", k)
	}
	if no, np := m.Len(); no != 4 || np != 5 {
		t.Errorf("Len = %d, %d; want 4, 5", no, np)
	}
	// Its projects remain past work.
	rs, _ = m.Projects(ctx, match.Query{Text: "独居老人上门探访"}, 10)
	if len(rs) == 0 || rs[0].Key != "visit" && rs[0].Key != "visit2" {
		t.Errorf("projects of a deleted organization: %+v", rs)
	}
	if m.PutOrg(match.Org{}) == nil || m.PutProject(match.Project{}) == nil {
		t.Error("an empty id should be an error")
	}
	m.DeleteOrg("nope")
	m.DeleteProject("nope")
}

func TestExcludedAndQualification(t *testing.T) {
	t.Parallel()
	orgs, projects := updateSet()
	orgs[0].Excluded = "列入活动异常名录：未按时报送年度工作报告"
	m, err := match.New(plainAnalyzer(), orgs, projects, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	q := match.Query{Text: "独居老人需要定期上门探访", Street: "回龙观街道"}
	rs, _ := m.Organizations(ctx, q, 2)
	// The other elder centre; not the phone classroom, which only names
	// 老人 (MinEvidence: far weaker than the one left out).
	if len(rs) != 1 || rs[0].Key != "elder2" {
		t.Fatalf("results: %+v", rs)
	}
	q.IncludeExcluded = true
	rs, _ = m.Organizations(ctx, q, 2)
	if len(rs) != 2 || rs[1].Key != "elder" || rs[1].Excluded != orgs[0].Excluded || rs[0].Excluded != "" {
		t.Fatalf("with excluded: %+v", rs)
	}
	if len(rs[1].Reasons) == 0 {
		t.Error("an excluded organization should still say why it fits")
	}

	// Qualification rules: only registered (3 and 4 are filed), only local.
	q = match.Query{Text: "老人", Street: "霍营街道", RegisteredOnly: true, IncludeExcluded: true}
	rs, _ = m.Organizations(ctx, q, 10)
	seen := map[string]string{}
	for i, r := range rs {
		seen[r.Key] = r.Excluded
		if i > 0 && rs[i-1].Excluded != "" && r.Excluded == "" {
			t.Errorf("an eligible organization after an excluded one: %+v", rs)
		}
	}
	if seen["elder2"] != match.ReasonNotRegistered || seen["digital"] != match.ReasonNotRegistered {
		t.Errorf("registered only: %+v", seen)
	}
	q = match.Query{Text: "老人", Street: "霍营街道", LocalOnly: true}
	rs, _ = m.Organizations(ctx, q, 10)
	if len(rs) == 0 {
		t.Fatal("no local organization")
	}
	for _, r := range rs {
		if r.Key != "elder2" && r.Key != "property" {
			t.Errorf("local only offered %s", r.Key)
		}
	}
	q.IncludeExcluded = true
	rs, _ = m.Organizations(ctx, q, 10)
	found := false
	for _, r := range rs {
		found = found || r.Key == "digital" && r.Excluded == match.ReasonNotLocal
	}
	if !found {
		t.Errorf("local only, with excluded: %+v", rs)
	}
	// Only a community known: the matcher knows its street (s1) from the
	// organizations and projects of c1, so that street's organizations are
	// local.
	rs, _ = m.Organizations(ctx, match.Query{Text: "老人", Community: "c1", LocalOnly: true, IncludeExcluded: true}, 10)
	for _, r := range rs {
		want := match.ReasonNotLocal
		switch r.Key {
		case "elder":
			want = orgs[0].Excluded // local, but the credit list comes first
		case "digital":
			want = "" // street s1, derived from c1
		}
		if r.Excluded != want {
			t.Errorf("community-only local rule: %s excluded %q, want %q", r.Key, r.Excluded, want)
		}
	}
}

func TestLoadLowersScore(t *testing.T) {
	t.Parallel()
	orgs, projects := updateSet()
	m, _ := match.New(plainAnalyzer(), orgs, projects, match.DefaultWeights())
	q := match.Query{Text: "独居老人需要定期上门探访"}
	before, _ := m.Organizations(context.Background(), q, 1)
	o := orgs[0]
	o.ActiveProjects = 4
	if err := m.PutOrg(o); err != nil {
		t.Fatal(err)
	}
	after, _ := m.Organizations(context.Background(), q, 1)
	if before[0].Key != "elder" || after[0].Key != "elder" {
		t.Fatalf("a little load should not outweigh fit: %+v %+v", before, after)
	}
	if after[0].Features.Load != 0.8 || after[0].Score >= before[0].Score {
		t.Errorf("load: %+v, score %v → %v", after[0].Features, before[0].Score, after[0].Score)
	}
	if !strings.Contains(strings.Join(after[0].Reasons, "|"), "当前在办项目4个") {
		t.Errorf("reasons: %q", after[0].Reasons)
	}
}

func TestCategorize(t *testing.T) {
	t.Parallel()
	m, _ := match.New(plainAnalyzer(), nil, nil, match.DefaultWeights())
	cases := []struct{ text, code string }{
		{"小区想成立业委会", "property"},
		{"孩子放学后没人管，想办四点半课堂", "childcare"},
		{"楼道里电动车飞线充电，怕着火", "safety"},
		{"老人不会用智能手机", "digital"},
	}
	for _, c := range cases {
		code, conf := m.Categorize(c.text)
		if code != c.code || conf <= 0 || conf > 1 {
			t.Errorf("Categorize(%q) = %q, %v; want %q", c.text, code, conf, c.code)
		}
	}
	if code, conf := m.Categorize("的了 😀"); code != "" || conf != 0 {
		t.Errorf("nothing to categorize: %q %v", code, conf)
	}
	if code, conf := m.Categorize("今天天气很好"); code != "" || conf != 0 {
		t.Errorf("no category words: %q %v", code, conf)
	}
	// With the governance thesaurus: a need asking for an organization's
	// help with publicity is not about building organizations' capacity
	// (a rule fired on 宣传 + the 组织 of 社会组织; found by a demo walk).
	full, _ := match.New(search.NewAnalyzer(search.Options{}), nil, nil, match.DefaultWeights())
	if code, conf := full.Categorize("楼道堆物清理。楼道堆物严重，需要社会组织协助开展清理和宣传。"); code == "capacity" {
		t.Errorf("a need addressed to organizations guessed as capacity building (%v)", conf)
	}
	if code, _ := full.Categorize("我们团队不会做宣传，公众号没人会写"); code != "capacity" {
		t.Errorf("a team that cannot do its publicity: %q", code)
	}
	// Confidence grows with the evidence: one word naming the subject is
	// not a certain guess, a need that describes it several ways is.
	if code, conf := m.Categorize("加装电梯"); code != "property" || conf > 0.6 {
		t.Errorf("one keyword: %q %.2f, want property at most 0.6", code, conf)
	}
	if code, conf := full.Categorize("社区老人需要助餐服务，老年餐桌送餐上门"); code != "elderly" || conf < 0.9 {
		t.Errorf("several keywords: %q %.2f, want elderly at 0.9 or more", code, conf)
	}
}

// TestConcurrentUpdates runs searches while organizations and projects
// change; go test -race checks the locking.
func TestConcurrentUpdates(t *testing.T) {
	t.Parallel()
	orgs, projects := updateSet()
	m, _ := match.New(plainAnalyzer(), orgs, projects, match.DefaultWeights())
	ctx := context.Background()
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				o := orgs[(i+w)%len(orgs)]
				o.ActiveProjects = i % 6
				if err := m.PutOrg(o); err != nil {
					t.Error(err)
				}
				p := projects[(i+w)%len(projects)]
				p.ID = fmt.Sprintf("x%d-%d", w, i)
				if err := m.PutProject(p); err != nil {
					t.Error(err)
				}
				if i%3 == 0 {
					m.DeleteProject(p.ID)
				}
			}
		}(w)
	}
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				q := updateQueries[i%len(updateQueries)]
				q.IncludeExcluded = true
				if _, err := m.Organizations(ctx, q, 5); err != nil {
					t.Error(err)
				}
				if _, err := m.Projects(ctx, q, 5); err != nil {
					t.Error(err)
				}
				m.Len()
			}
		}()
	}
	wg.Wait()
	if no, np := m.Len(); no != len(orgs) || np != len(projects)+2*33 {
		t.Errorf("Len = %d, %d", no, np)
	}
}
