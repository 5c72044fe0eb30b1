package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

var fieldErrorRE = regexp.MustCompile(`<div class="field[^"]*has-error[^"]*">\s*<label for="([^"]+)"|<p class="field-error" role="alert">([^<]*)</p>`)

// fieldErrors lists a page's field errors by the input they sit under
// (its label's for), several joined by " / ".
func fieldErrors(body string) map[string]string {
	out, at := map[string]string{}, ""
	for _, m := range fieldErrorRE.FindAllStringSubmatch(body, -1) {
		if m[1] != "" {
			at = m[1]
			continue
		}
		if out[at] != "" {
			out[at] += " / "
		}
		out[at] += m[2]
	}
	return out
}

// TestFormsSayEverythingAtOnce: a form sent with several problems names
// them all on the first answer, each on its field: an empty meeting form
// its title and its date, a time of 25:99 on the time field as a time, an
// empty session form every missing field, an action item without an owner
// one message; an impossible date is "not a date", not "required".
func TestFormsSayEverythingAtOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := f.browser(t)
		admin.login(f.admin)
		expect := func(what string, code int, body string, want map[string]string) {
			t.Helper()
			if code != 400 {
				t.Errorf("%s: %d, want 400", what, code)
				return
			}
			got := fieldErrors(body)
			for field, msg := range want {
				if !strings.Contains(got[field], msg) {
					t.Errorf("%s: %s says %q, want %q (all: %v)", what, field, got[field], msg, got)
				}
			}
		}

		code, body, _ := admin.post("/meetings", url.Values{"title": {""}, "held_on": {""}})
		expect("an empty meeting", code, body, map[string]string{"title": "必须填写", "held_on": "必须填写"})
		code, body, _ = admin.post("/meetings", url.Values{"title": {""}, "held_on": {"2026-03-05"}, "held_time": {"25:99"}})
		expect("a meeting at 25:99", code, body, map[string]string{"title": "必须填写", "held_time": "时间格式应为 09:30"})
		if got := fieldErrors(body); got["held_on"] != "" {
			t.Errorf("a meeting at 25:99: the date says %q", got["held_on"])
		}
		code, body, _ = admin.post("/meetings", url.Values{"title": {"联席会"}, "held_on": {"2026-02-31"}})
		expect("a meeting on 2026-02-31", code, body, map[string]string{"held_on": "日期格式应为 2026-03-01"})

		co := &incubation.Course{Title: "社会组织财务管理", Topic: incubation.TopicFinance}
		if err := s.CreateCourse(storetest.Admin(), co); err != nil {
			t.Fatal(err)
		}
		code, body, _ = admin.post("/academy/sessions", url.Values{"course": {co.ID}, "start": {""}, "end": {""}})
		expect("an empty session", code, body, map[string]string{"se-teacher": "必须填写", "se-place": "必须填写",
			"se-date": "必须填写", "se-start": "必须填写"})
		code, body, _ = admin.post("/academy/sessions", url.Values{"course": {co.ID}, "date": {"2026-13-01"}, "start": {"14:00"}, "end": {"16:99"}, "capacity": {"很多"}})
		expect("a session on 2026-13-01", code, body, map[string]string{"se-teacher": "必须填写", "se-date": "日期格式应为 2026-03-01",
			"se-end": "时间格式应为 09:30", "se-cap": "请填写数字"})

		m := &coordination.Meeting{Title: "区联席会", HeldAt: time.Date(2026, 3, 5, 1, 30, 0, 0, time.UTC)}
		if err := s.CreateMeeting(storetest.Admin(), m); err != nil {
			t.Fatal(err)
		}
		code, body, _ = admin.post("/meetings/"+m.ID+"/actions", url.Values{"title": {""}, "owner": {""}, "due": {"2026-04-31"}})
		expect("an item without an owner", code, body, map[string]string{"owner": "请选择责任方或填写工作人员手机号",
			"due": "日期格式应为 2026-03-01"})
		if got := fieldErrors(body); strings.Contains(got["owner"], " / ") || !strings.Contains(got["action-title"]+got["title"], "必须填写") {
			t.Errorf("an item without an owner: %v", got)
		}

		base := &incubation.Base{Name: "回龙观街道孵化基地", StreetID: f.street.ID}
		if err := s.CreateBase(storetest.Admin(), base); err != nil {
			t.Fatal(err)
		}
		in := &incubation.Incubation{BaseID: base.ID, OrgID: f.org.ID, Statement: "我们为龙锦苑的独居老人提供助餐和探访，需要办公场地。"}
		if err := s.ApplyIncubation(storetest.Admin(), in); err != nil {
			t.Fatal(err)
		}
		path := "/incubation/incubations/" + in.ID
		code, body, _ = admin.post(path+"/admit", url.Values{"plan": {""}, "starts_on": {"2026-13-01"}, "ends_on": {"2026-02-31"}})
		expect("an admission on impossible days", code, body, map[string]string{"adm-plan": "必须填写",
			"adm-start": "日期格式应为 2026-03-01", "adm-end": "日期格式应为 2026-03-01"})
		if err := s.AdmitIncubation(storetest.Admin(), in.ID, incubation.Admission{Plan: "一年", StartsOn: time.Now(), EndsOn: time.Now().AddDate(1, 0, 0)}); err != nil {
			t.Fatal(err)
		}
		if err := s.StepIncubation(storetest.Admin(), in.ID, incubation.ActStart, ""); err != nil {
			t.Fatal(err)
		}
		code, body, _ = admin.post(path+"/services", url.Values{"kind": {""}, "on": {"2026-02-31"}})
		expect("a service on 2026-02-31", code, body, map[string]string{"sv-kind": "必须填写", "sv-on": "日期格式应为 2026-03-01"})
	})
}
