package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestJointMeeting: a coordinator records a joint meeting with a resolution
// and an action item owned by a street; the street's staff member finds it
// on their home page and marks it done; the public meeting page shows the
// resolution and none of the internal minutes.
func TestJointMeeting(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	street := s.street(t, "回龙观街道")
	const (
		title      = "回天地区社会组织党建工作联席会 专题会议"
		resolution = "各街道两个月内为未建党组织的社会组织全部派驻党建指导员"
		item       = "回龙观街道完成党建指导员派驻名单"
		minutes    = "内部讨论：联络人老张 13712345678"
	)
	today := s.Store.Now().In(beijingZone())
	ctx := newTab(t)
	signIn(t, ctx, s, "13800000001", "周明远", "")

	// The overview: the demo's overdue items.
	visit(t, ctx, s, "/meetings", "#action-overview")
	contains(t, "overview", text(t, ctx, "#action-overview"), "逾期")
	shot(t, ctx, s, "meeting-overview.png")

	run(t, ctx, "open the meeting form",
		chromedp.Click(chromedp.CSS("#new-meeting")),
		chromedp.WaitVisible(chromedp.CSS("#meeting-form")))
	run(t, ctx, "fill the meeting form",
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.SetValue(chromedp.CSS("#held_on"), today.Format("2006-01-02")),
		chromedp.SendKeys(chromedp.CSS("#place"), "回天地区党群服务中心"),
		chromedp.SetValue(chromedp.CSS("#agenda"), "通报党建指导员派驻情况\n部署派驻全覆盖"),
		chromedp.SetValue(chromedp.CSS("#departments"), "昌平区委社会工委区民政局\n昌平区委组织部"),
		chromedp.Click(chromedp.CSS(`input[name="party_street"][value="`+street.ID+`"]`)),
		chromedp.SetValue(chromedp.CSS("#resolutions"), resolution),
		chromedp.SetValue(chromedp.CSS("#minutes"), minutes),
		chromedp.SetValue(chromedp.CSS("#summary"), "会议部署党建指导员派驻全覆盖。"),
		chromedp.Click(chromedp.CSS(`input[name="publish"]`)))
	shot(t, ctx, s, "meeting-form.png")
	submit(t, ctx, "record the meeting", "#meeting-save", "联席会已记录")
	meetingURL := get(t, ctx, "read the location", chromedp.Location())
	contains(t, "resolutions", text(t, ctx, "#resolutions"), resolution)

	run(t, ctx, "fill the item form",
		chromedp.SendKeys(chromedp.CSS("#action-title"), item),
		chromedp.SetValue(chromedp.CSS("#owner"), "street:"+street.ID),
		chromedp.SetValue(chromedp.CSS("#due"), today.AddDate(0, 0, 30).Format("2006-01-02")))
	submit(t, ctx, "assign the item", "#action-add", "已交办")
	contains(t, "items", text(t, ctx, "#action-table"), item)
	scrollTo(t, ctx, "#actions")
	shot(t, ctx, s, "meeting-show.png")
	signOut(t, ctx)

	// The street's staff member: on the home page, then done.
	signIn(t, ctx, s, "13800000002", "李晓燕", "")
	visit(t, ctx, s, "/me", "#my-actions")
	contains(t, "home page", text(t, ctx, "#my-actions"), item)
	scrollTo(t, ctx, "#my-actions") // below 我的账号
	shot(t, ctx, s, "meeting-my-actions.png")
	href := get(t, ctx, "find the item", chromedp.Evaluate[string](
		`Array.from(document.querySelectorAll("#my-actions a")).find(a => a.textContent.includes(`+jsString(item)+`)).getAttribute("href")`))
	visit(t, ctx, s, href, "#action-update")
	run(t, ctx, "report done",
		chromedp.SetValue(chromedp.CSS("#status"), "done"),
		chromedp.SendKeys(chromedp.CSS("#note"), "6 名指导员已派驻，名单已在街道公示"))
	shot(t, ctx, s, "meeting-action-update.png")
	submit(t, ctx, "mark done", "#action-save", "督办进度已更新")
	contains(t, "status", text(t, ctx, "#action-status"), "已办结")
	contains(t, "history", text(t, ctx, "#action-history"), "6 名指导员已派驻")
	signOut(t, ctx)

	// The public summary: the resolution, never the minutes.
	run(t, ctx, "open the public page", chromedp.Navigate(meetingURL), chromedp.WaitVisible(chromedp.CSS("#resolutions")))
	contains(t, "public resolutions", text(t, ctx, "#resolutions"), resolution)
	body := text(t, ctx, "main")
	if strings.Contains(body, "13712345678") || strings.Contains(body, "老张") || strings.Contains(body, item) {
		t.Fatalf("the public page shows internal minutes or items:\n%s", body)
	}
	shot(t, ctx, s, "meeting-public.png")

	// Party building on an organization page of the street.
	org := partyDemoOrg(t, s, street.ID)
	signIn(t, ctx, s, "13800000002", "李晓燕", "")
	visit(t, ctx, s, "/organizations/"+org.ID, "#party")
	contains(t, "form history", text(t, ctx, "#party-forms"), "党组织")
	scrollTo(t, ctx, "#party")
	shot(t, ctx, s, "party-org.png")

	// On a cheap phone every page fits the screen (tables scroll inside).
	run(t, ctx, "emulate a phone",
		chromedp.EmulateViewport(375, 740, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	for _, p := range []struct{ path, sel string }{
		{"/me", "#my-actions"}, {href, "#action-history"}, {"/meetings", "#meetings"},
		{strings.TrimPrefix(meetingURL, s.URL), "#resolutions"}, {"/organizations/" + org.ID, "#party"},
	} {
		visit(t, ctx, s, p.path, p.sel)
		width := get(t, ctx, "measure "+p.path, chromedp.Evaluate[struct {
			Scroll, Inner int
		}](`({Scroll: document.documentElement.scrollWidth, Inner: window.innerWidth})`))
		if width.Scroll > width.Inner {
			t.Errorf("%s on a phone: page %dpx wide in a %dpx window", p.path, width.Scroll, width.Inner)
		}
	}
}

// partyDemoOrg finds an organization of the street whose demo record has
// a form history, a pair and an instructor.
func partyDemoOrg(t *testing.T, s *site, streetID string) *registry.Organization {
	t.Helper()
	list, _, err := s.Store.FindOrganizations(context.Background(), registry.Filter{StreetID: streetID, PerPage: registry.MaxPerPage})
	if err != nil {
		t.Fatal(err)
	}
	var best *registry.Organization
	score := 0
	for _, o := range list {
		rec, err := s.Store.FindPartyRecord(context.Background(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := min(len(rec.Forms), 1) + min(len(rec.Pairings), 1) + min(len(rec.Instructors), 1)
		if len(rec.Forms) > 0 && n > score {
			best, score = o, n
		}
	}
	if best == nil {
		t.Fatal("no organization of the street has a party-building record")
	}
	return best
}

func beijingZone() *time.Location { return time.FixedZone("CST", 8*3600) }

func jsString(s string) string { return "`" + strings.ReplaceAll(s, "`", "") + "`" }
