package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// grantsClock is the store's clock in the grants tests: the milestones
// and donations they type are dated against 2026-11-20 in Beijing.
func grantsClock() time.Time { return time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC) }

// htmlTag is the opening tag of the element with id in body ("" when none).
func htmlTag(body, id string) string {
	return regexp.MustCompile(`<[^>]* id="` + id + `"[^>]*>`).FindString(body)
}

// htmlSelected reports whether the select id has value selected.
func htmlSelected(body, id, value string) bool {
	m := regexp.MustCompile(`(?s)<select[^>]* id="` + id + `".*?</select>`).FindString(body)
	return strings.Contains(m, `<option value="`+value+`" selected>`)
}

// htmlTextarea is the text of the textarea id.
func htmlTextarea(body, id string) string {
	m := regexp.MustCompile(`(?s)<textarea[^>]* id="` + id + `"[^>]*>(.*?)</textarea>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// grantsRound opens a fund with money and a round taking applications,
// and returns the fund's and the round's paths.
func grantsRound(t *testing.T, s *store.Store, admin *browser, street string) (string, string) {
	t.Helper()
	fpath := admin.mustPost("/grants/funds", url.Values{"name": {"回天社区治理基金"}, "kind": {"general"}})
	admin.mustPost(fpath+"/donations", url.Values{"key": {"d1"}, "donor": {"北京某科技有限公司"}, "amount": {"100,000"},
		"channel": {"bank"}, "donated_on": {"2026-11-19"}})
	today := s.Now().In(grants.Zone)
	rpath := admin.mustPost("/grants/rounds", url.Values{"name": {"2026 年回龙观微创投"}, "fund": {strings.TrimPrefix(fpath, "/grants/funds/")},
		"route": {"micro_venture"}, "street": {street}, "budget": {"50000"}, "match_pct": {"70"}, "themes": {"property"},
		"eligibility": {"street_orgs"}, "opens_on": {today.AddDate(0, 0, -1).Format("2006-01-02")},
		"closes_on": {today.AddDate(0, 1, 0).Format("2006-01-02")}})
	return fpath, rpath
}

// TestGrantsFormsKeepInput (F4): the round, fund, donation and award
// forms refused come back with everything typed — above all the fund a
// round is booked on, never silently the first one.
func TestGrantsFormsKeepInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = grantsClock
		f := newFixture(t, s)
		admin, staff, org := f.browser(t), f.browser(t), f.browser(t)
		admin.login(f.admin)
		staff.login(f.staff)
		org.login(f.orgAdmin)
		_, rpath := grantsRound(t, s, admin, f.street.ID)
		second := admin.mustPost("/grants/funds", url.Values{"name": {"助老专项基金"}, "kind": {"restricted"}, "purpose": {"助老"}})
		secondID := strings.TrimPrefix(second, "/grants/funds/")

		// The round form: a name too short, everything else typed.
		today := s.Now().In(grants.Zone)
		opens, closes := today.Format("2006-01-02"), today.AddDate(0, 2, 0).Format("2006-01-02")
		code, body, _ := admin.post("/grants/rounds", url.Values{"name": {"冬"}, "fund": {secondID}, "route": {"foundation_grant"},
			"street": {f.street.ID}, "budget": {"30000"}, "match_pct": {"80"}, "themes": {"elderly", "environment"},
			"eligibility": {"registered"}, "criteria": {"服务对象明确\n预算合理"}, "description": {"冬季助老专项"},
			"opens_on": {opens}, "closes_on": {closes}})
		if code != 400 {
			t.Fatalf("a round named too short: %d", code)
		}
		for id, v := range map[string]string{"round-name": "冬", "round-budget": "30000", "round-pct": "80", "round-opens": opens,
			"round-closes": closes} {
			if !strings.Contains(htmlTag(body, id), `value="`+v+`"`) {
				t.Errorf("#%s lost %q: %s", id, v, htmlTag(body, id))
			}
		}
		for id, v := range map[string]string{"round-fund": secondID, "round-route": "foundation_grant", "round-street": f.street.ID,
			"round-elig": "registered"} {
			if !htmlSelected(body, id, v) {
				t.Errorf("#%s lost %q", id, v)
			}
		}
		for _, c := range []string{"elderly", "environment"} {
			if !regexp.MustCompile(`name="themes" value="` + c + `" checked`).MatchString(body) {
				t.Errorf("theme %s unchecked", c)
			}
		}
		if regexp.MustCompile(`name="themes" value="property" checked`).MatchString(body) {
			t.Error("a theme not chosen is checked")
		}
		if htmlTextarea(body, "round-criteria") != "服务对象明确\n预算合理" || htmlTextarea(body, "round-desc") != "冬季助老专项" {
			t.Errorf("criteria or description lost: %q %q", htmlTextarea(body, "round-criteria"), htmlTextarea(body, "round-desc"))
		}
		// A fresh form keeps its defaults.
		body = mustGet(t, admin, "/grants")
		if !strings.Contains(htmlTag(body, "round-pct"), `value="70"`) || !strings.Contains(htmlTextarea(body, "round-criteria"), "方案可行") {
			t.Error("the round form's defaults are gone")
		}

		// The fund form.
		code, body, _ = admin.post("/grants/funds", url.Values{"name": {"助老专项基金"}, "kind": {"restricted"}, "purpose": {"冬季助老"},
			"description": {"重名"}})
		if code != 400 || !htmlSelected(body, "fund-kind", "restricted") || !strings.Contains(htmlTag(body, "fund-purpose"), `value="冬季助老"`) ||
			htmlTextarea(body, "fund-desc") != "重名" {
			t.Errorf("the fund form lost what was typed: %d", code)
		}

		// The donation form.
		code, body, _ = admin.post(second+"/donations", url.Values{"key": {"d9"}, "donor": {"张建国"}, "anonymous": {"1"}, "amount": {"12.345"},
			"channel": {"wechat"}, "restriction": {"用于独居老人助餐"}, "donated_on": {"2026-11-19"}})
		if code != 400 {
			t.Fatalf("a bad amount: %d", code)
		}
		if !htmlSelected(body, "don-channel", "wechat") || !strings.Contains(htmlTag(body, "don-restriction"), `value="用于独居老人助餐"`) ||
			!strings.Contains(htmlTag(body, "don-anon"), "checked") {
			t.Error("the donation form lost the channel, the restriction or the donor's wish to stay anonymous")
		}

		// The award form.
		apath := org.mustPost(rpath+"/applications", gateApplication(f.org.ID, today.AddDate(0, 1, 0).Format("2006-01-02")))
		admin.mustPost(apath+"/actions/review", nil)
		code, body, _ = staff.post(apath+"/award", url.Values{"amount": {"12.345"}, "reason": {"评分第一，物料部分压缩"}})
		if code != 400 || htmlTextarea(body, "award-reason") != "评分第一，物料部分压缩" || !strings.Contains(htmlTag(body, "award-amount"), `value="12.345"`) {
			t.Errorf("the award form lost what was typed: %d %s", code, htmlTag(body, "award-amount"))
		}
		if code, _, _ := staff.post(apath+"/award", url.Values{"amount": {"6000"}, "reason": {"评分第一"}}); code != http.StatusSeeOther {
			t.Fatalf("award: %d", code)
		}
	})
}

// TestGrantsDatesRefused (F5): a round that already closed, a donation
// dated after today and a milestone due before today are refused with a
// message that says why, the milestone's row marked.
func TestGrantsDatesRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = grantsClock
		f := newFixture(t, s)
		admin, org := f.browser(t), f.browser(t)
		admin.login(f.admin)
		org.login(f.orgAdmin)
		fpath, rpath := grantsRound(t, s, admin, f.street.ID)
		code, body, _ := admin.post("/grants/rounds", url.Values{"name": {"2020 年微创投"}, "fund": {strings.TrimPrefix(fpath, "/grants/funds/")},
			"route": {"micro_venture"}, "street": {f.street.ID}, "budget": {"10000"}, "match_pct": {"70"}, "eligibility": {"street_orgs"},
			"opens_on": {"2020-01-01"}, "closes_on": {"2020-02-01"}})
		if code != 400 || !strings.Contains(body, "截止日期：不能早于今天（2026-11-20）") {
			t.Errorf("a round closed in 2020: %d", code)
		}
		code, body, _ = admin.post(fpath+"/donations", url.Values{"key": {"f1"}, "donor": {"某公司"}, "amount": {"100"},
			"channel": {"bank"}, "donated_on": {"2027-05-01"}})
		if code != 400 || !strings.Contains(body, "捐赠日期：不能晚于今天（2026-11-20）") || strings.Contains(body, "HTJJH-2027") {
			t.Errorf("a donation dated 2027-05-01: %d", code)
		}
		app := gateApplication(f.org.ID, "2026-12-20")
		app["ms_title"], app["ms_due"], app["ms_pct"] = []string{"议事会成立", "运行三个月"}, []string{"2026-12-20", "2026-10-01"}, []string{"40", "60"}
		code, body, _ = org.post(rpath+"/applications", app)
		if code != 400 || !strings.Contains(body, `id="ms-2-error" role="alert">第 2 个里程碑的日期不能早于今天（2026-11-20）`) ||
			strings.Contains(htmlTag(body, "ms-1"), "has-error") {
			t.Errorf("a milestone due before today: %d", code)
		}
	})
}

// TestGrantsTrancheReturnReason (F9): staff sending a reported milestone
// back must say why, and the organization reads the reason on its page.
func TestGrantsTrancheReturnReason(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = grantsClock
		f := newFixture(t, s)
		admin, staff, org := f.browser(t), f.browser(t), f.browser(t)
		admin.login(f.admin)
		staff.login(f.staff)
		org.login(f.orgAdmin)
		_, rpath := grantsRound(t, s, admin, f.street.ID)
		apath := org.mustPost(rpath+"/applications", gateApplication(f.org.ID, "2026-12-20"))
		aid := strings.TrimPrefix(apath, "/grants/applications/")
		admin.mustPost(apath+"/actions/review", nil)
		staff.mustPost(apath+"/award", url.Values{"amount": {"6000"}, "reason": {"评分第一"}})
		tr := regexp.MustCompile(`action="/grants/tranches/([^/]+)/report"`).FindStringSubmatch(mustGet(t, org, apath))
		if tr == nil {
			t.Fatal("no report form")
		}
		org.mustPost("/grants/tranches/"+tr[1]+"/report", url.Values{"application": {aid}, "note": {"议事会已成立"}})
		body := mustGet(t, staff, apath)
		if htmlTag(body, "return-1") == "" || !strings.Contains(htmlTag(body, "return-1"), "required") {
			t.Fatalf("no reason to write on returning: %s", htmlTag(body, "return-1"))
		}
		code, body, _ := staff.post("/grants/tranches/"+tr[1]+"/return", url.Values{"application": {aid}, "note": {"  "}})
		if code != 400 || !strings.Contains(body, "请写明退回补充的原因") {
			t.Fatalf("returned without a reason: %d", code)
		}
		staff.mustPost("/grants/tranches/"+tr[1]+"/return", url.Values{"application": {aid}, "note": {"请补充会议签到表和照片"}})
		body = mustGet(t, org, apath)
		if !strings.Contains(htmlTag(body, "returned-1"), "alert") || !strings.Contains(body, "退回补充：请补充会议签到表和照片") {
			t.Error("the organization does not see why its milestone came back")
		}
		if htmlTag(body, "report-1") == "" {
			t.Error("the organization cannot report the milestone again")
		}
	})
}

// TestGrantsNegativeAmount (F12): a negative budget or award says the
// amount must be more than 0, not that its format is wrong.
func TestGrantsNegativeAmount(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = grantsClock
		f := newFixture(t, s)
		admin := f.browser(t)
		admin.login(f.admin)
		fpath, _ := grantsRound(t, s, admin, f.street.ID)
		code, body, _ := admin.post("/grants/rounds", url.Values{"name": {"冬季微创投"}, "fund": {strings.TrimPrefix(fpath, "/grants/funds/")},
			"route": {"micro_venture"}, "street": {f.street.ID}, "budget": {"-50000"}, "match_pct": {"70"}, "eligibility": {"street_orgs"},
			"opens_on": {"2026-11-20"}, "closes_on": {"2026-12-20"}})
		if code != 400 || !strings.Contains(body, "金额必须大于 0") || strings.Contains(body, "金额格式不正确") {
			t.Errorf("a negative budget: %d", code)
		}
	})
}

// gateApplication is an organization's application for a 楼门议事会 grant:
// one ¥10,000 budget line, ¥7,000 asked, ¥3,000 matched, one milestone due
// on the day given. Tests change the fields they are about.
func gateApplication(orgID, due string) url.Values {
	return url.Values{"org": {orgID}, "title": {"楼门议事会培育"}, "problem": {"楼门长期无人议事，小事拖成大事"},
		"plan": {"组建楼门议事会，每月开会一次，培养楼门长"}, "line_category": {"personnel"}, "line_item": {"督导费"}, "line_amount": {"10000"},
		"request": {"7000"}, "match_cash": {"3000"}, "ms_title": {"议事会成立"}, "ms_due": {due}, "ms_pct": {"100"}}
}

// TestFormsReadFullWidthDigits: what a Chinese input method types in
// full-width digits reads as the number it shows, as amounts and scores
// do — a round's match share (７０), an application's milestone shares
// (４０, ６０) and matched hours, and the phone of a user an admin creates.
func TestFormsReadFullWidthDigits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = grantsClock
		f := newFixture(t, s)
		admin, org := f.browser(t), f.browser(t)
		admin.login(f.admin)
		org.login(f.orgAdmin)
		fpath, _ := grantsRound(t, s, admin, f.street.ID)
		today := s.Now().In(grants.Zone)
		rpath := admin.mustPost("/grants/rounds", url.Values{"name": {"2026 年冬季微创投"}, "fund": {strings.TrimPrefix(fpath, "/grants/funds/")},
			"route": {"micro_venture"}, "street": {f.street.ID}, "budget": {"20000"}, "match_pct": {"７０"}, "eligibility": {"street_orgs"},
			"opens_on": {today.Format("2006-01-02")}, "closes_on": {today.AddDate(0, 1, 0).Format("2006-01-02")}})
		ctx := storetest.Admin()
		round, err := s.FindRoundByID(ctx, strings.TrimPrefix(rpath, "/grants/rounds/"))
		if err != nil || round.MatchPct != 70 {
			t.Fatalf("match share ７０: %+v %v", round, err)
		}
		app := gateApplication(f.org.ID, "2026-12-20")
		app["ms_title"], app["ms_due"], app["ms_pct"] = []string{"议事会成立", "运行三个月"}, []string{"2026-12-20", "2027-03-20"}, []string{"４０", " ６０ "}
		app["match_hours"] = []string{"１２０"}
		apath := org.mustPost(rpath+"/applications", app)
		a, err := s.FindApplicationByID(ctx, strings.TrimPrefix(apath, "/grants/applications/"))
		if err != nil || len(a.Milestones) != 2 || a.Milestones[0].Pct != 40 || a.Milestones[1].Pct != 60 || a.MatchHours != 120 {
			t.Fatalf("milestones ４０ and ６０, 120 hours: %+v %v", a, err)
		}

		code, _, h := admin.post("/admin/users", url.Values{"name": {"新社区干部"}, "phone": {"１３６ ００００ ０００２"},
			"role": {"community_staff"}, "scope": {"龙锦苑二区社区"}, "password": {"long-enough-1"}})
		if code != http.StatusSeeOther {
			t.Fatalf("create a user with a full-width phone: %d", code)
		}
		u, err := s.FindUserByPhone(context.Background(), "13600000002")
		if err != nil || h.Get("Location") != "/admin/users/"+u.ID {
			t.Fatalf("the user is not found by 13600000002: %v", err)
		}
	})
}
