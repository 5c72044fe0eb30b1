package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// fakeClock makes s.Now return a time the test moves by hand.
type fakeClock struct{ now time.Time }

func setClock(s *store.Store) *fakeClock {
	c := &fakeClock{now: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
	s.Now = func() time.Time { return c.now }
	return c
}

func (c *fakeClock) advance(d time.Duration) { c.now = c.now.Add(d) }

// wantErr checks err's code, key and field ("" means do not care).
func wantErr(t *testing.T, what string, err error, code errs.Code, key, field string) {
	t.Helper()
	e := errs.As(err)
	if err == nil || e.Code != code || (key != "" && e.Key != key) || (field != "" && e.Field != field) {
		t.Fatalf("%s: got %v, want %s %s (%s)", what, err, code, key, field)
	}
}

func newStaff(t *testing.T, s *store.Store, phone, name string, grants ...accounts.Grant) *accounts.User {
	t.Helper()
	u := &accounts.User{Phone: phone, Name: name, Grants: grants}
	if err := s.CreateUser(storetest.Admin(), u); err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		admin := storetest.Admin()
		u := &accounts.User{Phone: " 138 1234-5678 ", Name: " 王芳 ",
			Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
		if err := s.CreateUser(admin, u); err != nil {
			t.Fatal(err)
		}
		if u.ID == "" || u.Phone != "13812345678" || u.Name != "王芳" || len(u.Grants) != 1 || u.Grants[0].ScopeName != "回龙观街道" {
			t.Fatalf("created %+v", u)
		}
		got, err := s.FindUserByPhone(context.Background(), "13812345678")
		if err != nil || got.ID != u.ID || len(got.Grants) != 1 || got.Grants[0].Role != accounts.StreetStaff ||
			got.Grants[0].ScopeName != "回龙观街道" {
			t.Fatalf("read back %+v %v", got, err)
		}
		if b, _, err := s.FindAuditEntries(admin, audit.Filter{Action: "user.create"}); err != nil || len(b) != 1 ||
			strings.Contains(b[0].Data, "13812345678") {
			t.Fatalf("user.create audit: %+v %v", b, err)
		}

		err = s.CreateUser(admin, &accounts.User{Phone: "+86 138-1234-5678", Name: "另一个人"})
		wantErr(t, "same phone in another spelling", err, errs.Conflict, "user.phone_taken", "phone")
		wantErr(t, "bad phone", s.CreateUser(admin, &accounts.User{Phone: "12345", Name: "某人"}), errs.Invalid, "", "phone")

		// A bad grant refuses the whole user.
		err = s.CreateUser(admin, &accounts.User{Phone: "13900000001", Name: "街道干部",
			Grants: []accounts.Grant{{Role: accounts.StreetStaff}}})
		wantErr(t, "street staff without scope", err, errs.Invalid, "role.scope_required", "scope")
		err = s.CreateUser(admin, &accounts.User{Phone: "13900000001", Name: "街道干部",
			Grants: []accounts.Grant{{Role: accounts.CommunityStaff, ScopeID: "no-such-community"}}})
		wantErr(t, "unknown scope", err, errs.Invalid, "role.scope_unknown", "scope")
		err = s.CreateUser(admin, &accounts.User{Phone: "13900000001", Name: "街道干部",
			Grants: []accounts.Grant{{Role: "mayor"}}})
		wantErr(t, "unknown role", err, errs.Invalid, "role.invalid", "role")
		if _, err := s.FindUserByPhone(context.Background(), "13900000001"); code(t, err) != errs.NotFound {
			t.Fatalf("user with a bad grant was created: %v", err)
		}

		staff := as(u)
		wantErr(t, "street staff creating a user", s.CreateUser(staff, &accounts.User{Phone: "13900000002", Name: "某人"}),
			errs.Forbidden, "", "")
		wantErr(t, "anonymous creating a user", s.CreateUser(context.Background(), &accounts.User{Phone: "13900000002", Name: "某人"}),
			errs.Unauthorized, "", "")

		// Seeing users: self and admins only.
		other := newStaff(t, s, "13900000003", "审计员", accounts.Grant{Role: accounts.Auditor})
		if _, err := s.FindUserByID(staff, u.ID); err != nil {
			t.Fatalf("self: %v", err)
		}
		wantErr(t, "another user", func() error { _, err := s.FindUserByID(staff, other.ID); return err }(), errs.Forbidden, "", "")
		if _, n, err := s.FindUsers(admin, store.UserFilter{Role: accounts.Auditor}); err != nil || n != 1 {
			t.Fatalf("find users by role: %d %v", n, err)
		}
		wantErr(t, "staff listing users", func() error { _, _, err := s.FindUsers(staff, store.UserFilter{}); return err }(),
			errs.Forbidden, "", "")
	})
}

func TestGrants(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, _ := seed(t, s)
		admin := storetest.Admin()
		ctx := context.Background()
		u := newStaff(t, s, "13812345678", "王芳", accounts.Grant{Role: accounts.StreetStaff, ScopeID: st.ID})

		g := &accounts.Grant{UserID: u.ID, Role: accounts.CommunityStaff, ScopeID: c1.ID}
		if err := s.AddGrant(admin, g); err != nil {
			t.Fatal(err)
		}
		if g.ID == "" || g.ScopeName != "龙锦苑二区社区" {
			t.Fatalf("grant %+v", g)
		}
		got, _ := s.FindUserByPhone(ctx, u.Phone)
		if len(got.Grants) != 2 {
			t.Fatalf("grants %+v", got.Grants)
		}
		wantErr(t, "same grant twice", s.AddGrant(admin, &accounts.Grant{UserID: u.ID, Role: accounts.CommunityStaff, ScopeID: c1.ID}),
			errs.Conflict, "role.duplicate", "role")
		wantErr(t, "no scope", s.AddGrant(admin, &accounts.Grant{UserID: u.ID, Role: accounts.OrgAdmin}),
			errs.Invalid, "role.scope_required", "scope")
		wantErr(t, "unknown scope", s.AddGrant(admin, &accounts.Grant{UserID: u.ID, Role: accounts.StreetStaff, ScopeID: "nope"}),
			errs.Invalid, "role.scope_unknown", "scope")
		wantErr(t, "unknown user", s.AddGrant(admin, &accounts.Grant{UserID: "nope", Role: accounts.Auditor}),
			errs.NotFound, "", "")
		// Only platform admins manage roles: not the user, not street staff.
		wantErr(t, "self-promotion", s.AddGrant(as(got), &accounts.Grant{UserID: u.ID, Role: accounts.PlatformAdmin}),
			errs.Forbidden, "", "")
		wantErr(t, "anonymous", s.AddGrant(ctx, &accounts.Grant{UserID: u.ID, Role: accounts.Auditor}), errs.Unauthorized, "", "")
		wantErr(t, "remove by non-admin", s.RemoveGrant(as(got), u.ID, g.ID), errs.Forbidden, "", "")
		wantErr(t, "remove unknown grant", s.RemoveGrant(admin, u.ID, "nope"), errs.NotFound, "", "")
		other := newStaff(t, s, "13900000001", "李强")
		wantErr(t, "remove a grant through another user", s.RemoveGrant(admin, other.ID, g.ID), errs.NotFound, "", "")

		// Removing a role ends the user's sessions at once.
		policy := store.SessionPolicy{Idle: time.Hour, Absolute: 8 * time.Hour}
		token, err := s.CreateSession(ctx, u.ID, policy)
		if err != nil {
			t.Fatal(err)
		}
		otherToken, err := s.CreateSession(ctx, other.ID, policy)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SessionUser(ctx, token, policy); err != nil {
			t.Fatal(err)
		}
		if err := s.RemoveGrant(admin, u.ID, g.ID); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "session after a revoke", func() error { _, err := s.SessionUser(ctx, token, policy); return err }(),
			errs.Unauthorized, "auth.session_expired", "")
		if _, err := s.SessionUser(ctx, otherToken, policy); err != nil {
			t.Fatalf("another user's session ended too: %v", err)
		}
		got, _ = s.FindUserByPhone(ctx, u.Phone)
		if len(got.Grants) != 1 || got.Grants[0].Role != accounts.StreetStaff {
			t.Fatalf("after revoke %+v", got.Grants)
		}
		if _, n, _ := s.FindAuditEntries(admin, audit.Filter{Action: "user.revoke", ObjectID: u.ID}); n != 1 {
			t.Fatalf("%d revoke entries", n)
		}

		// The last platform admin stays.
		a1 := newStaff(t, s, "13900000002", "管理员甲", accounts.Grant{Role: accounts.PlatformAdmin})
		wantErr(t, "last admin", s.RemoveGrant(admin, a1.ID, a1.Grants[0].ID), errs.Conflict, "role.last_admin", "")
		a2 := newStaff(t, s, "13900000003", "管理员乙", accounts.Grant{Role: accounts.PlatformAdmin})
		if err := s.RemoveGrant(as(a2), a1.ID, a1.Grants[0].ID); err != nil {
			t.Fatalf("one of two admins: %v", err)
		}
		wantErr(t, "last admin removing self", s.RemoveGrant(as(a2), a2.ID, a2.Grants[0].ID), errs.Conflict, "role.last_admin", "")
	})
}

func TestSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := setClock(s)
		ctx := context.Background()
		u := newStaff(t, s, "13812345678", "王芳", accounts.Grant{Role: accounts.Auditor})
		policy := store.SessionPolicy{Idle: 30 * time.Minute, Absolute: 8 * time.Hour}
		sessionErr := func(token string) error { _, err := s.SessionUser(ctx, token, policy); return err }

		wantErr(t, "no token", sessionErr(""), errs.Unauthorized, "auth.required", "")
		wantErr(t, "unknown token", sessionErr("nope"), errs.Unauthorized, "auth.session_expired", "")

		// Idle timeout: each use moves the idle deadline.
		token, err := s.CreateSession(ctx, u.ID, policy)
		if err != nil || len(token) < 32 {
			t.Fatalf("token %q %v", token, err)
		}
		got, err := s.SessionUser(ctx, token, policy)
		if err != nil || got.ID != u.ID || len(got.Grants) != 1 {
			t.Fatalf("session user %+v %v", got, err)
		}
		clock.advance(20 * time.Minute)
		if err := sessionErr(token); err != nil {
			t.Fatalf("20 minutes in: %v", err)
		}
		clock.advance(25 * time.Minute) // 45 since sign-in, 25 since last use
		if err := sessionErr(token); err != nil {
			t.Fatalf("used 25 minutes ago: %v", err)
		}
		clock.advance(31 * time.Minute)
		wantErr(t, "idle 31 minutes", sessionErr(token), errs.Unauthorized, "auth.session_expired", "")
		clock.advance(-31 * time.Minute) // an expired session is deleted, not just refused
		wantErr(t, "expired session comes back", sessionErr(token), errs.Unauthorized, "auth.session_expired", "")

		// Absolute timeout: used every 20 minutes, it still ends after 8 hours.
		token, err = s.CreateSession(ctx, u.ID, policy)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 24; i++ {
			clock.advance(20 * time.Minute)
			if err := sessionErr(token); err != nil {
				t.Fatalf("active session refused after %v: %v", time.Duration(i+1)*20*time.Minute, err)
			}
		}
		clock.advance(20 * time.Minute)
		wantErr(t, "8h20m after sign-in", sessionErr(token), errs.Unauthorized, "auth.session_expired", "")

		// Logout.
		token, err = s.CreateSession(ctx, u.ID, policy)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteSession(ctx, token); err != nil {
			t.Fatal(err)
		}
		wantErr(t, "after logout", sessionErr(token), errs.Unauthorized, "auth.session_expired", "")
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin := storetest.Admin()
		u := newStaff(t, s, "13812345678", "王芳", accounts.Grant{Role: accounts.Auditor})
		other := newStaff(t, s, "13900000001", "李强", accounts.Grant{Role: accounts.Auditor})

		token, err := s.CreateAPIToken(admin, u.ID, store.DefaultTokenIdle)
		if err != nil || !strings.HasPrefix(token, "ht_") {
			t.Fatalf("token %q %v", token, err)
		}
		got, err := s.TokenUser(ctx, token, store.DefaultTokenIdle)
		if err != nil || got.ID != u.ID || len(got.Grants) != 1 {
			t.Fatalf("token user %+v %v", got, err)
		}
		own, err := s.CreateAPIToken(as(u), u.ID, store.DefaultTokenIdle)
		if err != nil || own == token {
			t.Fatalf("own token %q %v", own, err)
		}
		wantErr(t, "token for someone else", func() error { _, err := s.CreateAPIToken(as(other), u.ID, store.DefaultTokenIdle); return err }(),
			errs.Forbidden, "", "")
		wantErr(t, "anonymous", func() error { _, err := s.CreateAPIToken(ctx, u.ID, store.DefaultTokenIdle); return err }(), errs.Unauthorized, "", "")
		wantErr(t, "unknown user", func() error { _, err := s.CreateAPIToken(admin, "nope", store.DefaultTokenIdle); return err }(), errs.NotFound, "", "")
		wantErr(t, "unknown token", func() error { _, err := s.TokenUser(ctx, "ht_nope", store.DefaultTokenIdle); return err }(),
			errs.Unauthorized, "auth.token_invalid", "")
		entries, _, err := s.FindAuditEntries(admin, audit.Filter{Action: "user.token"})
		if err != nil || len(entries) != 2 {
			t.Fatalf("token audit: %d %v", len(entries), err)
		}
		for _, e := range entries {
			if strings.Contains(e.Data, strings.TrimPrefix(token, "ht_")) || strings.Contains(e.Data, strings.TrimPrefix(own, "ht_")) {
				t.Fatalf("token in the audit log: %s", e.Data)
			}
		}
	})
}

// TestAPITokenExpiry: a token unused for the idle time stops working
// (auth.token_expired), each use moves its expiry on, and a token from
// before expiries existed counts from its last use.
func TestAPITokenExpiry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := setClock(s)
		ctx := context.Background()
		const idle = 10 * 24 * time.Hour
		u := newStaff(t, s, "13812345670", "王芳", accounts.Grant{Role: accounts.Auditor})
		token, err := s.CreateAPIToken(storetest.Admin(), u.ID, idle)
		if err != nil {
			t.Fatal(err)
		}
		use := func(what string, want string) {
			t.Helper()
			_, err := s.TokenUser(ctx, token, idle)
			if want == "" && err != nil || want != "" && errs.As(err).Key != want {
				t.Fatalf("%s: %v, want %q", what, err, want)
			}
		}
		clock.advance(9 * 24 * time.Hour)
		use("nine days unused", "")
		clock.advance(9 * 24 * time.Hour) // 18 days after creation, 9 after the last use
		use("used nine days ago", "")
		clock.advance(10*24*time.Hour + time.Second)
		use("ten days unused", "auth.token_expired")

		// A token issued before expiries: no expires_at, counted from its use.
		old, err := s.CreateAPIToken(storetest.Admin(), u.ID, idle)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ExecForTest(ctx, `UPDATE api_tokens SET expires_at = NULL, last_used_at = ? WHERE user_id = ? AND last_used_at IS NULL`,
			clock.now.Add(-11*24*time.Hour), u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, old, idle); errs.As(err).Key != "auth.token_expired" {
			t.Fatalf("an old token unused for 11 days: %v", err)
		}
		// The next token issued sweeps the expired ones away.
		if _, err := s.CreateAPIToken(storetest.Admin(), u.ID, idle); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, token, idle); errs.As(err).Key != "auth.token_invalid" {
			t.Fatalf("an expired token after the sweep: %v", err)
		}
	})
}

func TestLoginCodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := setClock(s)
		ctx := context.Background()
		const phone = "13812345678"
		save := func(code string) {
			t.Helper()
			if err := s.SaveLoginCode(ctx, phone, code, 5*time.Minute); err != nil {
				t.Fatal(err)
			}
		}
		wrong := func(what, code string) {
			t.Helper()
			wantErr(t, what, s.CheckLoginCode(ctx, phone, code), errs.Invalid, "auth.code_wrong", "code")
		}

		wrong("no code sent", "123456")
		save("123456")
		if err := s.CheckLoginCode(ctx, phone, "123456"); err != nil {
			t.Fatalf("right code: %v", err)
		}
		wrong("code used twice", "123456")

		// Four wrong guesses leave the code usable.
		save("234567")
		for i := 0; i < store.MaxCodeAttempts-1; i++ {
			wrong("wrong guess", "000000")
		}
		if err := s.CheckLoginCode(ctx, phone, "234567"); err != nil {
			t.Fatalf("right code after %d wrong guesses: %v", store.MaxCodeAttempts-1, err)
		}
		// Five burn it: the attempts are counted even though each check fails.
		save("345678")
		for i := 0; i < store.MaxCodeAttempts; i++ {
			wrong("wrong guess", "000000")
		}
		wrong("right code after five wrong guesses", "345678")

		// Expiry.
		save("456789")
		clock.advance(5*time.Minute + time.Second)
		wrong("expired code", "456789")

		// A new code replaces the old one; codes are per phone.
		save("111111")
		save("222222")
		wrong("replaced code", "111111")
		wantErr(t, "another phone", s.CheckLoginCode(ctx, "13900000001", "222222"), errs.Invalid, "auth.code_wrong", "code")
		if err := s.CheckLoginCode(ctx, phone, "222222"); err != nil {
			t.Fatalf("latest code: %v", err)
		}
	})
}

func TestEnsureResident(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u, err := s.EnsureResident(ctx, "13812345678")
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == "" || u.Phone != "13812345678" || u.Name != "居民5678" || len(u.Grants) != 1 ||
			u.Grants[0].Role != accounts.Resident || u.IsStaff() {
			t.Fatalf("resident %+v", u)
		}
		for _, phone := range []string{"13812345678", "+86 138 1234 5678"} {
			again, err := s.EnsureResident(ctx, phone)
			if err != nil || again.ID != u.ID || len(again.Grants) != 1 {
				t.Fatalf("%s: second sign-in %+v %v", phone, again, err)
			}
		}
		wantErr(t, "not a phone", func() error { _, err := s.EnsureResident(ctx, "123"); return err }(), errs.Invalid, "", "phone")
		if _, n, _ := s.FindAuditEntries(storetest.Admin(), audit.Filter{Action: "user.signup"}); n != 1 {
			t.Fatalf("%d sign-up entries", n)
		}
		// An existing staff account is returned as it is, not given a resident role.
		staff := newStaff(t, s, "13900000001", "王芳", accounts.Grant{Role: accounts.Auditor})
		got, err := s.EnsureResident(ctx, staff.Phone)
		if err != nil || got.ID != staff.ID || len(got.Grants) != 1 || got.Grants[0].Role != accounts.Auditor {
			t.Fatalf("staff through EnsureResident: %+v %v", got, err)
		}
	})
}
