package browsertest

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestStoredXSSDoesNotRun: payloads stored in an organization's name and
// description, a published need's title and description and an activity
// (as their owners could write them) and a payload in a search query do
// not run in a real browser on the main pages: window.__xss stays
// undefined while the payload is on the page as text. Two layers hold it:
// the templates escape it and the CSP forbids inline script.
func TestStoredXSSDoesNotRun(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	ctx := storetest.Admin()
	const (
		short   = `"><svg onload=window.__xss=3>{{.}}`
		payload = `<script>window.__xss=1</script>"><img src=x onerror="window.__xss=2"><svg onload=window.__xss=3>' onfocus='window.__xss=4' autofocus x='`
	)
	orgs, _, err := s.Store.FindOrganizations(ctx, registry.Filter{PerPage: 1})
	if err != nil || len(orgs) == 0 {
		t.Fatalf("organizations: %v", err)
	}
	name, desc := "惠民"+short, payload
	if _, err := s.Store.UpdateOrganization(ctx, orgs[0].ID, registry.Update{Name: &name, Description: &desc}); err != nil {
		t.Fatal(err)
	}
	// The street's staff member (the demo's 李晓燕) edits a published need of the street.
	staff, err := s.Store.FindUserByPhone(context.Background(), "13800000002")
	if err != nil || len(staff.Grants) == 0 {
		t.Fatalf("street staff: %v", err)
	}
	needs, _, err := s.Store.FindNeeds(ctx, procurement.Filter{Status: procurement.Published, StreetID: staff.Grants[0].ScopeID, PerPage: 1})
	if err != nil || len(needs) == 0 {
		t.Fatalf("needs: %v", err)
	}
	title, ndesc := "需求"+short, payload
	if _, err := s.Store.UpdateNeed(accounts.WithActor(context.Background(), staff), needs[0].ID, store.NeedUpdate{Title: &title, Description: &ndesc}, procurement.DefaultRules()); err != nil {
		t.Fatal(err)
	}

	tab := newTab(t)
	for _, p := range []string{"/", "/organizations", "/organizations/" + orgs[0].ID, "/needs", "/needs/" + needs[0].ID,
		"/organizations?q=" + url.QueryEscape(payload), "/needs?q=" + url.QueryEscape(payload), "/login?next=" + url.QueryEscape("javascript:window.__xss=5")} {
		visit(t, tab, s, p, "main")
		// Let onload/onerror handlers (were there any) fire.
		run(t, tab, "settle", chromedp.Sleep(200_000_000))
		if got := get(t, tab, "read window.__xss", chromedp.Evaluate[string](`String(window.__xss)`)); got != "undefined" {
			t.Fatalf("%s: a payload ran (window.__xss = %s)", p, got)
		}
		if p != "/" && p != "/organizations" && p != "/needs" && p[:6] != "/login" {
			if !get(t, tab, "payload shown", chromedp.Evaluate[bool](`document.body.innerText.includes("window.__xss") || document.body.innerText.includes("onload=")`)) {
				t.Errorf("%s: the payload is not on the page as text, so the check proves nothing", p)
			}
		}
	}
	// The login form's next, submitted, does not lead to a javascript: URL.
	if href := get(t, tab, "next field", chromedp.Evaluate[string](`(document.querySelector('input[name="next"]')||{value:"/"}).value`)); strings.Contains(href, ":") {
		t.Fatalf("login keeps next %q", href)
	}
}
