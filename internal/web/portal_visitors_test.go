package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/huitian/huitian/internal/config"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
	"github.com/huitian/huitian/internal/web"
)

// TestPortalVisitorsAcrossNodes: two app nodes on one database hash a
// visitor with the day's shared salt, so a resident whose requests reach
// both is one visitor of the day, not two.
func TestPortalVisitorsAcrossNodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		cfg := config.Default()
		cfg.VisitorCache = 0
		log := slog.New(slog.NewTextHandler(os.Stderr, nil))
		cat, err := i18n.Load()
		if err != nil {
			t.Fatal(err)
		}
		node := func() http.Handler {
			h, err := web.New(web.Deps{Config: cfg, Store: s, Catalog: cat, Sessions: server.NewSessions(s, cfg, log), Logger: log})
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		visit := func(h http.Handler, ua string) {
			r := httptest.NewRequest(http.MethodGet, "/portal", nil)
			r.RemoteAddr = "203.0.113.7:40000"
			r.Header.Set("User-Agent", ua)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("/portal: %d", w.Code)
			}
		}
		// Each node writes its first count at once.
		visit(node(), "Mozilla/5.0 (Linux; Android 10; 老年机)")
		visit(node(), "Mozilla/5.0 (Linux; Android 10; 老年机)")
		visit(node(), "Mozilla/5.0 (iPhone)")
		o, err := s.Overview(storetest.Admin(), store.DashboardFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if o.PortalViews != 3 || o.PortalVisitors != 2 {
			t.Fatalf("views %d visitors %d, want 3 and 2", o.PortalViews, o.PortalVisitors)
		}
	})
}
