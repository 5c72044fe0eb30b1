package web_test

// Privacy (SECURITY.md, "隐私 / Privacy"): an anonymous crawler walks every
// public page reachable from the home page and the public areas, every GET
// of the API that needs no sign-in (from openapi.json) and every export it
// finds, over the demo data (residents with full phone numbers and names),
// and finds no full phone number, no unmasked resident name and no
// session, API token or SMS code. The server's log is scanned the same way.

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// phoneRe is a full mainland mobile number standing alone (not inside a
// longer run of letters and digits such as a hash or an id).
var phoneRe = regexp.MustCompile(`(^|[^0-9A-Za-z])(1[3-9]\d{9})([^0-9A-Za-z]|$)`)

var (
	hrefRe = regexp.MustCompile(`(?:href|src|action)="([^"#]*)`)
	uuidRe = regexp.MustCompile(`/([a-z-]+)/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})`)
)

type crawler struct {
	t       *testing.T
	base    string
	seen    map[string]bool
	perPath map[string]int
	ids     map[string][]string // candidate path values by the collection they came from
	fetched int
	names   []string // resident names that must never show unmasked
	secrets []string // tokens and codes that must never show
	allowed map[string]bool
}

func (c *crawler) addID(kind, id string) {
	if id == "" || kind == "" {
		return
	}
	for _, v := range c.ids[kind] {
		if v == id {
			return
		}
	}
	if len(c.ids[kind]) < 5 {
		c.ids[kind] = append(c.ids[kind], id)
	}
}

// check fails if body shows personal data or a secret. The API document
// is exempt from the phone check only: its examples are made-up numbers.
func (c *crawler) check(where string, body []byte) {
	c.t.Helper()
	if m := phoneRe.FindSubmatch(body); m != nil && where != "/api/v1/openapi.json" {
		i := bytes.Index(body, m[2])
		lo, hi := max(0, i-80), min(len(body), i+80)
		c.t.Errorf("%s: a full phone number %s: …%s…", where, m[2], body[lo:hi])
	}
	for _, n := range c.names {
		if i := bytes.Index(body, []byte(n)); i >= 0 {
			lo, hi := max(0, i-80), min(len(body), i+80)
			c.t.Errorf("%s: the unmasked resident name %s: …%s…", where, n, body[lo:hi])
		}
	}
	for _, s := range c.secrets {
		if bytes.Contains(body, []byte(s)) {
			c.t.Errorf("%s: a secret (%d chars)", where, len(s))
		}
	}
}

// get fetches path anonymously (a fresh client: no cookies kept) and
// returns the status, the content type and the body, xlsx unpacked.
func (c *crawler) get(path string) (int, string, []byte) {
	c.t.Helper()
	c.fetched++
	req, _ := http.NewRequest("GET", c.base+path, nil)
	req.Header.Set("Accept-Language", "zh-CN")
	resp, err := (&http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}).Do(req)
	if err != nil {
		c.t.Fatalf("%s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	ct := resp.Header.Get("Content-Type")
	if bytes.HasPrefix(body, []byte("PK\x03\x04")) {
		zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
		if err == nil {
			var all bytes.Buffer
			for _, f := range zr.File {
				rc, err := f.Open()
				if err == nil {
					io.Copy(&all, rc)
					rc.Close()
				}
			}
			body = all.Bytes()
		}
	}
	for _, h := range []string{"Location", "Content-Disposition"} {
		c.check(path+" header "+h, []byte(resp.Header.Get(h)))
	}
	return resp.StatusCode, ct, body
}

// crawl walks same-site links breadth first from the seeds.
func (c *crawler) crawl(seeds []string, limit int) {
	queue := append([]string{}, seeds...)
	for len(queue) > 0 && c.fetched < limit {
		p := queue[0]
		queue = queue[1:]
		if c.seen[p] {
			continue
		}
		c.seen[p] = true
		code, ct, body := c.get(p)
		c.check(p, body)
		if code != 200 || !strings.HasPrefix(ct, "text/html") {
			continue
		}
		for _, m := range uuidRe.FindAllStringSubmatch(p, -1) {
			c.addID(m[1], m[2])
		}
		for _, m := range hrefRe.FindAllSubmatch(body, -1) {
			link := strings.ReplaceAll(string(m[1]), "&amp;", "&")
			u, err := url.Parse(link)
			if err != nil || (u.Host != "" && c.base != "http://"+u.Host) || u.Scheme == "mailto" || u.Scheme == "tel" {
				continue
			}
			path := u.Path
			if path == "" || !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/dev/") {
				continue
			}
			for _, m := range uuidRe.FindAllStringSubmatch(path, -1) {
				c.addID(m[1], m[2])
			}
			if u.RawQuery != "" {
				// Filters and pages: a few of each, not every combination.
				if c.perPath[path] >= 3 {
					continue
				}
				c.perPath[path]++
				path += "?" + u.RawQuery
			}
			if !c.seen[path] {
				queue = append(queue, path)
			}
		}
	}
}

// harvest collects ids from a JSON answer by the collection they belong to.
func (c *crawler) harvest(kind string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			switch s, _ := val.(string); {
			case strings.Contains(s, "/ocds/extension/codelists/"):
				c.addID("codelists", s[strings.LastIndex(s, "/")+1:])
			case strings.Contains(s, "/ocds/extension/"):
				c.addID("extension", s[strings.LastIndex(s, "/")+1:])
			case k == "id":
				c.addID(kind, s)
			case k == "ocid":
				c.addID("ocid", s)
			case strings.HasSuffix(k, "_id") && s != "":
				c.addID(strings.TrimSuffix(k, "_id")+"s", s)
			}
			next := kind
			if k != "items" && k != "data" {
				next = k
			}
			if _, ok := val.(string); !ok {
				c.harvest(next, val)
			}
		}
	case []any:
		for _, e := range x {
			c.harvest(kind, e)
		}
	case string:
		if strings.Contains(x, "/ocds/extension/") {
			c.harvest(kind, map[string]any{"url": x})
		}
	}
}

func TestPrivacyCrawl(t *testing.T) {
	if testing.Short() {
		t.Skip("walks the whole public site")
	}
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := demo.Seed(ctx, s, time.Now()); err != nil {
			t.Fatal(err)
		}
		admin := storetest.Admin()
		c := &crawler{t: t, seen: map[string]bool{}, perPath: map[string]int{}, ids: map[string][]string{}}
		// Every resident's name (not the 居民1234 names made from a phone).
		residents, _, err := s.FindUsers(admin, store.UserFilter{Role: accounts.Resident, PerPage: 1000})
		if err != nil {
			t.Fatal(err)
		}
		auto := regexp.MustCompile(`^居民\d{4}$`)
		for _, u := range residents {
			if !u.IsStaff() && !auto.MatchString(u.Name) && len([]rune(u.Name)) >= 2 {
				c.names = append(c.names, u.Name)
			}
		}
		if len(c.names) < 5 {
			t.Fatalf("only %d resident names in the fixture: the check would prove little", len(c.names))
		}

		logs := &syncBuffer{}
		inbox := sms.NewInbox(50)
		h, err := cli.Handler(config.Default(), s, slog.New(slog.NewTextHandler(logs, nil)), inbox, inbox)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		c.base = srv.URL

		// Secrets that exist while the crawler runs: a resident's session,
		// API token and a fresh SMS code.
		resident, err := s.FindUserByPhone(ctx, "13800000010")
		if err != nil {
			t.Fatal(err)
		}
		sess, err := s.StartSession(ctx, resident.ID, store.SessionPolicy{Idle: time.Hour, Absolute: time.Hour}, false)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := s.CreateAPIToken(admin, resident.ID, store.DefaultTokenIdle)
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"phone": {"13800000010"}}
		req, _ := http.NewRequest("GET", srv.URL+"/login", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var csrf string
		for _, k := range resp.Cookies() {
			if k.Name == "huitian_csrf" {
				csrf = k.Value
			}
		}
		form.Set("csrf_token", csrf)
		req, _ = http.NewRequest("POST", srv.URL+"/login/code/send", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "huitian_csrf", Value: csrf})
		if resp, err = http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		code := regexp.MustCompile(`\d{6}`).FindString(inbox.Last("13800000010"))
		if code == "" {
			t.Fatal("no SMS code sent")
		}
		c.secrets = []string{sess, tok, resident.PasswordHash}
		c.secrets = slicesCompact(c.secrets)

		// 1. Pages, from the home page and every public area.
		c.crawl([]string{"/", "/needs", "/organizations", "/solutions", "/grants", "/activities", "/points/notice",
			"/portal", "/academy", "/incubation", "/meetings", "/audit/heads", "/login", "/offline"}, 900)
		pages := c.fetched

		// 2. The API as anonymous: every GET the document lists.
		raw, err := os.ReadFile("../api/openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Paths map[string]struct {
				Get *struct {
					Security *[]map[string][]string `json:"security"`
				} `json:"get"`
			} `json:"paths"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatal(err)
		}
		var plain, templ []string
		for p, ops := range doc.Paths {
			op := ops.Get
			if op == nil {
				continue
			}
			if op.Security != nil && len(*op.Security) > 0 {
				anon := false
				for _, s := range *op.Security {
					anon = anon || len(s) == 0
				}
				if !anon {
					continue // needs a token
				}
			}
			if strings.Contains(p, "{") {
				templ = append(templ, p)
			} else {
				plain = append(plain, p)
			}
		}
		sort.Strings(plain)
		sort.Strings(templ)
		apiOK := 0
		fetchAPI := func(p, kind string) {
			code, _, body := c.get(p)
			c.check(p, body)
			if code == 200 {
				apiOK++
				var v any
				if json.Unmarshal(body, &v) == nil {
					c.harvest(kind, v)
				}
			}
		}
		for _, p := range plain {
			seg := strings.Split(strings.TrimPrefix(p, "/api/v1/"), "/")
			fetchAPI(p, seg[0])
		}
		paramRe := regexp.MustCompile(`\{[a-z]+\}`)
		var missed []string
		for pass := 0; pass < 2; pass++ {
			for _, p := range templ {
				loc := paramRe.FindStringIndex(p)
				param := p[loc[0]+1 : loc[1]-1]
				kind := param
				if param == "id" {
					segs := strings.Split(strings.TrimSuffix(p[:loc[0]], "/"), "/")
					kind = segs[len(segs)-1]
				}
				if param == "file" {
					segs := strings.Split(strings.TrimSuffix(p[:loc[0]], "/"), "/")
					kind = segs[len(segs)-1]
				}
				cands := c.ids[kind]
				if len(cands) == 0 {
					if pass == 1 {
						missed = append(missed, p)
					}
					continue
				}
				for _, id := range cands[:min(3, len(cands))] {
					concrete := p[:loc[0]] + url.PathEscape(id) + p[loc[1]:]
					if !c.seen[concrete] {
						c.seen[concrete] = true
						fetchAPI(concrete, kind)
					}
				}
			}
		}
		if apiOK < len(plain)/2 {
			t.Fatalf("only %d API answers were 200: the crawl proves little", apiOK)
		}

		// 3. The exports the pages link to were fetched above; OCDS too.
		var exports []string
		for p := range c.seen {
			if strings.Contains(p, ".csv") || strings.Contains(p, ".xlsx") || strings.Contains(p, "/ocds/") || strings.Contains(p, "export") {
				exports = append(exports, p)
			}
		}
		t.Logf("%d pages, %d API calls (%d ok), %d exports and open-data files, %d resident names checked; templates without ids: %v",
			pages, c.fetched-pages, apiOK, len(exports), len(c.names), missed)
		if len(exports) < 4 {
			t.Fatalf("the crawl reached only these exports: %v", exports)
		}
		if pages < 100 {
			t.Fatalf("only %d pages reached", pages)
		}
		// The SMS code went only to the inbox: no page shows it.
		codeRe := regexp.MustCompile(`(^|[^0-9A-Za-z])` + code + `([^0-9A-Za-z]|$)`)
		for _, p := range []string{"/", "/login", "/login?tab=code", "/portal"} {
			_, _, body := c.get(p)
			c.check(p+" after the code was sent", body)
			if codeRe.Match(body) {
				t.Errorf("%s shows the SMS code", p)
			}
		}

		// 4. The server's log: no phone number, code or token.
		logText := logs.String()
		if logText == "" {
			t.Fatal("no log lines at all")
		}
		if m := phoneRe.FindStringSubmatch(logText); m != nil {
			t.Errorf("a phone number in the log: %s", m[2])
		}
		for _, sec := range c.secrets {
			if strings.Contains(logText, sec) {
				t.Errorf("a secret in the log (%d chars)", len(sec))
			}
		}
		if codeRe.MatchString(logText) {
			t.Error("the SMS code in the log")
		}
	})
}

func slicesCompact(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
