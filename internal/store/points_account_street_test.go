package store_test

import (
	"context"
	"testing"

	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestPointsGrantCountsForTheStreet: points a street grants by hand from its
// pool (directly or through the group committer) count as that street's on
// the dashboard, as its awards do; migration 0028 gives the accounts opened
// before their street and has the rollups rolled again.
func TestPointsGrantCountsForTheStreet(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		st, _, _ := seed(t, s)
		pool := points.AccountID(points.Pool, st.ID)
		grant(t, s, pool, points.AccountID(points.Resident, "street-r1"), 40, "street-grant-1")
		b := s.NewPointsBatcher(0)
		if _, err := b.Post(storetest.Admin(), &points.Posting{Key: "street-grant-2", Kind: points.KindGrant, From: pool,
			To: points.AccountID(points.Organization, "street-o1"), Amount: 25, Reason: "活动奖励"}); err != nil {
			t.Fatal(err)
		}
		b.Close()
		issued := func() int64 {
			t.Helper()
			o, err := s.Overview(storetest.Admin(), store.DashboardFilter{StreetID: st.ID})
			if err != nil {
				t.Fatal(err)
			}
			return o.PointsIssued
		}
		if got := issued(); got != 65 {
			t.Fatalf("the street issued %d points on its dashboard, want 65", got)
		}

		// A database from before: the accounts without a street, some
		// days rolled.
		if _, err := s.RollupDashboard(ctx); err != nil {
			t.Fatal(err)
		}
		dashExec(t, s, `UPDATE points_accounts SET street_id = '' WHERE kind <> 'pool'`)
		dashExec(t, s, `UPDATE dash_rollup_state SET through = '2026-01-01', hours_through = '2026-01-01 05' WHERE id = 1`)
		dashExec(t, s, `DELETE FROM schema_migrations WHERE version = '0028_points_account_street'`)
		if got := issued(); got != 0 {
			t.Fatalf("before the migration the street issued %d", got)
		}
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		var streetless int
		var through string
		if err := s.QueryRowForTest(ctx, `SELECT COUNT(*) FROM points_accounts WHERE street_id <> ?`, st.ID).Scan(&streetless); err != nil {
			t.Fatal(err)
		}
		if err := s.QueryRowForTest(ctx, `SELECT through FROM dash_rollup_state WHERE id = 1`).Scan(&through); err != nil {
			t.Fatal(err)
		}
		if streetless != 0 || through != "" {
			t.Fatalf("after the migration: %d accounts outside the street, rolled through %q", streetless, through)
		}
		if got := issued(); got != 65 {
			t.Fatalf("after the migration the street issued %d, want 65", got)
		}
	})
}
