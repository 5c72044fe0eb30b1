package web

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A crowd arriving at an empty cache makes the page once; the others wait
// for that copy. A new change generation or the end of the ttl makes it
// again; a page that is not a plain 200 is never kept.
func TestVisitorCacheMakesOnce(t *testing.T) {
	var gen atomic.Int64
	a := &app{visitorPages: newVisitorCache(time.Hour, 4, gen.Load)}
	var made atomic.Int32
	gate := make(chan struct{})
	page := a.cached(func(w http.ResponseWriter, r *http.Request) {
		made.Add(1)
		<-gate
		w.Write([]byte("<p>board " + csrfPlaceholder(r.Context()) + "</p>"))
	})
	get := func() string {
		rec := httptest.NewRecorder()
		page(rec, httptest.NewRequest("GET", "/needs", nil))
		return rec.Body.String()
	}
	var wg sync.WaitGroup
	bodies := make([]string, 16)
	for i := range bodies {
		wg.Go(func() { bodies[i] = get() })
	}
	for made.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	for _, b := range bodies {
		if b != "<p>board </p>" { // no token without the session middleware
			t.Fatalf("body %q", b)
		}
	}
	if made.Load() != 1 {
		t.Fatalf("made %d times for 16 visitors", made.Load())
	}
	get()
	if made.Load() != 1 {
		t.Fatal("a fresh copy was made again")
	}
	gen.Add(1)
	get()
	if made.Load() != 2 {
		t.Fatal("a new change generation did not make the page again")
	}
	// A visitor arriving after a change does not wait for a page being
	// made before it.
	slow, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	later := a.cached(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			close(slow)
			<-release
		}
		w.Write([]byte("page"))
	})
	go func() {
		rec := httptest.NewRecorder()
		later(rec, httptest.NewRequest("GET", "/needs/later", nil))
	}()
	<-slow
	gen.Add(1)
	done := make(chan struct{})
	go func() {
		later(httptest.NewRecorder(), httptest.NewRequest("GET", "/needs/later", nil))
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatal("a visitor after a change waited for a page made before it")
	}
	close(release)
	if calls.Load() != 2 {
		t.Fatalf("made %d times", calls.Load())
	}
	// Not kept: an error page, a page setting a cookie, a signed-in request.
	for _, h := range []http.HandlerFunc{
		func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) },
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Set-Cookie", "x=1")
			w.Write([]byte("x"))
		},
	} {
		var n atomic.Int32
		p := a.cached(func(w http.ResponseWriter, r *http.Request) { n.Add(1); h(w, r) })
		for range 2 {
			p(httptest.NewRecorder(), httptest.NewRequest("GET", "/needs/x", nil))
		}
		if n.Load() != 2 { // once a request: not kept, but sent as made
			t.Fatalf("a page not to keep ran %d times for 2 requests", n.Load())
		}
	}
	signedIn := httptest.NewRequest("GET", "/needs", nil)
	signedIn.AddCookie(&http.Cookie{Name: "huitian_session", Value: "s"})
	if _, ok := a.visitorPages.key(signedIn); ok {
		t.Fatal("a request with a session cookie may share a copy")
	}
	// At most max copies (4): a fifth address is made but not kept.
	for _, p := range []string{"/a", "/b", "/c", "/d", "/e"} {
		page(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	if len(a.visitorPages.entries) > 4 {
		t.Fatalf("%d copies kept", len(a.visitorPages.entries))
	}
}
