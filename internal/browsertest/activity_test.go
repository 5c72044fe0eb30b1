package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// residentSignIn signs the demo resident in by SMS code in ctx.
func residentSignIn(t *testing.T, ctx context.Context, s *site, phone string) {
	t.Helper()
	visit(t, ctx, s, "/login?tab=code", "#code-send")
	run(t, ctx, "ask for a code",
		chromedp.SendKeys(chromedp.CSS("#cphone"), phone),
		chromedp.Click(chromedp.CSS("#code-send")),
		chromedp.WaitVisible(chromedp.CSS("#code")))
	code := sixDigits.FindString(s.Inbox.Last(phone))
	run(t, ctx, "enter the code",
		chromedp.SendKeys(chromedp.CSS("#code"), code),
		chromedp.Click(chromedp.CSS("#code-submit")),
		chromedp.WaitVisible(chromedp.CSS(`header a[href="/me"]`)))
}

// TestActivityJourney: at the demo's running activity the organizer shows
// the rotating code, 张桂兰 signs up and checks in by typing it, the
// organizer checks her out from the list and confirms her hours, and she
// sees them and prints a certificate. The hours earn her points: on public
// notice first (her name masked), then, the notice over, issued by the
// coordinator into her balance. The screenshots illustrate
// docs/activities.md.
func TestActivityJourney(t *testing.T) {
	needBrowser(t)
	st := storetest.Open(t, store.SQLite)
	clock := &journeyClock{}
	st.Now = clock.now
	// The notice lasts days of the site's clock: sessions last longer here.
	cfg := config.Default()
	cfg.SessionIdle, cfg.SessionAbsolute = 60*24*time.Hour, 90*24*time.Hour
	s := newSiteConfig(t, st, cfg)
	bg := context.Background()
	list, _, err := s.Store.FindActivities(bg, activities.Filter{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	var act *activities.Activity
	for _, a := range list {
		if a.Title == "龙锦苑中心花园绿植认养" {
			act = a
		}
	}
	if act == nil {
		t.Fatal("the demo's running activity is missing")
	}

	org := newTab(t)
	signIn(t, org, s, "13800000004", "陈思雨", "")
	visit(t, org, s, "/activities/new", "#activity-form")
	run(t, org, "fill the form",
		chromedp.SendKeys(chromedp.CSS("#title"), "周末社区书屋图书整理"),
		chromedp.SendKeys(chromedp.CSS("#address"), "龙锦苑二区社区书屋"))
	shot(t, org, s, "activity-new.png")
	visit(t, org, s, "/activities/"+act.ID, "#organizer")
	run(t, org, "show the code", chromedp.Click(chromedp.CSS("#show-code")), chromedp.WaitVisible(chromedp.CSS("#venue-code")))
	if w := get(t, org, "QR image", chromedp.Evaluate[int](`document.querySelector("#venue-qr").naturalWidth`)); w < 64 {
		t.Fatalf("the QR image did not load: width %d", w)
	}
	shot(t, org, s, "activity-code.png")

	res := newTab(t)
	residentSignIn(t, res, s, "13800000010")
	visit(t, res, s, "/activities", "#activity-results")
	shot(t, res, s, "activity-list.png")
	visit(t, res, s, "/activities/"+act.ID, "#signup")
	shot(t, res, s, "activity-signup.png")
	run(t, res, "sign up", chromedp.Click(chromedp.CSS("#signup")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	contains(t, "signed up", text(t, res, "main"), "报名成功")
	run(t, res, "go to check-in", chromedp.Click(chromedp.CSS("#go-checkin")), chromedp.WaitVisible(chromedp.CSS("#code")))

	// The code on the organizer's phone now (the page reloads itself as it changes).
	visit(t, org, s, "/activities/"+act.ID+"/code", "#venue-code")
	code := text(t, org, "#venue-code")
	if !sixDigits.MatchString(code) {
		t.Fatalf("venue code %q", code)
	}
	run(t, res, "type the code", chromedp.SendKeys(chromedp.CSS("#code"), code))
	shot(t, res, s, "activity-checkin.png")
	run(t, res, "check in", chromedp.Click(chromedp.CSS("#checkin-submit")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	contains(t, "checked in", text(t, res, ".flash"), "签到成功")
	contains(t, "state", text(t, res, "#checkin-state"), "签到")

	// At the end the organizer checks her out from the list (right after
	// she checked in she would have no time, and a row without time is not
	// ticked for confirmation) and confirms 2.5 hours.
	clock.off.Add(int64(150 * time.Minute))
	gs, err := s.Store.FindSignups(storetest.Admin(), act.ID)
	if err != nil {
		t.Fatal(err)
	}
	sid := ""
	for _, g := range gs {
		if g.UserName == "张桂兰" {
			sid = g.ID
		}
	}
	if sid == "" {
		t.Fatal("张桂兰 is not on the list")
	}
	visit(t, org, s, "/activities/"+act.ID+"/attendance", "#roster")
	run(t, org, "check out by list", chromedp.Click(chromedp.CSS("#row-"+sid+" .mark-out")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	contains(t, "out by list", text(t, org, "#row-"+sid), "名单代签")
	get(t, org, "clear the hours", chromedp.Evaluate[string](`document.querySelector('input[name="hours_`+sid+`"]').value = ""`))
	run(t, org, "type the hours", chromedp.SendKeys(chromedp.CSS(`input[name="hours_`+sid+`"]`), "2.5"))
	if !get(t, org, "ticked", chromedp.Evaluate[bool](`document.querySelector("#confirm-`+sid+`").checked`)) {
		t.Fatal("a checked-out resident is not ticked for confirmation")
	}
	shot(t, org, s, "activity-confirm.png")
	// The page shows the list-checkout notice already: wait for the confirmed hours instead.
	run(t, org, "confirm", chromedp.Click(chromedp.CSS("#confirm-submit")), chromedp.WaitVisible(chromedp.CSS("#row-"+sid+" strong")))
	contains(t, "confirmed", text(t, org, "#row-"+sid), "2.5")

	// The confirmed hours earn points under the district's rules: on the
	// public notice with her name masked, issued once the notice is over.
	visit(t, res, s, "/me/points", "#balance")
	before := balance(t, res)
	pub := newTab(t)
	visit(t, pub, s, "/points/notice", "#notice")
	notice := text(t, pub, "#notice")
	if strings.Contains(notice, "张桂兰") || !get(t, pub, "her award on notice", chromedp.Evaluate[bool](
		`[...document.querySelectorAll("#notice tbody tr")].some(tr => tr.innerText.includes("张**") && tr.innerText.includes("志愿服务 2.5 小时"))`)) {
		t.Fatalf("the public notice reads %q", notice)
	}
	clock.off.Add(int64(4 * 24 * time.Hour))
	admin := newTab(t)
	signIn(t, admin, s, "13800000001", "周明远", "")
	visit(t, admin, s, "/admin/points", `form[action="/admin/points/issue"] button`)
	submit(t, admin, "issue the awards past their notice", `form[action="/admin/points/issue"] button`, "")
	visit(t, res, s, "/me/points", "#balance")
	if after := balance(t, res); after < before+25 {
		t.Fatalf("balance %d after the awards, %d before: 2.5 hours at 10 an hour earn 25 at least", after, before)
	}
	contains(t, "history", text(t, res, "#history"), "志愿服务 2.5 小时")

	// She sees her hours (7.5 from her history and 2.5 today) and a certificate.
	visit(t, res, s, "/me/hours", "#hours")
	contains(t, "total", text(t, res, "#hours-total"), "10 小时，共 4 次活动")
	shot(t, res, s, "me-hours.png")
	run(t, res, "certificate", chromedp.Click(chromedp.CSS("#certificate-issue")), chromedp.WaitVisible(chromedp.CSS("#certificate")))
	contains(t, "certificate", text(t, res, "#certificate"), "张桂兰")
	contains(t, "certificate hours", text(t, res, "#certificate-hours"), "10")
	shot(t, res, s, "certificate.png")
	verify := text(t, res, "#certificate-verify")

	// Anyone can verify it; the name is masked for them.
	anon := newTab(t)
	run(t, anon, "verify", chromedp.Navigate(verify), chromedp.WaitVisible(chromedp.CSS("#certificate")))
	if got := text(t, anon, "#certificate"); !contains2(got, "张**") || contains2(got, "张桂兰") {
		t.Fatalf("verification page shows %q", got)
	}
}

func contains2(s, sub string) bool { return strings.Contains(s, sub) }
