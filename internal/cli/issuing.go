package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/huitian/huitian/internal/store"
)

// issueEvery is how often a node runs the issuing round.
const issueEvery = time.Minute

// issueCounts is what one issuing round did.
type issueCounts struct {
	Awarded   int // confirmed attendances put on notice
	Issued    int // awards posted after their notice
	Reminders int // day-before reminders queued
}

// issuePoints runs the issuing round every interval until ctx ends.
func issuePoints(ctx context.Context, s *store.Store, log *slog.Logger, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	runIssuing(ctx, s, log, t.C, nil)
}

// runIssuing runs one issuing round at once and one on every tick, until ctx
// ends; after, when set, learns each round's counts (tests tick by hand).
// Each step is idempotent, so two nodes or a crash mid-round do no harm:
// an attendance is awarded once, an award posts once, a signup is reminded
// once.
func runIssuing(ctx context.Context, s *store.Store, log *slog.Logger, ticks <-chan time.Time, after func(issueCounts)) {
	for {
		n := issueRound(ctx, s, log)
		if after != nil {
			after(n)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticks:
		}
	}
}

// issueRound turns confirmed attendance into awards on notice (公示), posts
// the awards whose notice ended without an objection, and queues the
// reminders for tomorrow's activities. A failing step is logged and the
// next still runs. Logs carry counts only, never who.
func issueRound(ctx context.Context, s *store.Store, log *slog.Logger) issueCounts {
	var n issueCounts
	var err error
	sys := system(ctx)
	if n.Awarded, err = s.AwardConfirmedAttendance(sys, 0); err != nil && ctx.Err() == nil {
		log.Error("积分公示失败 / awarding confirmed attendance failed", "done", n.Awarded, "err", err)
	}
	if n.Issued, err = s.IssueDueAwards(sys); err != nil && ctx.Err() == nil {
		log.Error("积分发放失败 / issuing due awards failed", "done", n.Issued, "err", err)
	}
	if n.Reminders, err = s.RemindSignups(sys); err != nil && ctx.Err() == nil {
		log.Error("活动提醒失败 / activity reminders failed", "err", err)
	}
	if n.Awarded > 0 || n.Issued > 0 || n.Reminders > 0 {
		log.Info("issuing round", "awarded", n.Awarded, "issued", n.Issued, "reminders", n.Reminders)
	}
	return n
}
