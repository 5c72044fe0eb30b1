package store_test

import (
	"context"
	"database/sql"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestLead: of two nodes on one PostgreSQL exactly one leads; when the
// leader's session dies (its backend terminated, as when its machine
// goes) the other takes over within seconds and the old leader's jobs are
// told to stop. On SQLite the one process leads at once.
func TestLead(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { testLead(t, storetest.DSN(t, d)) })
	}
}

func testLead(t *testing.T, dsn string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := open(t, dsn)
	if s.Dialect() == store.SQLite {
		ran := make(chan bool, 1)
		go s.Lead(ctx, store.LeaderJobs, 50*time.Millisecond, func(context.Context) { ran <- true }, nil)
		select {
		case <-ran:
		case <-time.After(5 * time.Second):
			t.Fatal("the SQLite process did not lead")
		}
		return
	}
	nodes := []*store.Store{open(t, dsn), open(t, dsn)}
	var mu sync.Mutex
	leading := map[int]bool{}
	stopped := make(chan int, 10)
	for i, n := range nodes {
		go n.Lead(ctx, store.LeaderJobs, 100*time.Millisecond, func(jctx context.Context) {
			<-jctx.Done()
			stopped <- i
		}, func(on bool) {
			mu.Lock()
			leading[i] = on
			mu.Unlock()
		})
	}
	leader := waitLeader(t, &mu, leading, -1)
	// Kill the leader's session.
	admin, err := sql.Open("pgx", os.Getenv("HUITIAN_TEST_POSTGRES"))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var key int64
	if err := nodes[leader].QueryRowForTest(ctx, `SELECT $1::bigint # hashtextextended(current_schema(), 0)`, store.LeaderJobs).Scan(&key); err != nil {
		t.Fatal(err)
	}
	var killed int
	if err := admin.QueryRow(`SELECT COUNT(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND ((classid::bigint << 32) | objid::bigint) = $1`, key).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminated %d sessions: %v", killed, err)
	}
	select {
	case i := <-stopped:
		if i != leader {
			t.Fatalf("node %d stopped, the leader was %d", i, leader)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the dead leader's jobs were not stopped")
	}
	waitLeader(t, &mu, leading, leader)

}

// waitLeader waits up to 5 s for exactly one leader other than not.
func waitLeader(t *testing.T, mu *sync.Mutex, leading map[int]bool, not int) int {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		who, n := -1, 0
		for i, on := range leading {
			if on {
				who, n = i, n+1
			}
		}
		mu.Unlock()
		if n > 1 {
			t.Fatalf("%d leaders at once", n)
		}
		if n == 1 && who != not {
			return who
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new leader in 5 s (leading %v)", leading)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
