package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// activityClock is a store clock the test moves between requests.
type activityClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *activityClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *activityClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func TestActivityPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		loc, _ := time.LoadLocation("Asia/Shanghai")
		clock := &activityClock{t: time.Date(2025, 6, 1, 1, 0, 0, 0, time.UTC)} // 09:00 in Beijing
		s.Now = clock.Now
		hash, _ := accounts.HashPassword(password)
		residents := []string{"13700009001", "13700009002"}
		for i, p := range residents {
			u := &accounts.User{Phone: p, Name: []string{"张桂兰", "刘秀英"}[i], PasswordHash: hash,
				Grants: []accounts.Grant{{Role: accounts.Resident}}}
			if err := s.CreateUser(storetest.Admin(), u); err != nil {
				t.Fatal(err)
			}
		}

		org := f.browser(t)
		org.login(f.orgAdmin)
		if code, body, _ := org.get("/activities/new"); code != 200 || !strings.Contains(body, f.org.Name) {
			t.Fatalf("form: %d", code)
		}
		start := clock.Now().Add(30 * time.Minute).In(loc)
		form := url.Values{"title": {"龙锦苑中心花园绿植认养"}, "type": {"greening"}, "org": {f.org.ID}, "team": {"绿植认养队"},
			"street": {f.street.ID}, "community": {f.community.ID}, "address": {"龙锦苑二区中心花园"},
			"starts_at": {start.Format("2006-01-02T15:04")}, "ends_at": {start.Add(2 * time.Hour).Format("2006-01-02T15:04")},
			"capacity": {"1"}, "eligibility": {"community"}, "publish": {"1"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("ends_at", start.Add(-time.Hour).Format("2006-01-02T15:04"))
		bad.Set("capacity", "很多")
		if code, body, _ := org.post("/activities", bad); code != 400 || !strings.Contains(body, "结束时间要晚于开始时间") ||
			!strings.Contains(body, "名额应为 1 到 1000 之间的整数") {
			t.Fatalf("bad form: %d", code)
		}
		if _, n, _ := s.FindActivities(storetest.Admin(), activities.Filter{}); n != 0 {
			t.Fatal("a bad form saved an activity")
		}
		code, _, h := org.post("/activities", form)
		if code != 303 || !strings.HasPrefix(h.Get("Location"), "/activities/") {
			t.Fatalf("create: %d %v", code, h)
		}
		id := strings.TrimPrefix(h.Get("Location"), "/activities/")
		// A draft: its organizer finds it on the list page, nobody else sees it.
		draft := url.Values{}
		for k, v := range form {
			draft[k] = v
		}
		draft.Del("publish")
		draft.Set("title", "社区书屋图书整理（草稿）")
		if code, _, _ := org.post("/activities", draft); code != 303 {
			t.Fatalf("draft: %d", code)
		}
		if _, body, _ := org.get("/activities"); !strings.Contains(body, "社区书屋图书整理（草稿）") || !strings.Contains(body, "本组织的活动") {
			t.Fatal("the organizer's own list lacks the draft")
		}

		anon := f.browser(t)
		if _, body, _ := anon.get("/activities"); !strings.Contains(body, "龙锦苑中心花园绿植认养") || !strings.Contains(body, "已报名 0 / 1 人") {
			t.Fatal("public list")
		}
		if _, body, _ := anon.get("/activities?type=reading"); strings.Contains(body, "龙锦苑中心花园绿植认养") {
			t.Fatal("type filter")
		}
		if _, body, _ := anon.get("/activities"); strings.Contains(body, "草稿") {
			t.Fatal("the public sees a draft")
		}
		if code, body, _ := anon.get("/activities?date=明天"); code != 200 || !strings.Contains(body, "日期格式应为") {
			t.Fatalf("bad date: %d", code)
		}
		if code, _, h := anon.get("/activities/" + id + "/code"); code != 303 || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("anonymous code page: %d", code)
		}

		r1, r2 := f.browser(t), f.browser(t)
		r1.login(residents[0])
		r2.login(residents[1])
		if code, body, _ := r1.post("/activities/"+id+"/signup", nil); code != 400 || !strings.Contains(body, "请选择您住的社区") {
			t.Fatalf("no community: %d", code)
		}
		if code, _, _ := r1.post("/activities/"+id+"/signup", url.Values{"community": {f.community.ID}}); code != 303 {
			t.Fatalf("signup: %d", code)
		}
		if code, _, _ := r2.post("/activities/"+id+"/signup", url.Values{"community": {f.community.ID}}); code != 303 {
			t.Fatalf("signup 2: %d", code)
		}
		if _, body, _ := r2.get("/activities/" + id); !strings.Contains(body, "候补名单第 1 位") {
			t.Fatal("waiting list not shown")
		}
		if _, body, _ := anon.get("/activities/" + id); strings.Contains(body, "张桂兰") || strings.Contains(body, "刘秀英") {
			t.Fatal("a resident's name on the public page")
		}
		if code, _, _ := r1.get("/activities/" + id + "/code"); code != 403 {
			t.Fatalf("a resident opened the code page: %d", code)
		}
		if code, _, _ := r1.get("/activities/" + id + "/attendance"); code != 403 {
			t.Fatalf("a resident opened the list: %d", code)
		}

		// At the venue: the organizer's page shows the code and its QR image.
		code, body, h := org.get("/activities/" + id + "/code")
		venue := regexp.MustCompile(`id="venue-code"[^>]*>(\d{6})<`).FindStringSubmatch(body)
		if code != 200 || venue == nil || h.Get("Refresh") == "" {
			t.Fatalf("code page: %d %v", code, h)
		}
		if code, png, h := org.get("/activities/" + id + "/code.png"); code != 200 || h.Get("Content-Type") != "image/png" || !strings.HasPrefix(png, "\x89PNG") {
			t.Fatalf("qr: %d %v", code, h)
		}
		if code, body, _ := r1.get("/activities/" + id + "/checkin?code=" + venue[1]); code != 200 || !strings.Contains(body, `value="`+venue[1]+`"`) {
			t.Fatalf("scan page: %d", code)
		}
		wrong := "000000"
		if venue[1] == wrong {
			wrong = "000001"
		}
		if code, body, _ := r1.post("/activities/"+id+"/checkin", url.Values{"code": {wrong}, "step": {"checkin"}}); code != 400 || !strings.Contains(body, "签到码不对或已过期") {
			t.Fatalf("wrong code: %d", code)
		}
		if code, body, _ := r2.post("/activities/"+id+"/checkin", url.Values{"code": {venue[1]}}); code != 409 || !strings.Contains(body, "不能签到") {
			t.Fatalf("waiting resident checked in: %d", code)
		}
		if code, _, _ := r1.post("/activities/"+id+"/checkin", url.Values{"code": {venue[1]}, "step": {"checkin"}}); code != 303 {
			t.Fatalf("check in: %d", code)
		}

		// After the activity: out by list, then the batch confirmation.
		// Sessions end after two idle hours: everyone looks at a page midway.
		clock.Set(clock.Now().Add(90 * time.Minute))
		for _, b := range []*browser{org, r1, r2} {
			b.get("/me")
		}
		clock.Set(clock.Now().Add(90 * time.Minute))
		list, err := s.FindSignups(storetest.Admin(), id)
		if err != nil {
			t.Fatal(err)
		}
		sid := list[0].ID
		if code, _, _ := r1.post("/activities/"+id+"/attendance/"+sid+"/checkout", nil); code != 403 {
			t.Fatalf("a resident ticked the list: %d", code)
		}
		if code, _, _ := org.post("/activities/"+id+"/attendance/"+sid+"/checkout", nil); code != 303 {
			t.Fatalf("out by list: %d", code)
		}
		_, body, _ = org.get("/activities/" + id + "/attendance")
		if !strings.Contains(body, "名单代签") || !strings.Contains(body, "137****9001") || strings.Contains(body, "13700009001") {
			t.Fatal("attendance list: method or masked phone")
		}
		if code, body, _ := org.post("/activities/"+id+"/attendance/confirm", url.Values{"confirm": {sid}, "hours_" + sid: {"5"}}); code != 400 || !strings.Contains(body, "时长应在 0 到 2 小时之间") {
			t.Fatalf("too many hours: %d", code)
		}
		if code, _, _ := org.post("/activities/"+id+"/attendance/confirm", url.Values{"confirm": {sid}, "hours_" + sid: {"1.5"}}); code != 303 {
			t.Fatalf("confirm: %d", code)
		}
		if _, body, _ := r1.get("/me/hours"); !strings.Contains(body, "已确认志愿时长 1.5 小时，共 1 次活动") {
			t.Fatal("my hours")
		}
		code, _, h = r1.post("/me/hours/certificates", nil)
		if code != 303 || !strings.HasPrefix(h.Get("Location"), "/certificates/") {
			t.Fatalf("certificate: %d", code)
		}
		if _, body, _ := r1.get(h.Get("Location")); !strings.Contains(body, "张桂兰") || !strings.Contains(body, "志愿服务时长证明") {
			t.Fatal("own certificate")
		}
		if _, body, _ := anon.get(h.Get("Location")); strings.Contains(body, "张桂兰") || !strings.Contains(body, "张**") {
			t.Fatal("public verification shows the full name")
		}

		staff := f.browser(t)
		staff.login(f.staff)
		if code, _, _ := staff.get("/admin/activity-flags"); code != 200 {
			t.Fatalf("flags for street staff: %d", code)
		}
		if code, _, _ := org.get("/admin/activity-flags"); code != 403 {
			t.Fatalf("flags for an organization: %d", code)
		}
		// Street staff register a volunteer team; its page says so.
		code, body, h = staff.post("/organizations", url.Values{"name": {"龙锦苑二区社区绿地认养队"}, "registration": {"filed"},
			"street": {f.street.ID}, "community": {f.community.ID}, "party_form": {"none"}, "kind": {"team"}})
		if code != 303 {
			t.Fatalf("register a team: %d %s", code, body)
		}
		if _, body, _ := anon.get(h.Get("Location")); !strings.Contains(body, `id="org-team"`) {
			t.Fatal("the team's page does not say it is a volunteer team")
		}
		if code, body, _ := staff.post("/organizations", url.Values{"name": {"某某俱乐部"}, "registration": {"filed"},
			"street": {f.street.ID}, "party_form": {"none"}, "kind": {"club"}}); code != 400 || !strings.Contains(body, "请选择组织类型") {
			t.Fatalf("unknown kind: %d", code)
		}
		f.assertNoPersonalData(t, venue[1])
	})
}

func TestActivityEditPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		org := f.browser(t)
		org.login(f.orgAdmin)
		u, err := s.FindUserByPhone(context.Background(), f.orgAdmin)
		if err != nil {
			t.Fatal(err)
		}
		start := s.Now().Add(48 * time.Hour)
		act := &activities.Activity{Title: "社区书屋图书整理", Type: "reading", OrgID: f.org.ID, StreetID: f.street.ID,
			Address: "社区书屋", StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 5,
			Eligibility: activities.OpenToAnyone, Status: activities.Published}
		if err := s.CreateActivity(accounts.WithActor(context.Background(), u), act); err != nil {
			t.Fatal(err)
		}
		path := "/activities/" + act.ID + "/edit"
		code, body, _ := org.get(path)
		if code != 200 || !strings.Contains(body, `value="社区书屋图书整理"`) {
			t.Fatalf("edit form: %d", code)
		}
		loc, _ := time.LoadLocation("Asia/Shanghai")
		form := url.Values{"title": {"社区书屋图书整理（周六）"}, "type": {"reading"}, "street": {f.street.ID}, "address": {"社区书屋"},
			"starts_at": {start.In(loc).Format("2006-01-02T15:04")}, "ends_at": {start.Add(3 * time.Hour).In(loc).Format("2006-01-02T15:04")},
			"capacity": {"0"}, "eligibility": {"anyone"}}
		if code, body, _ := org.post(path, form); code != 400 || !strings.Contains(body, "名额应为 1 到 1000 之间的整数") {
			t.Fatalf("bad capacity: %d", code)
		}
		form.Set("capacity", "8")
		if code, _, _ := org.post(path, form); code != 303 {
			t.Fatalf("save: %d", code)
		}
		back, _ := s.FindActivityByID(context.Background(), act.ID)
		if back.Title != "社区书屋图书整理（周六）" || back.Capacity != 8 || back.Duration() != 3*time.Hour {
			t.Fatalf("read back: %+v", back)
		}
		other := f.browser(t)
		other.login(f.staff)
		if code, _, _ := other.get(path); code != 403 {
			t.Fatalf("street staff edited an organization's activity: %d", code)
		}
	})
}
