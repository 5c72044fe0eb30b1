package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

type shopFixture struct {
	street            string
	shop, other       *merchants.Merchant
	resident, cashier *accounts.User
	otherCashier      *accounts.User
}

func shopSeed(t *testing.T, s *store.Store) shopFixture {
	t.Helper()
	st, c1, _ := seed(t, s)
	f := shopFixture{street: st.ID}
	f.shop = &merchants.Merchant{Name: "龙锦苑便民超市", StreetID: st.ID, CommunityID: c1.ID, Kind: "超市"}
	f.other = &merchants.Merchant{Name: "回龙观惠民大药房", StreetID: st.ID, Kind: "药店"}
	for _, m := range []*merchants.Merchant{f.shop, f.other} {
		if err := s.CreateMerchant(storetest.Admin(), m); err != nil {
			t.Fatal(err)
		}
	}
	f.resident = &accounts.User{Phone: "13800000010", Name: "张桂兰", Grants: []accounts.Grant{{Role: accounts.Resident}}}
	f.cashier = &accounts.User{Phone: "13800000007", Name: "马国强", Grants: []accounts.Grant{{Role: accounts.Merchant, ScopeID: f.shop.ID}}}
	f.otherCashier = &accounts.User{Phone: "13800000017", Name: "药房店员", Grants: []accounts.Grant{{Role: accounts.Merchant, ScopeID: f.other.ID}}}
	for _, u := range []*accounts.User{f.resident, f.cashier, f.otherCashier} {
		if err := s.CreateUser(storetest.Admin(), u); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestGoodsAndRedemption(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shopSeed(t, s)
		ctx := context.Background()
		eggs := &points.Good{MerchantID: f.shop.ID, Name: "鸡蛋一盒", Price: 30, Stock: 2, Active: true}
		if err := s.CreateGood(as(f.cashier), eggs); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateGood(as(f.otherCashier), &points.Good{MerchantID: f.shop.ID, Name: "x", Price: 1, Active: true}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("another merchant adds goods: %v", err)
		}
		if err := s.CreateGood(as(f.cashier), &points.Good{MerchantID: f.shop.ID, Name: "", Price: 0}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("bad good: %v", err)
		}
		list, err := s.FindGoods(ctx, points.GoodFilter{StreetID: f.street, ActiveOnly: true})
		if err != nil || len(list) != 1 || list[0].MerchantName != f.shop.Name {
			t.Fatalf("goods: %+v %v", list, err)
		}
		// Not enough points: no code.
		if _, err := s.IssueRedemptionCode(as(f.resident), eggs.ID); errs.As(err).Key != "points.insufficient" {
			t.Fatalf("code without points: %v", err)
		}
		if _, err := s.IssueRedemptionCode(as(f.cashier), eggs.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("code for a merchant: %v", err)
		}
		resAcct := points.AccountID(points.Resident, f.resident.ID)
		grant(t, s, points.AccountID(points.Pool, f.street), resAcct, 100, "open")
		code, err := s.IssueRedemptionCode(as(f.resident), eggs.ID)
		if err != nil || len(code.Code) != 8 || code.Price != 30 {
			t.Fatalf("code: %+v %v", code, err)
		}
		var stored string
		if err := s.QueryRowForTest(ctx, `SELECT code_hash FROM points_codes WHERE id = ?`, code.ID).Scan(&stored); err != nil || stored == code.Code {
			t.Fatalf("code stored in the clear: %v", err)
		}
		// Another merchant's cashier cannot see what it is for, only whose
		// it is (the resident came to the wrong shop), on the code's box.
		for _, try := range []func() error{
			func() error { _, err := s.PreviewRedemption(as(f.otherCashier), code.Code); return err },
			func() error { _, err := s.Redeem(as(f.otherCashier), code.Code, "k-other"); return err },
		} {
			e := errs.As(try())
			if e.Key != "points.code_other_shop" || e.Field != "redemption_code" || len(e.Args) != 1 || e.Args[0] != f.shop.Name {
				t.Fatalf("other merchant: %+v", e)
			}
		}
		// Nobody but a counter learns even that: the resident herself.
		if _, err := s.PreviewRedemption(as(f.resident), code.Code); errs.As(err).Key != "points.code_unknown" {
			t.Fatalf("resident preview: %v", err)
		}
		pv, err := s.PreviewRedemption(as(f.cashier), code.Code[:4]+" "+code.Code[4:])
		if err != nil || pv.GoodName != "鸡蛋一盒" || pv.ResidentName != "张**" {
			t.Fatalf("preview: %+v %v", pv, err)
		}
		r, err := s.Redeem(as(f.cashier), code.Code, "k1")
		if err != nil || r.Price != 30 || r.ResidentName != "张**" || len(r.Flags) != 0 {
			t.Fatalf("redeem: %+v %v", r, err)
		}
		again, err := s.Redeem(as(f.cashier), code.Code, "k1")
		if err != nil || again.ID != r.ID {
			t.Fatalf("replay: %+v %v", again, err)
		}
		if _, err := s.Redeem(as(f.cashier), code.Code, "k2"); errs.As(err).Key != "points.code_used" {
			t.Fatalf("code used twice: %v", err)
		}
		// A used code of another shop tells nothing at the other counter.
		if _, err := s.PreviewRedemption(as(f.otherCashier), code.Code); errs.As(err).Key != "points.code_unknown" {
			t.Fatalf("other merchant, used code: %v", err)
		}
		code2, _ := s.IssueRedemptionCode(as(f.resident), eggs.ID)
		if _, err := s.Redeem(as(f.cashier), code2.Code, "k1"); errs.As(err).Key != "points.redemption_key_reused" {
			t.Fatalf("key reused for another code: %v", err)
		}
		// Codes expire after five minutes.
		clock := s.Now
		s.Now = func() time.Time { return clock().Add(points.CodeTTL + time.Second) }
		if _, err := s.Redeem(as(f.cashier), code2.Code, "k3"); errs.As(err).Key != "points.code_unknown" {
			t.Fatalf("expired code: %v", err)
		}
		if _, err := s.PreviewRedemption(as(f.otherCashier), code2.Code); errs.As(err).Key != "points.code_unknown" {
			t.Fatalf("other merchant, expired code: %v", err)
		}
		s.Now = clock
		a, _ := s.FindPointsAccount(as(f.resident), resAcct)
		m, _ := s.FindPointsAccount(as(f.cashier), points.AccountID(points.MerchantAcct, f.shop.ID))
		if a.Balance != 70 || m.Balance != 30 || m.StreetID != f.street {
			t.Fatalf("balances %d %d %+v", a.Balance, m.Balance, m)
		}
		if _, err := s.FindPointsAccount(as(f.otherCashier), m.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other merchant's account: %v", err)
		}
		g, _ := s.FindGoodByID(ctx, eggs.ID)
		if g.Stock != 1 {
			t.Fatalf("stock %d", g.Stock)
		}
		// The merchant sees its redemptions; the other one does not.
		if rs, err := s.FindRedemptions(as(f.cashier), points.RedemptionFilter{MerchantID: f.shop.ID}); err != nil || len(rs) != 1 {
			t.Fatalf("merchant redemptions: %v %v", rs, err)
		}
		if rs, _ := s.FindRedemptions(as(f.otherCashier), points.RedemptionFilter{}); len(rs) != 0 {
			t.Fatalf("other merchant sees %d", len(rs))
		}
		// Out of stock after the last one.
		stock := int64(0)
		if _, err := s.UpdateGood(as(f.cashier), eggs.ID, points.GoodUpdate{Stock: &stock}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueRedemptionCode(as(f.resident), eggs.ID); errs.As(err).Key != "points.out_of_stock" {
			t.Fatalf("no stock: %v", err)
		}
		price := int64(0)
		if _, err := s.UpdateGood(as(f.cashier), eggs.ID, points.GoodUpdate{Price: &price}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("price 0: %v", err)
		}
		if _, err := s.UpdateGood(as(f.otherCashier), eggs.ID, points.GoodUpdate{Stock: &stock}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other merchant edits: %v", err)
		}
		if m, _, err := s.VerifyPoints(ctx); m != nil || err != nil {
			t.Fatalf("verify %+v %v", m, err)
		}
	})
}

// TestParallelRedemptions: 50 codes confirmed at once against one balance;
// exactly floor(balance/price) go through, each posting once, stock to match.
func TestParallelRedemptions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shopSeed(t, s)
		const price, balance = 30, 1000
		g := &points.Good{MerchantID: f.shop.ID, Name: "挂面", Price: price, Stock: 100, Active: true}
		if err := s.CreateGood(as(f.cashier), g); err != nil {
			t.Fatal(err)
		}
		resAcct := points.AccountID(points.Resident, f.resident.ID)
		grant(t, s, points.AccountID(points.Pool, f.street), resAcct, balance, "open")
		codes := make([]string, 50)
		for i := range codes {
			c, err := s.IssueRedemptionCode(as(f.resident), g.ID)
			if err != nil {
				t.Fatal(err)
			}
			codes[i] = c.Code
		}
		var wg sync.WaitGroup
		var ok atomic.Int64
		for i, c := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Redeem(as(f.cashier), c, fmt.Sprintf("r-%d", i))
				if err == nil {
					ok.Add(1)
				} else if errs.As(err).Key != "points.insufficient" {
					t.Errorf("redeem: %v", err)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != balance/price {
			t.Fatalf("%d redemptions, want %d", ok.Load(), balance/price)
		}
		got, _ := s.FindGoodByID(context.Background(), g.ID)
		a, _ := s.FindPointsAccount(storetest.Admin(), resAcct)
		if got.Stock != 100-balance/price || a.Balance != balance%price {
			t.Fatalf("stock %d balance %d", got.Stock, a.Balance)
		}
		// Repeated redemptions for one resident at one merchant are flagged.
		rs, _ := s.FindRedemptions(storetest.Admin(), points.RedemptionFilter{MerchantID: f.shop.ID, FlaggedOnly: true})
		if len(rs) != balance/price-(points.RepeatLimit-1) || !slices.Contains(rs[0].Flags, points.FlagRepeat) {
			t.Fatalf("flagged %d", len(rs))
		}
		if m, _, err := s.VerifyPoints(context.Background()); m != nil || err != nil {
			t.Fatalf("verify %+v %v", m, err)
		}
	})
}

func TestMerchantHoursFlag(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shopSeed(t, s)
		if err := s.SetMerchantHours(as(f.cashier), f.shop.ID, points.Hours{Opens: "8点", Closes: "21:00"}); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("bad hours: %v", err)
		}
		if err := s.SetMerchantHours(as(f.otherCashier), f.shop.ID, points.Hours{Opens: "08:00", Closes: "21:00"}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other merchant: %v", err)
		}
		if err := s.SetMerchantHours(as(f.cashier), f.shop.ID, points.Hours{Opens: "08:00", Closes: "21:00"}); err != nil {
			t.Fatal(err)
		}
		g := &points.Good{MerchantID: f.shop.ID, Name: "酱油", Price: 10, Stock: 5, Active: true}
		if err := s.CreateGood(as(f.cashier), g); err != nil {
			t.Fatal(err)
		}
		grant(t, s, points.AccountID(points.Pool, f.street), points.AccountID(points.Resident, f.resident.ID), 100, "open")
		// 23:30 in Beijing.
		s.Now = func() time.Time { return time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC) }
		c, err := s.IssueRedemptionCode(as(f.resident), g.ID)
		if err != nil {
			t.Fatal(err)
		}
		r, err := s.Redeem(as(f.cashier), c.Code, "late")
		if err != nil || !slices.Equal(r.Flags, []string{points.FlagOutsideHours}) {
			t.Fatalf("late redemption: %+v %v", r, err)
		}
	})
}

// TestFindRedemptionCode: a code's page finds the code only for its
// resident and only with its digits (which are not stored), and tells a
// used one.
func TestFindRedemptionCode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shopSeed(t, s)
		eggs := &points.Good{MerchantID: f.shop.ID, Name: "鸡蛋一盒", Price: 30, Stock: 2, Active: true}
		if err := s.CreateGood(as(f.cashier), eggs); err != nil {
			t.Fatal(err)
		}
		grant(t, s, points.AccountID(points.Pool, f.street), points.AccountID(points.Resident, f.resident.ID), 100, "open")
		code, err := s.IssueRedemptionCode(as(f.resident), eggs.ID)
		if err != nil || code.MerchantName != f.shop.Name {
			t.Fatalf("issue: %+v %v", code, err)
		}
		got, err := s.FindRedemptionCode(as(f.resident), code.ID, code.Code)
		if err != nil || got.Code != code.Code || got.GoodName != "鸡蛋一盒" || got.MerchantName != f.shop.Name || got.Price != 30 ||
			!got.ExpiresAt.Equal(code.ExpiresAt.UTC()) || !got.UsedAt.IsZero() {
			t.Fatalf("find: %+v %v", got, err)
		}
		other := code.Code[:7] + string('0'+(code.Code[7]-'0'+1)%10)
		for name, try := range map[string]func() error{
			"other digits": func() error { _, err := s.FindRedemptionCode(as(f.resident), code.ID, other); return err },
			"not digits":   func() error { _, err := s.FindRedemptionCode(as(f.resident), code.ID, "x"); return err },
			"the merchant": func() error { _, err := s.FindRedemptionCode(as(f.cashier), code.ID, code.Code); return err },
			"another's id": func() error { _, err := s.FindRedemptionCode(as(f.otherCashier), code.ID, code.Code); return err },
			"no such code": func() error { _, err := s.FindRedemptionCode(as(f.resident), "nope", code.Code); return err },
		} {
			if err := try(); errs.CodeOf(err) != errs.NotFound {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if _, err := s.FindRedemptionCode(context.Background(), code.ID, code.Code); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("signed out: %v", err)
		}
		if _, err := s.Redeem(as(f.cashier), code.Code, "k1"); err != nil {
			t.Fatal(err)
		}
		if got, err := s.FindRedemptionCode(as(f.resident), code.ID, code.Code); err != nil || got.UsedAt.IsZero() {
			t.Fatalf("used: %+v %v", got, err)
		}
	})
}
