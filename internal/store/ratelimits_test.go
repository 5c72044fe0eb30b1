package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestSharedRateLimits: two app nodes on one database count the same
// attempts; a window ends after its length; a reset forgets the key; old
// counters are pruned; keys are stored hashed.
func TestSharedRateLimits(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			ctx := context.Background()
			a, b := open(t, dsn), open(t, dsn)
			if _, err := a.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			a.Now, b.Now = clock, clock
			la := server.NewSharedLimiter(a, "web.login", 3, 15*time.Minute)
			lb := server.NewSharedLimiter(b, "web.login", 3, 15*time.Minute)
			other := server.NewSharedLimiter(b, "web.code", 3, 15*time.Minute)
			const phone = "13812345678"
			for i, l := range []*server.Limiter{la, lb, la} {
				if ok, _ := l.Allow(phone); !ok {
					t.Fatalf("attempt %d refused", i+1)
				}
			}
			if ok, wait := lb.Allow(phone); ok || wait <= 0 || wait > 15*time.Minute {
				t.Fatalf("the fourth attempt, on the other node: ok=%v wait=%v", ok, wait)
			}
			if ok, _ := other.Allow(phone); !ok {
				t.Fatal("another limit shares the count")
			}
			now = now.Add(16 * time.Minute)
			if ok, _ := la.Allow(phone); !ok {
				t.Fatal("a new window still refused")
			}
			lb.Reset(phone)
			for i := range 3 {
				if ok, _ := la.Allow(phone); !ok {
					t.Fatalf("after a reset, attempt %d refused", i+1)
				}
			}
			var n int
			if err := a.QueryRowForTest(ctx, `SELECT COUNT(*) FROM rate_limits WHERE key_hash = ?`, phone).Scan(&n); err != nil || n != 0 {
				t.Fatalf("a phone number stored in clear: %d %v", n, err)
			}
			now = now.Add(48 * time.Hour)
			if pruned, err := a.PruneRateLimits(ctx, 24*time.Hour); err != nil || pruned != 2 {
				t.Fatalf("pruned %d %v", pruned, err)
			}
		})
	}
}

var _ server.Counter = (*store.Store)(nil)
