package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/server"
)

// pageFiles is the explicit list of page templates; each is parsed together
// with layout.html. A test checks every file in templates/ is listed.
var pageFiles = []string{
	"home.html", "org_list.html", "org_show.html", "org_form.html", "login.html", "me.html",
	"admin_home.html", "admin_streets.html", "admin_street.html", "admin_community.html",
	"admin_users.html", "admin_user.html", "admin_audit.html", "admin_import.html", "admin_merchants.html", "need_list.html", "need_show.html", "need_form.html", "dev_inbox.html", "error.html",
	"need_scores.html", "need_contract.html", "me_needs.html", "me_proposals.html", "me_notifications.html",
	"solution_list.html", "solution_show.html", "solution_form.html", "admin_solutions.html",
	"admin_thesaurus.html",
	"activity_list.html", "activity_show.html", "activity_form.html", "activity_code.html", "activity_checkin.html",
	"activity_attendance.html", "me_hours.html", "certificate.html", "admin_activity_flags.html",
	"me_points.html", "merchant_points.html", "merchant_settlements.html", "admin_points.html",
	"points_notice.html", "admin_points_rules.html", "points_scan.html",
	"incubation.html", "incubation_space.html", "incubation_manage.html", "incubation_show.html",
	"academy.html", "academy_session.html", "academy_certificate.html",
	"meeting_list.html", "meeting_form.html", "meeting_show.html", "meeting_action.html",
	"dashboard.html",
	"admin_points_grant.html", "academy_code.html",
	"grants_home.html", "grants_fund.html", "grants_receipt.html", "grants_round.html", "grants_application.html",
	"portal_home.html", "portal_suggestion_form.html", "portal_suggestion.html", "portal_inbox.html",
	"portal_privacy.html", "portal_export.html", "portal_assist.html", "portal_offline.html",
	"audit_heads.html",
}

// pageParts are fragments parsed with one page only (the need page's sections).
var pageParts = map[string][]string{

	"need_show.html": {"need_tender.html", "need_delivery.html", "need_attachments.html", "need_match.html"},
	"org_show.html":  {"org_incubation.html", "party_org.html"},
}

// partialFiles are shared fragments parsed into every page.
var partialFiles = []string{"layout.html", "partials.html", "solution_parts.html", "points_parts.html", "grants_parts.html"}

type templates map[string]*template.Template

// selectOptions is the <option> list of a filter menu ("need_status",
// "category") with selected marked: made here in one call, where the
// template's range made five calls an option (the board's two menus were a
// third of its template calls).
func (a *app) selectOptions(l i18n.Lang, kind string, selected any) template.HTML {
	sel := fmt.Sprint(selected)
	var b strings.Builder
	add := func(value, label string) {
		b.WriteString(`<option value="` + template.HTMLEscapeString(value) + `"`)
		if value == sel {
			b.WriteString(` selected`)
		}
		b.WriteString(`>` + template.HTMLEscapeString(label) + `</option>`)
	}
	switch kind {
	case "need_status", "need_status_public":
		for _, st := range boardStatuses {
			if kind == "need_status" || st.Public() {
				add(string(st), a.Catalog.T(l, "need_status."+string(st)))
			}
		}
	case "category":
		for _, c := range registry.Categories {
			add(c.Code, a.Catalog.T(l, "category."+c.Code))
		}
	}
	return template.HTML(b.String())
}

func (a *app) parseTemplates() (templates, error) {
	funcs := template.FuncMap{
		"t":                func(l i18n.Lang, key string, args ...any) string { return a.Catalog.T(l, key, args...) },
		"maskPhone":        accounts.MaskPhone,
		"date":             func(t time.Time) string { return t.In(a.loc).Format("2006-01-02") },
		"datetime":         func(t time.Time) string { return t.In(a.loc).Format("2006-01-02 15:04") },
		"category":         func(l i18n.Lang, code string) string { return a.Catalog.T(l, "category."+code) },
		"categories":       func() []registry.Category { return registry.Categories },
		"roles":            func() []accounts.Role { return accounts.Roles },
		"list_party_forms": func() []registry.PartyForm { return registry.PartyForms },
		"list_sorts":       func() []string { return registry.SortKeys },
		"add":              func(a, b int) int { return a + b },
		"minus":            func(a, b int64) int64 { return a - b },
		"join":             strings.Join,
		"hasPrefix":        strings.HasPrefix,
		"pages":            pageNumbers,
		"withPage": func(q url.Values, p int) string {
			c := url.Values{}
			for k, v := range q {
				c[k] = v
			}
			c.Set("page", strconv.Itoa(p))
			return "?" + c.Encode()
		},
		"now":           func() time.Time { return a.Store.Now() },
		"yuan":          procurement.FormatFen,
		"auditAmounts":  a.auditAmounts,
		"note_required": func(act procurement.Action) bool { return noteRequired[act] },
		"list":          func(xs ...string) []string { return xs },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		"hl":      a.highlight,
		"options": a.selectOptions,
		"csrfField": func(tok string) template.HTML {
			return template.HTML(`<input type="hidden" name="` + server.CSRFField + `" value="` + template.HTMLEscapeString(tok) + `">`)
		},
	}
	for k, v := range a.tenderFuncs() {
		funcs[k] = v
	}
	for k, v := range a.solutionFuncs() {
		funcs[k] = v
	}
	for k, v := range a.activityFuncs() {
		funcs[k] = v
	}
	for k, v := range a.incubationFuncs() {
		funcs[k] = v
	}
	for k, v := range a.coordinationFuncs() {
		funcs[k] = v
	}
	for k, v := range a.grantsFuncs() {
		funcs[k] = v
	}
	for k, v := range a.portalFuncs() {
		funcs[k] = v
	}
	out := templates{}
	for _, p := range pageFiles {
		files := append([]string{}, partialFiles...)
		files = append(files, p)
		files = append(files, pageParts[p]...)
		for i := range files {
			files[i] = "templates/" + files[i]
		}
		t, err := template.New(p).Funcs(funcs).ParseFS(assets, files...)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", p, err)
		}
		out[p] = t
	}
	return out, nil
}

// pageNumbers returns the page links to show around cur (0 marks a gap).
func pageNumbers(cur, total, per int) []int {
	n := (total + per - 1) / per
	if n <= 1 {
		return nil
	}
	var out []int
	for i := 1; i <= n; i++ {
		if i == 1 || i == n || (i >= cur-2 && i <= cur+2) {
			out = append(out, i)
		} else if len(out) > 0 && out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}

// page is what every template receives.
type page struct {
	Title  string
	Lang   i18n.Lang
	Actor  *accounts.User
	CSRF   string
	Path   string
	Flash  string
	Error  string            // a message for the whole form or page
	Fields map[string]string // field → message
	Form   url.Values        // submitted values to re-fill a form
	Dev    bool
	Data   any
	Unread int // the signed-in person's unread notifications
	// InlineCSS, when set, is app.css delivered inside the page (the
	// resident portal's home: one round trip on a slow phone network), and
	// Lean leaves out the page scripts.
	InlineCSS template.CSS
	Lean      bool
	// Elderly is elderly mode (长辈模式): larger type, higher contrast,
	// bigger targets, fewer items; remembered in a cookie (and for a
	// signed-in resident, in their preferences).
	Elderly bool
	// Passkeys: passkeys can work at this address (not an IP address), so
	// the pages offer them.
	Passkeys bool
}

// Can lets templates show only what the actor may do.
func (p *page) Can(action string, res accounts.Resource) bool {
	return accounts.Allowed(p.Actor, accounts.Action(action), res)
}

// Has reports whether the actor holds a role.
func (p *page) Has(role string) bool { return p.Actor != nil && p.Actor.Has(accounts.Role(role)) }

// Admin reports whether the actor sees the admin area at all.
func (p *page) Admin() bool {
	return p.Has("platform_admin") || p.Has("auditor") || p.Has("street_staff") || p.Has("community_staff")
}

func (a *app) newPage(w http.ResponseWriter, r *http.Request, titleKey string, data any) *page {
	l := server.Lang(r)
	p := &page{Lang: l, Actor: accounts.ActorFrom(r.Context()), CSRF: server.CSRFToken(r), Path: r.URL.Path,
		Data: data, Fields: map[string]string{}, Form: url.Values{}, Dev: a.Inbox != nil}
	if titleKey != "" {
		p.Title = a.Catalog.T(l, titleKey)
	}
	if ph := csrfPlaceholder(r.Context()); ph != "" {
		p.CSRF = ph // a copy for every visitor (visitor_cache.go)
	}
	p.Elderly = elderlyCookie(r)
	p.Passkeys = a.passkeysHere(r)
	if p.Actor != nil {
		// The header's count only: a failure here must not cost the page.
		p.Unread, _ = a.Store.CountUnreadNotifications(r.Context())
	}
	if c, err := r.Cookie(flashCookie); err == nil && a.Catalog.Has(c.Value) {
		p.Flash = a.Catalog.T(l, c.Value)
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	}
	return p
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (a *app) render(w http.ResponseWriter, r *http.Request, name string, status int, p *page) {
	buf := a.pages.buffer()
	defer a.pages.release(buf)
	if err := a.tmpl[name].ExecuteTemplate(buf, "layout", p); err != nil {
		a.Logger.Error("render", "template", name, "request_id", server.RequestID(r.Context()), "err", err)
		http.Error(w, a.Catalog.T(p.Lang, "error.internal"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Add("Vary", "Accept-Encoding")
	// The browser may fetch the stylesheet and script as soon as these
	// headers arrive, in parallel with the page: one round trip less on a
	// slow phone network.
	if p.InlineCSS == "" {
		w.Header().Add("Link", "</static/app.css>; rel=preload; as=style")
	}
	if !p.Lean {
		w.Header().Add("Link", "</static/app.js>; rel=preload; as=script")
	}
	if buf.Len() > 1024 && acceptsGzip(r) {
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(status)
		a.pages.writeGzip(w, buf.Bytes())
		return
	}
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// fail renders an error page for err (not found, forbidden, …); sign-in
// errors send the visitor to the login page and back.
func (a *app) fail(w http.ResponseWriter, r *http.Request, err error) {
	e := errs.As(err)
	if e.Code == errs.Unauthorized && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if e.Code == errs.Internal {
		a.Logger.Error("request failed", "request_id", server.RequestID(r.Context()), "path", r.URL.Path, "err", err)
	}
	if e.Code == errs.Busy {
		w.Header().Set("Retry-After", strconv.Itoa(int(a.Passwords.RetryAfter().Seconds())))
	}
	p := a.newPage(w, r, "error.title", nil)
	p.Error = a.Catalog.Error(p.Lang, err)
	if e.Code == errs.Internal {
		p.Data = server.RequestID(r.Context())
	}
	a.render(w, r, "error.html", errs.HTTPStatus(err), p)
}

// formFailed re-renders a form with its errors marked per field.
func (a *app) formFailed(w http.ResponseWriter, r *http.Request, name string, p *page, err error) {
	code := errs.CodeOf(err)
	// Too many tries stays on the form as well: the reader waits the time
	// the message says and tries again from there (a merchant's counter, a
	// check-in code), not from an error page.
	if code != errs.Invalid && code != errs.Conflict && code != errs.TooMany {
		a.fail(w, r, err)
		return
	}
	fields := errs.Fields(err)
	if len(fields) == 0 {
		p.Error = a.Catalog.Error(p.Lang, err)
	}
	for _, f := range fields {
		if _, seen := p.Fields[f.Field]; !seen {
			p.Fields[f.Field] = a.Catalog.T(p.Lang, f.Key, f.Args...)
		}
	}
	if p.Error == "" && len(fields) > 0 {
		p.Error = a.Catalog.T(p.Lang, "form.has_errors", len(p.Fields)) // fields marked, not errors (one field may have two)
	}
	p.Form = r.PostForm
	a.render(w, r, name, errs.HTTPStatus(err), p)
}

// formAgain rebuilds a page with build and shows it with err marked on its form.
func (a *app) formAgain(w http.ResponseWriter, r *http.Request, name string,
	build func(http.ResponseWriter, *http.Request) (*page, error), err error) {
	p, perr := build(w, r)
	if perr != nil {
		a.fail(w, r, perr)
		return
	}
	a.formFailed(w, r, name, p, err)
}

const flashCookie = "huitian_flash"

// redirect sends the browser on after a successful POST with a one-time notice.
func (a *app) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) {
	if flashKey != "" {
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: flashKey, Path: "/", MaxAge: 60, HttpOnly: true,
			SameSite: http.SameSiteLaxMode})
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// actor returns the signed-in user or an Unauthorized error.
func actor(r *http.Request) (*accounts.User, error) {
	if u := accounts.ActorFrom(r.Context()); u != nil {
		return u, nil
	}
	return nil, errs.E(errs.Unauthorized, "auth.required")
}

func (a *app) notFound(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, errs.E(errs.NotFound, "error.not_found_page"))
}

// tooLarge answers a form over the body limit (an upload too big) with 413.
func (a *app) tooLarge(w http.ResponseWriter, r *http.Request) {
	p := a.newPage(w, r, "error.title", nil)
	p.Error = a.Catalog.T(p.Lang, "error.too_large")
	a.render(w, r, "error.html", http.StatusRequestEntityTooLarge, p)
}

func (a *app) csrfFailed(w http.ResponseWriter, r *http.Request) {
	a.fail(w, r, errs.E(errs.Forbidden, "error.csrf"))
}

// safeNext keeps a post-login redirect on this site: a path on this host,
// never another host. Browsers drop tabs and newlines from a Location and
// read a backslash as a slash, so "/\t/evil.example" or "/\\evil.example"
// would leave the site: any control character or backslash, and anything
// that parses with a scheme or host, gives "/".
func safeNext(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsRune(s, '\\') ||
		strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	if u, err := url.Parse(s); err != nil || u.Scheme != "" || u.Host != "" || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return s
}

// atoi parses a form number; "" is 0.
func atoi(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

func itoa(n int) string { return strconv.Itoa(n) }
