package store

import (
	"context"
	"database/sql"
	"time"
)

// Passkey is a resident's registered WebAuthn credential; Credential is the
// WebAuthn library's credential record as JSON (public key, sign count,
// flags), which the store keeps without reading.
type Passkey struct {
	ID           string
	UserID       string
	CredentialID string // base64url
	Credential   string
	Name         string
	CreatedAt    time.Time
	LastUsedAt   time.Time
}

func scanPasskeys(rows *sql.Rows) ([]Passkey, error) {
	defer rows.Close()
	var out []Passkey
	for rows.Next() {
		var k Passkey
		var used sql.NullTime
		if err := rows.Scan(&k.ID, &k.UserID, &k.CredentialID, &k.Credential, &k.Name, &k.CreatedAt, &used); err != nil {
			return nil, err
		}
		k.CreatedAt = k.CreatedAt.UTC()
		if used.Valid {
			k.LastUsedAt = used.Time.UTC()
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

const passkeySelect = `SELECT id, user_id, credential_id, credential, name, created_at, last_used_at FROM passkeys`

// FindPasskeys lists the signed-in person's passkeys.
func (s *Store) FindPasskeys(ctx context.Context) ([]Passkey, error) {
	u, err := requireActor(ctx)
	if err != nil {
		return nil, err
	}
	return s.UserPasskeys(ctx, u.ID)
}

// UserPasskeys lists a user's passkeys: for the sign-in ceremony, which
// runs before anyone is signed in (no actor check).
func (s *Store) UserPasskeys(ctx context.Context, userID string) ([]Passkey, error) {
	rows, err := s.read().query(ctx, passkeySelect+` WHERE user_id = ? ORDER BY created_at`, userID)
	if err != nil {
		return nil, s.translate(err)
	}
	out, err := scanPasskeys(rows)
	return out, s.translate(err)
}

// FindPasskeyByCredentialID finds a passkey by its credential id (the
// discoverable sign-in: the authenticator names the credential, and so the
// user). No actor check: it runs before sign-in.
func (s *Store) FindPasskeyByCredentialID(ctx context.Context, credID string) (*Passkey, error) {
	rows, err := s.read().query(ctx, passkeySelect+` WHERE credential_id = ?`, credID)
	if err != nil {
		return nil, s.translate(err)
	}
	ks, err := scanPasskeys(rows)
	if err != nil {
		return nil, s.translate(err)
	}
	if len(ks) == 0 {
		return nil, notFound("passkey")
	}
	return &ks[0], nil
}

// AddPasskey stores a passkey the signed-in person just registered.
func (s *Store) AddPasskey(ctx context.Context, k *Passkey) error {
	u, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		k.ID, k.UserID, k.CreatedAt = newID(), u.ID, c.now
		if _, err := c.exec(ctx, `INSERT INTO passkeys (id, user_id, credential_id, credential, name, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			k.ID, k.UserID, k.CredentialID, k.Credential, k.Name, k.CreatedAt); err != nil {
			return err
		}
		return record(ctx, c, "user.passkey_add", userResource(u), map[string]any{"passkey_id": k.ID, "name": k.Name})
	})
}

// UsePasskey saves the credential after a sign-in (its sign count moves).
func (s *Store) UsePasskey(ctx context.Context, id, credential string) error {
	return s.tx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `UPDATE passkeys SET credential = ?, last_used_at = ? WHERE id = ?`, credential, c.now, id)
		return err
	})
}

// RemovePasskey deletes one of the signed-in person's passkeys.
func (s *Store) RemovePasskey(ctx context.Context, id string) error {
	u, err := requireActor(ctx)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM passkeys WHERE id = ? AND user_id = ?`, id, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("passkey")
		}
		return record(ctx, c, "user.passkey_remove", userResource(u), map[string]any{"passkey_id": id})
	})
}
