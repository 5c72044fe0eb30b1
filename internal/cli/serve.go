package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/signal"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/api"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/heavy"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/sms"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/web"
)

// Handler wires the web pages and the API into the server frame. Tests use
// it to run the whole site on httptest. It builds the matching index from
// the database before returning, so the site answers with it at once.
func Handler(cfg config.Config, s *store.Store, log *slog.Logger, sender sms.Sender, inbox *sms.Inbox) (http.Handler, error) {
	th, err := loadThesaurus(context.Background(), s, log)
	if err != nil {
		return nil, err
	}
	live, err := newLive(s, th, log)
	if err != nil {
		return nil, err
	}
	if err := buildLive(context.Background(), live, log); err != nil {
		return nil, err
	}
	sols, err := newSolutions(s, th, log)
	if err != nil {
		return nil, err
	}
	if err := buildSolutions(context.Background(), sols, log); err != nil {
		return nil, err
	}
	return handler(cfg, s, log, sender, inbox, th, live, sols, heavy.New(heavy.Limits{Concurrent: cfg.HeavyWork}), nil)
}

// newSolutions returns the search index of the solution catalog over s,
// registered as s's change listener for solutions. It is empty until
// buildSolutions. Its analyzer reads th.
func newSolutions(s *store.Store, th *thesaurus, log *slog.Logger) (*match.Solutions, error) {
	a, err := th.analyzer()
	if err != nil {
		return nil, err
	}
	sols, err := match.NewSolutions(s, a)
	if err != nil {
		return nil, err
	}
	s.OnChange(func(ctx context.Context, changes []store.Change) {
		var ids []string
		for _, c := range changes {
			switch c.Kind {
			case store.ChangeSolution:
				ids = append(ids, c.ID)
			case store.ChangeEverything: // another node's bulk import
				if err := sols.Build(ctx); err != nil {
					log.ErrorContext(ctx, "方案索引重建失败 / solution index rebuild failed", "err", err)
				}
				return
			}
		}
		// Committed whatever happens here; a failure leaves the index
		// behind until the solution changes again or the restart.
		if err := sols.Apply(ctx, ids); err != nil {
			log.ErrorContext(ctx, "方案索引更新失败 / solution index update failed", "err", err)
		}
	})
	return sols, nil
}

// buildSolutions reads the published solutions into sols.
func buildSolutions(ctx context.Context, sols *match.Solutions, log *slog.Logger) error {
	start := time.Now()
	if err := sols.Build(ctx); err != nil {
		log.Error("方案索引建立失败 / solution index build failed", "err", err)
		return err
	}
	log.Info("方案索引就绪", "solutions", sols.Len(), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// handler wires everything around live and sols, which may still be
// building: /readyz says not ready until the matcher is; the catalog's
// search falls back to words in the text until its index is.
func handler(cfg config.Config, s *store.Store, log *slog.Logger, sender sms.Sender, inbox *sms.Inbox, th *thesaurus,
	live *match.Live, sols *match.Solutions, work *heavy.Gate, m *nodeMetrics) (http.Handler, error) {
	th.serve(live, sols)
	// A thesaurus another node's admin saved: apply it here too (the saving
	// node applied it already).
	s.OnChange(func(ctx context.Context, changes []store.Change) {
		for _, c := range changes {
			if c.Kind != store.ChangeThesaurus || !c.Remote {
				continue
			}
			text, _, _, err := s.CurrentThesaurus(ctx)
			if err == nil {
				err = th.Apply(ctx, text)
			}
			if err != nil {
				log.ErrorContext(ctx, "应用其他节点保存的同义词表失败 / applying another node's thesaurus failed", "err", err)
			}
			return
		}
	})
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	sessions := server.NewSessions(s, cfg, log)
	// One set of SMS-code limits for the pages and the API.
	codes := server.NewCodeLogin(s, sender, cfg.CodeTTL, cfg.TrustProxy)
	// Password hashes and ranked matching take turns at work, so pages
	// keep a core.
	live.Work = work
	passwords := accounts.NewPasswords(work)
	m.heavy(work)
	pages, err := web.New(web.Deps{Config: cfg, Store: s, Catalog: cat, Sessions: sessions, Logger: log,
		Sender: sender, Inbox: inbox, Match: live, Solutions: sols, Thesaurus: th, Codes: codes, Passwords: passwords})
	if err != nil {
		return nil, err
	}
	apiHandler := api.New(api.Deps{Store: s, Catalog: cat, Logger: log, MaxBodyBytes: cfg.MaxBodyBytes,
		MaxUploadBytes: cfg.ImportMaxBytes, Rules: cfg.Rules(), Match: live, Solutions: sols, TrustProxy: cfg.TrustProxy,
		Codes: codes, Sessions: sessions, TokenIdle: cfg.APITokenIdle, MatchPerMinute: cfg.MatchPerMinute,
		OCDS: ocds.Config{Prefix: cfg.OCDSPrefix, BaseURL: cfg.PublicURL(), PublisherName: cfg.Publisher}})
	d := server.Deps{Config: cfg, Store: s, Logger: log, Web: pages, API: apiHandler, Sessions: sessions, Ready: live.Ready}
	if m != nil {
		d.Collectors = m.list
	}
	return server.New(d), nil
}

// startWorkers runs the background work of a node until ctx ends: the
// deadline sweep, the text-message outbox, the points issuing round
// (awards, issue after notice, activity reminders) and the rate-limit
// pruning.
func startWorkers(ctx context.Context, bg *sync.WaitGroup, s *store.Store, sender sms.Sender, log *slog.Logger, m *nodeMetrics) error {
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	// One node of several runs them: the leader (store.Lead); when it dies
	// another takes over within seconds. Every job is idempotent, so the
	// moment two might overlap costs nothing.
	bg.Go(func() {
		s.Lead(ctx, store.LeaderJobs, 2*time.Second, leaderJobs(s, sender, cat, log, m), leaderChanged(log))
	})
	return nil
}

// leaderJobs are what the leader runs until ctx ends.
func leaderJobs(s *store.Store, sender sms.Sender, cat *i18n.Catalog, log *slog.Logger, m *nodeMetrics) func(context.Context) {
	return func(ctx context.Context) {
		var wg sync.WaitGroup
		wg.Go(func() { sweepDeadlines(ctx, s, log, 30*time.Second, m) })
		wg.Go(func() { drainOutbox(ctx, s, sender, cat, log, 10*time.Second, m) })
		wg.Go(func() { pruneRateLimits(ctx, s, log, time.Hour, m) })
		wg.Go(func() { issuePoints(ctx, s, log, issueEvery) })
		wg.Go(func() { rollDashboard(ctx, s, log, time.Minute, m) })
		wg.Wait()
	}
}

func leaderChanged(log *slog.Logger) func(bool) {
	return func(leading bool) {
		if leading {
			log.Info("本节点负责后台任务 / this node runs the background jobs")
		} else {
			log.Info("本节点不再负责后台任务 / this node no longer runs the background jobs")
		}
	}
}

// sweepDeadlines writes down, every interval, the needs whose proposal
// deadline has passed (the pages already show them as under evaluation; this
// tells the people who must act). It stops with ctx.
// pruneRateLimits deletes day-old rate-limit counters every interval.
func pruneRateLimits(ctx context.Context, s *store.Store, log *slog.Logger, every time.Duration, m *nodeMetrics) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		_, err := s.PruneRateLimits(ctx, 24*time.Hour)
		m.ran("rate_limits", err)
		if err != nil && ctx.Err() == nil {
			log.Error("rate limit prune", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func sweepDeadlines(ctx context.Context, s *store.Store, log *slog.Logger, every time.Duration, m *nodeMetrics) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.SweepDeadlines(ctx)
		m.ran("deadlines", err)
		if err != nil {
			log.Error("deadline sweep", "err", err)
		} else if n > 0 {
			log.Info("deadline sweep", "needs", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// listenAndServe serves h until ctx ends (SIGINT/SIGTERM), then drains.
func listenAndServe(ctx context.Context, addr string, h http.Handler, log *slog.Logger, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s / cannot listen on %s: %w", addr, addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	url := "http://" + ln.Addr().String()
	if ready != nil {
		ready(url)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shut, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	if f, ok := h.(server.Flusher); ok {
		f.Flush(shut) // counts held in memory, now that no request adds to them
	}
	return nil
}

func runServe(ctx context.Context, args []string, env Env) error {
	cfg, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := flags("serve", env)
	db := fs.String("db", cfg.Database, "SQLite 路径或 postgres:// URL (HUITIAN_DATABASE)")
	addr := fs.String("addr", cfg.Addr, "监听地址 (HUITIAN_ADDR)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	cfg.Database, cfg.Addr = *db, *addr
	log := newLogger(env.Stderr, cfg.LogLevel, true)
	s, err := openCurrent(ctx, cfg.Database, env)
	if err != nil {
		return err
	}
	defer s.Close()
	for _, r := range cfg.Replicas {
		if err := s.AddReplica(ctx, r, cfg.ReplicaMaxLag, time.Second); err != nil {
			return err
		}
	}
	// Text messages go to the district's SMS relay when one is configured;
	// without one they stay in memory, shown on /dev/inbox only when asked
	// to (HUITIAN_DEV_INBOX, development).
	inbox := sms.NewInbox(100)
	var sender sms.Sender = inbox
	var shown *sms.Inbox
	switch {
	case cfg.SMSRelayURL != "":
		relay, err := sms.NewWebhook(cfg.SMSRelayURL, cfg.SMSRelaySecret)
		if err != nil {
			return err
		}
		sender = relay
	case cfg.DevInbox:
		shown = inbox
	default:
		log.Warn("no SMS relay (HUITIAN_SMS_RELAY_URL): sign-in codes and notifications are not sent")
	}
	// The index builds while the server already listens; /readyz says
	// when it is done (a large database takes seconds).
	th, err := loadThesaurus(ctx, s, log)
	if err != nil {
		return err
	}
	live, err := newLive(s, th, log)
	if err != nil {
		return err
	}
	sols, err := newSolutions(s, th, log)
	if err != nil {
		return err
	}
	m := newNodeMetrics(s, true)
	work := heavyWork(cfg, env)
	log.Info("heavy work", "slots", work.Stats().Limit, "gomaxprocs", runtime.GOMAXPROCS(0))
	h, err := handler(cfg, s, log, sender, shown, th, live, sols, work, m)
	if err != nil {
		return err
	}
	// The background goroutines are stopped and waited for before the
	// store closes (deferred earlier, so it runs after).
	workers, stopWorkers := context.WithCancel(ctx)
	var bg sync.WaitGroup
	defer func() { stopWorkers(); bg.Wait() }()
	// Other app nodes' changes: those committed after this point reach the
	// indexes through change_log (those before, through the build).
	// The build may read a replica (at most its bound behind): the feed is
	// followed from that replica's newest change, so nothing it has not
	// seen is skipped (a change seen twice is applied twice, harmlessly).
	build := store.ReplicaOK(workers)
	followFrom, err := s.LastChangeSeq(build)
	if err != nil {
		return err
	}
	bg.Go(func() {
		s.FollowChanges(workers, followFrom, 500*time.Millisecond, func(err error) {
			log.Error("读取其他节点的变更失败 / reading other nodes' changes failed", "err", err)
		})
	})
	bg.Go(func() { buildLive(build, live, log) })
	bg.Go(func() { buildSolutions(build, sols, log) })
	if err := startWorkers(workers, &bg, s, sender, log, m); err != nil {
		return err
	}
	return listenAndServe(ctx, cfg.Addr, h, log, func(url string) {
		log.Info("huitian serving", "url", url, "database", string(s.Dialect()))
		if env.Ready != nil {
			env.Ready(url)
		}
	})
}

// heavyWork returns a serving node's bound on heavy work
// (HUITIAN_HEAVY_WORK) and, unless the operator set GOMAXPROCS, gives Go's
// scheduler one more P per heavy slot than the cores it would use. Heavy
// calls then run beside the pages instead of in their place: the kernel
// shares the cores among all running threads in slices of a few
// milliseconds, where Go's scheduler lets a goroutine keep its P for 10 ms
// at a time, so a page that found both Ps taken (one by a password hash)
// waited up to a slice. Measured under loadbench's mix on two cores
// (bench/README.md): the board's and need pages' p99 54 → 24 ms, the
// heavy calls' p50 320 → 430 ms, throughput the same.
func heavyWork(cfg config.Config, env Env) *heavy.Gate {
	if env.Getenv("GOMAXPROCS") != "" {
		return heavy.New(heavy.Limits{Concurrent: cfg.HeavyWork})
	}
	runtime.SetDefaultGOMAXPROCS() // the cores (or the cgroup's quota), whatever an earlier call set
	work := heavy.New(heavy.Limits{Concurrent: cfg.HeavyWork})
	runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + work.Stats().Limit)
	return work
}
