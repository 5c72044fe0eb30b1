package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/ledger"
)

// The posting engine both ledgers run on (points: points_*, grants'
// money: grant_*). A book names its tables and rules; every name in the SQL
// below comes from these constants, never from input.
type book struct {
	accounts, postings string // tables
	refColumn          string // the postings column that holds Posting.Ref
	negativeKind       string // the one account kind that may go below zero
	errPrefix          string // "points" → points.key_reused, points.insufficient
	slot               int    // its counter in Store.Posted

	insertSQL, moveSQL string // built once: the points batcher prepares them by their text
}

func newBook(slot int, accounts, postings, refColumn, negativeKind, errPrefix string) *book {
	b := &book{slot: slot, accounts: accounts, postings: postings, refColumn: refColumn, negativeKind: negativeKind, errPrefix: errPrefix}
	b.insertSQL = `INSERT INTO ` + postings + ` (id, idem_key, kind, from_id, to_id, amount, reason, ` + refColumn + `, reverses,
		actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING RETURNING id`
	b.moveSQL = `UPDATE ` + accounts + ` SET balance = balance + ?
			WHERE id = ? AND (kind = '` + negativeKind + `' OR balance + ? >= 0)`
	return b
}

var (
	pointsBook = newBook(0, "points_accounts", "points_postings", "rule_id", "pool", "points")
	grantsBook = newBook(1, "grant_accounts", "grant_postings", "ref_id", "donor", "grants")
)

// post inserts p (its accounts already open) and moves the two balances,
// inside c. The same key with the same content returns the first posting
// and replay = true (nothing moves); with other content it is a conflict.
// Balances move in account-id order, so two postings between the same pair
// never deadlock on PostgreSQL, and the debit only if the account may
// afford it: concurrent spenders of one balance are serialized by the row
// and the loser gets <prefix>.insufficient. Auditing is the caller's, in
// the same transaction.
func (b *book) post(ctx context.Context, c conn, p *ledger.Posting) (out *ledger.Posting, replay bool, err error) {
	if p.Amount <= 0 || p.Amount > ledger.MaxAmount {
		return nil, false, errs.Field("amount", b.errPrefix+".amount_positive")
	}
	if err := b.lock(ctx, c, []string{p.From, p.To}); err != nil {
		return nil, false, err
	}
	p.ID, p.CreatedAt = newID(), c.now
	var id string
	err = c.row(ctx, b.insertSQL, p.ID, p.Key, p.Kind, p.From, p.To, p.Amount, p.Reason, p.Ref, p.Reverses, p.ActorID, c.now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		first, err := b.find(ctx, c, `idem_key = ?`, p.Key)
		if err != nil {
			return nil, false, err
		}
		if !first.SameContent(p) {
			return nil, false, &errs.Error{Code: errs.Conflict, Key: b.errPrefix + ".key_reused", Field: "idempotency_key"}
		}
		return first, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	moves := []struct {
		id    string
		delta int64
	}{{p.From, -p.Amount}, {p.To, p.Amount}}
	if moves[1].id < moves[0].id {
		moves[0], moves[1] = moves[1], moves[0]
	}
	for _, m := range moves {
		res, err := c.exec(ctx, b.moveSQL, m.delta, m.id, m.delta)
		if err != nil {
			return nil, false, err
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, false, err
		} else if n != 1 {
			return nil, false, errs.E(errs.Conflict, b.errPrefix+".insufficient")
		}
	}
	c.posted(b.slot, 1)
	return p, false, nil
}

func (b *book) columns() string {
	return `id, idem_key, kind, from_id, to_id, amount, reason, ` + b.refColumn + `, reverses, actor_id, created_at`
}

func scanLedgerPosting(sc interface{ Scan(...any) error }) (*ledger.Posting, error) {
	p := &ledger.Posting{}
	err := sc.Scan(&p.ID, &p.Key, &p.Kind, &p.From, &p.To, &p.Amount, &p.Reason, &p.Ref, &p.Reverses, &p.ActorID, &p.CreatedAt)
	p.CreatedAt = p.CreatedAt.UTC()
	return p, err
}

// find reads one posting; where is a constant condition of the caller.
func (b *book) find(ctx context.Context, c conn, where string, arg any) (*ledger.Posting, error) {
	p, err := scanLedgerPosting(c.row(ctx, `SELECT `+b.columns()+` FROM `+b.postings+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("posting")
	}
	return p, err
}

// verify compares every account's stored balance with the sum of its
// postings, in one statement (one snapshot), and returns the first account
// (by id) that differs, or nil, and how many accounts were checked.
func (b *book) verify(ctx context.Context, c conn) (*ledger.Mismatch, int, error) {
	rows, err := c.query(ctx, `SELECT a.id, a.balance, COALESCE(i.s, 0) - COALESCE(o.s, 0)
		FROM `+b.accounts+` a
		LEFT JOIN (SELECT to_id, SUM(amount) AS s FROM `+b.postings+` GROUP BY to_id) i ON i.to_id = a.id
		LEFT JOIN (SELECT from_id, SUM(amount) AS s FROM `+b.postings+` GROUP BY from_id) o ON o.from_id = a.id
		ORDER BY a.id`)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var m ledger.Mismatch
		if err := rows.Scan(&m.AccountID, &m.Balance, &m.Sum); err != nil {
			return nil, n, err
		}
		n++
		if m.Balance != m.Sum {
			return &m, n, nil
		}
	}
	return nil, n, rows.Err()
}

// postAll writes postings whose accounts are open with two statements
// whatever their number (the points ledger's group commit): move every
// balance at once, each account by its net change but only if it can
// afford its debits alone, then insert the postings (their idempotency
// keys unique), so some order of the postings one by one exists in which none
// overdraws. It returns errRetrySavepoints, the transaction to be rolled
// back, when any posting would not simply succeed (a key seen before, an
// account short), for the caller to post them one by one.
func (b *book) postAll(ctx context.Context, c conn, ps []*ledger.Posting) error {
	type move struct{ delta, debit int64 }
	moves := map[string]*move{}
	var ids []string // in id order: PostgreSQL locks the rows in that order
	args := make([]any, 0, 11*len(ps))
	for _, p := range ps {
		if p.Amount <= 0 || p.Amount > ledger.MaxAmount {
			return errRetrySavepoints
		}
		p.ID, p.CreatedAt = newID(), c.now
		args = append(args, p.ID, p.Key, p.Kind, p.From, p.To, p.Amount, p.Reason, p.Ref, p.Reverses, p.ActorID, c.now)
		for _, m := range []struct {
			id    string
			delta int64
		}{{p.From, -p.Amount}, {p.To, p.Amount}} {
			mv := moves[m.id]
			if mv == nil {
				mv = &move{}
				moves[m.id] = mv
				ids = append(ids, m.id)
			}
			mv.delta += m.delta
			mv.debit += min(m.delta, 0)
		}
	}
	// The balances move first, then the postings go in: the update takes
	// the accounts' row locks, so the postings' foreign-key checks find
	// them held by this transaction and have no share lock to upgrade (see
	// lock, which the single posting needs instead). Either statement
	// falling short rolls the whole batch back, so the order changes nothing
	// else.
	sort.Strings(ids)
	var delta, debit strings.Builder
	moveArgs := make([]any, 0, 5*len(ids))
	for _, id := range ids {
		delta.WriteString(" WHEN ? THEN CAST(? AS BIGINT)")
		moveArgs = append(moveArgs, id, moves[id].delta)
	}
	for _, id := range ids {
		debit.WriteString(" WHEN ? THEN CAST(? AS BIGINT)")
		moveArgs = append(moveArgs, id, moves[id].debit)
	}
	for _, id := range ids {
		moveArgs = append(moveArgs, id)
	}
	res, err := c.exec(ctx, `UPDATE `+b.accounts+` SET balance = balance + CASE id`+delta.String()+` END
		WHERE (kind = '`+b.negativeKind+`' OR balance + CASE id`+debit.String()+` END >= 0) AND id IN (`+
		valuesList(len(ids), "?")+`)`, moveArgs...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != int64(len(ids)) {
		return errRetrySavepoints
	}
	res, err = c.exec(ctx, `INSERT INTO `+b.postings+` (`+b.columns()+`) VALUES `+
		valuesList(len(ps), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")+` ON CONFLICT (idem_key) DO NOTHING`, args...)
	if err != nil {
		return errRetrySavepoints // e.g. a posting reversed twice: one by one says which
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != int64(len(ps)) {
		return errRetrySavepoints
	}
	c.posted(b.slot, int64(len(ps)))
	return nil
}

// lock takes, on PostgreSQL, the row locks of the accounts a single
// posting is about to move (FOR NO KEY UPDATE, in id order, held to commit)
// before its insert, which must come first to answer a replayed key without
// moving anything. Inserting first, as we did, made the foreign-key check share-lock
// the account row and the balance update then upgrade that lock; under many
// spenders of one account PostgreSQL 15 sometimes stopped such an upgrade
// with "new multixact has more than one updating member" (SQLSTATE XX000,
// its guard against two updaters of one row; seen in
// TestSecurityPointsTwoNodes). Taking the update's lock first leaves the
// check nothing to upgrade, and spenders of one account still queue on its
// row as before. SQLite has one writer at a time and no row locks.
func (b *book) lock(ctx context.Context, c conn, ids []string) error {
	if c.d != Postgres {
		return nil
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := c.query(ctx, `SELECT id FROM `+b.accounts+` WHERE id IN (`+valuesList(len(ids), "?")+`) ORDER BY id FOR NO KEY UPDATE`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	return rows.Close()
}

// valuesList repeats one placeholder group n times, comma-separated.
func valuesList(n int, group string) string {
	return strings.TrimSuffix(strings.Repeat(group+", ", n), ", ")
}
