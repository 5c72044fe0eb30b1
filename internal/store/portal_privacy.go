package store

import (
	"context"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/portal"
)

// The privacy centre (个人信息保护法, PIPL): see, download, correct, withdraw
// consent, delete.

// MyData is everything the platform holds about the signed-in person, in
// the shape the export (JSON and the readable page) shows.
type MyData struct {
	ExportedAt    time.Time        `json:"exported_at"`
	Account       MyAccount        `json:"account"`
	Prefs         MyPrefs          `json:"preferences"`
	Community     string           `json:"community"`
	Sessions      []MySession      `json:"sessions"`
	Passkeys      []MyPasskey      `json:"passkeys"`
	Suggestions   []MySuggestion   `json:"suggestions"`
	Supports      int              `json:"supports"` // "我也遇到" given
	Signups       []MySignup       `json:"activity_signups"`
	Points        MyPoints         `json:"points"`
	Notifications []MyNotification `json:"notifications"`
	AuditEntries  int              `json:"audit_entries"` // actions on record under this account
}

// MyAccount is the account row.
type MyAccount struct {
	ID        string    `json:"id"`
	Phone     string    `json:"phone"`
	Name      string    `json:"name"`
	Roles     []string  `json:"roles"`
	CreatedAt time.Time `json:"created_at"`
}

// MyPrefs are the preferences.
type MyPrefs struct {
	ElderlyMode bool `json:"elderly_mode"`
	PublishName bool `json:"publish_name"`
}

// MySession is one signed-in browser (never its token).
type MySession struct {
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Remember  bool      `json:"remember"`
}

// MyPasskey is one registered passkey (never its key).
type MyPasskey struct {
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// MySuggestion is one need the person raised.
type MySuggestion struct {
	ID        string    `json:"id"`
	Body      string    `json:"body"`
	Place     string    `json:"place"`
	HasPhoto  bool      `json:"has_photo"`
	Status    string    `json:"status"`
	Reply     string    `json:"reply"`
	Supports  int       `json:"supports"`
	CreatedAt time.Time `json:"created_at"`
}

// MySignup is one activity sign-up.
type MySignup struct {
	Activity  string    `json:"activity"`
	StartsAt  time.Time `json:"starts_at"`
	Status    string    `json:"status"`
	Minutes   int       `json:"confirmed_minutes"`
	CreatedAt time.Time `json:"created_at"`
}

// MyPoints is the points account and its latest postings.
type MyPoints struct {
	Account string         `json:"account"`
	Balance int64          `json:"balance"`
	Entries []MyPointEntry `json:"entries"`
}

// MyPointEntry is one posting as the person sees it.
type MyPointEntry struct {
	At     time.Time `json:"at"`
	Delta  int64     `json:"delta"`
	Reason string    `json:"reason"`
	Other  string    `json:"other"`
}

// MyNotification is one notification.
type MyNotification struct {
	Kind      string    `json:"kind"`
	Args      []any     `json:"args"`
	CreatedAt time.Time `json:"created_at"`
}

// ExportMyData gathers everything held about the signed-in person.
func (s *Store) ExportMyData(ctx context.Context) (*MyData, error) {
	u, err := requireActor(ctx)
	if err != nil {
		return nil, err
	}
	c := s.read()
	d := &MyData{ExportedAt: c.now, Account: MyAccount{ID: u.ID, Phone: u.Phone, Name: u.Name, CreatedAt: u.CreatedAt.UTC()},
		Sessions: []MySession{}, Passkeys: []MyPasskey{}, Suggestions: []MySuggestion{}, Signups: []MySignup{},
		Notifications: []MyNotification{}}
	for _, g := range u.Grants {
		d.Account.Roles = append(d.Account.Roles, string(g.Role))
	}
	p, err := findPrefs(ctx, c, u.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	d.Prefs = MyPrefs{ElderlyMode: p.ElderlyMode, PublishName: p.PublishName}
	if cm, err := s.FindHomeCommunity(ctx); err == nil {
		d.Community = cm.StreetName + " " + cm.Name
	} else if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	rows, err := c.query(ctx, `SELECT created_at, last_seen_at, expires_at, remember FROM sessions WHERE user_id = ? ORDER BY created_at`, u.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	for rows.Next() {
		var m MySession
		if err := rows.Scan(&m.CreatedAt, &m.LastSeen, &m.ExpiresAt, &m.Remember); err != nil {
			rows.Close()
			return nil, s.translate(err)
		}
		m.CreatedAt, m.LastSeen, m.ExpiresAt = m.CreatedAt.UTC(), m.LastSeen.UTC(), m.ExpiresAt.UTC()
		d.Sessions = append(d.Sessions, m)
	}
	rows.Close()
	keys, err := s.FindPasskeys(ctx)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		d.Passkeys = append(d.Passkeys, MyPasskey{Name: k.Name, CreatedAt: k.CreatedAt})
	}
	sgs, _, err := s.FindSuggestions(ctx, portal.Filter{Mine: true, PerPage: 100})
	if err != nil {
		return nil, err
	}
	for _, g := range sgs {
		d.Suggestions = append(d.Suggestions, MySuggestion{ID: g.ID, Body: g.Body, Place: g.Place, HasPhoto: g.HasPhoto,
			Status: string(g.Status), Reply: g.Reply, Supports: g.Supports, CreatedAt: g.CreatedAt})
	}
	if err := c.row(ctx, `SELECT COUNT(*) FROM suggestion_supports WHERE user_id = ?`, u.ID).Scan(&d.Supports); err != nil {
		return nil, s.translate(err)
	}
	gs, as, err := s.MySignups(ctx)
	if err != nil {
		return nil, err
	}
	for i, g := range gs {
		d.Signups = append(d.Signups, MySignup{Activity: as[i].Title, StartsAt: as[i].StartsAt, Status: string(g.Status),
			Minutes: g.ConfirmedMins, CreatedAt: g.CreatedAt})
	}
	if u.Has(accounts.Resident) {
		acc, err := s.FindPointsAccount(ctx, points.AccountID(points.Resident, u.ID))
		if err != nil {
			return nil, err
		}
		d.Points = MyPoints{Account: acc.ID, Balance: acc.Balance, Entries: []MyPointEntry{}}
		es, err := s.FindPointsEntries(ctx, acc.ID, 500)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			d.Points.Entries = append(d.Points.Entries, MyPointEntry{At: e.CreatedAt, Delta: e.Delta, Reason: e.Reason, Other: e.Other})
		}
	}
	ns, _, _, err := s.FindNotifications(ctx, 1, MaxNotifications)
	if err != nil {
		return nil, err
	}
	for _, n := range ns {
		d.Notifications = append(d.Notifications, MyNotification{Kind: n.Kind, Args: n.Args, CreatedAt: n.CreatedAt})
	}
	if err := c.row(ctx, `SELECT COUNT(*) FROM audit_entries WHERE actor_id = ?`, u.ID).Scan(&d.AuditEntries); err != nil {
		return nil, s.translate(err)
	}
	return d, nil
}

// RenameMe corrects the signed-in person's name.
func (s *Store) RenameMe(ctx context.Context, name string) error {
	u, err := requireActor(ctx)
	if err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	switch n := len([]rune(name)); {
	case n == 0:
		return errs.Field("name", "field.required")
	case n > 50:
		return errs.Field("name", "field.too_long", 50)
	}
	return s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `UPDATE users SET name = ?, updated_at = ? WHERE id = ?`, name, c.now, u.ID); err != nil {
			return err
		}
		return record(ctx, c, "user.rename", userResource(u), map[string]any{"by": "self"})
	})
}

// DeleteMe deletes the signed-in resident's account: name and phone become
// a pseudonym, sessions, passkeys, preferences, home, notifications and
// "我也遇到" go, the text and photos of their suggestions are removed. The
// account id stays, so points postings (immutable, double-entry) still
// add up under the pseudonym and `huitian points verify` passes. Staff
// accounts are closed by a platform admin instead.
func (s *Store) DeleteMe(ctx context.Context, confirm string) error {
	u, err := requireActor(ctx)
	if err != nil {
		return err
	}
	if confirm != portal.DeleteConfirmation {
		return errs.Field("confirm", "privacy.confirm_wrong", portal.DeleteConfirmation)
	}
	if u.IsStaff() {
		return errs.E(errs.Conflict, "privacy.staff_account")
	}
	name, phone := portal.Pseudonym(u.ID)
	return s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `UPDATE users SET name = ?, phone = ?, password_hash = '', disabled = ?, updated_at = ? WHERE id = ?`,
			name, phone, true, c.now, u.ID); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM sessions WHERE user_id = ?`,
			`DELETE FROM api_tokens WHERE user_id = ?`,
			`DELETE FROM passkeys WHERE user_id = ?`,
			`DELETE FROM resident_homes WHERE user_id = ?`,
			`DELETE FROM notifications WHERE user_id = ?`,
			`DELETE FROM outbox WHERE user_id = ?`,
			`DELETE FROM suggestion_supports WHERE user_id = ?`,
			`DELETE FROM grants WHERE user_id = ?`,
		} {
			if _, err := c.exec(ctx, q, u.ID); err != nil {
				return err
			}
		}
		if _, err := c.exec(ctx, `DELETE FROM login_codes WHERE phone = ?`, u.Phone); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE suggestions SET body = ?, place = '', photo = NULL, photo_type = '', updated_at = ? WHERE user_id = ?`,
			"（该居民已注销账号，内容已删除）", c.now, u.ID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO user_prefs (user_id, elderly_mode, publish_name, deleted_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET elderly_mode = excluded.elderly_mode, publish_name = excluded.publish_name,
			deleted_at = excluded.deleted_at, updated_at = excluded.updated_at`, u.ID, false, false, c.now, c.now); err != nil {
			return err
		}
		// The entry names the pseudonym, not the person it no longer holds.
		anon := &accounts.User{ID: u.ID, Name: name}
		return record(accounts.WithActor(ctx, anon), c, "user.delete", accounts.Resource{Kind: accounts.KindUser, ID: u.ID, OwnerID: u.ID}, nil)
	})
}
