package store

import (
	"context"

	"github.com/huitian/huitian/internal/accounts"
)

// ChangeKind names the kind of object a committed transaction changed.
type ChangeKind string

// The kinds of change listeners hear about: what the matcher and the search
// indexes are built from.
const (
	ChangeOrganization ChangeKind = "organization"
	ChangeNeed         ChangeKind = "need"
	ChangeSolution     ChangeKind = "solution" // the solution catalog's search index follows these
)

// Change is one object a committed transaction wrote (created, updated,
// moved to another status, rated …). The listener re-reads it: a change
// carries no data, so it can never disagree with the database.
type Change struct {
	Kind ChangeKind
	ID   string
}

// changeSet collects the changes of one transaction, each once, in order.
type changeSet struct {
	list []Change
	seen map[Change]bool
}

// changed marks objects of kind as written by this transaction. On a read
// connection it does nothing.
func (c conn) changed(kind ChangeKind, ids ...string) {
	if c.ch == nil {
		return
	}
	for _, id := range ids {
		ch := Change{Kind: kind, ID: id}
		if id == "" || c.ch.seen[ch] {
			continue
		}
		if c.ch.seen == nil {
			c.ch.seen = map[Change]bool{}
		}
		c.ch.seen[ch] = true
		c.ch.list = append(c.ch.list, ch)
	}
}

// changedResource marks the object an audit entry is about: every audited
// write goes through record, so this is the one place that cannot forget
// one. A need's change also touches its supplier (its current load and
// track record).
func (c conn) changedResource(res accounts.Resource) {
	switch res.Kind {
	case accounts.KindOrganization:
		if res.ID != "import" {
			c.changed(ChangeOrganization, res.ID)
		}
	case accounts.KindNeed:
		if res.ID != "import" {
			c.changed(ChangeNeed, res.ID)
		}
		c.changed(ChangeOrganization, res.OrgID)
	case accounts.KindSolution:
		c.changed(ChangeSolution, res.ID)
	}
}

// OnChange registers fn to run after every committed transaction that
// changed organizations, needs or solutions, synchronously, before the writing call
// returns: a page reloaded after a POST already sees the update. fn gets the
// changes in the order they were made and a context that is not cancelled
// with the request; it must be quick and must not write through the store.
func (s *Store) OnChange(fn func(ctx context.Context, changes []Change)) {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	s.listeners = append(s.listeners, fn)
}

func (s *Store) notifyChanges(ctx context.Context, ch *changeSet) {
	if len(ch.list) == 0 {
		return
	}
	s.lmu.RLock()
	ls := s.listeners
	s.lmu.RUnlock()
	ctx = context.WithoutCancel(ctx)
	for _, fn := range ls {
		fn(ctx, ch.list)
	}
}
