package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestMeetingPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := f.browser(t)
		admin.login(f.admin)
		if code, body, _ := admin.get("/meetings/new"); code != 200 || !strings.Contains(body, `name="csrf_token"`) {
			t.Fatalf("form: %d", code)
		}
		// Bad input: a clear message, nothing recorded.
		code, body, _ := admin.post("/meetings", url.Values{"title": {""}, "held_on": {"2026-13-01"}})
		if code != 400 || !strings.Contains(body, "日期格式") {
			t.Fatalf("bad date: %d", code)
		}
		if list, _ := s.FindMeetings(storetest.Admin(), store.MeetingFilter{}); len(list) != 0 {
			t.Fatalf("a bad form recorded a meeting")
		}
		code, _, h := admin.post("/meetings", url.Values{"title": {"2026年第一季度联席会"}, "held_on": {"2026-03-05"}, "held_time": {"09:30"},
			"place": {"回天党群服务中心"}, "agenda": {"通报党组织覆盖\n部署联建"}, "departments": {"区民政局"},
			"party_street": {f.street.ID}, "party_orgs": {"回龙观惠民社工中心"},
			"resolutions": {"各街道三月底前完成党组织覆盖摸底"}, "minutes": {"内部：王老师 13812345678 负责联络"}})
		if code != http.StatusSeeOther {
			t.Fatalf("create: %d", code)
		}
		mpath := h.Get("Location")
		id := strings.TrimPrefix(mpath, "/meetings/")
		// The street owns an item.
		if code, _, _ := admin.post(mpath+"/actions", url.Values{"title": {"完成回龙观街道党组织覆盖摸底"},
			"owner": {"street:" + f.street.ID}, "due": {"2026-03-31"}}); code != http.StatusSeeOther {
			t.Fatalf("add item: %d", code)
		}
		if code, body, _ := admin.post(mpath+"/actions", url.Values{"title": {"无主"}, "owner": {"street:nope"}, "due": {"2026-03-31"}}); code != 400 ||
			!strings.Contains(body, "找不到这个责任方") {
			t.Fatalf("unknown owner: %d", code)
		}
		// A person as owner, by phone; an unknown number changes nothing.
		if code, body, _ := admin.post(mpath+"/actions", url.Values{"title": {"社区报送联建计划"}, "owner_phone": {"13900009999"},
			"due": {"2026-03-31"}}); code != 400 || !strings.Contains(body, "找不到这位工作人员") {
			t.Fatalf("unknown person: %d", code)
		}
		// A resident's number gets the same answer: the form never tells
		// whose a number is, nor gives work to residents.
		if _, err := s.EnsureResident(context.Background(), "13900009998"); err != nil {
			t.Fatal(err)
		}
		if code, body, _ := admin.post(mpath+"/actions", url.Values{"title": {"社区报送联建计划"}, "owner_phone": {"13900009998"},
			"due": {"2026-03-31"}}); code != 400 || !strings.Contains(body, "找不到这位工作人员") {
			t.Fatalf("a resident as owner: %d", code)
		}
		if code, _, _ := admin.post(mpath+"/actions", url.Values{"title": {"社区报送联建计划"}, "owner_phone": {f.commStaff},
			"due": {"2026-03-31"}}); code != http.StatusSeeOther {
			t.Fatalf("person owner: %d", code)
		}
		comm := f.browser(t)
		comm.login(f.commStaff)
		if _, home, _ := comm.get("/me"); !strings.Contains(home, "社区报送联建计划") {
			t.Fatal("a person's item is not on their home page")
		}
		if code, _, _ := f.browser(t).post(mpath+"/actions", url.Values{"title": {"x"}, "owner_phone": {f.commStaff}, "due": {"2026-03-31"}}); code == http.StatusSeeOther || code == 400 {
			t.Fatalf("anonymous probes a phone: %d", code)
		}
		// The public does not see an unpublished meeting.
		anon := f.browser(t)
		if code, _, _ := anon.get(mpath); code != 404 {
			t.Fatalf("unpublished to the public: %d", code)
		}
		// The street's staff see the item at home and finish it.
		staff := f.browser(t)
		staff.login(f.staff)
		_, home, _ := staff.get("/me")
		m := regexp.MustCompile(`href="/actions/([^"]+)"`).FindStringSubmatch(home)
		if m == nil || !strings.Contains(home, "完成回龙观街道党组织覆盖摸底") {
			t.Fatalf("item not on the owner's home page")
		}
		apath := "/actions/" + m[1]
		if _, body, _ := staff.get("/me/notifications"); !strings.Contains(body, `href="`+apath+`"`) ||
			!strings.Contains(body, "您有一项新的督办事项") {
			t.Fatal("the notification does not lead to the item")
		}
		other := f.browser(t)
		other.login(f.outsid)
		if code, _, _ := other.post(apath, url.Values{"status": {"done"}, "note": {"越权"}}); code != 404 && code != 403 {
			t.Fatalf("another street updates: %d", code)
		}
		if code, body, _ := staff.post(apath, url.Values{"status": {"dropped"}, "note": {"x"}}); code != 400 || !strings.Contains(body, "不能从") {
			t.Fatalf("owner drops: %d", code)
		}
		if code, _, _ := staff.post(apath, url.Values{"status": {"done"}, "note": {"31 家全部摸底"}}); code != http.StatusSeeOther {
			t.Fatalf("done: %d", code)
		}
		if _, body, _ := staff.get(apath); !strings.Contains(body, "已办结") || !strings.Contains(body, "31 家全部摸底") {
			t.Fatal("history")
		}
		// Publish: the public sees summary and resolutions, never the minutes.
		if code, _, _ := admin.post(mpath, url.Values{"minutes": {"内部：王老师 13812345678 负责联络"}, "summary": {"会议部署了覆盖摸底。"}, "publish": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("publish: %d", code)
		}
		code, body, _ = anon.get(mpath)
		if code != 200 || !strings.Contains(body, "各街道三月底前完成党组织覆盖摸底") || strings.Contains(body, "13812345678") ||
			strings.Contains(body, "王老师") || strings.Contains(body, "完成回龙观街道党组织覆盖摸底") {
			t.Fatalf("public page: %d", code)
		}
		if _, body, _ := anon.get("/meetings"); !strings.Contains(body, "/meetings/"+id) {
			t.Fatal("public list")
		}
		f.assertNoPersonalData(t)
	})
}

func TestPartySection(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		opath := "/organizations/" + f.org.ID
		staff := f.browser(t)
		staff.login(f.staff)
		if code, body, _ := staff.post(opath+"/party/forms", url.Values{"party_form": {"joint"}, "party_since": {"2019-13-01"}}); code != 400 ||
			!strings.Contains(body, "日期格式") {
			t.Fatalf("bad date: %d", code)
		}
		for _, form := range []url.Values{
			{"party_form": {"joint"}, "party_since": {"2019-05-01"}, "party_note": {"与周边三家组织联合组建"}},
			{"party_form": {"independent"}, "party_since": {"2022-07-01"}},
		} {
			if code, _, _ := staff.post(opath+"/party/forms", form); code != http.StatusSeeOther {
				t.Fatalf("form change: %d", code)
			}
		}
		if code, _, _ := staff.post(opath+"/party/pairings", url.Values{"party_partner": {"community:" + f.community.ID}, "party_since": {"2023-03-01"}}); code != http.StatusSeeOther {
			t.Fatalf("pairing: %d", code)
		}
		if code, _, _ := staff.post(opath+"/party/instructors", url.Values{"party_phone": {"13900009999"}, "party_since": {"2021-09-01"}}); code != 400 {
			t.Fatalf("unknown instructor: %d", code)
		}
		if code, _, _ := staff.post(opath+"/party/instructors", url.Values{"party_phone": {f.commStaff}, "party_since": {"2021-09-01"}}); code != http.StatusSeeOther {
			t.Fatalf("instructor: %d", code)
		}
		other := f.browser(t)
		other.login(f.outsid)
		if code, _, _ := other.post(opath+"/party/forms", url.Values{"party_form": {"none"}, "party_since": {"2024-01-01"}}); code != 403 {
			t.Fatalf("other street: %d", code)
		}
		// Who may act is settled before the input is read: another street's
		// staff learn nothing from a date that is not one.
		for _, path := range []string{"/party/forms", "/party/pairings"} {
			if code, body, _ := other.post(opath+path, url.Values{"party_form": {"joint"}, "party_since": {"2019-13-01"}}); code != 403 || strings.Contains(body, "日期格式") {
				t.Fatalf("other street, bad date on %s: %d", path, code)
			}
		}
		if code, _, _ := other.post(opath+"/party/instructors", url.Values{"party_phone": {f.commStaff}, "party_since": {"2021-09-01"}}); code != 403 {
			t.Fatalf("other street assigns: %d", code)
		}
		_, body, _ := f.browser(t).get(opath)
		for _, want := range []string{"联合组建党组织", "单独组建党组织", "龙锦苑二区社区", "社区干部"} {
			if !strings.Contains(body, want) {
				t.Errorf("public org page lacks %q", want)
			}
		}
		if strings.Contains(body, "party-form-add") {
			t.Error("the public sees the party forms")
		}
	})
}

// TestStreetActionOverview: a street's staff open the overdue item a
// district meeting gave their community (read only), and their 督办总览 on
// /meetings says the same number as their dashboard's 逾期督办事项.
func TestStreetActionOverview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		held := time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)
		m := &coordination.Meeting{Title: "区联席会", HeldAt: held}
		if err := s.CreateMeeting(storetest.Admin(), m); err != nil {
			t.Fatal(err)
		}
		x := &coordination.Action{MeetingID: m.ID, Title: "社区报送联建计划", OwnerKind: coordination.OwnerCommunity,
			OwnerID: f.community.ID, Due: held.AddDate(0, 0, 10)}
		if err := s.AddAction(storetest.Admin(), x); err != nil {
			t.Fatal(err)
		}
		staff := f.browser(t)
		staff.login(f.staff)
		code, body, _ := staff.get("/actions/" + x.ID)
		if code != 200 || !strings.Contains(body, x.Title) || strings.Contains(body, `id="action-update"`) {
			t.Fatalf("the street opens its community's item: %d", code)
		}
		if _, body, _ := staff.get("/meetings"); !strings.Contains(body, "其中逾期 1 项") || !strings.Contains(body, `href="/actions/`+x.ID+`"`) {
			t.Fatal("the overview leaves out the community's overdue item")
		}
		if _, body, _ := staff.get("/dashboard"); !strings.Contains(body, `id="dash-overdue">1<`) {
			t.Fatal("the dashboard's overdue count differs")
		}
		other := f.browser(t)
		other.login(f.outsid)
		if code, _, _ := other.get("/actions/" + x.ID); code != 404 {
			t.Fatalf("another street opens the item: %d", code)
		}
	})
}
