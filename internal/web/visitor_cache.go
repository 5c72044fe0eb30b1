package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/server"
)

// visitorCache keeps, for a second, the public pages visitors read most (the
// need board and its searches, need pages, the home page, the directory of
// organizations and its searches, organization pages) as rendered for
// a visitor without a session, one copy per address, language and display
// mode. A crowd reading the board then costs the node one database read and
// one rendering a second, not one a visit. Only visitors share a copy: a
// request with a session cookie or a message to show (flash) is rendered for
// itself, and nothing personal is on these pages for a visitor. The one part
// that differs between visitors, the form token of the language switch, is
// rendered as a placeholder and replaced on the way out. A copy is dropped
// after ttl or as soon as this node has read a change from the store's change
// feed (any node's committed change), whichever comes first; at most max
// copies are kept.
type visitorCache struct {
	ttl         time.Duration
	max         int
	seq         func() int64 // the change feed position this node has read
	placeholder string       // stands for the visitor's form token in a copy

	mu      sync.Mutex
	entries map[string]*cachedPage
}

type cachedPage struct {
	ready  chan struct{} // closed once filled (or abandoned: body nil)
	made   time.Time
	seq    int64
	status int
	header http.Header
	body   []byte
}

func newVisitorCache(ttl time.Duration, max int, seq func() int64) *visitorCache {
	b := make([]byte, 32)
	rand.Read(b)
	return &visitorCache{ttl: ttl, max: max, seq: seq, placeholder: hex.EncodeToString(b),
		entries: map[string]*cachedPage{}}
}

type placeholderKey struct{}

// csrfPlaceholder is the token a page is rendered with when it is made for
// the cache ("" otherwise).
func csrfPlaceholder(ctx context.Context) string {
	s, _ := ctx.Value(placeholderKey{}).(string)
	return s
}

// cached serves h through the cache when the request is a visitor's.
func (a *app) cached(h http.HandlerFunc) http.HandlerFunc {
	c := a.visitorPages
	return func(w http.ResponseWriter, r *http.Request) {
		key, ok := c.key(r)
		if !ok {
			h(w, r)
			return
		}
		e, fill := c.lookup(key)
		if fill {
			// Made for everyone, sent to this visitor whether kept or not.
			a.writeCached(w, r, c.fill(key, e, h, r))
			return
		}
		select {
		case <-e.ready:
		case <-r.Context().Done():
			return
		}
		if e.body == nil { // the page was not one to keep (an error, a cookie)
			h(w, r)
			return
		}
		a.writeCached(w, r, e)
	}
}

// key is the copy a request may share, if any.
func (c *visitorCache) key(r *http.Request) (string, bool) {
	if c == nil || r.Method != http.MethodGet || accounts.ActorFrom(r.Context()) != nil || server.HasSessionCookie(r) {
		return "", false
	}
	if _, err := r.Cookie(flashCookie); err == nil {
		return "", false
	}
	mode := "n"
	if elderlyCookie(r) {
		mode = "e"
	}
	return string(server.Lang(r)) + " " + mode + " " + r.URL.RequestURI(), true
}

// lookup returns the fresh copy for key, or a new empty one that the caller
// must fill (fill true).
func (c *visitorCache) lookup(key string) (e *cachedPage, fill bool) {
	now, seq := time.Now(), c.seq()
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[key]; e != nil {
		select {
		case <-e.ready:
			if e.body != nil && now.Sub(e.made) < c.ttl && e.seq == seq {
				return e, false
			}
		default:
			if e.seq == seq {
				return e, false // being made: wait for it
			}
			// Being made from before a change: a visitor who comes after
			// the change gets a page made after it.
		}
	}
	if len(c.entries) >= c.max {
		for k, old := range c.entries {
			select {
			case <-old.ready:
				if now.Sub(old.made) >= c.ttl || old.seq != seq || old.body == nil {
					delete(c.entries, k)
				}
			default:
			}
		}
	}
	e = &cachedPage{ready: make(chan struct{}), made: now, seq: seq}
	if len(c.entries) < c.max {
		c.entries[key] = e
	}
	return e, true
}

// fill renders the visitor's page with the placeholder token, keeps it in
// e when it is a plain 200 page, and returns it either way.
func (c *visitorCache) fill(key string, e *cachedPage, h http.HandlerFunc, r *http.Request) *cachedPage {
	defer close(e.ready)
	rec := &pageRecorder{header: http.Header{}, status: http.StatusOK}
	r2 := r.Clone(context.WithValue(r.Context(), placeholderKey{}, c.placeholder))
	r2.Header.Del("Accept-Encoding") // the copy is kept plain; compressed per request
	h(rec, r2)
	page := &cachedPage{status: rec.status, header: rec.header, body: rec.body.Bytes()}
	if rec.status != http.StatusOK || rec.header.Get("Set-Cookie") != "" {
		c.mu.Lock()
		if c.entries[key] == e {
			delete(c.entries, key)
		}
		c.mu.Unlock()
		return page
	}
	e.status, e.header, e.body = page.status, page.header, page.body
	return page
}

// writeCached sends a copy with this visitor's token in it.
func (a *app) writeCached(w http.ResponseWriter, r *http.Request, e *cachedPage) {
	for k, vs := range e.header {
		switch k {
		case "Content-Length", "Content-Encoding":
		case "Vary", "Link": // beside what the middleware set (Vary: Cookie)
			w.Header()[k] = append(w.Header()[k], vs...)
		default:
			w.Header()[k] = append([]string(nil), vs...)
		}
	}
	body := bytes.ReplaceAll(e.body, []byte(a.visitorPages.placeholder), []byte(server.CSRFToken(r)))
	if len(body) > 1024 && acceptsGzip(r) {
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(e.status)
		a.pages.writeGzip(w, body)
		return
	}
	w.WriteHeader(e.status)
	w.Write(body)
}

// pageRecorder captures a page made for the cache.
type pageRecorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (p *pageRecorder) Header() http.Header { return p.header }

func (p *pageRecorder) WriteHeader(status int) {
	if !p.wrote {
		p.status, p.wrote = status, true
	}
}

func (p *pageRecorder) Write(b []byte) (int, error) {
	p.wrote = true
	return p.body.Write(b)
}
