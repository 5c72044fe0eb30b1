package web_test

// The access-control attack suite (SECURITY.md, "访问控制与数据泄露"): every
// route of the pages and of the API, taken from the muxes' own source, is
// called by every kind of user against the demo district's objects, and
// must allow exactly the users its row names. A route without a row fails
// the suite, so a new page cannot ship without someone deciding who may
// open it.

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// secCSRF is every suite browser's CSRF token (cookie and form field alike).
const secCSRF = "5ec0000000000000000000000000000000000000000000000000000000000001"

// secActor is one user of the suite: a browser session and an API token.
type secActor struct {
	name, id       string
	session, token string
}

// secFixture is the seeded demo district behind the whole server.
type secFixture struct {
	s      *store.Store
	db     *sql.DB // a second, raw connection for looking up ids and snapshots
	h      http.Handler
	actors map[string]*secActor // "anon" has neither session nor token
	ids    map[string]string    // named objects (see secObjects)
}

// secActorNames are the users every route is tried with. "street" and
// "comm" hold 回龙观街道 and its 龙锦苑二区社区, where the objects live;
// "street2" holds another street; "orgadmin"/"member" belong to the demo
// organization of 回龙观.
var secActorNames = []string{"anon", "resident", "member", "orgadmin", "reviewer", "merchant", "foundation",
	"auditor", "comm", "street", "street2", "admin"}

var secDemoPhones = map[string]string{"admin": "13800000001", "street": "13800000002", "comm": "13800000003",
	"orgadmin": "13800000004", "member": "13800000005", "reviewer": "13800000006", "merchant": "13800000007",
	"foundation": "13800000008", "auditor": "13800000009", "resident": "13800000010"}

// eachSec runs fn on the demo district, once per database.
func eachSec(t *testing.T, fn func(t *testing.T, f *secFixture)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			fn(t, newSecFixture(t, d))
		})
	}
}

func newSecFixture(t *testing.T, d store.Dialect) *secFixture {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, d)
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, s, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	driver, raw := "pgx", dsn
	if d == store.SQLite {
		driver, raw = "sqlite", dsn+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &secFixture{s: s, db: db, actors: map[string]*secActor{"anon": {name: "anon"}}, ids: map[string]string{}}
	f.ids["street"] = f.one(t, `SELECT id FROM streets WHERE name = '回龙观街道'`)
	f.ids["street2"] = f.one(t, `SELECT id FROM streets WHERE name = '天通苑北街道'`)
	ids := map[string]string{}
	for name, phone := range secDemoPhones {
		ids[name] = f.one(t, `SELECT id FROM users WHERE phone = ?`, phone)
	}
	ids["street2"] = f.one(t, `SELECT user_id FROM grants WHERE role = 'street_staff' AND scope_id = ?`, f.ids["street2"])
	cfg := config.Default()
	policy := store.SessionPolicy{Idle: cfg.SessionIdle, Absolute: cfg.SessionAbsolute, Remember: cfg.SessionRemember}
	for name, id := range ids {
		sess, err := s.CreateSession(ctx, id, policy)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.CreateAPIToken(storetest.Admin(), id, store.DefaultTokenIdle)
		if err != nil {
			t.Fatal(err)
		}
		f.actors[name] = &secActor{name: name, id: id, session: sess, token: tok}
	}
	inbox := sms.NewInbox(10)
	f.h, err = cli.Handler(cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil)), inbox, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The demo issues no hours certificate and leaves no points award on
	// notice: make one of each, the way the product does.
	volunteer, err := s.FindUserByID(storetest.Admin(), f.one(t, `SELECT user_id FROM activity_signups WHERE confirmed_minutes > 0 ORDER BY id LIMIT 1`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.IssueCertificate(accounts.WithActor(ctx, volunteer)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AwardConfirmedAttendance(storetest.Admin(), 7*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	f.findObjects(t)
	return f
}

// one returns the single text a query selects, failing the test when none.
func (f *secFixture) one(t *testing.T, q string, args ...any) string {
	t.Helper()
	q = f.rebind(q)
	var v string
	if err := f.db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s %v: %v", q, args, err)
	}
	return v
}

// rebind turns ? placeholders into PostgreSQL's $n when needed.
func (f *secFixture) rebind(q string) string {
	if f.s.Dialect() == store.SQLite {
		return q
	}
	n := 0
	return regexp.MustCompile(`\?`).ReplaceAllStringFunc(q, func(string) string {
		n++
		return "$" + strconv.Itoa(n)
	})
}

// findObjects names the objects the routes are tried on: wherever the data
// allows, in 回龙观街道 (the "street" actor's own street).
func (f *secFixture) findObjects(t *testing.T) {
	st := f.ids["street"]
	var missing []string
	q := func(name, query string, args ...any) {
		var v string
		if err := f.db.QueryRow(f.rebind(query), args...).Scan(&v); err != nil {
			missing = append(missing, name+": "+err.Error())
		}
		f.ids[name] = v
	}
	defer func() {
		if len(missing) > 0 {
			t.Fatalf("the demo data lacks objects the suite needs:\n%s", strings.Join(missing, "\n"))
		}
	}()
	q("org", `SELECT scope_id FROM grants WHERE user_id = ?`, f.actors["orgadmin"].id)
	q("org2", `SELECT id FROM organizations WHERE street_id = ? ORDER BY id LIMIT 1`, f.ids["street2"])
	q("community", `SELECT scope_id FROM grants WHERE user_id = ?`, f.actors["comm"].id)
	q("need", `SELECT id FROM needs WHERE street_id = ? AND status = 'published' ORDER BY id LIMIT 1`, st)
	q("needDraft", `SELECT id FROM needs WHERE street_id = ? AND status = 'draft' ORDER BY id LIMIT 1`, st)
	q("needEval", `SELECT id FROM needs WHERE street_id = ? AND status = 'evaluating' ORDER BY id LIMIT 1`, st)
	q("needAwarded", `SELECT id FROM needs WHERE street_id = ? AND status = 'awarded' ORDER BY id LIMIT 1`, st)
	q("needProgress", `SELECT n.id FROM needs n WHERE n.street_id = ? AND n.status = 'in_progress' AND EXISTS (SELECT 1 FROM milestones m WHERE m.need_id = n.id) ORDER BY n.id LIMIT 1`, st)
	q("milestone", `SELECT id FROM milestones WHERE need_id = ? ORDER BY position LIMIT 1`, f.ids["needProgress"])
	q("proposal", `SELECT id FROM proposals WHERE need_id = ? ORDER BY id LIMIT 1`, f.ids["need"])
	q("question", `SELECT id FROM questions WHERE need_id IN (SELECT id FROM needs WHERE street_id = ?) ORDER BY id LIMIT 1`, st)
	q("objection", `SELECT id FROM objections WHERE need_id IN (SELECT id FROM needs WHERE street_id = ?) ORDER BY id LIMIT 1`, st)
	q("document", `SELECT id FROM documents WHERE need_id = ? ORDER BY id LIMIT 1`, f.ids["needProgress"])
	q("solution", `SELECT id FROM solutions WHERE status = 'published' ORDER BY id LIMIT 1`)
	q("activity", `SELECT id FROM activities WHERE street_id = ? AND status = 'published' ORDER BY id LIMIT 1`, st)
	q("signup", `SELECT id FROM activity_signups WHERE activity_id = ? ORDER BY id LIMIT 1`, f.ids["activity"])
	q("hoursToken", `SELECT token FROM volunteer_certificates ORDER BY token LIMIT 1`)
	q("merchant", `SELECT scope_id FROM grants WHERE user_id = ?`, f.actors["merchant"].id)
	q("good", `SELECT id FROM points_goods WHERE merchant_id = ? ORDER BY id LIMIT 1`, f.ids["merchant"])
	q("settlement", `SELECT id FROM points_settlements WHERE merchant_id = ? ORDER BY id LIMIT 1`, f.ids["merchant"])
	q("award", `SELECT id FROM points_awards ORDER BY street_id = ? DESC, id LIMIT 1`, st)
	q("redemption", `SELECT id FROM points_redemptions WHERE merchant_id = ? ORDER BY id LIMIT 1`, f.ids["merchant"])
	q("pointsCode", `SELECT code_id FROM points_redemptions WHERE merchant_id = ? ORDER BY id LIMIT 1`, f.ids["merchant"])
	q("rule", `SELECT id FROM points_rules ORDER BY id LIMIT 1`)
	q("space", `SELECT s.id FROM spaces s JOIN incubation_bases b ON b.id = s.base_id WHERE b.street_id = ? ORDER BY s.id LIMIT 1`, st)
	q("booking", `SELECT id FROM bookings WHERE space_id = ? ORDER BY id LIMIT 1`, f.ids["space"])
	q("incubation", `SELECT id FROM incubations ORDER BY id LIMIT 1`)
	q("session", `SELECT id FROM course_sessions ORDER BY id LIMIT 1`)
	q("enrollment", `SELECT id FROM enrollments ORDER BY id LIMIT 1`)
	q("certificate", `SELECT id FROM certificates ORDER BY id LIMIT 1`)
	q("meeting", `SELECT id FROM meetings WHERE street_id = ? ORDER BY id LIMIT 1`, st)
	q("action", `SELECT id FROM meeting_actions WHERE meeting_id = ? ORDER BY id LIMIT 1`, f.ids["meeting"])
	q("pairing", `SELECT id FROM party_pairings ORDER BY id LIMIT 1`)
	// The demo's instructors are in the other street (street2's).
	q("instructor", `SELECT i.id FROM party_instructors i JOIN organizations o ON o.id = i.org_id
		WHERE o.street_id = ? ORDER BY i.id LIMIT 1`, f.ids["street2"])
	q("instructorOrg", `SELECT org_id FROM party_instructors WHERE id = ?`, f.ids["instructor"])
	q("fund", `SELECT id FROM grant_funds ORDER BY id LIMIT 1`)
	q("receipt", `SELECT receipt_token FROM grant_donations ORDER BY id LIMIT 1`)
	q("round", `SELECT id FROM grant_rounds ORDER BY id LIMIT 1`)
	q("application", `SELECT id FROM grant_applications ORDER BY id LIMIT 1`)
	q("tranche", `SELECT id FROM grant_tranches ORDER BY id LIMIT 1`)
	q("agreement", `SELECT id FROM grant_agreements ORDER BY id LIMIT 1`)
	q("expense", `SELECT id FROM grant_expenses ORDER BY id LIMIT 1`)
	// A receipt showing a person: the organization's and the approvers' only.
	q("grantFile", `SELECT id FROM grant_files WHERE personal = ? ORDER BY id LIMIT 1`, true)
	q("suggestion", `SELECT id FROM suggestions WHERE community_id = ? ORDER BY photo IS NULL, id LIMIT 1`, f.ids["community"])
	// The user the admin pages act on is a resident nobody here signs in as
	// (a password reset ends that user's sessions).
	q("user", `SELECT u.id FROM users u JOIN grants g ON g.user_id = u.id WHERE g.role = 'resident' AND u.phone <> '13800000010' ORDER BY u.id LIMIT 1`)
	q("grant", `SELECT id FROM grants WHERE user_id = ?`, f.ids["user"])
	f.ids["ocid"] = ocds.DefaultConfig().OCID(f.ids["need"])
	q("flagSignup", `SELECT id FROM activity_signups ORDER BY id LIMIT 1`)
}

// secRoute is one route as its mux registers it.
type secRoute struct{ method, path string }

func (r secRoute) String() string { return r.method + " " + r.path }

// webRoutes reads the page routes from web.go: every handle(pattern, …)
// and mux.Handle(pattern, …) call in New.
func webRoutes(t *testing.T) []secRoute {
	return routesFromSource(t, "web.go", func(call *ast.CallExpr) string {
		name := ""
		switch fn := call.Fun.(type) {
		case *ast.Ident:
			name = fn.Name
		case *ast.SelectorExpr:
			name = fn.Sel.Name
		}
		if name != "handle" && name != "Handle" || len(call.Args) != 2 {
			return ""
		}
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			return s
		}
		return ""
	})
}

// apiRoutes reads the API's route table from api.go: every
// {http.MethodX, Prefix + "/…", handler} element.
func apiRoutes(t *testing.T) []secRoute {
	var out []secRoute
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "../api/api.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(file, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok || len(lit.Elts) != 3 {
			return true
		}
		sel, ok := lit.Elts[0].(*ast.SelectorExpr)
		if !ok || !strings.HasPrefix(sel.Sel.Name, "Method") {
			return true
		}
		bin, ok := lit.Elts[1].(*ast.BinaryExpr)
		if !ok {
			return true
		}
		p, ok := bin.Y.(*ast.BasicLit)
		if !ok {
			return true
		}
		s, _ := strconv.Unquote(p.Value)
		out = append(out, secRoute{strings.ToUpper(strings.TrimPrefix(sel.Sel.Name, "Method")), "/api/v1" + s})
		return true
	})
	if len(out) < 50 {
		t.Fatalf("only %d API routes read from api.go: the reader no longer understands the table", len(out))
	}
	return out
}

func routesFromSource(t *testing.T, path string, pattern func(*ast.CallExpr) string) []secRoute {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []secRoute
	ast.Inspect(file, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if p := pattern(call); p != "" {
				method, p, ok := strings.Cut(p, " ")
				if !ok {
					p, method = method, "ANY"
				}
				out = append(out, secRoute{method, p})
			}
		}
		return true
	})
	if len(out) < 50 {
		t.Fatalf("only %d routes read from %s: the reader no longer understands it", len(out), path)
	}
	return out
}

// secParamKinds says which named object a path parameter stands for, by
// the segment before it.
var secParamKinds = map[string]string{
	"organizations/id": "org", "needs/id": "need", "proposals/pid": "proposal", "questions/qid": "question",
	"attachments/did": "document", "objections/oid": "objection", "milestones/mid": "milestone",
	"solutions/id": "solution", "documents/id": "document", "streets/id": "street", "communities/id": "community",
	"users/id": "user", "grants/gid": "grant", "activities/id": "activity", "attendance/sid": "signup",
	"certificates/token": "hoursToken", "merchant/id": "merchant", "goods/gid": "good", "settlements/sid": "settlement",
	"awards/id": "award", "redemptions/id": "redemption", "rules/id": "rule", "spaces/id": "space",
	"bookings/id": "booking", "incubations/id": "incubation", "sessions/id": "session", "enrollments/id": "enrollment",
	"certificates/id": "certificate", "meetings/id": "meeting", "actions/id": "action", "pairings/pid": "pairing",
	"instructors/iid": "instructor", "funds/id": "fund", "receipts/token": "receipt", "rounds/id": "round",
	"applications/id": "application", "tranches/id": "tranche", "agreements/id": "agreement", "expenses/id": "expense",
	"files/id": "grantFile", "suggestions/id": "suggestion", "inbox/id": "suggestion", "merchants/id": "merchant",
	"questions/id": "question", "objections/id": "objection", "proposals/id": "proposal", "passkeys/id": "user",
	"attendance/step": "=present", "actions/action": "=bogus", "tranches/action": "=bogus", "expenses/decision": "=bogus",
	"inbox/action": "=bogus", "charts/name": "=org_registration.svg", "icons/name": "=icon-192.png", "ocds/releases/ocid": "ocid",
	"records/ocid": "ocid", "releases/ocid": "ocid", "extension/file": "=extension.json", "codelists/file": "=partyForm.csv",
	"sid/step": "=present", "notice/id": "award", "codes/id": "pointsCode", "id/action": "=bogus", "id/decision": "=bogus",
}

// secOverrides picks, for some routes, an object in the state the route
// needs (a contract exists only once a need is awarded …) and a query.
var secOverrides = map[string]map[string]string{
	"GET /needs/{id}/scores":                          {"id": "needEval"},
	"GET /needs/{id}/contract":                        {"id": "needAwarded"},
	"GET /api/v1/needs/{id}/award":                    {"id": "needAwarded"},
	"GET /api/v1/needs/{id}/contract":                 {"id": "needAwarded"},
	"GET /api/v1/needs/{id}/ranking":                  {"id": "needEval"},
	"GET /admin/organizations/export":                 {"?": "format=csv"},
	"GET /api/v1/match/organizations":                 {"?": "q=" + url.QueryEscape("养老")},
	"GET /api/v1/match/projects":                      {"?": "q=" + url.QueryEscape("养老")},
	"POST /needs/{id}/edit":                           {"id": "needDraft"},
	"PATCH /api/v1/needs/{id}":                        {"id": "needDraft"},
	"POST /needs/{id}/milestones/{mid}/report":        {"id": "needProgress"},
	"POST /needs/{id}/milestones/{mid}/accept":        {"id": "needProgress"},
	"POST /needs/{id}/milestones/{mid}/return":        {"id": "needProgress"},
	"POST /api/v1/needs/{id}/milestones/{mid}/report": {"id": "needProgress"},
	"POST /api/v1/needs/{id}/milestones/{mid}/accept": {"id": "needProgress"},
	"POST /api/v1/needs/{id}/milestones/{mid}/return": {"id": "needProgress"},
	"POST /needs/{id}/attachments/{did}/delete":       {"id": "needProgress"},
	"DELETE /api/v1/needs/{id}/attachments/{did}":     {"id": "needProgress"},
	// An instructor is reached under their own organization.
	"POST /organizations/{id}/party/instructors/{iid}/visits": {"id": "instructorOrg"},
	"POST /organizations/{id}/party/instructors/{iid}/end":    {"id": "instructorOrg"},
}

// secPath fills a route's path parameters with the named objects.
func (f *secFixture) secPath(t *testing.T, rt secRoute) string {
	t.Helper()
	over := map[string]string{}
	for k, v := range secOverrides[rt.String()] {
		if k != "?" {
			v = f.ids[v]
		}
		over[k] = v
	}
	orig := strings.Split(strings.TrimPrefix(rt.path, "/"), "/")
	segs := slices.Clone(orig)
	for i, s := range orig {
		if !strings.HasPrefix(s, "{") {
			continue
		}
		name := strings.Trim(s, "{}$")
		if name == "" {
			segs[i] = ""
			continue
		}
		if v, ok := over[name]; ok {
			segs[i] = v
			continue
		}
		prev := ""
		if i > 0 {
			prev = strings.Trim(orig[i-1], "{}")
		}
		kind, ok := secParamKinds[prev+"/"+name]
		if !ok {
			t.Fatalf("%s: no object for {%s} after %q: add it to secParamKinds", rt, name, prev)
		}
		if strings.HasPrefix(kind, "=") {
			segs[i] = kind[1:]
			continue
		}
		v, ok := f.ids[kind]
		if !ok {
			t.Fatalf("%s: no object %q", rt, kind)
		}
		segs[i] = url.PathEscape(v)
	}
	path := "/" + strings.Join(segs, "/")
	if q := over["?"]; q != "" {
		path += "?" + q
	}
	return path
}

// secDo sends one request as actor: a browser session with its CSRF token
// for the pages, a bearer token for the API.
func (f *secFixture) secDo(method, path, actor, body, contentType string) *httptest.ResponseRecorder {
	a := f.actors[actor]
	var rd io.Reader
	if body != "" || method != http.MethodGet {
		if contentType == "" && !strings.HasPrefix(path, "/api/") {
			v, _ := url.ParseQuery(body)
			v.Set("csrf_token", secCSRF)
			body = v.Encode()
			contentType = "application/x-www-form-urlencoded"
		}
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	r.Header.Set("Accept-Language", "zh-CN")
	if strings.HasPrefix(path, "/api/") {
		if a.token != "" {
			r.Header.Set("Authorization", "Bearer "+a.token)
		}
	} else {
		r.AddCookie(&http.Cookie{Name: "huitian_csrf", Value: secCSRF})
		if a.session != "" {
			r.AddCookie(&http.Cookie{Name: "huitian_session", Value: a.session})
		}
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	return w
}

// denied says whether a response refused the caller: a sign-in redirect,
// 401, 403 or 404.
func denied(w *httptest.ResponseRecorder) bool {
	switch w.Code {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		return true
	case http.StatusSeeOther, http.StatusFound:
		return strings.HasPrefix(w.Header().Get("Location"), "/login")
	}
	return false
}

// secAccess is the route table: for every route, who may use it on the
// demo objects (secObjects). "all" is everyone signed in or not, "signed"
// everyone signed in, "machine" everyone signed in reaches the object's
// own transition table, which decides who may take the step (those tables
// are tested exhaustively in their domain packages), "none" nobody (a
// route for a setup the demo does not have); otherwise the actors by name. For a GET the
// listed actors must get the page and every other actor a refusal (sign-in
// redirect, 401, 403 or 404). For a change the unlisted actors must be
// refused with 401/403/404 with no
// change at all in the database, and the listed actors must get past the
// access check (not 401/403/404) with an empty form.
var secAccess = map[string]string{
	"POST /logout":                                             "all",
	"POST /me/delete":                                          "signed",
	"DELETE /api/v1/me":                                        "signed",
	"GET /static/":                                             "all",
	"GET /{$}":                                                 "all",
	"GET /organizations":                                       "all",
	"GET /organizations/new":                                   "street street2 admin",
	"GET /organizations/{id}":                                  "all",
	"GET /organizations/{id}/edit":                             "orgadmin street admin",
	"GET /needs":                                               "all",
	"GET /needs/new":                                           "comm street street2 admin",
	"GET /needs/{id}":                                          "all",
	"GET /needs/{id}/edit":                                     "street",
	"GET /needs/{id}/scores":                                   "reviewer",
	"GET /needs/{id}/contract":                                 "street",
	"GET /needs/suggest":                                       "signed",
	"GET /solutions":                                           "all",
	"GET /solutions/new":                                       "orgadmin admin",
	"GET /solutions/{id}":                                      "all",
	"GET /solutions/{id}/edit":                                 "orgadmin admin",
	"GET /documents/{id}":                                      "all",
	"GET /login":                                               "all",
	"GET /me":                                                  "signed",
	"GET /me/needs":                                            "signed",
	"GET /me/proposals":                                        "signed",
	"GET /me/notifications":                                    "signed",
	"GET /admin":                                               "auditor comm street street2 admin",
	"GET /admin/streets":                                       "admin",
	"GET /admin/streets/{id}":                                  "street admin",
	"GET /admin/communities/{id}":                              "comm street admin",
	"GET /admin/users":                                         "admin",
	"GET /admin/users/{id}":                                    "admin",
	"GET /admin/audit":                                         "auditor admin",
	"GET /admin/merchants":                                     "street street2 admin",
	"GET /admin/solutions":                                     "admin",
	"GET /dashboard":                                           "auditor street street2 admin",
	"GET /dashboard.xlsx":                                      "auditor street street2 admin",
	"GET /dashboard/charts/{name}":                             "auditor street street2 admin",
	"GET /admin/organizations/import":                          "admin",
	"GET /admin/organizations/export":                          "auditor admin",
	"GET /admin/thesaurus":                                     "admin",
	"GET /activities":                                          "all",
	"GET /activities/new":                                      "member orgadmin",
	"GET /activities/{id}":                                     "all",
	"GET /activities/{id}/edit":                                "member orgadmin admin",
	"GET /activities/{id}/code":                                "member orgadmin admin",
	"GET /activities/{id}/code.png":                            "member orgadmin admin",
	"GET /activities/{id}/checkin":                             "signed",
	"GET /activities/{id}/attendance":                          "member orgadmin comm street admin",
	"GET /activities/{id}/attendance/export":                   "member orgadmin auditor comm street admin",
	"GET /me/hours":                                            "signed",
	"GET /certificates/{token}":                                "all",
	"GET /admin/activity-flags":                                "street street2 admin",
	"GET /me/points":                                           "signed",
	"GET /me/points/codes/{id}":                                "signed",
	"GET /merchant":                                            "merchant",
	"GET /merchant/redeem":                                     "signed",
	"GET /merchant/{id}":                                       "merchant auditor street admin",
	"GET /merchant/{id}/redeem":                                "merchant auditor street admin",
	"GET /merchant/{id}/settlements":                           "merchant auditor street admin",
	"GET /merchant/{id}/settlements/{sid}/statement":           "merchant auditor street admin",
	"GET /admin/points":                                        "auditor street street2 admin",
	"GET /admin/points/grant":                                  "street street2 admin",
	"GET /admin/points/rules":                                  "admin",
	"GET /points/notice":                                       "all",
	"GET /incubation":                                          "all",
	"GET /incubation/manage":                                   "street street2 admin",
	"GET /incubation/spaces/{id}":                              "all",
	"GET /incubation/incubations/{id}":                         "admin",
	"GET /academy":                                             "all",
	"GET /academy/sessions/{id}":                               "all",
	"GET /academy/sessions/{id}/code":                          "admin",
	"GET /academy/sessions/{id}/code.png":                      "admin",
	"GET /academy/certificates/{id}":                           "all",
	"GET /meetings":                                            "all",
	"GET /meetings/new":                                        "street street2 admin",
	"GET /meetings/{id}":                                       "auditor street admin",
	"GET /actions/{id}":                                        "auditor comm street admin",
	"GET /grants":                                              "all",
	"GET /grants/funds/{id}":                                   "all",
	"GET /grants/funds/{id}/ledger.csv":                        "all",
	"GET /grants/funds/{id}/ledger.xlsx":                       "all",
	"GET /grants/receipts/{token}":                             "all",
	"GET /grants/rounds/{id}":                                  "all",
	"GET /grants/rounds/{id}/ledger.csv":                       "all",
	"GET /grants/rounds/{id}/ledger.xlsx":                      "all",
	"GET /grants/applications/{id}":                            "all",
	"GET /grants/files/{id}":                                   "foundation admin",
	"GET /portal":                                              "all",
	"GET /portal/suggestions/new":                              "signed",
	"GET /portal/suggestions/{id}":                             "all",
	"GET /portal/suggestions/{id}/photo":                       "none",
	"GET /community/inbox":                                     "comm street street2 admin",
	"GET /community/assist":                                    "comm admin",
	"GET /me/privacy":                                          "signed",
	"GET /me/export":                                           "signed",
	"GET /manifest.webmanifest":                                "all",
	"GET /icons/{name}":                                        "all",
	"GET /sw.js":                                               "all",
	"GET /offline":                                             "all",
	"GET /dev/inbox":                                           "none",
	"GET /api/v1/organizations":                                "all",
	"GET /api/v1/organizations/{id}":                           "all",
	"GET /api/v1/streets":                                      "all",
	"GET /api/v1/communities":                                  "all",
	"GET /api/v1/me":                                           "signed",
	"GET /api/v1/openapi.json":                                 "all",
	"GET /api/v1/match/organizations":                          "all",
	"GET /api/v1/match/projects":                               "all",
	"GET /api/v1/needs/{id}/matches":                           "auditor street admin",
	"GET /api/v1/needs":                                        "all",
	"GET /api/v1/needs/{id}":                                   "all",
	"GET /api/v1/needs/{id}/questions":                         "all",
	"GET /api/v1/needs/{id}/attachments":                       "all",
	"GET /api/v1/needs/{id}/proposals":                         "all",
	"GET /api/v1/proposals/{id}":                               "member orgadmin",
	"GET /api/v1/needs/{id}/ranking":                           "reviewer street admin",
	"GET /api/v1/needs/{id}/award":                             "all",
	"GET /api/v1/needs/{id}/objections":                        "all",
	"GET /api/v1/needs/{id}/contract":                          "none",
	"GET /api/v1/needs/{id}/ratings":                           "all",
	"GET /api/v1/documents/{id}":                               "all",
	"GET /api/v1/solutions":                                    "all",
	"GET /api/v1/solutions/stats":                              "all",
	"GET /api/v1/solutions/duplicates":                         "admin",
	"GET /api/v1/solutions/clusters":                           "admin",
	"GET /api/v1/solutions/{id}":                               "all",
	"GET /api/v1/meetings":                                     "all",
	"GET /api/v1/stats/overview":                               "auditor street street2 admin",
	"GET /audit/heads":                                         "all", // the audit chain's daily heads are public
	"GET /api/v1/audit/heads":                                  "all",
	"GET /api/v1/ocds/releases":                                "all",
	"GET /api/v1/ocds/releases/{ocid}":                         "all",
	"GET /api/v1/ocds/records/{ocid}":                          "all",
	"GET /api/v1/ocds/extension/{file}":                        "all",
	"GET /api/v1/ocds/extension/codelists/{file}":              "all",
	"GET /api/v1/activities":                                   "all",
	"GET /api/v1/me/points":                                    "signed",
	"GET /api/v1/merchants/{id}/settlements":                   "merchant auditor street admin",
	"GET /api/v1/merchants/{id}/redemptions":                   "merchant auditor street admin",
	"GET /api/v1/spaces":                                       "all",
	"GET /api/v1/courses":                                      "all",
	"GET /api/v1/certificates/{id}":                            "all",
	"GET /api/v1/funds":                                        "all",
	"GET /api/v1/funds/{id}":                                   "all",
	"GET /api/v1/rounds":                                       "all",
	"GET /api/v1/agreements/{id}":                              "all",
	"GET /api/v1/me/export":                                    "signed",
	"POST /organizations":                                      "admin",
	"POST /organizations/{id}":                                 "admin",
	"POST /organizations/{id}/credit":                          "admin",
	"POST /needs":                                              "comm street street2 admin",
	"POST /needs/{id}/edit":                                    "auditor comm street admin",
	"POST /needs/{id}/actions/{action}":                        "none",
	"POST /needs/{id}/questions":                               "member orgadmin",
	"POST /needs/{id}/questions/{qid}/answer":                  "street",
	"POST /needs/{id}/attachments":                             "street",
	"POST /needs/{id}/attachments/{did}/delete":                "none",
	"POST /needs/{id}/proposals":                               "member orgadmin",
	"POST /needs/{id}/proposals/{pid}/withdraw":                "member orgadmin",
	"POST /needs/{id}/proposals/{pid}/reconfirm":               "member orgadmin",
	"POST /needs/{id}/panel":                                   "street",
	"POST /needs/{id}/declaration":                             "none",
	"POST /needs/{id}/scores":                                  "street admin",
	"POST /needs/{id}/award":                                   "street",
	"POST /needs/{id}/retender":                                "street",
	"POST /needs/{id}/objections":                              "signed",
	"POST /needs/{id}/objections/{oid}/answer":                 "street",
	"POST /needs/{id}/contract":                                "street",
	"POST /needs/{id}/milestones/{mid}/report":                 "orgadmin",
	"POST /needs/{id}/milestones/{mid}/accept":                 "comm",
	"POST /needs/{id}/milestones/{mid}/return":                 "comm",
	"POST /needs/{id}/delivery":                                "none",
	"POST /needs/{id}/acceptance":                              "none",
	"POST /needs/{id}/rejection":                               "none",
	"POST /needs/{id}/ratings":                                 "signed",
	"POST /needs/{id}/invitations":                             "street",
	"POST /needs/{id}/category":                                "street admin",
	"POST /needs/{id}/adoption":                                "street",
	"POST /solutions":                                          "orgadmin admin",
	"POST /solutions/{id}/edit":                                "orgadmin admin",
	"POST /solutions/{id}/submit":                              "orgadmin admin",
	"POST /solutions/{id}/publish":                             "admin",
	"POST /solutions/{id}/return":                              "admin",
	"POST /solutions/{id}/revise":                              "orgadmin admin",
	"POST /solutions/{id}/archive":                             "admin",
	"POST /solutions/{id}/adopt":                               "comm street street2",
	"POST /login/password":                                     "all",
	"POST /login/code/send":                                    "all",
	"POST /login/code/verify":                                  "all",
	"POST /lang":                                               "all",
	"POST /me/password":                                        "signed",
	"POST /me/notifications/read":                              "signed",
	"POST /admin/streets":                                      "admin",
	"POST /admin/streets/{id}":                                 "street admin",
	"POST /admin/streets/{id}/communities":                     "street admin",
	"POST /admin/communities/{id}":                             "comm street admin",
	"POST /admin/communities/{id}/complexes":                   "comm street admin",
	"POST /admin/users":                                        "admin",
	"POST /admin/users/{id}/grants":                            "admin",
	"POST /admin/users/{id}/grants/{gid}/delete":               "admin",
	"POST /admin/users/{id}/password":                          "admin",
	"POST /admin/users/{id}/disable":                           "admin",
	"POST /admin/users/{id}/enable":                            "admin",
	"POST /admin/solutions/merge":                              "admin",
	"POST /admin/merchants":                                    "admin",
	"POST /admin/organizations/import":                         "admin",
	"POST /admin/thesaurus":                                    "admin",
	"POST /admin/thesaurus/try":                                "admin",
	"POST /admin/thesaurus/default":                            "admin",
	"POST /activities":                                         "none",
	"POST /activities/{id}/edit":                               "member orgadmin admin",
	"POST /activities/{id}/actions/{action}":                   "member orgadmin admin",
	"POST /activities/{id}/signup":                             "resident",
	"POST /activities/{id}/signup/cancel":                      "resident",
	"POST /activities/{id}/checkin":                            "signed",
	"POST /activities/{id}/attendance/{sid}/{step}":            "member orgadmin comm street admin",
	"POST /activities/{id}/attendance/confirm":                 "member orgadmin comm street admin",
	"POST /activities/{id}/attendance/correct":                 "member orgadmin comm street admin",
	"POST /me/hours/certificates":                              "signed",
	"POST /admin/activity-flags/dismiss":                       "street street2 admin",
	"POST /me/points/codes":                                    "resident",
	"POST /merchant/{id}/goods":                                "merchant auditor street admin",
	"POST /merchant/{id}/goods/{gid}":                          "merchant street admin",
	"POST /merchant/{id}/hours":                                "merchant auditor street admin",
	"POST /merchant/{id}/redeem":                               "merchant auditor street admin",
	"POST /merchant/{id}/settlements":                          "street admin",
	"POST /merchant/{id}/settlements/{sid}/approve":            "street admin",
	"POST /admin/points/issue":                                 "street street2 admin",
	"POST /admin/points/grant":                                 "street street2 admin",
	"POST /admin/points/awards/{id}/decision":                  "street admin",
	"POST /admin/points/redemptions/{id}/dismiss-flag":         "auditor street street2 admin",
	"POST /admin/points/rules":                                 "admin",
	"POST /admin/points/rules/{id}":                            "admin",
	"POST /points/notice/{id}/objection":                       "signed",
	"POST /incubation/applications":                            "orgadmin admin",
	"POST /incubation/spaces":                                  "street street2 admin",
	"POST /incubation/spaces/{id}/bookings":                    "signed",
	"POST /incubation/spaces/{id}/assign":                      "street admin",
	"POST /incubation/spaces/{id}/edit":                        "street admin",
	"POST /incubation/bases":                                   "admin",
	"POST /incubation/bookings/{id}/cancel":                    "street street2 admin",
	"POST /incubation/incubations/{id}/admit":                  "admin",
	"POST /incubation/incubations/{id}/actions/{action}":       "none",
	"POST /incubation/incubations/{id}/services":               "admin",
	"POST /academy/courses":                                    "admin",
	"POST /academy/sessions":                                   "street street2 admin",
	"POST /academy/sessions/{id}/checkin":                      "signed",
	"POST /academy/sessions/{id}/enrollments":                  "member orgadmin admin",
	"POST /academy/enrollments/{id}/cancel":                    "admin",
	"POST /academy/enrollments/{id}/attendance":                "admin",
	"POST /meetings":                                           "street street2 admin",
	"POST /meetings/{id}":                                      "street admin",
	"POST /meetings/{id}/edit":                                 "street admin",
	"POST /meetings/{id}/resolutions":                          "auditor street admin",
	"POST /meetings/{id}/actions":                              "auditor street admin",
	"POST /actions/{id}":                                       "comm street admin",
	"POST /organizations/{id}/party/forms":                     "street admin",
	"POST /organizations/{id}/party/pairings":                  "street admin",
	"POST /organizations/{id}/party/pairings/{pid}/activities": "street admin",
	"POST /organizations/{id}/party/instructors":               "street admin",
	"POST /organizations/{id}/party/instructors/{iid}/visits":  "street2 admin",
	"POST /organizations/{id}/party/instructors/{iid}/end":     "street2 admin",
	"POST /grants/funds":                                       "foundation admin",
	"POST /grants/funds/{id}/donations":                        "foundation admin",
	"POST /grants/rounds":                                      "foundation street street2 admin",
	"POST /grants/rounds/{id}/applications":                    "none",
	"POST /grants/rounds/{id}/close":                           "foundation admin",
	"POST /grants/rounds/{id}/topics":                          "comm street street2 admin foundation",
	"POST /grants/applications/{id}/actions/{action}":          "machine",
	"POST /grants/applications/{id}/reviews":                   "reviewer foundation admin",
	"POST /grants/applications/{id}/award":                     "foundation admin",
	"POST /grants/tranches/{id}/{action}":                      "none",
	"POST /grants/agreements/{id}/expenses":                    "none",
	"POST /grants/agreements/{id}/terminate":                   "none",
	"POST /grants/expenses/{id}/{decision}":                    "none",
	"POST /portal/home":                                        "signed",
	"POST /portal/elderly":                                     "all",
	"POST /portal/activities/{id}/signup":                      "resident",
	"POST /portal/suggestions":                                 "signed",
	"POST /portal/suggestions/{id}/support":                    "none",
	"POST /community/inbox/{id}/{action}":                      "comm street admin",
	"POST /community/notices":                                  "comm street street2 admin",
	"POST /community/assist/signup":                            "comm admin",
	"POST /community/assist/suggestion":                        "comm admin",
	"POST /me/privacy/name":                                    "signed",
	"POST /me/privacy/consent":                                 "signed",
	"POST /me/passkeys/begin":                                  "signed",
	"POST /me/passkeys/finish":                                 "signed",
	"POST /me/passkeys/{id}/delete":                            "none",
	"POST /login/passkey/begin":                                "all",
	"POST /login/passkey/finish":                               "all",
	"ANY /":                                                    "none",
	"POST /api/v1/organizations":                               "admin",
	"PATCH /api/v1/organizations/{id}":                         "orgadmin street admin",
	"PUT /api/v1/organizations/{id}/credit":                    "admin",
	"PUT /api/v1/needs/{id}/category":                          "street admin",
	"POST /api/v1/needs":                                       "comm street street2 admin",
	"PATCH /api/v1/needs/{id}":                                 "comm street",
	"POST /api/v1/needs/{id}/submit":                           "none",
	"POST /api/v1/needs/{id}/return":                           "street",
	"POST /api/v1/needs/{id}/publish":                          "street",
	"POST /api/v1/needs/{id}/cancel":                           "street",
	"POST /api/v1/needs/{id}/fail":                             "street",
	"POST /api/v1/needs/{id}/close":                            "street",
	"POST /api/v1/needs/{id}/questions":                        "member orgadmin",
	"POST /api/v1/questions/{id}/answer":                       "street",
	"POST /api/v1/needs/{id}/attachments":                      "street",
	"DELETE /api/v1/needs/{id}/attachments/{did}":              "none",
	"POST /api/v1/needs/{id}/proposals":                        "member orgadmin",
	"POST /api/v1/proposals/{id}/withdraw":                     "member orgadmin",
	"POST /api/v1/proposals/{id}/reconfirm":                    "member orgadmin",
	"POST /api/v1/needs/{id}/panel":                            "street",
	"POST /api/v1/needs/{id}/interest":                         "none",
	"POST /api/v1/needs/{id}/scores":                           "machine",
	"POST /api/v1/needs/{id}/award":                            "street",
	"POST /api/v1/needs/{id}/objections":                       "signed",
	"POST /api/v1/objections/{id}/answer":                      "street",
	"POST /api/v1/needs/{id}/contract":                         "street",
	"POST /api/v1/needs/{id}/milestones/{mid}/report":          "orgadmin",
	"POST /api/v1/needs/{id}/milestones/{mid}/accept":          "comm",
	"POST /api/v1/needs/{id}/milestones/{mid}/return":          "comm",
	"POST /api/v1/needs/{id}/deliver":                          "none",
	"POST /api/v1/needs/{id}/accept":                           "none",
	"POST /api/v1/needs/{id}/reject":                           "none",
	"POST /api/v1/needs/{id}/ratings":                          "signed",
	"POST /api/v1/solutions":                                   "orgadmin admin",
	"POST /api/v1/solutions/{id}/submit":                       "orgadmin admin",
	"POST /api/v1/solutions/{id}/publish":                      "admin",
	"POST /api/v1/solutions/{id}/adopt":                        "comm street street2 admin",
	"POST /api/v1/solutions/{id}/return":                       "admin",
	"POST /api/v1/solutions/{id}/revise":                       "orgadmin admin",
	"POST /api/v1/solutions/{id}/archive":                      "admin",
	"POST /api/v1/solutions/{id}/merge":                        "admin",
	"POST /api/v1/meetings/{id}/actions":                       "street admin",
	"PATCH /api/v1/actions/{id}":                               "comm street admin",
	"POST /api/v1/activities":                                  "admin",
	"POST /api/v1/activities/{id}/signups":                     "resident",
	"POST /api/v1/activities/{id}/checkins":                    "signed",
	"POST /api/v1/redemption-codes":                            "resident",
	"POST /api/v1/redemptions":                                 "merchant",
	"POST /api/v1/spaces/{id}/bookings":                        "signed",
	"DELETE /api/v1/bookings/{id}":                             "machine",
	"POST /api/v1/sessions/{id}/enrollments":                   "member orgadmin admin",
	"POST /api/v1/funds/{id}/donations":                        "foundation admin",
	"POST /api/v1/rounds/{id}/applications":                    "none",
	"POST /api/v1/applications/{id}/transitions":               "machine",
	"POST /api/v1/applications/{id}/reviews":                   "reviewer foundation admin",
	"POST /api/v1/applications/{id}/award":                     "foundation admin",
	"POST /api/v1/agreements/{id}/terminate":                   "foundation admin",
	"POST /api/v1/tranches/{id}/transitions":                   "machine",
	"POST /api/v1/tranches/{id}/pay":                           "foundation admin",
	"POST /api/v1/expenses":                                    "member orgadmin",
	"POST /api/v1/expenses/{id}/approve":                       "foundation admin",
	"POST /api/v1/expenses/{id}/reject":                        "foundation admin",
	"POST /api/v1/auth/code":                                   "all",
	"POST /api/v1/auth/verify":                                 "all",
	"POST /api/v1/suggestions":                                 "signed",
}

// secDestructive are changes whose allowed call ends the caller's own
// session or account: only their refusals are tried here (the privacy
// suite covers deleting an account).
var secDestructive = map[string]bool{"POST /logout": true, "POST /login/password": true, "POST /me/delete": true, "DELETE /api/v1/me": true}

func secAllowed(spec, actor string) bool {
	switch spec {
	case "all":
		return true
	case "signed", "machine":
		return actor != "anon"
	case "none":
		return false
	}
	return slices.Contains(strings.Fields(spec), actor)
}

// TestSecurityAccessControl runs the access-control attacks on one demo
// district per database, in an order where each finds the data as seeded:
// the read-only leak sweep, the swapped ids and the protected fields
// (both checked against the database), then the route table, whose
// allowed calls may change things, and the downloads' expiry.
func TestSecurityAccessControl(t *testing.T) {
	t.Parallel()
	routes := append(webRoutes(t), apiRoutes(t)...)
	seen := map[string]bool{}
	for _, rt := range routes {
		seen[rt.String()] = true
		if _, ok := secAccess[rt.String()]; !ok {
			t.Errorf("route %s has no row in secAccess: decide who may use it and add the row", rt)
		}
	}
	for k, spec := range secAccess {
		if !seen[k] {
			t.Errorf("secAccess row %q names no route (removed or renamed?)", k)
		}
		for _, a := range strings.Fields(spec) {
			if a != "all" && a != "signed" && a != "machine" && a != "none" && !slices.Contains(secActorNames, a) {
				t.Errorf("secAccess row %q: unknown actor %q", k, a)
			}
		}
	}
	if t.Failed() {
		return
	}
	eachSec(t, func(t *testing.T, f *secFixture) {
		t.Run("no_leaks", func(t *testing.T) { secNoLeaks(t, f, routes) })
		t.Run("id_swap", func(t *testing.T) { secIDSwap(t, f, routes) })
		t.Run("protected_fields", func(t *testing.T) { secProtectedFields(t, f) })
		t.Run("route_table", func(t *testing.T) { secRouteTable(t, f, routes) })
		// Last: it moves the store's clock past every session.
		t.Run("exports_expire", func(t *testing.T) { secExpiry(t, f) })
	})
}

// secRouteTable: attack "call a route one's role or scope does not reach"
// (rule: every handler checks role AND scope on the object).
func secRouteTable(t *testing.T, f *secFixture, routes []secRoute) {
	{
		var changes []secRoute
		for _, rt := range routes {
			if rt.method != http.MethodGet {
				changes = append(changes, rt)
				continue
			}
			spec, path := secAccess[rt.String()], f.secPath(t, rt)
			for _, a := range secActorNames {
				w := f.secDo(rt.method, path, a, "", "")
				if secAllowed(spec, a) {
					if denied(w) || w.Code >= 500 {
						t.Errorf("%s as %s: %d, want the page (row %q)", rt, a, w.Code, spec)
					}
				} else if !denied(w) {
					t.Errorf("%s as %s: %d, want a refusal (row %q)", rt, a, w.Code, spec)
				}
			}
		}
		// Every refused change first, against one snapshot of the database.
		before := f.snapshot(t)
		for _, rt := range changes {
			spec, path := secAccess[rt.String()], f.secPath(t, rt)
			for _, a := range secActorNames {
				if secAllowed(spec, a) {
					continue
				}
				w := f.secDo(rt.method, path, a, secEmptyBody(path), secEmptyType(path))
				if a == "anon" && !denied(w) && rt.path != "/login/password" {
					t.Errorf("%s anonymously: %d, want 401/403/404 or the sign-in page (row %q)", rt, w.Code, spec)
				} else if !denied(w) {
					t.Errorf("%s as %s: %d, want 401, 403 or 404 (row %q)", rt, a, w.Code, spec)
				}
			}
		}
		if diff := f.snapshotDiff(before, f.snapshot(t)); diff != "" {
			t.Errorf("refused changes changed the database: %s", diff)
		}
		// Then the allowed ones: past the access check (the empty form is
		// refused for its content, or is harmless).
		for _, rt := range changes {
			spec, path := secAccess[rt.String()], f.secPath(t, rt)
			if secDestructive[rt.String()] {
				continue
			}
			for _, a := range secActorNames {
				if !secAllowed(spec, a) {
					continue
				}
				if w := f.secDo(rt.method, path, a, secEmptyBody(path), secEmptyType(path)); denied(w) {
					t.Errorf("%s as %s: %d, want past the access check (row %q)", rt, a, w.Code, spec)
				}
			}
		}
	}
}

func secEmptyBody(path string) string {
	if strings.HasPrefix(path, "/api/") {
		return "{}"
	}
	return ""
}

func secEmptyType(path string) string {
	if strings.HasPrefix(path, "/api/") {
		return "application/json"
	}
	return ""
}

// secVolatile are tables a refused request may touch without changing
// anything that matters: sessions' last use, rate-limit counters, visit
// counts, sign-in ceremonies.
var secVolatile = map[string]bool{"sessions": true, "rate_limits": true, "portal_visits": true, "portal_visitors": true, "portal_salts": true,
	"login_codes": true, "webauthn_ceremonies": true, "api_tokens": true, "outbox": true}

// snapshot reads every other table whole, as text.
func (f *secFixture) snapshot(t *testing.T) map[string]string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if f.s.Dialect() != store.SQLite {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := f.db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if !secVolatile[n] {
			tables = append(tables, n)
		}
	}
	rows.Close()
	out := map[string]string{}
	for _, tb := range tables {
		rs, err := f.db.Query(`SELECT * FROM ` + tb)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rs.Columns()
		var lines []string
		for rs.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%v|", v)
			}
			lines = append(lines, b.String())
		}
		rs.Close()
		sort.Strings(lines)
		out[tb] = strings.Join(lines, "\n")
	}
	return out
}

func (f *secFixture) snapshotDiff(a, b map[string]string) string {
	var diff []string
	for k, v := range a {
		if b[k] != v {
			diff = append(diff, k)
		}
	}
	sort.Strings(diff)
	return strings.Join(diff, ", ")
}

// secOther names, for the ID-swapping attack, objects of other streets
// than 回龙观街道 that stand in for the "street" actor's own.
func (f *secFixture) secOther(t *testing.T) map[string]string {
	st := f.ids["street"] // every query below takes another street than this
	other := map[string]string{}
	var missing []string
	q := func(name, query string, args ...any) {
		var v string
		if err := f.db.QueryRow(f.rebind(query), args...).Scan(&v); err != nil {
			missing = append(missing, name+": "+err.Error())
		}
		other[name] = v
	}
	other["street"] = f.ids["street2"]
	q("org", `SELECT id FROM organizations WHERE street_id <> ? ORDER BY id LIMIT 1`, st)
	q("community", `SELECT id FROM communities WHERE street_id <> ? ORDER BY id LIMIT 1`, st)
	for _, n := range []struct{ name, status string }{{"need", "published"}, {"needDraft", "draft"}, {"needEval", "evaluating"},
		{"needAwarded", "awarded"}} {
		q(n.name, `SELECT id FROM needs WHERE street_id <> ? AND status = ? ORDER BY id LIMIT 1`, st, n.status)
	}
	q("needProgress", `SELECT n.id FROM needs n WHERE n.street_id <> ? AND n.status IN ('in_progress', 'contracted', 'delivered') AND EXISTS (SELECT 1 FROM milestones m WHERE m.need_id = n.id) ORDER BY n.id LIMIT 1`, st)
	q("milestone", `SELECT id FROM milestones WHERE need_id = ? ORDER BY position LIMIT 1`, other["needProgress"])
	q("proposal", `SELECT id FROM proposals WHERE need_id IN (SELECT id FROM needs WHERE street_id <> ?) ORDER BY id LIMIT 1`, st)
	q("question", `SELECT id FROM questions WHERE need_id IN (SELECT id FROM needs WHERE street_id <> ?) ORDER BY id LIMIT 1`, st)
	q("activity", `SELECT id FROM activities WHERE street_id <> ? ORDER BY id LIMIT 1`, st)
	// The demo holds every joint meeting in 回龙观街道: an action item of
	// another street's owner stands in.
	q("action", `SELECT id FROM meeting_actions WHERE owner_street_id <> ? ORDER BY id LIMIT 1`, st)
	q("merchant", `SELECT id FROM merchants WHERE street_id <> ? ORDER BY id LIMIT 1`, st)
	q("space", `SELECT s.id FROM spaces s JOIN incubation_bases b ON b.id = s.base_id WHERE b.street_id <> ? ORDER BY s.id LIMIT 1`, st)
	q("suggestion", `SELECT id FROM suggestions WHERE community_id IN (SELECT id FROM communities WHERE street_id <> ?) ORDER BY id LIMIT 1`, st)
	if len(missing) > 0 {
		t.Fatalf("the demo data lacks other-street objects:\n%s", strings.Join(missing, "\n"))
	}
	return other
}

// secIDSwap: attack "replace the id in the URL with another
// street's object" (rule: a grant reaches only its own scope; the swapped
// call is refused and changes nothing). Every change route the actor may
// use on its own objects is called with the other street's objects.
func secIDSwap(t *testing.T, f *secFixture, routes []secRoute) {
	{
		other := f.secOther(t)
		own := f.ids
		swapped := map[string]string{}
		for k, v := range own {
			swapped[k] = v
		}
		for k, v := range other {
			swapped[k] = v
		}
		before := f.snapshot(t)
		tried := 0
		for _, rt := range routes {
			spec := secAccess[rt.String()]
			if rt.method == http.MethodGet || spec == "all" || spec == "signed" || spec == "machine" || !strings.Contains(rt.path, "{") {
				continue
			}
			f.ids = swapped
			path := f.secPath(t, rt)
			f.ids = own
			if path == f.secPath(t, rt) {
				continue // no street-scoped object in this route
			}
			for _, a := range []string{"street", "comm", "orgadmin", "member", "merchant"} {
				if !secAllowed(spec, a) {
					continue
				}
				tried++
				w := f.secDo(rt.method, path, a, secEmptyBody(path), secEmptyType(path))
				if !denied(w) && w.Code < 400 {
					t.Errorf("%s as %s on another street's object (%s): %d, want a refusal", rt, a, path, w.Code)
				}
			}
		}
		if tried < 40 {
			t.Fatalf("only %d swapped calls tried: the swap no longer reaches the routes", tried)
		}
		if diff := f.snapshotDiff(before, f.snapshot(t)); diff != "" {
			t.Errorf("swapped ids changed the database: %s", diff)
		}
	}
}

// secText returns a response's text; for a workbook or any zip, the text
// of every file in it (an export's cells are in its XML).
func secText(t *testing.T, w *httptest.ResponseRecorder) string {
	body := w.Body.Bytes()
	if len(body) > 4 && string(body[:2]) == "PK" {
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err == nil {
			var b strings.Builder
			for _, zf := range zr.File {
				rc, err := zf.Open()
				if err != nil {
					t.Fatal(err)
				}
				x, _ := io.ReadAll(rc)
				rc.Close()
				b.Write(x)
			}
			return b.String()
		}
	}
	return string(body)
}

// secNoLeaks: attack "read a draft need or a sealed proposal
// through a side door" (rule: a draft is seen only by staff of its scope,
// auditors and admins; a proposal is sealed — seen only by its own
// organization — until the tender closes). Every GET route of the pages
// and the API (lists, search, exports, OCDS, notifications, the audit
// viewer, error pages) is read by every actor, on the demo objects and
// again with the draft need in place of the published one, plus the
// searches for the secret words themselves.
func secNoLeaks(t *testing.T, f *secFixture, routes []secRoute) {
	{
		// A draft whose title no other need shares, and a sealed proposal
		// (on a published need, still open) whose summary no other
		// proposal shares, with the organization that wrote it.
		draft := f.one(t, `SELECT title FROM needs n WHERE id = ?`, f.ids["needDraft"])
		if n := f.one(t, `SELECT COUNT(*) FROM needs WHERE title = ?`, draft); n != "1" {
			t.Fatalf("the draft's title %q is not unique", draft)
		}
		sealedID := f.one(t, `SELECT p.id FROM proposals p JOIN needs n ON n.id = p.need_id
			WHERE n.status = 'published' AND n.street_id = ? AND p.status = 'submitted'
			AND (SELECT COUNT(*) FROM proposals q WHERE q.summary = p.summary) = 1 ORDER BY p.id LIMIT 1`, f.ids["street"])
		sealed := f.one(t, `SELECT summary FROM proposals WHERE id = ?`, sealedID)
		sealedNeed := f.one(t, `SELECT need_id FROM proposals WHERE id = ?`, sealedID)
		bidder := f.one(t, `SELECT org_id FROM proposals WHERE id = ?`, sealedID)
		mayDraft := map[string]bool{"admin": true, "auditor": true, "street": true, "comm": f.one(t, `SELECT community_id FROM needs WHERE id = ?`, f.ids["needDraft"]) == f.ids["community"]}
		maySealed := map[string]bool{"orgadmin": bidder == f.ids["org"], "member": bidder == f.ids["org"]}
		own := f.ids
		check := func(label, path string, ids map[string]string) {
			for _, a := range secActorNames {
				w := f.secDo(http.MethodGet, path, a, "", "")
				text := secText(t, w)
				if !mayDraft[a] && strings.Contains(text, draft) {
					t.Errorf("%s as %s (%s): the draft need's title %q leaks", label, a, path, draft)
				}
				if !maySealed[a] && strings.Contains(text, sealed) {
					t.Errorf("%s as %s (%s): the sealed proposal's summary leaks", label, a, path)
				}
			}
		}
		variants := []map[string]string{{"proposal": sealedID}, {"need": f.ids["needDraft"]}}
		if sealedNeed != f.ids["need"] {
			variants = append(variants, map[string]string{"need": sealedNeed, "proposal": sealedID})
		}
		for _, v := range variants {
			ids := map[string]string{}
			for k, x := range own {
				ids[k] = x
			}
			for k, x := range v {
				ids[k] = x
			}
			f.ids = ids
			f.ids["ocid"] = ocds.DefaultConfig().OCID(ids["need"])
			for _, rt := range routes {
				if rt.method == http.MethodGet && !strings.HasPrefix(rt.path, "/static/") {
					check(rt.String(), f.secPath(t, rt), ids)
				}
			}
			f.ids = own
		}
		// Searched by their first words (a search page shows its query back,
		// so the whole secret in the answer is a leak, the query is not).
		for _, words := range []string{firstWords(draft), firstWords(sealed)} {
			q := url.QueryEscape(words)
			for _, path := range []string{"/needs?q=" + q, "/api/v1/needs?q=" + q, "/api/v1/match/projects?q=" + q,
				"/api/v1/match/organizations?q=" + q, "/solutions?q=" + q, "/api/v1/solutions?q=" + q,
				"/needs/suggest?q=" + q, "/api/v1/ocds/releases?limit=1000", "/me/notifications", "/admin/audit?q=" + q} {
				check("search "+path, path, own)
			}
		}
	}
}

// firstWords is the start of a text, for searching by part of it.
func firstWords(s string) string {
	r := []rune(s)
	if len(r) > 6 {
		r = r[:6]
	}
	return string(r)
}

// secProtectedFields: attack "set a field one may not choose in
// the request body" — status, money, role, scope, the street or community
// an object belongs to (rule: such fields are ignored or the request is
// refused; never applied).
func secProtectedFields(t *testing.T, f *secFixture) {
	{
		st, st2 := f.ids["street"], f.ids["street2"]
		comm2 := f.one(t, `SELECT id FROM communities WHERE street_id = ? ORDER BY id LIMIT 1`, st2)
		org := f.ids["org"]
		grantsBefore := f.one(t, `SELECT COUNT(*) || ':' || MIN(role) FROM grants WHERE user_id = ?`, f.actors["resident"].id)
		cases := []struct {
			name, actor, method, path, body, ctype string
			check                                  func(t *testing.T)
		}{
			{"API organization moved to another street by its admin", "orgadmin", "PATCH", "/api/v1/organizations/" + org,
				`{"street_id":"` + st2 + `","community_id":"` + comm2 + `","staff":3}`, "application/json", func(t *testing.T) {
					if got := f.one(t, `SELECT street_id FROM organizations WHERE id = ?`, org); got != st {
						t.Errorf("the organization's street became %s", got)
					}
				}},
			{"form organization moved to another street by its admin", "orgadmin", "POST", "/organizations/" + org,
				"name=" + url.QueryEscape("回龙观惠民社工") + "&street_id=" + st2 + "&community_id=" + comm2, "", func(t *testing.T) {
					if got := f.one(t, `SELECT street_id FROM organizations WHERE id = ?`, org); got != st {
						t.Errorf("the organization's street became %s", got)
					}
				}},
			{"API need created published, in another street", "street", "POST", "/api/v1/needs",
				`{"title":"安全测试受保护字段需求","description":"为楼道加装扶手，服务高龄独居老人出行安全。","street_id":"` + st2 +
					`","status":"published","budget_fen":100000,"awarded_org_id":"` + org + `"}`, "application/json", func(t *testing.T) {
					var street, status string
					var awarded sql.NullString
					err := f.db.QueryRow(f.rebind(`SELECT street_id, status, awarded_org_id FROM needs WHERE title = ?`), "安全测试受保护字段需求").Scan(&street, &status, &awarded)
					if err == sql.ErrNoRows {
						return // refused: fine
					}
					if err != nil {
						t.Fatal(err)
					}
					if street == st2 || status != "draft" || awarded.String != "" {
						t.Errorf("created with street %s, status %s, awarded %q: the body chose them", street, status, awarded.String)
					}
				}},
			{"API draft need patched to published and to another street", "street", "PATCH", "/api/v1/needs/" + f.ids["needDraft"],
				`{"status":"published","street_id":"` + st2 + `","awarded_org_id":"` + org + `"}`, "application/json", func(t *testing.T) {
					got := f.one(t, `SELECT street_id || ':' || status FROM needs WHERE id = ?`, f.ids["needDraft"])
					if got != st+":draft" {
						t.Errorf("the draft became %s", got)
					}
				}},
			{"form resident grants themself a role", "resident", "POST", "/me/privacy/name",
				"name=" + url.QueryEscape("张桂兰") + "&role=platform_admin&scope_id=&status=active&balance=99999", "", func(t *testing.T) {
					if got := f.one(t, `SELECT COUNT(*) || ':' || MIN(role) FROM grants WHERE user_id = ?`, f.actors["resident"].id); got != grantsBefore {
						t.Errorf("the resident's grants became %s (were %s)", got, grantsBefore)
					}
				}},
			{"API resident sets their points balance", "resident", "POST", "/api/v1/redemption-codes",
				`{"good_id":"` + f.ids["good"] + `","balance":999999,"amount":-5}`, "application/json", func(t *testing.T) {
					if n := f.one(t, `SELECT COUNT(*) FROM points_postings WHERE amount > 100000`); n != "0" {
						t.Errorf("%s postings over 100000 points", n)
					}
				}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				w := f.secDo(c.method, c.path, c.actor, c.body, c.ctype)
				if w.Code >= 500 {
					t.Fatalf("%d %s", w.Code, w.Body.String())
				}
				c.check(t)
			})
		}
	}
}

// secExpiry: attack "keep a download link and use it after the session
// has ended" (rule: every export and download of non-public data needs a
// live session of a user in scope, and is not kept by shared caches). The
// downloads are fetched with a live session, then once the store's clock
// is past the session's idle limit.
func secExpiry(t *testing.T, f *secFixture) {
	downloads := []struct{ actor, path string }{
		{"street", "/dashboard.xlsx"},
		{"admin", "/admin/organizations/export?format=csv"},
		{"orgadmin", "/activities/" + f.ids["activity"] + "/attendance/export"},
		{"merchant", "/merchant/" + f.ids["merchant"] + "/settlements/" + f.ids["settlement"] + "/statement"},
		{"resident", "/me/export"},
		{"foundation", "/grants/files/" + f.ids["grantFile"]},
	}
	for _, d := range downloads {
		w := f.secDo(http.MethodGet, d.path, d.actor, "", "")
		if w.Code != http.StatusOK {
			t.Fatalf("%s as %s with a live session: %d", d.path, d.actor, w.Code)
		}
		if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "no-store") && !strings.Contains(cc, "private") {
			t.Errorf("%s: Cache-Control %q lets a shared cache keep a private download", d.path, cc)
		}
		if a := f.secDo(http.MethodGet, d.path, "anon", "", ""); !denied(a) {
			t.Errorf("%s without a session: %d, want the sign-in page", d.path, a.Code)
		}
	}
	cfg := config.Default()
	real := f.s.Now
	f.s.Now = func() time.Time { return real().Add(cfg.SessionIdle + time.Minute) }
	defer func() { f.s.Now = real }()
	for _, d := range downloads {
		if w := f.secDo(http.MethodGet, d.path, d.actor, "", ""); !denied(w) {
			t.Errorf("%s as %s after the session's idle limit: %d, want the sign-in page", d.path, d.actor, w.Code)
		}
	}
}
