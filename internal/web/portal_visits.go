package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/huitian/huitian/internal/dashboard"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

// visitCounter counts the resident portal's page views and daily unique
// visitors without third-party trackers and without keeping addresses: a
// visitor is a hash of a salt that is random for each day, the address and
// the browser's user agent. The salt is the day's row in the database,
// shared by every node (store.VisitorSalt) and deleted once the day is
// over: then nobody can tell whose hash it was. Should the database not
// answer, a node uses a salt of its own and asks again a minute later.
// Counts gather in memory and are written in one small transaction at
// most every flushEvery.
type visitCounter struct {
	mu       sync.Mutex
	store    *store.Store
	log      func(msg string, args ...any)
	day      string
	salt     []byte
	shared   bool      // salt is the day's shared one
	askedAt  time.Time // when the shared salt was last asked for
	views    map[string]int64
	seen     map[string]bool // visitors of the day already known
	fresh    []string        // visitors not yet written
	lastSave time.Time
}

const flushEvery = 30 * time.Second

func newVisitCounter(s *store.Store, log func(string, ...any)) *visitCounter {
	return &visitCounter{store: s, log: log}
}

// portalPath reports whether a request is a page view of the portal.
func portalPath(p string) bool {
	return p == "/portal" || strings.HasPrefix(p, "/portal/suggestions") && !strings.HasSuffix(p, "/photo")
}

// count records one page view; it writes to the database when the last
// write is older than flushEvery or the day changed.
func (v *visitCounter) count(r *http.Request, trustProxy bool) {
	now := time.Now()
	day := now.In(dashboard.Zone()).Format("2006-01-02")
	ip := server.ClientIP(r, trustProxy)
	v.mu.Lock()
	if day != v.day {
		v.flushLocked(context.WithoutCancel(r.Context()))
		v.day, v.seen, v.shared = day, map[string]bool{}, false
		v.salt = make([]byte, 32)
		_, _ = rand.Read(v.salt)
	}
	if !v.shared && now.Sub(v.askedAt) >= time.Minute {
		v.askedAt = now
		if salt, err := v.store.VisitorSalt(context.WithoutCancel(r.Context()), day); err != nil {
			v.log("portal visitor salt not shared", "err", err)
		} else {
			v.salt, v.shared = salt, true
		}
	}
	if v.views == nil {
		v.views = map[string]int64{}
	}
	path := r.URL.Path
	if strings.HasPrefix(path, "/portal/suggestions/") {
		path = "/portal/suggestions/{id}" // no ids in the statistics
	}
	v.views[path]++
	h := sha256.Sum256(append(append(append([]byte{}, v.salt...), ip...), r.UserAgent()...))
	id := hex.EncodeToString(h[:12])
	if !v.seen[id] {
		v.seen[id] = true
		v.fresh = append(v.fresh, id)
	}
	if now.Sub(v.lastSave) >= flushEvery {
		v.flushLocked(context.WithoutCancel(r.Context()))
	}
	v.mu.Unlock()
}

// Flush writes what is counted (tests, shutdown).
func (v *visitCounter) Flush(ctx context.Context) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.flushLocked(ctx)
}

func (v *visitCounter) flushLocked(ctx context.Context) {
	if v.day == "" || (len(v.views) == 0 && len(v.fresh) == 0) {
		return
	}
	v.lastSave = time.Now()
	if err := v.store.RecordVisits(ctx, v.day, v.views, v.fresh); err != nil {
		v.log("portal visits not saved", "err", err) // counts are kept for the next try
		return
	}
	v.views, v.fresh = map[string]int64{}, nil
}
