// Package heavy bounds the work of one process that takes a core for tens
// of milliseconds a call: password hashes (argon2id, about 50 ms) and ranked
// matching (a directory search or a need's recommendations, 20–50 ms at
// district scale). Both take turns at one Gate.
//
// Without a bound, a burst of sign-ins or searches takes every core, and
// the need board and need pages (a millisecond of work each) wait behind
// them: Go's scheduler gives every runnable goroutine its 10 ms slice in
// turn, so a page waits for the slices of every heavy call ahead of it. With
// the bound, heavy calls wait for their turn and at least one core keeps
// answering pages. Measured on two cores under a mixed load (bench/README.md,
// loadbench): the board's and need pages' p99 fell from about 200 ms to
// under 50 ms, while searches and sign-ins waited longer.
package heavy

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

// Limits bound the heavy work of one process.
type Limits struct {
	// Concurrent is how many heavy calls run at once; 0: half the cores
	// the Go scheduler uses (GOMAXPROCS), at least one.
	Concurrent int
	// Queue is how many callers may wait for a turn; 0: thirty-two per
	// Concurrent (about what a turn each serves within MaxWait).
	Queue int
	// MaxWait is the longest a caller waits for a turn; 0: two seconds.
	MaxWait time.Duration
	// Queued, when set, is called each time a caller joins the line (tests
	// wait on it instead of sleeping).
	Queued func()
}

// Gate lets at most Limits.Concurrent callers run at once; the others wait
// in line, first come, first served, each with its own context.
type Gate struct {
	g *gate
}

// New returns a Gate with limits l (zero fields: defaults).
func New(l Limits) *Gate {
	if l.Concurrent <= 0 {
		l.Concurrent = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if l.Queue <= 0 {
		l.Queue = 32 * l.Concurrent
	}
	if l.MaxWait <= 0 {
		l.MaxWait = 2 * time.Second
	}
	g := newGate(l.Concurrent, l.Queue, l.MaxWait)
	g.queued = l.Queued
	return &Gate{g: g}
}

// Wait returns a turn, after the callers before it. The error is a Busy
// one (key server.busy; callers say it in their own words) when the line is
// full or the turn did not come within MaxWait, or ctx's error when the
// caller gave up. Every turn must be ended with Done.
func (g *Gate) Wait(ctx context.Context) (*Turn, error) {
	if err := g.g.acquire(ctx); err != nil {
		return nil, err
	}
	return &Turn{g: g.g}, nil
}

// Turn is one caller's permission to run heavy work.
type Turn struct {
	g    *gate
	once sync.Once
}

// Done gives the turn to the next caller (a second call does nothing).
func (t *Turn) Done() { t.once.Do(t.g.release) }

// RetryAfter is what to tell a caller turned away: the longest wait,
// rounded up to whole seconds.
func (g *Gate) RetryAfter() time.Duration {
	return max(1, (g.g.maxWait+time.Second-1)/time.Second) * time.Second
}

// Stats is a snapshot of a Gate for the metrics.
type Stats struct {
	Limit, Running, Waiting int
	// Refused counts callers turned away because the line was full
	// (Full) or their turn did not come in time (Wait).
	RefusedFull, RefusedWait int64
	// Canceled counts callers that gave up waiting.
	Canceled int64
}

// Stats returns the current figures.
func (g *Gate) Stats() Stats {
	s := g.g.stats()
	return Stats{Limit: s.limit, Running: s.running, Waiting: s.waiting,
		RefusedFull: s.refusedFull, RefusedWait: s.refusedWait, Canceled: s.canceled}
}

// gate is the line itself: at most n callers run at once, at most queue of
// the others wait, and none longer than maxWait.
type gate struct {
	n        int
	queue    int
	maxWait  time.Duration
	mu       sync.Mutex
	free     int       // slots no caller holds
	line     []*waiter // waiting callers, oldest first
	refused  [2]int64  // turned away: [line full, waited too long]
	canceled int64     // gave up waiting (their context ended)

	// Test hooks: queued runs after a caller joined the line (outside the
	// lock); timer makes the maxWait timer (nil: a real one).
	queued func()
	timer  func(d time.Duration) (<-chan time.Time, func())
}

type waiter struct {
	granted chan struct{} // closed when the slot passes to this waiter
}

const (
	refusedFull = iota
	refusedWait
)

func newGate(n, queue int, maxWait time.Duration) *gate {
	return &gate{n: n, queue: queue, maxWait: maxWait, free: n}
}

// acquire takes a slot, waiting in line if none is free. It returns a Busy
// error when the line is full or the wait passed maxWait, and ctx's error
// when the caller gave up. A nil error must be paired with one release.
func (g *gate) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g.mu.Lock()
	if g.free > 0 && len(g.line) == 0 {
		g.free--
		g.mu.Unlock()
		return nil
	}
	if len(g.line) >= g.queue {
		g.refused[refusedFull]++
		g.mu.Unlock()
		return busy()
	}
	w := &waiter{granted: make(chan struct{})}
	g.line = append(g.line, w)
	g.mu.Unlock()
	if g.queued != nil {
		g.queued()
	}

	var expired <-chan time.Time
	stop := func() {}
	if g.timer != nil {
		expired, stop = g.timer(g.maxWait)
	} else {
		t := time.NewTimer(g.maxWait)
		expired, stop = t.C, func() { t.Stop() }
	}
	defer stop()
	var err error
	select {
	case <-w.granted:
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-expired:
		err = busy()
	}
	g.mu.Lock()
	if errs.Is(err, errs.Busy) {
		g.refused[refusedWait]++
	} else {
		g.canceled++
	}
	select {
	case <-w.granted:
		// The slot reached us as we gave up: pass it on.
		g.mu.Unlock()
		g.release()
	default:
		for i, x := range g.line {
			if x == w {
				g.line = append(g.line[:i], g.line[i+1:]...)
				break
			}
		}
		g.mu.Unlock()
	}
	return err
}

// release gives the slot to the oldest waiter, or frees it.
func (g *gate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.line) > 0 {
		w := g.line[0]
		g.line = g.line[1:]
		close(w.granted)
		return
	}
	g.free++
}

// gateStats is a snapshot of a gate for the metrics.
type gateStats struct {
	limit, running, waiting  int
	refusedFull, refusedWait int64
	canceled                 int64
}

func (g *gate) stats() gateStats {
	g.mu.Lock()
	defer g.mu.Unlock()
	return gateStats{limit: g.n, running: g.n - g.free, waiting: len(g.line),
		refusedFull: g.refused[refusedFull], refusedWait: g.refused[refusedWait], canceled: g.canceled}
}

// busy is the answer to a caller the gate turned away.
func busy() error { return errs.E(errs.Busy, "server.busy") }
