package store_test

import (
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// Whoever acts next on a grant hears of it, with a link to the application,
// and nobody else does.
func TestGrantNotifications(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newGrantFixture(t, s)
		other := &places.Street{Name: "霍营街道"}
		if err := s.CreateStreet(storetest.Admin(), other); err != nil {
			t.Fatal(err)
		}
		people := map[string]*accounts.User{}
		for i, p := range []struct {
			key   string
			role  accounts.Role
			scope string
		}{
			{"street", accounts.StreetStaff, f.streetID}, {"foundation", accounts.FoundationStaff, ""},
			{"admin1", accounts.OrgAdmin, f.org1.ID}, {"member1", accounts.OrgMember, f.org1.ID},
			{"admin2", accounts.OrgAdmin, f.org2.ID}, {"reviewer", accounts.Reviewer, ""},
			{"elsewhere", accounts.StreetStaff, other.ID},
		} {
			u := &accounts.User{Phone: "1370000200" + string(rune('0'+i)), Name: "通知" + p.key,
				Grants: []accounts.Grant{{Role: p.role, ScopeID: p.scope}}}
			if err := s.CreateUser(storetest.Admin(), u); err != nil {
				t.Fatal(err)
			}
			people[p.key] = u
		}
		// news returns key's unread notifications, newest first, marking
		// them read, and checks each leads to link (unless "").
		news := func(key, link string) []store.Notification {
			t.Helper()
			ctx := as(people[key])
			list, _, _, err := s.FindNotifications(ctx, 1, 50)
			if err != nil {
				t.Fatal(err)
			}
			var out []store.Notification
			for _, n := range list {
				if n.Unread() {
					if link != "" && n.Link != link {
						t.Errorf("%s: %s leads to %q, want %q", key, n.Kind, n.Link, link)
					}
					out = append(out, n)
				}
			}
			if err := s.MarkNotificationsRead(ctx, ""); err != nil {
				t.Fatal(err)
			}
			return out
		}
		expect := func(key, link string, kinds ...string) []store.Notification {
			t.Helper()
			got := news(key, link)
			if len(got) != len(kinds) {
				t.Fatalf("%s got %d notifications %+v, want %v", key, len(got), got, kinds)
			}
			for i, k := range kinds {
				if got[len(got)-1-i].Kind != k { // newest first
					t.Fatalf("%s got %+v, want %v", key, got, kinds)
				}
			}
			return got
		}
		// todos checks key's grant to-do list, each item as "kind application".
		todos := func(key string, want ...string) {
			t.Helper()
			list, err := s.FindGrantTodos(as(people[key]))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range list {
				got = append(got, x.Kind+" "+x.ApplicationID)
			}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("%s's to-do: %v, want %v", key, got, want)
			}
		}
		f.donate(t, "北京某科技有限公司", false, 30_000_000, "d1")
		r := f.round(t, 10_000_000)
		a1 := application(r.ID, f.org1.ID, 3_500_000)
		if err := s.CreateApplication(as(people["member1"]), a1); err != nil {
			t.Fatal(err)
		}
		a2 := application(r.ID, f.org2.ID, 2_100_000)
		if err := s.CreateApplication(as(people["admin2"]), a2); err != nil {
			t.Fatal(err)
		}
		link1, link2 := "/grants/applications/"+a1.ID, "/grants/applications/"+a2.ID
		todos("street", "todo_take_up "+a1.ID, "todo_take_up "+a2.ID)
		todos("reviewer", "todo_score "+a1.ID, "todo_score "+a2.ID)
		todos("foundation")
		todos("admin1")
		// The street's own round: its staff take it up, not the foundation.
		got := news("street", "")
		if len(got) != 2 || got[1].Kind != "grant_applied" || got[1].Link != link1 || got[1].Args[1] != f.org1.Name ||
			got[0].Link != link2 {
			t.Fatalf("street staff: %+v", got)
		}
		expect("foundation", "")
		for _, id := range []string{a1.ID, a2.ID} {
			if _, err := s.StepApplication(as(people["street"]), id, grants.ActReview, ""); err != nil {
				t.Fatal(err)
			}
		}
		if got := news("reviewer", ""); len(got) != 2 || got[0].Kind != "grant_review_requested" {
			t.Fatalf("reviewer: %+v", got)
		}
		if err := s.ReviewApplication(as(people["reviewer"]), &grants.Review{ApplicationID: a2.ID, Score: 70, Comment: "可行"}); err != nil {
			t.Fatal(err)
		}
		todos("reviewer", "todo_score "+a1.ID)
		todos("street", "todo_decide "+a1.ID, "todo_decide "+a2.ID)
		agr, err := s.AwardApplication(as(people["street"]), a1.ID, grants.Decision{Amount: 3_000_000, Reason: "评分第一"})
		if err != nil {
			t.Fatal(err)
		}
		if n := expect("admin1", link1, "grant_awarded"); n[0].Args[1] != grants.FormatFen(3_000_000) {
			t.Fatalf("award amount: %+v", n[0].Args)
		}
		if _, err := s.StepApplication(as(people["street"]), a2.ID, grants.ActDecline, "预算有限，得分较低"); err != nil {
			t.Fatal(err)
		}
		if n := expect("admin2", link2, "grant_declined"); n[0].Args[1] != "预算有限，得分较低" {
			t.Fatalf("decline reason: %+v", n[0].Args)
		}
		expect("admin1", "") // another organization's decline is not theirs
		todos("street")
		todos("reviewer")
		todos("member1", "todo_report "+a1.ID, "todo_report "+a1.ID) // both milestones, the first due first

		// A milestone reported, sent back with a reason, reported again, accepted, paid.
		t1 := agr.Tranches[0]
		step := func(who string, act grants.Action, text string) {
			t.Helper()
			if _, err := s.StepTranche(as(people[who]), t1.ID, act, text); err != nil {
				t.Fatal(err)
			}
		}
		step("member1", grants.ActReport, "议事会已成立")
		expect("street", link1, "grant_milestone_reported")
		todos("street", "todo_check "+a1.ID)
		todos("member1", "todo_report "+a1.ID)
		step("street", grants.ActReturn, "请补充会议签到表")
		if n := expect("admin1", link1, "grant_milestone_returned"); n[0].Args[2] != "请补充会议签到表" {
			t.Fatalf("return reason: %+v", n[0].Args)
		}
		if list, _ := s.FindGrantTodos(as(people["admin1"])); len(list) != 2 || list[0].Note != "请补充会议签到表" ||
			list[0].Detail != "议事会成立" || list[0].Due != "2026-12-20" {
			t.Fatalf("returned milestone to report again: %+v", list)
		}
		step("member1", grants.ActReport, "已补签到表")
		step("street", grants.ActAccept, "材料齐全")
		todos("street", "todo_pay "+a1.ID)
		if _, err := s.PayTranche(as(people["street"]), t1.ID, "k1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PayTranche(as(people["street"]), t1.ID, "k2"); err != nil { // pressed again: paid once, told once
			t.Fatal(err)
		}
		expect("street", link1, "grant_milestone_reported")
		if n := expect("admin1", link1, "grant_milestone_accepted", "grant_tranche_paid"); n[0].Args[2] != grants.FormatFen(t1.Amount) {
			t.Fatalf("paid amount: %+v", n[0].Args)
		}

		// An expense to approve, then refused with a reason.
		e := &grants.Expense{AgreementID: agr.ID, LineID: agr.Lines[0].ID, Description: "督导费（12 月）", Payee: "某督导机构",
			Amount: 100_000, SpentOn: "2026-11-19"}
		if err := s.CreateExpense(as(people["member1"]), e, receipt(), false); err != nil {
			t.Fatal(err)
		}
		expect("street", link1, "grant_expense_submitted")
		todos("street", "todo_approve "+a1.ID)
		todos("member1", "todo_report "+a1.ID)
		todos("elsewhere")

		if _, err := s.DecideExpense(as(people["street"]), e.ID, false, "发票抬头不对"); err != nil {
			t.Fatal(err)
		}
		if n := expect("admin1", link1, "grant_expense_rejected"); n[0].Args[3] != "发票抬头不对" {
			t.Fatalf("rejection note: %+v", n[0].Args)
		}
		if err := s.TerminateAgreement(as(people["street"]), agr.ID, "组织解散"); err != nil {
			t.Fatal(err)
		}
		expect("admin1", link1, "grant_terminated")
		expect("member1", "")  // the organization's admins answer for it
		expect("reviewer", "") // nothing after the review
		expect("foundation", "")
		expect("elsewhere", "")
	})
}
