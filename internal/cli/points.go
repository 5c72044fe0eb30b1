package cli

import (
	"context"
	"fmt"

	"github.com/huitian/huitian/internal/errs"
)

// runPointsVerify checks that every points balance equals the sum of its
// postings: exit 0 when all do, 1 naming the first account that differs.
func runPointsVerify(ctx context.Context, args []string, env Env) error {
	s, err := openDBOnly(ctx, "points verify", args, env)
	if err != nil {
		return err
	}
	defer s.Close()
	m, n, err := s.VerifyPoints(ctx)
	if err != nil {
		return err
	}
	if m != nil {
		fmt.Fprintf(env.Stdout, "积分余额与流水不符 / points balance MISMATCH at account %s: balance %d, postings sum %d\n",
			m.AccountID, m.Balance, m.Sum)
		return exitError(1)
	}
	fmt.Fprintf(env.Stdout, "积分余额与流水一致 / points balances match their postings: %d accounts\n", n)
	return nil
}

// runPointsIssue turns confirmed volunteer attendance still without points
// into awards on notice, then posts every award whose public notice has
// ended without an objection (cron-friendly: run it hourly; each
// attendance is awarded once, each award posts once).
func runPointsIssue(ctx context.Context, args []string, env Env) error {
	s, err := openDBOnly(ctx, "points issue", args, env)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := s.AwardConfirmedAttendance(system(ctx), 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已为 %d 条确认的志愿时长计算积分并公示 / %d confirmed attendances put on notice\n", a, a)
	n, err := s.IssueDueAwards(system(ctx))
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "已发放公示期满的积分 %d 条 / issued %d awards past their notice\n", n, n)
	return nil
}

// runPointsExpire expires the points earned up to the end of --year that
// are unspent at the end of the following year (refused before then).
func runPointsExpire(ctx context.Context, args []string, env Env) error {
	fs := flags("points expire", env)
	db := dbFlag(fs)
	year := fs.Int("year", 0, "积分获得年份 / the year the points were earned")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *year < 2000 || *year > 3000 {
		return errs.Field("year", "number.range", 2000, 3000)
	}
	s, err := openCurrent(ctx, *db, env)
	if err != nil {
		return err
	}
	defer s.Close()
	n, total, err := s.ExpirePoints(system(ctx), *year)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d 年积分到期：%d 人，共 %d 分 / expired %d points of %d residents\n", *year, n, total, total, n)
	return nil
}
