package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
	"github.com/huitian/huitian/internal/web"
)

// solFixture adds to the fixture a meal-service organization with its own
// admin, two completed projects it delivered (imported), a second community
// of the same street with its own staffer.
type solFixture struct {
	*fixture
	provider    *registry.Organization
	provAdmin   string // phone of the provider's admin
	otherComm   string // phone of the other community's staff
	otherCommID string
	projects    []string // the imported projects' need ids
}

func newSolFixture(t *testing.T, s *store.Store) *solFixture {
	t.Helper()
	f := &solFixture{fixture: newFixture(t, s), provAdmin: "13900000007", otherComm: "13900000008"}
	ctx := storetest.Admin()
	f.provider = &registry.Organization{Key: "so1", Name: "回龙观邻里助餐服务社", Registration: registry.Filed,
		StreetID: f.street.ID, Domains: []string{"老年助餐", "送餐上门"}}
	if err := s.CreateOrganization(ctx, f.provider); err != nil {
		t.Fatal(err)
	}
	other := &places.Community{StreetID: f.street.ID, Name: "龙锦苑一区社区"}
	if err := s.CreateCommunity(ctx, other); err != nil {
		t.Fatal(err)
	}
	f.otherCommID = other.ID
	hash, _ := accounts.HashPassword(password)
	for _, u := range []*accounts.User{
		{Phone: f.provAdmin, Name: "助餐社负责人", Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: f.provider.ID}}},
		{Phone: f.otherComm, Name: "邻社区干部", Grants: []accounts.Grant{{Role: accounts.CommunityStaff, ScopeID: other.ID}}},
	} {
		u.PasswordHash = hash
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	done := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	rows := []projectfile.ProjectRow{
		{Line: 1, Key: "sp1", Title: "龙锦苑二区老年助餐服务", Description: "为社区高龄、独居老人提供午餐助餐和送餐上门，建立助餐登记。",
			Street: f.street.Name, Community: f.community.Name, Org: "so1", BudgetFen: 3000000, DurationDays: 90, Rating: 4.6, Completed: done},
		{Line: 2, Key: "sp2", Title: "龙锦苑一区老年助餐送餐", Description: "老人吃饭难：组织志愿者为独居老人送餐上门，每周回访。",
			Street: f.street.Name, Community: other.Name, Org: "so1", BudgetFen: 4000000, DurationDays: 120, Rating: 4.4, Completed: done.AddDate(0, 1, 0)},
	}
	if _, err := s.ImportProjects(ctx, rows, false); err != nil {
		t.Fatal(err)
	}
	ps, err := s.MatchProjects(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Key == "sp1" || p.Key == "sp2" {
			f.projects = append(f.projects, p.ID)
		}
	}
	if len(f.projects) != 2 {
		t.Fatalf("imported projects: %v", f.projects)
	}
	return f
}

// solutionForm is a complete propose form for the fixture's projects.
func (f *solFixture) solutionForm() url.Values {
	return url.Values{"org": {f.provider.ID}, "from": f.projects, "title": {"老年助餐送餐上门"},
		"problem": {"社区高龄、独居老人做饭难、吃饭难，子女不在身边。"}, "category": {"elderly"},
		"tags": {"助餐、送餐"}, "population": {"独居老人"}, "community_types": {"old_estate"},
		"step_rows": {"5"}, "step_title_0": {"摸底登记有需要的老人"}, "step_days_0": {"10"},
		"step_title_2": {"每天送餐上门"}, "step_detail_2": {"志愿者两人一组，联系人13812345678"},
		"staff": {"2"}, "volunteers": {"10"}, "materials": {"保温箱、餐盒"},
		"budget_min": {"30000"}, "budget_max": {"40000"}, "duration_min": {"90"}, "duration_max": {"120"},
		"outcome_rows": {"3"}, "outcome_text_0": {"老人按时吃上热饭"}, "outcome_indicator_0": {"送餐到达率"}, "outcome_target_0": {"≥ 95%"},
		"risk_rows": {"2"}, "risk_text_0": {"冬季路滑送餐延误"}, "risk_mitigation_0": {"提前出发"},
		"providers": {f.provider.ID}}
}

// countSolutions counts every solution in a status, as a coordinator sees them.
func countSolutions(t *testing.T, s *store.Store, st catalog.Status) int {
	t.Helper()
	_, n, err := s.FindSolutions(storetest.Admin(), catalog.Filter{Status: st, PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// publishedSolution proposes and publishes a solution from the fixture's
// projects through the store (as the platform).
func (f *solFixture) publishedSolution(t *testing.T, title string) *catalog.Solution {
	t.Helper()
	ctx := storetest.Admin()
	sol, err := f.s.CreateSolution(ctx, store.SolutionProposal{OrgID: f.provider.ID, NeedIDs: f.projects,
		Version: catalog.Version{Title: title, Problem: "社区高龄、独居老人做饭难、吃饭难。", Category: "elderly",
			Steps:    []catalog.Step{{Title: "摸底登记"}, {Title: "每天送餐上门"}},
			Outcomes: []catalog.Outcome{{Text: "老人按时吃上热饭", Indicator: "送餐到达率"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SubmitSolution(ctx, sol.ID); err != nil {
		t.Fatal(err)
	}
	if sol, err = f.s.PublishSolution(ctx, sol.ID); err != nil {
		t.Fatal(err)
	}
	return sol
}

func TestSolutionProposeReviewPublish(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newSolFixture(t, s)
		prov := f.browser(t)
		prov.login(f.provAdmin)

		// The completed project's page offers its supplier to make it a solution.
		if _, body, _ := prov.get("/needs/" + f.projects[0]); !strings.Contains(body, `id="propose-solution"`) {
			t.Fatal("no 整理为同款方案 on the supplier's completed project")
		}
		if _, body, _ := f.browser(t).get("/needs/" + f.projects[0]); strings.Contains(body, `id="propose-solution"`) {
			t.Fatal("the public is offered to propose a solution")
		}
		// The form starts from the chosen projects: budget and duration computed.
		q := "?from=" + f.projects[0] + "&from=" + f.projects[1]
		code, body, _ := prov.get("/solutions/new" + q)
		if code != 200 || !strings.Contains(body, `value="30000"`) || !strings.Contains(body, `value="40000"`) ||
			!strings.Contains(body, "回龙观邻里助餐服务社") {
			t.Fatalf("new form: %d %s", code, regexpAlert(body))
		}
		// Who may not propose: the public is sent to sign in, a community refused.
		if code, _, h := f.browser(t).get("/solutions/new"); code != 303 || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("anonymous propose form: %d", code)
		}
		comm := f.browser(t)
		comm.login(f.commStaff)
		if code, _, _ := comm.get("/solutions/new"); code != 403 {
			t.Fatalf("community propose form: %d", code)
		}
		if code, _, _ := comm.post("/solutions", f.solutionForm()); code != 403 {
			t.Fatalf("community proposes: %d", code)
		}
		// "More rows" and bad input change nothing and keep what was typed.
		form := f.solutionForm()
		form.Set("more", "steps")
		if code, body, _ := prov.post("/solutions", form); code != 200 || !strings.Contains(body, `name="step_title_7"`) ||
			!strings.Contains(body, "每天送餐上门") {
			t.Fatalf("more rows: %d", code)
		}
		bad := f.solutionForm()
		bad.Set("title", "")
		bad.Set("budget_min", "五十")
		for k := range bad {
			if strings.HasPrefix(k, "step_") && k != "step_rows" {
				bad.Del(k)
			}
		}
		code, body, _ = prov.post("/solutions", bad)
		if code != 400 || !strings.Contains(body, "至少写一个实施步骤") || !strings.Contains(body, "老年助餐") ||
			strings.Count(body, "field-error") < 3 {
			t.Fatalf("bad input: %d %s", code, regexpAlert(body))
		}
		forged := f.solutionForm()
		forged.Set("csrf_token", "forged")
		if code, _, _ := prov.post("/solutions", forged); code != 403 {
			t.Fatalf("forged token: %d", code)
		}
		if n := countSolutions(t, s, catalog.Draft); n != 0 {
			t.Fatalf("%d drafts after refused forms", n)
		}

		code, body, h := prov.post("/solutions", f.solutionForm())
		if code != 303 {
			t.Fatalf("propose: %d %s", code, regexpAlert(body))
		}
		path := h.Get("Location")

		// A draft: its authors and coordinators only.
		admin := f.browser(t)
		admin.login(f.admin)
		other := f.browser(t)
		other.login(f.orgAdmin)
		for who, b := range map[string]*browser{"anonymous": f.browser(t), "community": comm, "another organization": other} {
			if code, _, _ := b.get(path); code != 404 {
				t.Fatalf("%s sees the draft: %d", who, code)
			}
		}
		for who, b := range map[string]*browser{"author": prov, "coordinator": admin} {
			if code, body, _ := b.get(path); code != 200 || !strings.Contains(body, `id="draft-notice"`) {
				t.Fatalf("%s: draft page %d", who, code)
			}
		}
		if _, body, _ := f.browser(t).get("/solutions"); strings.Contains(body, "老年助餐送餐上门") {
			t.Fatal("a draft in the public catalog")
		}

		// Only its authors and coordinators edit the draft.
		for who, b := range map[string]*browser{"community": comm, "another organization": other} {
			if code, _, _ := b.get(path + "/edit"); code != 404 && code != 403 {
				t.Fatalf("%s opens the edit form: %d", who, code)
			}
			if code, _, _ := b.post(path+"/edit", f.solutionForm()); code != 404 && code != 403 {
				t.Fatalf("%s edits: %d", who, code)
			}
		}
		if code, _, _ := admin.get(path + "/edit"); code != 200 {
			t.Fatalf("a coordinator opens the edit form: %d", code)
		}
		// The review: only the author submits, only a coordinator publishes.
		if code, _, _ := comm.post(path+"/submit", nil); code != 404 && code != 403 {
			t.Fatalf("community submits: %d", code)
		}
		if code, _, _ := prov.post(path+"/submit", nil); code != 303 {
			t.Fatalf("submit: %d", code)
		}
		if code, _, _ := prov.post(path+"/publish", nil); code != 403 {
			t.Fatalf("author publishes: %d", code)
		}
		if code, body, _ := admin.post(path+"/return", url.Values{"note": {""}}); code != 400 || !strings.Contains(body, "return-note-input") {
			t.Fatalf("return without a note: %d", code)
		}
		if code, _, _ := admin.post(path+"/publish", url.Values{"csrf_token": {"forged"}}); code != 403 {
			t.Fatalf("forged publish: %d", code)
		}
		if code, _, _ := admin.post(path+"/publish", nil); code != 303 {
			t.Fatalf("publish: %d", code)
		}

		// Published: public, with its evidence linked to the projects.
		code, body, _ = f.browser(t).get(path)
		if code != 200 || strings.Count(body, `class="evidence-row"`) != 2 || !strings.Contains(body, `href="/needs/`+f.projects[0]+`"`) ||
			!strings.Contains(body, "摸底登记有需要的老人") || !strings.Contains(body, "4.5") {
			t.Fatalf("public page: %d", code)
		}
		if strings.Contains(body, "13812345678") || !strings.Contains(body, "138****5678") {
			t.Fatal("a phone number typed in a step is not masked on the public page")
		}
		if _, body, _ := f.browser(t).get("/solutions?category=elderly"); !strings.Contains(body, "老年助餐送餐上门") {
			t.Fatal("not in the catalog")
		}
		if _, body, _ := f.browser(t).get("/solutions?q=" + url.QueryEscape("老人吃饭难")); !strings.Contains(body, `href="`+path+`"`) ||
			!strings.Contains(body, "<mark>") {
			i := strings.Index(body, "result-count")
			t.Fatalf("not found by the search box: %s", body[max(i-400, 0):min(i+300, len(body))])
		}

		// A revision is a new draft version; the public keeps reading version 1.
		if code, _, _ := other.post(path+"/revise", nil); code != 403 && code != 404 {
			t.Fatalf("another organization revises: %d", code)
		}
		if code, _, h := prov.post(path+"/revise", nil); code != 303 || h.Get("Location") != path+"/edit" {
			t.Fatalf("revise: %d", code)
		}
		rev := f.solutionForm()
		rev.Set("title", "老年助餐送餐上门（第二版）")
		rev.Set("note", "补充回访")
		if code, body, _ := prov.post(path+"/edit", rev); code != 303 {
			t.Fatalf("edit the revision: %d %s", code, regexpAlert(body))
		}
		if _, body, _ := f.browser(t).get(path); strings.Contains(body, "第二版") {
			t.Fatal("the public sees the draft revision")
		}
		if code, _, _ := f.browser(t).get(path + "?v=2"); code != 404 {
			t.Fatalf("the public reads the draft version: %d", code)
		}
		if _, body, _ := prov.get(path + "?v=1"); !strings.Contains(body, `id="old-version"`) {
			t.Fatal("version 1 is not marked old for its author")
		}

		// Withdrawing: coordinators only, with a reason; then out of the catalog.
		if code, _, _ := prov.post(path+"/archive", url.Values{"reason": {"内容已过时，不再推荐"}}); code != 403 {
			t.Fatalf("the author archives: %d", code)
		}
		if code, body, _ := admin.post(path+"/archive", url.Values{"reason": {""}}); code != 400 || !strings.Contains(body, "archive-reason") {
			t.Fatalf("archive without a reason: %d", code)
		}
		if code, _, _ := admin.post(path+"/archive", url.Values{"reason": {"内容已过时，不再推荐"}}); code != 303 {
			t.Fatalf("archive: %d", code)
		}
		if _, body, _ := f.browser(t).get("/solutions"); strings.Contains(body, `href="`+path+`"`) {
			t.Fatal("an archived solution in the catalog")
		}
	})
}

func TestSolutionAdopt(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newSolFixture(t, s)
		sol := f.publishedSolution(t, "老年助餐送餐上门")
		path := "/solutions/" + sol.ID
		drafts := func() int {
			_, n, err := s.FindNeeds(storetest.Admin(), procurement.Filter{Status: procurement.Draft, PerPage: 10})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		// Only community (and street) staff see the button and may adopt.
		prov := f.browser(t)
		prov.login(f.provAdmin)
		for who, b := range map[string]*browser{"anonymous": f.browser(t), "organization": prov} {
			if _, body, _ := b.get(path); strings.Contains(body, `id="adopt-btn"`) {
				t.Fatalf("%s sees the adopt button", who)
			}
			if code, _, _ := b.post(path+"/adopt", url.Values{"community": {f.community.ID}}); code != 401 && code != 403 {
				t.Fatalf("%s adopts: %d", who, code)
			}
		}
		comm := f.browser(t)
		comm.login(f.commStaff)
		if _, body, _ := comm.get(path); !strings.Contains(body, `id="adopt-btn"`) {
			t.Fatal("no adopt button for the community")
		}
		// Another community, a forged token: refused, nothing created.
		if code, _, _ := comm.post(path+"/adopt", url.Values{"community": {f.otherCommID}}); code != 400 {
			t.Fatalf("adopt for another community: %d", code)
		}
		if code, _, _ := comm.post(path+"/adopt", url.Values{"csrf_token": {"forged"}}); code != 403 {
			t.Fatalf("forged adopt: %d", code)
		}
		if n := drafts(); n != 0 {
			t.Fatalf("%d drafts after refused adoptions", n)
		}

		// Street staff adopt for a community of their street; staff of another street cannot.
		street := f.browser(t)
		street.login(f.staff)
		if code, _, _ := street.post(path+"/adopt", url.Values{"community": {f.otherCommID}}); code != 303 {
			t.Fatalf("the street adopts for its community: %d", code)
		}
		outside := f.browser(t)
		outside.login(f.outsid)
		if code, _, _ := outside.post(path+"/adopt", url.Values{"community": {f.community.ID}}); code != 403 {
			t.Fatalf("another street adopts: %d", code)
		}
		if n := drafts(); n != 1 {
			t.Fatalf("%d drafts after the street's adoption", n)
		}
		// In English too.
		en := f.browser(t)
		en.login(f.commStaff)
		en.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
		for _, p := range []string{path, "/solutions", "/solutions?q=" + url.QueryEscape("送餐")} {
			if code, body, _ := en.get(p); code != 200 || !strings.Contains(body, "Same-style solutions") {
				t.Fatalf("%s in English: %d", p, code)
			}
		}
		code, _, h := comm.post(path+"/adopt", url.Values{"community": {f.community.ID}})
		if code != 303 || !strings.HasSuffix(h.Get("Location"), "/edit#adopted") {
			t.Fatalf("adopt: %d %s", code, h.Get("Location"))
		}
		needPath := strings.TrimSuffix(h.Get("Location"), "/edit#adopted")
		n, err := s.FindNeedByID(storetest.Admin(), strings.TrimPrefix(needPath, "/needs/"))
		if err != nil {
			t.Fatal(err)
		}
		if n.Status != procurement.Draft || n.CommunityID != f.community.ID || n.Title != "老年助餐送餐上门" ||
			!strings.Contains(n.Description, "每天送餐上门") || n.BudgetFen != 3500000 {
			t.Fatalf("the draft: %+v", n)
		}
		_, body, _ := comm.get(needPath + "/edit")
		if !strings.Contains(body, "已按同款方案生成需求草稿") || !strings.Contains(body, `id="adopt-invite"`) ||
			!strings.Contains(body, "直接委托 回龙观邻里助餐服务社") {
			t.Fatalf("the edit page's offer: %s", regexpAlert(body))
		}
		// The need's own page names the solution it adopted.
		if _, body, _ := comm.get(needPath); !strings.Contains(body, `id="adopted-solution"`) || !strings.Contains(body, `href="`+path+`?v=`) {
			t.Fatal("the need page does not name the adopted solution")
		}

		// The offer: outsiders cannot use it; the community invites the providers.
		otherComm := f.browser(t)
		otherComm.login(f.otherComm)
		if code, _, _ := otherComm.post(needPath+"/adoption", url.Values{"choice": {"invite"}}); code != 404 && code != 403 {
			t.Fatalf("another community takes the offer: %d", code)
		}
		if code, _, _ := comm.post(needPath+"/adoption", url.Values{"choice": {"direct"}, "org": {f.org.ID}}); code != 400 {
			t.Fatalf("direct commission of a non-provider: %d", code)
		}
		if code, _, _ := comm.post(needPath+"/adoption", url.Values{"choice": {"invite"}}); code != 303 {
			t.Fatalf("invite the providers: %d", code)
		}
		n, _ = s.FindNeedByID(storetest.Admin(), n.ID)
		if n.Procedure != procurement.Invited || len(n.InvitedOrgIDs) != 1 || n.InvitedOrgIDs[0] != f.provider.ID {
			t.Fatalf("after invite: %s %v", n.Procedure, n.InvitedOrgIDs)
		}
		if code, _, _ := comm.post(needPath+"/adoption", url.Values{"choice": {"direct"}, "org": {f.provider.ID}}); code != 303 {
			t.Fatalf("commission directly: %d", code)
		}
		n, _ = s.FindNeedByID(storetest.Admin(), n.ID)
		if n.Procedure != procurement.Direct || !strings.Contains(n.Justification, "同款方案《老年助餐送餐上门》") {
			t.Fatalf("after direct: %s %q", n.Procedure, n.Justification)
		}
	})
}

func TestNeedFormSuggestions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newSolFixture(t, s)
		f.publishedSolution(t, "老年助餐送餐上门")
		comm := f.browser(t)
		comm.login(f.commStaff)
		// Without JavaScript: the button re-renders the form with what was typed.
		form := url.Values{"title": {"老人吃饭难"}, "description": {"独居老人做饭不方便，希望有人送餐。"},
			"community": {f.community.ID}, "budget": {"3万"}, "procedure": {"open"}, "find_similar": {"1"}}
		code, body, _ := comm.post("/needs", form)
		if code != 200 || !strings.Contains(body, `value="老人吃饭难"`) || !strings.Contains(body, "独居老人做饭不方便") {
			t.Fatalf("find similar: %d", code)
		}
		if !strings.Contains(body, "龙锦苑") && !strings.Contains(body, "老年助餐送餐上门") {
			t.Fatal("no suggestion at all")
		}
		if _, n, _ := s.FindNeeds(storetest.Admin(), procurement.Filter{PerPage: 10, Status: procurement.Draft}); n != 0 {
			t.Fatal("finding similar saved a draft")
		}
		// A suggested solution is adopted from the form itself, for the form's community.
		if !strings.Contains(body, `suggest-adopt"`) {
			t.Fatal("no 直接采用同款 on a suggested solution")
		}
		i := strings.Index(body, `formaction="/solutions/`)
		action := body[i+len(`formaction="`):]
		action = action[:strings.Index(action, `"`)]
		form.Del("find_similar")
		if code, _, h := comm.post(action, form); code != 303 || !strings.HasSuffix(h.Get("Location"), "/edit#adopted") {
			t.Fatalf("adopt from the form: %d", code)
		}
		// With JavaScript: a fragment, for the signed-in only.
		code, body, _ = comm.get("/needs/suggest?text=" + url.QueryEscape("老人送餐"))
		if code != 200 || strings.Contains(body, "<html") {
			t.Fatalf("fragment: %d", code)
		}
		if code, _, _ := f.browser(t).get("/needs/suggest?text=x"); code != 303 {
			t.Fatalf("anonymous fragment: %d", code)
		}
	})
}

func TestAdminSolutions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newSolFixture(t, s)
		a := f.publishedSolution(t, "老年助餐送餐上门")
		b := f.publishedSolution(t, "老年助餐送餐上门服务")
		admin := f.browser(t)
		admin.login(f.admin)
		code, body, _ := admin.get("/admin/solutions")
		if code != 200 || !strings.Contains(body, `class="card dupe"`) || !strings.Contains(body, `id="stats-categories"`) {
			t.Fatalf("admin page: %d", code)
		}
		for who, phone := range map[string]string{"community": f.commStaff, "organization": f.provAdmin, "street": f.staff} {
			br := f.browser(t)
			br.login(phone)
			if code, _, _ := br.get("/admin/solutions"); code != 403 {
				t.Fatalf("%s opens the admin page: %d", who, code)
			}
			if code, _, _ := br.post("/admin/solutions/merge", url.Values{"a": {a.ID}, "b": {b.ID}, "into": {a.ID}, "reason": {"两个方案内容重复"}}); code != 403 {
				t.Fatalf("%s merges: %d", who, code)
			}
		}
		if code, _, _ := admin.post("/admin/solutions/merge", url.Values{"a": {b.ID}, "b": {b.ID}, "into": {b.ID}, "reason": {"两个方案内容重复"}}); code < 400 {
			t.Fatalf("merge into itself: %d", code)
		}
		if code, body, _ := admin.post("/admin/solutions/merge", url.Values{"a": {a.ID}, "b": {b.ID}, "into": {a.ID}}); code != 400 ||
			!strings.Contains(body, "field-error") {
			t.Fatalf("merge without a reason: %d", code)
		}
		if code, _, _ := f.browser(t).get("/solutions/" + b.ID); code != 200 {
			t.Fatalf("a refused merge merged: %d", code)
		}
		if code, _, _ := admin.post("/admin/solutions/merge", url.Values{"a": {a.ID}, "b": {b.ID}, "into": {a.ID}, "reason": {"两个方案内容重复"}}); code != 303 {
			t.Fatalf("merge: %d", code)
		}
		if code, _, h := f.browser(t).get("/solutions/" + b.ID); code != 301 || h.Get("Location") != "/solutions/"+a.ID {
			t.Fatalf("the merged solution's page: %d %s", code, h.Get("Location"))
		}
	})
}

// TestSolutionCatalogSort: the sort select says the order the catalog is
// in — 最相关 for a search the index ranks, the sort asked for when a search
// is sorted by evidence, and the evidence order (never 最相关) when the
// search box is answered by the database's word filter because the index
// is not there (still building at start-up).
func TestSolutionCatalogSort(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newSolFixture(t, s)
		sol := f.publishedSolution(t, "老年助餐送餐上门")
		q := "q=" + url.QueryEscape("送餐")
		relevance := `<option value="">最相关</option>`
		for _, c := range []struct {
			path, selected string
			relevance      bool // the 最相关 option is offered
			ranked         bool // "按相关程度排序" beside the count
		}{
			{"/solutions", `<option value="deliveries" selected>`, false, false},
			{"/solutions?sort=newest", `<option value="newest" selected>`, false, false},
			{"/solutions?" + q, `<option value="" selected>最相关</option>`, true, true},
			{"/solutions?sort=bogus&" + q, `<option value="" selected>最相关</option>`, true, true},
			{"/solutions?sort=cost&" + q, `<option value="cost" selected>`, true, false},
		} {
			_, body, _ := f.browser(t).get(c.path)
			sel := between(body, `id="sort"`, "</select>")
			if !strings.Contains(body, "/solutions/"+sol.ID) || !strings.Contains(sel, c.selected) ||
				strings.Count(sel, " selected") != 1 || strings.Contains(sel, `<option value=""`) != c.relevance ||
				strings.Contains(body, "按相关程度排序") != c.ranked {
				t.Errorf("%s: the sort select %s", c.path, sel)
			}
			if c.relevance && c.selected != `<option value="" selected>最相关</option>` && !strings.Contains(sel, relevance) {
				t.Errorf("%s: 最相关 cannot be chosen back: %s", c.path, sel)
			}
		}

		// Without the index the word filter lists in the evidence order.
		cfg := config.Default()
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		h, err := web.New(web.Deps{Config: cfg, Store: s, Catalog: cat, Sessions: server.NewSessions(s, cfg, log), Logger: log})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ path, selected string }{
			{"/solutions?" + q, `<option value="deliveries" selected>`},
			{"/solutions?sort=cost&" + q, `<option value="cost" selected>`},
		} {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, c.path, nil))
			body := w.Body.String()
			sel := between(body, `id="sort"`, "</select>")
			if w.Code != 200 || !strings.Contains(body, "/solutions/"+sol.ID) || !strings.Contains(sel, c.selected) ||
				strings.Contains(sel, `<option value=""`) || strings.Contains(body, "按相关程度排序") {
				t.Errorf("no index, %s: %d, the sort select %s", c.path, w.Code, sel)
			}
		}
	})
}
