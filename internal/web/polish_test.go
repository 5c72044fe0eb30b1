package web_test

// What a second walk through the demo, as each role on a phone and a
// desktop, found still wrong.

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// polishSite is the demo site with its SMS inbox, for the residents, who
// sign in with a code.
type polishSite struct {
	*demoSite
	inbox *sms.Inbox
}

func newPolishSite(t *testing.T) *polishSite {
	t.Helper()
	s := storetest.Open(t, store.SQLite)
	if _, err := demo.Seed(context.Background(), s, s.Now()); err != nil {
		t.Fatal(err)
	}
	inbox := sms.NewInbox(10)
	h, err := cli.Handler(config.Default(), s, slog.New(slog.NewTextHandler(io.Discard, nil)), inbox, inbox)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &polishSite{demoSite: &demoSite{s: s, url: srv.URL}, inbox: inbox}
}

// demoResident is 张桂兰, of 天通北苑第一社区 (天通苑北街道).
const demoResident = "13800000010"

// resident is a browser signed in with an SMS code as the demo resident.
func (d *polishSite) resident(t *testing.T) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, url: d.url, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	page(t, b, "/login?tab=code")
	if code, body, _ := b.post("/login/code/send", url.Values{"phone": {demoResident}}); code >= 400 {
		t.Fatalf("send a code: %d %s", code, body)
	}
	sent := regexp.MustCompile(`\d{6}`).FindString(d.inbox.Last(demoResident))
	if code, body, _ := b.post("/login/code/verify", url.Values{"phone": {demoResident}, "code": {sent}}); code != http.StatusSeeOther {
		t.Fatalf("sign in with the code: %d %s", code, body)
	}
	return b
}

func TestDemoPolish(t *testing.T) {
	d := newPolishSite(t)

	t.Run("a reviewer sees which panels wait for them", func(t *testing.T) {
		body := page(t, d.as(t, demoReviewer), "/me/needs")
		if !strings.Contains(body, "我参加评审的需求") {
			t.Fatal("the demo reviewer sits on no panel")
		}
		tags := regexp.MustCompile(`<span class="tag tag-todo">(申报利益冲突|评分)</span>`).FindAllStringSubmatch(body, -1)
		if len(tags) == 0 {
			t.Fatal("the reviewer's panels show no step waiting for them")
		}
		// Those waiting come first.
		cards := strings.Split(body[strings.Index(body, "我参加评审的需求"):], `<li class="card">`)[1:]
		seenDone := false
		for _, c := range cards {
			waits := strings.Contains(c, "tag-todo")
			if waits && seenDone {
				t.Fatal("a panel waiting for the reviewer is listed after one that does not")
			}
			seenDone = seenDone || !waits
		}
	})

	t.Run("the dashboard counts the points each street issued", func(t *testing.T) {
		admin := d.as(t, demoAdmin)
		body := page(t, admin, "/dashboard")
		m := regexp.MustCompile(`<option value="([^"]+)" >回龙观街道</option>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no 回龙观街道 in the dashboard's street filter")
		}
		body = page(t, admin, "/dashboard?street="+m[1])
		issued := regexp.MustCompile(`<td>发放积分</td><td class="num">(\d+)</td>`).FindStringSubmatch(body)
		if issued == nil || issued[1] == "0" {
			t.Fatalf("回龙观街道 issued %v points on the dashboard; the demo grants its residents points from its pool", issued)
		}
	})

	t.Run("a need whose call is over folds its recommendations away", func(t *testing.T) {
		admin := d.as(t, demoAdmin)
		for _, st := range []procurement.Status{procurement.Awarded, procurement.Contracted, procurement.Published} {
			needs, _, err := d.s.FindNeeds(storetest.Admin(), procurement.Filter{Statuses: []procurement.Status{st}, PerPage: procurement.MaxPerPage})
			if err != nil {
				t.Fatal(err)
			}
			checked := 0
			for _, n := range needs {
				open := n.Tendering(d.s.Now())
				if st == procurement.Published && !open {
					continue // past its deadline: evaluated, as awarded ones
				}
				checked++
				body := page(t, admin, "/needs/"+n.ID)
				if !strings.Contains(body, `id="match-orgs"`) {
					t.Fatalf("%s (%s): no recommendations for the platform admin", n.Title, st)
				}
				folded := strings.Contains(body, `<details class="card match-over" id="match-over">`)
				if folded == open || (!open && (len(inviteButtons(body)) != 0 || !strings.Contains(body, "方案征集已经结束"))) {
					t.Fatalf("%s (%s): recommendations folded %v, %d invite buttons", n.Title, st, folded, len(inviteButtons(body)))
				}
				if !open {
					if code, _, _ := admin.post("/needs/"+n.ID+"/invitations", url.Values{"org": {n.AwardedOrgID}}); code != http.StatusConflict && code != http.StatusForbidden {
						t.Fatalf("%s (%s): an invitation after the call answers %d", n.Title, st, code)
					}
				}
			}
			if checked == 0 {
				t.Fatalf("no %s need in the demo to check", st)
			}
		}
	})

	t.Run("a resident redeems at their own street's merchants first, on cards", func(t *testing.T) {
		res := d.resident(t)
		body := page(t, res, "/me/points")
		if strings.Contains(body, `<table class="table" id="goods">`) {
			t.Fatal("the goods are still a wide table")
		}
		shops := regexp.MustCompile(`<li class="card shop">\s*<h3>([^<]+)`).FindAllStringSubmatch(body, -1)
		var names []string
		for _, m := range shops {
			names = append(names, strings.TrimSpace(m[1]))
		}
		// 张桂兰 lives in 天通北苑第一社区: its 粮油店 first, then her
		// street's 书店, and no merchant of another street.
		if len(names) != 2 || names[0] != "天通北苑粮油店" || names[1] != "天通苑北书店" {
			t.Fatalf("the resident's merchants: %q", names)
		}
		if !strings.Contains(body, `<span class="tag tag-near">本社区</span>`) || !strings.Contains(body, `href="/me/points?shops=all#goods-title"`) {
			t.Fatal("the nearest merchants are not marked, or there is no way to see the whole district's")
		}
		all := page(t, res, "/me/points?shops=all")
		n := len(regexp.MustCompile(`<li class="card shop">`).FindAllString(all, -1))
		if n <= 2 || !strings.Contains(all, "龙锦苑便民超市") || strings.Index(all, "天通北苑粮油店") > strings.Index(all, "龙锦苑便民超市") {
			t.Fatalf("the whole district shows %d merchants, the resident's own not first", n)
		}
		// A code asked for from the whole list keeps the whole list.
		good := regexp.MustCompile(`name="good_id" value="([^"]+)"><input type="hidden" name="shops" value="all">`).FindStringSubmatch(all)
		if good == nil {
			t.Fatal("the whole list's forms do not keep the list")
		}
		code, _, h := res.post("/me/points/codes", url.Values{"good_id": {good[1]}, "shops": {"all"}})
		if code != http.StatusSeeOther || !strings.HasSuffix(h.Get("Location"), "?shops=all") {
			t.Fatalf("a code from the whole list: %d %q", code, h.Get("Location"))
		}
		code, shown, _ := res.get(h.Get("Location"))
		if code != http.StatusOK || !strings.Contains(shown, `id="code-digits"`) || !strings.Contains(shown, "龙锦苑便民超市") {
			t.Fatalf("a code from the whole list: %d", code)
		}
	})

	t.Run("an imported need's source key is for staff only", func(t *testing.T) {
		admin := d.as(t, demoAdmin)
		anon := &browser{t: t, url: d.url, c: http.DefaultClient}
		needs, _, err := d.s.FindNeeds(storetest.Admin(), procurement.Filter{Statuses: []procurement.Status{procurement.Closed}, PerPage: procurement.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		imported := 0
		for _, n := range needs {
			if !strings.Contains(page(t, admin, "/needs/"+n.ID), "来源编号：demo-p") {
				continue
			}
			imported++
			if body := page(t, anon, "/needs/"+n.ID); strings.Contains(body, "来源编号") || strings.Contains(body, "demo-p") {
				t.Fatalf("the public page of %s shows its source key", n.Title)
			}
		}
		if imported == 0 {
			t.Fatal("no imported need shows its source key to the platform admin")
		}
	})

	t.Run("a rate-limited code check stays on the merchant's counter", func(t *testing.T) {
		cashier := d.as(t, demoMerchant)
		_, _, h := cashier.get("/merchant")
		counter := h.Get("Location")
		if !strings.HasPrefix(counter, "/merchant/") {
			t.Fatalf("/merchant sends the cashier to %q", counter)
		}
		for i := 0; ; i++ {
			code, body, _ := cashier.get(counter + "/redeem?code=12345678")
			if code == http.StatusBadRequest {
				if i > 100 {
					t.Fatal("a hundred wrong codes and no limit")
				}
				continue
			}
			if code != http.StatusTooManyRequests {
				t.Fatalf("check %d: %d", i+1, code)
			}
			for _, want := range []string{"操作太频繁了，请", `id="code" name="code"`, `value="12345678"`} {
				if !strings.Contains(body, want) {
					t.Errorf("the counter after too many checks lacks %q", want)
				}
			}
			break
		}
	})

	t.Run("my account comes first on /me, for every role", func(t *testing.T) {
		browsers := map[string]*browser{"resident": d.resident(t)}
		for role, phone := range map[string]string{"admin": demoAdmin, "street": demoStreet, "community": demoCommunity,
			"org": demoOrgAdmin, "reviewer": demoReviewer, "merchant": demoMerchant, "foundation": "13800000008", "auditor": demoAuditor} {
			browsers[role] = d.as(t, phone)
		}
		below := 0
		for role, b := range browsers {
			body := page(t, b, "/me")
			h1 := strings.Index(body, "<h1>我的账号</h1>")
			if h1 < 0 {
				t.Fatalf("%s: no 我的账号 heading on /me", role)
			}
			for _, other := range []string{`id="my-actions"`, `class="recommended"`, "<h2>修改密码</h2>"} {
				if i := strings.Index(body, other); i >= 0 {
					below++
					if i < h1 {
						t.Errorf("%s: %s comes before 我的账号 on /me", role, other)
					}
				}
			}
		}
		if below == 0 {
			t.Fatal("no role's /me has anything but the account")
		}
	})

	t.Run("recommended needs name the words they share with the organization", func(t *testing.T) {
		body := page(t, d.as(t, demoOrgAdmin), "/me")
		i := strings.Index(body, `class="recommended"`)
		if i < 0 {
			t.Fatal("no recommended needs on the organization's /me")
		}
		recs := body[i:]
		if !strings.Contains(recs, "需求提到：") {
			t.Errorf("no recommended need says which words it shares with the organization:\n%s", recs[:min(len(recs), 3000)])
		}
	})

	t.Run("the audit log filters by action name", func(t *testing.T) {
		admin := d.as(t, demoAdmin)
		body := page(t, admin, "/admin/audit")
		form := body[strings.Index(body, `<form method="get" action="/admin/audit"`):]
		form = form[:strings.Index(form, "</form>")]
		if strings.Contains(form, `<input id="action"`) {
			t.Fatal("the action filter still wants a code typed")
		}
		if !strings.Contains(form, `<optgroup label="治理需求"><option value="need.`) ||
			!strings.Contains(form, `<option value="need.publish" >发布需求</option>`) {
			t.Fatal("the action filter does not offer the needs' actions by name")
		}
		for _, g := range regexp.MustCompile(`<optgroup label="([^"]*)">`).FindAllStringSubmatch(form, -1) {
			if regexp.MustCompile(`^[a-z_]+$`).MatchString(g[1]) {
				t.Errorf("the action filter's group %q is a code", g[1])
			}
		}
		body = page(t, admin, "/admin/audit?action=need.publish")
		if !strings.Contains(body, `<option value="need.publish" selected>发布需求</option>`) {
			t.Fatal("the chosen action is not kept selected")
		}
		rows := regexp.MustCompile(`<span class="mono small">([a-z_.]+)</span>`).FindAllStringSubmatch(body, -1)
		if len(rows) == 0 {
			t.Fatal("no need published in the demo's audit log")
		}
		for _, m := range rows {
			if m[1] != "need.publish" {
				t.Fatalf("filtered to 发布需求, the log lists %s", m[1])
			}
		}
	})
}
