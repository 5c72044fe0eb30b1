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

// ComputeHash hashes the entry's content together with the previous hash.
// Fields are length-prefixed so no two different entries share an input.
func (e *Entry) ComputeHash() string {
	var b strings.Builder
	for _, f := range []string{strconv.FormatInt(e.Seq, 10), e.ID, e.At.UTC().Format(time.RFC3339Nano),
		e.ActorID, e.Action, e.ObjectKind, e.ObjectID, e.StreetID, e.Data, e.PrevHash} {
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
	case e.ComputeHash() != e.Hash:
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
