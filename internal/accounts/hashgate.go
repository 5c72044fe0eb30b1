package accounts

import (
	"context"
	"sync"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

// gate lets at most n callers run at once; the others wait in line (first
// come, first served) with their own context, at most queue of them and at
// most maxWait each. A password hash takes a core for about 0.1 s: without a
// bound, a burst of sign-ins takes every core and the pages queue behind
// them; with it, the burst waits for its turn and pages keep answering.
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
func busy() error { return errs.E(errs.Busy, "auth.busy") }
