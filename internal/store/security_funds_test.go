package store_test

// Funds and points across two app nodes (SECURITY.md, "资金与积分"): two
// Stores on one database stand for two `huitian serve` processes behind a
// load balancer, so nothing may rest on one process's memory or mutex.

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// eachTwoNodes runs fn per database with two Stores on one fresh database.
func eachTwoNodes(t *testing.T, fn func(t *testing.T, a, b *store.Store)) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, d)
			ctx := context.Background()
			a, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { a.Close() })
			if _, err := a.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			b, err := store.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { b.Close() })
			fn(t, a, b)
		})
	}
}

// TestSecurityPointsTwoNodes: a double spend raced over two nodes never
// overdraws; an idempotency key replayed on the other node with the same
// content returns the same posting, with other content is refused
// (points.key_reused); the ledger verifies.
func TestSecurityPointsTwoNodes(t *testing.T) {
	t.Parallel()
	eachTwoNodes(t, func(t *testing.T, a, b *store.Store) {
		st, _, _ := seed(t, a)
		pool := points.AccountID(points.Pool, st.ID)
		res := points.AccountID(points.Resident, "zhang")
		shop := points.AccountID(points.MerchantAcct, "shop")
		grant(t, a, pool, res, 1000, "open")
		nodes := []*store.Store{a, b}
		const price = 30
		var wg sync.WaitGroup
		var ok atomic.Int64
		for i := range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := nodes[i%2].PostPoints(storetest.Admin(), &points.Posting{Key: fmt.Sprintf("buy-%d", i), Kind: points.KindTransfer,
					From: res, To: shop, Amount: price, Reason: "兑换"})
				if err == nil {
					ok.Add(1)
				} else if errs.As(err).Key != "points.insufficient" {
					t.Errorf("spend: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 1000/price {
			t.Fatalf("%d spends went through on two nodes, want %d", ok.Load(), 1000/price)
		}
		// Replays of one key on both nodes at once: one posting.
		ids := make([]string, 10)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := nodes[i%2].PostPoints(storetest.Admin(), &points.Posting{Key: "prize-1", Kind: points.KindGrant,
					From: pool, To: res, Amount: 7, Reason: "奖励"})
				if err != nil {
					t.Errorf("replay %d: %v", i, err)
					return
				}
				ids[i] = p.ID
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("one key, several postings over two nodes: %v", ids)
			}
		}
		_, err := b.PostPoints(storetest.Admin(), &points.Posting{Key: "prize-1", Kind: points.KindGrant, From: pool, To: res,
			Amount: 8, Reason: "奖励"})
		if errs.CodeOf(err) != errs.Conflict || errs.As(err).Key != "points.key_reused" {
			t.Fatalf("same key, other amount, other node: %v", err)
		}
		acct, err := b.FindPointsAccount(storetest.Admin(), res)
		if err != nil || acct.Balance != 1000%price+7 {
			t.Fatalf("balance %+v %v", acct, err)
		}
		if m, _, err := a.VerifyPoints(context.Background()); err != nil || m != nil {
			t.Fatalf("points verify: %+v %v", m, err)
		}
	})
}

// TestSecurityGrantsTwoNodes: a tranche paid from two nodes at once pays
// once; a round's awards raced over two nodes never exceed its budget; a
// donation key replayed on the other node returns the same donation, and
// with other content is refused (grants.key_reused); the funds verify.
func TestSecurityGrantsTwoNodes(t *testing.T) {
	t.Parallel()
	eachTwoNodes(t, func(t *testing.T, a, b *store.Store) {
		f := newGrantFixture(t, a)
		b.Now = a.Now
		nodes := []*store.Store{a, b}
		d1 := f.donate(t, "某公司", false, 20_000_000, "d1")
		again := &grants.Donation{FundID: f.fund.ID, DonorName: "某公司", Amount: 20_000_000, Channel: "bank", DonatedOn: "2026-11-19"}
		if err := b.RecordDonation(as(f.foundation), again, "d1"); err != nil || again.ID != d1.ID || again.ReceiptNo != d1.ReceiptNo {
			t.Fatalf("donation replayed on the other node: %+v %v", again, err)
		}
		other := &grants.Donation{FundID: f.fund.ID, DonorName: "某公司", Amount: 30_000_000, Channel: "bank", DonatedOn: "2026-11-19"}
		if err := b.RecordDonation(as(f.foundation), other, "d1"); errs.CodeOf(err) != errs.Conflict || errs.As(err).Key != "grants.key_reused" {
			t.Fatalf("donation key with other content: %v", err)
		}

		// Round over-award: 12 awards of 300,000 against 1,000,000, on two nodes.
		r := &grants.RoundRecord{FundID: f.fund.ID, Name: "两节点并发轮次", Route: grants.RouteGrant, Budget: 1_000_000,
			Eligibility: grants.AnyOrg, OpensOn: "2026-11-01", ClosesOn: "2026-12-31"}
		if err := a.CreateRound(as(f.foundation), r); err != nil {
			t.Fatal(err)
		}
		var apps []string
		for i := range 12 {
			o := bidOrg(t, a, 40+i, fmt.Sprintf("两节点公益服务社%d", i), registry.Filed, f.streetID)
			app := application(r.ID, o.ID, 300_000)
			app.MatchCash, app.Lines = 0, app.Lines[:1]
			admin := &accounts.User{ID: "a" + o.ID, Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: o.ID}}}
			if err := a.CreateApplication(as(admin), app); err != nil {
				t.Fatal(err)
			}
			if _, err := a.StepApplication(as(f.foundation), app.ID, grants.ActReview, ""); err != nil {
				t.Fatal(err)
			}
			apps = append(apps, app.ID)
		}
		var wg sync.WaitGroup
		var won, lost atomic.Int64
		var agreement *grants.Agreement
		var mu sync.Mutex
		for i, id := range apps {
			wg.Add(1)
			go func() {
				defer wg.Done()
				g, err := nodes[i%2].AwardApplication(as(f.foundation), id, grants.Decision{Amount: 300_000, Reason: "同时决定"})
				switch {
				case err == nil:
					won.Add(1)
					mu.Lock()
					agreement = g
					mu.Unlock()
				case errs.As(err).Key == "grants.round_budget_exceeded":
					lost.Add(1)
				default:
					t.Errorf("award: %v", err)
				}
			}()
		}
		wg.Wait()
		if won.Load() != 3 || lost.Load() != 9 {
			t.Fatalf("over two nodes: %d awarded, %d refused; want 3 and 9", won.Load(), lost.Load())
		}
		rr, _ := b.FindRoundByID(context.Background(), r.ID)
		if rr.Awarded != 900_000 || rr.Available != 100_000 {
			t.Fatalf("round after the race: %+v", rr)
		}

		// Tranche double pay: pressed eight times on two nodes at once.
		tr := agreement.Tranches[0]
		orgAdmin := &accounts.User{ID: "a" + agreement.OrgID, Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: agreement.OrgID}}}
		if _, err := a.StepTranche(as(orgAdmin), tr.ID, grants.ActReport, "完成"); err != nil {
			t.Fatal(err)
		}
		if _, err := b.StepTranche(as(f.foundation), tr.ID, grants.ActAccept, "材料齐全"); err != nil {
			t.Fatal(err)
		}
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := nodes[i%2].PayTranche(as(f.foundation), tr.ID, fmt.Sprintf("press-%d", i)); err != nil {
					t.Errorf("press %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		var postings int
		if err := rawCount(t, a, `SELECT COUNT(*) FROM grant_postings WHERE ref_id = ?`, tr.ID, &postings); err != nil || postings != 1 {
			t.Fatalf("tranche paid %d times over two nodes (%v)", postings, err)
		}
		if problems, _, err := b.VerifyGrants(context.Background()); err != nil || len(problems) != 0 {
			t.Fatalf("grants verify: %+v %v", problems, err)
		}
		if br, _, err := a.VerifyAudit(context.Background()); br != nil || err != nil {
			t.Fatalf("audit: %+v %v", br, err)
		}
	})
}
