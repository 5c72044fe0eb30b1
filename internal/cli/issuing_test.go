package cli

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// The issuing round, ticked by hand: the day before, the signed-up resident
// is texted once; confirmed hours go on notice, and are posted when the
// notice has ended, once, however often the round runs.
func TestIssuingRound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		// 08:30 Beijing on 1 June: too early to text anyone.
		clock := time.Date(2025, 6, 1, 0, 30, 0, 0, time.UTC)
		s.Now = func() time.Time { return clock }
		ctx := storetest.Admin()
		st := &places.Street{Name: "回龙观街道"}
		if err := s.CreateStreet(ctx, st); err != nil {
			t.Fatal(err)
		}
		cm := &places.Community{StreetID: st.ID, Name: "龙锦苑二区社区"}
		if err := s.CreateCommunity(ctx, cm); err != nil {
			t.Fatal(err)
		}
		o := &registry.Organization{Name: "回龙观绿植认养志愿服务队", Registration: registry.Filed, StreetID: st.ID,
			CommunityID: cm.ID, PartyForm: registry.PartyNone, Kind: registry.KindTeam}
		if err := s.CreateOrganization(ctx, o); err != nil {
			t.Fatal(err)
		}
		organizer := &accounts.User{Phone: "13700000100", Name: "组织者", Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: o.ID}}}
		resident := &accounts.User{Phone: "13700000200", Name: "王秀兰", Grants: []accounts.Grant{{Role: accounts.Resident}}}
		for _, u := range []*accounts.User{organizer, resident} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SaveRule(ctx, &points.Rule{Name: "志愿服务时长", Kind: points.PerHour, PointsPerHour: 10, Active: true}); err != nil {
			t.Fatal(err)
		}
		// Starts 10:00 Beijing on 2 June, three hours.
		a := &activities.Activity{Title: "龙锦苑中心花园绿植认养", Type: "greening", OrgID: o.ID, StreetID: st.ID, CommunityID: cm.ID,
			Address: "龙锦苑二区中心花园", StartsAt: time.Date(2025, 6, 2, 2, 0, 0, 0, time.UTC),
			EndsAt: time.Date(2025, 6, 2, 5, 0, 0, 0, time.UTC), Capacity: 10, Eligibility: activities.OpenToAnyone,
			PointsRule: "volunteer_hour", Status: activities.Published}
		as := func(u *accounts.User) context.Context { return accounts.WithActor(context.Background(), u) }
		if err := s.CreateActivity(as(organizer), a); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Signup(as(resident), a.ID, cm.ID); err != nil {
			t.Fatal(err)
		}

		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		ticks := make(chan time.Time)
		rounds := make(chan issueCounts)
		jobCtx, stop := context.WithCancel(context.Background())
		ended := make(chan struct{})
		go func() {
			runIssuing(jobCtx, s, log, ticks, func(n issueCounts) { rounds <- n })
			close(ended)
		}()
		tick := func(at time.Time) issueCounts {
			clock = at
			ticks <- at
			return <-rounds
		}
		if n := <-rounds; n != (issueCounts{}) {
			t.Fatalf("first round at 08:30: %+v", n)
		}
		if n := tick(time.Date(2025, 6, 1, 1, 0, 0, 0, time.UTC)); n.Reminders != 1 {
			t.Fatalf("09:00 the day before: %+v", n)
		}
		if n := tick(time.Date(2025, 6, 1, 1, 1, 0, 0, time.UTC)); n.Reminders != 0 {
			t.Fatalf("reminded twice: %+v", n)
		}
		cat, _ := i18n.Load()
		inbox := sms.NewInbox(10)
		if sent, err := sendPending(context.Background(), s, inbox, cat, log); err != nil || sent != 1 {
			t.Fatalf("sent %d reminders", sent)
		}
		if text := inbox.Last(resident.Phone); !strings.Contains(text, a.Title) || !strings.Contains(text, "6月2日 10:00") {
			t.Fatalf("reminder: %q", text)
		}

		// At the venue, checked in and out from the list, 3 hours confirmed.
		clock = a.StartsAt.Add(10 * time.Minute)
		g, err := s.FindMySignup(as(resident), a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.MarkByList(as(organizer), a.ID, g.ID, store.StepCheckin); err != nil {
			t.Fatal(err)
		}
		clock = a.EndsAt
		if err := s.MarkByList(as(organizer), a.ID, g.ID, store.StepCheckout); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ConfirmHours(as(organizer), a.ID, map[string]int{g.ID: 180}); err != nil {
			t.Fatal(err)
		}
		if n := tick(a.EndsAt.Add(time.Minute)); n.Awarded != 1 || n.Issued != 0 {
			t.Fatalf("after confirmation: %+v", n)
		}
		acct := points.AccountID(points.Resident, resident.ID)
		balance := func() int64 {
			b, err := s.FindPointsAccount(storetest.Admin(), acct)
			if err != nil {
				t.Fatal(err)
			}
			return b.Balance
		}
		if n := tick(a.EndsAt.Add(points.DefaultNotice - time.Minute)); n.Issued != 0 || balance() != 0 {
			t.Fatalf("issued during the notice: %+v", n)
		}
		if n := tick(a.EndsAt.Add(points.DefaultNotice + 2*time.Minute)); n.Issued != 1 || balance() != 30 {
			t.Fatalf("after the notice: %+v, balance %d", n, balance())
		}
		if n := tick(a.EndsAt.Add(points.DefaultNotice + 3*time.Minute)); n != (issueCounts{}) || balance() != 30 {
			t.Fatalf("issued twice: %+v", n)
		}
		stop()
		<-ended // the job ends with its context
	})
}
