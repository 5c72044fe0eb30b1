package web_test

// The demo as its users meet it: pages over the demo data, signed in as the
// demo logins, show words instead of codes, offer only the links their
// reader may follow, and keep a mistyped form on its form.

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// The demo's logins (huitian demo prints them).
const (
	demoAdmin     = "13800000001"
	demoStreet    = "13800000002"
	demoCommunity = "13800000003"
	demoOrgAdmin  = "13800000004"
	demoReviewer  = "13800000006"
	demoMerchant  = "13800000007"
	demoAuditor   = "13800000009"
)

type demoSite struct {
	s   *store.Store
	url string
}

func newDemoSite(t *testing.T) *demoSite {
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
	return &demoSite{s: s, url: srv.URL}
}

// as is a browser signed in with a demo staff login.
func (d *demoSite) as(t *testing.T, phone string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, url: d.url, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	if code, body, _ := b.post("/login/password", url.Values{"phone": {phone}, "password": {demo.Password}}); code != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d %s", phone, code, body)
	}
	return b
}

// page gets path, failing unless it answers 200.
func page(t *testing.T, b *browser, path string) string {
	t.Helper()
	code, body, _ := b.get(path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, code)
	}
	return body
}

var rawKey = regexp.MustCompile(`>\s*(audit\.action\.[a-z_.]+|kind\.[a-z_]+)\s*<`)

func TestDemoAsItsUsersMeetIt(t *testing.T) {
	d := newDemoSite(t)
	admin := d.as(t, demoAdmin)

	t.Run("the dashboard's organizations and teams add up to the register, durations in days", func(t *testing.T) {
		hlg, err := d.s.FindStreetByName(context.Background(), "回龙观街道")
		if err != nil {
			t.Fatal(err)
		}
		for _, street := range []string{"", hlg.ID} {
			body := page(t, admin, "/dashboard?street="+street)
			orgs, _ := strconv.Atoi(cellByID(t, body, "dash-organizations"))
			teams, _ := strconv.Atoi(cellByID(t, body, "dash-teams"))
			_, register, err := d.s.FindOrganizations(context.Background(), registry.Filter{StreetID: street, PerPage: 1})
			if err != nil {
				t.Fatal(err)
			}
			if orgs+teams != register || teams == 0 || !strings.Contains(body, "社会组织（家，不含志愿服务队）") {
				t.Errorf("street %q: the dashboard says %d organizations and %d teams, the register %d", street, orgs, teams, register)
			}
			if m := cellByID(t, body, "dash-median"); !regexp.MustCompile(`^\d+\.\d 天$`).MatchString(m) {
				t.Errorf("street %q: median time to contract %q, want days with one decimal", street, m)
			}
		}
		body := page(t, admin, "/dashboard")
		if strings.Contains(body, "中位数（小时）") || !strings.Contains(body, "各街道签约用时中位数（天）") ||
			!regexp.MustCompile(`<td class="num">\d+\.\d 天</td>`).MatchString(body) {
			t.Error("the dashboard shows medians to contract in hours")
		}
	})

	t.Run("the audit log names actions and objects in words", func(t *testing.T) {
		body := page(t, admin, "/admin/audit")
		if m := rawKey.FindStringSubmatch(body); m != nil {
			t.Fatalf("the audit log shows the message key %q", m[1])
		}
		if strings.Contains(body, "<td>system</td>") {
			t.Fatal(`the audit log calls the platform "system"`)
		}
		if sealed := page(t, admin, "/admin/audit?action=proposal.submit"); strings.Contains(sealed, audit.SealedBidder) ||
			!strings.Contains(sealed, "投标机构（截止前不显示名称）") {
			t.Fatal("the audit log does not name sealed bidders in words")
		}
		if !strings.Contains(body, "积分奖励公示") {
			t.Fatal("the demo's award notices are not named")
		}
		// The object filter offers the kinds the log holds, by name.
		body = page(t, admin, "/admin/audit?kind=award")
		if !strings.Contains(body, `<option value="award" selected>积分奖励</option>`) || !strings.Contains(body, "积分奖励公示") {
			t.Fatal("the audit log cannot be filtered to points awards from its form")
		}
	})

	t.Run("recommended needs mark those already answered", func(t *testing.T) {
		org := d.as(t, demoOrgAdmin)
		u, err := d.s.FindUserByPhone(context.Background(), demoOrgAdmin)
		if err != nil {
			t.Fatal(err)
		}
		own, err := d.s.FindOwnProposals(accounts.WithActor(context.Background(), u))
		if err != nil {
			t.Fatal(err)
		}
		body := page(t, org, "/me")
		marked := 0
		for _, item := range strings.Split(body, `<li class="card rec-need">`)[1:] {
			id := regexp.MustCompile(`href="/needs/([^"]+)"`).FindStringSubmatch(item)[1]
			answered := slices.ContainsFunc(own, func(p store.OwnProposal) bool {
				return p.Proposal.NeedID == id && p.Proposal.Status != procurement.ProposalWithdrawn
			})
			if answered != strings.Contains(item, "已提交方案") {
				t.Errorf("need %s: answered %v, marked %v", id, answered, !answered)
			}
			if answered {
				marked++
			}
		}
		if marked == 0 {
			t.Error("the demo's organization has answered none of its recommended needs: nothing tested")
		}
	})

	t.Run("points rules name the activity type", func(t *testing.T) {
		for _, path := range []string{"/points/notice", "/admin/points/rules"} {
			body := page(t, admin, path)
			if strings.Contains(body, "：greening") {
				t.Fatalf("%s shows the activity type's code", path)
			}
			if !strings.Contains(body, "（活动类型：绿植认养）") {
				t.Fatalf("%s does not name the greening rule's activity type", path)
			}
		}
		if body := page(t, admin, "/admin/points/rules"); !strings.Contains(body, `<option value="greening" >绿植认养</option>`) {
			t.Fatal("the rule form does not offer the activity types by name")
		}
	})

	t.Run("an activity with points says so in words", func(t *testing.T) {
		anon := &browser{t: t, url: d.url, c: http.DefaultClient}
		earns, greens := 0, 0
		for _, m := range regexp.MustCompile(`href="(/activities/[0-9a-f-]{36})"`).FindAllStringSubmatch(page(t, anon, "/activities"), -1) {
			body := page(t, anon, m[1])
			if c := regexp.MustCompile(`<code>[a-z_]+</code>`).FindString(body); c != "" {
				t.Fatalf("%s shows the points rule's code %s", m[1], c)
			}
			if strings.Contains(body, `id="activity-points"`) {
				earns++
				// The rules the points scheme applies to its type, for
				// residents: the hours everywhere, 绿地认养 for greening
				// only, never the organization's own bonus.
				greening := strings.Contains(body, ">绿植认养<")
				if greening {
					greens++
				}
				if !strings.Contains(body, "志愿服务时长") || strings.Contains(body, "绿地认养") != greening ||
					strings.Contains(body, "组织活动丰富度") {
					t.Fatalf("%s names the wrong points rules (greening %v)", m[1], greening)
				}
			}
		}
		if earns == 0 || greens == 0 {
			t.Fatalf("activities of the demo that say they earn points: %d, greening among them %d", earns, greens)
		}
		// One the organizer has not closed yet is over all the same: not
		// "taking sign-ups" in the past list.
		past := page(t, anon, "/activities?when=past")
		if !strings.Contains(past, "文化广场合唱排练志愿服务") {
			t.Fatal("the demo's ended, still published activity is not in the past list")
		}
		if strings.Contains(past, ">报名中<") {
			t.Fatal("the past activities say 报名中")
		}
	})

	t.Run("a need adopted from a solution says so in words", func(t *testing.T) {
		needs, _, err := d.s.FindNeeds(storetest.Admin(), procurement.Filter{Query: "老楼加装电梯协商陪伴", PerPage: procurement.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		var id string
		for _, n := range needs {
			if n.Title == "龙锦苑二区老楼加装电梯协商陪伴" {
				id = n.ID
			}
		}
		if id == "" {
			t.Fatal("no adopted need in the demo")
		}
		body := page(t, &browser{t: t, url: d.url, c: http.DefaultClient}, "/needs/"+id)
		if strings.Contains(body, "adopt:") {
			t.Fatal("the public timeline shows the note's code adopt:<id>")
		}
		if !strings.Contains(body, "由同款方案一键采用生成") {
			t.Fatal("the timeline does not say the draft came from a solution")
		}
	})

	t.Run("links are offered only to those who may follow them", func(t *testing.T) {
		for _, c := range []struct {
			phone, path, link string
			want              bool
		}{
			{demoCommunity, "/community/inbox", `href="/community/assist?`, true},
			{demoStreet, "/community/inbox", `href="/community/assist?`, false},
			{demoCommunity, "/me/needs", `href="/needs/new"`, true},
			{demoReviewer, "/me/needs", `href="/needs/new"`, false},
			{demoAdmin, "/needs", `href="/needs/new"`, true}, // the form lets a platform admin draft for any community
			{demoAuditor, "/needs", `href="/needs/new"`, false},
			{demoAdmin, "/admin/points", `href="/admin/points/grant"`, true},
			{demoAuditor, "/admin/points", `href="/admin/points/grant"`, false},
		} {
			b := d.as(t, c.phone)
			body := page(t, b, c.path)
			if got := strings.Contains(body, c.link); got != c.want {
				t.Errorf("%s on %s: link %s shown %v, want %v", c.phone, c.path, c.link, got, c.want)
			}
			if c.want {
				target := regexp.MustCompile(`href="([^"]*)"`).FindStringSubmatch(body[strings.Index(body, c.link):])[1]
				if code, _, _ := b.get(strings.ReplaceAll(target, "&amp;", "&")); code != http.StatusOK {
					t.Errorf("%s: %s answers %d", c.phone, target, code)
				}
			}
		}
		// The street's attendance flags link each check-in's activity: its
		// sheet when the reader may open it, its public page otherwise.
		street := d.as(t, demoStreet)
		sheets := regexp.MustCompile(`href="(/activities/[0-9a-f-]+(/attendance)?)"`).FindAllStringSubmatch(page(t, street, "/admin/activity-flags"), -1)
		if len(sheets) == 0 {
			t.Fatal("no attendance flags for the street in the demo")
		}
		for _, m := range sheets {
			if code, _, _ := street.get(m[1]); code != http.StatusOK {
				t.Errorf("/admin/activity-flags links %s, which answers %d", m[1], code)
			}
		}
		// An action item's page names its meeting; a link only when the
		// reader may open the meeting (the community's staff may not open
		// an unpublished one).
		community := d.as(t, demoCommunity)
		actions := regexp.MustCompile(`href="(/actions/[0-9a-f-]+)"`).FindAllStringSubmatch(page(t, community, "/me"), -1)
		if len(actions) == 0 {
			t.Fatal("the community's staff have no action items in the demo")
		}
		for _, a := range actions {
			for _, m := range regexp.MustCompile(`href="(/meetings/[0-9a-f-]+)"`).FindAllStringSubmatch(page(t, community, a[1]), -1) {
				if code, _, _ := community.get(m[1]); code != http.StatusOK {
					t.Errorf("%s links %s, which answers %d", a[1], m[1], code)
				}
			}
		}
	})

	t.Run("an empty proposal counts the fields it marks", func(t *testing.T) {
		org := d.as(t, demoOrgAdmin)
		needs, _, err := d.s.FindNeeds(storetest.Admin(), procurement.Filter{Statuses: []procurement.Status{procurement.Published}, PerPage: 1})
		if err != nil || len(needs) == 0 {
			t.Fatalf("no published need: %v", err)
		}
		body := page(t, org, "/needs/"+needs[0].ID)
		orgID := regexp.MustCompile(`name="org_id" value="([^"]+)"`).FindStringSubmatch(body)
		if orgID == nil {
			t.Fatal("no proposal form for the organization")
		}
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range map[string]string{"csrf_token": org.csrf(), "org_id": orgID[1], "idempotency_key": "review-empty"} {
			mw.WriteField(k, v)
		}
		mw.Close()
		req, _ := http.NewRequest("POST", d.url+"/needs/"+needs[0].ID+"/proposals", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		code, body, _ := org.do(req)
		if code != http.StatusBadRequest {
			t.Fatalf("empty proposal: %d", code)
		}
		marked := strings.Count(body, `class="field has-error"`)
		if marked == 0 || !strings.Contains(body, "有 "+string(rune('0'+marked))+" 处需要修改") {
			t.Fatalf("%d fields marked, the summary says: %s", marked, regexp.MustCompile(`有 \d+ 处需要修改`).FindString(body))
		}
	})

	t.Run("a wrong code stays on the merchant's counter", func(t *testing.T) {
		cashier := d.as(t, demoMerchant)
		_, _, h := cashier.get("/merchant") // the login's counter
		counter := h.Get("Location")
		if !strings.HasPrefix(counter, "/merchant/") {
			t.Fatalf("/merchant sends the cashier to %q", counter)
		}
		code, body, _ := cashier.get(counter + "/redeem?code=12345678")
		if code != http.StatusBadRequest {
			t.Fatalf("a wrong code: %d, want 400 on the counter", code)
		}
		for _, want := range []string{"兑换码不正确", `id="code" name="code"`, `value="12345678"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the counter after a wrong code lacks %q", want)
			}
		}
	})
}

// cellByID is the text of the element with the id on a page.
func cellByID(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`">`)
	if i < 0 {
		t.Fatalf("no #%s on the page", id)
	}
	rest := body[i+len(`id="`+id+`">`):]
	return rest[:strings.Index(rest, "<")]
}
