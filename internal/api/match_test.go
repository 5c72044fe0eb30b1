package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/api"
	"github.com/huitian/huitian/internal/heavy"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

const matchProjectsJSONL = `{"key":"p1","title":"龙锦苑老人助餐点运营","description":"为社区独居老人提供午餐助餐和送餐上门。","street":"回龙观街道","community":"龙锦苑二区社区","org":"o01","budget_fen":3000000,"duration_days":180,"rating":4.8,"completed":"2025-05-01"}
`

// matchFixture is the tender fixture with a live matcher wired to the
// store's change listener (as cli does), one completed project of o1 and a
// published need of 龙锦苑二区社区 ({need}).
func matchFixture(t *testing.T, s *store.Store) *tender {
	t.Helper()
	tf := newTender(t, s)
	ctx := storetest.Admin()
	rows, err := projectfile.Read(strings.NewReader(matchProjectsJSONL))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportProjects(ctx, rows, false); err != nil {
		t.Fatal(err)
	}
	live, err := match.NewLive(s, search.NewAnalyzer(search.Options{}), match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	live.Now = s.Now
	s.OnChange(func(ctx context.Context, cs []store.Change) {
		var orgs, needs []string
		for _, c := range cs {
			if c.Kind == store.ChangeOrganization {
				orgs = append(orgs, c.ID)
			} else {
				needs = append(needs, c.ID)
			}
		}
		if err := live.Apply(ctx, orgs, needs); err != nil {
			t.Errorf("apply: %v", err)
		}
	})
	if err := live.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	comms, err := s.FindCommunities(ctx, tf.st1.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := &procurement.Need{Title: "独居老人吃饭难", Description: "小区里很多独居老人做饭不方便，希望有助餐或送餐服务。",
		BudgetFen: 5_000_000, Procedure: procurement.Open, Criteria: procurement.DefaultCriteria(),
		Deadline: tf.now.Add(10 * 24 * time.Hour)}
	for _, c := range comms {
		switch c.Name {
		case "龙锦苑二区社区":
			n.CommunityID = c.ID
		case "新龙城社区":
			tf.vars["xinlongcheng"] = c.ID
		}
	}
	staff := accounts.WithActor(context.Background(), tf.users["street1"])
	if err := s.CreateNeed(staff, n, procurement.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.TransitionNeed(staff, n.ID, procurement.ActPublish, "", procurement.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	tf.vars["need"], tf.vars["o5"] = n.ID, tf.orgs["o5"].ID
	tf.h = api.New(api.Deps{Store: s, Catalog: catalog(t), MaxBodyBytes: maxBody, Match: live})
	return tf
}

// items returns the ids (or keys) of a match list.
func items(b map[string]any, list, field string) []string {
	var out []string
	for _, it := range arr(b[list]) {
		out = append(out, str(it.(map[string]any)[field]))
	}
	return out
}

// reasonOf checks that the item with key has (or, with want false, lacks)
// a reason containing s.
func reasonOf(key, s string, want bool) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		for _, it := range arr(b["items"]) {
			m := it.(map[string]any)
			if str(m["key"]) != key {
				continue
			}
			has := false
			for _, r := range arr(m["reasons"]) {
				has = has || strings.Contains(str(r), s)
			}
			if has != want {
				t.Fatalf("%s: reason %q present %v, want %v\n%s", key, s, has, want, w.Body.String())
			}
			return
		}
		t.Fatalf("%s not among the items\n%s", key, w.Body.String())
	}
}

func firstIs(list, field, want string) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		got := items(b, list, field)
		if len(got) == 0 || got[0] != tf.expand(want) {
			t.Fatalf("%s: first %s %v, want %s\n%s", list, field, got, want, w.Body.String())
		}
		it := arr(b[list])[0].(map[string]any)
		if _, ok := it["reasons"].([]any); !ok {
			t.Fatalf("no reasons array: %v", it)
		}
		if _, ok := b["took_ms"].(float64); list == "items" && !ok {
			t.Fatalf("no took_ms: %v", b)
		}
	}
}

func TestAPIMatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tf := matchFixture(t, s)
		q := func(path, text string, more ...string) string {
			return path + "?text=" + esc(text) + strings.Join(more, "")
		}
		const orgs, projects = "/api/v1/match/organizations", "/api/v1/match/projects"
		tf.run(t, []step{
			{name: "organizations for a colloquial need", method: "GET",
				path: q(orgs, "楼里老人没人做饭", "&community="+esc("龙锦苑二区社区")), status: 200,
				check: both(firstIs("items", "key", "o01"), firstIs("items", "name", "回龙观惠民社会工作服务中心"))},
			{name: "organizations by community id, limit 2", method: "GET", path: q(orgs, "老人助餐", "&limit=2"), status: 200,
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if n := len(arr(b["items"])); n == 0 || n > 2 {
						t.Fatalf("limit 2: %d items", n)
					}
				}},
			{name: "projects: same-style solutions", method: "GET", path: q(projects, "老人吃饭难，希望送餐"), status: 200,
				check: both(firstIs("items", "key", "p1"), firstIs("items", "title", "龙锦苑老人助餐点运营"))},
			{name: "two characters are enough", method: "GET", path: q(projects, "助餐"), status: 200,
				check: firstIs("items", "key", "p1")},
			{name: "text missing", method: "GET", path: orgs, status: 400, code: "invalid", field: "text"},
			{name: "text blank", method: "GET", path: q(orgs, "   "), status: 400, code: "invalid", field: "text"},
			{name: "emoji only", method: "GET", path: q(orgs, "😀🎉👍"), status: 400, code: "invalid", field: "text"},
			{name: "only a common word: a", method: "GET", path: q(orgs, "a"), status: 400, code: "invalid", field: "text",
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if msg := str(b["error"].(map[string]any)["message"]); msg != "内容：没有可以用来匹配的词（只有表情、标点或过于常见的字词）；请用几个词描述需求" {
						t.Fatalf("message %q", msg)
					}
				}},
			{name: "only a common word: the", method: "GET", path: q(orgs, "the"), status: 400, code: "invalid", field: "text",
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if msg := str(b["error"].(map[string]any)["message"]); msg != "内容：没有可以用来匹配的词（只有表情、标点或过于常见的字词）；请用几个词描述需求" {
						t.Fatalf("message %q", msg)
					}
				}},
			{name: "only a common word: 的", method: "GET", path: q(orgs, "的"), status: 400, code: "invalid", field: "text",
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if msg := str(b["error"].(map[string]any)["message"]); msg != "内容：没有可以用来匹配的词（只有表情、标点或过于常见的字词）；请用几个词描述需求" {
						t.Fatalf("message %q", msg)
					}
				}},
			{name: "punctuation only", method: "GET", path: q(projects, "？！。。"), status: 400, code: "invalid", field: "text"},
			{name: "control character", method: "GET", path: q(orgs, "老人\x1b[31m助餐"), status: 400, code: "invalid", field: "text"},
			{name: "NUL", method: "GET", path: q(orgs, "老人\x00助餐"), status: 400, code: "invalid", field: "text"},
			// Over 500 characters: the start is matched, and the answer says so.
			{name: "over 500 characters is cut", method: "GET", path: q(orgs, strings.Repeat("老人助餐，", 101)), status: 200,
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if b["text_cut"] != true || len(arr(b["items"])) == 0 {
						t.Fatalf("long text: %s", w.Body.String())
					}
				}},
			{name: "within 500 characters is not cut", method: "GET", path: q(projects, strings.Repeat("老人助餐，", 100)), status: 200,
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if _, ok := b["text_cut"]; ok {
						t.Fatalf("text_cut on a text within the cap: %s", w.Body.String())
					}
				}},
			{name: "huge", method: "GET", path: q(projects, strings.Repeat("助", 5000)), status: 400, code: "invalid", field: "text"},
			{name: "bad UTF-8", method: "GET", path: orgs + "?text=%ff%fe", status: 400, code: "invalid", field: "text"},
			{name: "mixed script is fine", method: "GET", path: q(orgs, "老人 wifi 手机 APP 挂号"), status: 200},
			{name: "limit zero", method: "GET", path: q(orgs, "养老", "&limit=0"), status: 400, code: "invalid", field: "limit",
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if msg := str(b["error"].(map[string]any)["message"]); msg != "返回条数 limit 应在 1 到 50 之间" {
						t.Fatalf("message %q", msg)
					}
				}},
			{name: "limit over 50", method: "GET", path: q(orgs, "养老", "&limit=51"), status: 400, code: "invalid", field: "limit"},
			{name: "limit not a number", method: "GET", path: q(orgs, "养老", "&limit=ten"), status: 400, code: "invalid", field: "limit"},
			// A place the platform does not know is a name to compare, not an
			// error (a caller's own records; huitian eval passes names too).
			{name: "unknown community", method: "GET", path: q(orgs, "养老", "&community="+esc("不存在社区")), status: 200,
				check: reasonOf("o01", "同一社区", false)},
			{name: "unknown parameter", method: "GET", path: q(orgs, "养老", "&city=x"), status: 400, code: "invalid", field: "city"},

			// Place: o01 is in 回龙观街道, 龙锦苑二区社区.
			{name: "street by name", method: "GET", path: q(orgs, "老人助餐", "&street="+esc("回龙观街道")), status: 200,
				check: reasonOf("o01", "同一街道：回龙观街道", true)},
			{name: "another street", method: "GET", path: q(projects, "老人助餐", "&street="+esc("天通苑北街道")), status: 200,
				check: reasonOf("p1", "同一街道", false)},
			{name: "a community gives its street", method: "GET", path: q(orgs, "老人助餐", "&community={xinlongcheng}"),
				status: 200, check: reasonOf("o01", "同一街道：回龙观街道", true)},
			{name: "street and its community", method: "GET",
				path: q(orgs, "老人助餐", "&street="+esc("回龙观街道"), "&community="+esc("龙锦苑二区社区")), status: 200,
				check: reasonOf("o01", "同一社区", true)},
			{name: "unknown street", method: "GET", path: q(orgs, "老人助餐", "&street="+esc("不存在街道")), status: 200,
				check: reasonOf("o01", "同一街道", false)},
			{name: "unknown community in a known street", method: "GET",
				path: q(orgs, "老人助餐", "&street="+esc("回龙观街道"), "&community="+esc("龙禧苑社区")), status: 200,
				check: reasonOf("o01", "同一街道：回龙观街道", true)},
			{name: "community by name not in the street", method: "GET",
				path: q(orgs, "养老", "&street="+esc("天通苑北街道"), "&community="+esc("新龙城社区")), status: 400,
				code: "invalid", field: "community",
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if msg := str(b["error"].(map[string]any)["message"]); msg != "社区：这个社区不属于所选街道" {
						t.Fatalf("message %q", msg)
					}
				}},
			{name: "community by id not in the street", method: "GET",
				path: q(projects, "养老", "&street="+esc("天通苑北街道"), "&community={xinlongcheng}"), status: 400,
				code: "invalid", field: "community",
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if msg := str(b["error"].(map[string]any)["message"]); msg != "社区：这个社区不属于所选街道" {
						t.Fatalf("message %q", msg)
					}
				}},
			{name: "English message", method: "GET", path: q(orgs, ""), header: map[string]string{"Accept-Language": "en"},
				status: 400, code: "invalid", field: "text", check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					msg := str(b["error"].(map[string]any)["message"])
					if !strings.Contains(msg, "describe the need") {
						t.Fatalf("message %q", msg)
					}
				}},

			// A need's matches: staff of its street or community only.
			{name: "need matches anonymous", method: "GET", path: "/api/v1/needs/{need}/matches", status: 401, code: "unauthorized"},
			{name: "need matches other street", as: "street2", method: "GET", path: "/api/v1/needs/{need}/matches", status: 403,
				code: "forbidden"},
			{name: "need matches an organization", as: "orgadmin1", method: "GET", path: "/api/v1/needs/{need}/matches",
				status: 403, code: "forbidden"},
			{name: "need matches missing need", as: "street1", method: "GET", path: "/api/v1/needs/nope/matches", status: 404,
				code: "not_found"},
			{name: "need matches bad limit", as: "street1", method: "GET", path: "/api/v1/needs/{need}/matches?limit=99",
				status: 400, code: "invalid", field: "limit"},
			{name: "need matches street staff", as: "street1", method: "GET", path: "/api/v1/needs/{need}/matches", status: 200,
				check: both(firstIs("organizations", "key", "o01"), firstIs("projects", "key", "p1"))},
			{name: "need matches community staff", as: "community1", method: "GET", path: "/api/v1/needs/{need}/matches",
				status: 200, check: firstIs("organizations", "key", "o01")},

			// Credit status: platform admins only; an excluded organization shows with its reason.
			{name: "credit by street staff", as: "street1", method: "PUT", path: "/api/v1/organizations/{o1}/credit",
				body: `{"status":"abnormal","note":"未按时年检"}`, status: 403, code: "forbidden"},
			{name: "credit anonymous", method: "PUT", path: "/api/v1/organizations/{o1}/credit",
				body: `{"status":"abnormal","note":"未按时年检"}`, status: 401, code: "unauthorized"},
			{name: "credit bad status", as: "admin", method: "PUT", path: "/api/v1/organizations/{o1}/credit",
				body: `{"status":"bad"}`, status: 400, code: "invalid", field: "status"},
			{name: "credit without a note", as: "admin", method: "PUT", path: "/api/v1/organizations/{o1}/credit",
				body: `{"status":"abnormal"}`, status: 400, code: "invalid", field: "note"},
			{name: "credit unknown field", as: "admin", method: "PUT", path: "/api/v1/organizations/{o1}/credit",
				body: `{"status":"abnormal","why":"x"}`, status: 400, code: "invalid", field: "why"},
			{name: "credit missing organization", as: "admin", method: "PUT", path: "/api/v1/organizations/nope/credit",
				body: `{"status":"normal"}`, status: 404, code: "not_found"},
			{name: "credit abnormal", as: "admin", method: "PUT", path: "/api/v1/organizations/{o1}/credit",
				body: `{"status":"abnormal","note":"未按规定报送年度工作报告"}`, status: 200,
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if str(b["excluded"]) != "列入活动异常名录：未按规定报送年度工作报告" || str(b["updated_at"]) == "" {
						t.Fatalf("credit: %v", b)
					}
				}},
			{name: "excluded from public matches", method: "GET", path: q(orgs, "老人助餐"), status: 200,
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					for _, k := range items(b, "items", "key") {
						if k == "o01" {
							t.Fatalf("an excluded organization is offered: %s", w.Body.String())
						}
					}
				}},
			{name: "excluded shown to staff with the reason", as: "street1", method: "GET", path: "/api/v1/needs/{need}/matches",
				status: 200, check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if got := items(b, "excluded", "excluded"); len(got) == 0 || got[0] != "列入活动异常名录：未按规定报送年度工作报告" {
						t.Fatalf("excluded: %s", w.Body.String())
					}
					for _, k := range items(b, "organizations", "key") {
						if k == "o01" {
							t.Fatalf("o01 among the offered: %s", w.Body.String())
						}
					}
				}},
			{name: "credit back to normal", as: "admin", method: "PUT", path: "/api/v1/organizations/{o1}/credit",
				body: `{"status":"normal"}`, status: 200},
			{name: "offered again", method: "GET", path: q(orgs, "老人助餐", "&community="+esc("龙锦苑二区社区")), status: 200,
				check: firstIs("items", "key", "o01")},

			// Category: staff correct the guess.
			{name: "category by an organization", as: "orgadmin1", method: "PUT", path: "/api/v1/needs/{need}/category",
				body: `{"category":"health"}`, status: 403, code: "forbidden"},
			{name: "category unknown", as: "community1", method: "PUT", path: "/api/v1/needs/{need}/category",
				body: `{"category":"space"}`, status: 400, code: "invalid", field: "category"},
			{name: "category by community staff", as: "community1", method: "PUT", path: "/api/v1/needs/{need}/category",
				body: `{"category":"health"}`, status: 200,
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if str(b["category"]) != "health" || str(b["category_source"]) != "staff" || num(b["category_confidence"]) != 100 {
						t.Fatalf("category: %v", b)
					}
				}},
		})
	})
}

// TestAPIMatchNotReady: before the index is built the routes say so (503),
// never a 500 or an empty answer that looks final.
func TestAPIMatchNotReady(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	live, err := match.NewLive(s, search.NewAnalyzer(search.Options{}), match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	h := api.New(api.Deps{Store: s, Catalog: catalog(t), Match: live})
	r := httptest.NewRequest("GET", "/api/v1/match/organizations?text="+esc("养老"), nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var b map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &b)
	if w.Code != http.StatusServiceUnavailable || b["error"] == nil {
		t.Fatalf("not ready: %d %s", w.Code, w.Body.String())
	}
}

// builtLive is a matcher over s with its indexes built (no change listener).
func builtLive(t *testing.T, s *store.Store) *match.Live {
	t.Helper()
	live, err := match.NewLive(s, search.NewAnalyzer(search.Options{}), match.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	if err := live.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	return live
}

// TestAPIMatchBusy: while every heavy-work turn is taken, a match call
// waits a moment and then answers 503 with the stable code busy and
// Retry-After, never a 500; with the turn free it ranks.
func TestAPIMatchBusy(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	live := builtLive(t, s)
	live.Work = heavy.New(heavy.Limits{Concurrent: 1, MaxWait: 10 * time.Millisecond})
	h := api.New(api.Deps{Store: s, Catalog: catalog(t), Match: live})
	call := func(path string) (*httptest.ResponseRecorder, map[string]any) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path+"?text="+esc("养老"), nil))
		var b map[string]any
		_ = json.Unmarshal(w.Body.Bytes(), &b)
		return w, b
	}
	turn, err := live.Work.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/api/v1/match/organizations", "/api/v1/match/projects"} {
		w, b := call(p)
		e, _ := b["error"].(map[string]any)
		if w.Code != http.StatusServiceUnavailable || e["code"] != "busy" || w.Header().Get("Retry-After") == "" {
			t.Fatalf("%s while busy: %d %s", p, w.Code, w.Body.String())
		}
	}
	turn.Done()
	if w, _ := call("/api/v1/match/projects"); w.Code != http.StatusOK {
		t.Fatalf("free again: %d %s", w.Code, w.Body.String())
	}
}

// TestAPIMatchRateLimit: the public routes allow a person, not a scraper,
// and say when to try again; the operator sets the rate or lifts it.
func TestAPIMatchRateLimit(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	live := builtLive(t, s)
	limitedOf := func(perMinute, calls int) (limited int, retryAfter string) {
		h := api.New(api.Deps{Store: s, Catalog: catalog(t), Match: live, MatchPerMinute: perMinute})
		addr := fmt.Sprintf("192.0.2.%d:1234", perMinute+100) // a window of its own per limiter
		for range calls {
			r := httptest.NewRequest("GET", "/api/v1/match/projects?text="+esc("养老"), nil)
			r.RemoteAddr = addr
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code == http.StatusTooManyRequests {
				limited++
				retryAfter = w.Header().Get("Retry-After")
			}
		}
		return limited, retryAfter
	}
	if n, after := limitedOf(60, 70); n != 10 || after == "" || after == "0" {
		t.Fatalf("60 a minute (the default): %d of 70 calls limited (want 10), Retry-After %q", n, after)
	}
	if n, _ := limitedOf(5, 8); n != 3 {
		t.Fatalf("5 a minute: %d of 8 calls limited, want 3", n)
	}
	if n, _ := limitedOf(0, 80); n != 0 {
		t.Fatalf("no limit: %d of 80 calls limited", n)
	}
	h := api.New(api.Deps{Store: s, Catalog: catalog(t), Match: live, MatchPerMinute: 60})
	r := httptest.NewRequest("GET", "/api/v1/match/projects?text="+esc("养老"), nil)
	r.RemoteAddr = "192.0.2.2:1234"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("another address is limited too: %d", w.Code)
	}
}

// A need requiring finance-trained staff (trained=finance) admits only
// organizations with an academy certificate in finance, with the reason.
func TestAPIMatchTrained(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tf := matchFixture(t, s)
		const orgs = "/api/v1/match/organizations?text="
		tf.run(t, []step{
			{name: "nobody trained yet", method: "GET", path: orgs + esc("老人助餐") + "&trained=finance", status: 200,
				check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if n := len(arr(b["items"])); n != 0 {
						t.Fatalf("%d untrained organizations offered", n)
					}
				}},
			{name: "unknown topic", method: "GET", path: orgs + esc("老人助餐") + "&trained=cooking", status: 400, code: "invalid", field: "trained"},
			{name: "not for projects", method: "GET", path: "/api/v1/match/projects?text=" + esc("老人助餐") + "&trained=finance", status: 400,
				code: "invalid", field: "trained"},
		})
		// o01's bookkeeper completes the academy's finance course.
		admin := storetest.Admin()
		co := &incubation.Course{Title: "社会组织财务管理", Topic: incubation.TopicFinance}
		if err := s.CreateCourse(admin, co); err != nil {
			t.Fatal(err)
		}
		se := &incubation.Session{CourseID: co.ID, Teacher: "陈老师", Place: "区孵化基地多功能厅", Start: s.Now().Add(time.Hour),
			End: s.Now().Add(3 * time.Hour), Capacity: 30}
		if err := s.CreateCourseSession(admin, se); err != nil {
			t.Fatal(err)
		}
		e := &incubation.Enrollment{SessionID: se.ID, OrgID: tf.orgs["o1"].ID, Person: "赵会计"}
		if err := s.Enroll(admin, e); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MarkAttendance(admin, e.ID, incubation.Present, incubation.MethodList); err != nil {
			t.Fatal(err)
		}
		tf.run(t, []step{
			{name: "the trained organization", method: "GET", path: orgs + esc("老人助餐") + "&trained=finance", status: 200,
				check: both(firstIs("items", "key", "o01"), reasonOf("o01", "已有人员完成财务管理培训", true))},
		})
	})
}
