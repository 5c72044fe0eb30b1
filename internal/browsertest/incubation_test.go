package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestIncubationJourney: an organization applies to its street's base, the
// street's staff admit it, it books a room, enrolls in a coming session of
// the academy, the district's staff mark it present on the day, and it
// opens its certificate, which the public verifies with the name masked.
// Screenshots for docs/incubation.md.
func TestIncubationJourney(t *testing.T) {
	needBrowser(t)
	st := storetest.Open(t, store.SQLite)
	clock := &journeyClock{}
	st.Now = clock.now
	cfg := config.Default()
	cfg.SessionIdle, cfg.SessionAbsolute = 90*24*time.Hour, 120*24*time.Hour
	s := newSiteConfig(t, st, cfg)
	admin := storetest.Admin()
	bases, err := st.FindBases(admin)
	if err != nil {
		t.Fatal(err)
	}
	var base *incubation.Base
	for _, b := range bases {
		if b.StreetName == "回龙观街道" {
			base = b
		}
	}
	if base == nil {
		t.Fatal("no 回龙观 base in the demo")
	}
	ctx := newTab(t)

	// The organization applies (陈思雨, admin of 回龙观惠民社会工作服务中心).
	signIn(t, ctx, s, "13800000004", "陈思雨", "")
	visit(t, ctx, s, "/incubation", "#apply")
	shot(t, ctx, s, "incubation-home.png")
	scrollTo(t, ctx, "#apply")
	run(t, ctx, "fill the application",
		chromedp.SetValue(chromedp.CSS("#apply-base"), base.ID),
		chromedp.SendKeys(chromedp.CSS("#apply-statement"), "我们在回龙观开展为老服务和社区议事陪伴，希望入驻街道孵化基地，获得办公场地和财务规范方面的辅导。"))
	shot(t, ctx, s, "incubation-apply.png")
	submit(t, ctx, "apply", "#apply-submit", "入驻申请已提交")
	incPath := get(t, ctx, "read the url", chromedp.Evaluate[string](`location.pathname`))
	contains(t, "stage", text(t, ctx, "#stage"), "已申请")
	signOut(t, ctx)

	// The street's staff admit it and it moves in.
	signIn(t, ctx, s, "13800000002", "李晓燕", "")
	visit(t, ctx, s, "/incubation/manage", "#base-"+base.ID)
	contains(t, "applications", text(t, ctx, "#incubations-"+base.ID), "回龙观惠民社会工作服务中心")
	shot(t, ctx, s, "incubation-manage.png")
	visit(t, ctx, s, incPath, "#admit")
	run(t, ctx, "fill the admission",
		chromedp.SendKeys(chromedp.CSS("#adm-plan"), "一年孵化：规范财务制度，完成两门学院课程，承接一个社区项目。"),
		chromedp.SendKeys(chromedp.CSS("#adm-mentor"), "刘导师"))
	scrollTo(t, ctx, "#criteria")
	shot(t, ctx, s, "incubation-admit.png")
	submit(t, ctx, "admit", "#admit-submit", "已批准入驻")
	submit(t, ctx, "move in", "#step-start", "已开始孵化")
	contains(t, "stage", text(t, ctx, "#stage"), "孵化中")
	signOut(t, ctx)

	// The organization books the base's meeting hall tomorrow.
	signIn(t, ctx, s, "13800000004", "陈思雨", "")
	spaces, err := st.FindSpaces(admin, base.ID)
	if err != nil {
		t.Fatal(err)
	}
	var hall *incubation.Space
	for _, sp := range spaces {
		if sp.Kind == incubation.MeetingRoom {
			hall = sp
		}
	}
	day := clock.now().In(incubation.Zone).AddDate(0, 0, 1).Format("2006-01-02")
	visit(t, ctx, s, "/incubation/spaces/"+hall.ID+"?date="+day, "#book")
	// The last hour before closing (the demo's bookings are earlier).
	first := get(t, ctx, "a free start", chromedp.Evaluate[string](`(o => o[o.length-2].value)(document.querySelectorAll("#book-start option"))`))
	run(t, ctx, "fill the booking",
		chromedp.SetValue(chromedp.CSS("#book-start"), first),
		chromedp.SetValue(chromedp.CSS("#book-slots"), "2"),
		chromedp.SendKeys(chromedp.CSS("#book-purpose"), "理事会"))
	submit(t, ctx, "book", "#book-submit", "预约成功")
	contains(t, "the slot", text(t, ctx, "#slots"), "回龙观惠民社会工作服务中心")
	shot(t, ctx, s, "space-day.png")
	// The booked half hours are no longer offered.
	if got := get(t, ctx, "free starts", chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#book-start option")).map(o => o.value).join(",")`)); strings.Contains(got, first) {
		t.Fatalf("the booked %s is still offered: %s", first, got)
	}
	visit(t, ctx, s, "/incubation/spaces/"+hall.ID+"?date="+day+"&view=week", "#week")
	shot(t, ctx, s, "space-week.png")
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	visit(t, ctx, s, "/incubation/spaces/"+hall.ID+"?date="+day, "#slots")
	width := get(t, ctx, "measure the page", chromedp.Evaluate[struct{ Scroll, Inner int }](
		`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
	if width.Scroll > width.Inner {
		t.Errorf("the day view on a phone is %dpx wide in a %dpx window", width.Scroll, width.Inner)
	}
	shot(t, ctx, s, "space-phone.png")
	run(t, ctx, "back to the desktop", chromedp.EmulateViewport(desktopW, desktopH))

	// It enrolls in the academy's next session.
	sessions, err := st.FindCourseSessions(admin, store.CourseSessionFilter{From: clock.now().Add(48 * time.Hour)})
	if err != nil || len(sessions) == 0 {
		t.Fatalf("no coming session: %v", err)
	}
	se := sessions[0]
	visit(t, ctx, s, "/academy", "#course-"+se.CourseID)
	shot(t, ctx, s, "academy.png")
	visit(t, ctx, s, "/academy/sessions/"+se.ID, "#enroll")
	run(t, ctx, "fill the enrollment", chromedp.SendKeys(chromedp.CSS("#en-person"), "陈思雨"))
	submit(t, ctx, "enroll", "#enroll-submit", "报名成功")
	contains(t, "enrolled", text(t, ctx, "#mine"), "陈思雨")
	shot(t, ctx, s, "session-enrolled.png")
	signOut(t, ctx)

	// On the day, the district's staff take attendance.
	clock.off.Store(int64(se.Start.Add(-20 * time.Minute).Sub(time.Now())))
	signIn(t, ctx, s, "13800000001", "周明远", "")
	me, err := st.FindIncubationByID(admin, strings.TrimPrefix(incPath, "/incubation/incubations/"))
	if err != nil {
		t.Fatal(err)
	}
	es, err := st.FindOrgEnrollments(admin, me.OrgID)
	if err != nil || len(es) == 0 {
		t.Fatalf("enrollments: %v", err)
	}
	var eid string
	for _, e := range es {
		if e.SessionID == se.ID {
			eid = e.ID
		}
	}
	visit(t, ctx, s, "/academy/sessions/"+se.ID, "#present-"+eid)
	scrollTo(t, ctx, "#roster")
	shot(t, ctx, s, "session-roster.png")
	submit(t, ctx, "mark present", "#present-"+eid, "点名已保存")
	contains(t, "roster", text(t, ctx, "#row-"+eid), "出席")
	signOut(t, ctx)

	// The organization opens its certificate; the public sees it masked.
	signIn(t, ctx, s, "13800000004", "陈思雨", "")
	visit(t, ctx, s, "/academy/sessions/"+se.ID, "#mine .cert-link")
	run(t, ctx, "open the certificate", chromedp.Click(chromedp.CSS("#mine .cert-link")), chromedp.WaitVisible(chromedp.CSS("#certificate")))
	contains(t, "certificate", text(t, ctx, "#certificate"), "陈思雨")
	contains(t, "certificate", text(t, ctx, "#certificate"), se.CourseTitle)
	shot(t, ctx, s, "academy-certificate.png")
	certPath := get(t, ctx, "read the url", chromedp.Evaluate[string](`location.pathname`))
	signOut(t, ctx)
	visit(t, ctx, s, certPath, "#certificate")
	got := text(t, ctx, "#certificate")
	if !strings.Contains(got, "陈**") || strings.Contains(got, "陈思雨") {
		t.Fatalf("the public certificate: %q", got)
	}
	visit(t, ctx, s, "/organizations/"+me.OrgID, "#incubation-record")
	contains(t, "profile", text(t, ctx, "#incubation-record"), base.Name)
	scrollTo(t, ctx, "#incubation-record")
	shot(t, ctx, s, "org-incubation-record.png")
}
