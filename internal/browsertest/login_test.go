package browsertest

import (
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

// codeSignIn signs a resident in by SMS code and returns the name in the
// header. The code is read where a developer reads it, on /dev/inbox, in a
// second tab of the same browser.
func codeSignIn(t *testing.T, s *site, phone string, screenshots bool) string {
	t.Helper()
	ctx := newTab(t)
	visit(t, ctx, s, "/login?tab=code", "#code-send")
	run(t, ctx, "ask for a code",
		chromedp.SendKeys(chromedp.CSS("#cphone"), phone),
		chromedp.Click(chromedp.CSS("#code-send")),
		chromedp.WaitVisible(chromedp.CSS("#code")))
	contains(t, "notice", text(t, ctx, ".flash"), phone[:3]+"****"+phone[7:])
	if screenshots {
		shot(t, ctx, s, "login-code.png")
	}

	inbox, closeInbox := chromedp.NewContext(ctx) // a second tab, same browser context
	defer closeInbox()
	visit(t, inbox, s, "/dev/inbox", "#inbox")
	if screenshots {
		shot(t, inbox, s, "dev-inbox.png")
	}
	row := text(t, inbox, "#inbox tbody tr")
	contains(t, "inbox", row, phone)
	m := sixDigits.FindStringSubmatch(row)
	if m == nil {
		t.Fatalf("no code in the inbox row %q", row)
	}
	code := m[1]
	if sent := sixDigits.FindString(s.Inbox.Last(phone)); sent != code {
		t.Fatalf("/dev/inbox shows %s, the sender got %q", code, sent)
	}

	run(t, ctx, "enter the code",
		chromedp.SendKeys(chromedp.CSS("#code"), code),
		chromedp.Click(chromedp.CSS("#code-submit")),
		chromedp.WaitVisible(chromedp.CSS(`header a[href="/me"]`)))
	return text(t, ctx, `header a[href="/me"]`)
}

// TestResidentCodeSignIn: the demo resident signs in with a one-time code,
// and a phone never seen before gets a resident account on first sign-in.
func TestResidentCodeSignIn(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	if got := codeSignIn(t, s, "13800000010", true); got != "张桂兰" {
		t.Fatalf("header shows %q, want 张桂兰", got)
	}
	if got := codeSignIn(t, s, "13700001234", false); got != "居民1234" {
		t.Fatalf("a first sign-in shows %q, want the new account 居民1234", got)
	}
}

// TestStaffNeedPassword: a code proves only the phone, so a staff phone is
// sent to the password form.
func TestStaffNeedPassword(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	ctx := newTab(t)
	visit(t, ctx, s, "/login?tab=code", "#code-send")
	run(t, ctx, "ask for a code",
		chromedp.SendKeys(chromedp.CSS("#cphone"), "13800000002"),
		chromedp.Click(chromedp.CSS("#code-send")),
		chromedp.WaitVisible(chromedp.CSS("#code")))
	code := sixDigits.FindString(s.Inbox.Last("13800000002"))
	run(t, ctx, "enter the code",
		chromedp.SendKeys(chromedp.CSS("#code"), code),
		chromedp.Click(chromedp.CSS("#code-submit")),
		chromedp.WaitVisible(chromedp.CSS("#login-password")))
	contains(t, "staff by code", text(t, ctx, ".alert"), "请使用密码登录")
}
