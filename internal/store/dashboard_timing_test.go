package store

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/dashboard"
)

// TestDashboardTimings times Overview on a real database (bench/README.md,
// "Dashboard at city scale"): each step once for the whole district and all
// time, then four filters best of five. It brings the rollups up to date
// first (it writes to the database). Skipped unless
// HUITIAN_DASHBOARD_TIMING_DB names the database (a path or a postgres://
// URL):
//
//	HUITIAN_DASHBOARD_TIMING_DB=/tmp/dash-city.db go test ./internal/store -run TestDashboardTimings -v
func TestDashboardTimings(t *testing.T) {
	dsn := os.Getenv("HUITIAN_DASHBOARD_TIMING_DB")
	if dsn == "" {
		t.Skip("HUITIAN_DASHBOARD_TIMING_DB is not set")
	}
	ctx := context.Background()
	s, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.RollupDashboard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rollup run: %+v", r)
	steps := []struct {
		name string
		fn   func(context.Context, conn, DashboardFilter, *dashboard.Overview, map[string]string) error
	}{{"register", dashOrganizations}, {"needs", dashNeeds}, {"points", dashPoints}, {"activities", dashActivities},
		{"others", dashOthers}, {"money", dashMoney}, {"portal", dashVisits}}
	var street string
	err = s.readTx(ctx, func(c conn) error {
		names, err := streetNames(ctx, c)
		if err != nil {
			return err
		}
		for id := range names {
			street = id
			break
		}
		o := &dashboard.Overview{}
		for _, st := range steps {
			start := time.Now()
			if err := st.fn(ctx, c, DashboardFilter{}, o, names); err != nil {
				return err
			}
			t.Logf("step %-10s %s", st.name, time.Since(start))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	loc := dashboard.Zone()
	jan, jul := time.Date(2026, 1, 1, 0, 0, 0, 0, loc), time.Date(2026, 7, 1, 0, 0, 0, 0, loc)
	tomorrow := dashFloorDay(s.Now()).AddDate(0, 0, 1)
	for _, f := range []DashboardFilter{{}, {StreetID: street}, {From: jan, To: jul}, {StreetID: street, From: jan, To: tomorrow}} {
		best := time.Hour
		for range 5 {
			start := time.Now()
			if _, err := s.Overview(ctx, f); err != nil {
				t.Fatal(err)
			}
			best = min(best, time.Since(start))
		}
		t.Logf("street %-5v from %s to %s: best of 5 %s", f.StreetID != "", f.From.Format(time.DateOnly), f.To.Format(time.DateOnly), best)
	}
}
