package match_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/orgfile"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// The store is the real source: Live is tested against both databases, not
// against a fake of our own store.
const liveOrgs = `{"key":"o1","name":"回龙观长者关爱中心","registration":"registered","credit_code":"52110114Y4CL12TH3D","domains":["养老服务","助老"],"street":"回龙观街道","community":"龙锦苑社区","description":"为社区老年人提供助餐、探访和智能手机培训。","party_form":"none"}
{"key":"o2","name":"霍营绿色家园环保社","registration":"filed","domains":["垃圾分类","环保"],"street":"霍营街道","community":"霍营社区","description":"推动垃圾分类和厨余减量。","party_form":"none"}
{"key":"o3","name":"天通苑业主自治促进会","registration":"filed","domains":["业委会","物业治理"],"street":"天通苑北街道","community":"天通苑北一区社区","description":"指导业委会组建和物业矛盾调解。","party_form":"none"}
`

const liveProjects = `{"key":"p1","title":"龙锦苑老人手机课堂","description":"教老年人用智能手机挂号、缴费和视频通话。","street":"回龙观街道","community":"龙锦苑社区","org":"o1","budget_fen":3000000,"duration_days":90,"rating":4.8,"completed":"2025-05-01"}
{"key":"p2","title":"霍营社区垃圾分类督导","description":"组织志愿者桶前值守，入户宣传垃圾分类。","street":"霍营街道","community":"霍营社区","org":"o2","budget_fen":2000000,"duration_days":120,"rating":4.5,"completed":"2025-03-01"}
`

// liveFixture imports three organizations and two completed projects, and
// makes a street staff member of 回龙观街道.
type liveFixture struct {
	s     *store.Store
	staff *accounts.User
	now   time.Time
	orgs  map[string]*registry.Organization
}

func newLiveFixture(t *testing.T, s *store.Store) *liveFixture {
	t.Helper()
	f := &liveFixture{s: s, now: time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC), orgs: map[string]*registry.Organization{}}
	s.Now = func() time.Time { return f.now }
	ctx := storetest.Admin()
	rows, err := orgfile.Read(strings.NewReader(liveOrgs), orgfile.JSONL)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := s.ImportOrganizations(ctx, rows, false, nil); err != nil {
		t.Fatalf("import organizations: %v %+v", err, rep)
	}
	prows, err := projectfile.Read(strings.NewReader(liveProjects))
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := s.ImportProjects(ctx, prows, false); err != nil {
		t.Fatalf("import projects: %v %+v", err, rep)
	}
	for _, k := range []string{"o1", "o2", "o3"} {
		o, err := s.FindOrganizationByKey(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		}
		f.orgs[k] = o
	}
	u := &accounts.User{Phone: "13900000002", Name: "街道", Grants: []accounts.Grant{{Role: accounts.StreetStaff,
		ScopeID: f.orgs["o1"].StreetID}}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if f.staff, err = s.FindUserByPhone(context.Background(), u.Phone); err != nil {
		t.Fatal(err)
	}
	return f
}

// publish drafts and publishes a need of 龙锦苑社区 as the street.
func (f *liveFixture) publish(t *testing.T, title, desc string, quals ...procurement.Qualification) *procurement.Need {
	t.Helper()
	ctx := accounts.WithActor(context.Background(), f.staff)
	n := &procurement.Need{Title: title, Description: desc, CommunityID: f.orgs["o1"].CommunityID, BudgetFen: 5_000_000,
		Procedure: procurement.Open, Criteria: procurement.DefaultCriteria(), Qualifications: quals,
		Deadline: f.now.Add(10 * 24 * time.Hour)}
	if err := f.s.CreateNeed(ctx, n, procurement.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	n, err := f.s.TransitionNeed(ctx, n.ID, procurement.ActPublish, "", procurement.DefaultRules())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// newLive builds a Live over s, wired to s's change listener as cli does.
func newLive(t *testing.T, s *store.Store) *match.Live {
	t.Helper()
	l, err := match.NewLive(s, search.NewAnalyzer(search.Options{}), match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	s.OnChange(func(ctx context.Context, cs []store.Change) {
		var orgs, needs []string
		for _, c := range cs {
			if c.Kind == store.ChangeOrganization {
				orgs = append(orgs, c.ID)
			} else {
				needs = append(needs, c.ID)
			}
		}
		if err := l.Apply(ctx, orgs, needs); err != nil {
			t.Errorf("apply: %v", err)
		}
	})
	return l
}

func ids[T any](xs []T, id func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = id(x)
	}
	return out
}

func TestLiveBuildAndApply(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newLiveFixture(t, s)
		ctx := context.Background()
		need := f.publish(t, "楼里老人不会用手机挂号", "子女不在身边，老人看病挂号很难，希望有人教他们用手机。")
		l := newLive(t, s)
		l.Now = s.Now
		if l.Ready() {
			t.Fatal("ready before Build")
		}
		// A change heard before the build is replayed after it.
		if err := l.Apply(ctx, nil, []string{need.ID}); err != nil {
			t.Fatal(err)
		}
		if err := l.Build(ctx); err != nil {
			t.Fatal(err)
		}
		if !l.Ready() {
			t.Fatal("not ready after Build")
		}
		if o, p, n := l.Len(); o != 3 || p != 2 || n != 3 {
			t.Fatalf("Len = %d orgs, %d projects, %d needs; want 3, 2, 3 (two closed projects and one open need)", o, p, n)
		}
		if at, took := l.BuiltAt(); at.IsZero() || took <= 0 {
			t.Fatalf("BuiltAt %v %v", at, took)
		}

		q := match.Query{Text: need.Title + need.Description, Community: need.CommunityID}
		orgs, err := l.Organizations(ctx, q, 3)
		if err != nil || len(orgs) == 0 || orgs[0].Key != "o1" {
			t.Fatalf("organizations for the elderly need: %+v %v", orgs, err)
		}
		projects, err := l.Projects(ctx, q, 3)
		if err != nil || len(projects) == 0 || projects[0].Key != "p1" {
			t.Fatalf("projects for the elderly need: %+v %v", projects, err)
		}

		// The board (completed projects are on it too): two characters find
		// the need; facets filter it.
		hits, err := l.SearchNeeds(ctx, "挂号", nil, 10)
		if err != nil || len(hits) != 2 || len(hits[0].Terms) == 0 {
			t.Fatalf("search 挂号: %+v %v", hits, err)
		}
		if hits, _ := l.SearchNeeds(ctx, "挂号", []string{match.FacetStatus + "closed"}, 10); len(hits) != 1 || hits[0].Key != "p1" {
			t.Fatalf("facet status:closed: %+v", hits)
		}
		if hits, _ := l.SearchNeeds(ctx, "挂号", []string{match.FacetStreet + need.StreetID, match.FacetStatus + "published"}, 10); len(hits) != 1 {
			t.Fatalf("facets street+published: %+v", hits)
		}

		// Recommendations: the elderly need for o1, not for the others.
		rec, err := l.RecommendNeeds(ctx, f.orgs["o1"].ID, 5)
		if err != nil || len(rec) != 1 || rec[0].ID != need.ID {
			t.Fatalf("recommended for o1: %+v %v", rec, err)
		}
		// Its reasons: the profile's words the need matched, whole (手机,
		// not 用手 or 机挂), and the place.
		reasons := strings.Join(rec[0].Reasons, "|")
		if !strings.Contains(reasons, "需求提到：") || !strings.Contains(reasons, "手机") ||
			!strings.Contains(reasons, "同一社区：龙锦苑社区") {
			t.Fatalf("reasons for o1: %q", rec[0].Reasons)
		}
		terms, _ := termReason(rec[0].Reasons[0])
		for _, bad := range []string{"用手", "机挂", "人不", "龙锦", "锦苑"} {
			if slices.Contains(terms, bad) {
				t.Errorf("reasons for o1 name %q: %q", bad, rec[0].Reasons)
			}
		}
		if rec, _ := l.RecommendNeeds(ctx, f.orgs["o2"].ID, 5); len(rec) != 0 {
			t.Fatalf("recommended for the environmental group: %+v", rec)
		}
		if _, err := l.RecommendNeeds(ctx, "nope", 5); !errs.Is(err, errs.NotFound) {
			t.Fatalf("unknown organization: %v", err)
		}

		// Committed changes arrive through the listener, before the call returns.
		admin := storetest.Admin()
		name := "回龙观银龄数字助老中心"
		if _, err := s.UpdateOrganization(admin, f.orgs["o3"].ID, registry.Update{Name: &name,
			Domains: &[]string{"智能手机", "为老服务"}}); err != nil {
			t.Fatal(err)
		}
		if o, ok := l.Organization(f.orgs["o3"].ID); !ok || o.Name != name {
			t.Fatalf("renamed organization not applied: %+v", o)
		}
		if _, err := s.SetOrganizationCredit(admin, f.orgs["o1"].ID, store.CreditAbnormal, "未按时提交年度报告"); err != nil {
			t.Fatal(err)
		}
		orgs, _ = l.Organizations(ctx, q, 3)
		for _, r := range orgs {
			if r.Key == "o1" {
				t.Fatalf("an organization on the abnormal list is still recommended: %+v", orgs)
			}
		}
		q.IncludeExcluded = true
		orgs, _ = l.Organizations(ctx, q, 3)
		found := false
		for _, r := range orgs {
			found = found || (r.Key == "o1" && r.Excluded == "列入活动异常名录：未按时提交年度报告")
		}
		if !found {
			t.Fatalf("staff do not see o1 excluded with its reason: %+v", orgs)
		}
		if rec, _ := l.RecommendNeeds(ctx, f.orgs["o1"].ID, 5); len(rec) != 0 {
			t.Fatalf("needs recommended to an excluded organization: %+v", rec)
		}

		// A qualification rule: registered_only keeps the filed o3 away.
		n2 := f.publish(t, "老年人智能手机培训", "教社区老人使用智能手机和微信。", procurement.RegisteredOnly)
		if rec, _ := l.RecommendNeeds(ctx, f.orgs["o3"].ID, 5); len(rec) != 1 || rec[0].ID != need.ID {
			t.Fatalf("o3 (filed) is recommended a registered-only need: %+v", rec)
		}
		// Cancelling takes a need out of recommendations (still on the board).
		staff := accounts.WithActor(ctx, f.staff)
		if _, err := s.TransitionNeed(staff, need.ID, procurement.ActCancel, "需求已由其他渠道解决", procurement.DefaultRules()); err != nil {
			t.Fatal(err)
		}
		if rec, _ := l.RecommendNeeds(ctx, f.orgs["o3"].ID, 5); len(rec) != 0 {
			t.Fatalf("a cancelled need is recommended: %+v", rec)
		}
		if hits, _ := l.SearchNeeds(ctx, "挂号", []string{match.FacetStatus + "cancelled"}, 10); len(hits) != 1 {
			t.Fatalf("cancelled need not on the board under status:cancelled: %+v", hits)
		}
		_ = n2

		// The deadline passing closes a need to recommendations without any write.
		f.now = f.now.Add(11 * 24 * time.Hour)
		if _, err := s.SetOrganizationCredit(admin, f.orgs["o1"].ID, store.CreditNormal, ""); err != nil {
			t.Fatal(err)
		}
		if rec, _ := l.RecommendNeeds(ctx, f.orgs["o1"].ID, 5); len(rec) != 0 {
			t.Fatalf("a need past its deadline is recommended: %+v", ids(rec, func(h match.NeedHit) string { return h.Title }))
		}
	})
}

// TestCapText: a text within MaxTextRunes is kept (trimmed); a longer one
// keeps its start, cut at a clause break near the cap when there is one,
// never inside a character, and passes CheckText.
func TestCapText(t *testing.T) {
	t.Parallel()
	l, err := match.NewLive(nil, search.NewAnalyzer(search.Options{}), match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	exact := strings.Repeat("养", match.MaxTextRunes)
	clause := strings.Repeat("楼里老人不会用手机挂号", 40) // 11 characters a clause, no break
	withBreaks := strings.Repeat("楼里老人不会用手机挂号，", 60)
	for _, tc := range []struct {
		name, text, want string
		cut              bool
	}{
		{"short", "  老人助餐 ", "老人助餐", false},
		{"exactly the cap", exact, exact, false},
		{"one over, no break", exact + "老", exact, true},
		{"no break near the cap", clause + clause, string([]rune(clause + clause)[:match.MaxTextRunes]), true},
		{"at the last break", withBreaks, strings.TrimSuffix(strings.Repeat("楼里老人不会用手机挂号，", 41), "，"), true},
	} {
		got, cut := match.CapText(tc.text)
		if got != tc.want || cut != tc.cut {
			t.Errorf("%s: CapText = %d runes %q…, %v; want %d runes, %v", tc.name, utf8.RuneCountInString(got),
				string([]rune(got)[:min(10, utf8.RuneCountInString(got))]), cut, utf8.RuneCountInString(tc.want), tc.cut)
		}
		if _, err := l.CheckText(got); err != nil {
			t.Errorf("%s: the cut text is refused: %v", tc.name, err)
		}
	}
}

func TestLiveCheckText(t *testing.T) {
	t.Parallel()
	l, err := match.NewLive(nil, search.NewAnalyzer(search.Options{}), match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text, key string
	}{
		{"", "match.text_empty"},
		{"   \t ", "match.text_empty"},
		{strings.Repeat("养老", match.MaxTextRunes/2+1), "match.text_too_long"},
		{"养老\x07服务", "match.text_control"},
		{"😀😀🎉", "match.text_no_words"},
		{"！？。，", "match.text_no_words"},
		{"b", "match.text_no_words"}, // lone letters match any B区 and mean nothing
		{"Ｅ 3", "match.text_no_words"},
		{"E家", ""},
		{"5g", ""},
		{"\xff\xfe", "match.text_control"},
		{"养老", ""},
		{"电梯", ""},
		{"wifi 老人 手机", ""},
		{strings.Repeat("养老", match.MaxTextRunes/2), ""},
	} {
		got, err := l.CheckText(tc.text)
		if tc.key == "" {
			if err != nil || got == "" {
				t.Errorf("CheckText(%q) = %q, %v", tc.text, got, err)
			}
			continue
		}
		e := errs.As(err)
		if err == nil || e.Code != errs.Invalid || e.Field != "text" || e.Key != tc.key {
			t.Errorf("CheckText(%q): %v, want invalid text %s", tc.text, err, tc.key)
		}
	}
}

// TestLiveConcurrent: queries run while committed changes are applied (run
// with -race); every query answers, and the last change is what is seen.
func TestLiveConcurrent(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	f := newLiveFixture(t, s)
	f.publish(t, "老年人智能手机培训", "教社区老人使用智能手机和微信。")
	l := newLive(t, s)
	l.Now = s.Now
	ctx := context.Background()
	if err := l.Build(ctx); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				switch i {
				case 0:
					_, err = l.Organizations(ctx, match.Query{Text: "老人手机"}, 5)
				case 1:
					_, err = l.SearchNeeds(ctx, "手机", nil, 5)
				case 2:
					_, err = l.RecommendNeeds(ctx, f.orgs["o1"].ID, 5)
				default:
					_, err = l.Projects(ctx, match.Query{Text: "垃圾分类"}, 5)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	admin := storetest.Admin()
	var name string
	for i := range 30 {
		name = fmt.Sprintf("天通苑业主自治促进会%d", i)
		if _, err := s.UpdateOrganization(admin, f.orgs["o3"].ID, registry.Update{Name: &name}); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if o, _ := l.Organization(f.orgs["o3"].ID); o.Name != name {
		t.Fatalf("last change not applied: %q", o.Name)
	}
}

func TestLiveCompactsAfterManyChanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newLiveFixture(t, s)
		ctx := context.Background()
		l := newLive(t, s)
		if err := l.Build(ctx); err != nil {
			t.Fatal(err)
		}
		o1 := f.orgs["o1"].ID
		// A few changes leave replaced documents in the segments.
		if err := l.Apply(ctx, []string{o1}, nil); err != nil {
			t.Fatal(err)
		}
		if orgs, _, _ := l.IndexStats(); orgs.Deleted == 0 || orgs.Docs != 3 {
			t.Fatalf("after one change: %+v (a replaced document is expected until compaction)", orgs)
		}
		// A trickle of changes compacts once it reaches the threshold.
		for i := 1; i < 64; i++ {
			if err := l.Apply(ctx, []string{o1}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if orgs, projects, needs := l.IndexStats(); orgs.Deleted != 0 || projects.Deleted != 0 || needs.Deleted != 0 ||
			orgs.Docs != 3 || orgs.Segments != 1 {
			t.Fatalf("after 64 changes: %+v %+v %+v", orgs, projects, needs)
		}
		// One bulk transaction compacts at once.
		bulk := make([]string, 0, 96)
		for range 32 {
			bulk = append(bulk, o1, f.orgs["o2"].ID, f.orgs["o3"].ID)
		}
		if err := l.Apply(ctx, bulk, nil); err != nil {
			t.Fatal(err)
		}
		if orgs, _, _ := l.IndexStats(); orgs.Deleted != 0 || orgs.Docs != 3 {
			t.Fatalf("after a bulk: %+v", orgs)
		}
		// Ranking is unchanged by it.
		rs, err := l.Organizations(ctx, match.Query{Text: "老人不会用手机"}, 3)
		if err != nil || len(rs) == 0 || rs[0].Key != "o1" {
			t.Fatalf("after compaction: %+v %v", rs, err)
		}
	})
}
