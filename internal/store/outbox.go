package store

import (
	"context"
	"encoding/json"
	"time"
)

// OutboxMessage is a text message waiting to be sent to a user.
type OutboxMessage struct {
	ID        string
	Channel   string
	UserID    string
	Phone     string
	Kind      string
	Args      []any
	CreatedAt time.Time
	Attempts  int
}

// MaxOutboxAttempts is how often a message is tried before it is given up.
const MaxOutboxAttempts = 5

// PendingOutbox returns up to limit unsent messages of channel, oldest
// first, with the recipient's phone (read at send time, so a changed
// number is used). The system drains it; no user asks for it.
func (s *Store) PendingOutbox(ctx context.Context, channel string, limit int) ([]OutboxMessage, error) {
	rows, err := s.read().query(ctx, `SELECT o.id, o.channel, o.user_id, u.phone, o.kind, o.args, o.created_at, o.attempts
		FROM outbox o JOIN users u ON u.id = o.user_id
		WHERE o.sent_at IS NULL AND o.channel = ? AND o.attempts < ? AND NOT u.disabled
		ORDER BY o.created_at, o.id LIMIT ?`, channel, MaxOutboxAttempts, limit)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var m OutboxMessage
		var args string
		if err := rows.Scan(&m.ID, &m.Channel, &m.UserID, &m.Phone, &m.Kind, &args, &m.CreatedAt, &m.Attempts); err != nil {
			return nil, s.translate(err)
		}
		if err := json.Unmarshal([]byte(args), &m.Args); err != nil {
			m.Args = nil
		}
		out = append(out, m)
	}
	return out, s.translate(rows.Err())
}

// MarkOutbox records one attempt: sent, or failed (tried again later, up to
// MaxOutboxAttempts). It reports whether this call marked it sent (false
// when another sender got there first).
func (s *Store) MarkOutbox(ctx context.Context, id string, sent bool) (bool, error) {
	marked := false
	err := s.tx(ctx, func(c conn) error {
		q := `UPDATE outbox SET attempts = attempts + 1 WHERE id = ? AND sent_at IS NULL`
		args := []any{id}
		if sent {
			q = `UPDATE outbox SET attempts = attempts + 1, sent_at = ? WHERE id = ? AND sent_at IS NULL`
			args = []any{c.now, id}
		}
		res, err := c.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		marked = sent && n == 1
		return nil
	})
	return marked, err
}
