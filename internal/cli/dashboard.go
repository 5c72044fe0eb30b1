package cli

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"time"

	"github.com/huitian/huitian/internal/store"
)

// rollDashboard brings the dashboard's rollups up to date every interval
// (yesterday's points and needs, the needs marked dirty since) until ctx
// ends. A run is idempotent; logs carry counts only.
func rollDashboard(ctx context.Context, s *store.Store, log *slog.Logger, every time.Duration, m *nodeMetrics) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		r, err := s.RollupDashboard(ctx)
		m.ran("dashboard_rollup", err)
		if err != nil && ctx.Err() == nil {
			log.Error("看板汇总失败 / dashboard rollup failed", "err", err)
		} else if r.Days > 0 || r.Cells > 0 {
			log.Info("dashboard rollup", "days", r.Days, "cells", r.Cells, "through", r.Through)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// runDashboardRebuild forgets the dashboard's rollups and rolls every day
// again (after loading data by hand; huitian gen does it itself).
func runDashboardRebuild(ctx context.Context, args []string, env Env) error {
	s, err := openDBOnly(ctx, "dashboard rebuild", args, env)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	r, err := s.RebuildDashboard(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "数据看板汇总已重建 / dashboard rollups rebuilt: %d days through %s in %s\n",
		r.Days, r.Through, time.Since(start).Round(time.Millisecond))
	return nil
}

// runDashboardVerify compares the dashboard's figures summed from the
// rollups with the figures computed from the tables alone, for the whole
// district and each street, all time (slow at a city's scale: minutes).
func runDashboardVerify(ctx context.Context, args []string, env Env) error {
	s, err := openDBOnly(ctx, "dashboard verify", args, env)
	if err != nil {
		return err
	}
	defer s.Close()
	streets, err := s.FindStreets(ctx)
	if err != nil {
		return err
	}
	filters := []store.DashboardFilter{{}}
	for _, st := range streets {
		filters = append(filters, store.DashboardFilter{StreetID: st.ID})
	}
	for _, f := range filters {
		got, err := s.Overview(ctx, f)
		if err != nil {
			return err
		}
		want, err := s.OverviewDirect(ctx, f)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(got, want) {
			fmt.Fprintf(env.Stdout, "数据看板汇总不符 / dashboard rollups MISMATCH for street %q:\n rollups %+v\n tables  %+v\n",
				f.StreetID, got, want)
			return exitError(1)
		}
	}
	fmt.Fprintf(env.Stdout, "数据看板汇总与明细一致 / dashboard rollups match the tables: district and %d streets\n", len(streets))
	return nil
}
