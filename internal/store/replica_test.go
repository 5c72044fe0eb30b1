package store_test

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/pgtool"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestReplicaReads (issue 11): reads marked ReplicaOK go to a hot standby
// while it is at most its bound behind, and to the primary once it falls
// further behind; unmarked reads always see the primary.
func TestReplicaReads(t *testing.T) {
	t.Parallel()
	if _, err := pgtool.Find("", "pg_basebackup"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	primary, err := pgtool.Start(ctx, "fsync=off", "wal_level=replica", "max_wal_senders=4")
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Remove()
	standby, err := primary.Standby(ctx, "fsync=off")
	if err != nil {
		t.Fatal(err)
	}
	defer standby.Remove()
	s := open(t, primary.URL())
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st, c1, _ := seed(t, s)
	// The standby replays the schema and the seed before it serves: a
	// replica within its bound may still lack a table created a moment ago.
	pdb, err := sql.Open("pgx", primary.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer pdb.Close()
	sdb, err := sql.Open("pgx", standby.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	var lsn string
	if err := pdb.QueryRow(`SELECT pg_current_wal_lsn()::text`).Scan(&lsn); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var done bool
		if err := sdb.QueryRow(`SELECT COALESCE(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)`, lsn).Scan(&done); err == nil && done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the standby does not replay the schema")
		}
	}
	const bound = 2 * time.Second
	if err := s.AddReplica(ctx, standby.URL(), bound, 50*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	onReplica := store.ReplicaOK(ctx)
	newOrg := func(name string) int64 {
		t.Helper()
		if err := s.CreateOrganization(storetest.Admin(), &registry.Organization{Name: name, StreetID: st.ID, CommunityID: c1.ID}); err != nil {
			t.Fatal(err)
		}
		n, err := s.LastChangeSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	seq := func(c context.Context) int64 {
		t.Helper()
		n, err := s.LastChangeSeq(c)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitSeq := func(c context.Context, want int64, within time.Duration, what string) {
		t.Helper()
		deadline := time.Now().Add(within)
		for seq(c) != want {
			if time.Now().After(deadline) {
				t.Fatalf("%s: seq %d, want %d", what, seq(c), want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	first := newOrg("龙锦苑舞蹈队")
	waitSeq(onReplica, first, 10*time.Second, "the replica catches up")

	sb := sdb
	if _, err := sb.Exec(`SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	second := newOrg("回龙观读书会")
	if got := seq(ctx); got != second {
		t.Fatalf("an unmarked read does not see the primary: %d, want %d", got, second)
	}
	if got := seq(onReplica); got != first {
		t.Fatalf("a marked read within the bound: %d, want the replica's %d", got, first)
	}
	// Beyond the bound the marked reads move to the primary.
	waitSeq(onReplica, second, bound+2*time.Second, "a marked read once the replica is too far behind")
	if _, err := sb.Exec(`SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); !s.ReplicaFresh(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the caught-up replica does not serve again")
		}
	}
	if got := seq(onReplica); got != second {
		t.Fatalf("the caught-up replica: seq %d, want %d", got, second)
	}
}
