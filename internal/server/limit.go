package server

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Limiter counts attempts per key in a fixed window (sign-in and code
// requests per phone and per address). A shared limiter counts in the
// database, so all app nodes see the same attempts; should the database not
// answer, it counts in this node's memory rather than refuse everyone.
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string]*window
	now    func() time.Time

	shared Counter // nil: in memory only
	name   string
}

// Counter keeps attempt counts where every node sees them (the store).
type Counter interface {
	HitRateLimit(ctx context.Context, name, key string, window time.Duration) (hits int, left time.Duration, err error)
	ResetRateLimit(ctx context.Context, name, key string) error
	UndoRateLimit(ctx context.Context, name, key string) error
}

// NewSharedLimiter is NewLimiter counting in c under name (unique per
// limit); a nil c gives an in-memory limiter.
func NewSharedLimiter(c Counter, name string, max int, win time.Duration) *Limiter {
	l := NewLimiter(max, win)
	l.shared, l.name = c, name
	return l
}

type window struct {
	start time.Time
	n     int
}

// NewLimiter allows max attempts per key per window.
func NewLimiter(max int, win time.Duration) *Limiter {
	return &Limiter{max: max, window: win, hits: map[string]*window{}, now: time.Now}
}

// Allow records an attempt for key and reports whether it is within the
// limit; when not, it says how long until the window resets.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l.shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		n, left, err := l.shared.HitRateLimit(ctx, l.name, key, l.window)
		cancel()
		if err == nil {
			if n > l.max {
				return false, max(left, time.Second)
			}
			return true, 0
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.hits) > 100000 { // bound memory under a flood of distinct keys
		for k, w := range l.hits {
			if now.Sub(w.start) > l.window {
				delete(l.hits, k)
			}
		}
	}
	w, ok := l.hits[key]
	if !ok || now.Sub(w.start) > l.window {
		w = &window{start: now}
		l.hits[key] = w
	}
	w.n++
	if w.n > l.max {
		return false, w.start.Add(l.window).Sub(now)
	}
	return true, 0
}

// Reset forgets key (after a successful sign-in).
func (l *Limiter) Reset(key string) {
	if l.shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = l.shared.ResetRateLimit(ctx, l.name, key)
		cancel()
	}
	l.mu.Lock()
	delete(l.hits, key)
	l.mu.Unlock()
}

// Forgive takes back one attempt of key: one that succeeded and so should
// not count toward a limit on failures (a sign-in from a training room's
// one address must not lock the room out).
func (l *Limiter) Forgive(key string) {
	if l.shared != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		err := l.shared.UndoRateLimit(ctx, l.name, key)
		cancel()
		if err == nil {
			return
		}
	}
	l.mu.Lock()
	if w := l.hits[key]; w != nil && w.n > 0 {
		w.n--
	}
	l.mu.Unlock()
}

// ClientIP returns the client address: behind a trusted proxy, the last
// X-Forwarded-For hop (the one our proxy appended; earlier hops are
// whatever the client sent), else the connection's address.
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if f := r.Header.Values("X-Forwarded-For"); len(f) > 0 {
			hops := strings.Split(f[len(f)-1], ",")
			if last := strings.TrimSpace(hops[len(hops)-1]); last != "" {
				return last
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
