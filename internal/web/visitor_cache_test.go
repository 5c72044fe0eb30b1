package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestVisitorCache (issue 11): visitors without a session share one copy of
// the need board and of a need page for a second, each with their own form
// token in it; a committed change shows at once; signed-in people never get
// the visitors' copy.
func TestVisitorCache(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		as := func(phone string) context.Context { return f.as(t, phone) }
		publish := func(title string) *procurement.Need {
			n := &procurement.Need{Title: title, Description: "楼道里堆满杂物，影响消防通道，需要专业力量协助清理。",
				CommunityID: f.community.ID, BudgetFen: 2_000_000, Procedure: procurement.Open, Deadline: s.Now().Add(96 * time.Hour),
				Criteria: []procurement.Criterion{{Name: "方案可行性", Weight: 100}}}
			if err := s.CreateNeed(as(f.commStaff), n, procurement.DefaultRules()); err != nil {
				t.Fatal(err)
			}
			if _, err := s.TransitionNeed(as(f.commStaff), n.ID, procurement.ActSubmit, "", procurement.DefaultRules()); err != nil {
				t.Fatal(err)
			}
			if _, err := s.TransitionNeed(as(f.staff), n.ID, procurement.ActPublish, "", procurement.DefaultRules()); err != nil {
				t.Fatal(err)
			}
			return n
		}
		first := publish("楼道堆物清理第一期")
		v1, v2 := f.browser(t), f.browser(t)
		token := regexp.MustCompile(`name="csrf_token" value="([0-9a-f]+)"`)
		for _, path := range []string{"/needs", "/needs/" + first.ID} {
			route := "GET " + path
			if path != "/needs" {
				route = "GET /needs/{id}"
			}
			if code, body, _ := v1.get(path); code != 200 || !strings.Contains(body, first.Title) {
				t.Fatalf("%s: %d", path, code)
			}
			before := querySum(t, v1, route)
			code, body, _ := v2.get(path)
			if after := querySum(t, v1, route); code != 200 || after != before {
				t.Fatalf("%s: the second visitor's page ran %v statements", path, after-before)
			}
			// The copy carries the second visitor's own token, not the first's.
			m := token.FindStringSubmatch(body)
			if m == nil || m[1] != v2.csrf() || v1.csrf() == v2.csrf() {
				t.Fatalf("%s: the token in the copy is %v, the visitor's is %s", path, m, v2.csrf())
			}
		}
		// The token works: the language switch on the copy.
		if code, _, _ := v2.post("/lang", url.Values{"lang": {"en"}, "next": {"/needs"}}); code != 303 {
			t.Fatalf("language switch from a copy: %d", code)
		}
		if _, body, _ := v2.get("/needs"); !strings.Contains(body, "Governance needs") {
			t.Fatal("the English board is not its own copy")
		}
		// A need published now is on the next visitor's board at once.
		second := publish("垃圾分类督导第二期")
		if _, body, _ := v1.get("/needs"); !strings.Contains(body, second.Title) {
			t.Fatal("a committed change is not on the visitors' board")
		}
		// Staff see their own page (with the button to publish a need);
		// the visitors' copy never has it, before or after.
		staff := f.browser(t)
		staff.login(f.commStaff)
		if _, body, _ := staff.get("/needs"); !strings.Contains(body, `href="/needs/new"`) {
			t.Fatal("staff got a visitor's board")
		}
		if _, body, _ := v1.get("/needs"); strings.Contains(body, `href="/needs/new"`) || strings.Contains(body, "社区干部") {
			t.Fatal("a visitor got the staff's board")
		}
	})
}
