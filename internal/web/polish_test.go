package web_test

// What a second walk through the demo, as each role on a phone and a
// desktop, found still wrong.

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestDemoPolish(t *testing.T) {
	d := newDemoSite(t)

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
}
