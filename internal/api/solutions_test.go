package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/api"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// newCatalogFixture is the fixture with a completed project of o1 (an
// elders' meal service), a community staff member of 龙锦苑二区社区, and the
// API wired to a live solution index.
func newCatalogFixture(t *testing.T, s *store.Store) (*fixture, string) {
	t.Helper()
	f := newFixture(t, s, nil)
	ctx := storetest.Admin()
	rows, err := projectfile.Read(strings.NewReader(`{"key":"p1","title":"龙锦苑二区独居老人助餐配送","description":"为社区独居和高龄老人每日配送午餐，组织志愿者上门送餐并探访。","street":"回龙观街道","community":"龙锦苑二区社区","org":"o01","budget_fen":4000000,"duration_days":120,"rating":4.6,"completed":"2025-06-30"}` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := s.ImportProjects(ctx, rows, false); err != nil {
		t.Fatalf("import: %v %+v", err, rep)
	}
	needs, _, err := s.FindNeeds(ctx, procurement.Filter{Query: "独居老人助餐"})
	if err != nil || len(needs) != 1 {
		t.Fatalf("imported project: %v %v", needs, err)
	}
	project := needs[0].ID
	cm, err := s.FindCommunityByName(ctx, f.st1.ID, "龙锦苑二区社区")
	if err != nil {
		t.Fatal(err)
	}
	u := &accounts.User{Name: "社区", Phone: "13800000099", Grants: []accounts.Grant{{Role: accounts.CommunityStaff, ScopeID: cm.ID}}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	tok, err := s.CreateAPIToken(ctx, u.ID, store.DefaultTokenIdle)
	if err != nil {
		t.Fatal(err)
	}
	f.tokens["community1"], f.users["community1"] = tok, u
	sols, err := match.NewSolutions(s, search.NewAnalyzer(search.Options{}))
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
		if err := sols.Apply(ctx, ids); err != nil {
			t.Errorf("solutions index: %v", err)
		}
	})
	if err := sols.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.h = api.New(api.Deps{Store: s, Catalog: catalog(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxBodyBytes: maxBody, Solutions: sols})
	return f, project
}

func TestAPISolutions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f, project := newCatalogFixture(t, s)
		var id string
		call := func(t *testing.T, rq request, status int, code, field string) map[string]any {
			t.Helper()
			rq.path = strings.ReplaceAll(rq.path, "{id}", id)
			w := f.do(t, rq)
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("%s %s: not JSON: %s", rq.method, rq.path, w.Body.String())
			}
			if w.Code != status {
				t.Fatalf("%s %s as %q: status %d, want %d: %s", rq.method, rq.path, rq.as, w.Code, status, w.Body.String())
			}
			if code != "" {
				e := body["error"].(map[string]any)
				if e["code"] != code || (field != "" && e["field"] != field) {
					t.Fatalf("%s %s: error %v, want %s on %q", rq.method, rq.path, e, code, field)
				}
			}
			return body
		}
		propose := `{"projects":["` + project + `"],"title":"独居老人助餐配送服务","problem":"社区独居、高龄老人做饭难，吃饭没有保障",
			"tags":["助餐","送餐"],"population":["独居老人"],"steps":[{"title":"摸底独居老人","days":10},{"title":"对接助餐点"},{"title":"志愿者送餐与探访"}],
			"outcomes":[{"text":"老人按时吃上热饭","indicator":"每日送餐到户率","target":"≥ 95%"}]}`
		// Proposing: refused to the wrong people, field errors named.
		call(t, request{method: "POST", path: "/api/v1/solutions", body: propose}, 401, "unauthorized", "")
		call(t, request{method: "POST", path: "/api/v1/solutions", as: "orgadmin2", body: propose}, 400, "invalid", "projects")
		call(t, request{method: "POST", path: "/api/v1/solutions", as: "member1", body: propose}, 403, "forbidden", "")
		call(t, request{method: "POST", path: "/api/v1/solutions", as: "orgadmin1",
			body: `{"projects":["` + project + `"],"steps":[{"title":""}]}`}, 400, "invalid", "steps")
		b := call(t, request{method: "POST", path: "/api/v1/solutions", as: "orgadmin1", body: propose}, 201, "", "")
		id = b["id"].(string)
		if b["status"] != "draft" || b["budget_min_fen"] != float64(4000000) || b["duration_max_days"] != float64(120) ||
			b["category"] != "elderly" || len(b["providers"].([]any)) != 1 || b["org_id"] != f.orgs["o1"].ID {
			t.Fatalf("proposed: %v", b)
		}
		// The draft is private.
		call(t, request{method: "GET", path: "/api/v1/solutions/{id}"}, 404, "not_found", "")
		if b := call(t, request{method: "GET", path: "/api/v1/solutions"}, 200, "", ""); b["total"] != float64(0) {
			t.Fatalf("public catalog lists a draft: %v", b)
		}
		if b := call(t, request{method: "GET", path: "/api/v1/solutions?status=draft", as: "member1"}, 200, "", ""); b["total"] != float64(1) {
			t.Fatalf("the organization's drafts: %v", b)
		}
		// Review: the author submits, only a coordinator publishes.
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/publish", as: "admin"}, 409, "conflict", "")
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/submit", as: "orgadmin1"}, 200, "", "")
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/publish", as: "orgadmin1"}, 403, "forbidden", "")
		b = call(t, request{method: "POST", path: "/api/v1/solutions/{id}/publish", as: "admin"}, 200, "", "")
		if b["status"] != "published" || b["published_version"] != float64(1) {
			t.Fatalf("published: %v", b)
		}
		// The catalog: searched in everyday Chinese, filtered, sorted.
		b = call(t, request{method: "GET", path: "/api/v1/solutions?q=" + "老人吃饭难"}, 200, "", "")
		items := b["items"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["id"] != id || items[0].(map[string]any)["score"] == nil {
			t.Fatalf("search: %v", b)
		}
		if b := call(t, request{method: "GET", path: "/api/v1/solutions?q=垃圾分类"}, 200, "", ""); b["total"] != float64(0) {
			t.Fatalf("unrelated search: %v", b)
		}
		if b := call(t, request{method: "GET", path: "/api/v1/solutions?category=为老服务&sort=satisfaction"}, 200, "", ""); b["total"] != float64(1) {
			t.Fatalf("category: %v", b)
		}
		call(t, request{method: "GET", path: "/api/v1/solutions?sort=price"}, 400, "invalid", "sort")
		call(t, request{method: "GET", path: "/api/v1/solutions?category=cooking"}, 400, "invalid", "category")
		call(t, request{method: "GET", path: "/api/v1/solutions?colour=red"}, 400, "invalid", "colour")
		// One solution: evidence, versions, statistics.
		b = call(t, request{method: "GET", path: "/api/v1/solutions/{id}"}, 200, "", "")
		ev := b["evidence"].([]any)
		fig := b["figures"].(map[string]any)
		if len(ev) != 1 || ev[0].(map[string]any)["need_id"] != project || fig["deliveries"] != float64(1) ||
			fig["avg_rating"] != 4.6 || fig["cost_per_beneficiary_fen"] != nil || len(b["versions"].([]any)) != 1 ||
			b["stats"] == nil || b["review_comment"] != nil {
			t.Fatalf("detail: %v", b)
		}
		call(t, request{method: "GET", path: "/api/v1/solutions/nope"}, 404, "not_found", "")
		// Adoption: a draft need of the caller's community, pre-filled, inviting the provider.
		// An organization does not adopt (it is refused before the body is
		// read); staff without one community of their own must name it.
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/adopt", as: "orgadmin2"}, 403, "forbidden", "")
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/adopt", as: "orgadmin2",
			body: `{"community":"龙锦苑二区社区"}`}, 403, "forbidden", "")
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/adopt", as: "admin"}, 400, "invalid", "community")
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/adopt", as: "community1",
			body: `{"procedure":"direct","budget_fen":6000000}`}, 400, "invalid", "procedure")
		w := f.do(t, request{method: "POST", path: "/api/v1/solutions/" + id + "/adopt", as: "community1", body: `{"procedure":"invited"}`})
		if w.Code != 201 {
			t.Fatalf("adopt: %d %s", w.Code, w.Body.String())
		}
		var n map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &n); err != nil {
			t.Fatal(err)
		}
		invited := n["invited"].([]any)
		if n["status"] != "draft" || n["title"] != "独居老人助餐配送服务" || n["procedure"] != "invited" || len(invited) != 1 ||
			invited[0].(map[string]any)["id"] != f.orgs["o1"].ID || !strings.Contains(n["description"].(string), "摸底独居老人") ||
			w.Header().Get("Location") != "/api/v1/needs/"+n["id"].(string) {
			t.Fatalf("adopted need: %v", n)
		}
		if b := call(t, request{method: "GET", path: "/api/v1/solutions/{id}"}, 200, "", ""); b["adoptions"] != float64(1) {
			t.Fatalf("adoptions: %v", b)
		}
		// Revision and review: a new draft version, returned with a comment the author sees.
		if b := call(t, request{method: "POST", path: "/api/v1/solutions/{id}/revise", as: "orgadmin1", body: `{"note":"补充送餐路线"}`}, 200, "", ""); b["status"] != "draft" || b["latest_version"] != float64(2) {
			t.Fatalf("revise: %v", b)
		}
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/submit", as: "orgadmin1"}, 200, "", "")
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/return", as: "admin", body: `{"comment":"短"}`}, 400, "invalid", "comment")
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/return", as: "admin", body: `{"comment":"请补充送餐路线图"}`}, 200, "", "")
		if b := call(t, request{method: "GET", path: "/api/v1/solutions/{id}", as: "orgadmin1"}, 200, "", ""); b["review_comment"] != "请补充送餐路线图" || b["version"] != float64(2) {
			t.Fatalf("the author's view of the returned revision: %v", b)
		}
		if b := call(t, request{method: "GET", path: "/api/v1/solutions/{id}"}, 200, "", ""); b["version"] != float64(1) || b["review_comment"] != nil {
			t.Fatalf("the public's view during the revision: %v", b)
		}
		// Platform staff: duplicates, clusters, merge and archive.
		call(t, request{method: "GET", path: "/api/v1/solutions/duplicates", as: "orgadmin1"}, 403, "forbidden", "")
		if b := call(t, request{method: "GET", path: "/api/v1/solutions/duplicates", as: "admin"}, 200, "", ""); len(b["items"].([]any)) != 0 {
			t.Fatalf("duplicates of one solution: %v", b)
		}
		call(t, request{method: "GET", path: "/api/v1/solutions/clusters", as: "admin"}, 200, "", "")
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/merge", as: "admin", body: `{"into":"` + id + `","reason":"重复方案合并"}`}, 400, "invalid", "into")
		call(t, request{method: "POST", path: "/api/v1/solutions/{id}/archive", as: "orgadmin1", body: `{"reason":"不再提供此服务"}`}, 403, "forbidden", "")
		b = call(t, request{method: "GET", path: "/api/v1/solutions/stats"}, 200, "", "")
		if st := b["items"].([]any); len(st) != 1 || st[0].(map[string]any)["key"] != "elderly" || st[0].(map[string]any)["adoptions"] != float64(1) {
			t.Fatalf("stats: %v", b)
		}
	})
}
