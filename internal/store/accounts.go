package store

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}

func findUser(ctx context.Context, c conn, where string, arg any) (*accounts.User, error) {
	u := &accounts.User{}
	err := c.row(ctx, `SELECT id, phone, name, password_hash, disabled, created_at, updated_at FROM users WHERE `+where, arg).
		Scan(&u.ID, &u.Phone, &u.Name, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("user")
	}
	if err != nil {
		return nil, err
	}
	u.Grants, err = findGrants(ctx, c, u.ID)
	return u, err
}

// grantScopeName resolves the display name of a grant's scope object.
const grantSelect = `SELECT g.id, g.user_id, g.role, g.scope_id, g.created_at,
	COALESCE(s.name, c.name, o.name, m.name, '')
	FROM grants g
	LEFT JOIN streets s ON s.id = g.scope_id AND g.role = 'street_staff'
	LEFT JOIN communities c ON c.id = g.scope_id AND g.role = 'community_staff'
	LEFT JOIN organizations o ON o.id = g.scope_id AND g.role IN ('org_admin', 'org_member')
	LEFT JOIN merchants m ON m.id = g.scope_id AND g.role = 'merchant'`

func findGrants(ctx context.Context, c conn, userID string) ([]accounts.Grant, error) {
	rows, err := c.query(ctx, grantSelect+` WHERE g.user_id = ? ORDER BY g.created_at, g.id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []accounts.Grant
	for rows.Next() {
		var g accounts.Grant
		if err := rows.Scan(&g.ID, &g.UserID, &g.Role, &g.ScopeID, &g.CreatedAt, &g.ScopeName); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// FindUserByID returns a user with grants (the actor may see it).
func (s *Store) FindUserByID(ctx context.Context, id string) (*accounts.User, error) {
	u, err := findUser(ctx, s.read(), `id = ?`, id)
	if err != nil {
		return nil, s.translate(err)
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View, userResource(u)); err != nil {
		return nil, err
	}
	return u, nil
}

// FindUserByPhone is for sign-in and the command line: no actor check.
func (s *Store) FindUserByPhone(ctx context.Context, phone string) (*accounts.User, error) {
	u, err := findUser(ctx, s.read(), `phone = ?`, phone)
	return u, s.translate(err)
}

// FindUserForLogin returns a user by id for a sign-in ceremony (a passkey
// names its account): no actor check, like FindUserByPhone.
func (s *Store) FindUserForLogin(ctx context.Context, id string) (*accounts.User, error) {
	u, err := findUser(ctx, s.read(), `id = ?`, id)
	return u, s.translate(err)
}

func userResource(u *accounts.User) accounts.Resource {
	return accounts.Resource{Kind: accounts.KindUser, ID: u.ID, OwnerID: u.ID}
}

// CreateUser adds a user with the given grants (and password hash for staff).
func (s *Store) CreateUser(ctx context.Context, u *accounts.User) error {
	if err := accounts.ValidateNewUser(u); err != nil {
		return err
	}
	u.ID = newID()
	actor := accounts.ActorFrom(ctx)
	if err := accounts.Can(actor, accounts.Create, userResource(u)); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		var n int
		if err := c.row(ctx, `SELECT COUNT(*) FROM users WHERE phone = ?`, u.Phone).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &errs.Error{Code: errs.Conflict, Key: "user.phone_taken", Field: "phone"}
		}
		u.CreatedAt, u.UpdatedAt = c.now, c.now
		if _, err := c.exec(ctx, `INSERT INTO users (id, phone, name, password_hash, disabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, u.Phone, u.Name, u.PasswordHash, false, u.CreatedAt, u.UpdatedAt); err != nil {
			return err
		}
		if err := record(ctx, c, "user.create", userResource(u), map[string]any{"phone": accounts.MaskPhone(u.Phone),
			"name": u.Name}); err != nil {
			return err
		}
		grants := u.Grants
		u.Grants = nil
		for _, g := range grants {
			g.UserID = u.ID
			if err := addGrant(ctx, c, &g); err != nil {
				return err
			}
			u.Grants = append(u.Grants, g)
		}
		return nil
	})
}

// resolveScope checks a grant's scope object exists and fills its name.
func resolveScope(ctx context.Context, c conn, g *accounts.Grant) error {
	var table string
	switch accounts.ScopeKindOf(g.Role) {
	case accounts.ScopeStreet:
		table = "streets"
	case accounts.ScopeCommunity:
		table = "communities"
	case accounts.ScopeOrganization:
		table = "organizations"
	case accounts.ScopeMerchant:
		table = "merchants"
	default:
		return nil // unscoped roles need nothing
	}
	err := c.row(ctx, `SELECT name FROM `+table+` WHERE id = ?`, g.ScopeID).Scan(&g.ScopeName)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.Field("scope", "role.scope_unknown")
	}
	return err
}

func addGrant(ctx context.Context, c conn, g *accounts.Grant) error {
	if err := accounts.ValidateGrant(g); err != nil {
		return err
	}
	if err := resolveScope(ctx, c, g); err != nil {
		return err
	}
	g.ID, g.CreatedAt = newID(), c.now
	if _, err := c.exec(ctx, `INSERT INTO grants (id, user_id, role, scope_id, created_at) VALUES (?, ?, ?, ?, ?)`,
		g.ID, g.UserID, g.Role, g.ScopeID, g.CreatedAt); err != nil {
		if errs.CodeOf(translateAny(c, err)) == errs.Conflict {
			return &errs.Error{Code: errs.Conflict, Key: "role.duplicate", Field: "role"}
		}
		return err
	}
	return record(ctx, c, "user.grant", accounts.Resource{Kind: accounts.KindUser, ID: g.UserID, StreetID: streetOfScope(g)},
		map[string]any{"role": g.Role, "scope": g.ScopeName, "scope_id": g.ScopeID})
}

func streetOfScope(g *accounts.Grant) string {
	if g.Role == accounts.StreetStaff {
		return g.ScopeID
	}
	return ""
}

// translateAny translates a driver error without a Store at hand.
func translateAny(c conn, err error) error {
	return (&Store{dialect: c.d}).translate(err)
}

// AddGrant gives a user one more role (platform admins only).
func (s *Store) AddGrant(ctx context.Context, g *accounts.Grant) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ManageRoles, accounts.Resource{Kind: accounts.KindUser, ID: g.UserID}); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		if _, err := findUser(ctx, c, `id = ?`, g.UserID); err != nil {
			return err
		}
		return addGrant(ctx, c, g)
	})
}

// RemoveGrant takes a role away; an admin cannot remove the last platform admin.
func (s *Store) RemoveGrant(ctx context.Context, userID, grantID string) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ManageRoles, accounts.Resource{Kind: accounts.KindUser, ID: userID}); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		var g accounts.Grant
		err := c.row(ctx, `SELECT id, user_id, role, scope_id FROM grants WHERE id = ? AND user_id = ?`, grantID, userID).
			Scan(&g.ID, &g.UserID, &g.Role, &g.ScopeID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("grant")
		}
		if err != nil {
			return err
		}
		if g.Role == accounts.PlatformAdmin {
			var n int
			if err := c.row(ctx, `SELECT COUNT(*) FROM grants WHERE role = 'platform_admin'`).Scan(&n); err != nil {
				return err
			}
			if n <= 1 {
				return errs.E(errs.Conflict, "role.last_admin")
			}
		}
		if _, err := c.exec(ctx, `DELETE FROM grants WHERE id = ?`, g.ID); err != nil {
			return err
		}
		// Fewer rights take effect now: end the user's sessions.
		if _, err := c.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return record(ctx, c, "user.revoke", accounts.Resource{Kind: accounts.KindUser, ID: userID, StreetID: streetOfScope(&g)},
			map[string]any{"role": g.Role, "scope_id": g.ScopeID})
	})
}

// SetPassword stores a new password hash for a user (self or admin) and
// signs the user out everywhere.
func (s *Store) SetPassword(ctx context.Context, userID, hash string) error {
	return s.tx(ctx, func(c conn) error {
		u, err := findUser(ctx, c, `id = ?`, userID)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, userResource(u)); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, c.now, userID); err != nil {
			return err
		}
		// A new password ends every session: whoever knew the old one is out.
		if _, err := c.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		by := "self"
		if a := accounts.ActorFrom(ctx); a == nil || a.ID != userID {
			by = "admin"
		}
		return record(ctx, c, "user.password", userResource(u), map[string]any{"by": by})
	})
}

// EnsureResident returns the user with this phone, creating a resident
// account on a first verified sign-in (one-click sign-in for residents).
func (s *Store) EnsureResident(ctx context.Context, phone string) (*accounts.User, error) {
	// Normalized here too: the name below slices the phone, and "+86 138…"
	// must find the account of "138…", not create a second one.
	phone, err := accounts.NormalizePhone(phone)
	if err != nil {
		return nil, err
	}
	var out *accounts.User
	err = s.tx(ctx, func(c conn) error {
		u, err := findUser(ctx, c, `phone = ?`, phone)
		if err == nil {
			out = u
			return nil
		}
		if !errs.Is(err, errs.NotFound) {
			return err
		}
		u = &accounts.User{ID: newID(), Phone: phone, Name: "居民" + phone[7:], CreatedAt: c.now, UpdatedAt: c.now}
		if _, err := c.exec(ctx, `INSERT INTO users (id, phone, name, password_hash, disabled, created_at, updated_at)
			VALUES (?, ?, ?, '', ?, ?, ?)`, u.ID, u.Phone, u.Name, false, c.now, c.now); err != nil {
			return err
		}
		g := accounts.Grant{UserID: u.ID, Role: accounts.Resident}
		ctx := accounts.WithActor(ctx, u)
		if err := record(ctx, c, "user.signup", userResource(u), map[string]any{"phone": accounts.MaskPhone(phone)}); err != nil {
			return err
		}
		if err := addGrant(ctx, c, &g); err != nil {
			return err
		}
		u.Grants = []accounts.Grant{g}
		out = u
		return nil
	})
	return out, err
}

// Session is a signed-in browser.
type Session struct {
	UserID    string
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
}

// SessionPolicy bounds how long a session lives.
type SessionPolicy struct {
	Idle     time.Duration
	Absolute time.Duration
	// Remember is the idle and absolute limit of a remembered session (a
	// resident on their own phone); zero: remembered sessions follow Idle
	// and Absolute like any other.
	Remember time.Duration
}

// limits returns the idle and absolute limit of a session.
func (p SessionPolicy) limits(remember bool) (idle, absolute time.Duration) {
	if remember && p.Remember > 0 {
		return p.Remember, p.Remember
	}
	return p.Idle, p.Absolute
}

// CreateSession starts a session for userID and returns its secret token;
// only the token's hash is stored.
func (s *Store) CreateSession(ctx context.Context, userID string, p SessionPolicy) (string, error) {
	return s.StartSession(ctx, userID, p, false)
}

// StartSession is CreateSession with the choice of a remembered session
// (30 days on a resident's own phone, see SessionPolicy.Remember).
func (s *Store) StartSession(ctx context.Context, userID string, p SessionPolicy, remember bool) (string, error) {
	token := randomToken(32)
	_, absolute := p.limits(remember)
	err := s.tx(ctx, func(c conn) error {
		// Housekeeping on the write path keeps the table small without a cron.
		if _, err := c.exec(ctx, `DELETE FROM sessions WHERE expires_at < ? OR (last_seen_at < ? AND remember = ?)`,
			c.now, c.now.Add(-p.Idle), false); err != nil {
			return err
		}
		_, err := c.exec(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, remember)
			VALUES (?, ?, ?, ?, ?, ?)`, hashToken(token), userID, c.now, c.now, c.now.Add(absolute), remember)
		return err
	})
	return token, err
}

// SessionUser returns the user of a live session and refreshes its idle
// timer (at most once a minute, to spare the writer).
func (s *Store) SessionUser(ctx context.Context, token string, p SessionPolicy) (*accounts.User, error) {
	if token == "" {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	h := hashToken(token)
	c := s.read()
	var sess Session
	var remember bool
	err := c.row(ctx, `SELECT user_id, created_at, last_seen_at, expires_at, remember FROM sessions WHERE token_hash = ?`, h).
		Scan(&sess.UserID, &sess.CreatedAt, &sess.LastSeen, &sess.ExpiresAt, &remember)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.Unauthorized, "auth.session_expired")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	idle, _ := p.limits(remember)
	if c.now.After(sess.ExpiresAt) || c.now.Sub(sess.LastSeen) > idle {
		_ = s.DeleteSession(ctx, token)
		return nil, errs.E(errs.Unauthorized, "auth.session_expired")
	}
	u, err := findUser(ctx, c, `id = ?`, sess.UserID)
	if err != nil || u.Disabled {
		return nil, errs.E(errs.Unauthorized, "auth.session_expired")
	}
	if c.now.Sub(sess.LastSeen) > time.Minute {
		_ = s.tx(ctx, func(w conn) error {
			_, err := w.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?`, w.now, h)
			return err
		})
	}
	return u, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	return s.tx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashToken(token))
		return err
	})
}

// EndSessions signs the user of this session out everywhere (logout): every
// session of that user goes, on every device, so a session left open on a
// shared or stolen device ends with the one the user can still reach. An
// unknown token ends nothing. API tokens stay (they are revoked by
// DisableUser or by deleting the account).
func (s *Store) EndSessions(ctx context.Context, token string) error {
	return s.tx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `DELETE FROM sessions WHERE user_id IN (SELECT user_id FROM sessions WHERE token_hash = ?)`, hashToken(token))
		return err
	})
}

// DisableUser closes an account (platform admins): it can no longer sign
// in, and every session and API token of it ends now, so a stolen device or
// token stops working at once. Disabling the last platform admin is refused.
func (s *Store) DisableUser(ctx context.Context, userID, reason string) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ManageRoles, accounts.Resource{Kind: accounts.KindUser, ID: userID}); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n < 2 || n > 200 {
		return errs.Field("reason", "user.disable_reason")
	}
	return s.tx(ctx, func(c conn) error {
		u, err := findUser(ctx, c, `id = ?`, userID)
		if err != nil {
			return err
		}
		if u.Has(accounts.PlatformAdmin) {
			var n int
			if err := c.row(ctx, `SELECT COUNT(*) FROM grants g JOIN users u ON u.id = g.user_id
				WHERE g.role = 'platform_admin' AND NOT u.disabled`).Scan(&n); err != nil {
				return err
			}
			if n <= 1 {
				return errs.E(errs.Conflict, "role.last_admin")
			}
		}
		if _, err := c.exec(ctx, `UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, true, c.now, userID); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM sessions WHERE user_id = ?`, `DELETE FROM api_tokens WHERE user_id = ?`} {
			if _, err := c.exec(ctx, q, userID); err != nil {
				return err
			}
		}
		return record(ctx, c, "user.disable", userResource(u), map[string]any{"reason": reason})
	})
}

// EnableUser opens a disabled account again (platform admins): its person
// signs in afresh; the sessions and tokens ended at disabling stay ended.
func (s *Store) EnableUser(ctx context.Context, userID string) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ManageRoles, accounts.Resource{Kind: accounts.KindUser, ID: userID}); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		u, err := findUser(ctx, c, `id = ?`, userID)
		if err != nil {
			return err
		}
		if !u.Disabled {
			return errs.E(errs.Conflict, "user.not_disabled")
		}
		if _, err := c.exec(ctx, `UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?`, false, c.now, userID); err != nil {
			return err
		}
		return record(ctx, c, "user.enable", userResource(u), nil)
	})
}

// CreateAPIToken issues a bearer token for a user; it is shown once. It
// stops working once unused for idle: each use moves its expiry on
// (TokenUser). Tokens already expired are removed here, on the write path.
func (s *Store) CreateAPIToken(ctx context.Context, userID string, idle time.Duration) (string, error) {
	if idle <= 0 {
		return "", errs.E(errs.Internal, "error.internal")
	}
	token := "ht_" + randomToken(24)
	err := s.tx(ctx, func(c conn) error {
		u, err := findUser(ctx, c, `id = ?`, userID)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, userResource(u)); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM api_tokens WHERE expires_at < ?`, c.now); err != nil {
			return err
		}
		id := newID()
		if _, err := c.exec(ctx, `INSERT INTO api_tokens (token_hash, id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashToken(token), id, userID, c.now, c.now.Add(idle)); err != nil {
			return err
		}
		return record(ctx, c, "user.token", userResource(u), map[string]any{"token_id": id, "expires_at": c.now.Add(idle)})
	})
	return token, err
}

// DefaultTokenIdle is how long an unused API token lives unless the
// operator says otherwise (HUITIAN_API_TOKEN_IDLE).
const DefaultTokenIdle = 90 * 24 * time.Hour

// tokenTouchEvery is how often a token's use is written (its expiry moved
// on): at most once an hour, to spare the writer.
const tokenTouchEvery = time.Hour

// TokenUser returns the user of a live API token and moves its expiry to
// idle from now. An expired token answers auth.token_expired (sign in
// again); a token issued before expiries existed counts from its last use.
func (s *Store) TokenUser(ctx context.Context, token string, idle time.Duration) (*accounts.User, error) {
	c := s.read()
	h := hashToken(token)
	var userID string
	var created time.Time
	var used, expires sql.NullTime
	err := c.row(ctx, `SELECT user_id, created_at, last_used_at, expires_at FROM api_tokens WHERE token_hash = ?`, h).
		Scan(&userID, &created, &used, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.Unauthorized, "auth.token_invalid")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	last := created
	if used.Valid {
		last = used.Time
	}
	if !expires.Valid {
		expires = sql.NullTime{Time: last.Add(idle), Valid: true}
	}
	if !c.now.Before(expires.Time) {
		return nil, errs.E(errs.Unauthorized, "auth.token_expired")
	}
	u, err := findUser(ctx, c, `id = ?`, userID)
	if err != nil || u.Disabled {
		return nil, errs.E(errs.Unauthorized, "auth.token_invalid")
	}
	if !used.Valid || c.now.Sub(used.Time) >= tokenTouchEvery {
		if err := s.tx(ctx, func(w conn) error {
			_, err := w.exec(ctx, `UPDATE api_tokens SET last_used_at = ?, expires_at = ? WHERE token_hash = ?`, w.now, w.now.Add(idle), h)
			return err
		}); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// MaxCodeAttempts is how many wrong guesses burn a one-time code.
const MaxCodeAttempts = 5

// SaveLoginCode stores (the hash of) a one-time code for a phone, replacing
// any earlier one.
func (s *Store) SaveLoginCode(ctx context.Context, phone, code string, ttl time.Duration) error {
	return s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM login_codes WHERE phone = ? OR expires_at < ?`, phone, c.now); err != nil {
			return err
		}
		_, err := c.exec(ctx, `INSERT INTO login_codes (phone, code_hash, attempts, expires_at, created_at) VALUES (?, ?, 0, ?, ?)`,
			phone, hashToken(phone+":"+code), c.now.Add(ttl), c.now)
		return err
	})
}

// CheckLoginCode consumes a correct code; wrong guesses count against it.
func (s *Store) CheckLoginCode(ctx context.Context, phone, code string) error {
	return s.tx(ctx, func(c conn) error {
		var h string
		var attempts int
		var exp time.Time
		err := c.row(ctx, `SELECT code_hash, attempts, expires_at FROM login_codes WHERE phone = ?`, phone).Scan(&h, &attempts, &exp)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && (c.now.After(exp) || attempts >= MaxCodeAttempts)) {
			return errs.Field("code", "auth.code_wrong")
		}
		if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(h), []byte(hashToken(phone+":"+code))) != 1 {
			_, err := c.exec(ctx, `UPDATE login_codes SET attempts = attempts + 1 WHERE phone = ?`, phone)
			if err != nil {
				return err
			}
			return errCommit{errs.Field("code", "auth.code_wrong")}
		}
		_, err = c.exec(ctx, `DELETE FROM login_codes WHERE phone = ?`, phone)
		return err
	})
}

// ResolveScope finds the scope object of a role from an id, an import key
// or an exact name ("回龙观街道", "龙锦苑二区社区", an organization's name).
func (s *Store) ResolveScope(ctx context.Context, role accounts.Role, ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if accounts.ScopeKindOf(role) == accounts.ScopeNone {
		return "", nil
	}
	if ref == "" {
		return "", errs.Field("scope", "role.scope_required")
	}
	var q string
	switch accounts.ScopeKindOf(role) {
	case accounts.ScopeStreet:
		q = `SELECT id FROM streets WHERE id = ? OR name = ?`
	case accounts.ScopeCommunity:
		q = `SELECT id FROM communities WHERE id = ? OR name = ?`
	case accounts.ScopeOrganization:
		q = `SELECT id FROM organizations WHERE id = ? OR name = ? OR source_key = ?`
	case accounts.ScopeMerchant:
		q = `SELECT id FROM merchants WHERE id = ? OR name = ?`
	default:
		return ref, nil
	}
	args := []any{ref, ref}
	if strings.Count(q, "?") == 3 {
		args = append(args, ref)
	}
	rows, err := s.read().query(ctx, q+` LIMIT 2`, args...)
	if err != nil {
		return "", s.translate(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", s.translate(err)
		}
		ids = append(ids, id)
	}
	switch len(ids) {
	case 0:
		return "", errs.Field("scope", "role.scope_unknown")
	case 1:
		return ids[0], nil
	}
	return "", errs.Field("scope", "role.scope_ambiguous")
}
