package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

// checkCoordination: a year of joint meetings, items in every state with
// some overdue on the demo's today, the street login's items on its home
// page, and party-building records with histories, pairs and visits.
func checkCoordination(t *testing.T, s *store.Store, now time.Time) {
	t.Helper()
	admin, err := s.FindUserByPhone(context.Background(), "13800000001")
	if err != nil {
		t.Fatal(err)
	}
	ctx := accounts.WithActor(context.Background(), admin)
	ms, err := s.FindMeetings(ctx, store.MeetingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 5 {
		t.Fatalf("%d meetings", len(ms))
	}
	if span := ms[0].HeldAt.Sub(ms[len(ms)-1].HeldAt); span < 300*24*time.Hour {
		t.Errorf("meetings span %s, want about a year", span)
	}
	public, _ := s.FindMeetings(context.Background(), store.MeetingFilter{})
	if len(public) == 0 || len(public) == len(ms) {
		t.Errorf("%d public of %d meetings: want some, not all", len(public), len(ms))
	}
	items, err := s.FindActions(ctx, store.ActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	states, overdue := map[coordination.Status]int{}, 0
	for _, x := range items {
		states[x.Status]++
		if x.Overdue(now) {
			overdue++
		}
	}
	for _, st := range coordination.Statuses {
		if states[st] == 0 {
			t.Errorf("no item %s: %v", st, states)
		}
	}
	if overdue < 2 {
		t.Errorf("%d overdue items", overdue)
	}
	staff, err := s.FindUserByPhone(context.Background(), "13800000002")
	if err != nil {
		t.Fatal(err)
	}
	mine, err := s.FindActions(accounts.WithActor(context.Background(), staff), store.ActionFilter{Mine: true, LiveOnly: true})
	late := 0
	for _, x := range mine {
		if x.Overdue(now) {
			late++
		}
	}
	if err != nil || len(mine) == 0 || late == 0 {
		t.Errorf("the street login has %d live items, %d overdue: %v", len(mine), late, err)
	}
	full, err := s.FindActionByID(ctx, items[0].ID)
	if err != nil || len(full.Updates) == 0 {
		t.Errorf("item history: %v", err)
	}
	// Party building: some organization has a two-step form history, a pair with activities, visits.
	var orgs []*registry.Organization
	for page := 1; ; page++ {
		list, _, err := s.FindOrganizations(ctx, registry.Filter{Page: page, PerPage: registry.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			break
		}
		orgs = append(orgs, list...)
	}
	var histories, pairs, visits int
	for _, o := range orgs {
		rec, err := s.FindPartyRecord(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Forms) >= 2 {
			histories++
			if last := rec.Forms[len(rec.Forms)-1]; last.Form != o.PartyForm {
				t.Errorf("%s: history ends with %s, organization says %s", o.Name, last.Form, o.PartyForm)
			}
		}
		for _, p := range rec.Pairings {
			if len(p.Activities) > 0 {
				pairs++
			}
		}
		for _, in := range rec.Instructors {
			visits += len(in.Visits)
		}
	}
	t.Logf("coordination: %d meetings (%d public), items %v, %d overdue; %d histories, %d pairs, %d visits", len(ms), len(public), states, overdue, histories, pairs, visits)
	if histories < 3 || pairs < 8 || visits < 10 {
		t.Errorf("party building: %d histories, %d pairs with activities, %d visits", histories, pairs, visits)
	}
}
