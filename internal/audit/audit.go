// Package audit is the tamper-evident log of every change that matters. Each
// entry stores the hash of the one before it, so editing or deleting any entry
// breaks the chain from that point on, and Verify names where.
package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
)

// GenesisHash is the "previous hash" of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry is one audited change. Data holds a JSON summary of what changed and
// never personal data (phone numbers are masked before they get here).
type Entry struct {
	Seq        int64 // position in the chain, 1-based
	ID         string
	At         time.Time
	ActorID    string // "" for the system (imports, migrations)
	ActorName  string
	Action     string // e.g. "organization.create"
	ObjectKind string
	ObjectID   string
	StreetID   string // scope, for filtering
	Data       string // JSON
	PrevHash   string
	Hash       string
}

// SealedBidder is the actor's name on an entry a bidder's step writes while
// proposals are sealed: that a bidder acted, never which one (no actor id).
const SealedBidder = "bidder (sealed)"

// BySealedBidder reports whether the entry's actor is a sealed bidder.
func (e *Entry) BySealedBidder() bool { return e.ActorID == "" && e.ActorName == SealedBidder }

// Anonymous is the actor's name on an entry written without a signed-in
// actor (a public form).
const Anonymous = "anonymous"

// ByAnonymous reports whether the entry was written without an actor.
func (e *Entry) ByAnonymous() bool { return e.ActorID == "" && e.ActorName == Anonymous }

// BySystem reports whether the entry was written by the platform itself
// (the command line, the clock): accounts.System, which has no user id. A
// person named "system" is not the platform.
func (e *Entry) BySystem() bool { return e.ActorID == "" && e.ActorName == accounts.SystemName }

// ComputeHash hashes the entry's content together with the previous hash:
// every column, the actor's name included, so editing any of them shows.
// Fields are length-prefixed so no two different entries share an input.
func (e *Entry) ComputeHash() string {
	return hashFields("v2", strconv.FormatInt(e.Seq, 10), e.ID, e.At.UTC().Format(time.RFC3339Nano),
		e.ActorID, e.ActorName, e.Action, e.ObjectKind, e.ObjectID, e.StreetID, e.Data, e.PrevHash)
}

// legacyHash is the hash of entries written before the actor's name was
// hashed (it left actor_name out). Such entries still verify; a v2 entry
// can never pass as legacy, because its stored hash is the v2 one and both
// differ for the same content.
func (e *Entry) legacyHash() string {
	return hashFields(strconv.FormatInt(e.Seq, 10), e.ID, e.At.UTC().Format(time.RFC3339Nano),
		e.ActorID, e.Action, e.ObjectKind, e.ObjectID, e.StreetID, e.Data, e.PrevHash)
}

// Intact reports whether the stored hash is the hash of the content.
func (e *Entry) Intact() bool { return e.Hash == e.ComputeHash() || e.Hash == e.legacyHash() }

func hashFields(fields ...string) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		b.WriteByte(';')
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Seal sets PrevHash and Hash given the hash of the entry before.
func (e *Entry) Seal(prev string) {
	e.PrevHash = prev
	e.Hash = e.ComputeHash()
}

// Break describes the first place the chain does not hold.
type Break struct {
	Seq    int64
	ID     string
	Reason string // "hash" (content changed), "link" (prev hash mismatch), "gap" (missing entry)
}

// Verifier checks entries streamed in sequence order.
type Verifier struct {
	prev    string
	nextSeq int64
	Checked int64
}

// NewVerifier starts at the genesis.
func NewVerifier() *Verifier { return &Verifier{prev: GenesisHash, nextSeq: 1} }

// Check takes the next entry and returns a Break if the chain fails there.
func (v *Verifier) Check(e *Entry) *Break {
	v.Checked++
	switch {
	case e.Seq != v.nextSeq:
		return &Break{Seq: v.nextSeq, ID: e.ID, Reason: "gap"}
	case e.PrevHash != v.prev:
		return &Break{Seq: e.Seq, ID: e.ID, Reason: "link"}
	case !e.Intact():
		return &Break{Seq: e.Seq, ID: e.ID, Reason: "hash"}
	}
	v.prev, v.nextSeq = e.Hash, e.Seq+1
	return nil
}

// Filter selects audit entries for browsing.
type Filter struct {
	Action     string
	ObjectKind string
	ObjectID   string
	ActorID    string
	StreetID   string
	Page       int
	PerPage    int
}

// DayHead is the published head of one day's entries (days in Asia/Shanghai):
// the hash of the day's last entry and how many entries the day has.
// Outsiders keep copies; `huitian audit verify --heads FILE` checks the
// database against them, so even a rewrite of the whole chain with
// recomputed hashes shows at the first published day it changed.
type DayHead struct {
	Day      string `json:"day"` // YYYY-MM-DD, Asia/Shanghai
	Count    int64  `json:"count"`
	FirstSeq int64  `json:"first_seq"`
	LastSeq  int64  `json:"last_seq"`
	Hash     string `json:"hash"` // hash of entry LastSeq
	// Closed: the day was over when this head was published, so its count
	// and head are final (today's head moves on as entries are added).
	Closed bool `json:"closed"`
}

// Heads groups entries streamed in sequence order into days. A day is a run
// of consecutive entries: an entry whose time falls (by a few milliseconds
// of concurrent writers) before the day already reached stays in that day,
// so each day is one range of sequence numbers ending at its head.
type Heads struct {
	loc  *time.Location
	days []DayHead
}

// NewHeads starts an empty grouping in loc (Asia/Shanghai).
func NewHeads(loc *time.Location) *Heads { return &Heads{loc: loc} }

// Add takes the next entry's sequence number, time and hash.
func (h *Heads) Add(seq int64, at time.Time, hash string) {
	day := at.In(h.loc).Format(time.DateOnly)
	if n := len(h.days); n > 0 && day <= h.days[n-1].Day {
		d := &h.days[n-1]
		d.Count++
		d.LastSeq, d.Hash = seq, hash
		return
	}
	h.days = append(h.days, DayHead{Day: day, Count: 1, FirstSeq: seq, LastSeq: seq, Hash: hash})
}

// LastSeq is the sequence number of the last entry added (0: none).
func (h *Heads) LastSeq() int64 {
	if len(h.days) == 0 {
		return 0
	}
	return h.days[len(h.days)-1].LastSeq
}

// Days returns the heads, newest day first (a copy), those before the day
// of now marked closed.
func (h *Heads) Days(now time.Time) []DayHead {
	today := now.In(h.loc).Format(time.DateOnly)
	out := make([]DayHead, len(h.days))
	for i, d := range h.days {
		d.Closed = d.Day < today
		out[len(h.days)-1-i] = d
	}
	return out
}
