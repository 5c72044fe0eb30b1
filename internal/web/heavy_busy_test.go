package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/heavy"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
	"github.com/huitian/huitian/internal/web"
)

// TestDirectorySearchBusy: while every heavy-work turn is taken (sign-ins,
// other searches), the directory's ranked search waits a moment and then
// says so — 503, Retry-After, the Chinese message above an empty list —
// while the plain directory and the need board keep answering; with the
// turn free again the same search ranks.
func TestDirectorySearchBusy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := context.Background()
		live, err := match.NewLive(s, search.NewAnalyzer(search.Options{}), match.DefaultWeights())
		if err != nil {
			t.Fatal(err)
		}
		if err := live.Build(ctx); err != nil {
			t.Fatal(err)
		}
		work := heavy.New(heavy.Limits{Concurrent: 1, MaxWait: 20 * time.Millisecond})
		live.Work = work
		cfg := config.Default()
		cfg.VisitorCache = 0
		log := slog.New(slog.NewTextHandler(f.logs, nil))
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		sessions := server.NewSessions(s, cfg, log)
		pages, err := web.New(web.Deps{Config: cfg, Store: s, Catalog: cat, Sessions: sessions, Logger: log,
			Sender: f.inbox, Match: live, Passwords: accounts.NewPasswords(work)})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(server.New(server.Deps{Config: cfg, Store: s, Logger: log, Web: pages,
			API: http.NotFoundHandler(), Sessions: sessions}))
		t.Cleanup(srv.Close)
		g := *f
		g.srv = srv
		anon := g.browser(t)
		search := "/organizations?q=" + url.QueryEscape("养老")

		turn, err := work.Wait(ctx) // a sign-in elsewhere holds the only turn
		if err != nil {
			t.Fatal(err)
		}
		code, body, h := anon.get(search)
		if code != http.StatusServiceUnavailable || h.Get("Retry-After") != "1" ||
			!strings.Contains(body, "现在搜索和推荐的人较多，请稍后再试") || strings.Contains(body, f.org.Name+"</a>") {
			t.Fatalf("busy search: %d retry %q %s", code, h.Get("Retry-After"), between(body, `id="search-notice"`, "</p>"))
		}
		for _, p := range []string{"/organizations", "/needs"} {
			if code, _, _ := anon.get(p); code != http.StatusOK {
				t.Fatalf("%s while searches wait: %d", p, code)
			}
		}
		if st := work.Stats(); st.RefusedWait != 1 || st.Running != 1 {
			t.Fatalf("gate: %+v", st)
		}
		turn.Done()
		if code, body, _ := anon.get(search); code != http.StatusOK || !strings.Contains(body, "<mark>养老") {
			t.Fatalf("search with a free turn: %d", code)
		}
	})
}
