package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestReadyzWaitsForReady: /readyz answers 503 until Deps.Ready holds (the
// matching index is built), while /healthz is fine all along.
func TestReadyzWaitsForReady(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var ready atomic.Bool
	cfg := config.Config{}
	h := server.New(server.Deps{Config: cfg, Store: s, Logger: log, Web: http.NotFoundHandler(), API: http.NotFoundHandler(),
		Sessions: server.NewSessions(s, cfg, log), Ready: ready.Load})
	get := func(path string) int {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w.Code
	}
	if got := get("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("readyz before ready: %d", got)
	}
	if got := get("/healthz"); got != http.StatusOK {
		t.Fatalf("healthz: %d", got)
	}
	ready.Store(true)
	if got := get("/readyz"); got != http.StatusOK {
		t.Fatalf("readyz when ready: %d", got)
	}
}
