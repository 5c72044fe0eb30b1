package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestAwardsNoticeAndIssue: rules as data, an attendance computed into
// awards on public notice (masked), an objection holds one, the rest are
// issued after the notice, citing their rule, once.
func TestAwardsNoticeAndIssue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		ctx := context.Background()
		staff := &accounts.User{ID: "staff", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
		hourly := &points.Rule{Name: "志愿服务时长", Kind: points.PerHour, PointsPerHour: 10, DailyCap: 40, Active: true}
		if err := s.SaveRule(as(staff), hourly); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("street staff edit rules: %v", err)
		}
		if err := s.SaveRule(storetest.Admin(), &points.Rule{Name: "坏规则", Kind: points.PerHour}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("bad rule: %v", err)
		}
		bonus := &points.Rule{Name: "组织活动丰富度", Kind: points.Richness, Points: 30, Threshold: 2, Active: true}
		for _, r := range []*points.Rule{hourly, bonus} {
			if err := s.SaveRule(storetest.Admin(), r); err != nil {
				t.Fatal(err)
			}
		}
		day := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
		clock := day
		s.Now = func() time.Time { return clock }
		att := points.Attendance{Key: "att-1", ResidentID: "u1", ResidentName: "张桂兰", ActivityType: "greening", Minutes: 180,
			Date: day, OrgID: "o1", OrgName: "绿地认养队", StreetID: st.ID}
		other := &accounts.User{ID: "x", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: "elsewhere"}}}
		if _, err := s.AwardAttendance(as(other), att, 0); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other street: %v", err)
		}
		aw, err := s.AwardAttendance(as(staff), att, 0)
		if err != nil || len(aw) != 1 || aw[0].Amount != 30 || aw[0].RecipientName != "张**" || aw[0].Status != points.AwardNoticed {
			t.Fatalf("award: %+v %v", aw, err)
		}
		again, err := s.AwardAttendance(as(staff), att, 0)
		if err != nil || len(again) != 1 || again[0].ID != aw[0].ID {
			t.Fatalf("same attendance again: %+v %v", again, err)
		}
		// A second activity type the same day: the hourly cap leaves 10; the
		// organization's second type earns its richness bonus.
		att2 := att
		att2.Key, att2.ActivityType, att2.Minutes = "att-2", "digital", 120
		aw2, err := s.AwardAttendance(as(staff), att2, 0)
		if err != nil || len(aw2) != 2 || aw2[0].Amount != 10 || aw2[1].Recipient != "organization:o1" || aw2[1].RecipientName != "绿地认养队" {
			t.Fatalf("second: %+v %v", aw2, err)
		}
		// Anyone signed in may object during the notice; that holds the award.
		resident := &accounts.User{ID: "u9", Grants: []accounts.Grant{{Role: accounts.Resident}}}
		if _, err := s.ObjectAward(context.Background(), aw2[1].ID, "该组织当天没有开展活动"); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("anonymous objection: %v", err)
		}
		if _, err := s.ObjectAward(as(resident), aw2[1].ID, "短"); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("short objection: %v", err)
		}
		if held, err := s.ObjectAward(as(resident), aw2[1].ID, "该组织当天没有开展数字助老活动"); err != nil || held.Status != points.AwardHeld {
			t.Fatalf("object: %+v %v", held, err)
		}
		// Nothing is issued during the notice.
		if n, err := s.IssueDueAwards(as(staff)); err != nil || n != 0 {
			t.Fatalf("during notice: %d %v", n, err)
		}
		clock = day.Add(points.DefaultNotice)
		if _, err := s.ObjectAward(as(resident), aw[0].ID, "公示已经结束了才提"); errs.As(err).Key != "points.notice_over" {
			t.Fatalf("late objection: %v", err)
		}
		if n, err := s.IssueDueAwards(as(other)); err != nil || n != 0 {
			t.Fatalf("another street's staff issue: %d %v", n, err)
		}
		if n, err := s.IssueDueAwards(as(staff)); err != nil || n != 2 {
			t.Fatalf("issue: %d %v", n, err)
		}
		if n, err := s.IssueDueAwards(as(staff)); err != nil || n != 0 {
			t.Fatalf("issue twice: %d %v", n, err)
		}
		a, _ := s.FindPointsAccount(storetest.Admin(), points.AccountID(points.Resident, "u1"))
		if a.Balance != 40 {
			t.Fatalf("resident balance %d", a.Balance)
		}
		entries, _ := s.FindPointsEntries(ctx, a.ID, 10)
		for _, e := range entries {
			if e.Kind != points.KindAward || e.RuleID != hourly.ID {
				t.Fatalf("posting does not cite its rule: %+v", e)
			}
		}
		// The held award: staff uphold the objection, it is cancelled and never issued.
		if _, err := s.DecideAward(as(resident), aw2[1].ID, true, ""); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("resident decides: %v", err)
		}
		if c, err := s.DecideAward(as(staff), aw2[1].ID, true, "核实当天未开展"); err != nil || c.Status != points.AwardCancelled {
			t.Fatalf("uphold: %+v %v", c, err)
		}
		if n, _ := s.IssueDueAwards(as(staff)); n != 0 {
			t.Fatal("a cancelled award issued")
		}
		list, err := s.FindAwards(ctx, store.AwardFilter{Statuses: []points.AwardStatus{points.AwardIssued}})
		if err != nil || len(list) != 2 {
			t.Fatalf("issued list %d %v", len(list), err)
		}
		if m, _, err := s.VerifyPoints(ctx); m != nil || err != nil {
			t.Fatalf("verify %+v %v", m, err)
		}
	})
}

// TestExpiry: points earned in 2025 and unspent by the end of 2026 expire
// (spending uses the oldest first); later points stay.
func TestExpiry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		ctx := context.Background()
		pool := points.AccountID(points.Pool, st.ID)
		res := points.AccountID(points.Resident, "u1")
		at := func(y int, m time.Month, d int) {
			s.Now = func() time.Time { return time.Date(y, m, d, 4, 0, 0, 0, time.UTC) }
		}
		at(2025, 3, 1)
		grant(t, s, pool, res, 100, "e1")
		at(2026, 2, 1)
		grant(t, s, pool, res, 50, "e2")
		at(2026, 5, 1)
		if _, err := s.PostPoints(storetest.Admin(), &points.Posting{Key: "spend", Kind: points.KindTransfer, From: res,
			To: points.AccountID(points.MerchantAcct, "m"), Amount: 70, Reason: "兑换"}); err != nil {
			t.Fatal(err)
		}
		at(2026, 12, 5) // the notice month
		list, err := s.FindExpiring(ctx, 2025, res)
		if err != nil || len(list) != 1 || list[0].Amount != 30 {
			t.Fatalf("expiring: %+v %v", list, err)
		}
		if _, _, err := s.ExpirePoints(storetest.Admin(), 2025); errs.As(err).Key != "points.expiry_not_due" {
			t.Fatalf("early: %v", err)
		}
		at(2027, 1, 2)
		staff := &accounts.User{ID: "s", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
		if _, _, err := s.ExpirePoints(as(staff), 2025); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("street staff expire: %v", err)
		}
		n, total, err := s.ExpirePoints(storetest.Admin(), 2025)
		if err != nil || n != 1 || total != 30 {
			t.Fatalf("expire: %d %d %v", n, total, err)
		}
		if n, _, _ := s.ExpirePoints(storetest.Admin(), 2025); n != 0 {
			t.Fatalf("expired twice: %d", n)
		}
		a, _ := s.FindPointsAccount(storetest.Admin(), res)
		if a.Balance != 50 {
			t.Fatalf("left %d", a.Balance)
		}
		if m, _, err := s.VerifyPoints(ctx); m != nil || err != nil {
			t.Fatalf("verify %+v %v", m, err)
		}
	})
}

// TestAwardCapUnderConcurrency: ten attendances of one resident on one day
// reported at once never award more than the rule's daily cap.
func TestAwardCapUnderConcurrency(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		if err := s.SaveRule(storetest.Admin(), &points.Rule{Name: "时长", Kind: points.PerHour, PointsPerHour: 10, DailyCap: 40, Active: true}); err != nil {
			t.Fatal(err)
		}
		day := s.Now()
		var wg sync.WaitGroup
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				if _, err := s.AwardAttendance(storetest.Admin(), points.Attendance{Key: fmt.Sprint("a", i), ResidentID: "u1",
					ResidentName: "李四", ActivityType: "greening", Minutes: 60, Date: day, OrgID: "o1", StreetID: st.ID}, 0); err != nil {
					t.Error(err)
				}
			}(i)
		}
		wg.Wait()
		var total int
		if err := rawCount(t, s, `SELECT COALESCE(SUM(amount), 0) FROM points_awards WHERE recipient = ?`, "resident:u1", &total); err != nil || total != 40 {
			t.Fatalf("awarded %d, cap 40 (%v)", total, err)
		}
	})
}
