package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/api"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// maxBody is small so the too-large scenarios stay small.
const maxBody = 4096

// fixture is a seeded database behind an API handler.
type fixture struct {
	h        http.Handler
	s        *store.Store
	st1, st2 *places.Street
	orgs     map[string]*registry.Organization // by short name: o1 … o5
	tokens   map[string]string                 // by user name: admin, street2, orgadmin1, orgadmin2, member1
	users    map[string]*accounts.User
}

func catalog(t *testing.T) *i18n.Catalog {
	t.Helper()
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newFixture seeds two streets, three communities, five organizations and
// five users with API tokens.
func newFixture(t *testing.T, s *store.Store, logs io.Writer) *fixture {
	t.Helper()
	ctx := storetest.Admin()
	f := &fixture{s: s, orgs: map[string]*registry.Organization{}, tokens: map[string]string{},
		users: map[string]*accounts.User{}}
	f.st1, f.st2 = &places.Street{Name: "回龙观街道"}, &places.Street{Name: "天通苑北街道"}
	for _, st := range []*places.Street{f.st1, f.st2} {
		if err := s.CreateStreet(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	comms := map[string]*places.Community{}
	for _, c := range []struct{ street, name string }{
		{f.st1.ID, "龙锦苑二区社区"}, {f.st1.ID, "新龙城社区"}, {f.st2.ID, "天通苑北一区社区"},
	} {
		cm := &places.Community{StreetID: c.street, Name: c.name}
		if err := s.CreateCommunity(ctx, cm); err != nil {
			t.Fatal(err)
		}
		comms[c.name] = cm
	}
	check, _ := registry.CreditCheckChar("52110114MJ0000001")
	for _, o := range []struct {
		short string
		org   registry.Organization
	}{
		{"o1", registry.Organization{Key: "o01", Name: "回龙观惠民社会工作服务中心", Registration: registry.Registered,
			CreditCode: "52110114Y4CL12TH3D", StreetID: f.st1.ID, CommunityID: comms["龙锦苑二区社区"].ID,
			Domains: []string{"养老服务", "儿童服务"}, PartyForm: registry.PartyIndependent, Staff: 28, Volunteers: 320,
			ContactName: "王芳", ContactPhone: "13812345678", Founded: "2016-05-18"}},
		{"o2", registry.Organization{Name: "龙锦苑舞蹈队", StreetID: f.st1.ID, CommunityID: comms["新龙城社区"].ID,
			Domains: []string{"文体活动"}, Volunteers: 15}},
		{"o3", registry.Organization{Name: "新龙城合唱团", StreetID: f.st1.ID, CommunityID: comms["新龙城社区"].ID,
			Domains: []string{"文体活动"}, Volunteers: 40}},
		{"o4", registry.Organization{Name: "天通苑邻里互助会", StreetID: f.st2.ID, CommunityID: comms["天通苑北一区社区"].ID,
			Domains: []string{"邻里互助"}, Volunteers: 200, ContactName: "李雷", ContactPhone: "13900001111"}},
		{"o5", registry.Organization{Name: "天通苑法律服务中心", Registration: registry.Registered,
			CreditCode: "52110114MJ0000001" + string(check), StreetID: f.st2.ID, Domains: []string{"法律服务"}, Volunteers: 10}},
	} {
		org := o.org
		if err := s.CreateOrganization(ctx, &org); err != nil {
			t.Fatalf("%s: %v", o.short, err)
		}
		f.orgs[o.short] = &org
	}
	for i, u := range []struct {
		name  string
		grant accounts.Grant
	}{
		{"admin", accounts.Grant{Role: accounts.PlatformAdmin}},
		{"street2", accounts.Grant{Role: accounts.StreetStaff, ScopeID: f.st2.ID}},
		{"orgadmin1", accounts.Grant{Role: accounts.OrgAdmin, ScopeID: f.orgs["o1"].ID}},
		{"orgadmin2", accounts.Grant{Role: accounts.OrgAdmin, ScopeID: f.orgs["o2"].ID}},
		{"member1", accounts.Grant{Role: accounts.OrgMember, ScopeID: f.orgs["o1"].ID}},
	} {
		user := &accounts.User{Name: u.name, Phone: "1380000000" + string(rune('1'+i)), Grants: []accounts.Grant{u.grant}}
		if err := s.CreateUser(ctx, user); err != nil {
			t.Fatal(err)
		}
		tok, err := s.CreateAPIToken(ctx, user.ID, store.DefaultTokenIdle)
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[u.name], f.users[u.name] = tok, user
	}
	// Issue 12's log scan over the whole suite: whatever a test did, the
	// API logged no phone number and no token.
	scan := &lockedBuffer{}
	out := io.Writer(scan)
	if logs != nil {
		out = io.MultiWriter(scan, logs)
	}
	t.Cleanup(func() {
		if m := regexp.MustCompile(`\b1[3-9]\d{9}\b|ht_[0-9a-f]{16,}`).FindString(scan.String()); m != "" {
			t.Errorf("the API's log holds personal data or a secret: %q", m)
		}
	})
	f.h = api.New(api.Deps{Store: s, Catalog: catalog(t), Logger: slog.New(slog.NewTextHandler(out, nil)),
		MaxBodyBytes: maxBody})
	return f
}

// lockedBuffer collects log lines written by concurrent requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// request describes one call; as names a fixture user, "bogus" sends an
// invalid token, "" is anonymous.
type request struct {
	method, path, as, body string
	header                 map[string]string
	chunked                bool // no Content-Length, so only the body reader can notice the size
}

func (f *fixture) do(t *testing.T, rq request) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	r := httptest.NewRequest(rq.method, rq.path, body)
	if rq.chunked {
		r.ContentLength = -1
	}
	switch rq.as {
	case "":
	case "bogus":
		r.Header.Set("Authorization", "Bearer ht_0123456789abcdef")
	default:
		tok, ok := f.tokens[rq.as]
		if !ok {
			t.Fatalf("no user %q", rq.as)
		}
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range rq.header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

// scenario is one API call and what must come back.
type scenario struct {
	name   string
	req    request
	status int
	code   string // error code; "" for a success
	field  string // error field, when code is set
	check  func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, body map[string]any)
}

func TestAPIScenarios(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		// Scenarios run in order: reads first, then writes that change later counts.
		for _, sc := range scenarios(f) {
			t.Run(sc.name, func(t *testing.T) {
				w := f.do(t, sc.req)
				if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type %q", ct)
				}
				var body map[string]any
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
					t.Fatalf("status %d, body not a JSON object: %v\n%s", w.Code, err, w.Body)
				}
				if w.Code != sc.status {
					t.Fatalf("status %d, want %d\n%s", w.Code, sc.status, w.Body)
				}
				e, isErr := body["error"].(map[string]any)
				switch {
				case sc.code == "" && isErr:
					t.Fatalf("unexpected error %v", e)
				case sc.code != "" && !isErr:
					t.Fatalf("want error %s, got %s", sc.code, w.Body)
				case sc.code != "":
					if e["code"] != sc.code || str(e["field"]) != sc.field || str(e["message"]) == "" {
						t.Fatalf("error %v, want code %s field %q", e, sc.code, sc.field)
					}
				}
				if sc.check != nil {
					sc.check(t, f, w, body)
				}
			})
		}
	})
}

func scenarios(f *fixture) []scenario {
	o1, o2, o4 := f.orgs["o1"], f.orgs["o2"], f.orgs["o4"]
	get := func(path string) request { return request{method: "GET", path: path} }
	getAs := func(as, path string) request { return request{method: "GET", path: path, as: as} }
	post := func(as, body string) request {
		return request{method: "POST", path: "/api/v1/organizations", as: as, body: body}
	}
	patch := func(as, id, body string) request {
		return request{method: "PATCH", path: "/api/v1/organizations/" + id, as: as, body: body}
	}
	list := func(total, items int) func(*testing.T, *fixture, *httptest.ResponseRecorder, map[string]any) {
		return func(t *testing.T, _ *fixture, _ *httptest.ResponseRecorder, b map[string]any) {
			t.Helper()
			if num(b["total"]) != total || len(arr(b["items"])) != items {
				t.Fatalf("total %v items %d, want %d/%d", b["total"], len(arr(b["items"])), total, items)
			}
		}
	}
	valid := func(first17 string) string { c, _ := registry.CreditCheckChar(first17); return first17 + string(c) }
	newCode := valid("52110114MJ0000002")

	return []scenario{
		// Public reads.
		{name: "anonymous list", req: get("/api/v1/organizations"), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				list(5, 5)(t, f, w, b)
				if num(b["page"]) != 1 || num(b["per_page"]) != 20 {
					t.Fatalf("paging %v %v", b["page"], b["per_page"])
				}
				for _, it := range arr(b["items"]) {
					m := it.(map[string]any)
					if _, ok := m["contact_phone"]; ok {
						t.Fatalf("contact shown to anonymous: %v", m)
					}
					if _, ok := m["contact_name"]; ok {
						t.Fatalf("contact shown to anonymous: %v", m)
					}
					if m["domains"] == nil {
						t.Fatalf("domains null: %v", m)
					}
					if _, ok := m["key"]; ok != (m["id"] == o1.ID) {
						t.Fatalf("key present only when set: %v", m)
					}
					for _, k := range []string{"id", "name", "registration", "credit_code", "category", "street_id",
						"street", "community_id", "community", "description", "founded", "party_form", "staff",
						"volunteers", "created_at", "updated_at"} {
						if _, ok := m[k]; !ok {
							t.Fatalf("missing %s: %v", k, m)
						}
					}
				}
			}},
		{name: "filter street by name", req: get("/api/v1/organizations?street=" + esc("回龙观街道")), status: 200, check: list(3, 3)},
		{name: "filter street by id", req: get("/api/v1/organizations?street=" + f.st2.ID), status: 200, check: list(2, 2)},
		{name: "filter community by name in street",
			req:    get("/api/v1/organizations?street=" + esc("回龙观街道") + "&community=" + esc("新龙城社区")),
			status: 200, check: list(2, 2)},
		{name: "filter q", req: get("/api/v1/organizations?q=" + esc("惠民")), status: 200, check: list(1, 1)},
		{name: "filter registration", req: get("/api/v1/organizations?registration=registered"), status: 200, check: list(2, 2)},
		{name: "filter party form", req: get("/api/v1/organizations?party_form=independent"), status: 200, check: list(1, 1)},
		{name: "filter category", req: get("/api/v1/organizations?category=culture"), status: 200, check: list(2, 2)},
		{name: "filter domain", req: get("/api/v1/organizations?domain=" + esc("文体活动")), status: 200, check: list(2, 2)},
		{name: "filter key", req: get("/api/v1/organizations?key=o01"), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				list(1, 1)(t, f, w, b)
				if it := arr(b["items"])[0].(map[string]any); it["id"] != o1.ID || it["key"] != "o01" {
					t.Fatalf("by key: %v", it)
				}
			}},
		{name: "paging", req: get("/api/v1/organizations?per_page=2&page=3"), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				list(5, 1)(t, f, w, b)
				if num(b["page"]) != 3 || num(b["per_page"]) != 2 {
					t.Fatalf("paging %v %v", b["page"], b["per_page"])
				}
			}},
		{name: "page past the end", req: get("/api/v1/organizations?page=9"), status: 200, check: list(5, 0)},
		{name: "per_page above the bound", req: get("/api/v1/organizations?per_page=101"), status: 400, code: "invalid", field: "per_page"},
		{name: "per_page zero", req: get("/api/v1/organizations?per_page=0"), status: 400, code: "invalid", field: "per_page"},
		{name: "page not a number", req: get("/api/v1/organizations?page=two"), status: 400, code: "invalid", field: "page"},
		{name: "per_page at the bound", req: get("/api/v1/organizations?per_page=100"), status: 200, check: list(5, 5)},
		{name: "sort outside the allowlist", req: get("/api/v1/organizations?sort=" + esc("volunteers; DROP TABLE users")),
			status: 400, code: "invalid", field: "sort"},
		{name: "sort by volunteers", req: get("/api/v1/organizations?sort=volunteers"), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				items := arr(b["items"])
				if items[0].(map[string]any)["id"] != o1.ID || items[1].(map[string]any)["id"] != o4.ID {
					t.Fatalf("order: %v", items)
				}
			}},
		{name: "several bad parameters", req: get("/api/v1/organizations?per_page=0&sort=x"), status: 400, code: "invalid", field: "per_page",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if d := arr(b["error"].(map[string]any)["details"]); len(d) != 2 {
					t.Fatalf("details: %v", d)
				}
			}},
		{name: "unknown street", req: get("/api/v1/organizations?street=" + esc("不存在街道")), status: 400, code: "invalid", field: "street"},
		{name: "unknown parameter", req: get("/api/v1/organizations?streets=x"), status: 400, code: "invalid", field: "streets"},
		{name: "bad registration", req: get("/api/v1/organizations?registration=x"), status: 400, code: "invalid", field: "registration"},
		{name: "one organization", req: get("/api/v1/organizations/" + o1.ID), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if b["name"] != o1.Name || b["street"] != "回龙观街道" || b["community"] != "龙锦苑二区社区" ||
					b["category"] != "elderly" || b["founded"] != "2016-05-18" || len(arr(b["domains"])) != 2 {
					t.Fatalf("got %v", b)
				}
				if _, ok := b["contact_phone"]; ok {
					t.Fatalf("contact shown to anonymous: %v", b)
				}
				if !strings.HasSuffix(str(b["created_at"]), "Z") {
					t.Fatalf("created_at not RFC 3339 UTC: %v", b["created_at"])
				}
			}},
		{name: "no such organization", req: get("/api/v1/organizations/nope"), status: 404, code: "not_found"},
		{name: "an id with a NUL character", req: get("/api/v1/organizations/%00"), status: 404, code: "not_found"},
		{name: "a query with a NUL character", req: get("/api/v1/organizations?q=a%00b"), status: 400, code: "invalid", field: "q"},
		{name: "a query too long", req: get("/api/v1/organizations?q=" + strings.Repeat("x", 201)), status: 400, code: "invalid", field: "q"},
		{name: "contact shown to a platform admin", req: getAs("admin", "/api/v1/organizations?key=o01"), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				it := arr(b["items"])[0].(map[string]any)
				if it["contact_phone"] != "13812345678" || it["contact_name"] != "王芳" {
					t.Fatalf("contact: %v", it)
				}
			}},
		{name: "contact shown to a member of the organization", req: getAs("member1", "/api/v1/organizations/"+o1.ID), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if b["contact_phone"] != "13812345678" {
					t.Fatalf("contact: %v", b)
				}
			}},
		{name: "contact hidden from a member of another organization", req: getAs("member1", "/api/v1/organizations/"+o4.ID), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if _, ok := b["contact_phone"]; ok {
					t.Fatalf("contact: %v", b)
				}
			}},
		{name: "streets with counts", req: get("/api/v1/streets"), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				list(2, 2)(t, f, w, b)
				for _, it := range arr(b["items"]) {
					m := it.(map[string]any)
					want := map[string][2]int{"回龙观街道": {2, 3}, "天通苑北街道": {1, 2}}[str(m["name"])]
					if num(m["communities"]) != want[0] || num(m["organizations"]) != want[1] {
						t.Fatalf("counts: %v", m)
					}
				}
			}},
		{name: "communities of a street by name", req: get("/api/v1/communities?street=" + esc("回龙观街道")), status: 200, check: list(2, 2)},
		{name: "communities of a street by id", req: get("/api/v1/communities?street=" + f.st2.ID), status: 200, check: list(1, 1)},
		{name: "all communities", req: get("/api/v1/communities"), status: 200, check: list(3, 3)},
		{name: "communities of an unknown street", req: get("/api/v1/communities?street=x"), status: 400, code: "invalid", field: "street"},

		// Authentication.
		{name: "invalid bearer token", req: getAs("bogus", "/api/v1/organizations"), status: 401, code: "unauthorized",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if w.Header().Get("WWW-Authenticate") == "" {
					t.Fatal("no WWW-Authenticate")
				}
			}},
		{name: "not a bearer token", req: request{method: "GET", path: "/api/v1/organizations",
			header: map[string]string{"Authorization": "Basic YWRtaW46YWRtaW4="}}, status: 401, code: "unauthorized"},
		{name: "me", req: getAs("orgadmin1", "/api/v1/me"), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				roles := arr(b["roles"])
				if b["phone"] != "13800000003" || b["id"] != f.users["orgadmin1"].ID || len(roles) != 1 {
					t.Fatalf("me: %v", b)
				}
				r := roles[0].(map[string]any)
				if r["role"] != "org_admin" || r["scope_id"] != o1.ID || r["scope"] != o1.Name || r["scope_kind"] != "organization" {
					t.Fatalf("role: %v", r)
				}
			}},
		{name: "me anonymous", req: get("/api/v1/me"), status: 401, code: "unauthorized"},
		{name: "a session cookie is not accepted", req: request{method: "GET", path: "/api/v1/me",
			header: map[string]string{"Cookie": "huitian_session=" + f.tokens["admin"]}}, status: 401, code: "unauthorized"},

		// Routing.
		{name: "unknown route", req: get("/api/v1/nope"), status: 404, code: "not_found"},
		{name: "unknown route for an invalid token", req: getAs("bogus", "/api/v1/nope"), status: 404, code: "not_found"},
		{name: "wrong method", req: request{method: "DELETE", path: "/api/v1/organizations/" + o1.ID, as: "admin"},
			status: 405, code: "method_not_allowed",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if allow := w.Header().Get("Allow"); !strings.Contains(allow, "PATCH") || !strings.Contains(allow, "GET") {
					t.Fatalf("Allow %q", allow)
				}
			}},
		{name: "openapi document", req: get("/api/v1/openapi.json"), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if b["openapi"] != "3.1.0" || b["paths"] == nil {
					t.Fatalf("document: %.200s", w.Body)
				}
			}},

		// Creating.
		{name: "create as platform admin",
			req: post("admin", `{"name":"回龙观适老化改造服务队","registration":"registered","credit_code":"`+strings.ToLower(newCode)+`",
				"street":"回龙观街道","community":"龙锦苑二区社区","domains":["适老化","无障碍"],"party_form":"joint",
				"staff":3,"volunteers":25,"founded":"2020-01-02","contact_name":"赵六","contact_phone":"+86 139-1234-5678"}`),
			status: 201,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if b["credit_code"] != newCode || b["street_id"] != f.st1.ID || b["community"] != "龙锦苑二区社区" ||
					b["category"] != "renovation" || b["contact_phone"] != "13912345678" || b["party_form"] != "joint" {
					t.Fatalf("created: %v", b)
				}
				if w.Header().Get("Location") != "/api/v1/organizations/"+str(b["id"]) {
					t.Fatalf("Location %q", w.Header().Get("Location"))
				}
				if _, err := f.s.FindOrganizationByID(context.Background(), str(b["id"])); err != nil {
					t.Fatalf("not stored: %v", err)
				}
			}},
		{name: "create with a bad credit code",
			req:    post("admin", `{"name":"校验位错误的组织","registration":"registered","credit_code":"52110114Y4CL12TH3E","street":"回龙观街道"}`),
			status: 400, code: "invalid", field: "credit_code",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				msg := str(b["error"].(map[string]any)["message"])
				if !hasHan(msg) || !strings.Contains(msg, "校验位") {
					t.Fatalf("message not Chinese: %q", msg)
				}
				notStored(t, f, "校验位错误的组织")
			}},
		{name: "create with a bad credit code in English",
			req: request{method: "POST", path: "/api/v1/organizations", as: "admin",
				header: map[string]string{"Accept-Language": "en-US,en;q=0.9"},
				body:   `{"name":"校验位错误的组织","registration":"registered","credit_code":"52110114Y4CL12TH3E","street":"回龙观街道"}`},
			status: 400, code: "invalid", field: "credit_code",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				msg := str(b["error"].(map[string]any)["message"])
				if msg != "Unified social credit code: the check character is wrong; please check the code" {
					t.Fatalf("message: %q", msg)
				}
			}},
		{name: "create with a duplicate credit code",
			req:    post("admin", `{"name":"重复代码的组织","registration":"registered","credit_code":"52110114Y4CL12TH3D","street":"回龙观街道"}`),
			status: 409, code: "conflict", field: "credit_code",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if msg := str(b["error"].(map[string]any)["message"]); !strings.Contains(msg, o1.Name) {
					t.Fatalf("message does not name the holder: %q", msg)
				}
				notStored(t, f, "重复代码的组织")
			}},
		{name: "create anonymous", req: post("", `{"name":"匿名创建","street":"回龙观街道"}`), status: 401, code: "unauthorized"},
		{name: "create as an org member", req: post("member1", `{"name":"成员创建","street":"回龙观街道"}`), status: 403, code: "forbidden",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				notStored(t, f, "成员创建")
			}},
		{name: "create as street staff in another street", req: post("street2", `{"name":"跨街道创建","street":"回龙观街道"}`),
			status: 403, code: "forbidden",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				notStored(t, f, "跨街道创建")
			}},
		{name: "create as street staff in own street", req: post("street2", `{"name":"天通苑北读书会","street":"天通苑北街道","community":"天通苑北一区社区"}`),
			status: 201,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if b["street_id"] != f.st2.ID || b["registration"] != "filed" || b["party_form"] != "none" {
					t.Fatalf("created: %v", b)
				}
			}},
		{name: "create with an unknown field", req: post("admin", `{"name":"未知字段","street":"回龙观街道","website":"x"}`),
			status: 400, code: "invalid", field: "website"},
		{name: "create with an id", req: post("admin", `{"id":"mine","name":"自带编号","street":"回龙观街道"}`),
			status: 400, code: "invalid", field: "id"},
		{name: "create with a wrong type", req: post("admin", `{"name":"类型错误","street":"回龙观街道","staff":"many"}`),
			status: 400, code: "invalid", field: "staff"},
		{name: "create with a wrong element type", req: post("admin", `{"name":"类型错误","street":"回龙观街道","domains":[1]}`),
			status: 400, code: "invalid", field: "domains"},
		{name: "create with an empty body", req: post("admin", ""), status: 400, code: "invalid"},
		{name: "create with broken JSON", req: post("admin", `{"name":`), status: 400, code: "invalid"},
		{name: "create with an array", req: post("admin", `[]`), status: 400, code: "invalid"},
		{name: "create with two objects", req: post("admin", `{"name":"两个对象","street":"回龙观街道"}{}`), status: 400, code: "invalid",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				notStored(t, f, "两个对象")
			}},
		{name: "create with a NUL character", req: post("admin", `{"name":"空字符\u0000组织","street":"回龙观街道"}`),
			status: 400, code: "invalid", field: "name"},
		{name: "create with an unknown street and a short name", req: post("admin", `{"name":"短","street":"不存在街道"}`),
			status: 400, code: "invalid", field: "street",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				fields := map[string]bool{}
				for _, d := range arr(b["error"].(map[string]any)["details"]) {
					fields[str(d.(map[string]any)["field"])] = true
				}
				if !fields["street"] || !fields["name"] || len(fields) != 2 {
					t.Fatalf("details: %v", b["error"])
				}
			}},
		{name: "create with an unknown community", req: post("admin", `{"name":"社区不存在","street":"回龙观街道","community":"天通苑北一区社区"}`),
			status: 400, code: "invalid", field: "community"},
		{name: "create with a body too large", req: post("admin", `{"name":"太大","street":"回龙观街道","description":"`+strings.Repeat("长", maxBody)+`"}`),
			status: 413, code: "invalid",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				notStored(t, f, "太大")
			}},
		{name: "create with a chunked body too large",
			req: request{method: "POST", path: "/api/v1/organizations", as: "admin", chunked: true,
				body: `{"name":"太大","street":"回龙观街道","description":"` + strings.Repeat("长", maxBody) + `"}`},
			status: 413, code: "invalid"},

		// Updating.
		{name: "patch by the org admin", req: patch("orgadmin1", o1.ID, `{"description":"新的介绍","volunteers":330,"domains":null}`),
			status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if b["description"] != "新的介绍" || num(b["volunteers"]) != 330 || b["name"] != o1.Name ||
					len(arr(b["domains"])) != 2 || b["contact_phone"] != "13812345678" {
					t.Fatalf("patched: %v", b)
				}
			}},
		{name: "patch by the admin of another org", req: patch("orgadmin2", o1.ID, `{"description":"越权修改"}`),
			status: 403, code: "forbidden",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				o, _ := f.s.FindOrganizationByID(context.Background(), o1.ID)
				if o.Description != "新的介绍" {
					t.Fatalf("changed: %q", o.Description)
				}
			}},
		{name: "patch by an org member", req: patch("member1", o1.ID, `{"description":"成员修改"}`), status: 403, code: "forbidden"},
		{name: "patch anonymous", req: patch("", o1.ID, `{"description":"匿名修改"}`), status: 401, code: "unauthorized"},
		{name: "patch a missing organization", req: patch("admin", "nope", `{"description":"x"}`), status: 404, code: "not_found"},
		{name: "patch with a bad date", req: patch("orgadmin2", o2.ID, `{"founded":"2020-13-01"}`), status: 400, code: "invalid", field: "founded"},
		{name: "patch with an unknown field", req: patch("orgadmin2", o2.ID, `{"key":"x"}`), status: 400, code: "invalid", field: "key"},
		{name: "patch community by name", req: patch("orgadmin2", o2.ID, `{"community":"龙锦苑二区社区"}`), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if b["community"] != "龙锦苑二区社区" || b["street"] != "回龙观街道" {
					t.Fatalf("patched: %v", b)
				}
			}},
		{name: "patch clears the community", req: patch("orgadmin2", o2.ID, `{"community":""}`), status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if b["community"] != "" || b["community_id"] != "" {
					t.Fatalf("patched: %v", b)
				}
			}},
		{name: "patch moves street without the right there", req: patch("orgadmin2", o2.ID, `{"street":"天通苑北街道"}`),
			status: 403, code: "forbidden"},
		{name: "patch moves street as admin", req: patch("admin", o2.ID, `{"street":"天通苑北街道","community":"天通苑北一区社区"}`),
			status: 200,
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if b["street_id"] != f.st2.ID || b["community"] != "天通苑北一区社区" {
					t.Fatalf("patched: %v", b)
				}
			}},
		{name: "patch with an unknown street", req: patch("admin", o2.ID, `{"street":"不存在街道"}`), status: 400, code: "invalid", field: "street"},
		{name: "patch several invalid fields", req: patch("admin", o2.ID, `{"staff":-1,"founded":"x"}`), status: 400, code: "invalid", field: "founded",
			check: func(t *testing.T, f *fixture, w *httptest.ResponseRecorder, b map[string]any) {
				if d := arr(b["error"].(map[string]any)["details"]); len(d) != 2 {
					t.Fatalf("details: %v", b["error"])
				}
			}},
	}
}

func TestAPIInternalErrorIsLoggedNotShown(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var logs bytes.Buffer
		f := newFixture(t, s, &logs)
		s.Close() // every query now fails
		w := f.do(t, request{method: "GET", path: "/api/v1/organizations?q=13812345678", as: ""})
		var b struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil || w.Code != 500 || b.Error.Code != "internal" {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
		if strings.Contains(b.Error.Message, "sql") || !hasHan(b.Error.Message) {
			t.Fatalf("message leaks or is not the generic one: %q", b.Error.Message)
		}
		if !strings.Contains(logs.String(), "api: internal error") || strings.Contains(logs.String(), "13812345678") {
			t.Fatalf("log: %s", logs.String())
		}
	})
}

func notStored(t *testing.T, f *fixture, name string) {
	t.Helper()
	_, n, err := f.s.FindOrganizations(context.Background(), registry.Filter{Query: name})
	if err != nil || n != 0 {
		t.Fatalf("%q was written (%d, %v)", name, n, err)
	}
}

func esc(s string) string { return url.QueryEscape(s) }

func str(v any) string { s, _ := v.(string); return s }

func num(v any) int { f, _ := v.(float64); return int(f) }

func arr(v any) []any { a, _ := v.([]any); return a }

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
