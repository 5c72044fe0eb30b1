package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Ceremony is the server side of a running WebAuthn ceremony: the
// library's session data (JSON) and, for a registration, who adds a key.
type Ceremony struct {
	Data   string
	UserID string
}

// PutCeremony keeps a ceremony under id (the secret of the browser's
// cookie, stored hashed) until expires, and drops the expired ones.
func (s *Store) PutCeremony(ctx context.Context, id string, c Ceremony, expires time.Time) error {
	now := s.Now().UTC()
	if _, err := s.db.ExecContext(ctx, rebind(s.dialect, `DELETE FROM webauthn_ceremonies WHERE expires_at < ?`), now); err != nil {
		return s.translate(err)
	}
	_, err := s.db.ExecContext(ctx, rebind(s.dialect, `INSERT INTO webauthn_ceremonies (id_hash, data, user_id, expires_at)
		VALUES (?, ?, ?, ?)`), hashToken(id), c.Data, c.UserID, expires.UTC().Truncate(time.Microsecond))
	return s.translate(err)
}

// TakeCeremony returns and forgets the ceremony under id: each is used
// once, on whichever node the browser's next request reaches. ok is false
// for an unknown, used or expired one.
func (s *Store) TakeCeremony(ctx context.Context, id string) (c Ceremony, ok bool, err error) {
	var expires time.Time
	err = s.db.QueryRowContext(ctx, rebind(s.dialect, `DELETE FROM webauthn_ceremonies WHERE id_hash = ?
		RETURNING data, user_id, expires_at`), hashToken(id)).Scan(&c.Data, &c.UserID, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Ceremony{}, false, nil
	}
	if err != nil {
		return Ceremony{}, false, s.translate(err)
	}
	return c, s.Now().Before(expires), nil
}
