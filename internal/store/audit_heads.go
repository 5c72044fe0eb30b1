package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/huitian/huitian/internal/audit"
)

// auditHeads keeps this node's grouping of the audit chain into days, so
// the public page reads only the entries written since it last looked.
// Entries never change once written, so what a node has grouped stays true
// (a tampered past day shows in VerifyAuditHeads, which reads afresh).
type auditHeads struct {
	mu sync.Mutex
	h  *audit.Heads
}

// shanghai is the day boundary of the published heads.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600) // no DST in China since 1991
	}
	return loc
}()

// AuditDayHeads returns the daily heads of the audit chain, newest day
// first: for each day (Asia/Shanghai) the hash of its last entry and how
// many entries it has. Public: it names no one and nothing, only hashes
// and counts, so outsiders can keep copies and hold the platform to them.
func (s *Store) AuditDayHeads(ctx context.Context) ([]audit.DayHead, error) {
	s.heads.mu.Lock()
	defer s.heads.mu.Unlock()
	if s.heads.h == nil {
		s.heads.h = audit.NewHeads(shanghai)
	}
	if err := s.extendHeads(ctx, s.heads.h); err != nil {
		return nil, err
	}
	return s.heads.h.Days(s.Now()), nil
}

// extendHeads adds to h the entries after h's last, up to the chain's
// committed head (entries and head change in one transaction).
func (s *Store) extendHeads(ctx context.Context, h *audit.Heads) error {
	c := s.read()
	var headSeq int64
	if err := c.row(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&headSeq); err != nil {
		return s.translate(err)
	}
	const batch = 5000
	for h.LastSeq() < headSeq {
		rows, err := c.query(ctx, `SELECT seq, at, hash FROM audit_entries WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
			h.LastSeq(), headSeq, batch)
		if err != nil {
			return s.translate(err)
		}
		n := 0
		for rows.Next() {
			var seq int64
			var at time.Time
			var hash string
			if err := rows.Scan(&seq, &at, &hash); err != nil {
				rows.Close()
				return s.translate(err)
			}
			h.Add(seq, at.UTC(), hash)
			n++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return s.translate(err)
		}
		if n == 0 {
			break // entries missing below the head: VerifyAudit reports the gap
		}
	}
	return nil
}

// HeadMismatch is a published daily head the database no longer matches.
type HeadMismatch struct {
	Day    string
	Seq    int64
	Want   string // the published hash
	Got    string // the hash in the database now ("" if the entry is gone)
	Reason string // "hash" (entry changed or chain rewritten), "missing" (entry gone), "count" (day's entries added or removed)
}

// VerifyAuditHeads checks the database against daily heads published
// earlier (saved from the public page or the API): the entry at each
// head's sequence number must still carry the published hash, and a day
// published as closed must still hold the same entries. Since every hash
// covers the one before, this proves that nothing up to the head changed,
// even if someone rewrote the whole chain with fresh hashes. It returns
// the mismatches, oldest first.
func (s *Store) VerifyAuditHeads(ctx context.Context, published []audit.DayHead) ([]HeadMismatch, error) {
	fresh := audit.NewHeads(shanghai)
	if err := s.extendHeads(ctx, fresh); err != nil {
		return nil, err
	}
	now := map[string]audit.DayHead{}
	for _, d := range fresh.Days(s.Now()) {
		now[d.Day] = d
	}
	var out []HeadMismatch
	for i := len(published) - 1; i >= 0; i-- {
		p := published[i]
		var got string
		err := s.read().row(ctx, `SELECT hash FROM audit_entries WHERE seq = ?`, p.LastSeq).Scan(&got)
		switch {
		case err != nil && !errors.Is(err, sql.ErrNoRows):
			return nil, s.translate(err)
		case err != nil:
			out = append(out, HeadMismatch{Day: p.Day, Seq: p.LastSeq, Want: p.Hash, Reason: "missing"})
		case got != p.Hash:
			out = append(out, HeadMismatch{Day: p.Day, Seq: p.LastSeq, Want: p.Hash, Got: got, Reason: "hash"})
		case p.Closed && (now[p.Day].Count != p.Count || now[p.Day].LastSeq != p.LastSeq):
			// A closed day: entries slipped in after publication (or went).
			out = append(out, HeadMismatch{Day: p.Day, Seq: p.LastSeq, Want: p.Hash, Got: now[p.Day].Hash, Reason: "count"})
		}
	}
	return out, nil
}
