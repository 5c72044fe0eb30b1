package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/pgtool"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestFailover (issue 11): a primary with a synchronous streaming standby
// on loopback; postings flow through one Store connected by a multi-host
// URL that wants a writable server. The primary is killed mid-stream and
// the standby promoted: every posting that was acknowledged is on the new
// primary, the ledger and the audit chain verify, and the same Store
// writes again without being reopened.
func TestFailover(t *testing.T) {
	t.Parallel()
	if _, err := pgtool.Find("", "pg_basebackup"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	ctx := context.Background()
	primary, err := pgtool.Start(ctx, "fsync=off", "wal_level=replica", "max_wal_senders=4",
		"synchronous_commit=on", "synchronous_standby_names=*")
	if err != nil {
		t.Fatal(err)
	}
	defer primary.Remove()
	standby, err := primary.Standby(ctx, "fsync=off")
	if err != nil {
		t.Fatal(err)
	}
	defer standby.Remove()
	// The standby must be synchronous: a commit is acknowledged only once
	// the standby has it, which is what makes an acknowledged posting
	// survive the primary.
	pdb, err := sql.Open("pgx", primary.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer pdb.Close()
	for deadline := time.Now().Add(30 * time.Second); ; {
		var state string
		err := pdb.QueryRow(`SELECT sync_state FROM pg_stat_replication`).Scan(&state)
		if err == nil && state == "sync" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the standby is not synchronous: %q %v", state, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	pdb.Close()
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d,127.0.0.1:%d/postgres?sslmode=disable&target_session_attrs=read-write",
		primary.Port, standby.Port)
	s, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st := &places.Street{Name: "天通苑北街道"}
	if err := s.CreateStreet(storetest.Admin(), st); err != nil {
		t.Fatal(err)
	}
	pool := points.AccountID(points.Pool, st.ID)

	var acked sync.Map // idempotency key → true, once the call returned nil
	var nAcked, failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("w%d-%d", w, i)
				_, err := s.PostPoints(storetest.Admin(), &points.Posting{Key: key, Kind: points.KindGrant, From: pool,
					To: points.AccountID(points.Resident, fmt.Sprint("r", i%9)), Amount: 1 + int64(i%3), Reason: "志愿服务"})
				if err != nil {
					failed.Add(1) // the outcome is unknown: it may or may not have committed
					time.Sleep(20 * time.Millisecond)
					continue
				}
				acked.Store(key, true)
				nAcked.Add(1)
			}
		})
	}
	waitFor := func(n int64, what string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for nAcked.Load() < n {
			if time.Now().After(deadline) {
				close(stop)
				wg.Wait()
				t.Fatalf("%s: %d postings acknowledged, %d failed", what, nAcked.Load(), failed.Load())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitFor(200, "before the failover")
	if err := primary.Kill(ctx); err != nil {
		t.Fatal(err)
	}
	if err := standby.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(nAcked.Load()+200, "after the promotion, through the same store")
	close(stop)
	wg.Wait()

	db, err := sql.Open("pgx", standby.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	present := map[string]bool{}
	rows, err := db.Query(`SELECT idem_key FROM points_postings`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		present[k] = true
	}
	rows.Close()
	missing := 0
	acked.Range(func(k, _ any) bool {
		if !present[k.(string)] {
			missing++
		}
		return true
	})
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged postings are missing after the failover", missing, nAcked.Load())
	}
	if _, err := s.VerifyAll(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d postings acknowledged (all present), %d calls failed during the failover", nAcked.Load(), failed.Load())
}
