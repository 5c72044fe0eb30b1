package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// attended signs the residents up to a fresh 3-hour activity, checks them
// in and out by list and confirms minutes each; it returns the activity and
// the signup ids in residents' order.
func (w *activityWorld) attended(t *testing.T, minutes ...int) (*activities.Activity, []string) {
	t.Helper()
	s := w.s
	a := w.activity(t, 10, activities.OpenToAnyone)
	var ids []string
	for i := range minutes {
		g, err := s.Signup(as(w.residents[i]), a.ID, w.c1)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, g.ID)
	}
	*w.clock = a.StartsAt.Add(5 * time.Minute)
	for _, id := range ids {
		if err := s.MarkByList(as(w.organizer), a.ID, id, store.StepCheckin); err != nil {
			t.Fatal(err)
		}
	}
	*w.clock = a.EndsAt
	conf := map[string]int{}
	for i, id := range ids {
		if err := s.MarkByList(as(w.organizer), a.ID, id, store.StepCheckout); err != nil {
			t.Fatal(err)
		}
		conf[id] = minutes[i]
	}
	if _, err := s.ConfirmHours(as(w.organizer), a.ID, conf); err != nil {
		t.Fatal(err)
	}
	return a, ids
}

// Corrected hours: during the notice the old award is cancelled and the new
// hours are noticed anew; after issue the posting is reversed and a new
// award made; spent points cannot be reversed; every change is audited.
func TestCorrectHours(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newActivityWorld(t, s, 2)
		admin := storetest.Admin()
		staff := &accounts.User{Phone: "13700000300", Name: "街道工作人员", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: w.streetID}}}
		if err := s.CreateUser(admin, staff); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveRule(admin, &points.Rule{Name: "志愿服务时长", Kind: points.PerHour, PointsPerHour: 10, Active: true}); err != nil {
			t.Fatal(err)
		}
		a, ids := w.attended(t, 180, 180)
		sys := accounts.WithActor(context.Background(), accounts.System())
		if n, err := s.AwardConfirmedAttendance(sys, 0); err != nil || n != 2 {
			t.Fatalf("awarded %d: %v", n, err)
		}
		for _, tc := range []struct {
			who     *accounts.User
			id      string
			minutes int
			reason  string
			want    string
		}{
			{w.otherStaff, ids[0], 120, "签退时间记错了", "forbidden"},
			{w.residents[0], ids[0], 120, "签退时间记错了", "forbidden"},
			{w.organizer, ids[0], 120, "记错", "field.too_short"},
			{w.organizer, ids[0], 180, "签退时间记错了", "activities.correct_same"},
			{w.organizer, ids[0], 200, "签退时间记错了", "activity.hours_range"},
			{w.organizer, "nope", 120, "签退时间记错了", "not_found"},
		} {
			_, err := s.CorrectHours(as(tc.who), a.ID, tc.id, tc.minutes, tc.reason)
			e := errs.As(err)
			if err == nil || (e.Key != tc.want && string(e.Code) != tc.want) {
				t.Errorf("%s correcting %d: %v", tc.who.Name, tc.minutes, err)
			}
		}
		// During the notice: the organizer corrects 3 h to 2 h.
		h, err := s.CorrectHours(as(w.organizer), a.ID, ids[0], 120, "居民提前一小时离开")
		if err != nil || h.FromMinutes != 180 || h.ToMinutes != 120 {
			t.Fatalf("correct: %+v %v", h, err)
		}
		if n, err := s.AwardConfirmedAttendance(sys, 0); err != nil || n != 1 {
			t.Fatalf("re-awarded %d: %v", n, err)
		}
		amounts := func(st points.AwardStatus) (sum int64) {
			list, err := s.FindAwards(context.Background(), store.AwardFilter{StreetID: w.streetID, Statuses: []points.AwardStatus{st}})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range list {
				sum += x.Amount
			}
			return sum
		}
		if c, n := amounts(points.AwardCancelled), amounts(points.AwardNoticed); c != 30 || n != 50 {
			t.Fatalf("cancelled %d, noticed %d", c, n)
		}
		*w.clock = w.clock.Add(points.DefaultNotice + time.Minute)
		if n, err := s.IssueDueAwards(sys); err != nil || n != 2 {
			t.Fatalf("issued %d: %v", n, err)
		}
		balance := func(u *accounts.User) int64 {
			acct, err := s.FindPointsAccount(admin, points.AccountID(points.Resident, u.ID))
			if err != nil {
				t.Fatal(err)
			}
			return acct.Balance
		}
		if b0, b1 := balance(w.residents[0]), balance(w.residents[1]); b0 != 20 || b1 != 30 {
			t.Fatalf("balances %d %d", b0, b1)
		}
		// After issue, the street's staff correct the second resident: the
		// 30 are reversed, 25 noticed anew and issued after the notice.
		if _, err := s.CorrectHours(as(staff), a.ID, ids[1], 150, "签到名单勾选有误"); err != nil {
			t.Fatal(err)
		}
		if b := balance(w.residents[1]); b != 0 {
			t.Fatalf("after the reversal: %d", b)
		}
		if n, err := s.AwardConfirmedAttendance(sys, 0); err != nil || n != 1 {
			t.Fatalf("re-awarded after issue %d: %v", n, err)
		}
		*w.clock = w.clock.Add(points.DefaultNotice + time.Minute)
		if n, err := s.IssueDueAwards(sys); err != nil || n != 1 {
			t.Fatalf("issued %d: %v", n, err)
		}
		if b := balance(w.residents[1]); b != 25 {
			t.Fatalf("after the new award: %d", b)
		}
		own, _ := s.ConfirmedAttendance(as(w.residents[1]), activities.AttendanceFilter{UserID: w.residents[1].ID})
		if len(own) != 1 || own[0].Minutes != 150 {
			t.Fatalf("hours after correction: %+v", own)
		}
		// Spent points cannot be taken back: refused, nothing changes.
		if _, err := s.PostPoints(admin, &points.Posting{Key: "spent", Kind: points.KindGrant,
			From: points.AccountID(points.Resident, w.residents[0].ID), To: points.AccountID(points.Pool, w.streetID),
			Amount: 15, Reason: "兑换"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CorrectHours(as(w.organizer), a.ID, ids[0], 60, "再次核对签到记录"); errs.As(err).Key != "activities.correct_spent" {
			t.Fatalf("reversed spent points: %v", err)
		}
		list, err := s.FindHoursCorrections(as(w.organizer), a.ID)
		if err != nil || len(list) != 2 || list[0].ByName != w.organizer.Name || list[1].Reason != "签到名单勾选有误" {
			t.Fatalf("corrections: %+v %v", list, err)
		}
		if _, err := s.FindHoursCorrections(as(w.residents[0]), a.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("a resident read the corrections: %v", err)
		}
		if m, _, err := s.VerifyPoints(context.Background()); err != nil || m != nil {
			t.Fatalf("ledger: %+v %v", m, err)
		}
		assertAudited(t, s, "activity.correct_hours", 2)
	})
}

// assertAudited checks that action was audited n times.
func assertAudited(t *testing.T, s *store.Store, action string, n int) {
	t.Helper()
	if _, got, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{Action: action}); err != nil || got != n {
		t.Fatalf("%s audited %d times, want %d: %v", action, got, n, err)
	}
}
