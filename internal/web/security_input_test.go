package web_test

import (
	"archive/zip"
	"bytes"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/portal"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// XSS payloads: a script element, an attribute breakout into an element with
// an event handler, an SVG with onload, a single-quote attribute breakout, a
// javascript: URL and template syntax. Each calls __x(n), which the browser
// check defines; here the rendered HTML must hold them only as text.
const (
	xssLong  = `<script>__x(1)</script>"><img src=x onerror=__x(2)><svg onload=__x(3)>' onmouseover='__x(4)' {{.}}`
	xssShort = `"><svg onload=__x(3)>{{.}}社区活动`
	xssURL   = `javascript:__x(5)`
)

// rawXSS are fragments that appear in a page only if a payload escaped its
// text: an element or attribute the payloads would create.
var rawXSS = []string{"<script>__x", "<img src=x", "<svg onload", "' onmouseover='", `href="javascript:`, `src="javascript:`,
	`onmouseover='__x`}

// assertInert fails if body holds a payload as markup, or (when shown) lacks
// it as text: the check must see the field to prove anything.
func assertInert(t *testing.T, what, body string, shown bool) {
	t.Helper()
	for _, bad := range rawXSS {
		if strings.Contains(body, bad) {
			i := strings.Index(body, bad)
			t.Errorf("%s: payload rendered as markup %q: …%s…", what, bad, body[max(0, i-80):min(len(body), i+80)])
		}
	}
	if shown && !strings.Contains(body, "__x(") {
		t.Errorf("%s: the payload is not on the page, so the check proves nothing", what)
	}
}

// assertHTMLHeaders: every HTML answer carries the CSP (no inline script)
// and nosniff.
func assertHTMLHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	if !strings.HasPrefix(h.Get("Content-Type"), "text/html") {
		return
	}
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline'") && strings.Contains(csp, "script-src 'self' 'unsafe-inline'") ||
		!strings.Contains(csp, "object-src 'none'") || !strings.Contains(csp, "base-uri 'none'") {
		t.Errorf("%s: CSP %q", what, csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: no nosniff", what)
	}
}

// Attack: stored XSS through every user-writable field (organization name
// and description, need title and description, question and answer,
// proposal summary, plan and file name, activity title, team and address,
// meeting title, place and agenda, resident suggestion text and place) and
// reflected XSS through search boxes and the login's next. Rule: every page
// that shows them escapes them; every HTML answer has the CSP header.
func TestXSSPayloadsRenderInert(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTenderFixture(t, s)
		orgA := f.signedIn(t, f.orgAdmin)
		comm := f.signedIn(t, f.commStaff)
		street := f.signedIn(t, f.staff)
		admin := f.signedIn(t, f.admin)
		anon := f.browser(t)

		check := func(b *browser, who, path string, shown bool) string {
			t.Helper()
			code, body, h := b.get(path)
			if code != 200 {
				t.Fatalf("%s %s: %d %s", who, path, code, regexpAlert(body))
			}
			assertHTMLHeaders(t, path, h)
			assertInert(t, who+" "+path, body, shown)
			return body
		}

		// Organization: its admin writes the name and description.
		_, body, _ := orgA.get("/organizations/" + f.org.ID + "/edit")
		form := url.Values{"name": {"惠民社工" + xssShort}, "registration": {"registered"}, "credit_code": {f.org.CreditCode},
			"street": {f.street.ID}, "community": {f.community.ID}, "description": {xssLong + "\n" + xssURL}, "domains": {"养老服务"},
			"staff": {"3"}, "volunteers": {"10"}, "contact_name": {"王芳"}, "contact_phone": {"13812345678"}}
		if code, body, _ := orgA.post("/organizations/"+f.org.ID, form); code != 303 {
			t.Fatalf("org update: %d %s", code, regexpAlert(body))
		}
		_ = body

		// Need: the community drafts one with payloads, the street publishes it.
		deadline := f.clock.now().Add(10 * 24 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
		code, body, h := comm.post("/needs", url.Values{"title": {"需求" + xssLong[:60]}, "description": {xssLong + " " + xssURL},
			"community": {f.community.ID}, "budget": {"5万"}, "procedure": {"open"}, "deadline": {deadline},
			"criteria_name_0": {xssShort}, "criteria_weight_0": {"100"}})
		if code != 303 {
			t.Fatalf("need draft: %d %s", code, regexpAlert(body))
		}
		need := h.Get("Location")
		comm.post(need+"/actions/submit", url.Values{})
		if code, body, _ := street.post(need+"/actions/publish", url.Values{}); code != 303 {
			t.Fatalf("publish: %d %s", code, regexpAlert(body))
		}

		// Question and answer on the fixture's need; a proposal with a payload file name.
		if code, body, _ := orgA.post(f.page()+"/questions", url.Values{"text": {"请问" + xssLong}}); code != 303 {
			t.Fatalf("ask: %d %s", code, regexpAlert(body))
		}
		qs, err := s.FindQuestions(storetest.Admin(), f.need.ID)
		if err != nil || len(qs) != 1 {
			t.Fatalf("questions: %v %d", err, len(qs))
		}
		if code, body, _ := comm.post(f.page()+"/questions/"+qs[0].ID+"/answer", url.Values{"answer": {"答复" + xssLong}}); code != 303 {
			t.Fatalf("answer: %d %s", code, regexpAlert(body))
		}
		_, body, _ = orgA.get(f.page())
		m := keyField.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no proposal form")
		}
		if code, body := orgA.uploadFiles(f.page()+"/proposals", url.Values{"summary": {"方案" + xssLong}, "plan": {"计划" + xssLong},
			"team": {xssShort}, "price": {"7万"}, "duration_days": {"90"}, "idempotency_key": {m[1]}},
			map[string][]byte{`"><img src=x onerror=__x(2)>.pdf`: attachPDF}); code != 303 {
			t.Fatalf("proposal: %d %s", code, regexpAlert(body))
		}

		// Activity and meeting.
		loc, _ := time.LoadLocation("Asia/Shanghai")
		start := time.Now().Add(48 * time.Hour).In(loc)
		code, body, h = orgA.post("/activities", url.Values{"title": {xssShort}, "type": {"greening"}, "org": {f.org.ID},
			"team": {xssShort}, "street": {f.street.ID}, "community": {f.community.ID}, "address": {xssShort},
			"description": {xssLong}, "starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(2 * time.Hour).Format("2006-01-02T15:04")},
			"capacity": {"10"}, "eligibility": {"community"}, "publish": {"1"}})
		if code != 303 {
			t.Fatalf("activity: %d %s", code, regexpAlert(body))
		}
		activity := h.Get("Location")
		code, body, h = admin.post("/meetings", url.Values{"title": {"联席会" + xssShort}, "held_on": {"2026-03-05"}, "held_time": {"09:30"},
			"place": {xssShort}, "agenda": {xssLong}, "departments": {"区民政局"}, "resolutions": {xssLong}})
		if code != 303 {
			t.Fatalf("meeting: %d %s", code, regexpAlert(body))
		}
		meeting := h.Get("Location")

		// A resident's suggestion reaches the community's inbox.
		res := residentBrowser(t, f.fixture, "13700007301", false)
		if code, body, _ := res.post("/portal/suggestions", url.Values{"body": {"路灯坏了" + xssLong}, "place": {xssShort}}); code != 303 {
			t.Fatalf("suggestion: %d %s", code, regexpAlert(body))
		}
		sugs, _, err := s.FindSuggestions(storetest.Admin(), portal.Filter{CommunityID: f.community.ID})
		if err != nil || len(sugs) != 1 {
			t.Fatalf("suggestions: %v", err)
		}

		// Every page that shows them, to those who see them.
		check(anon, "anon", "/", false)
		check(anon, "anon", "/organizations", true)
		check(anon, "anon", "/organizations/"+f.org.ID, true)
		check(orgA, "org", "/organizations/"+f.org.ID+"/edit", true)
		check(anon, "anon", "/needs", true)
		check(anon, "anon", need, true)
		check(street, "street", need+"/edit", true)
		check(anon, "anon", f.page(), true) // question and answer
		check(orgA, "org", f.page(), true)  // own proposal with its file
		check(orgA, "org", "/me/proposals", false)
		check(comm, "community", "/me/needs", true)
		check(anon, "anon", "/activities", true)
		check(orgA, "org", activity, true)
		check(anon, "anon", activity, true)
		check(orgA, "org", activity+"/edit", true)
		check(admin, "admin", "/meetings", true)
		check(admin, "admin", meeting, true)
		check(res, "resident", "/portal/suggestions/"+sugs[0].ID, true)
		check(comm, "community", "/community/inbox", true)
		check(res, "resident", "/portal", false)
		check(admin, "admin", "/admin/audit", false)
		check(street, "street", "/dashboard", false)
		// Reflected: search boxes and filters echo the query; the login page keeps next.
		for _, p := range []string{"/organizations?q=", "/needs?q=", "/solutions?q=", "/activities?q=", "/needs?status=", "/organizations?street="} {
			check(anon, "anon", p+url.QueryEscape(xssLong), false)
		}
		check(anon, "anon", "/login?next="+url.QueryEscape("/needs?x="+xssLong), false)
		check(anon, "anon", "/login?next="+url.QueryEscape(xssURL), false)

		// The uploaded file downloads as an attachment with a safe name and type.
		own, _, err := s.FindProposals(f.as(t, f.orgAdmin), f.need.ID)
		if err != nil || len(own) != 1 || len(own[0].Files) != 1 {
			t.Fatalf("proposal files: %v", err)
		}
		code, _, h = orgA.get("/documents/" + own[0].Files[0].ID)
		if code != 200 || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") ||
			h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("download: %d %v", code, h)
		}
	})
}

// sqlMeta are SQL, LIKE and full-text metacharacters a search box, filter
// or sort key may receive, with NUL and bad UTF-8 (PostgreSQL refuses both
// in text).
var sqlMeta = []string{`'`, `''`, `' OR '1'='1`, `--`, `养老'--`, `'; DROP TABLE organizations; --`, `;DROP TABLE needs`,
	`%`, `_`, `\`, `%_\`, `"`, `"养老`, `*`, `养老*`, `NEAR(养老 助餐)`, `养老 OR 1=1`, `养老 AND NOT 助餐`, `^`, `:`, `(`, `)`,
	`{}`, `a:b`, "\x00", "养老\x00", "\xff\xfe", "\xe5\xb9", strings.Repeat("养老 ", 300)}

// Attack: SQL and full-text metacharacters in every search box, filter and
// sort key of the pages. Rule: the page answers normally (200) or with a
// clear 400 (or a refusal of a scope one does not have), never a 500; the tables are intact afterwards; a sort key
// outside the allowlist is ignored.
func TestSearchMetacharactersHarmless(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		anon := f.browser(t)
		staff := f.browser(t)
		staff.login(f.staff)
		admin := f.browser(t)
		admin.login(f.admin)
		count := func() (n int) {
			_, n, err := s.FindOrganizations(storetest.Admin(), registry.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		pages := []struct {
			b     *browser
			path  string
			param []string
		}{
			{anon, "/organizations", []string{"q", "street", "community", "registration", "party_form", "category", "domain", "sort", "page"}},
			{anon, "/needs", []string{"q", "status", "street", "community", "category", "procedure", "min", "max", "page"}},
			{anon, "/solutions", []string{"q", "category", "sort", "page"}},
			{anon, "/activities", []string{"q", "type", "street", "community", "date", "page"}},
			{staff, "/meetings", []string{"q", "street", "status"}},
			{admin, "/admin/audit", []string{"q", "action", "actor", "page"}},
			{staff, "/dashboard", []string{"street", "community", "from", "to"}},
			{staff, "/needs/suggest", []string{"q", "title", "description"}},
		}
		for _, pg := range pages {
			for _, name := range pg.param {
				for _, v := range sqlMeta {
					code, body, _ := pg.b.get(pg.path + "?" + name + "=" + url.QueryEscape(v))
					// A filter naming a street outside one's scope may be refused (403/404).
					if code != 200 && code != 400 && code != 403 && code != 404 {
						t.Errorf("%s?%s=%q: %d %.120s", pg.path, name, v, code, regexpAlert(body))
					}
				}
			}
		}
		// The ledger of what is there is unchanged.
		if after := count(); after != before {
			t.Fatalf("organizations %d → %d after the attack", before, after)
		}
		// LIKE wildcards match themselves: "%" finds nothing here, not everything.
		if _, body, _ := anon.get("/organizations?q=" + url.QueryEscape("%")); strings.Contains(body, f.org.Name) {
			t.Error(`"%" matched every organization`)
		}
		// A sort key outside the allowlist lists as the default does.
		_, byName, _ := anon.get("/organizations?sort=name")
		_, bogus, _ := anon.get("/organizations?sort=" + url.QueryEscape("name; DROP TABLE organizations"))
		if between(byName, "<main", "</main>") != between(bogus, "<main", "</main>") {
			t.Error("an unknown sort key changed the listing")
		}
	})
}

// Attack: hostile form input — an oversized body, NUL and bad UTF-8,
// negative and overflowing amounts and weights, dates out of range. Rule: a
// 400 (413 for the size) with a Chinese message on the page and nothing
// stored.
func TestHostileFormsRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		comm := f.browser(t)
		comm.login(f.commStaff)
		needs := func() int {
			_, n, err := s.FindNeeds(storetest.Admin(), procurement.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		good := url.Values{"title": {"龙锦苑二区业委会组建指导"}, "description": {"社区希望在专业指导下依法依规组建业主委员会。"},
			"community": {f.community.ID}, "budget": {"8万"}, "procedure": {"open"},
			"criteria_name_0": {"方案可行性"}, "criteria_weight_0": {"100"}}
		with := func(k, v string) url.Values {
			c := url.Values{}
			for kk, vv := range good {
				c[kk] = vv
			}
			c.Set(k, v)
			return c
		}
		cases := []struct {
			name string
			form url.Values
			want string // on the page
		}{
			{"negative budget", with("budget", "-8万"), "金额"},
			{"negative fen", with("budget", "-1"), "金额"},
			{"overflowing budget", with("budget", "99999999999999999999"), "金额"},
			{"overflowing yuan", with("budget", "9223372036854775807万"), "金额"},
			{"budget as exponent", with("budget", "1e300"), "金额"},
			{"sign inside the fraction", with("budget", "80000.-5"), "金额"},
			{"negative weight", with("criteria_weight_0", "-100"), "权重"},
			{"overflowing weight", with("criteria_weight_0", "99999999999999999999"), "权重"},
			{"deadline year 0", with("deadline", "0000-01-01T10:00"), "日期超出可接受的范围"},
			{"deadline year 9999", with("deadline", "9999-12-31T10:00"), "日期超出可接受的范围"},
			{"deadline month 13", with("deadline", "2026-13-01T10:00"), "时间格式"},
			{"NUL in the title", with("title", "业委会\x00组建指导"), "无法识别的字符"},
			{"bad UTF-8 in the description", with("description", "社区希望\xff\xfe组建业主委员会。"), "无法识别的字符"},
		}
		before := needs()
		for _, c := range cases {
			code, body, _ := comm.post("/needs", c.form)
			if code != 400 || !strings.Contains(body, c.want) {
				t.Errorf("%s: %d, want 400 with %q: %.200s", c.name, code, c.want, regexpAlert(body))
			}
		}
		// Over the body limit: 413 with a Chinese page.
		code, body, _ := comm.post("/needs", with("description", strings.Repeat("长", 1<<20)))
		if code != 413 || !strings.Contains(body, "太大") {
			t.Errorf("oversized form: %d %.200s", code, regexpAlert(body))
		}
		if after := needs(); after != before {
			t.Fatalf("needs %d → %d: a refused form stored something", before, after)
		}
		// An activity's capacity and times, and a resident's suggestion.
		org := f.browser(t)
		org.login(f.orgAdmin)
		loc, _ := time.LoadLocation("Asia/Shanghai")
		start := time.Now().Add(48 * time.Hour).In(loc)
		act := url.Values{"title": {"龙锦苑中心花园绿植认养"}, "type": {"greening"}, "org": {f.org.ID}, "team": {"绿植认养队"},
			"street": {f.street.ID}, "community": {f.community.ID}, "address": {"龙锦苑二区中心花园"},
			"starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(2 * time.Hour).Format("2006-01-02T15:04")},
			"capacity": {"10"}, "eligibility": {"community"}, "publish": {"1"}}
		for k, v := range map[string]string{"capacity": "-5", "ends_at": "9999-01-01T10:00", "starts_at": "0001-01-01T00:00"} {
			bad := url.Values{}
			for kk, vv := range act {
				bad[kk] = vv
			}
			bad.Set(k, v)
			if code, body, _ := org.post("/activities", bad); code != 400 || !strings.Contains(body, `role="alert"`) {
				t.Errorf("activity %s=%s: %d", k, v, code)
			}
		}
		if _, n, _ := s.FindActivities(storetest.Admin(), activities.Filter{}); n != 0 {
			t.Fatalf("a refused activity was stored: %d", n)
		}
		// A joint meeting dated in year 1 or 9999.
		admin := f.browser(t)
		admin.login(f.admin)
		for _, day := range []string{"0001-01-01", "9999-03-05"} {
			if code, body, _ := admin.post("/meetings", url.Values{"title": {"2026年第一季度联席会"}, "held_on": {day}, "held_time": {"09:30"},
				"place": {"回天党群服务中心"}, "agenda": {"通报"}}); code != 400 || !strings.Contains(body, "日期超出可接受的范围") {
				t.Errorf("meeting on %s: %d %.200s", day, code, regexpAlert(body))
			}
		}
		if list, _ := s.FindMeetings(storetest.Admin(), store.MeetingFilter{}); len(list) != 0 {
			t.Fatalf("a refused meeting was recorded")
		}
	})
}

// uploadAs posts a multipart form with one file under field, declared an image.
func (b *browser) uploadAs(path, field, name string, content []byte, fields url.Values) (int, string) {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", b.csrf())
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+field+`"; filename="`+name+`"`)
	h.Set("Content-Type", "image/png") // what the client claims counts for nothing
	fw, _ := mw.CreatePart(h)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", b.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	code, body, _ := b.do(req)
	return code, body
}

// Attack: uploads that a browser would run — SVG with a script, HTML, a
// script, polyglots that start like an image or PDF but are HTML, a
// macro-enabled workbook — through every upload path (need attachments,
// proposal files and progress reports share one door; resident suggestion
// photos have their own). Rule: refused at upload with a Chinese message
// (content sniffed, the name and declared type ignored), nothing stored;
// what is stored downloads with its sniffed type, nosniff, a sandbox CSP,
// and as an attachment unless it is an image.
func TestHostileUploadsRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTenderFixture(t, s)
		street := f.signedIn(t, f.staff)
		hostile := map[string][]byte{
			"x.svg":      []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>`),
			"x.png":      []byte("<!DOCTYPE html><script>alert(1)</script>"),
			"x.html":     []byte("<html><body onload=alert(1)>"),
			"x.js":       []byte("alert(document.cookie)"),
			"bom.pdf":    []byte("\xef\xbb\xbf<svg onload=alert(1)>"),
			"x.xml":      []byte(`<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>`),
			"gif.jpg":    []byte("GIF89a/*<script>alert(1)</script>*/"),
			"macro.xlsm": zipWith(t, "xl/workbook.xml", "xl/vbaProject.bin"),
			"empty.pdf":  {},
		}
		for name, content := range hostile {
			code, body := street.uploadAs(f.page()+"/attachments", "files", name, content, nil)
			if code != 400 || !strings.Contains(body, `id="attach-files-error"`) {
				t.Errorf("attachment %s: %d %s", name, code, regexpAlert(body))
			}
		}
		if docs, _ := s.FindNeedAttachments(f.as(t, f.staff), f.need.ID); len(docs) != 0 {
			t.Fatalf("%d hostile attachments stored", len(docs))
		}
		// Too large: over the document limit, refused with its size.
		if code, body := street.uploadAs(f.page()+"/attachments", "files", "big.pdf", append([]byte("%PDF-"), make([]byte, store.MaxDocumentBytes)...), nil); code != 400 && code != 413 {
			t.Errorf("oversized attachment: %d %s", code, regexpAlert(body))
		}

		// A resident's photo: only images, sniffed.
		res := residentBrowser(t, f.fixture, "13700007401", false)
		for _, name := range []string{"x.svg", "x.png", "x.html", "bom.pdf"} {
			code, body := res.uploadAs("/portal/suggestions", "photo", name, hostile[name], url.Values{"body": {"3号楼门口路灯坏了，晚上很黑"}})
			if code != 400 || !strings.Contains(body, "只能上传照片") {
				t.Errorf("photo %s: %d %s", name, code, regexpAlert(body))
			}
		}
		if list, _, _ := s.FindSuggestions(storetest.Admin(), portal.Filter{CommunityID: f.community.ID}); len(list) != 0 {
			t.Fatalf("a suggestion with a hostile photo was stored")
		}
		if code, body := res.uploadAs("/portal/suggestions", "photo", "灯.png", attachPNG, url.Values{"body": {"3号楼门口路灯坏了，晚上很黑"}}); code != 303 {
			t.Fatalf("a real photo: %d %s", code, regexpAlert(body))
		}
		list, _, _ := s.FindSuggestions(storetest.Admin(), portal.Filter{CommunityID: f.community.ID})
		if len(list) != 1 {
			t.Fatalf("%d suggestions", len(list))
		}
		if code, _, h := res.get("/portal/suggestions/" + list[0].ID + "/photo"); code != 200 || h.Get("Content-Type") != "image/png" ||
			h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("photo download: %d %v", code, h)
		}

		// What is accepted downloads safely: a PDF as an attachment, an image inline, both sandboxed.
		if code, body := street.uploadFiles(f.page()+"/attachments", nil, map[string][]byte{`"><svg onload=alert(1)>.pdf`: attachPDF, "现场.png": attachPNG}); code != 303 {
			t.Fatalf("good upload: %d %s", code, regexpAlert(body))
		}
		docs, _ := s.FindNeedAttachments(f.as(t, f.staff), f.need.ID)
		if len(docs) != 2 {
			t.Fatalf("%d attachments", len(docs))
		}
		anon := f.browser(t)
		for _, d := range docs {
			code, _, h := anon.get("/documents/" + d.ID)
			disp := h.Get("Content-Disposition")
			if code != 200 || h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
				(d.Type == "application/pdf") != strings.HasPrefix(disp, "attachment;") || strings.Contains(disp, "<svg") && !strings.Contains(disp, `"`) {
				t.Errorf("download %s (%s): %d %v", d.Name, d.Type, code, h)
			}
			if d.Type != "application/pdf" && d.Type != "image/png" {
				t.Errorf("%s stored as %s", d.Name, d.Type)
			}
		}
	})
}

// zipWith is a zip archive holding empty files with these names.
func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		if _, err := zw.Create(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
