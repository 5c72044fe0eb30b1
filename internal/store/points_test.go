package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func grant(t *testing.T, s *store.Store, pool, to string, amount int64, key string) *points.Posting {
	t.Helper()
	p, err := s.PostPoints(storetest.Admin(), &points.Posting{Key: key, Kind: points.KindGrant, From: pool, To: to,
		Amount: amount, Reason: "开户积分"})
	if err != nil {
		t.Fatalf("grant %s: %v", key, err)
	}
	return p
}

// TestPointsBank is a Jepsen-style bank test: 100 accounts, 16 clients
// moving random amounts between them while a reader keeps summing every
// balance. The total never changes and no account but the pool is ever
// negative; at the end every balance equals its postings.
func TestPointsBank(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		pool := points.AccountID(points.Pool, st.ID)
		const n, clients, each = 100, 16, 150
		acct := func(i int) string { return points.AccountID(points.Resident, fmt.Sprintf("r%03d", i)) }
		for i := 0; i < n; i++ {
			grant(t, s, pool, acct(i), 100, fmt.Sprintf("open-%d", i))
		}
		ctx := storetest.Admin()
		var wg sync.WaitGroup
		var done atomic.Bool
		var ok, refused, reads atomic.Int64
		readerErr := make(chan error, 1)
		go func() {
			defer close(readerErr)
			for !done.Load() {
				var sum, minOther int64
				if err := s.QueryRowForTest(context.Background(), `SELECT COALESCE(SUM(balance), 0),
					COALESCE(MIN(CASE WHEN kind <> 'pool' THEN balance END), 0) FROM points_accounts`).Scan(&sum, &minOther); err != nil {
					readerErr <- err
					return
				}
				if sum != 0 || minOther < 0 {
					readerErr <- fmt.Errorf("read total %d, lowest non-pool balance %d", sum, minOther)
					return
				}
				reads.Add(1)
			}
		}()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(c), 7))
				for i := 0; i < each; i++ {
					from, to := r.IntN(n), r.IntN(n-1)
					if to >= from {
						to++
					}
					_, err := s.PostPoints(ctx, &points.Posting{Key: fmt.Sprintf("t-%d-%d", c, i), Kind: points.KindTransfer,
						From: acct(from), To: acct(to), Amount: int64(1 + r.IntN(60)), Reason: "转账"})
					switch {
					case err == nil:
						ok.Add(1)
					case errs.As(err).Key == "points.insufficient":
						refused.Add(1)
					default:
						t.Errorf("transfer: %v", err)
						return
					}
				}
			}(c)
		}
		wg.Wait()
		done.Store(true)
		if err := <-readerErr; err != nil {
			t.Fatal(err)
		}
		if ok.Load()+refused.Load() != clients*each || ok.Load() < clients*each/2 || reads.Load() == 0 {
			t.Fatalf("ok %d refused %d reads %d", ok.Load(), refused.Load(), reads.Load())
		}
		var total int64
		if err := s.QueryRowForTest(context.Background(), `SELECT SUM(balance) FROM points_accounts WHERE kind = 'resident'`).Scan(&total); err != nil || total != n*100 {
			t.Fatalf("residents hold %d, want %d (%v)", total, n*100, err)
		}
		m, checked, err := s.VerifyPoints(context.Background())
		if err != nil || m != nil || checked != n+1 {
			t.Fatalf("verify: %+v %d %v", m, checked, err)
		}
		if err := s.ExecForTest(context.Background(), `UPDATE points_accounts SET balance = balance + 1 WHERE id = ?`, acct(42)); err != nil {
			t.Fatal(err)
		}
		if m, _, err := s.VerifyPoints(context.Background()); err != nil || m == nil || m.AccountID != acct(42) || m.Balance != m.Sum+1 {
			t.Fatalf("verify after tampering: %+v %v", m, err)
		}
	})
}

// TestPointsParallelSpend: 50 clients spend from one balance at once;
// exactly floor(balance/price) succeed.
func TestPointsParallelSpend(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		pool := points.AccountID(points.Pool, st.ID)
		res := points.AccountID(points.Resident, "zhang")
		shop := points.AccountID(points.MerchantAcct, "shop")
		grant(t, s, pool, res, 1000, "open")
		const price = 30
		var wg sync.WaitGroup
		var ok atomic.Int64
		for i := 0; i < 50; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := s.PostPoints(storetest.Admin(), &points.Posting{Key: fmt.Sprintf("buy-%d", i), Kind: points.KindTransfer,
					From: res, To: shop, Amount: price, Reason: "兑换"})
				if err == nil {
					ok.Add(1)
				} else if errs.As(err).Key != "points.insufficient" {
					t.Errorf("spend: %v", err)
				}
			}(i)
		}
		wg.Wait()
		if ok.Load() != 1000/price {
			t.Fatalf("%d spends succeeded, want %d", ok.Load(), 1000/price)
		}
		var bal int64
		if err := s.QueryRowForTest(context.Background(), `SELECT balance FROM points_accounts WHERE id = ?`, res).Scan(&bal); err != nil || bal != 1000%price {
			t.Fatalf("left %d %v", bal, err)
		}
	})
}

func TestPointsIdempotencyAndReversal(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		ctx := context.Background()
		pool := points.AccountID(points.Pool, st.ID)
		res := points.AccountID(points.Resident, "li")
		first := grant(t, s, pool, res, 50, "k1")
		again := grant(t, s, pool, res, 50, "k1")
		if again.ID != first.ID {
			t.Fatalf("replay gave a new posting %s, want %s", again.ID, first.ID)
		}
		_, err := s.PostPoints(storetest.Admin(), &points.Posting{Key: "k1", Kind: points.KindGrant, From: pool, To: res,
			Amount: 51, Reason: "开户积分"})
		if errs.CodeOf(err) != errs.Conflict || errs.As(err).Key != "points.key_reused" {
			t.Fatalf("same key, other amount: %v", err)
		}
		// Concurrent replays of one key post once.
		var wg sync.WaitGroup
		ids := make([]string, 8)
		for i := range ids {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				p, err := s.PostPoints(storetest.Admin(), &points.Posting{Key: "k2", Kind: points.KindGrant, From: pool, To: res,
					Amount: 5, Reason: "奖励"})
				if err != nil {
					t.Errorf("replay %d: %v", i, err)
					return
				}
				ids[i] = p.ID
			}(i)
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("concurrent replays: %v", ids)
			}
		}
		a, err := s.FindPointsAccount(storetest.Admin(), res)
		if err != nil || a.Balance != 55 {
			t.Fatalf("balance %+v %v", a, err)
		}
		// Invalid postings change nothing.
		for _, bad := range []*points.Posting{
			{Key: "b1", Kind: points.KindGrant, From: pool, To: res, Amount: 0, Reason: "x"},
			{Key: "b2", Kind: points.KindGrant, From: res, To: res, Amount: 1, Reason: "x"},
			{Key: "b3", Kind: points.KindAward, From: pool, To: res, Amount: 1, Reason: "x"}, // no rule
			{Key: "b4", Kind: points.KindGrant, From: "nobody", To: res, Amount: 1, Reason: "x"},
			{Key: "", Kind: points.KindGrant, From: pool, To: res, Amount: 1, Reason: "x"},
		} {
			if _, err := s.PostPoints(storetest.Admin(), bad); errs.CodeOf(err) != errs.Invalid {
				t.Fatalf("%s: %v", bad.Key, err)
			}
		}
		// Residents cannot overdraw; only pools go negative.
		if _, err := s.PostPoints(storetest.Admin(), &points.Posting{Key: "over", Kind: points.KindTransfer, From: res,
			To: points.AccountID(points.Resident, "wang"), Amount: 56, Reason: "转账"}); errs.As(err).Key != "points.insufficient" {
			t.Fatalf("overdraw: %v", err)
		}
		// Postings are immutable: the database refuses to change one.
		if err := s.ExecForTest(ctx, `UPDATE points_postings SET amount = 1 WHERE id = ?`, first.ID); err == nil {
			t.Fatal("a posting was updated")
		}
		if err := s.ExecForTest(ctx, `DELETE FROM points_postings WHERE id = ?`, first.ID); err == nil {
			t.Fatal("a posting was deleted")
		}
		// A correction is a reversing posting, once.
		rev, err := s.ReversePoints(storetest.Admin(), first.ID, "rev-k1", "误发冲正")
		if err != nil || rev.From != res || rev.To != pool || rev.Reverses != first.ID {
			t.Fatalf("reverse: %+v %v", rev, err)
		}
		if _, err := s.ReversePoints(storetest.Admin(), first.ID, "rev-k1-again", "再冲正"); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("second reversal: %v", err)
		}
		entries, err := s.FindPointsEntries(ctx, res, 10)
		if err != nil || len(entries) != 3 || entries[0].Delta != -50 || entries[0].Other != st.Name || entries[0].Reason != "误发冲正" {
			t.Fatalf("entries: %+v %v", entries, err)
		}
		// Who may see and post.
		owner := &accounts.User{ID: "li", Grants: []accounts.Grant{{Role: accounts.Resident}}}
		if _, err := s.FindPointsAccount(as(owner), res); err != nil {
			t.Fatalf("owner: %v", err)
		}
		other := &accounts.User{ID: "wang", Grants: []accounts.Grant{{Role: accounts.Resident}}}
		if _, err := s.FindPointsAccount(as(other), res); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("another resident: %v", err)
		}
		staff := &accounts.User{ID: "s", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
		if _, err := s.PostPoints(as(staff), &points.Posting{Key: "st1", Kind: points.KindGrant, From: pool, To: res, Amount: 1, Reason: "志愿奖励"}); err != nil {
			t.Fatalf("staff grant: %v", err)
		}
		elsewhere := &accounts.User{ID: "e", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: "elsewhere"}}}
		if _, err := s.PostPoints(as(elsewhere), &points.Posting{Key: "st2", Kind: points.KindGrant, From: pool, To: res, Amount: 1, Reason: "x"}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other street's staff: %v", err)
		}
		if _, err := s.PostPoints(as(owner), &points.Posting{Key: "st3", Kind: points.KindTransfer, From: res, To: pool, Amount: 1, Reason: "x"}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("resident posting by hand: %v", err)
		}
		if m, _, err := s.VerifyPoints(ctx); m != nil || err != nil {
			t.Fatalf("verify: %+v %v", m, err)
		}
		// Each posting is audited.
		var n int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM audit_entries WHERE action = ?`, "points.post", &n); err != nil || n != 4 { // k1, k2, the reversal, st1
			t.Fatalf("audit entries %d %v", n, err)
		}
	})
}
