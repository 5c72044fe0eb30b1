package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// matchFixture adds to the fixture a second community of the same street
// with its own staffer, a second organization on the serious-violation list
// (set through the admin's form), and a draft need of the first community
// about its elders.
type matchFixture struct {
	*fixture
	otherComm string // phone of the other community's staff
	listed    *registry.Organization
	need      string // the draft's path
}

func newMatchFixture(t *testing.T, s *store.Store) *matchFixture {
	t.Helper()
	f := &matchFixture{fixture: newFixture(t, s), otherComm: "13900000006"}
	ctx := storetest.Admin()
	other := &places.Community{StreetID: f.street.ID, Name: "龙锦苑一区社区"}
	if err := s.CreateCommunity(ctx, other); err != nil {
		t.Fatal(err)
	}
	hash, _ := accounts.HashPassword(password)
	u := &accounts.User{Phone: f.otherComm, Name: "邻社区干部", PasswordHash: hash,
		Grants: []accounts.Grant{{Role: accounts.CommunityStaff, ScopeID: other.ID}}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	f.listed = &registry.Organization{Name: "回龙观长者关爱服务社", Registration: registry.Filed,
		StreetID: f.street.ID, Domains: []string{"养老服务", "独居老人探访"},
		Description: "为社区独居老人、空巢老人提供上门探访和助餐服务。"}
	if err := s.CreateOrganization(ctx, f.listed); err != nil {
		t.Fatal(err)
	}
	comm := f.browser(t)
	comm.login(f.commStaff)
	form := url.Values{"title": {"龙锦苑二区独居老人上门探访"}, "description": {"社区有独居老人一百多位，希望养老服务机构每周上门探访，建立健康档案，联系电话13812345678。"},
		"community": {f.community.ID}, "budget": {"5万"}, "procedure": {"open"},
		"criteria_name_0": {"方案可行性"}, "criteria_weight_0": {"100"}}
	code, body, h := comm.post("/needs", form)
	if code != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", code, regexpAlert(body))
	}
	f.need = h.Get("Location")
	return f
}

// orgIDsOn lists the organizations with an invite button on a page.
func inviteButtons(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`name="org" value="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestNeedRecommendations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newMatchFixture(t, s)
		admin := f.browser(t)
		admin.login(f.admin)
		// The admin puts the second organization on the serious-violation list.
		if code, body, _ := admin.post("/organizations/"+f.listed.ID+"/credit", url.Values{"status": {"serious"}, "note": {""}}); code != 400 ||
			!strings.Contains(body, "credit-note-input") {
			t.Fatalf("credit without a note: %d", code)
		}
		if code, _, _ := admin.post("/organizations/"+f.listed.ID+"/credit",
			url.Values{"status": {"serious"}, "note": {"昌平区民政局2026年第3号公告"}}); code != 303 {
			t.Fatalf("credit: %d", code)
		}

		comm := f.browser(t)
		comm.login(f.commStaff)
		_, body, _ := comm.get(f.need)
		for _, want := range []string{`id="match-orgs"`, "推荐社会组织", "回龙观惠民社工中心", "同款案例", "系统判断：为老服务（置信度",
			"服务类别一致：为老服务",
			`id="match-excluded"`, "回龙观长者关爱服务社", "严重违法失信名单", "邀请后，需求发布时会通知被邀请的组织"} {
			if !strings.Contains(body, want) {
				t.Fatalf("need page for its community lacks %q", want)
			}
		}
		if got := inviteButtons(body); len(got) != 1 || got[0] != f.org.ID {
			t.Fatalf("invite buttons %v, want only the eligible organization %s", got, f.org.ID)
		}

		// Another community's staff, an organization, a resident and the
		// public see no panel and cannot invite.
		outsiders := map[string]*browser{"other community": f.browser(t), "organization": f.browser(t), "anonymous": f.browser(t)}
		outsiders["other community"].login(f.otherComm)
		outsiders["organization"].login(f.orgAdmin)
		for who, b := range outsiders {
			if _, body, _ := b.get(f.need); strings.Contains(body, `id="match-orgs"`) {
				t.Fatalf("%s sees the recommendations", who)
			}
			code, _, _ := b.post(f.need+"/invitations", url.Values{"org": {f.org.ID}})
			if code != 404 && code != 403 && code != 401 {
				t.Fatalf("%s invites: %d", who, code)
			}
			if code, _, _ := b.post(f.need+"/category", url.Values{"category": {"health"}}); code == 303 {
				t.Fatalf("%s corrects the category", who)
			}
		}
		if invited(t, s, f.need) != "" {
			t.Fatal("an outsider's invitation was recorded")
		}

		// A forged token is refused.
		if code, _, _ := comm.post(f.need+"/invitations", url.Values{"org": {f.org.ID}, "csrf_token": {"forged"}}); code != 403 {
			t.Fatalf("forged invitation: %d", code)
		}
		// An organization on a credit list cannot be invited, even by hand.
		if code, body, _ := comm.post(f.need+"/invitations", url.Values{"org": {f.listed.ID}}); code != 409 ||
			!strings.Contains(body, "不能邀请") {
			t.Fatalf("inviting a listed organization: %d %s", code, regexpAlert(body))
		}
		// The community invites the recommended organization: recorded, shown.
		if code, _, h := comm.post(f.need+"/invitations", url.Values{"org": {f.org.ID}}); code != 303 ||
			!strings.HasPrefix(h.Get("Location"), f.need) {
			t.Fatalf("invite: %d", code)
		}
		if got := invited(t, s, f.need); got != f.org.ID {
			t.Fatalf("invited %q, want %s", got, f.org.ID)
		}
		_, body, _ = comm.get(f.need)
		if !strings.Contains(body, "已邀请该组织") || !strings.Contains(body, `class="tag tag-invited"`) || len(inviteButtons(body)) != 0 {
			t.Fatal("the invitation is not shown")
		}
		// Again: nothing changes, and the page says so.
		comm.post(f.need+"/invitations", url.Values{"org": {f.org.ID}})
		if _, body, _ = comm.get(f.need); !strings.Contains(body, "已经在邀请名单里") {
			t.Fatal("a second invitation is not reported as such")
		}
		if got := invited(t, s, f.need); got != f.org.ID {
			t.Fatalf("after a repeated invitation: %q", got)
		}

		// Staff correct the category; the page says it is theirs now.
		if code, _, _ := comm.post(f.need+"/category", url.Values{"category": {"nope"}}); code != 400 {
			t.Fatalf("unknown category: %d", code)
		}
		if code, _, _ := comm.post(f.need+"/category", url.Values{"category": {"health"}}); code != 303 {
			t.Fatalf("category: %d", code)
		}
		if _, body, _ = comm.get(f.need); !strings.Contains(body, "服务类别：健康与心理（工作人员已确认）") {
			t.Fatal("the corrected category is not shown")
		}
		// ... and the recommendations follow it: no reason names the guess
		// any longer (found by a tester: the page said they had changed).
		if strings.Contains(body, "服务类别一致：为老服务") {
			t.Fatal("recommendations still agree with the guessed category after staff corrected it")
		}

		// Once submitted, the community can no longer invite (the street edits from then on).
		if code, _, _ := comm.post(f.need+"/actions/submit", url.Values{}); code != 303 {
			t.Fatalf("submit: %d", code)
		}
		if _, body, _ = comm.get(f.need); !strings.Contains(body, `id="invite-closed"`) || len(inviteButtons(body)) != 0 {
			t.Fatal("invitations still offered on a submitted need")
		}
		if code, _, _ := comm.post(f.need+"/invitations", url.Values{"org": {f.listed.ID}}); code != 409 {
			t.Fatalf("invite on a submitted need: %d", code)
		}
	})
}

// invited returns the need's invited organizations, joined by commas.
func invited(t *testing.T, s *store.Store, path string) string {
	t.Helper()
	n, err := s.FindNeedByID(storetest.Admin(), strings.TrimPrefix(path, "/needs/"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(n.InvitedOrgIDs, ",")
}

func TestOrganizationCredit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		page := "/organizations/" + f.org.ID
		street := f.browser(t)
		street.login(f.staff)
		if _, body, _ := street.get(page); strings.Contains(body, "credit-save") {
			t.Fatal("street staff are offered the credit form")
		}
		if code, _, _ := street.post(page+"/credit", url.Values{"status": {"abnormal"}, "note": {"未按时年报"}}); code != 403 {
			t.Fatalf("street staff set the credit status: %d", code)
		}
		admin := f.browser(t)
		admin.login(f.admin)
		if _, body, _ := admin.get(page); !strings.Contains(body, "credit-save") {
			t.Fatal("the platform admin has no credit form")
		}
		if code, _, _ := admin.post(page+"/credit", url.Values{"status": {"abnormal"}, "note": {"未按时提交2025年度工作报告"}}); code != 303 {
			t.Fatalf("credit: %d", code)
		}
		anon := f.browser(t)
		_, body, _ := anon.get(page)
		if !strings.Contains(body, "信用提示：列入活动异常名录") || strings.Contains(body, "未按时提交") {
			t.Fatal("the public page: a neutral badge, no note")
		}
		if _, body, _ = street.get(page); !strings.Contains(body, "未按时提交2025年度工作报告") {
			t.Fatal("staff do not see the note")
		}
		// Off the list again: the badge goes.
		admin.post(page+"/credit", url.Values{"status": {"normal"}, "note": {"已补报"}})
		if _, body, _ = anon.get(page); strings.Contains(body, "信用提示") {
			t.Fatal("the badge stays after delisting")
		}
	})
}

func TestSearchBoxes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		street := f.browser(t)
		street.login(f.staff)
		publishNeed(t, f, street, "回龙观老楼加装电梯协商", "六层老楼没有电梯，老人上下楼难，联系人13812345678。")
		anon := f.browser(t)

		_, body, _ := anon.get("/needs?q=" + url.QueryEscape("电梯"))
		if !strings.Contains(body, "<mark>电梯</mark>") || !strings.Contains(body, "按相关程度排序") {
			t.Fatalf("need search does not highlight 电梯: %s", between(body, `class="result-count"`, "</ul>"))
		}
		if strings.Contains(body, "13812345678") {
			t.Fatal("a phone number on the public board")
		}
		_, body, _ = anon.get("/organizations?q=" + url.QueryEscape("养老"))
		if !strings.Contains(body, "<mark>养老") || !strings.Contains(body, "回龙观惠民社工中心") {
			t.Fatalf("directory search does not highlight 养老: %s", between(body, `class="result-count"`, "</ul>"))
		}
		// The sort select says the order the list is in: by relevance for a
		// search (whatever sort the form sent), by name without one.
		for _, p := range []string{"/organizations?q=" + url.QueryEscape("养老"), "/organizations?sort=founded&q=" + url.QueryEscape("养老")} {
			_, body, _ := anon.get(p)
			if !strings.Contains(body, "按相关程度排序") || !strings.Contains(body, `<option value="relevance" selected>按相关程度</option>`) ||
				strings.Contains(body, `<option value="name" selected`) || strings.Contains(body, `<option value="founded" selected`) ||
				!strings.Contains(body, `<option value="name" disabled>按名称</option>`) {
				t.Fatalf("%s: the sort select: %s", p, between(body, `id="sort"`, "</select>"))
			}
		}
		if _, body, _ := anon.get("/organizations"); !strings.Contains(body, `<option value="name" selected>按名称</option>`) || strings.Contains(body, `value="relevance"`) {
			t.Fatalf("the directory's sort select: %s", between(body, `id="sort"`, "</select>"))
		}
		// Filters still apply: another street has nothing.
		_, body, _ = anon.get("/organizations?q=" + url.QueryEscape("养老") + "&street=" + f.other.ID)
		if !strings.Contains(body, "共 0 个组织") {
			t.Fatal("the street filter is ignored by the search")
		}
		// Each box takes as much as the server searches (maxlength counts
		// UTF-16 units, at least one a character): typing past it cannot
		// be cut silently.
		for _, p := range []string{"/needs", "/organizations", "/solutions"} {
			_, body, _ := anon.get(p)
			if box := between(body, `<input id="q"`, ">"); !strings.Contains(box, `maxlength="100"`) {
				t.Errorf("%s: search box %s, the server searches 100 characters (只按前100个字搜索)", p, box)
			}
		}
		// Bad input: a clear message, never a 500.
		for _, q := range []string{"😀😀", "\x00\x01", "？！。", strings.Repeat("养老", 500), "养老\x00电梯", "<script>alert(1)</script>"} {
			for _, p := range []string{"/needs?q=", "/organizations?q="} {
				code, body, _ := anon.get(p + url.QueryEscape(q))
				// NUL is refused before any page with a clear message (security_input.json).
				if strings.ContainsRune(q, 0) {
					if code != 400 || !strings.Contains(body, "无法识别的字符") {
						t.Fatalf("%s%q: %d", p, q, code)
					}
					continue
				}
				if code != 200 {
					t.Fatalf("%s%q: %d", p, q, code)
				}
				if strings.Contains(body, "<script>alert") {
					t.Fatalf("%s%q: not escaped", p, q)
				}
				switch q {
				case "😀😀", "？！。":
					if !strings.Contains(body, "没有可搜索的文字") {
						t.Fatalf("%s%q: no message", p, q)
					}
				case strings.Repeat("养老", 500):
					if !strings.Contains(body, "只按前100个字搜索") {
						t.Fatalf("%s%q: no message about the length", p, q)
					}
				}
			}
		}
	})
}

// publishNeed drafts and publishes an open need of the fixture's street.
func publishNeed(t *testing.T, f *fixture, street *browser, title, desc string) string {
	t.Helper()
	deadline := f.s.Now().Add(10 * 24 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
	code, body, h := street.post("/needs", url.Values{"title": {title}, "description": {desc},
		"community": {f.community.ID}, "budget": {"8万"}, "procedure": {"open"}, "deadline": {deadline},
		"criteria_name_0": {"方案可行性"}, "criteria_weight_0": {"100"}})
	if code != http.StatusSeeOther {
		t.Fatalf("draft: %d %s", code, regexpAlert(body))
	}
	page := h.Get("Location")
	if code, body, _ := street.post(page+"/actions/publish", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", code, regexpAlert(body))
	}
	return page
}

// between returns the part of s from the first a to the next b, for messages.
func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return s[:min(len(s), 500)]
	}
	s = s[i:]
	if j := strings.Index(s, b); j >= 0 {
		return s[:j]
	}
	return s
}

// TestStreetInvitesWhilePublished: after publication the street (not the
// community) may still invite, until a proposal is in.
func TestStreetInvitesWhilePublished(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		street := f.browser(t)
		street.login(f.staff)
		page := publishNeed(t, f, street, "龙锦苑二区老年助餐服务", "为社区高龄、独居老人提供助餐和送餐上门服务。")
		comm := f.browser(t)
		comm.login(f.commStaff)
		if _, body, _ := comm.get(page); !strings.Contains(body, `id="invite-closed"`) || len(inviteButtons(body)) != 0 {
			t.Fatal("the community is offered invitations on a published need")
		}
		if code, _, _ := comm.post(page+"/invitations", url.Values{"org": {f.org.ID}}); code != 409 {
			t.Fatalf("community invites on a published need: %d", code)
		}
		if _, body, _ := street.get(page); len(inviteButtons(body)) == 0 {
			t.Fatal("the street has no invite button on its published need")
		} else if !strings.Contains(body, "邀请后会立即通知该组织") || strings.Contains(body, "需求发布时会通知") {
			// Inviting a published need notifies the organization at once.
			t.Fatal("the hint on a published need says the invited hear of it at publication")
		}
		if code, body, _ := street.post(page+"/invitations", url.Values{"org": {f.org.ID}}); code != 303 {
			t.Fatalf("street invites: %d %s", code, regexpAlert(body))
		}
		if got := invited(t, s, page); got != f.org.ID {
			t.Fatalf("invited %q", got)
		}
	})
}

// TestUnsureCategoryGuess: a need naming its subject once is guessed with
// a low confidence, and the page asks staff to check it.
func TestUnsureCategoryGuess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newMatchFixture(t, s)
		comm := f.browser(t)
		comm.login(f.commStaff)
		form := url.Values{"title": {"加装电梯"}, "description": {"三号楼想加装电梯，请帮忙。"},
			"community": {f.community.ID}, "budget": {"5万"}, "procedure": {"open"},
			"criteria_name_0": {"方案可行性"}, "criteria_weight_0": {"100"}}
		code, body, h := comm.post("/needs", form)
		if code != http.StatusSeeOther {
			t.Fatalf("draft: %d %s", code, regexpAlert(body))
		}
		_, body, _ = comm.get(h.Get("Location"))
		if !strings.Contains(body, "系统判断：") || !strings.Contains(body, "系统把握不大，请核对") {
			t.Fatalf("an unsure guess is not flagged: %s", between(body, "系统判断", "</p>"))
		}
		_, body, _ = comm.get(f.need)
		if strings.Contains(body, "系统把握不大") {
			t.Fatal("a sure guess is flagged")
		}
	})
}
