package store

import (
	"context"
	"encoding/json"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
)

// record appends an audit entry inside the caller's transaction. The head row
// update serializes concurrent writers on PostgreSQL (row lock until commit)
// and SQLite has one writer anyway, so the chain never forks.
func record(ctx context.Context, c conn, action string, res accounts.Resource, data any) error {
	c.changedResource(res)
	actor := accounts.ActorFrom(ctx)
	e := &audit.Entry{ID: newID(), At: c.now, Action: action, ObjectKind: string(res.Kind),
		ObjectID: res.ID, StreetID: res.StreetID}
	if actor != nil {
		e.ActorID, e.ActorName = actor.ID, actor.Name
	} else {
		e.ActorName = audit.Anonymous
	}
	if data == nil {
		data = map[string]any{}
	}
	if as := assistantFrom(ctx); as != nil {
		// Assisted mode: the entry names the staff member who acted for the resident.
		data = map[string]any{"assisted_by": as.ID, "assisted_by_name": as.Name, "data": data}
	}
	b, err := json.Marshal(data)
	if err != nil {
		return errs.Wrap(err, "audit data")
	}
	e.Data = string(b)
	var prev string
	if err := c.row(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&e.Seq, &prev); err != nil {
		return errs.Wrap(err, "audit head")
	}
	e.Seal(prev)
	if _, err := c.exec(ctx, `INSERT INTO audit_entries (seq, id, at, actor_id, actor_name, action, object_kind,
		object_id, street_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.ID, e.At, e.ActorID, e.ActorName, e.Action, e.ObjectKind, e.ObjectID, e.StreetID, e.Data,
		e.PrevHash, e.Hash); err != nil {
		return errs.Wrap(err, "audit insert")
	}
	_, err = c.exec(ctx, `UPDATE audit_head SET hash = ? WHERE id = 1`, e.Hash)
	return errs.Wrap(err, "audit head")
}

const auditColumns = `seq, id, at, actor_id, actor_name, action, object_kind, object_id, street_id, data, prev_hash, hash`

func scanAudit(sc interface{ Scan(...any) error }) (*audit.Entry, error) {
	e := &audit.Entry{}
	err := sc.Scan(&e.Seq, &e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.ObjectKind, &e.ObjectID,
		&e.StreetID, &e.Data, &e.PrevHash, &e.Hash)
	e.At = e.At.UTC()
	return e, err
}

// FindAuditEntries lists entries newest first; only auditors and admins may.
func (s *Store) FindAuditEntries(ctx context.Context, f audit.Filter) ([]*audit.Entry, int, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View, accounts.Resource{Kind: accounts.KindAudit}); err != nil {
		return nil, 0, err
	}
	where, args := "1=1", []any{}
	add := func(col, v string) {
		if v != "" {
			where += " AND " + col + " = ?"
			args = append(args, v)
		}
	}
	add("action", f.Action)
	add("object_kind", f.ObjectKind)
	add("object_id", f.ObjectID)
	add("actor_id", f.ActorID)
	add("street_id", f.StreetID)
	c := s.read()
	var total int
	if err := c.row(ctx, `SELECT COUNT(*) FROM audit_entries WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, s.translate(err)
	}
	limit, offset := paging(f.Page, f.PerPage, 200)
	rows, err := c.query(ctx, `SELECT `+auditColumns+` FROM audit_entries WHERE `+where+
		` ORDER BY seq DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	defer rows.Close()
	var out []*audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, 0, s.translate(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.translate(err)
	}
	if accounts.Can(accounts.ActorFrom(ctx), accounts.ViewPrivate, accounts.Resource{Kind: accounts.KindAudit}) != nil {
		if err := s.maskAudit(ctx, out); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// maskAudit masks the personal data of entries for a reader who may not
// see it (audit.Entry.MaskPersonal): an actor is a private person unless
// they hold a role other than resident (staff act in their work capacity,
// which is what an audit trail is for).
func (s *Store) maskAudit(ctx context.Context, entries []*audit.Entry) error {
	var ids []string
	seen := map[string]bool{}
	for _, e := range entries {
		if e.ActorID != "" && !seen[e.ActorID] {
			seen[e.ActorID] = true
			ids = append(ids, e.ActorID)
		}
	}
	staff := map[string]bool{}
	if len(ids) > 0 {
		rows, err := s.read().query(ctx, `SELECT DISTINCT user_id FROM grants WHERE role <> ? AND user_id IN (`+
			placeholders(len(ids))+`)`, append([]any{string(accounts.Resident)}, idArgs(ids)...)...)
		if err != nil {
			return s.translate(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return s.translate(err)
			}
			staff[id] = true
		}
		if err := rows.Err(); err != nil {
			return s.translate(err)
		}
	}
	for _, e := range entries {
		e.MaskPersonal(e.ActorID != "" && !staff[e.ActorID])
	}
	return nil
}

// VerifyAudit walks the whole chain in order and returns the first break
// (nil when intact) and how many entries were checked.
func (s *Store) VerifyAudit(ctx context.Context) (*audit.Break, int64, error) {
	// The head first: everything up to it is committed (entries and head
	// change in one transaction), and entries written while we read are
	// beyond it, so a busy server never shows a false gap.
	var headSeq int64
	var headHash string
	if err := s.read().row(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, 0, s.translate(err)
	}
	v := audit.NewVerifier()
	const batch = 2000
	var after int64
	last := &audit.Entry{Hash: audit.GenesisHash}
	for {
		rows, err := s.read().query(ctx, `SELECT `+auditColumns+` FROM audit_entries WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
			after, headSeq, batch)
		if err != nil {
			return nil, v.Checked, s.translate(err)
		}
		n := 0
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return nil, v.Checked, s.translate(err)
			}
			n++
			after = e.Seq
			if b := v.Check(e); b != nil {
				rows.Close()
				return b, v.Checked, nil
			}
			last = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, v.Checked, s.translate(err)
		}
		if n < batch {
			break
		}
	}
	// An entry deleted from the end leaves the head ahead of the log.
	if headSeq != after {
		return &audit.Break{Seq: after + 1, Reason: "gap"}, v.Checked, nil
	}
	// The head anchors the last hash: a tail rewritten with recomputed
	// hashes links up with itself but no longer with the head.
	if headHash != last.Hash {
		return &audit.Break{Seq: last.Seq, ID: last.ID, Reason: "hash"}, v.Checked, nil
	}
	return nil, v.Checked, nil
}
