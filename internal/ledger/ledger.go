// Package ledger is what the points ledger and the money ledger of grants
// share: an immutable posting that moves a positive whole amount from one
// account to another under an idempotency key, its reversal, and the report
// of an account whose stored balance is not the sum of its postings. Each
// ledger keeps its own account kinds and posting kinds; the store runs one
// posting engine for both. No SQL, no HTTP.
package ledger

import "time"

// MaxAmount bounds one posting: 10^12 (for money, ten billion yuan in fen),
// far above any real movement and far below int64 overflow when summed.
const MaxAmount int64 = 1_000_000_000_000

// Posting is one immutable movement between two accounts.
type Posting struct {
	ID        string
	Key       string // idempotency key: the same key posts once
	Kind      string
	From, To  string // account ids
	Amount    int64
	Reason    string
	Ref       string // what the posting is for (a points rule, a donation, a tranche …)
	Reverses  string // the posting a reversal undoes
	ActorID   string
	CreatedAt time.Time
}

// SameContent reports whether a replayed posting asks for what the first
// one with its key did (then the first result is returned, not an error).
func (p *Posting) SameContent(q *Posting) bool {
	return p.Key == q.Key && p.Kind == q.Kind && p.From == q.From && p.To == q.To && p.Amount == q.Amount &&
		p.Reason == q.Reason && p.Ref == q.Ref && p.Reverses == q.Reverses
}

// Reversal builds the posting that undoes p, of the given kind.
func (p *Posting) Reversal(kind, key, reason string) *Posting {
	return &Posting{Key: key, Kind: kind, From: p.To, To: p.From, Amount: p.Amount, Reason: reason, Reverses: p.ID}
}

// Mismatch is an account whose stored balance is not the sum of its postings.
type Mismatch struct {
	AccountID string
	Balance   int64 // stored
	Sum       int64 // from postings
}
