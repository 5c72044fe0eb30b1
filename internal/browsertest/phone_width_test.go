package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// phone390 is a 390×844 phone (the tester's).
func phone390() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2))
}

// fits390 fails the test when the page scrolls sideways in the 390px window.
func fits390(t *testing.T, what string, width struct{ Scroll, Inner int }) {
	t.Helper()
	if width.Inner != 390 || width.Scroll > width.Inner {
		t.Errorf("%s on a 390px phone: page %dpx wide in a %dpx window", what, width.Scroll, width.Inner)
	}
}

// TestPhoneCertificate: an academy certificate's page fits a 390px phone;
// its verification address (one long word in monospace) wraps instead of
// widening the page to 569px.
func TestPhoneCertificate(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	admin := storetest.Admin()
	sessions, err := s.Store.FindCourseSessions(admin, store.CourseSessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	cert := ""
	for _, se := range sessions {
		roster, err := s.Store.FindRoster(admin, se.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range roster {
			if e.CertificateID != "" {
				cert = e.CertificateID
			}
		}
	}
	if cert == "" {
		t.Fatal("no certificate in the demo")
	}
	ctx := newTab(t)
	run(t, ctx, "emulate a phone", phone390())
	visit(t, ctx, s, "/academy/certificates/"+cert, "#certificate")
	fits390(t, "a certificate", get(t, ctx, "measure the certificate", chromedp.Evaluate[struct{ Scroll, Inner int }](
		`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`)))
}

// TestPhoneDashboardHeadings: on a 390px phone the dashboard's tables keep
// each column heading on one line and scroll sideways in their
// .table-scroll (docs/dashboard.md), where the headings came out a
// character a line.
func TestPhoneDashboardHeadings(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	ctx := newTab(t)
	signIn(t, ctx, s, "13800000002", "李晓燕", "")
	run(t, ctx, "emulate a phone", phone390())
	visit(t, ctx, s, "/dashboard", "#dash-streets table")
	fits390(t, "the dashboard", get(t, ctx, "measure the dashboard", chromedp.Evaluate[struct{ Scroll, Inner int }](
		`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`)))
	got := get(t, ctx, "measure the headings", chromedp.Evaluate[struct {
		Headings int
		Wrapped  []string
	}](`(() => {
		const out = {Headings: 0, Wrapped: []};
		for (const th of document.querySelectorAll("main .table-scroll th")) {
			out.Headings++;
			const r = document.createRange();
			r.selectNodeContents(th);
			if (r.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(th).lineHeight)) {
				out.Wrapped.push(th.innerText.trim());
			}
		}
		return out;
	})()`))
	if got.Headings < 10 {
		t.Fatalf("only %d table headings on the dashboard", got.Headings)
	}
	for _, h := range got.Wrapped {
		t.Errorf("the heading %q wraps on a 390px phone", h)
	}
}
