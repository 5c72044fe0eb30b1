package store

import (
	"context"
	"database/sql"
	"time"

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
	// ChangeEverything stands for a transaction that changed more than
	// logEverythingAbove objects (a bulk import): other nodes rebuild.
	ChangeEverything ChangeKind = "everything"
	// ChangeThesaurus: an admin saved a new thesaurus version.
	ChangeThesaurus ChangeKind = "thesaurus"
)

// Change is one object a committed transaction wrote (created, updated,
// moved to another status, rated …). The listener re-reads it: a change
// carries no data, so it can never disagree with the database.
type Change struct {
	Kind ChangeKind
	ID   string
	// Remote: another process committed it (FollowChanges); false for this
	// process's own changes, heard at commit.
	Remote bool
}

// changeSet collects the changes of one transaction, each once, in order.
type changeSet struct {
	list   []Change
	seen   map[Change]bool
	posted [2]int64 // postings written: points, grants (Store.Posted after the commit)
}

// posted counts n postings of a book written by this transaction.
func (c conn) posted(slot int, n int64) {
	if c.ch != nil {
		c.ch.posted[slot] += n
	}
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
	case accounts.KindThesaurus:
		c.changed(ChangeThesaurus, "current")
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
	for i, n := range ch.posted {
		s.posted[i].Add(n)
	}
	if len(ch.list) == 0 {
		return
	}
	s.notified.Add(1)
	s.notify(ctx, ch.list)
}

func (s *Store) notify(ctx context.Context, list []Change) {
	s.lmu.RLock()
	ls := s.listeners
	s.lmu.RUnlock()
	ctx = context.WithoutCancel(ctx)
	for _, fn := range ls {
		fn(ctx, list)
	}
}

// logEverythingAbove is how many changes of one transaction are logged as
// one ChangeEverything instead of row by row.
const logEverythingAbove = 2000

// changeLogLock is the PostgreSQL advisory lock that orders change_log
// appends by commit.
const changeLogLock = 4857001

// logChanges appends the transaction's changes to change_log, last thing
// before its commit. On PostgreSQL the advisory lock, held to the commit,
// makes the identity order the commit order: a reader that has seen
// sequence n has seen every smaller one that will ever commit.
func (s *Store) logChanges(ctx context.Context, c conn, ch *changeSet) error {
	list := ch.list
	if len(list) == 0 {
		return nil
	}
	if len(list) > logEverythingAbove {
		list = []Change{{Kind: ChangeEverything, ID: ""}}
	}
	if c.d == Postgres {
		if _, err := c.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, changeLogLock); err != nil {
			return err
		}
	}
	args := make([]any, 0, 5*len(list))
	for _, x := range list {
		args = append(args, s.node, string(x.Kind), x.ID, c.now)
	}
	_, err := c.exec(ctx, `INSERT INTO change_log (node, kind, object_id, at) VALUES `+valuesList(len(list), "(?, ?, ?, ?)"), args...)
	return err
}

// RequestReindex asks every app node following the change feed to rebuild
// its search and matching indexes from the tables (huitian reindex).
func (s *Store) RequestReindex(ctx context.Context) error {
	return s.tx(ctx, func(c conn) error {
		c.changed(ChangeEverything, "all")
		return nil
	})
}

// LastChangeSeq is the newest change_log sequence: read it before building
// an index from the tables, then follow the changes after it.
func (s *Store) LastChangeSeq(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	err := s.read().row(ctx, `SELECT MAX(seq) FROM change_log`).Scan(&n)
	return n.Int64, s.translate(err)
}

// FollowChanges delivers the changes other processes commit to this
// store's OnChange listeners, in commit order, reading change_log every
// interval after sequence from, until ctx ends. Errors (the database
// away) go to onErr and the next read tries again from the same place.
// Once an hour it prunes the rows older than a day.
func (s *Store) FollowChanges(ctx context.Context, from int64, every time.Duration, onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	s.followed.Store(from)
	pruned := time.Time{}
	for {
		for {
			n, last, err := s.deliverChanges(ctx, from)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				onErr(err)
				break
			}
			from = last
			s.followed.Store(last)
			if n < changeBatch {
				break
			}
		}
		if time.Since(pruned) > time.Hour {
			if _, err := s.db.ExecContext(ctx, rebind(s.dialect, `DELETE FROM change_log WHERE at < ?`),
				s.Now().Add(-24*time.Hour)); err != nil && ctx.Err() == nil {
				onErr(err)
			}
			pruned = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

const changeBatch = 1000

// deliverChanges reads up to changeBatch rows after from, hands the other
// nodes' changes to the listeners, and returns how many rows it read and
// the last sequence.
func (s *Store) deliverChanges(ctx context.Context, from int64) (int, int64, error) {
	rows, err := s.read().query(ctx, `SELECT seq, node, kind, object_id FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?`,
		from, changeBatch)
	if err != nil {
		return 0, from, s.translate(err)
	}
	defer rows.Close()
	var list []Change
	n := 0
	for rows.Next() {
		var seq int64
		var node, kind, id string
		if err := rows.Scan(&seq, &node, &kind, &id); err != nil {
			return 0, from, s.translate(err)
		}
		n++
		from = seq
		if node != s.node {
			list = append(list, Change{Kind: ChangeKind(kind), ID: id, Remote: true})
		}
	}
	if err := rows.Err(); err != nil {
		return 0, from, s.translate(err)
	}
	rows.Close()
	if len(list) > 0 {
		s.notify(context.WithoutCancel(ctx), list)
	}
	return n, from, nil
}
