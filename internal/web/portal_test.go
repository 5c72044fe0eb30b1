package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/portal"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// residentBrowser signs a resident in by SMS code ("my own phone" ticked
// when remember) and confirms their community.
func residentBrowser(t *testing.T, f *fixture, phone string, remember bool) *browser {
	t.Helper()
	b := f.browser(t)
	if code, _, _ := b.post("/login/code/send", url.Values{"phone": {phone}}); code != 200 {
		t.Fatalf("send code: %d", code)
	}
	sent := regexp.MustCompile(`\d{6}`).FindString(f.inbox.Last(phone))
	form := url.Values{"phone": {phone}, "code": {sent}, "next": {"/portal"}}
	if remember {
		form.Set("remember", "1")
	}
	code, _, h := b.post("/login/code/verify", form)
	if code != 303 || h.Get("Location") != "/portal" {
		t.Fatalf("verify: %d %s", code, h.Get("Location"))
	}
	if code, body, _ := b.get("/portal"); code != 200 || !strings.Contains(body, `id="home-pick"`) {
		t.Fatalf("first portal visit should ask for the community: %d", code)
	}
	if code, _, _ := b.post("/portal/home", url.Values{"community": {f.community.ID}}); code != 303 {
		t.Fatalf("confirm community: %d", code)
	}
	return b
}

func TestPortalSessionRemembered(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		b := f.browser(t)
		phone := "13700007001"
		b.post("/login/code/send", url.Values{"phone": {phone}})
		sent := regexp.MustCompile(`\d{6}`).FindString(f.inbox.Last(phone))
		// A malformed code is told as such and costs nothing.
		if code, body, _ := b.post("/login/code/verify", url.Values{"phone": {phone}, "code": {"12ab"}}); code != 400 || !strings.Contains(body, "6 位数字") {
			t.Fatalf("malformed code: %d", code)
		}
		_, _, h := b.post("/login/code/verify", url.Values{"phone": {phone}, "code": {sent}, "remember": {"1"}})
		var maxAge int
		for _, c := range (&http.Response{Header: h}).Cookies() {
			if c.Name == "huitian_session" {
				maxAge = c.MaxAge
			}
		}
		if maxAge != 30*24*3600 {
			t.Fatalf("remembered session cookie lasts %d s, want 30 days", maxAge)
		}
		// Sending is limited per phone: the fourth request in ten minutes waits.
		other := f.browser(t)
		for i := range 4 {
			code, body, _ := other.post("/login/code/send", url.Values{"phone": {"13700007002"}})
			if i < 3 && code != 200 || i == 3 && (code != 429 || !strings.Contains(body, "操作太频繁")) {
				t.Fatalf("send %d: %d", i+1, code)
			}
		}
		// A staff member ticking the box still gets the short session.
		staff := f.browser(t)
		staff.login(f.commStaff)
		if code, body, _ := staff.get("/community/inbox"); code != 200 || !strings.Contains(body, "社区收件箱") {
			t.Fatalf("inbox: %d", code)
		}
	})
}

func TestPortalSuggestionsInboxAndPrivacy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := storetest.Admin()
		alice := residentBrowser(t, f, "13700007101", true)
		bob := residentBrowser(t, f, "13700007102", false)

		// Elderly mode: one switch, remembered in a cookie and the preference.
		if code, _, _ := alice.post("/portal/elderly", url.Values{"on": {"1"}, "next": {"/portal"}}); code != 303 {
			t.Fatalf("elderly on: %d", code)
		}
		if _, body, _ := alice.get("/portal"); !strings.Contains(body, `<body class="elderly">`) {
			t.Fatal("elderly mode not applied")
		}
		// On a new phone it is back as soon as she signs in, whatever page she signs in for.
		again := f.browser(t)
		again.post("/login/code/send", url.Values{"phone": {"13700007101"}})
		sent := regexp.MustCompile(`\d{6}`).FindString(f.inbox.Last("13700007101"))
		if code, _, _ := again.post("/login/code/verify", url.Values{"phone": {"13700007101"}, "code": {sent}, "next": {"/activities"}}); code != 303 {
			t.Fatalf("sign in again: %d", code)
		}
		if _, body, _ := again.get("/activities"); !strings.Contains(body, `<body class="elderly">`) {
			t.Fatal("elderly mode not restored at sign-in")
		}

		// Bad input: a clear message and nothing saved.
		if code, body, _ := alice.post("/portal/suggestions", url.Values{"body": {"灯"}}); code != 400 || !strings.Contains(body, "至少 5 个字") {
			t.Fatalf("short suggestion: %d", code)
		}
		if code, _, h := alice.post("/portal/suggestions", url.Values{"body": {"3号楼门口路灯坏了，晚上很黑"}, "place": {"3号楼东门"}}); code != 303 {
			t.Fatalf("suggest: %d", code)
		} else if !strings.HasPrefix(h.Get("Location"), "/portal/suggestions/") {
			t.Fatalf("suggest went to %s", h.Get("Location"))
		}
		list, _, err := s.FindSuggestions(storetest.Admin(), portal.Filter{CommunityID: f.community.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("suggestions: %v %d", err, len(list))
		}
		g := list[0]
		// Bob sees it with the author's name masked and says 我也遇到, once.
		if _, body, _ := bob.get("/portal/suggestions/" + g.ID); strings.Contains(body, "居民7101") || !strings.Contains(body, "居*") {
			t.Fatal("author's name not masked for a neighbour")
		}
		for range 2 {
			if code, _, _ := bob.post("/portal/suggestions/"+g.ID+"/support", nil); code != 303 {
				t.Fatalf("me too: %d", code)
			}
		}
		if got, _ := s.FindSuggestionByID(ctx, g.ID); got.Supports != 1 {
			t.Fatalf("supports %d, want 1", got.Supports)
		}
		// A resident cannot act on the inbox; another street's staff cannot open it.
		if code, _, _ := bob.post("/community/inbox/"+g.ID+"/reply", url.Values{"note": {"好的"}}); code != 403 {
			t.Fatalf("resident replied: %d", code)
		}
		out := f.browser(t)
		out.login(f.outsid)
		if code, _, _ := out.get("/community/inbox"); code != 403 {
			t.Fatalf("other street's inbox: %d", code)
		}
		// Community staff reply; the author is notified.
		staff := f.browser(t)
		staff.login(f.commStaff)
		if _, body, _ := staff.get("/community/inbox"); !strings.Contains(body, "3号楼门口路灯坏了") || !strings.Contains(body, "居民7101") {
			t.Fatal("inbox does not list the suggestion with the author")
		}
		if code, _, _ := staff.post("/community/inbox/"+g.ID+"/reply", url.Values{"note": {"已联系物业，本周修好"}}); code != 303 {
			t.Fatalf("reply: %d", code)
		}
		if _, body, _ := alice.get("/me/notifications"); !strings.Contains(body, "已联系物业，本周修好") {
			t.Fatal("author not notified of the reply")
		}
		// Turn it into a draft need through the procurement flow.
		code, _, h := staff.post("/community/inbox/"+g.ID+"/convert", url.Values{"title": {"龙锦苑二区路灯维修"}, "budget_yuan": {"8000"}})
		if code != 303 || !strings.HasPrefix(h.Get("Location"), "/needs/") {
			t.Fatalf("convert: %d %s", code, h.Get("Location"))
		}
		n, err := s.FindNeedByID(storetest.Admin(), strings.TrimPrefix(h.Get("Location"), "/needs/"))
		if err != nil || n.Status != procurement.Draft || n.CommunityID != f.community.ID || strings.Contains(n.Description, "居民7101") {
			t.Fatalf("draft need: %v %+v", err, n)
		}
		if _, body, _ := alice.get("/portal/suggestions/" + g.ID); !strings.Contains(body, "已立项办理") {
			t.Fatal("resident does not see the new status")
		}

		// Assisted mode: staff sign bob up? (no activity here) — raise a need for him instead.
		if code, body, _ := staff.post("/community/assist/suggestion", url.Values{"community": {f.community.ID}, "phone": {"13700007102"},
			"body": {"楼道里堆了很多杂物，不好走"}}); code != 400 || !strings.Contains(body, "居民本人同意") {
			t.Fatalf("assisted without consent: %d", code)
		}
		if code, _, _ := staff.post("/community/assist/suggestion", url.Values{"community": {f.community.ID}, "phone": {"13700007102"},
			"body": {"楼道里堆了很多杂物，不好走"}, "consent": {"1"}}); code != 303 {
			t.Fatalf("assisted suggestion: %d", code)
		}
		mine, _, _ := s.FindSuggestions(storetest.Admin(), portal.Filter{CommunityID: f.community.ID, Status: portal.Open})
		if len(mine) != 1 || mine[0].AssistedBy != "社区干部" {
			t.Fatalf("assisted suggestion: %+v", mine)
		}
		entries, _, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{Action: "suggestion.create"})
		if err != nil {
			t.Fatal(err)
		}
		assisted := false
		for _, e := range entries {
			assisted = assisted || strings.Contains(e.Data, `"assisted_by_name":"社区干部"`)
		}
		if !assisted {
			t.Fatal("the assisted action's audit entry does not name the staff member")
		}

		// Privacy centre: export, then delete; points postings survive.
		u, err := s.FindUserByPhone(ctx, "13700007101")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PostPoints(ctx, &points.Posting{Key: "portal-1", Kind: points.KindGrant, From: points.AccountID(points.Pool, f.street.ID),
			To: points.AccountID(points.Resident, u.ID), Amount: 20, Reason: "社区志愿服务"}); err != nil {
			t.Fatal(err)
		}
		code, body, h := alice.get("/me/export?format=json")
		if code != 200 || !strings.Contains(h.Get("Content-Type"), "json") {
			t.Fatalf("export: %d", code)
		}
		var d store.MyData
		if err := json.Unmarshal([]byte(body), &d); err != nil || d.Account.Phone != "13700007101" || len(d.Suggestions) != 1 || d.Points.Balance != 20 {
			t.Fatalf("export: %v %+v", err, d)
		}
		if code, body, _ := alice.post("/me/delete", url.Values{"confirm": {"好"}}); code != 400 || !strings.Contains(body, "注销") {
			t.Fatalf("delete without confirmation: %d", code)
		}
		if code, _, _ := alice.post("/me/delete", url.Values{"confirm": {"注销"}}); code != 303 {
			t.Fatalf("delete: %d", code)
		}
		if code, _, _ := alice.get("/me/privacy"); code != 303 {
			t.Fatalf("deleted account still signed in: %d", code)
		}
		if _, err := s.FindUserByPhone(ctx, "13700007101"); err == nil {
			t.Fatal("phone still on record")
		}
		acc, err := s.FindPointsAccount(storetest.Admin(), points.AccountID(points.Resident, u.ID))
		if err != nil || acc.Balance != 20 {
			t.Fatalf("points account after deletion: %v %+v", err, acc)
		}
		if m, _, err := s.VerifyPoints(ctx); err != nil || m != nil {
			t.Fatalf("points verify after deletion: %v %+v", err, m)
		}
		if got, _ := s.FindSuggestionByID(ctx, g.ID); strings.Contains(got.Body, "路灯") || strings.Contains(got.UserName, "7101") {
			t.Fatalf("deleted resident's text or name kept: %+v", got)
		}
		// The same phone can start afresh: a new, empty account.
		fresh := residentBrowser(t, f, "13700007101", false)
		if _, body, _ := fresh.get("/me/export?format=json"); strings.Contains(body, "路灯") {
			t.Fatal("a new account sees the deleted one's data")
		}
		_ = accounts.Resident
	})
}

// TestPortalActivitiesForWhereIWant: the portal offers one-tap sign-up only
// for activities the resident may join; one for another community says so
// and links to its page; the activity page does not let a resident with a
// confirmed home pick another community to get in (the tester's finding:
// it moved her home), and the home is changed on the portal instead.
func TestPortalActivitiesForWhereILive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := storetest.Admin()
		neighbour := &places.Community{Name: "新龙城社区", StreetID: f.street.ID}
		far := &places.Community{Name: "霍营社区", StreetID: f.other.ID}
		for _, cm := range []*places.Community{neighbour, far} {
			if err := s.CreateCommunity(admin, cm); err != nil {
				t.Fatal(err)
			}
		}
		start := s.Now().Add(48 * time.Hour)
		act := func(title string, street string, community string, e activities.Eligibility) *activities.Activity {
			x := &activities.Activity{Title: title, Type: "reading", OrgID: f.org.ID, StreetID: street, CommunityID: community,
				Address: "社区书屋", StartsAt: start, EndsAt: start.Add(2 * time.Hour), Capacity: 5, Eligibility: e,
				Status: activities.Published}
			if err := s.CreateActivity(admin, x); err != nil {
				t.Fatal(err)
			}
			return x
		}
		nextDoor := act("新龙城读书会", f.street.ID, neighbour.ID, activities.OpenToCommunity)
		farStreet := act("霍营街道居民议事会", f.other.ID, "", activities.OpenToStreet)
		farOpen := act("霍营公益集市", f.other.ID, "", activities.OpenToAnyone)

		b := residentBrowser(t, f, "13700007101", false)
		_, body, _ := b.get("/portal")
		if !strings.Contains(body, farOpen.Title) || strings.Contains(body, farStreet.Title) {
			t.Fatal("the portal's district activities should be those she may join")
		}
		item := body[strings.Index(body, nextDoor.Title):]
		item = item[:strings.Index(item, "</li>")]
		if strings.Contains(item, "/signup") || !strings.Contains(item, "只限新龙城社区的居民报名") ||
			!strings.Contains(item, `href="/activities/`+nextDoor.ID+`"`) {
			t.Fatalf("another community's activity on the portal: %s", item)
		}
		// Its page says why, with no form; naming its community anyway is
		// refused and leaves her home where it is.
		_, body, _ = b.get("/activities/" + nextDoor.ID)
		if strings.Contains(body, `id="signup-form"`) || !strings.Contains(body, `id="not-for-home"`) {
			t.Fatal("the activity page offers sign-up to a resident of another community")
		}
		if code, _, _ := b.post("/activities/"+nextDoor.ID+"/signup", url.Values{"community": {neighbour.ID}}); code != 400 {
			t.Fatalf("signed up by naming the activity's community: %d", code)
		}
		if code, body, _ := b.post("/portal/activities/"+farStreet.ID+"/signup", nil); code != 400 || !strings.Contains(body, "只限霍营街道的居民报名") {
			t.Fatalf("one-tap sign-up for another street: %d, the message should say why", code)
		}
		if _, body, _ = b.get("/portal"); !strings.Contains(body, "<h1>"+f.community.Name+"</h1>") {
			t.Fatal("her home moved")
		}
		// She moves: the portal changes her home, and the activity opens.
		_, body, _ = b.get("/portal?home=change")
		if !strings.Contains(body, `id="home-pick"`) || !strings.Contains(body, `value="`+f.community.ID+`" selected`) {
			t.Fatal("the portal does not offer to change the home")
		}
		if code, _, _ := b.post("/portal/home", url.Values{"community": {neighbour.ID}}); code != 303 {
			t.Fatalf("change home: %d", code)
		}
		if code, _, _ := b.post("/portal/activities/"+nextDoor.ID+"/signup", nil); code != 303 {
			t.Fatalf("sign up after the move: %d", code)
		}
	})
}

// TestElderlyHeaderSignOutLast: in elderly mode 退出 and English are the
// header's last controls, in the div app.css puts on a row of their own:
// right after her name, 退出 took the taps meant for the name. In standard
// mode it stays after the name, where the phone's 菜单 and the desktop
// show it.
func TestElderlyHeaderSignOutRow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.Open(t, store.SQLite))
	b := residentBrowser(t, f, "13700007201", false)
	targets := regexp.MustCompile(`<(?:a|form)\b[^>]*\b(?:href|action)="(/[^"?]*)[^>]*>`)
	header := func() (order []string, html string) {
		t.Helper()
		code, body, _ := b.get("/needs")
		start, end := strings.Index(body, `<header`), strings.Index(body, `</header>`)
		if code != 200 || start < 0 || end < start {
			t.Fatalf("/needs: %d, no header", code)
		}
		html = body[start:end]
		for _, m := range targets.FindAllStringSubmatch(html, -1) {
			order = append(order, m[1])
		}
		return order, html
	}
	order, _ := header()
	if i := slices.Index(order, "/logout"); i < 1 || order[i-1] != "/me" || !slices.Contains(order[i:], "/lang") {
		t.Errorf("standard header %v, want /logout right after /me, before /lang", order)
	}
	if code, _, _ := b.post("/portal/elderly", url.Values{"on": {"1"}, "next": {"/portal"}}); code != 303 {
		t.Fatalf("elderly on: %d", code)
	}
	order, html := header()
	if n := len(order); n < 3 || order[n-3] != "/me" || order[n-2] != "/logout" || order[n-1] != "/lang" {
		t.Errorf("elderly header %v, want /me, then /logout and /lang last", order)
	}
	if !regexp.MustCompile(`<div class="nav-end"><form[^>]*action="/logout"[\s\S]*?</form><form[^>]*action="/lang"[^>]*>[\s\S]*?</form></div>\s*</nav>`).MatchString(html) {
		t.Error("elderly header: want 退出 and English together in the nav's last div.nav-end (their own row in app.css)")
	}
}
