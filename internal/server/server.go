// Package server is the HTTP frame around the web pages and the JSON API:
// the outer mux, middleware (request IDs, logging, metrics, security
// headers, body limits, sessions, CSRF, rate limits) and health endpoints.
// It does not know the pages or API routes; cli wires them in.
package server

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/store"
)

// Deps is what the server needs.
type Deps struct {
	Config config.Config
	Store  *store.Store
	Logger *slog.Logger
	// Web serves every HTML page and /static/; API serves /api/v1/.
	Web http.Handler
	API http.Handler
	// Sessions is shared with the web handlers that sign people in and out.
	Sessions *Sessions
	// Ready, when set, must hold for /readyz to answer ready (the matching
	// index is built).
	Ready func() bool
	// Collectors are more metrics for /metrics (the node's pools, jobs,
	// change feed).
	Collectors []prometheus.Collector
}

// replicaForVisitors lets the pages a visitor reads without signing in
// (the public board, directory, catalog) come from a read replica that is
// at most its bound behind; signed-in people read the primary, so what they
// just wrote is always there.
func replicaForVisitors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && accounts.ActorFrom(r.Context()) == nil {
			r = r.WithContext(store.ReplicaOK(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

// New builds the whole handler.
func New(d Deps) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := newMetrics(reg)
	reg.MustRegister(d.Collectors...)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := d.Store.Ping(r.Context()); err != nil {
			d.Logger.Error("readiness: database unreachable", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("database unreachable\n"))
			return
		}
		if d.Ready != nil && !d.Ready() {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("matching index building\n"))
			return
		}
		w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	// The API authenticates by bearer token only, so it needs neither the
	// session cookie nor CSRF checks.
	mux.Handle("/api/", capturePattern(d.API))
	mux.Handle("/", capturePattern(d.Sessions.Middleware(replicaForVisitors(d.Web))))

	var h http.Handler = mux
	h = limitBody(h, d.Config.MaxBodyBytes, d.Config.ImportMaxBytes)
	h = securityHeaders(h)
	h = m.middleware(h)
	h = recoverPanics(h, d.Logger)
	h = logRequests(h, d.Logger)
	h = requestID(h)
	return flushing{h, d.Web}
}

// Flusher is a handler that holds something in memory to write once the
// server takes no more requests (the portal's visit counts): the serve
// command calls Flush after a graceful shutdown.
type Flusher interface {
	Flush(ctx context.Context)
}

// flushing is the whole handler, passing Flush on to the pages'.
type flushing struct {
	http.Handler
	web http.Handler
}

func (f flushing) Flush(ctx context.Context) {
	if w, ok := f.web.(Flusher); ok {
		w.Flush(ctx)
	}
}
