// Package points is the points scheme (积分制) as a double-entry ledger:
// accounts for residents, organizations, merchants, an issuing pool per
// street and one expiry sink; every posting moves a positive whole number of
// points from one account to another and is never changed afterwards (a
// correction is a reversing posting). It also holds merchant goods and the
// one-time redemption codes residents show at a merchant. No SQL, no HTTP.
package points

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/ledger"
)

// AccountKind says whose an account is.
type AccountKind string

const (
	Resident     AccountKind = "resident"
	Organization AccountKind = "organization"
	MerchantAcct AccountKind = "merchant"
	Pool         AccountKind = "pool"   // a street's issuing pool: the only account that may go negative
	Expiry       AccountKind = "expiry" // where expired points go
)

// AccountKinds lists every kind.
var AccountKinds = []AccountKind{Resident, Organization, MerchantAcct, Pool, Expiry}

// AccountID is the ledger account of an owner: "resident:<user id>",
// "pool:<street id>", "expiry:all". Deterministic, so a posting can name an
// account before it exists (the store opens it on first use).
func AccountID(kind AccountKind, owner string) string { return string(kind) + ":" + owner }

// ExpiryAccount is the one expiry sink.
var ExpiryAccount = AccountID(Expiry, "all")

// SplitAccountID returns the kind and owner of an account id.
func SplitAccountID(id string) (AccountKind, string, bool) {
	k, owner, ok := strings.Cut(id, ":")
	if !ok || owner == "" {
		return "", "", false
	}
	for _, x := range AccountKinds {
		if AccountKind(k) == x {
			return x, owner, true
		}
	}
	return "", "", false
}

// MayGoNegative reports whether an account of this kind may hold less than zero.
func (k AccountKind) MayGoNegative() bool { return k == Pool }

// Account is one ledger account and its balance.
type Account struct {
	ID        string
	Kind      AccountKind
	OwnerID   string
	StreetID  string // the street it belongs to, when known
	Balance   int64
	CreatedAt time.Time
}

// Resource is the account's authorization view: a resident owns theirs, a
// merchant's people see the merchant's, a street's staff see the street's.
func (a *Account) Resource() accounts.Resource {
	r := accounts.Resource{Kind: accounts.KindPoints, ID: a.ID, StreetID: a.StreetID}
	switch a.Kind {
	case Resident:
		r.OwnerID = a.OwnerID
	case Organization:
		r.OrgID = a.OwnerID
	case MerchantAcct:
		r.MerchantID = a.OwnerID
	}
	return r
}

// PostingKind classifies a posting.
type PostingKind string

const (
	KindAward      PostingKind = "award"      // pool → resident or organization, cites a rule
	KindRedemption PostingKind = "redemption" // resident → merchant for a good
	KindGrant      PostingKind = "grant"      // pool → anyone, by staff with a reason (opening balances, prizes)
	KindTransfer   PostingKind = "transfer"   // between two accounts
	KindReversal   PostingKind = "reversal"   // undoes an earlier posting
	KindExpiry     PostingKind = "expiry"     // resident → expiry sink
	KindSettlement PostingKind = "settlement" // merchant → pool when a statement is settled
)

var postingKinds = map[PostingKind]bool{KindAward: true, KindRedemption: true, KindGrant: true, KindTransfer: true,
	KindReversal: true, KindExpiry: true, KindSettlement: true}

// Posting is one immutable movement of points.
type Posting struct {
	ID        string
	Key       string // idempotency key: the same key posts once
	Kind      PostingKind
	From, To  string // account ids
	Amount    int64
	Reason    string
	RuleID    string // the points rule an award cites
	Reverses  string // the posting a reversal undoes
	ActorID   string
	CreatedAt time.Time
}

// Validate normalizes a new posting and reports what is wrong with it.
func (p *Posting) Validate() error {
	var l errs.List
	p.Key = strings.TrimSpace(p.Key)
	switch n := len(p.Key); {
	case n == 0:
		l.Add("idempotency_key", "field.required")
	case n > 100:
		l.Add("idempotency_key", "field.too_long", 100)
	}
	if !postingKinds[p.Kind] {
		l.Add("kind", "points.kind_invalid")
	}
	fk, _, okFrom := SplitAccountID(p.From)
	tk, _, okTo := SplitAccountID(p.To)
	if !okFrom {
		l.Add("from", "points.account_invalid")
	}
	if !okTo {
		l.Add("to", "points.account_invalid")
	}
	if okFrom && okTo && p.From == p.To {
		l.Add("to", "points.same_account")
	}
	if p.Amount <= 0 {
		l.Add("amount", "points.amount_positive")
	}
	p.Reason = strings.TrimSpace(p.Reason)
	switch c := utf8.RuneCountInString(p.Reason); {
	case c == 0:
		l.Add("reason", "field.required")
	case c > 200:
		l.Add("reason", "field.too_long", 200)
	}
	if p.Kind == KindAward {
		if p.RuleID == "" {
			l.Add("rule", "points.award_needs_rule")
		}
		if okFrom && fk != Pool {
			l.Add("from", "points.award_from_pool")
		}
	}
	if p.Kind == KindReversal && p.Reverses == "" {
		l.Add("reverses", "field.required")
	}
	if p.Kind == KindExpiry && okTo && tk != Expiry {
		l.Add("to", "points.account_invalid")
	}
	return l.Err()
}

// SameContent reports whether a replayed posting asks for what the first
// one with its key did (then the first result is returned, not an error).
func (p *Posting) SameContent(q *Posting) bool {
	return p.Key == q.Key && p.Kind == q.Kind && p.From == q.From && p.To == q.To && p.Amount == q.Amount &&
		p.Reason == q.Reason && p.RuleID == q.RuleID && p.Reverses == q.Reverses
}

// Reversal builds the posting that undoes p.
func (p *Posting) Reversal(key, reason string) *Posting {
	return &Posting{Key: key, Kind: KindReversal, From: p.To, To: p.From, Amount: p.Amount, Reason: reason, Reverses: p.ID}
}

// Mismatch is an account whose stored balance is not the sum of its
// postings (the engine is shared with the money ledger of grants).
type Mismatch = ledger.Mismatch

// HashCode hashes a one-time code for storage: codes live 5 minutes and
// are single-use, and the hash keeps a database reader from using one.
func HashCode(code string) string {
	h := sha256.Sum256([]byte("huitian-redemption:" + code))
	return hex.EncodeToString(h[:])
}

// Entry is a posting as one account sees it.
type Entry struct {
	Posting
	Delta     int64       // + received, − paid
	OtherKind AccountKind // the other account's kind
	Other     string      // the other account's name (a resident's masked)
}

func fieldErr(field, key string) error { return errs.Field(field, key) }

// MaxGrant is the most a street's staff grant a resident by hand at once.
const MaxGrant = 10_000
