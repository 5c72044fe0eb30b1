package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
)

const settlementSelect = `SELECT t.id, t.merchant_id, m.name, m.street_id, t.month, t.redemptions, t.total, t.status,
	t.created_by, t.created_at, t.approved_by, t.approved_at, t.posting_id
	FROM points_settlements t JOIN merchants m ON m.id = t.merchant_id`

func scanSettlement(sc interface{ Scan(...any) error }) (*points.Settlement, error) {
	t := &points.Settlement{}
	var status string
	var approved sql.NullTime
	err := sc.Scan(&t.ID, &t.MerchantID, &t.MerchantName, &t.StreetID, &t.Month, &t.Redemptions, &t.Total, &status,
		&t.CreatedBy, &t.CreatedAt, &t.ApprovedBy, &approved, &t.PostingID)
	t.Status, t.CreatedAt = points.SettlementStatus(status), t.CreatedAt.UTC()
	if approved.Valid {
		t.ApprovedAt = approved.Time.UTC()
	}
	return t, err
}

func findSettlement(ctx context.Context, c conn, id string) (*points.Settlement, error) {
	t, err := scanSettlement(c.row(ctx, settlementSelect+` WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("settlement")
	}
	return t, err
}

// CreateSettlement draws up a merchant's statement for a month that is over
// (street staff or coordinators), from the month's redemptions.
func (s *Store) CreateSettlement(ctx context.Context, merchantID, month string) (*points.Settlement, error) {
	var out *points.Settlement
	err := s.tx(ctx, func(c conn) error {
		m, err := s.FindMerchantByID(ctx, merchantID)
		if err != nil {
			return err
		}
		t := &points.Settlement{MerchantID: m.ID, MerchantName: m.Name, StreetID: m.StreetID, Month: month,
			Status: points.SettlementDraft}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, t.Resource()); err != nil {
			return err
		}
		from, to, err := points.MonthRange(month, c.now)
		if err != nil {
			return err
		}
		if err := c.row(ctx, `SELECT COUNT(*), COALESCE(SUM(price), 0) FROM points_redemptions
			WHERE merchant_id = ? AND created_at >= ? AND created_at < ?`, m.ID, from, to).Scan(&t.Redemptions, &t.Total); err != nil {
			return err
		}
		if actor := accounts.ActorFrom(ctx); actor != nil {
			t.CreatedBy = actor.ID
		}
		t.ID, t.CreatedAt = newID(), c.now
		if _, err := c.exec(ctx, `INSERT INTO points_settlements (id, merchant_id, month, redemptions, total, status, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.ID, t.MerchantID, t.Month, t.Redemptions, t.Total, string(t.Status), t.CreatedBy, c.now); err != nil {
			if errs.Is(s.translate(err), errs.Conflict) {
				return errs.Field("month", "points.settlement_exists")
			}
			return err
		}
		out = t
		return record(ctx, c, "settlement.create", t.Resource(), map[string]any{"month": month, "redemptions": t.Redemptions,
			"total": t.Total})
	})
	return out, err
}

// ApproveSettlement approves a draft statement: the month's points go from
// the merchant back to its street's pool in one posting, once.
func (s *Store) ApproveSettlement(ctx context.Context, id string) (*points.Settlement, error) {
	var out *points.Settlement
	err := s.tx(ctx, func(c conn) error {
		t, err := findSettlement(ctx, c, id)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, t.Resource()); err != nil {
			return err
		}
		if err := t.CanApprove(); err != nil {
			return err
		}
		if t.Total > 0 {
			p, err := post(ctx, c, &points.Posting{Key: "settlement:" + t.ID, Kind: points.KindSettlement,
				From: points.AccountID(points.MerchantAcct, t.MerchantID), To: points.AccountID(points.Pool, t.StreetID),
				Amount: t.Total, Reason: t.Month + " 月度结算"}, t.StreetID, t.StreetID)
			if err != nil {
				return err
			}
			t.PostingID = p.ID
		}
		if actor := accounts.ActorFrom(ctx); actor != nil {
			t.ApprovedBy = actor.ID
		}
		t.Status, t.ApprovedAt = points.SettlementApproved, c.now
		res, err := c.exec(ctx, `UPDATE points_settlements SET status = ?, approved_by = ?, approved_at = ?, posting_id = ?
			WHERE id = ? AND status = ?`, string(t.Status), t.ApprovedBy, c.now, t.PostingID, t.ID, string(points.SettlementDraft))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "points.settlement_approved")
		}
		out = t
		return record(ctx, c, "settlement.approve", t.Resource(), map[string]any{"month": t.Month, "total": t.Total})
	})
	return out, err
}

// FindSettlementByID returns one statement and its redemptions.
func (s *Store) FindSettlementByID(ctx context.Context, id string) (*points.Settlement, []*points.Redemption, error) {
	t, err := findSettlement(ctx, s.read(), id)
	if err != nil {
		return nil, nil, s.translate(err)
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View, t.Resource()); err != nil {
		return nil, nil, err
	}
	from, to, err := points.MonthRange(t.Month, s.Now())
	if err != nil {
		return nil, nil, err
	}
	lines, err := s.FindRedemptions(ctx, points.RedemptionFilter{MerchantID: t.MerchantID, From: from, To: to, Limit: 100_000})
	return t, lines, err
}

// FindSettlements lists a merchant's statements, newest month first.
func (s *Store) FindSettlements(ctx context.Context, merchantID string) ([]*points.Settlement, error) {
	m, err := s.FindMerchantByID(ctx, merchantID)
	if err != nil {
		return nil, err
	}
	probe := &points.Settlement{MerchantID: m.ID, StreetID: m.StreetID}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View, probe.Resource()); err != nil {
		return nil, err
	}
	rows, err := s.read().query(ctx, settlementSelect+` WHERE t.merchant_id = ? ORDER BY t.month DESC`, m.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*points.Settlement
	for rows.Next() {
		t, err := scanSettlement(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, t)
	}
	return out, s.translate(rows.Err())
}
