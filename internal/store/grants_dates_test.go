package store_test

import (
	"testing"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestGrantsDatesAgainstToday (F5): by the store's clock (2026-11-20 in
// Beijing), a round that closed before today, a donation dated after
// today and a new application's milestone due before today are refused on
// their fields; today itself is accepted for each.
func TestGrantsDatesAgainstToday(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newGrantFixture(t, s)
		fieldKey := func(err error) (string, string) {
			t.Helper()
			if code(t, err) != errs.Invalid {
				t.Fatalf("want a field error, got %v", err)
			}
			e := errs.Fields(err)[0]
			return e.Field, e.Key
		}
		future := &grants.Donation{FundID: f.fund.ID, DonorName: "某公司", Amount: 100_000, Channel: "bank", DonatedOn: "2027-05-01"}
		if fl, k := fieldKey(f.s.RecordDonation(as(f.foundation), future, "f1")); fl != "donated_on" || k != "grants.donated_future" {
			t.Errorf("a donation dated 2027-05-01: %s %s", fl, k)
		}
		future.DonatedOn = "2026-11-20"
		if err := f.s.RecordDonation(as(f.foundation), future, "f1"); err != nil {
			t.Fatalf("a donation dated today: %v", err)
		}
		f.donate(t, "北京某科技有限公司", false, 30_000_000, "d1")

		old := &grants.RoundRecord{FundID: f.fund.ID, Name: "2020 年微创投", Route: grants.RouteMatch, StreetID: f.streetID, Budget: 100_000,
			MatchPct: 70, Eligibility: grants.StreetOrgs, OpensOn: "2020-01-01", ClosesOn: "2020-02-01"}
		if fl, k := fieldKey(f.s.CreateRound(as(f.foundation), old)); fl != "closes_on" || k != "grants.closes_past" {
			t.Errorf("a round closed in 2020: %s %s", fl, k)
		}
		old.OpensOn, old.ClosesOn = "2026-11-01", "2026-11-20"
		if err := f.s.CreateRound(as(f.foundation), old); err != nil || old.Status != grants.RoundOpen {
			t.Fatalf("a round closing today: %v", err)
		}

		a := application(old.ID, f.org1.ID, 70_000)
		a.Milestones[1].Due = "2026-11-19"
		err := f.s.CreateApplication(as(f.orgAdmin1), a)
		if fl, k := fieldKey(err); fl != "milestones" || k != "grants.milestone_past" || errs.Fields(err)[0].Args[0] != 2 {
			t.Errorf("a milestone due yesterday: %s %s %v", fl, k, err)
		}
		a.Milestones[1].Due = "2026-11-20"
		if err := f.s.CreateApplication(as(f.orgAdmin1), a); err != nil {
			t.Fatalf("a milestone due today: %v", err)
		}
	})
}
