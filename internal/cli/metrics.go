package cli

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/huitian/huitian/internal/heavy"
	"github.com/huitian/huitian/internal/store"
)

// nodeMetrics are the figures of one app node beyond HTTP (server's):
// database pools, whether it leads the background jobs, how its jobs run
// and how far its indexes are behind the change feed.
type nodeMetrics struct {
	jobs *prometheus.CounterVec
	list []prometheus.Collector
}

func newNodeMetrics(s *store.Store, following bool) *nodeMetrics {
	m := &nodeMetrics{jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "huitian_job_runs_total", Help: "Background job rounds on this node by job and result (ok or error).",
	}, []string{"job", "result"})}
	write, read := s.Pools()
	m.list = append(m.list, m.jobs, collectors.NewDBStatsCollector(write, "write"),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "huitian_leader", Help: "1 while this node runs the background jobs.",
		}, func() float64 {
			if s.Leading() {
				return 1
			}
			return 0
		}))
	for i, name := range []string{"points", "grants"} {
		m.list = append(m.list, prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "huitian_ledger_postings_total", Help: "Ledger postings this node has committed since it started.",
			ConstLabels: prometheus.Labels{"ledger": name},
		}, func() float64 {
			p, g := s.Posted()
			return float64([]int64{p, g}[i])
		}))
	}
	if read != write {
		m.list = append(m.list, collectors.NewDBStatsCollector(read, "read"))
	}
	if following {
		m.list = append(m.list, prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "huitian_change_feed_lag", Help: "Committed changes this node's indexes have not read yet (change_log).",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			last, err := s.LastChangeSeq(ctx)
			if err != nil {
				return -1
			}
			return float64(max(last-s.FollowedSeq(), 0))
		}))
	}
	return m
}

// heavy adds the figures of the process's heavy work (password hashes and
// ranked matching): how many run and wait now, and how many were turned
// away (line full or waited too long) or given up by the client.
func (m *nodeMetrics) heavy(g *heavy.Gate) {
	if m == nil {
		return
	}
	m.list = append(m.list,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "huitian_heavy_work_running", Help: "Heavy calls (password hashes, ranked matching) running now.",
		}, func() float64 { return float64(g.Stats().Running) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "huitian_heavy_work_limit", Help: "Heavy calls this process runs at once (HUITIAN_HEAVY_WORK).",
		}, func() float64 { return float64(g.Stats().Limit) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "huitian_heavy_work_waiting", Help: "Heavy calls waiting for a turn.",
		}, func() float64 { return float64(g.Stats().Waiting) }))
	for _, r := range []struct {
		reason string
		n      func(heavy.Stats) int64
	}{
		{"queue_full", func(s heavy.Stats) int64 { return s.RefusedFull }},
		{"waited_too_long", func(s heavy.Stats) int64 { return s.RefusedWait }},
		{"client_gone", func(s heavy.Stats) int64 { return s.Canceled }},
	} {
		m.list = append(m.list, prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "huitian_heavy_work_refused_total", Help: "Heavy calls that never ran: turned away (queue_full, waited_too_long) or given up by the client (client_gone).",
			ConstLabels: prometheus.Labels{"reason": r.reason},
		}, func() float64 { return float64(r.n(g.Stats())) }))
	}
}

// ran counts one round of job.
func (m *nodeMetrics) ran(job string, err error) {
	if m == nil {
		return
	}
	result := "ok"
	if err != nil {
		result = "error"
	}
	m.jobs.WithLabelValues(job, result).Inc()
}
