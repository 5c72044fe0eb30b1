package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/ledger"
	"github.com/huitian/huitian/internal/points"
)

// The points ledger. Every posting is one transaction: open both accounts
// if new, insert the posting (its idempotency key unique), move the two
// balances (the debit only if the account may afford it), audit. Balances
// are updated in account-id order so two transfers between the same pair
// never deadlock on PostgreSQL.

// PostPoints posts p by hand (staff granting from their street's pool, a
// coordinator correcting): the actor needs Create on the debited account.
// A replay of the same key with the same content returns the first posting;
// with other content it is a conflict.
func (s *Store) PostPoints(ctx context.Context, p *points.Posting) (*points.Posting, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	from := accountOf(p.From, "")
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, from.Resource()); err != nil {
		return nil, err
	}
	var out *points.Posting
	err := s.tx(ctx, func(c conn) error {
		var err error
		out, err = post(ctx, c, p, "", "")
		return err
	})
	return out, err
}

// ReversePoints undoes posting id with a reversing posting (once).
func (s *Store) ReversePoints(ctx context.Context, id, key, reason string) (*points.Posting, error) {
	var out *points.Posting
	err := s.tx(ctx, func(c conn) error {
		orig, err := findPosting(ctx, c, `id = ?`, id)
		if err != nil {
			return err
		}
		// Reversing takes the right to post from the account being debited now.
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, accountOf(orig.From, "").Resource()); err != nil {
			return err
		}
		out, err = post(ctx, c, orig.Reversal(key, reason), "", "")
		return err
	})
	return out, err
}

// accountOf is the account behind an id, before it is read (street known
// for pools only).
func accountOf(id, street string) *points.Account {
	k, owner, _ := points.SplitAccountID(id)
	if k == points.Pool {
		street = owner
	}
	return &points.Account{ID: id, Kind: k, OwnerID: owner, StreetID: street}
}

// accountsOf are the two accounts of p, before they are read. An account
// first paid from a street's pool belongs to that street, as an award's
// recipient does: a hand grant to a resident counts as the street's points
// on the dashboard, which reads the street of the recipient's account.
func accountsOf(p *points.Posting, fromStreet, toStreet string) (from, to *points.Account) {
	from, to = accountOf(p.From, fromStreet), accountOf(p.To, toStreet)
	if to.StreetID == "" && from.Kind == points.Pool {
		to.StreetID = from.StreetID
	}
	return from, to
}

// ensureAccount opens an account on first use.
func ensureAccount(ctx context.Context, c conn, a *points.Account) error {
	_, err := c.exec(ctx, `INSERT INTO points_accounts (id, kind, owner_id, street_id, balance, created_at)
		VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (id) DO NOTHING`, a.ID, string(a.Kind), a.OwnerID, a.StreetID, c.now)
	return err
}

// post writes p inside c. fromStreet and toStreet, when known, are stored
// on accounts opened here. It returns the first posting with p's key when
// the key was used before with the same content.
func post(ctx context.Context, c conn, p *points.Posting, fromStreet, toStreet string) (*points.Posting, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	from, to := accountsOf(p, fromStreet, toStreet)
	for _, a := range []*points.Account{from, to} {
		if c.batch != nil && c.batch.known[a.ID] {
			continue
		}
		if err := ensureAccount(ctx, c, a); err != nil {
			return nil, err
		}
		if c.batch != nil {
			c.batch.opened = append(c.batch.opened, a.ID)
		}
	}
	if actor := accounts.ActorFrom(ctx); actor != nil {
		p.ActorID = actor.ID
	}
	lp, replay, err := pointsBook.post(ctx, c, toLedger(p))
	if err != nil {
		return nil, err
	}
	if replay {
		return fromLedger(lp), nil
	}
	p.ID, p.CreatedAt = lp.ID, lp.CreatedAt
	data := postingAudit(p)
	if c.batch != nil { // audited with its batch, in the same transaction
		data["id"], data["actor"] = p.ID, p.ActorID
		c.batch.postings = append(c.batch.postings, data)
		return p, nil
	}
	res := from.Resource()
	res.ID = p.ID
	if err := record(ctx, c, "points.post", res, data); err != nil {
		return nil, err
	}
	return p, nil
}

// postingAudit is what the audit log keeps of a posting.
func postingAudit(p *points.Posting) map[string]any {
	data := map[string]any{"key": p.Key, "kind": p.Kind, "from": p.From, "to": p.To, "amount": p.Amount}
	if p.RuleID != "" {
		data["rule"] = p.RuleID
	}
	return data
}

// toLedger and fromLedger convert between a points posting and the
// engine's (points' rule is the engine's Ref).
func toLedger(p *points.Posting) *ledger.Posting {
	return &ledger.Posting{ID: p.ID, Key: p.Key, Kind: string(p.Kind), From: p.From, To: p.To, Amount: p.Amount,
		Reason: p.Reason, Ref: p.RuleID, Reverses: p.Reverses, ActorID: p.ActorID, CreatedAt: p.CreatedAt}
}

func fromLedger(p *ledger.Posting) *points.Posting {
	return &points.Posting{ID: p.ID, Key: p.Key, Kind: points.PostingKind(p.Kind), From: p.From, To: p.To,
		Amount: p.Amount, Reason: p.Reason, RuleID: p.Ref, Reverses: p.Reverses, ActorID: p.ActorID, CreatedAt: p.CreatedAt}
}

func findPosting(ctx context.Context, c conn, where string, arg any) (*points.Posting, error) {
	p, err := pointsBook.find(ctx, c, where, arg)
	if err != nil {
		return nil, err
	}
	return fromLedger(p), nil
}

// FindPointsAccount returns an account (a zero balance for one never used)
// if the actor may see it.
func (s *Store) FindPointsAccount(ctx context.Context, id string) (*points.Account, error) {
	if _, _, ok := points.SplitAccountID(id); !ok {
		return nil, notFound("points_account")
	}
	a := accountOf(id, "")
	var kind string
	err := s.read().row(ctx, `SELECT id, kind, owner_id, street_id, balance, created_at FROM points_accounts WHERE id = ?`, id).
		Scan(&a.ID, &kind, &a.OwnerID, &a.StreetID, &a.Balance, &a.CreatedAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, s.translate(err)
	}
	if err == nil {
		a.Kind, a.CreatedAt = points.AccountKind(kind), a.CreatedAt.UTC()
	}
	if a.Kind == points.MerchantAcct && a.StreetID == "" {
		// Never used yet: the merchant's street decides who may look.
		_ = s.read().row(ctx, `SELECT street_id FROM merchants WHERE id = ?`, a.OwnerID).Scan(&a.StreetID)
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View, a.Resource()); err != nil {
		return nil, err
	}
	return a, nil
}

// FindPointsEntries lists an account's postings newest first, each with the
// signed amount for this account and the other side's name (a resident's
// masked). The caller checked the account with FindPointsAccount.
func (s *Store) FindPointsEntries(ctx context.Context, accountID string, limit int) ([]*points.Entry, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	// The newest postings out of the account and into it, each read in the
	// order of its index (points_postings_from, points_postings_to) and cut
	// at limit before they are merged: a street's pool has millions.
	rows, err := s.read().query(ctx, `SELECT p.id, p.idem_key, p.kind, p.from_id, p.to_id, p.amount, p.reason, p.rule_id,
		p.reverses, p.actor_id, p.created_at, a.kind, COALESCE(st.name, m.name, o.name, u.name, '')
		FROM (SELECT * FROM (SELECT * FROM points_postings WHERE from_id = ? ORDER BY created_at DESC, id DESC LIMIT ?) pf
			UNION ALL SELECT * FROM (SELECT * FROM points_postings WHERE to_id = ? ORDER BY created_at DESC, id DESC LIMIT ?) pt) p
		JOIN points_accounts a ON a.id = CASE WHEN p.from_id = ? THEN p.to_id ELSE p.from_id END
		LEFT JOIN streets st ON a.kind = 'pool' AND st.id = a.owner_id
		LEFT JOIN merchants m ON a.kind = 'merchant' AND m.id = a.owner_id
		LEFT JOIN organizations o ON a.kind = 'organization' AND o.id = a.owner_id
		LEFT JOIN users u ON a.kind = 'resident' AND u.id = a.owner_id
		ORDER BY p.created_at DESC, p.id DESC LIMIT ?`, accountID, limit, accountID, limit, accountID, limit)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*points.Entry
	for rows.Next() {
		e := &points.Entry{}
		p := &e.Posting
		var kind, otherKind string
		if err := rows.Scan(&p.ID, &p.Key, &kind, &p.From, &p.To, &p.Amount, &p.Reason, &p.RuleID, &p.Reverses, &p.ActorID,
			&p.CreatedAt, &otherKind, &e.Other); err != nil {
			return nil, s.translate(err)
		}
		p.Kind, p.CreatedAt, e.OtherKind = points.PostingKind(kind), p.CreatedAt.UTC(), points.AccountKind(otherKind)
		e.Delta = p.Amount
		if p.From == accountID {
			e.Delta = -p.Amount
		}
		if e.OtherKind == points.Resident {
			e.Other = accounts.MaskName(e.Other)
		}
		out = append(out, e)
	}
	return out, s.translate(rows.Err())
}

// VerifyPoints compares every account's stored balance with the sum of its
// postings, in one statement (one snapshot), and returns the first account
// (by id) that differs, or nil, and how many accounts were checked.
func (s *Store) VerifyPoints(ctx context.Context) (*points.Mismatch, int, error) {
	m, n, err := pointsBook.verify(ctx, s.read())
	return m, n, s.translate(err)
}
