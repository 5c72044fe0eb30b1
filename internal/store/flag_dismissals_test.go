package store_test

import (
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// Staff dismiss an attendance flag and a flagged redemption with a reason:
// once, audited, and they leave the open lists.
func TestDismissFlags(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newActivityWorld(t, s, 1)
		a := w.activity(t, 10, activities.OpenToAnyone)
		b := w.activityInput()
		if err := s.CreateActivity(as(w.organizer), b); err != nil {
			t.Fatal(err)
		}
		u := w.residents[0]
		for _, x := range []*activities.Activity{a, b} {
			if _, err := s.Signup(as(u), x.ID, ""); err != nil {
				t.Fatal(err)
			}
		}
		*w.clock = a.StartsAt.Add(5 * time.Minute)
		for _, x := range []*activities.Activity{a, b} {
			code, _, _ := s.ActivitySecretCode(as(w.organizer), x.ID)
			if _, _, err := s.CheckinByCode(as(u), x.ID, code, ""); err != nil {
				t.Fatal(err)
			}
		}
		staff := &accounts.User{Phone: "13700000300", Name: "街道工作人员", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: w.streetID}}}
		if err := s.CreateUser(storetest.Admin(), staff); err != nil {
			t.Fatal(err)
		}
		flags, err := s.FindActivityFlags(as(staff), w.streetID)
		if err != nil || len(flags) != 1 {
			t.Fatalf("flags: %+v %v", flags, err)
		}
		key := flags[0].Key()
		for _, tc := range []struct {
			who    *accounts.User
			street string
			key    string
			reason string
			want   errs.Code
		}{
			{w.organizer, w.streetID, key, "已电话核实，系误签", errs.Forbidden},
			{staff, "elsewhere", key, "已电话核实，系误签", errs.Forbidden},
			{staff, w.streetID, key, "核实", errs.Invalid},
			{staff, w.streetID, "activity:overlap:x:y", "已电话核实，系误签", errs.NotFound},
		} {
			if err := s.DismissActivityFlag(as(tc.who), tc.street, tc.key, tc.reason); errs.CodeOf(err) != tc.want {
				t.Errorf("%s dismissing %s: %v, want %s", tc.who.Name, tc.key, err, tc.want)
			}
		}
		if err := s.DismissActivityFlag(as(staff), w.streetID, key, "已电话核实，系误签"); err != nil {
			t.Fatal(err)
		}
		if err := s.DismissActivityFlag(storetest.Admin(), "", key, "已电话核实，系误签"); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("dismissed twice: %v", err)
		}
		if left, _ := s.FindActivityFlags(storetest.Admin(), ""); len(left) != 0 {
			t.Fatalf("a dismissed flag is still listed: %+v", left)
		}

		// A redemption outside opening hours, flagged and dismissed.
		cashier := &accounts.User{Phone: "13800000007", Name: "马国强"}
		shop := newShop(t, s, w.streetID, cashier)
		if err := s.SetMerchantHours(as(cashier), shop, points.Hours{Opens: "08:00", Closes: "21:00"}); err != nil {
			t.Fatal(err)
		}
		g := &points.Good{MerchantID: shop, Name: "酱油", Price: 10, Stock: 5, Active: true}
		if err := s.CreateGood(as(cashier), g); err != nil {
			t.Fatal(err)
		}
		grant(t, s, points.AccountID(points.Pool, w.streetID), points.AccountID(points.Resident, u.ID), 100, "open")
		*w.clock = time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC) // 23:30 in Beijing
		c, err := s.IssueRedemptionCode(as(u), g.ID)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Redeem(as(cashier), c.Code, "late")
		if err != nil || len(r.Flags) != 1 {
			t.Fatalf("late redemption: %+v %v", r, err)
		}
		flagged := func() int {
			list, err := s.FindRedemptions(as(staff), points.RedemptionFilter{FlaggedOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			return len(list)
		}
		if flagged() != 1 {
			t.Fatal("the flagged redemption is not listed")
		}
		if err := s.DismissRedemptionFlag(as(cashier), r.ID, "店员加班，属实"); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("the merchant dismissed its own flag: %v", err)
		}
		if err := s.DismissRedemptionFlag(as(staff), r.ID, "店员加班，属实"); err != nil {
			t.Fatal(err)
		}
		if err := s.DismissRedemptionFlag(as(staff), r.ID, "店员加班，属实"); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("dismissed twice: %v", err)
		}
		if flagged() != 0 {
			t.Fatal("a dismissed redemption flag is still listed")
		}
		assertAudited(t, s, "flag.dismiss", 2)
	})
}

// newShop enrols a merchant in the street with cashier as its staff and
// returns its id.
func newShop(t *testing.T, s *store.Store, streetID string, cashier *accounts.User) string {
	t.Helper()
	m := &merchants.Merchant{Name: "龙锦苑便民超市", StreetID: streetID, Kind: "超市"}
	if err := s.CreateMerchant(storetest.Admin(), m); err != nil {
		t.Fatal(err)
	}
	cashier.Grants = []accounts.Grant{{Role: accounts.Merchant, ScopeID: m.ID}}
	if err := s.CreateUser(storetest.Admin(), cashier); err != nil {
		t.Fatal(err)
	}
	return m.ID
}
