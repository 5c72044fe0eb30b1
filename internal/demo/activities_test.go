package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// checkActivities looks at the demo's volunteer activities: every state
// there, a waiting list, one running now with people checked in, 张桂兰's
// confirmed history, and a flag for staff.
func checkActivities(t *testing.T, s *store.Store, now time.Time, reported int) {
	t.Helper()
	ctx := context.Background()
	all, n, err := s.FindActivities(ctx, activities.Filter{PerPage: 100})
	if err != nil || n != reported || n < 10 {
		t.Fatalf("public activities: %d (reported %d) %v", n, reported, err)
	}
	if _, c, _ := s.FindActivities(ctx, activities.Filter{Status: activities.Cancelled}); c != 1 {
		t.Errorf("%d cancelled activities", c)
	}
	streets := map[string]bool{}
	var running *activities.Activity
	waiting, finished, teams := 0, 0, 0
	for _, a := range all {
		streets[a.StreetID] = true
		if a.OrgIsTeam {
			teams++
		}
		waiting += a.Waiting
		if a.Status == activities.Finished {
			finished++
		}
		if a.CodeOpen(now) && !now.Before(a.StartsAt) && now.Before(a.EndsAt) {
			running = a
		}
	}
	if len(streets) < 6 || waiting < 2 || finished < 4 || teams < 1 {
		t.Errorf("streets %d, waiting %d, finished %d, by volunteer teams %d", len(streets), waiting, finished, teams)
	}
	if running == nil || running.Signed < 4 || running.Capacity <= running.Signed {
		t.Fatalf("no activity running now with free places: %+v", running)
	}
	list, err := s.FindSignups(storetest.Admin(), running.ID)
	if err != nil {
		t.Fatal(err)
	}
	in := 0
	for _, g := range list {
		if g.CheckedIn() && g.CheckinMethod == activities.ByCode {
			in++
		}
	}
	if in < 4 {
		t.Errorf("%d checked in at the running activity", in)
	}
	zhang, err := s.FindUserByPhone(ctx, "13800000010")
	if err != nil {
		t.Fatal(err)
	}
	hours, err := s.ConfirmedAttendance(accounts.WithActor(ctx, zhang), activities.AttendanceFilter{UserID: zhang.ID})
	if err != nil {
		t.Fatal(err)
	}
	mins := 0
	for _, h := range hours {
		mins += h.Minutes
	}
	if len(hours) != 3 || mins != 450 {
		t.Errorf("张桂兰: %d confirmed activities, %d minutes", len(hours), mins)
	}
	gs, _, err := s.MySignups(accounts.WithActor(ctx, zhang))
	if err != nil {
		t.Fatal(err)
	}
	states := map[activities.SignupStatus]int{}
	pending := 0
	for _, g := range gs {
		states[g.Status]++
		if g.CheckedOut() && !g.Confirmed {
			pending++
		}
	}
	if states[activities.Waiting] != 1 || pending != 1 {
		t.Errorf("张桂兰's signups: %v, %d waiting for confirmation", states, pending)
	}
	flags, err := s.FindActivityFlags(storetest.Admin(), "")
	if err != nil || len(flags) == 0 {
		t.Errorf("no flags for staff: %v", err)
	}
	all2, err := s.ConfirmedAttendance(storetest.Admin(), activities.AttendanceFilter{})
	if err != nil || len(all2) < 15 {
		t.Errorf("confirmed attendance for the points side: %d %v", len(all2), err)
	}
}
