package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestPointsBatcher: group commit keeps every ledger rule: a refused
// posting fails alone, replays return the first posting, concurrent spends
// never overdraw, and balances equal postings.
func TestPointsBatcher(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		b := s.NewPointsBatcher(0)
		defer b.Close()
		ctx := storetest.Admin()
		pool := points.AccountID(points.Pool, st.ID)
		res := points.AccountID(points.Resident, "r")
		if _, err := b.Post(ctx, &points.Posting{Key: "open", Kind: points.KindGrant, From: pool, To: res, Amount: 100, Reason: "开户"}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var ok atomic.Int64
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := b.Post(ctx, &points.Posting{Key: fmt.Sprint("s", i), Kind: points.KindTransfer, From: res,
					To: points.AccountID(points.MerchantAcct, "m"), Amount: 7, Reason: "兑换"})
				switch {
				case err == nil:
					ok.Add(1)
				case errs.As(err).Key != "points.insufficient":
					t.Errorf("spend: %v", err)
				}
			}(i)
		}
		wg.Wait()
		if ok.Load() != 100/7 {
			t.Fatalf("%d spends, want %d", ok.Load(), 100/7)
		}
		first, _ := b.Post(ctx, &points.Posting{Key: "g2", Kind: points.KindGrant, From: pool, To: res, Amount: 5, Reason: "奖励"})
		again, err := b.Post(ctx, &points.Posting{Key: "g2", Kind: points.KindGrant, From: pool, To: res, Amount: 5, Reason: "奖励"})
		if err != nil || again.ID != first.ID {
			t.Fatalf("replay: %v %v", again, err)
		}
		if _, err := b.Post(ctx, &points.Posting{Key: "g2", Kind: points.KindGrant, From: pool, To: res, Amount: 6, Reason: "奖励"}); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("reused key: %v", err)
		}
		if _, err := b.Post(context.Background(), &points.Posting{Key: "anon", Kind: points.KindGrant, From: pool, To: res, Amount: 1, Reason: "x"}); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("anonymous: %v", err)
		}
		a, _ := s.FindPointsAccount(ctx, res)
		if a.Balance != 100%7+5 {
			t.Fatalf("balance %d", a.Balance)
		}
		if m, _, err := s.VerifyPoints(context.Background()); m != nil || err != nil {
			t.Fatalf("verify %+v %v", m, err)
		}
		// Every posting is in the audit log, listed in its transaction's entry.
		entries, _, err := s.FindAuditEntries(ctx, audit.Filter{Action: "points.post_batch", PerPage: 200})
		listed := 0
		for _, e := range entries {
			var d struct{ Postings []map[string]any }
			if err := json.Unmarshal([]byte(e.Data), &d); err != nil {
				t.Fatal(err)
			}
			listed += len(d.Postings)
		}
		var n int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM points_postings WHERE amount > ?`, 0, &n); err != nil || listed != n {
			t.Fatalf("audit lists %d postings, the ledger holds %d (%v)", listed, n, err)
		}
		if brk, _, err := s.VerifyAudit(context.Background()); brk != nil || err != nil {
			t.Fatalf("audit chain: %+v %v", brk, err)
		}
	})
}

// TestPointsBatchOrder: a batch written at once moves each balance by its
// net change only when every account affords its debits alone; otherwise
// it runs posting by posting, in order, so a spend that needs a credit of
// the same batch succeeds only after it, and two spends that would each
// need the other's credit both fail.
func TestPointsBatchOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		b := s.NewPointsBatcher(0)
		defer b.Close()
		ctx := storetest.Admin()
		pool := points.AccountID(points.Pool, st.ID)
		a, c := points.AccountID(points.Resident, "a"), points.AccountID(points.Resident, "c")
		m := points.AccountID(points.MerchantAcct, "m")
		tr := func(key, from, to string, n int64) *points.Posting {
			return &points.Posting{Key: key, Kind: points.KindTransfer, From: from, To: to, Amount: n, Reason: "测试"}
		}
		grant := func(key, to string, n int64) *points.Posting {
			return &points.Posting{Key: key, Kind: points.KindGrant, From: pool, To: to, Amount: n, Reason: "测试"}
		}
		check := func(errs []error, want ...bool) {
			t.Helper()
			for i, ok := range want {
				if (errs[i] == nil) != ok {
					t.Fatalf("posting %d: %v, want ok=%v", i, errs[i], ok)
				}
			}
		}
		before, _ := s.Posted()
		// All affordable: written at once.
		check(b.CommitForTest(ctx, grant("g1", a, 10), grant("g2", c, 5), tr("t1", a, m, 4)), true, true, true)
		// The spend comes before the credit it needs: one by one, it fails.
		check(b.CommitForTest(ctx, tr("t2", c, m, 8), grant("g3", c, 5)), false, true)
		// After the credit it succeeds.
		check(b.CommitForTest(ctx, grant("g4", c, 5), tr("t3", c, m, 14)), true, true)
		// c affords its debit only after a's credit: one by one, in order.
		check(b.CommitForTest(ctx, tr("t4", a, c, 6), tr("t5", c, a, 6)), true, true)
		// Each would need the other's credit: neither may go.
		check(b.CommitForTest(ctx, tr("t6", a, c, 9), tr("t7", c, a, 9), tr("t8", c, m, 1)), false, false, true)
		// A replayed key is not a new posting.
		check(b.CommitForTest(ctx, grant("g1", a, 10)), true)
		// The metric huitian_ledger_postings_total counts the nine written.
		if after, _ := s.Posted(); after-before != 9 {
			t.Fatalf("Posted: %d postings counted, want 9", after-before)
		}
		for id, want := range map[string]int64{a: 6, c: 0, m: 19} {
			if got, err := s.FindPointsAccount(ctx, id); err != nil || got.Balance != want {
				t.Fatalf("%s: %+v %v, want %d", id, got, err, want)
			}
		}
		if mm, _, err := s.VerifyPoints(context.Background()); mm != nil || err != nil {
			t.Fatalf("verify %+v %v", mm, err)
		}
	})
}

func TestSQLiteSynchronousFull(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "d.db")+"?synchronous=full")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var mode int
	if err := s.QueryRowForTest(ctx, `PRAGMA synchronous`).Scan(&mode); err != nil || mode != 2 {
		t.Fatalf("synchronous %d %v", mode, err)
	}
}
