package store

import "context"

// RehashPassword replaces a user's password hash made with older argon2id
// parameters by one of the same password made with the current ones, on a
// sign-in that has just proved the password. It is not a password change:
// sessions stay, nothing is audited. It writes only while the stored hash is
// still old, so a password changed meanwhile is never overwritten; it
// reports whether it wrote.
func (s *Store) RehashPassword(ctx context.Context, userID, old, hash string) (bool, error) {
	var n int64
	err := s.tx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, hash, userID, old)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}
