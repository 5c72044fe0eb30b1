package store_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestSettlements(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := shopSeed(t, s)
		ctx := context.Background()
		g := &points.Good{MerchantID: f.shop.ID, Name: "鸡蛋一盒", Price: 30, Stock: 10, Active: true}
		if err := s.CreateGood(as(f.cashier), g); err != nil {
			t.Fatal(err)
		}
		grant(t, s, points.AccountID(points.Pool, f.street), points.AccountID(points.Resident, f.resident.ID), 200, "open")
		// Two redemptions on 31 October (Beijing), one on 1 November 00:30 Beijing (still 31 October in UTC).
		for i, at := range []time.Time{
			time.Date(2026, 10, 31, 2, 0, 0, 0, time.UTC),
			time.Date(2026, 10, 31, 9, 0, 0, 0, time.UTC),
			time.Date(2026, 10, 31, 16, 30, 0, 0, time.UTC),
		} {
			s.Now = func() time.Time { return at }
			c, err := s.IssueRedemptionCode(as(f.resident), g.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Redeem(as(f.cashier), c.Code, "k"+string(rune('a'+i))); err != nil {
				t.Fatal(err)
			}
		}
		s.Now = func() time.Time { return time.Date(2026, 11, 3, 1, 0, 0, 0, time.UTC) }
		staff := &accounts.User{ID: "st", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: f.street}}}
		if _, err := s.CreateSettlement(as(staff), f.shop.ID, "2026-11"); errs.As(err).Key != "points.month_not_over" {
			t.Fatalf("current month: %v", err)
		}
		if _, err := s.CreateSettlement(as(staff), f.shop.ID, "十月"); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("bad month: %v", err)
		}
		if _, err := s.CreateSettlement(as(f.cashier), f.shop.ID, "2026-10"); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("merchant draws its own statement: %v", err)
		}
		st, err := s.CreateSettlement(as(staff), f.shop.ID, "2026-10")
		if err != nil || st.Redemptions != 2 || st.Total != 60 || st.Status != points.SettlementDraft {
			t.Fatalf("statement: %+v %v", st, err)
		}
		if _, err := s.CreateSettlement(as(staff), f.shop.ID, "2026-10"); errs.As(err).Key != "points.settlement_exists" {
			t.Fatalf("twice: %v", err)
		}
		list, err := s.FindSettlements(as(f.cashier), f.shop.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("merchant's list: %v %v", list, err)
		}
		if _, err := s.FindSettlements(as(f.otherCashier), f.shop.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other merchant: %v", err)
		}
		if _, err := s.ApproveSettlement(as(f.cashier), st.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("merchant approves: %v", err)
		}
		ok, err := s.ApproveSettlement(as(staff), st.ID)
		if err != nil || ok.Status != points.SettlementApproved || ok.PostingID == "" {
			t.Fatalf("approve: %+v %v", ok, err)
		}
		if _, err := s.ApproveSettlement(as(staff), st.ID); errs.As(err).Key != "points.settlement_approved" {
			t.Fatalf("approve twice: %v", err)
		}
		m, _ := s.FindPointsAccount(storetest.Admin(), points.AccountID(points.MerchantAcct, f.shop.ID))
		if m.Balance != 30 { // November's redemption is not settled yet
			t.Fatalf("merchant balance %d", m.Balance)
		}
		got, lines, err := s.FindSettlementByID(as(f.cashier), st.ID)
		if err != nil || len(lines) != 2 || got.Status != points.SettlementApproved {
			t.Fatalf("statement lines %d %v", len(lines), err)
		}
		var csvOut, xlsxOut bytes.Buffer
		if err := points.WriteStatementCSV(&csvOut, got, lines); err != nil {
			t.Fatal(err)
		}
		if c := csvOut.String(); !strings.Contains(c, "合计,2 笔,,60") || !strings.Contains(c, "张**") || strings.Contains(c, "张桂兰") {
			t.Fatalf("csv:\n%s", c)
		}
		if err := points.WriteStatementXLSX(&xlsxOut, got, lines); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&xlsxOut)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := x.GetCellValue("结算单", "D5"); v != "60" {
			t.Fatalf("xlsx total %q", v)
		}
		var n int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM audit_entries WHERE action = ?`, "settlement.approve", &n); err != nil || n != 1 {
			t.Fatalf("audit %d %v", n, err)
		}
		if m, _, err := s.VerifyPoints(ctx); m != nil || err != nil {
			t.Fatalf("verify %+v %v", m, err)
		}
	})
}
