package match_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/search/gseseg"
)

// segAnalyzer is the server's analyzer (with the gse segmenter, loaded once).
var segAnalyzer = sync.OnceValues(func() (*search.Analyzer, error) {
	seg, err := gseseg.New()
	if err != nil {
		return nil, err
	}
	return search.NewAnalyzer(search.Options{Segmenter: seg}), nil
})

// placeSet has organizations and projects whose names and texts carry
// place names, and domains that the problem texts below used to cut into
// straddling bigrams (楼门公约 → 门公, 垃圾分类 → 圾分 …).
func placeSet() ([]match.Org, []match.Project) {
	orgs := []match.Org{
		{ID: "1", Key: "gate", Name: "华龙苑社区楼门自治小组", Domains: []string{"楼门治理", "楼门公约"},
			Description: "组织楼门长和居民制定楼门公约，协商楼道堆物等公共事务。", StreetID: "s1", StreetName: "回龙观街道", CommunityID: "c1", CommunityName: "华龙苑社区"},
		{ID: "2", Key: "green", Name: "龙锦苑二区社区绿地认养队", Domains: []string{"绿地认养", "社区花园"},
			Description: "龙锦苑二区居民认养绿地，养护月季园。", StreetID: "s1", StreetName: "回龙观街道", CommunityID: "c2", CommunityName: "龙锦苑二区"},
		{ID: "3", Key: "waste", Name: "清友园社区垃圾分类督导队", Domains: []string{"垃圾分类", "桶前值守"},
			Description: "桶前值守，指导居民做好垃圾分类和厨余垃圾投放。", StreetID: "s2", StreetName: "东小口镇", CommunityID: "c3", CommunityName: "清友园社区"},
		{ID: "4", Key: "mind", Name: "昌平区心桥心理健康服务中心", Domains: []string{"心理健康", "心理咨询"},
			Description: "为居民开展心理健康讲座和个案咨询。", StreetID: "s3", StreetName: "天通苑北街道"},
		{ID: "5", Key: "elder", Name: "新龙城社区为老服务队", Domains: []string{"为老服务", "养老服务"},
			Description: "新龙城社区独居老人探访、助餐。", StreetID: "s1", StreetName: "回龙观街道", CommunityID: "c4", CommunityName: "新龙城社区"},
	}
	projects := []match.Project{
		{ID: "p1", Key: "rose", Title: "龙锦苑二区东院月季园认养", Description: "龙锦苑二区居民认养月季园。", OrgID: "2",
			StreetID: "s1", StreetName: "回龙观街道", CommunityID: "c2", CommunityName: "龙锦苑二区", Stars: 4.7},
		{ID: "p2", Key: "kids", Title: "新龙城社区困境儿童关爱服务", Description: "新龙城社区儿童课业辅导和亲子活动。", OrgID: "5",
			StreetID: "s1", StreetName: "回龙观街道", CommunityID: "c4", CommunityName: "新龙城社区", Stars: 4.6},
		{ID: "p3", Key: "sort", Title: "清友园社区垃圾分类与旧物改造", Description: "垃圾分类宣传和旧物改造。", OrgID: "3",
			StreetID: "s2", StreetName: "东小口镇", CommunityID: "c3", CommunityName: "清友园社区", Stars: 4},
		{ID: "p4", Key: "pact", Title: "华龙苑社区楼门公约制定", Description: "居民协商制定楼门公约。", OrgID: "1",
			StreetID: "s1", StreetName: "回龙观街道", CommunityID: "c1", CommunityName: "华龙苑社区", Stars: 4.5},
	}
	return orgs, projects
}

// termReason reports whether a reason lists matched words, and returns them
// (annotations such as （与“老人”相关） dropped).
func termReason(r string) ([]string, bool) {
	for _, p := range []string{"服务领域匹配：", "机构简介提到：", "内容相近：", "需求提到："} {
		if rest, ok := strings.CutPrefix(r, p); ok {
			var out []string
			for rest != "" {
				i := strings.Index(rest, "（")
				if i < 0 {
					out = append(out, strings.Split(rest, "、")...)
					break
				}
				out = append(out, strings.Split(rest[:i], "、")...)
				j := strings.Index(rest, "）")
				rest = strings.TrimPrefix(rest[j+len("）"):], "、")
			}
			return out, true
		}
	}
	return nil, false
}

func TestReasonsNameWholeWords(t *testing.T) {
	t.Parallel()
	a, err := segAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	orgs, projects := placeSet()
	m, err := match.New(a, orgs, projects, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	places := []string{"华龙苑社区", "龙锦苑二区", "清友园社区", "新龙城社区", "回龙观街道", "东小口镇", "天通苑北街道"}
	domains := map[string]bool{}
	for _, o := range orgs {
		for _, d := range o.Domains {
			domains[d] = true
		}
	}
	// What the pages showed before: bigrams across two words, and pieces
	// of place names.
	never := []string{"门公", "圾分", "理健", "康讲", "老服", "居老", "区居", "二区", "苑二", "龙锦", "锦苑", "新龙", "龙城", "城社"}
	texts := []string{
		"龙锦苑二区想搞个楼门公约，让邻居们一起商量楼道堆物的事",
		"新龙城社区好多老人不会用手机挂号，子女又不在身边",
		"小区里垃圾分类总是做不好，厨余垃圾乱扔",
		"居民心理健康讲座，帮助独居老人缓解孤独",
		"新龙城社区孩子放学没人管，想找课业辅导",
		"龙锦苑二区的月季园没人养护了",
	}
	ctx := context.Background()
	for _, text := range texts {
		q := a.Query(text)
		words := map[string]bool{}
		for _, w := range q.Words {
			words[w] = true
		}
		orgRs, err := m.Organizations(ctx, match.Query{Text: text}, 10)
		if err != nil {
			t.Fatal(err)
		}
		projRs, err := m.Projects(ctx, match.Query{Text: text}, 10)
		if err != nil {
			t.Fatal(err)
		}
		listed := 0
		for _, r := range append(orgRs, projRs...) {
			for _, reason := range r.Reasons {
				terms, ok := termReason(reason)
				if !ok {
					continue
				}
				for _, w := range terms {
					listed++
					if len([]rune(w)) < 2 {
						t.Errorf("%s: %s: %q names a single character", text, r.Name, reason)
					}
					for _, bad := range never {
						if w == bad {
							t.Errorf("%s: %s: %q names %q", text, r.Name, reason, bad)
						}
					}
					for _, pl := range places {
						if strings.Contains(pl, w) {
							t.Errorf("%s: %s: %q names a piece of the place %s", text, r.Name, reason, pl)
						}
					}
					// A whole word: a domain tag, a thesaurus term or a word of the query.
					if !domains[w] && !a.Thesaurus().Has(w) && !words[w] {
						t.Errorf("%s: %s: %q names %q, not a whole word", text, r.Name, reason, w)
					}
				}
			}
		}
		if listed == 0 {
			t.Errorf("%s: no reason names a matched word", text)
		}
	}
}

// TestReasonsSkipMiscutWords: the segmenter cuts 在手机上 as 在手/机上 and a
// tester read "内容相近：手机、老人、在手、机上"; a word cut across a
// thesaurus term, and counts (每周, 一次, 以上), are no reason.
func TestReasonsSkipMiscutWords(t *testing.T) {
	t.Parallel()
	a, err := segAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	q := a.Query("教老人在手机上挂号")
	for _, w := range q.Words {
		if w == "在手" || w == "机上" {
			t.Errorf("query words %v hold %q, cut across 手机", q.Words, w)
		}
	}
	orgs := []match.Org{{ID: "1", Key: "digital", Name: "银发数字课堂", Domains: []string{"数字助老"},
		Description: "每周一次，教60岁以上老人在手机上挂号、缴费。"}}
	m, err := match.New(a, orgs, nil, match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	rs, err := m.Organizations(context.Background(), match.Query{Text: "每周一次教60岁以上的老人在手机上挂号"}, 5)
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v %v", rs, err)
	}
	named := 0
	for _, reason := range rs[0].Reasons {
		terms, ok := termReason(reason)
		if !ok {
			continue
		}
		for _, w := range terms {
			named++
			switch w {
			case "在手", "机上", "每周", "一次", "以上":
				t.Errorf("%q names %q", reason, w)
			}
		}
	}
	if named == 0 {
		t.Errorf("no reason names a word: %v", rs[0].Reasons)
	}
}

func TestReasonsNameDomainTags(t *testing.T) {
	t.Parallel()
	a, err := segAnalyzer()
	if err != nil {
		t.Fatal(err)
	}
	orgs, projects := placeSet()
	m, _ := match.New(a, orgs, projects, match.DefaultWeights())
	rs, err := m.Organizations(context.Background(), match.Query{Text: "想搞个楼门公约"}, 3)
	if err != nil || len(rs) == 0 {
		t.Fatalf("%v %v", rs, err)
	}
	if rs[0].Key != "gate" || !strings.HasPrefix(rs[0].Reasons[0], "服务领域匹配：") || !strings.Contains(rs[0].Reasons[0], "楼门公约") {
		t.Errorf("楼门公约: %+v", rs[0])
	}
	rs, _ = m.Organizations(context.Background(), match.Query{Text: "想找人帮忙助老"}, 3)
	found := false
	for _, r := range rs {
		for _, reason := range r.Reasons {
			found = found || strings.HasPrefix(reason, "服务领域匹配：") && strings.Contains(reason, "（与“")
		}
	}
	if !found {
		t.Errorf("a domain matched through the thesaurus should say through which word: %+v", rs)
	}
}

func TestPlaceNamesDoNotMakeTextSimilar(t *testing.T) {
	t.Parallel()
	orgs, projects := placeSet()
	for _, a := range []*search.Analyzer{plainAnalyzer(), nil} {
		if a == nil {
			var err error
			if a, err = segAnalyzer(); err != nil {
				t.Fatal(err)
			}
		}
		m, _ := match.New(a, orgs, projects, match.DefaultWeights())
		ctx := context.Background()
		// The need is in 龙锦苑二区 and about a building pact: the rose garden
		// of 龙锦苑二区 shares only the place.
		rs, _ := m.Projects(ctx, match.Query{Text: "龙锦苑二区想搞个楼门公约"}, 10)
		for _, r := range rs {
			if r.Key == "rose" && r.Features.Text > 0 {
				t.Errorf("the place alone gave the rose garden a text fit: %+v", r)
			}
		}
		if len(rs) == 0 || rs[0].Key != "pact" {
			t.Errorf("楼门公约 should rank the pact first: %+v", rs)
		}
		// 新龙城小区: a known place with another generic suffix.
		rs, _ = m.Projects(ctx, match.Query{Text: "新龙城小区垃圾分类"}, 10)
		for _, r := range rs {
			if r.Key == "kids" {
				t.Errorf("新龙城 alone made the children's project similar: %+v", r)
			}
		}
		// A search for a place alone still finds what is there.
		rs, err := m.Projects(ctx, match.Query{Text: "新龙城社区"}, 10)
		if err != nil || len(rs) == 0 || rs[0].Key != "kids" {
			t.Errorf("a place alone: %+v %v", rs, err)
		}
		// Categorize ignores the place too (名佳花园 is not about gardens).
		m.AddPlace("s9", "霍营街道", "c9", "名佳花园社区")
		if c, _ := m.Categorize("名佳花园社区老人不会用手机"); c == "greening" {
			t.Errorf("名佳花园 categorized as greening")
		}
	}
}

func TestCommunityGivesItsStreet(t *testing.T) {
	t.Parallel()
	orgs, projects := placeSet()
	m, _ := match.New(plainAnalyzer(), orgs, projects, match.DefaultWeights())
	ctx := context.Background()
	for _, community := range []string{"c1", "华龙苑社区"} {
		rs, err := m.Organizations(ctx, match.Query{Text: "老人探访", Community: community}, 10)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, r := range rs {
			if r.Key == "elder" { // 新龙城社区, street s1 like 华龙苑社区
				found = true
				if r.Features.SameStreet != 1 || r.Features.SameCommunity != 0 {
					t.Errorf("%s: %+v", community, r.Features)
				}
				if !strings.Contains(strings.Join(r.Reasons, "|"), "同一街道：回龙观街道") {
					t.Errorf("%s: %v", community, r.Reasons)
				}
			}
		}
		if !found {
			t.Errorf("%s: elder not found: %+v", community, rs)
		}
	}
	// A need's place makes its community known to the matcher.
	m.AddPlace("s7", "霍营街道", "c7", "紫金新干线社区")
	rs, _ := m.Projects(ctx, match.Query{Text: "垃圾分类", Community: "c7"}, 10)
	for _, r := range rs {
		if r.Features.SameStreet != 0 {
			t.Errorf("c7 is in s7: %+v", r)
		}
	}
}
