package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// volunteerFlow is a published activity of the fixture's organization,
// 09:30–11:30 in Beijing with the clock at 09:00, open to anyone, with two
// residents signed up; the organizer and each resident on a browser.
type volunteerFlow struct {
	f         *fixture
	clock     *activityClock
	act       *activities.Activity
	residents []*accounts.User
	signups   []string
	org       *browser
	res       []*browser
}

func newVolunteerFlow(t *testing.T, f *fixture) *volunteerFlow {
	t.Helper()
	s := f.s
	v := &volunteerFlow{f: f, clock: &activityClock{t: time.Date(2025, 6, 1, 1, 0, 0, 0, time.UTC)}}
	s.Now = v.clock.Now
	hash, _ := accounts.HashPassword(password)
	for i, p := range []string{"13700009201", "13700009202"} {
		u := &accounts.User{Phone: p, Name: []string{"张桂兰", "刘秀英"}[i], PasswordHash: hash,
			Grants: []accounts.Grant{{Role: accounts.Resident}}}
		if err := s.CreateUser(storetest.Admin(), u); err != nil {
			t.Fatal(err)
		}
		v.residents = append(v.residents, u)
	}
	start := v.clock.Now().Add(30 * time.Minute)
	v.act = &activities.Activity{Title: "龙锦苑中心花园绿植认养", Type: "greening", OrgID: f.org.ID, StreetID: f.street.ID,
		CommunityID: f.community.ID, Address: "龙锦苑二区中心花园", StartsAt: start, EndsAt: start.Add(2 * time.Hour),
		Capacity: 10, Eligibility: activities.OpenToAnyone, Status: activities.Published}
	if err := s.CreateActivity(f.as(t, f.orgAdmin), v.act); err != nil {
		t.Fatal(err)
	}
	for _, u := range v.residents {
		g, err := s.Signup(accounts.WithActor(context.Background(), u), v.act.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		v.signups = append(v.signups, g.ID)
	}
	v.org = f.browser(t)
	v.org.login(f.orgAdmin)
	for _, u := range v.residents {
		b := f.browser(t)
		b.login(u.Phone)
		v.res = append(v.res, b)
	}
	return v
}

// at moves the clock on to t; every browser looks at a page at least
// hourly along the way, as sessions end after idle hours.
func (v *volunteerFlow) at(t time.Time) {
	for now := v.clock.Now(); now.Before(t); {
		if now = now.Add(time.Hour); now.After(t) {
			now = t
		}
		v.clock.Set(now)
		for _, b := range append([]*browser{v.org}, v.res...) {
			b.get("/me")
		}
	}
}

// code is the venue code shown now.
func (v *volunteerFlow) code(t *testing.T) string {
	t.Helper()
	c, _, err := v.f.s.ActivitySecretCode(storetest.Admin(), v.act.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkin posts the check-in page's form for resident i.
func (v *volunteerFlow) checkin(t *testing.T, i int, step string) (int, string) {
	t.Helper()
	code, body, _ := v.res[i].post("/activities/"+v.act.ID+"/checkin", url.Values{"code": {v.code(t)}, "step": {step}})
	return code, body
}

// TestActivityZeroHoursNotTicked: a resident who checked in and out before
// the activity began has 0 hours; the confirmation form does not tick them
// (confirmed at 0 hours is not taking part), and says why.
func TestActivityZeroHoursNotTicked(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		v := newVolunteerFlow(t, newFixture(t, s))
		if code, body := v.checkin(t, 0, "checkin"); code != 303 {
			t.Fatalf("check in: %d %s", code, body)
		}
		v.at(v.clock.Now().Add(10 * time.Minute))
		if code, body := v.checkin(t, 0, "checkout"); code != 303 {
			t.Fatalf("check out before the start: %d %s", code, body)
		}
		v.at(v.act.StartsAt)
		v.org.mustPost("/activities/"+v.act.ID+"/attendance/"+v.signups[1]+"/checkin", nil)
		v.at(v.act.EndsAt)
		v.org.mustPost("/activities/"+v.act.ID+"/attendance/"+v.signups[1]+"/checkout", nil)
		_, body, _ := v.org.get("/activities/" + v.act.ID + "/attendance")
		ticked := func(id string) bool {
			return regexp.MustCompile(`id="confirm-` + id + `"[^>]*\bchecked\b`).MatchString(body)
		}
		if ticked(v.signups[0]) || !ticked(v.signups[1]) {
			t.Fatalf("ticked: 0 hours %v, 2 hours %v", ticked(v.signups[0]), ticked(v.signups[1]))
		}
		if !strings.Contains(body, "时长为 0，不算参加") {
			t.Fatal("the 0-hour row does not say why it is not ticked")
		}
	})
}

// TestActivityCheckinPageShowsConfirmedHours: once the organizer confirmed
// (or corrected) the hours, the check-in page and the activity page say
// what was confirmed, not the recorded time "to be confirmed"; one whose
// hours were typed without a check-out is no longer offered 签退.
func TestActivityCheckinPageShowsConfirmedHours(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		v := newVolunteerFlow(t, newFixture(t, s))
		v.at(v.act.StartsAt)
		for i := range v.res {
			if code, body := v.checkin(t, i, "checkin"); code != 303 {
				t.Fatalf("check in: %d %s", code, body)
			}
		}
		v.at(v.act.EndsAt)
		if code, body := v.checkin(t, 0, "checkout"); code != 303 {
			t.Fatalf("check out: %d %s", code, body)
		}
		page := "/activities/" + v.act.ID + "/checkin"
		if _, body, _ := v.res[0].get(page); !strings.Contains(body, "记录时长 2 小时（待组织者确认）") {
			t.Fatal("before confirmation: the recorded time")
		}
		v.org.mustPost("/activities/"+v.act.ID+"/attendance/confirm", url.Values{"confirm": {v.signups[0], v.signups[1]},
			"hours_" + v.signups[0]: {"1.5"}, "hours_" + v.signups[1]: {"2"}})
		for _, p := range []string{page, "/activities/" + v.act.ID} {
			if _, body, _ := v.res[0].get(p); !strings.Contains(body, "已确认 1.5 小时") || strings.Contains(body, "待组织者确认") {
				t.Fatalf("%s after confirmation does not show the confirmed hours", p)
			}
		}
		v.org.mustPost("/activities/"+v.act.ID+"/attendance/correct", url.Values{"signup": {v.signups[0]},
			"correct_hours": {"1"}, "reason": {"中途离开半小时，按实际更正"}})
		if _, body, _ := v.res[0].get(page); !strings.Contains(body, "已确认 1 小时") {
			t.Fatal("after a correction the check-in page does not show the corrected hours")
		}
		// Never checked out, hours typed by the organizer: nothing left to do here.
		_, body, _ := v.res[1].get(page)
		if !strings.Contains(body, "已确认 2 小时") || strings.Contains(body, `id="checkin-form"`) {
			t.Fatal("a resident with confirmed hours is offered 签退")
		}
		if code, body := v.checkin(t, 1, "checkout"); code != 409 || !strings.Contains(body, "时长已经确认过") {
			t.Fatalf("checked out after confirmation: %d", code)
		}
	})
}

// TestPortalCardEarnsPoints: the portal's "有积分" tag follows the points
// rules that reward attending an activity of its type (those its page
// lists), not the old rule code the web form never sets.
func TestPortalCardEarnsPoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		v := newVolunteerFlow(t, f) // greening, no rule code
		if err := s.SaveRule(storetest.Admin(), &points.Rule{Name: "绿地认养", Kind: points.PerActivity, ActivityType: "greening",
			Points: 5, Active: true}); err != nil {
			t.Fatal(err)
		}
		// Reading earns nothing under the rules, whatever its old code says.
		reading := &activities.Activity{Title: "社区书屋图书整理", Type: "reading", OrgID: f.org.ID, StreetID: f.street.ID,
			Address: "社区书屋", StartsAt: v.act.StartsAt, EndsAt: v.act.EndsAt, Capacity: 5,
			Eligibility: activities.OpenToAnyone, PointsRule: "volunteer_hour", Status: activities.Published}
		if err := s.CreateActivity(f.as(t, f.orgAdmin), reading); err != nil {
			t.Fatal(err)
		}
		_, body, _ := f.browser(t).get("/portal")
		card := func(id string) string {
			return regexp.MustCompile(`(?s)href="/activities/` + id + `" class="item-title">.*?</p>`).FindString(body)
		}
		if c := card(v.act.ID); !strings.Contains(c, "有积分") {
			t.Fatalf("the greening card lacks 有积分: %q", c)
		}
		if c := card(reading.ID); c == "" || strings.Contains(c, "有积分") {
			t.Fatalf("the reading card: %q", c)
		}
	})
}

// TestActivityPagePointsNumbers: the activity page says what attending
// earns — each applicable rule with its numbers — and links to the rules
// on 积分公示, where the anchor exists.
func TestActivityPagePointsNumbers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		v := newVolunteerFlow(t, f)
		for _, r := range []*points.Rule{
			{Name: "志愿服务时长", Kind: points.PerHour, PointsPerHour: 10, DailyCap: 60, Active: true},
			{Name: "月度参与奖励", Kind: points.Participation, Points: 20, Threshold: 4, Active: true},
			{Name: "阅读推广", Kind: points.PerActivity, ActivityType: "reading", Points: 8, Active: true},
		} {
			if err := s.SaveRule(storetest.Admin(), r); err != nil {
				t.Fatal(err)
			}
		}
		_, body, _ := f.browser(t).get("/activities/" + v.act.ID)
		dd := regexp.MustCompile(`(?s)<dd id="activity-points">.*?</dd>`).FindString(body)
		for _, want := range []string{"志愿服务每小时 10 分", "每人每天最多 60 分", "当月第 4 次参加活动奖励 20 分",
			`href="/points/notice#points-rules"`} {
			if !strings.Contains(dd, want) {
				t.Fatalf("the points line lacks %q: %q", want, dd)
			}
		}
		if strings.Contains(dd, "阅读推广") {
			t.Fatal("a rule for reading on a greening activity")
		}
		if _, body, _ := f.browser(t).get("/points/notice"); !strings.Contains(body, `id="points-rules"`) {
			t.Fatal("积分公示 has no points-rules anchor")
		}
	})
}

// TestActivityWording: the pages say one thing one way — the waiting list
// is 加入候补 / 已加入候补 / 退出候补 wherever it appears, a typed or scanned
// code is 签到码 on the list and in its export, the confirm hint points to
// the correction instead of claiming hours cannot change, and 积分公示
// shows hours as the activity pages do with a reason that does not repeat
// the rule's name.
func TestActivityWording(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		v := newVolunteerFlow(t, f)
		for _, r := range []*points.Rule{
			{Name: "志愿服务时长", Kind: points.PerHour, PointsPerHour: 10, Active: true},
			{Name: "绿地认养", Kind: points.PerActivity, ActivityType: "greening", Points: 5, Active: true},
		} {
			if err := s.SaveRule(storetest.Admin(), r); err != nil {
				t.Fatal(err)
			}
		}
		full := &activities.Activity{Title: "社区书屋图书整理", Type: "reading", OrgID: f.org.ID, StreetID: f.street.ID,
			Address: "社区书屋", StartsAt: v.act.StartsAt, EndsAt: v.act.EndsAt, Capacity: 1,
			Eligibility: activities.OpenToAnyone, Status: activities.Published}
		if err := s.CreateActivity(f.as(t, f.orgAdmin), full); err != nil {
			t.Fatal(err)
		}
		v.res[0].mustPost("/activities/"+full.ID+"/signup", nil)
		// The portal lists one's signups once it knows where one lives.
		if err := s.SetHome(accounts.WithActor(context.Background(), v.residents[1]), f.community.ID); err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{"/portal", "/activities/" + full.ID} {
			if _, body, _ := v.res[1].get(p); !strings.Contains(body, "名额已满，加入候补") {
				t.Fatalf("%s: the full activity's button", p)
			}
		}
		v.res[1].mustPost("/portal/activities/"+full.ID+"/signup", nil)
		if _, body, _ := v.res[1].get("/portal"); !strings.Contains(body, "✓ 已加入候补") || strings.Contains(body, "排队") {
			t.Fatal("the portal's waiting mark")
		}
		if _, body, _ := v.res[1].get("/activities/" + full.ID); !strings.Contains(body, "退出候补") {
			t.Fatal("the activity page's leave button")
		}

		v.at(v.act.StartsAt)
		if code, body := v.checkin(t, 0, "checkin"); code != 303 {
			t.Fatalf("check in: %d %s", code, body)
		}
		v.at(v.act.EndsAt)
		if code, body := v.checkin(t, 0, "checkout"); code != 303 {
			t.Fatalf("check out: %d %s", code, body)
		}
		_, body, _ := v.org.get("/activities/" + v.act.ID + "/attendance")
		row := regexp.MustCompile(`(?s)<tr id="row-` + v.signups[0] + `">.*?</tr>`).FindString(body)
		if !strings.Contains(row, "签到码") || strings.Contains(body, "不能再改") || !strings.Contains(body, "更正已确认的时长") {
			t.Fatalf("attendance page: %q", row)
		}
		_, csv, _ := v.org.get("/activities/" + v.act.ID + "/attendance/export")
		if !strings.Contains(csv, "签到码") || strings.Contains(csv, "扫码") {
			t.Fatalf("the export names the method otherwise: %q", csv)
		}
		v.org.mustPost("/activities/"+v.act.ID+"/attendance/confirm", url.Values{"confirm": {v.signups[0]}, "hours_" + v.signups[0]: {"2"}})
		_, body, _ = f.browser(t).get("/points/notice")
		if !strings.Contains(body, "<td>志愿服务 2 小时</td><td>志愿服务时长</td>") || strings.Contains(body, "2.00") ||
			!strings.Contains(body, "<td>参加活动 1 次</td><td>绿地认养</td>") {
			t.Fatalf("积分公示: %q", regexp.MustCompile(`(?s)<tbody>.*?</tbody>`).FindString(body))
		}
	})
}

// TestActivityCheckinEmptyCode: nothing typed is asked for, not called wrong.
func TestActivityCheckinEmptyCode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		v := newVolunteerFlow(t, newFixture(t, s))
		for _, code := range []string{"", "   "} {
			c, body, _ := v.res[0].post("/activities/"+v.act.ID+"/checkin", url.Values{"code": {code}, "step": {"checkin"}})
			if c != 400 || !strings.Contains(body, "请输入签到码") || strings.Contains(body, "签到码不对") {
				t.Fatalf("empty code %q: %d", code, c)
			}
		}
	})
}

// TestActivityDraftStartPassed: a draft whose start has passed is saved
// (it may be a copy of last month's, dates still to change) with a warning
// on saving, and its page says it cannot be published until the start is
// moved ahead; publishing it is refused as before.
func TestActivityDraftStartPassed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		v := newVolunteerFlow(t, f)
		loc, _ := time.LoadLocation("Asia/Shanghai")
		start := v.clock.Now().Add(-24 * time.Hour).In(loc)
		form := url.Values{"title": {"社区书屋图书整理"}, "type": {"reading"}, "org": {f.org.ID}, "street": {f.street.ID},
			"address": {"社区书屋"}, "starts_at": {start.Format("2006-01-02T15:04")},
			"ends_at": {start.Add(2 * time.Hour).Format("2006-01-02T15:04")}, "capacity": {"5"}, "eligibility": {"anyone"}}
		to := v.org.mustPost("/activities", form)
		_, body, _ := v.org.get(to)
		if !strings.Contains(body, "开始时间已经过了，改到以后的时间才能发布") || !strings.Contains(body, `id="draft-start-passed"`) {
			t.Fatal("saving a draft that starts in the past gave no warning")
		}
		id := strings.TrimPrefix(to, "/activities/")
		if code, body, _ := v.org.post(to+"/actions/publish", nil); code != 409 || !strings.Contains(body, "开始时间已经过了") {
			t.Fatalf("published a draft in the past: %d", code)
		}
		// Moved ahead: saved plainly, and publishable.
		start = v.clock.Now().Add(48 * time.Hour).In(loc)
		form.Set("starts_at", start.Format("2006-01-02T15:04"))
		form.Set("ends_at", start.Add(2*time.Hour).Format("2006-01-02T15:04"))
		v.org.mustPost("/activities/"+id+"/edit", form)
		if _, body, _ := v.org.get(to); strings.Contains(body, `id="draft-start-passed"`) || strings.Contains(body, "开始时间已经过了") {
			t.Fatal("the warning stays after the start was moved ahead")
		}
		v.org.mustPost(to+"/actions/publish", nil)
	})
}

// TestActivityScanBeforeSignIn: the QR code opened on a phone not yet
// signed in is good on that phone for ten minutes, long enough to sign in
// by SMS; the same code typed elsewhere after it changed is not, nor is
// the scan once ten minutes have passed.
func TestActivityScanBeforeSignIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		v := newVolunteerFlow(t, newFixture(t, s))
		link := "/activities/" + v.act.ID + "/checkin?code=" + v.code(t)
		old := v.code(t)
		phone := v.f.browser(t)
		if code, _, h := phone.get(link); code != 303 || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("the QR code on a phone not signed in: %d %s", code, h.Get("Location"))
		}
		late := v.f.browser(t) // scans too, but signs in after the grace
		late.get(link)
		v.at(v.clock.Now().Add(3 * time.Minute)) // the SMS code arrives, is typed
		phone.login(v.residents[0].Phone)
		if body := mustGet(t, phone, link); !strings.Contains(body, `id="scanned"`) {
			t.Fatal("the page does not say the scan counts")
		}
		if code, body := v.checkin(t, 1, "checkin"); code != 303 {
			t.Fatalf("the other resident, with the code shown now: %d %s", code, body)
		}
		if code, body, _ := v.res[1].post("/activities/"+v.act.ID+"/checkin", url.Values{"code": {old}, "step": {"checkout"}}); code != 400 ||
			!strings.Contains(body, "签到码不对或已过期") {
			t.Fatalf("the scanned code typed on a phone that did not scan it, three minutes on: %d", code)
		}
		if code, body, _ := phone.post("/activities/"+v.act.ID+"/checkin", url.Values{"code": {old}, "step": {"checkin"}}); code != 303 {
			t.Fatalf("checking in with the scan: %d %s", code, body)
		}
		if g, err := s.FindMySignup(accounts.WithActor(context.Background(), v.residents[0]), v.act.ID); err != nil || g.CheckinAt.IsZero() {
			t.Fatalf("not checked in: %+v %v", g, err)
		}
		if strings.Contains(mustGet(t, phone, link), `id="scanned"`) {
			t.Fatal("the scan is kept after it was used")
		}
		v.at(v.clock.Now().Add(8 * time.Minute)) // eleven minutes after the scan
		late.login(v.residents[1].Phone)
		if code, _, _ := late.post("/activities/"+v.act.ID+"/checkin", url.Values{"step": {"checkout"}}); code != 400 {
			t.Fatalf("a scan eleven minutes old: %d", code)
		}
	})
}
