package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestRehashPassword(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := &accounts.User{Phone: "13900000011", Name: "王芳", PasswordHash: "$argon2id$old",
			Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
		if err := s.CreateUser(storetest.Admin(), u); err != nil {
			t.Fatal(err)
		}
		policy := store.SessionPolicy{Idle: time.Hour, Absolute: 8 * time.Hour}
		token, err := s.CreateSession(ctx, u.ID, policy)
		if err != nil {
			t.Fatal(err)
		}
		// A sign-in (no actor) rewrites the old hash with the same password's new one.
		if ok, err := s.RehashPassword(ctx, u.ID, "$argon2id$old", "$argon2id$new"); err != nil || !ok {
			t.Fatalf("rehash: %v %v", ok, err)
		}
		got, err := s.FindUserByID(storetest.Admin(), u.ID)
		if err != nil || got.PasswordHash != "$argon2id$new" {
			t.Fatalf("after rehash: %v %+v", err, got)
		}
		// Not a password change: the sessions stay.
		if _, err := s.SessionUser(ctx, token, policy); err != nil {
			t.Fatalf("a rehash ended a session: %v", err)
		}
		// A password changed meanwhile (the stored hash is no longer the one
		// checked) is never overwritten.
		if ok, err := s.RehashPassword(ctx, u.ID, "$argon2id$old", "$argon2id$other"); err != nil || ok {
			t.Fatalf("stale rehash: %v %v", ok, err)
		}
		if got, _ := s.FindUserByID(storetest.Admin(), u.ID); got.PasswordHash != "$argon2id$new" {
			t.Fatalf("overwritten: %s", got.PasswordHash)
		}
	})
}
