package web_test

// What a second walk through the demo, as each role on a phone and a
// desktop, found still wrong.

import (
	"regexp"
	"strings"
	"testing"
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
}
