package browsertest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// demoNeedID returns the id of the demo need titled title.
func demoNeedID(t *testing.T, s *site, title string) string {
	t.Helper()
	needs, _, err := s.Store.FindNeeds(storetest.Admin(), procurement.Filter{Query: title, PerPage: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range needs {
		if n.Title == title {
			return n.ID
		}
	}
	t.Fatalf("no demo need %s", title)
	return ""
}

// TestMatching: community staff open their draft, see recommended
// organizations with reasons and similar past projects, and invite one; an
// organization sees the needs recommended to it; the public board's search
// box marks its hits. Screenshots for docs/matching.md.
func TestMatching(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	draft := demoNeedID(t, s, "龙锦苑二区楼门文化营造")

	ctx := newTab(t)
	signIn(t, ctx, s, "13800000003", "王建华", "")
	visit(t, ctx, s, "/needs/"+draft, "#match-orgs")
	contains(t, "the category line", text(t, ctx, "#match-category"), "服务类别")
	orgs := get(t, ctx, "read the recommendations", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#match-orgs .match-org h3"), e => e.innerText.trim())`))
	if len(orgs) < 3 {
		t.Fatalf("%d recommended organizations, want at least 3: %v%s", len(orgs), orgs, pageState(ctx))
	}
	reasons := text(t, ctx, "#match-orgs .match-org .reasons")
	if strings.TrimSpace(reasons) == "" {
		t.Fatal("the first recommendation gives no reason")
	}
	if n := get(t, ctx, "count similar projects", chromedp.Evaluate[int](
		`document.querySelectorAll("#match-projects .match-project").length`)); n == 0 {
		t.Fatalf("no similar past project%s", pageState(ctx))
	}
	scrollTo(t, ctx, "#match-category")
	shot(t, ctx, s, "match-need.png")

	first := orgs[0]
	submit(t, ctx, "invite the first organization", "#match-orgs .match-org .invite-btn", "已邀请该组织")
	invited := get(t, ctx, "read the invited", chromedp.Evaluate[string](
		`Array.from(document.querySelectorAll("#match-orgs .match-org"), li => li.querySelector(".tag-invited") ? li.querySelector("h3").innerText.trim() : "").join("")`))
	if invited != first {
		t.Fatalf("invited %q, want %q", invited, first)
	}
	n, err := s.Store.FindNeedByID(storetest.Admin(), draft)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.InvitedOrgIDs) != 1 {
		t.Fatalf("the need's invited list: %v", n.InvitedOrgIDs)
	}
	scrollTo(t, ctx, "#match-orgs")
	shot(t, ctx, s, "match-invited.png")

	// The need board's search box: two characters are enough.
	visit(t, ctx, s, "/needs?q="+"电梯", "#need-results mark")
	contains(t, "the marked hit", text(t, ctx, "#need-results mark"), "电梯")
	shot(t, ctx, s, "search-needs.png")
	visit(t, ctx, s, "/organizations?q="+"养老", "#org-results mark")
	shot(t, ctx, s, "search-organizations.png")
	signOut(t, ctx)

	// An organization's own page lists the needs recommended to it.
	signIn(t, ctx, s, "13800000004", "陈思雨", "")
	visit(t, ctx, s, "/me", ".recommended")
	contains(t, "the recommendations' heading", text(t, ctx, ".recommended h2"), "为您推荐的需求")
	scrollTo(t, ctx, ".recommended") // below 我的账号
	shot(t, ctx, s, "match-recommended-needs.png")
}

// TestEveryDemoNeedHasRecommendations: a platform admin sees at least three
// organizations, each with a reason, on every demo need's page — except on
// the one or two whose qualification rules leave out every organization that
// fits, which say so and list those left out with why.
func TestEveryDemoNeedHasRecommendations(t *testing.T) {
	const ruledMark = "[部分组织不符合资格]" // the page lists organizations its rules leave out
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	needs, _, err := s.Store.FindNeeds(storetest.Admin(), procurement.Filter{PerPage: procurement.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	if len(needs) < 20 {
		t.Fatalf("only %d demo needs", len(needs))
	}
	ctx := newTab(t)
	signIn(t, ctx, s, "13800000001", "周明远", "")
	var ids []string
	for _, n := range needs {
		ids = append(ids, `"`+n.ID+`"`)
	}
	// One fetch per page from inside the signed-in tab: the server renders
	// the panel; the test reads it.
	got := get(t, ctx, "read every need's recommendations", chromedp.Evaluate[map[string][]string](fmt.Sprintf(`(async () => {
		const out = {};
		for (const id of [%s]) {
			const html = await (await fetch("/needs/" + id)).text();
			const doc = new DOMParser().parseFromString(html, "text/html");
			// Keyed by id: two demo needs may share a title.
			const title = doc.querySelector("main h1").innerText.trim();
			const orgs = Array.from(doc.querySelectorAll("#match-orgs .match-org"),
				li => li.querySelector("h3").innerText.trim() + "：" + Array.from(li.querySelectorAll(".reasons li"), r => r.innerText.trim()).join("；"));
			if (orgs.length === 0 && doc.querySelector("#match-none-rules")) {
				// Its rules leave out everyone who fits: say who, and why.
				orgs.push(...Array.from(doc.querySelectorAll("#match-excluded li"), li => "（不能邀请）" + li.innerText.trim()));
			}
			// Rules that leave some out also drop the weak padding (min_evidence):
			// fewer than three may then be right.
			out[id + " " + title + (doc.querySelector("#match-excluded") ? " [部分组织不符合资格]" : "")] = orgs;
		}
		return out;
	})()`, strings.Join(ids, ",")), chromedp.EvalAwaitPromise))
	ruled := 0
	for title, orgs := range got {
		if len(orgs) > 0 && strings.HasPrefix(orgs[0], "（不能邀请）") {
			ruled++
			t.Logf("%s → %s", title, orgs[0])
			continue
		}
		if len(orgs) < 3 && !(strings.HasSuffix(title, ruledMark) && len(orgs) > 0) {
			t.Errorf("%s: %d recommendations %v", title, len(orgs), orgs)
			continue
		}
		for _, o := range orgs {
			if strings.HasSuffix(o, "：") {
				t.Errorf("%s: %s without a reason", title, o)
			}
		}
		t.Logf("%s → %s", title, orgs[0])
	}
	if len(got) != len(needs) {
		t.Errorf("read %d pages of %d needs", len(got), len(needs))
	}
	if ruled == 0 || ruled > 3 {
		t.Errorf("%d needs whose rules leave out every fitting organization, want 1 to 3", ruled)
	}

	// One of them, as staff see it: the tender failed, and the panel says
	// why nobody answered.
	visit(t, ctx, s, "/needs/"+demoNeedID(t, s, "太阳新城社区平安巡逻队伍建设"), "#match-over summary")
	run(t, ctx, "open the closed tender's recommendations", chromedp.Click(chromedp.CSS("#match-over summary")),
		chromedp.WaitVisible(chromedp.CSS("#match-none-rules")))
	contains(t, "the left-out organizations", text(t, ctx, "#match-excluded"), "不符合资格")
	scrollTo(t, ctx, "#match-orgs")
	shot(t, ctx, s, "match-none-rules.png")
}

// TestMatchingOnAPhone: the recommendations and the highlighted search fit
// a 375px phone: nothing scrolls sideways.
func TestMatchingOnAPhone(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	draft := demoNeedID(t, s, "龙锦苑二区楼门文化营造")
	ctx := newTab(t)
	signIn(t, ctx, s, "13800000003", "王建华", "")
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, sel, shot string }{
		{"/needs/" + draft, "#match-orgs .invite-btn", "match-need-phone.png"},
		{"/needs?q=" + "加装电梯", "#need-results mark", ""},
		{"/organizations?q=" + "独居老人", "#org-results mark", ""},
	} {
		visit(t, ctx, s, p.path, p.sel)
		width := get(t, ctx, "measure "+p.path, chromedp.Evaluate[struct {
			Scroll, Inner int
		}](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
		if width.Inner != 375 || width.Scroll > width.Inner {
			t.Errorf("%s on a phone: page %dpx wide in a %dpx window", p.path, width.Scroll, width.Inner)
		}
		if p.shot != "" {
			scrollTo(t, ctx, "#match-orgs")
			shot(t, ctx, s, p.shot)
		}
	}
}
