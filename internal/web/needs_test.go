package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestNeedDraftToPublished(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		comm := f.browser(t)
		comm.login(f.commStaff)
		if code, body, _ := comm.get("/needs/new"); code != 200 || !strings.Contains(body, "龙锦苑二区社区") {
			t.Fatalf("new need form: %d", code)
		}
		form := url.Values{"title": {"龙锦苑二区业委会组建指导"}, "description": {"社区希望在专业指导下依法依规组建业主委员会。"},
			"community": {f.community.ID}, "budget": {"八万"}, "procedure": {"open"},
			"criteria_name_0": {"方案可行性"}, "criteria_weight_0": {"60"}, "criteria_name_1": {"报价"}, "criteria_weight_1": {"30"}}
		code, body, _ := comm.post("/needs", form)
		if code != 400 || !strings.Contains(body, "金额格式不正确") || !strings.Contains(body, "权重合计应为 100，现在是 90") {
			t.Fatalf("bad draft: %d", code)
		}
		form.Set("budget", "8万")
		form.Set("criteria_weight_1", "40")
		code, _, h := comm.post("/needs", form)
		if code != 303 {
			t.Fatalf("draft: %d", code)
		}
		page := h.Get("Location")
		// The draft is private.
		anon := f.browser(t)
		if code, _, _ := anon.get(page); code != 404 {
			t.Fatalf("anonymous sees a draft: %d", code)
		}
		_, body, _ = comm.get(page)
		if !strings.Contains(body, "¥80,000") || !strings.Contains(body, "提交街道审核") || strings.Contains(body, `id="act-publish"`) {
			t.Fatal("draft page for the community")
		}
		if code, _, _ := comm.post(page+"/actions/submit", url.Values{}); code != 303 {
			t.Fatalf("submit: %d", code)
		}
		street := f.browser(t)
		street.login(f.staff)
		if code, body, _ := street.post(page+"/actions/return", url.Values{"note": {""}}); code != 400 || !strings.Contains(body, "退回时请写明修改意见") {
			t.Fatalf("return without a note: %d", code)
		}
		if code, _, _ := street.post(page+"/actions/return", url.Values{"note": {"请补充服务对象人数"}}); code != 303 {
			t.Fatalf("return: %d", code)
		}
		if _, body, _ := comm.get(page); !strings.Contains(body, `<strong>街道退回意见：</strong> 请补充服务对象人数`) {
			t.Fatal("the community does not see the street's comment")
		}
		comm.post(page+"/actions/submit", url.Values{})
		// Resubmitted, the comment is no longer a task: the previous
		// return, dated, for the street reviewing it again.
		today := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
		for _, b := range []*browser{comm, street} {
			if _, body, _ := b.get(page); strings.Contains(body, "<strong>街道退回意见：</strong>") || strings.Contains(body, `id="return-comment"`) ||
				!strings.Contains(body, `<strong>`+today+` 街道退回意见（已修改后重新提交）：</strong> 请补充服务对象人数`) {
				t.Fatalf("a resubmitted need still shows the return as open: %s", regexpAlert(body))
			}
		}
		// The community left the deadline to the street: the publish form
		// asks for it, and publishing without one marks that field.
		if _, body, _ := street.get(page); !strings.Contains(body, `id="publish-deadline"`) {
			t.Fatal("the publish form has no deadline field")
		}
		if code, body, _ := street.post(page+"/actions/publish", url.Values{}); code != 400 ||
			!strings.Contains(body, `<div class="field has-error"><label for="publish-deadline">`) {
			t.Fatalf("publish without deadline: %d", code)
		}
		// The street cannot edit a submitted need (only drafts and published ones).
		deadline := time.Now().Add(10 * 24 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
		edit := url.Values{"title": {form.Get("title")}, "description": {form.Get("description")}, "budget": {"8万"},
			"procedure": {"open"}, "deadline": {deadline}, "criteria_name_0": {"方案可行性"}, "criteria_weight_0": {"100"}}
		if code, _, _ := street.post(page+"/edit", edit); code != 409 {
			t.Fatalf("street edits a submitted need: %d", code)
		}
		// A deadline the community sets must leave time: one in the past
		// is refused at submission, with what to do.
		street.post(page+"/actions/return", url.Values{"note": {"请填写截止时间"}})
		past := url.Values{}
		for k, v := range edit {
			past[k] = v
		}
		past.Set("deadline", "2025-01-01T09:00")
		if code, body2, _ := comm.post(page+"/edit", past); code != 303 {
			t.Fatalf("community edit: %d %s", code, regexpAlert(body2))
		}
		if code, body, _ := comm.post(page+"/actions/submit", url.Values{}); code != 400 || !strings.Contains(body, "方案截止时间已过或太近") {
			t.Fatalf("submitted with a past deadline: %d", code)
		}
		if code, body2, _ := comm.post(page+"/edit", edit); code != 303 {
			t.Fatalf("community edit: %d %s", code, regexpAlert(body2))
		}
		comm.post(page+"/actions/submit", url.Values{})
		outsider := f.browser(t)
		outsider.login(f.outsid)
		if code, _, _ := outsider.post(page+"/actions/publish", url.Values{}); code != 404 {
			t.Fatalf("other street publishes: %d", code)
		}
		// The street moves the community's deadline as it publishes.
		later := time.Now().Add(14 * 24 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
		if _, body, _ := street.get(page); !strings.Contains(body, `name="deadline" value="`+deadline+`"`) {
			t.Fatal("the publish form does not show the community's deadline")
		}
		if code, body, _ := street.post(page+"/actions/publish", url.Values{"deadline": {later}}); code != 303 {
			t.Fatalf("publish: %d %s", code, body)
		}
		if _, body, _ := street.get(page); !strings.Contains(body, strings.Replace(later, "T", " ", 1)) {
			t.Fatalf("the deadline set at publishing is not the need's: %s", later)
		}
		code, body, _ = anon.get(page)
		if code != 200 || !strings.Contains(body, "征集中") || !strings.Contains(body, "已收到 0 份方案") || strings.Contains(body, "请补充服务对象人数") {
			t.Fatalf("public need page: %d", code)
		}
		for _, ev := range []string{"起草", "提交街道", "退回修改", "发布"} {
			if !strings.Contains(body, ev) {
				t.Fatalf("timeline lacks %s", ev)
			}
		}
		_, body, _ = anon.get("/needs?status=published")
		if !strings.Contains(body, "龙锦苑二区业委会组建指导") || !strings.Contains(body, "共 1 个需求") {
			t.Fatalf("board: %s\n%s", regexpAlert(body), f.logs.String()[max(0, strings.Index(f.logs.String(), "panic")):][:700])
		}
	})
}

func regexpAlert(body string) string {
	i := strings.Index(body, `role="alert"`)
	if i < 0 {
		return ""
	}
	return body[i:min(len(body), i+300)]
}

func TestStreetWideNeed(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	f := newFixture(t, s)
	street := f.browser(t)
	street.login(f.staff)
	if _, body, _ := street.get("/needs/new"); !strings.Contains(body, "全街道（不限社区）") {
		t.Fatal("the street is not offered a street-wide need")
	}
	form := url.Values{"title": {"回龙观街道垃圾分类桶前督导"}, "description": {"全街道各小区垃圾分类桶前值守与督导。"},
		"community": {"street:" + f.street.ID}, "budget": {"12万"}, "procedure": {"open"},
		"criteria_name_0": {"方案可行性"}, "criteria_weight_0": {"100"}}
	code, _, h := street.post("/needs", form)
	if code != 303 {
		t.Fatalf("street-wide draft: %d", code)
	}
	_, body, _ := street.get(h.Get("Location"))
	if !strings.Contains(body, "回龙观街道") || !strings.Contains(body, "¥120,000") {
		t.Fatal("street-wide need page")
	}
	// Community staff are not offered (and cannot post) a street-wide need.
	comm := f.browser(t)
	comm.login(f.commStaff)
	if _, body, _ := comm.get("/needs/new"); strings.Contains(body, "全街道（不限社区）") {
		t.Fatal("community staff offered a street-wide need")
	}
	if code, _, _ := comm.post("/needs", form); code != 403 {
		t.Fatalf("community posts a street-wide need: %d", code)
	}
}

// communityDraft creates, as the user with phone, a draft need of the
// fixture's community about a blocked stairwell.
func (f *fixture) communityDraft(t *testing.T, s *store.Store, phone, title string) *procurement.Need {
	t.Helper()
	n := &procurement.Need{Title: title, Description: "楼道里堆满杂物，影响消防通道，需要专业力量协助清理。",
		CommunityID: f.community.ID, BudgetFen: 2_000_000, Procedure: procurement.Open,
		Deadline: s.Now().Add(96 * time.Hour), Criteria: []procurement.Criterion{{Name: "方案可行性", Weight: 100}}}
	if err := s.CreateNeed(f.as(t, phone), n, procurement.DefaultRules()); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestStreetWaitsOnlyForSubmissions: "等待我处理" lists for the street the
// needs submitted to it (退回社区修改, 审核发布) and its own drafts, never a
// community's draft still being written, and the need page offers the
// street no way to publish or withdraw that draft.
func TestStreetWaitsOnlyForSubmissions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		writing := f.communityDraft(t, s, f.commStaff, "社区还在起草的需求")
		submitted := f.communityDraft(t, s, f.commStaff, "社区已提交的需求")
		if _, err := s.TransitionNeed(f.as(t, f.commStaff), submitted.ID, procurement.ActSubmit, "", procurement.DefaultRules()); err != nil {
			t.Fatal(err)
		}
		own := f.communityDraft(t, s, f.staff, "街道自己起草的需求")

		street, comm := f.browser(t), f.browser(t)
		street.login(f.staff)
		comm.login(f.commStaff)
		// waiting is the "等待我处理" part of /me/needs.
		waiting := func(b *browser) string {
			t.Helper()
			code, body, _ := b.get("/me/needs")
			if code != 200 {
				t.Fatalf("/me/needs: %d", code)
			}
			i := strings.Index(body, "<h2>等待我处理</h2>")
			if i < 0 {
				t.Fatal("no waiting list")
			}
			body = body[i:]
			if j := strings.Index(body, "<h2>本单位进行中的需求</h2>"); j >= 0 {
				body = body[:j]
			}
			return body
		}
		w := waiting(street)
		if strings.Contains(w, writing.Title) {
			t.Errorf("a community's unsubmitted draft waits for the street:\n%s", w)
		}
		if !strings.Contains(w, submitted.Title) || !strings.Contains(w, "退回社区修改") || !strings.Contains(w, "审核发布") ||
			strings.Contains(w, "审核（退回）") {
			t.Errorf("the submission does not wait for the street as it should:\n%s", w)
		}
		if !strings.Contains(w, own.Title) {
			t.Errorf("the street's own draft does not wait for it:\n%s", w)
		}
		if w := waiting(comm); !strings.Contains(w, writing.Title) || !strings.Contains(w, "提交街道") {
			t.Errorf("the community's draft does not wait for the community:\n%s", w)
		}

		// On the page of the community's draft: no publish, no withdraw for the street.
		page := "/needs/" + writing.ID
		if _, body, _ := street.get(page); strings.Contains(body, `id="act-publish"`) || strings.Contains(body, `id="act-cancel"`) {
			t.Error("the street is offered to publish or withdraw a community's draft")
		}
		if code, _, _ := street.post(page+"/actions/publish", url.Values{}); code != 409 {
			t.Errorf("the street publishes a community's draft: %d", code)
		}
		if code, _, _ := street.post(page+"/actions/cancel", url.Values{"note": {"街道直接撤销社区草稿"}}); code != 409 {
			t.Errorf("the street withdraws a community's draft: %d", code)
		}
		if n, err := s.FindNeedByID(storetest.Admin(), writing.ID); err != nil || n.Status != procurement.Draft {
			t.Fatalf("the community's draft: %+v %v", n, err)
		}
		// Its own draft the street publishes at once.
		if code, body, _ := street.post("/needs/"+own.ID+"/actions/publish", url.Values{}); code != 303 {
			t.Errorf("the street publishes its own draft: %d %s", code, regexpAlert(body))
		}
	})
}

// TestNeedBoardStatusFilter: the board's status filter offers drafts and
// submissions only to those it lists them for (street and community staff,
// admins); a visitor or an organization is offered the public statuses.
func TestNeedBoardStatusFilter(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		private := []string{`<option value="draft"`, `<option value="submitted"`}
		for _, c := range []struct {
			who, phone string
			sees       bool
		}{{"a visitor", "", false}, {"an organization", f.orgAdmin, false}, {"street staff", f.staff, true},
			{"community staff", f.commStaff, true}, {"the admin", f.admin, true}} {
			b := f.browser(t)
			if c.phone != "" {
				b.login(c.phone)
			}
			code, body, _ := b.get("/needs")
			if code != 200 || !strings.Contains(body, `<option value="published"`) || !strings.Contains(body, `<option value="closed"`) {
				t.Fatalf("%s: board %d", c.who, code)
			}
			for _, o := range private {
				if strings.Contains(body, o) != c.sees {
					t.Errorf("%s: offered %s: %v, want %v", c.who, o, !c.sees, c.sees)
				}
			}
		}
		// A private status in the address shows a visitor the board, not nothing.
		if _, body, _ := f.browser(t).get("/needs?status=draft"); strings.Contains(body, `<option value="draft"`) || strings.Contains(body, " selected>") {
			t.Fatal("a visitor's board keeps a status it may not filter by")
		}
	})
}

// TestStreetCannotEditCommunityDraft: until the community submits its
// draft, the street may read it but not edit it — no 修改 button on the
// page, and the edit form, its post and the API's PATCH are refused with
// the reason (a conflict), changing nothing. The community edits it, and
// the street edits a draft of its own.
func TestStreetCannotEditCommunityDraft(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		writing := f.communityDraft(t, s, f.commStaff, "社区还在起草的需求")
		own := f.communityDraft(t, s, f.staff, "街道自己起草的需求")
		street, comm := f.browser(t), f.browser(t)
		street.login(f.staff)
		comm.login(f.commStaff)
		page := "/needs/" + writing.ID
		editLink := `href="` + page + `/edit"`
		const reason = "这份草稿是社区的：社区提交街道审核之前，街道不能“修改需求”。"
		edit := url.Values{"title": {"街道改写的标题"}, "description": {writing.Description}, "community": {f.community.ID},
			"budget": {"2万"}, "procedure": {"open"}, "criteria_name_0": {"方案可行性"}, "criteria_weight_0": {"100"}}

		if code, body, _ := street.get(page); code != 200 || strings.Contains(body, editLink) {
			t.Errorf("the street is offered to edit a community's draft: %d", code)
		}
		if code, body, _ := street.get(page + "/edit"); code != 409 || !strings.Contains(body, reason) {
			t.Errorf("the street opens the edit form of a community's draft: %d %s", code, regexpAlert(body))
		}
		if code, body, _ := street.post(page+"/edit", edit); code != 409 || !strings.Contains(body, reason) {
			t.Errorf("the street saves an edit of a community's draft: %d %s", code, regexpAlert(body))
		}
		u, err := s.FindUserByPhone(context.Background(), f.staff)
		if err != nil {
			t.Fatal(err)
		}
		token, err := s.CreateAPIToken(storetest.Admin(), u.ID, store.DefaultTokenIdle)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("PATCH", f.srv.URL+"/api/v1/needs/"+writing.ID, strings.NewReader(`{"title":"街道改写的标题"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		code, body, _ := f.browser(t).do(req)
		var apiErr struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal([]byte(body), &apiErr); code != 409 || err != nil || apiErr.Error.Code != "conflict" ||
			apiErr.Error.Message != reason {
			t.Errorf("the API lets the street edit a community's draft: %d %s", code, body)
		}
		if n, err := s.FindNeedByID(storetest.Admin(), writing.ID); err != nil || n.Title != writing.Title || n.Status != procurement.Draft {
			t.Fatalf("the community's draft after the street's tries: %+v %v", n, err)
		}

		// The community edits its draft; the street its own.
		if _, body, _ := comm.get(page); !strings.Contains(body, editLink) {
			t.Error("the community is not offered to edit its draft")
		}
		edit.Set("title", "社区改好的需求")
		if code, body, _ := comm.post(page+"/edit", edit); code != 303 {
			t.Errorf("the community edits its draft: %d %s", code, regexpAlert(body))
		}
		if _, body, _ := street.get("/needs/" + own.ID); !strings.Contains(body, `href="/needs/`+own.ID+`/edit"`) {
			t.Error("the street is not offered to edit its own draft")
		}
		edit.Set("title", "街道改好的需求")
		if code, body, _ := street.post("/needs/"+own.ID+"/edit", edit); code != 303 {
			t.Errorf("the street edits its own draft: %d %s", code, regexpAlert(body))
		}
	})
}
