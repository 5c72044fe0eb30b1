package store_test

import (
	"context"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestSecurityEndSessionsAndDisable: logout ends every session of its user
// (not others'), and disabling an account deletes its sessions and API
// tokens (so nothing revives them), is audited, and cannot lock out the
// last platform admin (SECURITY.md, Sessions).
func TestSecurityEndSessionsAndDisable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin := storetest.Admin()
		mk := func(phone string, roles ...accounts.Grant) *accounts.User {
			u := &accounts.User{Phone: phone, Name: "用户" + phone[7:], Grants: roles}
			if err := s.CreateUser(admin, u); err != nil {
				t.Fatal(err)
			}
			return u
		}
		a := mk("13900000011", accounts.Grant{Role: accounts.PlatformAdmin})
		b := mk("13900000012", accounts.Grant{Role: accounts.Resident})
		p := store.SessionPolicy{Idle: 3600e9, Absolute: 7200e9}
		count := func(q, id string) int {
			var n int
			if err := s.QueryRowForTest(ctx, q, id).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		a1, _ := s.StartSession(ctx, a.ID, p, false)
		a2, _ := s.StartSession(ctx, a.ID, p, false)
		b1, _ := s.StartSession(ctx, b.ID, p, false)
		if err := s.EndSessions(ctx, a1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, a2, p); err == nil {
			t.Fatal("the user's other session survived logout")
		}
		if _, err := s.SessionUser(ctx, b1, p); err != nil {
			t.Fatal("another user's session ended")
		}
		if err := s.EndSessions(ctx, "no-such-token"); err != nil {
			t.Fatal(err)
		}

		if err := s.DisableUser(admin, a.ID, "手机丢失"); errs.As(err).Key != "role.last_admin" {
			t.Fatalf("disabling the last platform admin: %v", err)
		}
		tok, err := s.CreateAPIToken(admin, b.ID, store.DefaultTokenIdle)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DisableUser(accounts.WithActor(ctx, b), b.ID, "手机丢失"); err == nil {
			t.Fatal("a resident disabled an account")
		}
		if err := s.DisableUser(admin, b.ID, "手机丢失"); err != nil {
			t.Fatal(err)
		}
		if n := count(`SELECT COUNT(*) FROM sessions WHERE user_id = ?`, b.ID); n != 0 {
			t.Fatalf("%d sessions left", n)
		}
		if n := count(`SELECT COUNT(*) FROM api_tokens WHERE user_id = ?`, b.ID); n != 0 {
			t.Fatalf("%d API tokens left", n)
		}
		if _, err := s.TokenUser(ctx, tok, store.DefaultTokenIdle); err == nil {
			t.Fatal("token still works")
		}
		if n := count(`SELECT COUNT(*) FROM audit_entries WHERE action = 'user.disable' AND object_id = ?`, b.ID); n != 1 {
			t.Fatalf("disable audited %d times", n)
		}
	})
}
