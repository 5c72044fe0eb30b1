package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestCeremonies: a passkey ceremony begun on one app node ends on another,
// once; an expired one is refused; the cookie's secret is stored hashed.
func TestCeremonies(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			ctx := context.Background()
			a, b := open(t, dsn), open(t, dsn)
			if _, err := a.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			const id = "0123456789abcdef0123456789abcdef"
			want := store.Ceremony{Data: `{"challenge":"abc"}`, UserID: "u1"}
			if err := a.PutCeremony(ctx, id, want, time.Now().Add(5*time.Minute)); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := a.QueryRowForTest(ctx, `SELECT COUNT(*) FROM webauthn_ceremonies WHERE id_hash = ?`, id).Scan(&n); err != nil || n != 0 {
				t.Fatalf("the cookie's secret stored in clear: %d %v", n, err)
			}
			if got, ok, err := b.TakeCeremony(ctx, id); err != nil || !ok || got != want {
				t.Fatalf("the other node: %+v %v %v", got, ok, err)
			}
			if _, ok, err := a.TakeCeremony(ctx, id); err != nil || ok {
				t.Fatalf("a ceremony used twice: %v %v", ok, err)
			}
			if err := a.PutCeremony(ctx, "old", want, time.Now().Add(-time.Second)); err != nil {
				t.Fatal(err)
			}
			if _, ok, err := b.TakeCeremony(ctx, "old"); err != nil || ok {
				t.Fatalf("an expired ceremony: %v %v", ok, err)
			}
		})
	}
}
