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
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// attended is an activity of the fixture's organization that two residents
// attended for two hours, confirmed and on notice.
type attended struct {
	clock     *activityClock
	act       *activities.Activity
	residents []*accounts.User
	signups   []string
}

func newAttended(t *testing.T, f *fixture) *attended {
	t.Helper()
	s := f.s
	x := &attended{clock: &activityClock{t: time.Date(2025, 6, 1, 1, 0, 0, 0, time.UTC)}}
	s.Now = x.clock.Now
	admin := storetest.Admin()
	hash, _ := accounts.HashPassword(password)
	for i, p := range []string{"13700009101", "13700009102"} {
		u := &accounts.User{Phone: p, Name: []string{"张桂兰", "刘秀英"}[i], PasswordHash: hash,
			Grants: []accounts.Grant{{Role: accounts.Resident}}}
		if err := s.CreateUser(admin, u); err != nil {
			t.Fatal(err)
		}
		x.residents = append(x.residents, u)
	}
	if err := s.SaveRule(admin, &points.Rule{Name: "志愿服务时长", Kind: points.PerHour, PointsPerHour: 10, Active: true}); err != nil {
		t.Fatal(err)
	}
	org, err := s.FindUserByPhone(context.Background(), f.orgAdmin)
	if err != nil {
		t.Fatal(err)
	}
	as := func(u *accounts.User) context.Context { return accounts.WithActor(context.Background(), u) }
	x.act = &activities.Activity{Title: "龙锦苑中心花园绿植认养", Type: "greening", OrgID: f.org.ID, StreetID: f.street.ID,
		CommunityID: f.community.ID, Address: "龙锦苑二区中心花园", StartsAt: x.clock.Now().Add(time.Hour),
		EndsAt: x.clock.Now().Add(3 * time.Hour), Capacity: 10, Eligibility: activities.OpenToAnyone, PointsRule: "volunteer_hour",
		Status: activities.Published}
	if err := s.CreateActivity(as(org), x.act); err != nil {
		t.Fatal(err)
	}
	for _, u := range x.residents {
		g, err := s.Signup(as(u), x.act.ID, f.community.ID)
		if err != nil {
			t.Fatal(err)
		}
		x.signups = append(x.signups, g.ID)
	}
	x.clock.Set(x.act.StartsAt)
	for _, id := range x.signups {
		if err := s.MarkByList(as(org), x.act.ID, id, store.StepCheckin); err != nil {
			t.Fatal(err)
		}
	}
	x.clock.Set(x.act.EndsAt)
	conf := map[string]int{}
	for _, id := range x.signups {
		if err := s.MarkByList(as(org), x.act.ID, id, store.StepCheckout); err != nil {
			t.Fatal(err)
		}
		conf[id] = 120
	}
	if _, err := s.ConfirmHours(as(org), x.act.ID, conf); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AwardConfirmedAttendance(as(accounts.System()), 0); err != nil {
		t.Fatal(err)
	}
	return x
}

func TestCorrectHoursPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		x := newAttended(t, f)
		page := "/activities/" + x.act.ID + "/attendance"
		org, staff, outsider := f.browser(t), f.browser(t), f.browser(t)
		org.login(f.orgAdmin)
		staff.login(f.staff)
		outsider.login(f.outsid)
		if _, body, _ := org.get(page); !strings.Contains(body, `id="correct-form"`) {
			t.Fatal("no correction form for the organizer")
		}
		form := url.Values{"signup": {x.signups[0]}, "correct_hours": {"1"}, "reason": {"短"}}
		if code, body, _ := org.post(page+"/correct", form); code != 400 || !strings.Contains(body, "至少 5") {
			t.Fatalf("short reason: %d", code)
		}
		form.Set("reason", "居民提前一小时离开")
		if code, _, _ := outsider.post(page+"/correct", form); code != 403 {
			t.Fatalf("another street's staff corrected: %d", code)
		}
		form.Set("correct_hours", "9")
		if code, body, _ := org.post(page+"/correct", form); code != 400 || !strings.Contains(body, "时长应在 0 到 2 小时之间") {
			t.Fatalf("too many hours: %d", code)
		}
		form.Set("correct_hours", "1")
		if code, _, _ := org.post(page+"/correct", form); code != 303 {
			t.Fatalf("correct: %d", code)
		}
		// The street's staff may correct too.
		form.Set("signup", x.signups[1])
		form.Set("correct_hours", "1.5")
		if code, _, _ := staff.post(page+"/correct", form); code != 303 {
			t.Fatalf("staff correct: %d", code)
		}
		_, body, _ := org.get(page)
		if !strings.Contains(body, `id="corrections"`) || !strings.Contains(body, "2 → 1 小时") || !strings.Contains(body, "居民提前一小时离开") {
			t.Fatal("the corrections are not listed")
		}
		noticed, _ := s.FindAwards(context.Background(), store.AwardFilter{StreetID: f.street.ID, Statuses: []points.AwardStatus{points.AwardNoticed}})
		var sum int64
		for _, a := range noticed {
			sum += a.Amount
		}
		if sum != 25 {
			t.Fatalf("noticed after the corrections: %d", sum)
		}
	})
}

func TestDismissActivityFlagPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		x := newAttended(t, f)
		// The first resident was also ticked in at another place at the same time.
		org, _ := s.FindUserByPhone(context.Background(), f.orgAdmin)
		ctx := accounts.WithActor(context.Background(), org)
		x.clock.Set(x.act.StartsAt.Add(-2 * time.Hour))
		b := &activities.Activity{Title: "社区书屋图书整理", Type: "reading", OrgID: f.org.ID, StreetID: f.street.ID,
			Address: "社区书屋", StartsAt: x.act.StartsAt, EndsAt: x.act.EndsAt, Capacity: 5,
			Eligibility: activities.OpenToAnyone, Status: activities.Published}
		if err := s.CreateActivity(ctx, b); err != nil {
			t.Fatal(err)
		}
		g, err := s.Signup(accounts.WithActor(context.Background(), x.residents[0]), b.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		x.clock.Set(x.act.StartsAt.Add(10 * time.Minute))
		if err := s.MarkByList(ctx, b.ID, g.ID, store.StepCheckin); err != nil {
			t.Fatal(err)
		}
		staff, outsider := f.browser(t), f.browser(t)
		staff.login(f.staff)
		outsider.login(f.outsid)
		_, body, _ := staff.get("/admin/activity-flags")
		m := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, "时间重叠") {
			t.Fatal("no flag to dismiss")
		}
		form := url.Values{"key": {m[1]}, "street": {f.street.ID}, "reason": {"核实"}}
		if code, body, _ := staff.post("/admin/activity-flags/dismiss", form); code != 400 || !strings.Contains(body, "至少 5") {
			t.Fatalf("short reason: %d", code)
		}
		form.Set("reason", "已电话核实：名单勾选错误")
		if code, _, _ := outsider.post("/admin/activity-flags/dismiss", form); code != 403 {
			t.Fatalf("another street dismissed: %d", code)
		}
		if code, _, _ := staff.post("/admin/activity-flags/dismiss", form); code != 303 {
			t.Fatalf("dismiss: %d", code)
		}
		if _, body, _ := staff.get("/admin/activity-flags"); !strings.Contains(body, "没有需要复核的签到") {
			t.Fatal("the dismissed flag is still listed")
		}
	})
}

func TestAttendanceExport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		x := newAttended(t, f)
		hash, _ := accounts.HashPassword(password)
		if err := s.CreateUser(storetest.Admin(), &accounts.User{Phone: "13900000009", Name: "审计", PasswordHash: hash,
			Grants: []accounts.Grant{{Role: accounts.Auditor}}}); err != nil {
			t.Fatal(err)
		}
		path := "/activities/" + x.act.ID + "/attendance/export"
		org, staff, auditor, outsider, resident := f.browser(t), f.browser(t), f.browser(t), f.browser(t), f.browser(t)
		org.login(f.orgAdmin)
		staff.login(f.staff)
		auditor.login("13900000009")
		outsider.login(f.outsid)
		resident.login(x.residents[0].Phone)
		if _, body, _ := org.get("/activities/" + x.act.ID + "/attendance"); !strings.Contains(body, path) {
			t.Fatal("no export link on the list")
		}
		for _, b := range []*browser{org, staff} {
			code, body, h := b.get(path)
			if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.HasPrefix(body, "\ufeff") ||
				!strings.Contains(body, "张桂兰,已报名,2025-06-01 10:00,名单代签,2025-06-01 12:00,名单代签,2,2") {
				t.Fatalf("csv: %d %q", code, body)
			}
			if strings.Contains(body, "13700009101") || strings.Contains(body, "137****9101") {
				t.Fatal("a phone number in the export")
			}
		}
		code, body, _ := auditor.get(path)
		if code != 200 || strings.Contains(body, "张桂兰") || !strings.Contains(body, "张**") {
			t.Fatalf("auditor's export: %d %q", code, body)
		}
		if code, body, h := org.get(path + "?format=xlsx"); code != 200 || !strings.HasPrefix(body, "PK") ||
			!strings.Contains(h.Get("Content-Disposition"), ".xlsx") {
			t.Fatalf("xlsx: %d", code)
		}
		for _, b := range []*browser{outsider, resident} {
			if code, _, _ := b.get(path); code != 403 {
				t.Fatalf("export for someone outside: %d", code)
			}
		}
		if code, _, _ := f.browser(t).get(path); code != 303 {
			t.Fatalf("anonymous export: %d", code)
		}
	})
}

func TestPointsGrantPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		hash, _ := accounts.HashPassword(password)
		res := &accounts.User{Phone: "13700009201", Name: "张桂兰", PasswordHash: hash, Grants: []accounts.Grant{{Role: accounts.Resident}}}
		if err := s.CreateUser(storetest.Admin(), res); err != nil {
			t.Fatal(err)
		}
		staff, outsider, org := f.browser(t), f.browser(t), f.browser(t)
		staff.login(f.staff)
		outsider.login(f.outsid)
		org.login(f.orgAdmin)
		if code, _, _ := org.get("/admin/points/grant"); code != 403 {
			t.Fatalf("an organization opened the grant page: %d", code)
		}
		_, body, _ := staff.get("/admin/points/grant")
		key := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(body)
		if key == nil || !strings.Contains(body, "回龙观街道积分池") {
			t.Fatal("grant form")
		}
		form := url.Values{"street": {f.street.ID}, "key": {key[1]}, "phone": {"13700009999"}, "amount": {"0"}, "reason": {""}}
		code, body, _ := staff.post("/admin/points/grant", form)
		if code != 400 || !strings.Contains(body, "没有找到用这个手机号注册的居民") || !strings.Contains(body, "应在 1 到 10000 之间") {
			t.Fatalf("bad grant: %d", code)
		}
		// Everything wrong with an empty form is said at once.
		empty := url.Values{"street": {f.street.ID}, "key": {key[1]}}
		if code, body, _ := staff.post("/admin/points/grant", empty); code != 400 || !strings.Contains(body, "有 3 处") {
			t.Fatalf("empty grant form: %d %s", code, body)
		}
		if code, body, _ := staff.post("/admin/points/grant", url.Values{"street": {f.street.ID}, "key": {key[1]},
			"phone": {res.Phone}, "amount": {"１０"}, "reason": {"😀"}}); code != 400 || strings.Contains(body, "应为整数") ||
			!strings.Contains(body, "至少要 4 个字") {
			t.Fatalf("full-width amount, emoji reason: %d", code)
		}
		form.Set("phone", res.Phone)
		form.Set("amount", "５0")
		form.Set("reason", "垃圾分类示范户评选奖励")
		if code, _, _ := outsider.post("/admin/points/grant", form); code != 403 {
			t.Fatalf("another street's staff granted from this pool: %d", code)
		}
		for range 2 { // a resubmitted form posts once
			if code, _, _ := staff.post("/admin/points/grant", form); code != 303 {
				t.Fatalf("grant: %d", code)
			}
		}
		acct, err := s.FindPointsAccount(storetest.Admin(), points.AccountID(points.Resident, res.ID))
		if err != nil || acct.Balance != 50 {
			t.Fatalf("balance: %+v %v", acct, err)
		}
		notes, _, unread, err := s.FindNotifications(accounts.WithActor(context.Background(), res), 1, 10)
		if err != nil || unread != 1 || notes[0].Kind != "points_granted" || notes[0].Link != "/me/points" {
			t.Fatalf("the resident is told once, with a link to her points: %+v %d %v", notes, unread, err)
		}
		_, body, _ = staff.get("/admin/points/grant")
		if !strings.Contains(body, "垃圾分类示范户评选奖励") || !strings.Contains(body, "张**") || strings.Contains(body, "张桂兰") {
			t.Fatal("the pool's postings")
		}
		f.assertNoPersonalData(t)
	})
}

func TestAcademyCodeCheckinPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		clock := &activityClock{t: time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)} // 10:00 in Beijing
		s.Now = clock.Now
		admin := storetest.Admin()
		co := &incubation.Course{Title: "社会组织财务管理", Topic: incubation.TopicFinance}
		if err := s.CreateCourse(admin, co); err != nil {
			t.Fatal(err)
		}
		se := &incubation.Session{CourseID: co.ID, StreetID: f.street.ID, Teacher: "陈老师", Place: "回龙观街道孵化基地",
			Start: clock.Now().Add(24 * time.Hour), End: clock.Now().Add(26 * time.Hour), Capacity: 30}
		if err := s.CreateCourseSession(admin, se); err != nil {
			t.Fatal(err)
		}
		page := "/academy/sessions/" + se.ID
		clock.Set(se.Start.Add(-30 * time.Minute)) // attendance opens an hour before
		org, staff, other := f.browser(t), f.browser(t), f.browser(t)
		org.login(f.orgAdmin)
		staff.login(f.staff)
		other.login(f.outsid)
		me, _ := s.FindUserByPhone(context.Background(), f.orgAdmin)
		_, body, _ := org.get(page)
		if !strings.Contains(body, `name="user"`) || !strings.Contains(body, `value="`+me.ID+`"`) {
			t.Fatal("no account to link on the enrollment form")
		}
		if code, _, _ := org.post(page+"/enrollments", url.Values{"org": {f.org.ID}, "user": {me.ID}}); code != 303 {
			t.Fatalf("enroll myself: %d", code)
		}
		if code, _, _ := org.post(page+"/enrollments", url.Values{"org": {f.org.ID}, "person": {"李出纳"}}); code != 303 {
			t.Fatalf("enroll by name: %d", code)
		}
		if code, _, _ := org.get(page + "/code"); code != 403 {
			t.Fatalf("the organization opened the code page: %d", code)
		}
		if code, _, _ := other.get(page + "/code"); code != 403 {
			t.Fatalf("another street's staff opened the code page: %d", code)
		}
		code, body, h := staff.get(page + "/code")
		venue := regexp.MustCompile(`id="venue-code"[^>]*>(\d{6})<`).FindStringSubmatch(body)
		if code != 200 || venue == nil || h.Get("Refresh") == "" {
			t.Fatalf("code page: %d", code)
		}
		if code, png, h := staff.get(page + "/code.png"); code != 200 || h.Get("Content-Type") != "image/png" || !strings.HasPrefix(png, "\x89PNG") {
			t.Fatalf("qr: %d", code)
		}
		if code, _, h := f.browser(t).get(page + "?code=" + venue[1]); code != 303 || !strings.HasPrefix(h.Get("Location"), "/login?next=") {
			t.Fatalf("the QR code scanned signed out: %d %v", code, h)
		}
		if _, body, _ := org.get(page + "?code=" + venue[1]); !strings.Contains(body, `id="checkin-form"`) || !strings.Contains(body, `value="`+venue[1]+`"`) {
			t.Fatal("the scanned link does not fill the check-in form")
		}
		wrong := "000000"
		if venue[1] == wrong {
			wrong = "000001"
		}
		if code, body, _ := org.post(page+"/checkin", url.Values{"code": {wrong}}); code != 400 || !strings.Contains(body, "签到码不对或已过期") {
			t.Fatalf("wrong code: %d", code)
		}
		if code, body, _ := other.post(page+"/checkin", url.Values{"code": {venue[1]}}); code != 409 || !strings.Contains(body, "没有以自己的账号报名") {
			t.Fatalf("not enrolled: %d", code)
		}
		if code, _, _ := org.post(page+"/checkin", url.Values{"code": {venue[1]}}); code != 303 {
			t.Fatalf("check in: %d", code)
		}
		if _, body, _ := org.get(page); !strings.Contains(body, `id="checkin-state"`) || !strings.Contains(body, "结业证书已生成") {
			t.Fatal("checked-in state")
		}
		_, body, _ = staff.get(page)
		if !strings.Contains(body, "李出纳") || !strings.Contains(body, `id="show-code"`) {
			t.Fatal("the roster keeps the name-only enrollee")
		}
		f.assertNoPersonalData(t, venue[1])
	})
}

// The space edit form has one opening-hours field per weekday.
func TestSpaceHoursPerWeekday(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		staff := f.browser(t)
		staff.login(f.staff)
		if code, _, _ := staff.post("/incubation/bases", url.Values{"name": {"回龙观孵化基地"}, "street": {f.street.ID}, "address": {"西大街 8 号"}}); code != 303 {
			t.Fatalf("open a base: %d", code)
		}
		bases, _ := s.FindBases(storetest.Admin())
		room := url.Values{"base": {bases[0].ID}, "name": {"议事厅"}, "kind": {"meeting_room"}, "audience": {"street_orgs"},
			"capacity": {"16"}, "max_slots": {"8"}, "ahead_days": {"14"}, "hours_weekday": {"08:30-20:00"}, "hours_weekend": {"-"}}
		if code, _, _ := staff.post("/incubation/spaces", room); code != 303 {
			t.Fatalf("add a room: %d", code)
		}
		spaces, _ := s.FindSpaces(storetest.Admin(), bases[0].ID)
		path := "/incubation/spaces/" + spaces[0].ID
		_, body, _ := staff.get(path)
		if !strings.Contains(body, `name="hours_mon" value="08:30-20:00"`) || !strings.Contains(body, `name="hours_sun" value="-"`) {
			t.Fatal("the edit form has no per-weekday hours")
		}
		edit := url.Values{"edit": {"1"}, "name": {"议事厅"}, "audience": {"street_orgs"}, "capacity": {"16"}, "max_slots": {"8"},
			"ahead_days": {"14"}, "hours_mon": {"09:00-18:00"}, "hours_tue": {"09:00-18:00"}, "hours_wed": {"13:00-21:00"},
			"hours_thu": {"09:00-18:00"}, "hours_fri": {"09:00-17:00"}, "hours_sat": {"9点到12点"}, "hours_sun": {"-"}}
		if code, body, _ := staff.post(path+"/edit", edit); code != 400 || !strings.Contains(body, `has-error"><label for="ed-hours_sat"`) {
			t.Fatalf("bad Saturday: %d", code)
		}
		if sp, _ := s.FindSpaceByID(storetest.Admin(), spaces[0].ID); sp.Hours.Day(time.Wednesday) != "08:30-20:00" {
			t.Fatal("a bad form changed the hours")
		}
		edit.Set("hours_sat", "09:00-12:00")
		if code, _, _ := staff.post(path+"/edit", edit); code != 303 {
			t.Fatalf("edit: %d", code)
		}
		sp, _ := s.FindSpaceByID(storetest.Admin(), spaces[0].ID)
		for d, want := range map[time.Weekday]string{time.Monday: "09:00-18:00", time.Wednesday: "13:00-21:00",
			time.Friday: "09:00-17:00", time.Saturday: "09:00-12:00", time.Sunday: ""} {
			if got := sp.Hours.Day(d); got != want {
				t.Errorf("%s: %q, want %q", d, got, want)
			}
		}
	})
}

// The need page's matches narrow to organizations with finance-trained
// staff, with the reason, the others shown excluded.
func TestNeedMatchTrained(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newMatchFixture(t, s)
		comm := f.browser(t)
		comm.login(f.commStaff)
		_, body, _ := comm.get(f.need)
		if !strings.Contains(body, `id="match-trained"`) || len(inviteButtons(body)) != 2 {
			t.Fatalf("without the filter: %v", inviteButtons(body))
		}
		admin := storetest.Admin()
		co := &incubation.Course{Title: "社会组织财务管理", Topic: incubation.TopicFinance}
		if err := s.CreateCourse(admin, co); err != nil {
			t.Fatal(err)
		}
		se := &incubation.Session{CourseID: co.ID, Teacher: "陈老师", Place: "区孵化基地多功能厅", Start: s.Now().Add(time.Hour),
			End: s.Now().Add(3 * time.Hour), Capacity: 30}
		if err := s.CreateCourseSession(admin, se); err != nil {
			t.Fatal(err)
		}
		e := &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, Person: "赵会计"}
		if err := s.Enroll(admin, e); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MarkAttendance(admin, e.ID, incubation.Present, incubation.MethodList); err != nil {
			t.Fatal(err)
		}
		_, body, _ = comm.get(f.need + "?trained=finance")
		if got := inviteButtons(body); len(got) != 1 || got[0] != f.org.ID || !strings.Contains(body, "已有人员完成财务管理培训") ||
			!strings.Contains(body, "不符合资格：需有人员完成财务管理培训") {
			t.Fatalf("with the filter: %v", got)
		}
	})
}

func TestMeetingEditPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		staff, outsider := f.browser(t), f.browser(t)
		staff.login(f.staff)
		outsider.login(f.outsid)
		code, _, h := staff.post("/meetings", url.Values{"title": {"回龙观街道联席会"}, "held_on": {"2026-03-05"}, "held_time": {"09:30"},
			"convener": {f.street.ID}, "agenda": {"通报党组织覆盖"}})
		if code != 303 {
			t.Fatalf("create: %d", code)
		}
		mpath := h.Get("Location")
		if _, body, _ := staff.get(mpath); !strings.Contains(body, `id="meeting-edit-form"`) || !strings.Contains(body, `value="回龙观街道联席会"`) {
			t.Fatal("no edit form for the convener")
		}
		if _, body, _ := outsider.get(mpath); strings.Contains(body, `id="meeting-edit-form"`) {
			t.Fatal("another street sees the edit form")
		}
		edit := url.Values{"meeting_title": {""}, "agenda": {"通报党组织覆盖\n部署联建"}}
		if code, body, _ := staff.post(mpath+"/edit", edit); code != 400 || !strings.Contains(body, `has-error"><label for="meeting-title"`) {
			t.Fatalf("blank title: %d", code)
		}
		edit.Set("meeting_title", "2026年3月回龙观街道联席会")
		if code, _, _ := outsider.post(mpath+"/edit", edit); code != 403 && code != 404 { // an unpublished meeting is not theirs to see
			t.Fatalf("another street edits: %d", code)
		}
		if code, _, _ := staff.post(mpath+"/edit", edit); code != 303 {
			t.Fatalf("edit: %d", code)
		}
		_, body, _ := staff.get(mpath)
		if !strings.Contains(body, "<h1>2026年3月回龙观街道联席会</h1>") || !strings.Contains(body, "<li>部署联建</li>") {
			t.Fatal("the edit is not shown")
		}
	})
}

func TestEndInstructorPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		opath := "/organizations/" + f.org.ID
		staff, other := f.browser(t), f.browser(t)
		staff.login(f.staff)
		other.login(f.outsid)
		if code, _, _ := staff.post(opath+"/party/instructors", url.Values{"party_phone": {f.commStaff}, "party_since": {"2021-09-01"}}); code != 303 {
			t.Fatalf("instructor: %d", code)
		}
		_, body, _ := staff.get(opath)
		m := regexp.MustCompile(`action="(/organizations/[^"]+/party/instructors/[^"]+/end)"`).FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, "在任") {
			t.Fatal("no end form for the street's staff")
		}
		iid := strings.TrimSuffix(m[1][strings.LastIndex(strings.TrimSuffix(m[1], "/end"), "/")+1:], "/end")
		if code, body, _ := staff.post(m[1], url.Values{"party_until": {"2020-01-01"}, "party_iid": {iid}}); code != 400 || !strings.Contains(body, "结束日期不能早于开始指导的日期") {
			t.Fatalf("end before the start: %d", code)
		}
		if code, _, _ := other.post(m[1], url.Values{"party_until": {"2025-12-31"}}); code != 403 {
			t.Fatalf("another street ends it: %d", code)
		}
		if code, body, _ := other.post(m[1], url.Values{"party_until": {"2025-13-31"}}); code != 403 || strings.Contains(body, "日期格式") {
			t.Fatalf("another street, a date that is not one: %d", code)
		}
		if code, body, _ := staff.post(m[1], url.Values{"party_until": {"2025-13-31"}, "party_iid": {iid}}); code != 400 || !strings.Contains(body, "日期格式") {
			t.Fatalf("the street's staff, a date that is not one: %d", code)
		}
		if code, _, _ := staff.post(m[1], url.Values{"party_until": {"2025-12-31"}}); code != 303 {
			t.Fatalf("end: %d", code)
		}
		_, body, _ = f.browser(t).get(opath)
		if !strings.Contains(body, "社区干部") || !strings.Contains(body, "2025-12-31 结束指导") {
			t.Fatal("the public history does not show the end")
		}
		if _, body, _ := staff.get(opath); strings.Contains(body, m[1]) {
			t.Fatal("an ended assignment can be ended again")
		}
	})
}

func TestDismissRedemptionFlagPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := storetest.Admin()
		shop := &merchants.Merchant{Name: "龙锦苑便民超市", StreetID: f.street.ID, Kind: "超市"}
		if err := s.CreateMerchant(admin, shop); err != nil {
			t.Fatal(err)
		}
		cashier := &accounts.User{Phone: "13700009301", Name: "马国强", Grants: []accounts.Grant{{Role: accounts.Merchant, ScopeID: shop.ID}}}
		res := &accounts.User{Phone: "13700009302", Name: "张桂兰", Grants: []accounts.Grant{{Role: accounts.Resident}}}
		for _, u := range []*accounts.User{cashier, res} {
			if err := s.CreateUser(admin, u); err != nil {
				t.Fatal(err)
			}
		}
		as := func(u *accounts.User) context.Context { return accounts.WithActor(context.Background(), u) }
		if err := s.SetMerchantHours(as(cashier), shop.ID, points.Hours{Opens: "08:00", Closes: "21:00"}); err != nil {
			t.Fatal(err)
		}
		g := &points.Good{MerchantID: shop.ID, Name: "酱油", Price: 10, Stock: 5, Active: true}
		if err := s.CreateGood(as(cashier), g); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PostPoints(admin, &points.Posting{Key: "open", Kind: points.KindGrant, From: points.AccountID(points.Pool, f.street.ID),
			To: points.AccountID(points.Resident, res.ID), Amount: 100, Reason: "开户"}); err != nil {
			t.Fatal(err)
		}
		clock := &activityClock{t: time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)} // 23:30 in Beijing
		s.Now = clock.Now
		c, err := s.IssueRedemptionCode(as(res), g.ID)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Redeem(as(cashier), c.Code, "late")
		if err != nil || len(r.Flags) != 1 {
			t.Fatalf("late redemption: %+v %v", r, err)
		}
		staff := f.browser(t)
		staff.login(f.staff)
		path := "/admin/points/redemptions/" + r.ID + "/dismiss-flag"
		if _, body, _ := staff.get("/admin/points"); !strings.Contains(body, `action="`+path+`"`) {
			t.Fatal("no dismiss form")
		}
		if code, body, _ := staff.post(path, url.Values{"reason": {"加班"}}); code != 400 || !strings.Contains(body, "至少 5") {
			t.Fatalf("short reason: %d", code)
		}
		if code, _, _ := staff.post(path, url.Values{"reason": {"店员加班盘点，已电话核实"}}); code != 303 {
			t.Fatalf("dismiss: %d", code)
		}
		if _, body, _ := staff.get("/admin/points"); strings.Contains(body, `action="`+path+`"`) {
			t.Fatal("the dismissed redemption is still listed")
		}
	})
}
