package server

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Limiter counts attempts per key in a fixed window (sign-in and code
// requests per phone and per address). In memory: each node limits on its
// own, which bounds guessing well enough for a handful of nodes.
type Limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	hits   map[string]*window
	now    func() time.Time
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
	l.mu.Lock()
	delete(l.hits, key)
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
