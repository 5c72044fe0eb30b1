package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestPageQueriesBounded (issue 11): the busiest pages, searches included,
// run exactly as many SQL statements with three times the needs and
// organizations (no page queries per row or per hit), and at most 20 — the need page too, published,
// invited (its invitees' names in one statement however many) and
// completed (award, contract, reports and ratings), for a visitor and for
// staff: its sections share one read of the need, its panel, proposals and
// documents (store.ReadOnce). The count is the server's own metric,
// huitian_http_request_queries.
func TestPageQueriesBounded(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		as := func(phone string) context.Context { return f.as(t, phone) }
		var firstNeed, firstOrg, firstOrgKey, invited, completed string
		var orgs []string
		add := func(from, to int) {
			for i := from; i < to; i++ {
				o := &registry.Organization{Key: fmt.Sprintf("o%d", i), Name: fmt.Sprintf("龙锦苑第%d志愿服务队", i), StreetID: f.street.ID, CommunityID: f.community.ID,
					Domains: []string{"养老服务"}, Description: "为社区老人提供探访和助餐"}
				if err := s.CreateOrganization(storetest.Admin(), o); err != nil {
					t.Fatal(err)
				}
				orgs = append(orgs, o.ID)
				n := &procurement.Need{Title: fmt.Sprintf("独居老人探访服务第%d期", i), Description: "为社区独居老人定期上门探访。",
					CommunityID: f.community.ID, BudgetFen: 5_000_000, Procedure: procurement.Open, Deadline: s.Now().Add(96 * time.Hour),
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
				if firstNeed == "" {
					firstNeed, firstOrg, firstOrgKey = n.ID, o.ID, o.Key
				}
			}
			// An invited need naming every organization so far (its page
			// lists them by name).
			n := &procurement.Need{Title: "楼门议事邀请", Description: "邀请本街道的组织参与。", CommunityID: f.community.ID,
				BudgetFen: 5_000_000, Procedure: procurement.Invited, InvitedOrgIDs: append([]string(nil), orgs...),
				Deadline: s.Now().Add(96 * time.Hour), Criteria: []procurement.Criterion{{Name: "方案可行性", Weight: 100}}}
			if err := s.CreateNeed(as(f.commStaff), n, procurement.DefaultRules()); err != nil {
				t.Fatal(err)
			}
			if _, err := s.TransitionNeed(as(f.commStaff), n.ID, procurement.ActSubmit, "", procurement.DefaultRules()); err != nil {
				t.Fatal(err)
			}
			if _, err := s.TransitionNeed(as(f.staff), n.ID, procurement.ActPublish, "", procurement.DefaultRules()); err != nil {
				t.Fatal(err)
			}
			invited = n.ID
			// A completed project (imported) with its award, contract and rating.
			key := fmt.Sprintf("p%d", to)
			if _, err := s.ImportProjects(storetest.Admin(), []projectfile.ProjectRow{{Line: 1, Key: key, Title: "老年助餐送餐上门",
				Description: "为独居老人送餐上门，每周回访。", Street: f.street.Name, Community: f.community.Name, Org: firstOrgKey,
				BudgetFen: 3_000_000, DurationDays: 90, Rating: 4.6, Completed: time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)}}, false); err != nil {
				t.Fatal(err)
			}
			if completed == "" {
				ps, err := s.MatchProjects(storetest.Admin())
				if err != nil || len(ps) != 1 {
					t.Fatalf("projects: %d %v", len(ps), err)
				}
				completed = ps[0].ID
			}
		}
		anon, staff, admin := f.browser(t), f.browser(t), f.browser(t)
		staff.login(f.staff)
		admin.login(f.admin)
		type visit struct {
			b           *browser
			route, path string
			max         int
		}
		visits := func() []visit {
			return []visit{
				{anon, "GET /{$}", "/", 20},
				{anon, "GET /needs", "/needs", 20},
				{anon, "GET /needs/{id}", "/needs/" + firstNeed, 20},
				{anon, "GET /needs/{id}", "/needs/" + completed, 20},
				{anon, "GET /organizations", "/organizations", 20},
				// Searches read their hits in one statement, not one a hit.
				{anon, "GET /needs", "/needs?q=%E8%80%81%E4%BA%BA%E6%8E%A2%E8%AE%BF", 20},
				{anon, "GET /organizations", "/organizations?q=%E5%BF%97%E6%84%BF%E6%9C%8D%E5%8A%A1", 20},
				{anon, "GET /organizations/{id}", "/organizations/" + firstOrg, 20},
				{staff, "GET /needs/{id}", "/needs/" + firstNeed, 20},
				{staff, "GET /needs/{id}", "/needs/" + invited, 20},
				{staff, "GET /needs/{id}", "/needs/" + completed, 20},
				// Pages of city-scale lists (bench/README.md, "City scale, page by page").
				{anon, "GET /organizations", "/organizations?street=" + f.street.ID + "&page=2&per_page=5", 20},
				{anon, "GET /organizations", "/organizations?category=elderly", 20},
				{anon, "GET /activities", "/activities", 20},
				{anon, "GET /activities", "/activities?when=past", 20},
				{staff, "GET /admin/points/grant", "/admin/points/grant", 20},
				{admin, "GET /admin/users", "/admin/users", 20},
				{admin, "GET /admin/users", "/admin/users?q=13900000001", 20},
				{admin, "GET /admin/users", "/admin/users?q=%E7%8E%8B", 20},
				{admin, "GET /admin/users", "/admin/users?q=%E5%B0%8F%E6%98%8E&page=2", 20},
				{admin, "GET /admin/users", "/admin/users?role=auditor", 20},
				{admin, "GET /admin/users", "/admin/users?role=resident&q=%E6%98%8E", 20},
				{admin, "GET /admin/merchants", "/admin/merchants", 20},
				{admin, "GET /admin/merchants", "/admin/merchants?q=%E8%B6%85%E5%B8%82&page=2", 20},
				{admin, "GET /admin/streets", "/admin/streets", 20},
				{admin, "GET /admin/solutions", "/admin/solutions", 20},
			}
		}
		count := func(v visit) int {
			t.Helper()
			before := querySum(t, anon, v.route)
			if code, _, _ := v.b.get(v.path); code != 200 {
				t.Fatalf("GET %s: %d", v.path, code)
			}
			return int(querySum(t, anon, v.route) - before)
		}
		add(0, 4)
		var few []int
		for _, v := range visits() {
			few = append(few, count(v))
		}
		add(4, 12)
		for i, v := range visits() {
			n := count(v)
			if n != few[i] || n > v.max || n == 0 {
				t.Errorf("%s: %d statements with 4 needs and organizations, %d with 12 (at most %d, the same)", v.path, few[i], n, v.max)
			}
		}
	})
}

// querySum reads the server's total of SQL statements for route.
func querySum(t *testing.T, b *browser, route string) float64 {
	t.Helper()
	code, body, _ := b.get("/metrics")
	if code != 200 {
		t.Fatalf("metrics: %d", code)
	}
	re := regexp.MustCompile(`huitian_http_request_queries_sum\{route="` + regexp.QuoteMeta(route) + `"\} (\S+)`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return 0
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
