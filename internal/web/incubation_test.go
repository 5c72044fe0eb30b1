package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestIncubationPages walks the base and the academy through the pages:
// apply, admit, book (and fail to double-book), enroll, attend, verify.
func TestIncubationPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := storetest.Admin()
		base := &incubation.Base{Name: "回龙观街道社会组织孵化基地", StreetID: f.street.ID, Address: "回龙观西大街 8 号"}
		if err := s.CreateBase(ctx, base); err != nil {
			t.Fatal(err)
		}
		var week incubation.Week
		for i := range week {
			week[i] = incubation.DayHours{Open: 8 * 60, Close: 21 * 60}
		}
		room := &incubation.Space{BaseID: base.ID, Name: "一号会议室", Kind: incubation.MeetingRoom, Capacity: 12, Hours: week,
			Audience: incubation.StreetOrgs}
		if err := s.CreateSpace(ctx, room); err != nil {
			t.Fatal(err)
		}
		anon := f.browser(t)
		if code, body, _ := anon.get("/incubation"); code != 200 || !strings.Contains(body, base.Name) || !strings.Contains(body, "一号会议室") {
			t.Fatalf("/incubation: %d", code)
		}
		if code, body, _ := anon.get("/incubation/spaces/" + room.ID); code != 200 || !strings.Contains(body, "登录后预约") {
			t.Fatalf("space page: %d", code)
		}
		if code, _, _ := anon.post("/incubation/spaces/"+room.ID+"/bookings", url.Values{}); code != 401 {
			t.Fatalf("anonymous booking: %d", code)
		}

		org := f.browser(t)
		org.login(f.orgAdmin)
		// Another street's base is listed for everyone but not offered in
		// the application form, and posting it anyway is refused.
		far := &incubation.Base{Name: "霍营街道孵化基地", StreetID: f.other.ID}
		if err := s.CreateBase(ctx, far); err != nil {
			t.Fatal(err)
		}
		if _, body, _ := org.get("/incubation"); !strings.Contains(body, `<option value="`+base.ID+`"`) || strings.Contains(body, `<option value="`+far.ID+`"`) {
			t.Fatal("the application form offers another street's base")
		}
		if code, body, _ := org.post("/incubation/applications", url.Values{"org": {f.org.ID}, "base": {far.ID},
			"statement": {"我们为龙锦苑的独居老人提供助餐和探访，需要办公场地和财务辅导。"}}); code != 400 || !strings.Contains(body, "只能申请入驻区级基地或本组织所在街道的基地") {
			t.Fatalf("applying to another street's base: %d", code)
		}
		if code, body, _ := org.post("/incubation/applications", url.Values{"org": {f.org.ID}, "base": {base.ID}, "statement": {"短"}}); code != 400 || !strings.Contains(body, "至少用 10 个字") {
			t.Fatalf("short application: %d", code)
		}
		code, _, h := org.post("/incubation/applications", url.Values{"org": {f.org.ID}, "base": {base.ID},
			"statement": {"我们为龙锦苑的独居老人提供助餐和探访，需要办公场地和财务辅导。"}})
		if code != 303 || !strings.HasPrefix(h.Get("Location"), "/incubation/incubations/") {
			t.Fatalf("apply: %d %v", code, h)
		}
		incPath := h.Get("Location")
		outsider := f.browser(t)
		outsider.login(f.outsid)
		if code, _, _ := outsider.get(incPath); code != 403 {
			t.Fatalf("other street's staff sees the application: %d", code)
		}
		staff := f.browser(t)
		staff.login(f.staff)
		if code, body, _ := staff.get(incPath); code != 200 || !strings.Contains(body, "批准入驻") {
			t.Fatalf("staff sees the application: %d", code)
		}
		if code, _, _ := outsider.post(incPath+"/admit", url.Values{"plan": {"x"}, "starts_on": {"2027-01-01"}, "ends_on": {"2027-12-31"}}); code != 403 {
			t.Fatalf("other street's staff admits: %d", code)
		}
		if code, _, _ := staff.post(incPath+"/admit", url.Values{"plan": {"一年：规范财务，承接一个社区项目"}, "mentor": {"刘导师"},
			"starts_on": {"2027-01-01"}, "ends_on": {"2027-12-31"}}); code != 303 {
			t.Fatalf("admit: %d", code)
		}
		if code, _, _ := staff.post(incPath+"/actions/start", nil); code != 303 {
			t.Fatalf("start: %d", code)
		}
		if code, body, _ := staff.post(incPath+"/actions/graduate", nil); code != 409 || !strings.Contains(body, "尚未满足出壳条件") {
			t.Fatalf("graduate too early: %d", code)
		}
		if _, body, _ := org.get(incPath); !strings.Contains(body, "孵化中") || !strings.Contains(body, "完成学院课程 0 / 2 门") ||
			!strings.Contains(body, "退出孵化") || strings.Contains(body, "step-graduate") {
			t.Fatal("the organization's view of its incubation")
		}

		// Book tomorrow 10:00–11:00 in Shanghai; the same hour again is refused.
		day := time.Now().In(incubation.Zone).AddDate(0, 0, 1).Format("2006-01-02")
		form := url.Values{"date": {day}, "start": {"10:00"}, "slots": {"2"}, "org": {f.org.ID}, "attendees": {"6"}, "purpose": {"理事会"}}
		if code, body, _ := org.post("/incubation/spaces/"+room.ID+"/bookings", form); code != 303 {
			t.Fatalf("book: %d %s", code, body)
		}
		if code, body, _ := org.post("/incubation/spaces/"+room.ID+"/bookings", form); code != 409 || !strings.Contains(body, "所选时段已被预约") {
			t.Fatalf("double booking: %d", code)
		}
		bad := url.Values{"date": {day}, "start": {"10:15"}, "slots": {"2"}, "org": {f.org.ID}, "attendees": {"6"}}
		if code, body, _ := org.post("/incubation/spaces/"+room.ID+"/bookings", bad); code != 400 || !strings.Contains(body, "整半小时") {
			t.Fatalf("unaligned: %d", code)
		}
		if _, body, _ := anon.get("/incubation/spaces/" + room.ID + "?date=" + day); !strings.Contains(body, f.org.Name) || strings.Contains(body, "组织负责人") {
			t.Fatal("the day view shows the organization, never the person, to the public")
		}
		if _, body, _ := anon.get("/incubation/spaces/" + room.ID + "?date=" + day + "&view=week"); !strings.Contains(body, "10:00–11:00") {
			t.Fatal("week view")
		}
		if _, body, _ := org.get("/incubation"); !strings.Contains(body, "10:00–11:00") {
			t.Fatal("my bookings")
		}

		// The academy: a session starting in 30 minutes, enroll, mark present.
		co := &incubation.Course{Title: "社会组织财务管理", Topic: incubation.TopicFinance}
		if err := s.CreateCourse(ctx, co); err != nil {
			t.Fatal(err)
		}
		start := time.Now().Add(30 * time.Minute).Truncate(time.Minute)
		se := &incubation.Session{CourseID: co.ID, Teacher: "陈老师", Place: "区孵化基地多功能厅", Start: start, End: start.Add(2 * time.Hour), Capacity: 30}
		if err := s.CreateCourseSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		if code, body, _ := anon.get("/academy"); code != 200 || !strings.Contains(body, co.Title) {
			t.Fatalf("/academy: %d", code)
		}
		if code, _, _ := org.post("/academy/sessions/"+se.ID+"/enrollments", url.Values{"org": {f.org.ID}, "person": {"王秀兰"}}); code != 303 {
			t.Fatalf("enroll: %d", code)
		}
		es, err := s.FindOrgEnrollments(ctx, f.org.ID)
		if err != nil || len(es) != 1 {
			t.Fatal(es, err)
		}
		if code, _, _ := staff.post("/academy/enrollments/"+es[0].ID+"/attendance", url.Values{"status": {"present"}}); code != 403 {
			t.Fatalf("street staff marks a district session: %d", code)
		}
		admin := f.browser(t)
		admin.login(f.admin)
		if _, body, _ := admin.get("/academy/sessions/" + se.ID); !strings.Contains(body, "王秀兰") {
			t.Fatal("roster")
		}
		if code, _, _ := admin.post("/academy/enrollments/"+es[0].ID+"/attendance", url.Values{"status": {"present"}, "next": {"/academy/sessions/" + se.ID}}); code != 303 {
			t.Fatalf("mark present: %d", code)
		}
		certs, _ := s.FindOrgCertificates(ctx, f.org.ID)
		if len(certs) != 1 {
			t.Fatal("no certificate")
		}
		// Present before the start: the organization is no longer offered
		// 取消报名, and posting it anyway says why.
		cancel := "/academy/enrollments/" + es[0].ID + "/cancel"
		if _, body, _ := org.get("/academy/sessions/" + se.ID); strings.Contains(body, cancel) {
			t.Fatal("cancel offered after roll call")
		}
		if code, body, _ := org.post(cancel, url.Values{"next": {"/academy/sessions/" + se.ID}}); code != 409 || !strings.Contains(body, "已点名出席的报名不能取消") {
			t.Fatalf("cancel after roll call: %d", code)
		}
		code, body, _ := anon.get("/academy/certificates/" + certs[0].ID)
		if code != 200 || !strings.Contains(body, "王**") || strings.Contains(body, "王秀兰") || !strings.Contains(body, co.Title) {
			t.Fatalf("public certificate: %d", code)
		}
		if _, body, _ := org.get("/academy/certificates/" + certs[0].ID); !strings.Contains(body, "王秀兰") {
			t.Fatal("the organization sees the full name")
		}
		if code, _, _ := anon.get("/academy/certificates/nope"); code != http.StatusNotFound {
			t.Fatalf("unknown certificate: %d", code)
		}
		_, body, _ = anon.get("/organizations/" + f.org.ID)
		if !strings.Contains(body, "孵化与培训") || !strings.Contains(body, base.Name) || !strings.Contains(body, co.Title) || strings.Contains(body, "王秀兰") {
			t.Fatal("the profile's incubation and training record")
		}
		if code, body, _ := staff.get("/incubation/manage"); code != 200 || !strings.Contains(body, f.org.Name) || !strings.Contains(body, "空间使用率") {
			t.Fatalf("manage: %d", code)
		}
		if code, _, _ := f.browser(t).get("/incubation/manage"); code != 303 {
			t.Fatalf("manage signed out: %d", code)
		}
		// Every page in both languages: no catalog key shows through.
		keys := regexp.MustCompile(`\b(inc|space|booking|incubation|course|session|enrollment|attendance)\.[a-z_]+\b`)
		pages := []string{"/incubation", "/incubation/spaces/" + room.ID + "?date=" + day, "/incubation/spaces/" + room.ID + "?view=week",
			"/incubation/manage", incPath, "/academy", "/academy/sessions/" + se.ID, "/academy/certificates/" + certs[0].ID,
			"/organizations/" + f.org.ID}
		for _, lang := range []string{"zh-CN", "en"} {
			if code, _, _ := admin.post("/lang", url.Values{"lang": {lang}, "next": {"/"}}); code != 303 {
				t.Fatalf("switch to %s: %d", lang, code)
			}
			for _, p := range pages {
				code, body, _ := admin.get(p)
				if code != 200 {
					t.Errorf("%s %s: %d", lang, p, code)
				}
				for _, m := range keys.FindAllString(body, -1) {
					if m != "incubation.css" { // the stylesheet's name
						t.Errorf("%s %s shows the key %q", lang, p, m)
					}
				}
			}
		}
		f.assertNoPersonalData(t)
	})
}

// TestBaseAndSpaceForms: a street's staff open their base, add a room and
// change its hours; another street's staff cannot; bad hours say why.
func TestBaseAndSpaceForms(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		staff := f.browser(t)
		staff.login(f.staff)
		if code, body, _ := staff.get("/incubation/manage"); code != 200 || !strings.Contains(body, "新增基地") {
			t.Fatalf("manage without a base: %d", code)
		}
		if code, _, _ := staff.post("/incubation/bases", url.Values{"name": {"回龙观孵化基地"}, "street": {""}}); code != 403 {
			t.Fatalf("street staff opens the district base: %d", code)
		}
		if code, _, _ := staff.post("/incubation/bases", url.Values{"name": {" "}, "street": {f.street.ID}}); code != 400 {
			t.Fatalf("a base without a name: %d", code)
		}
		code, _, h := staff.post("/incubation/bases", url.Values{"name": {"回龙观孵化基地"}, "street": {f.street.ID}, "address": {"西大街 8 号"}})
		if code != 303 {
			t.Fatalf("open a base: %d", code)
		}
		bases, _ := s.FindBases(storetest.Admin())
		if len(bases) != 1 || !strings.Contains(h.Get("Location"), bases[0].ID) {
			t.Fatalf("bases: %v", bases)
		}
		room := url.Values{"base": {bases[0].ID}, "name": {"议事厅"}, "kind": {"meeting_room"}, "audience": {"street_orgs"},
			"capacity": {"16"}, "max_slots": {"8"}, "ahead_days": {"14"}, "hours_weekday": {"08:30-20:00"}, "hours_weekend": {"-"}}
		bad := url.Values{}
		for k, v := range room {
			bad[k] = v
		}
		bad.Set("hours_weekday", "8点到晚上")
		if code, body, _ := staff.post("/incubation/spaces", bad); code != 400 || !strings.Contains(body, "09:00-18:00") {
			t.Fatalf("bad hours: %d", code)
		}
		if code, _, _ := staff.post("/incubation/spaces", room); code != 303 {
			t.Fatalf("add a room: %d", code)
		}
		spaces, _ := s.FindSpaces(storetest.Admin(), bases[0].ID)
		if len(spaces) != 1 || spaces[0].Hours[time.Saturday] != (incubation.DayHours{}) || spaces[0].Hours[time.Monday].Open != 510 {
			t.Fatalf("room: %+v", spaces)
		}
		path := "/incubation/spaces/" + spaces[0].ID
		if _, body, _ := staff.get(path); !strings.Contains(body, `value="08:30-20:00"`) {
			t.Fatal("the edit form is not filled in")
		}
		outsider := f.browser(t)
		outsider.login(f.outsid)
		if _, body, _ := outsider.get(path); strings.Contains(body, "edit-space") {
			t.Fatal("another street's staff see the edit form")
		}
		edit := url.Values{"edit": {"1"}, "name": {"议事厅"}, "audience": {"registered"}, "capacity": {"20"}, "max_slots": {"6"},
			"ahead_days": {"7"}, "hours_weekday": {"09:00-18:00"}, "hours_weekend": {"09:00-12:00"}, "rules": {"用后复原桌椅"}}
		if code, _, _ := outsider.post(path+"/edit", edit); code != 403 {
			t.Fatalf("another street's staff edit: %d", code)
		}
		if code, _, _ := staff.post(path+"/edit", edit); code != 303 {
			t.Fatalf("edit: %d", code)
		}
		sp, _ := s.FindSpaceByID(storetest.Admin(), spaces[0].ID)
		if sp.Capacity != 20 || sp.Audience != incubation.Registered || sp.Hours.Day(time.Saturday) != "09:00-12:00" || sp.Rules != "用后复原桌椅" {
			t.Fatalf("after the edit: %+v", sp)
		}
	})
}

// TestAcademySeatsLeftOneSeat: a session of one seat reads “1 of 1 seat
// left” and, once taken, “0 of 1 seat left” in English (never “1 seats”),
// and 剩余 1 / 1 个名额 in Chinese; a larger one still counts seats.
func TestAcademySeatsLeftOneSeat(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := storetest.Admin()
		co := &incubation.Course{Title: "社会组织财务管理", Topic: incubation.TopicFinance}
		if err := s.CreateCourse(ctx, co); err != nil {
			t.Fatal(err)
		}
		start := time.Now().Add(48 * time.Hour).Truncate(time.Minute)
		one := &incubation.Session{CourseID: co.ID, Teacher: "陈老师", Place: "一号会议室", Start: start, End: start.Add(2 * time.Hour), Capacity: 1}
		big := &incubation.Session{CourseID: co.ID, Teacher: "李老师", Place: "多功能厅", Start: start.Add(24 * time.Hour), End: start.Add(26 * time.Hour), Capacity: 20}
		for _, se := range []*incubation.Session{one, big} {
			if err := s.CreateCourseSession(ctx, se); err != nil {
				t.Fatal(err)
			}
		}
		b := f.browser(t)
		if _, body, _ := b.get("/academy/sessions/" + one.ID); !strings.Contains(body, "剩余 1 / 1 个名额") {
			t.Errorf("zh: %s", regexp.MustCompile(`<dd id="seats">[^<]*`).FindString(body))
		}
		if code, _, _ := b.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}}); code != http.StatusSeeOther {
			t.Fatalf("switch to en: %d", code)
		}
		if _, body, _ := b.get("/academy"); !strings.Contains(body, "1 of 1 seat left") || !strings.Contains(body, "20 of 20 seats left") {
			t.Error("the academy does not read “1 of 1 seat left” and “20 of 20 seats left”")
		}
		org := f.browser(t)
		org.login(f.orgAdmin)
		if code, _, _ := org.post("/academy/sessions/"+one.ID+"/enrollments", url.Values{"org": {f.org.ID}, "person": {"王秀兰"}}); code != http.StatusSeeOther {
			t.Fatalf("enroll: %d", code)
		}
		if _, body, _ := b.get("/academy/sessions/" + one.ID); !strings.Contains(body, `<dd id="seats">0 of 1 seat left</dd>`) {
			t.Errorf("en, the seat taken: %s", regexp.MustCompile(`<dd id="seats">[^<]*`).FindString(body))
		}
	})
}
