package heavy

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

// heldGate returns a gate of one slot, already taken, whose waiters report
// on queued when they have joined the line, and whose maxWait timers fire
// only when the test closes the returned channel.
func heldGate(t *testing.T, queue int) (g *gate, queued chan struct{}, expire chan time.Time) {
	t.Helper()
	g = newGate(1, queue, time.Hour)
	queued = make(chan struct{}, 100)
	expire = make(chan time.Time)
	g.queued = func() { queued <- struct{}{} }
	g.timer = func(time.Duration) (<-chan time.Time, func()) { return expire, func() {} }
	if err := g.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	return g, queued, expire
}

func TestGateNeverRunsMoreThanN(t *testing.T) {
	t.Parallel()
	const n, callers = 2, 40
	g := newGate(n, callers, time.Hour)
	var running, most atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range callers {
		wg.Go(func() {
			<-start
			if err := g.acquire(context.Background()); err != nil {
				t.Error(err)
				return
			}
			now := running.Add(1)
			for {
				m := most.Load()
				if now <= m || most.CompareAndSwap(m, now) {
					break
				}
			}
			// Some work so that holders overlap.
			time.Sleep(time.Millisecond)
			running.Add(-1)
			g.release()
		})
	}
	close(start)
	wg.Wait()
	if m := most.Load(); m > n || m < 1 {
		t.Fatalf("at most %d at once, saw %d", n, m)
	}
	if s := g.stats(); s.running != 0 || s.waiting != 0 {
		t.Fatalf("after all: %+v", s)
	}
}

func TestGateFirstComeFirstServed(t *testing.T) {
	t.Parallel()
	g, queued, _ := heldGate(t, 10)
	order := make(chan int, 5)
	for i := range 5 {
		go func() {
			if err := g.acquire(context.Background()); err != nil {
				t.Error(err)
				order <- -1
				return
			}
			order <- i
			g.release()
		}()
		<-queued // the next one joins the line after this one
	}
	if s := g.stats(); s.waiting != 5 || s.running != 1 {
		t.Fatalf("five waiting behind one: %+v", s)
	}
	g.release()
	for want := range 5 {
		if got := <-order; got != want {
			t.Fatalf("turn %d went to caller %d", want, got)
		}
	}
}

func TestGateCancelledWaiterLeavesTheLine(t *testing.T) {
	t.Parallel()
	g, queued, _ := heldGate(t, 10)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error, 1)
	go func() { got <- g.acquire(ctx) }()
	<-queued
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("a client that gave up: %v", err)
	}
	if s := g.stats(); s.waiting != 0 || s.canceled != 1 || s.refusedWait != 0 {
		t.Fatalf("after the cancel: %+v", s)
	}
	// The slot still works: released, the next caller gets it at once.
	g.release()
	if err := g.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	g.release()
	// A context that already ended never joins the line.
	if err := g.acquire(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("ended context: %v", err)
	}
}

func TestGateRefusesWhenTheLineIsFull(t *testing.T) {
	t.Parallel()
	g, queued, _ := heldGate(t, 2)
	done := make(chan error, 2)
	for range 2 {
		go func() {
			err := g.acquire(context.Background())
			if err == nil {
				g.release()
			}
			done <- err
		}()
		<-queued
	}
	err := g.acquire(context.Background())
	if !errs.Is(err, errs.Busy) || errs.As(err).Key != "server.busy" {
		t.Fatalf("a third waiter behind a line of two: %v", err)
	}
	if s := g.stats(); s.refusedFull != 1 || s.waiting != 2 {
		t.Fatalf("stats: %+v", s)
	}
	g.release()
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestGateRefusesAfterMaxWait(t *testing.T) {
	t.Parallel()
	g, queued, expire := heldGate(t, 10)
	got := make(chan error, 1)
	go func() { got <- g.acquire(context.Background()) }()
	<-queued
	close(expire) // the wait reached its bound
	if err := <-got; !errs.Is(err, errs.Busy) {
		t.Fatalf("waited too long: %v", err)
	}
	if s := g.stats(); s.refusedWait != 1 || s.waiting != 0 || s.running != 1 {
		t.Fatalf("stats: %+v", s)
	}
	g.release()
	if s := g.stats(); s.running != 0 {
		t.Fatalf("released: %+v", s)
	}
}

// A waiter whose turn comes as it gives up passes the slot on rather than
// losing it.
func TestGateSlotPassedOnByALateCancel(t *testing.T) {
	t.Parallel()
	for range 50 {
		g, queued, _ := heldGate(t, 10)
		ctx, cancel := context.WithCancel(context.Background())
		got := make(chan error, 1)
		go func() { got <- g.acquire(ctx) }()
		<-queued
		cancel()
		g.release() // races with the cancel on purpose
		if err := <-got; err == nil {
			g.release()
		}
		if s := g.stats(); s.running != 0 || s.waiting != 0 {
			t.Fatalf("a slot was lost: %+v", s)
		}
	}
}

func TestGateDefaults(t *testing.T) {
	t.Parallel()
	g := New(Limits{})
	if s := g.Stats(); s.Limit < 1 || g.g.queue != 32*s.Limit || g.RetryAfter() != 2*time.Second {
		t.Fatalf("defaults: %+v queue %d retry %v", s, g.g.queue, g.RetryAfter())
	}
	g = New(Limits{Concurrent: 3, MaxWait: 1500 * time.Millisecond})
	if s := g.Stats(); s.Limit != 3 || g.g.queue != 96 || g.RetryAfter() != 2*time.Second {
		t.Fatalf("set: %+v queue %d retry %v", s, g.g.queue, g.RetryAfter())
	}
}

func TestTurnDoneTwice(t *testing.T) {
	t.Parallel()
	g := New(Limits{Concurrent: 1})
	turn, err := g.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	turn.Done()
	turn.Done() // twice is harmless: the slot is given back once
	if s := g.Stats(); s.Running != 0 || s.Limit != 1 {
		t.Fatalf("after Done twice: %+v", s)
	}
	if _, err := g.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := g.Stats(); s.Running != 1 {
		t.Fatalf("one turn: %+v", s)
	}
}
