package store

import (
	"context"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/points"
)

// FindMerchantRedemptions is one page of a merchant's redemptions, newest
// first, and how many there are: for the merchant's people, its street's
// staff, the coordinators and auditors (residents' names come masked).
func (s *Store) FindMerchantRedemptions(ctx context.Context, merchantID string, page, perPage int) ([]*points.Redemption, int, error) {
	m, err := s.FindMerchantByID(ctx, merchantID)
	if err != nil {
		return nil, 0, err
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View, accounts.Resource{Kind: accounts.KindRedemption,
		StreetID: m.StreetID, MerchantID: m.ID}); err != nil {
		return nil, 0, err
	}
	c := s.read()
	var total int
	if err := c.row(ctx, `SELECT COUNT(*) FROM points_redemptions WHERE merchant_id = ?`, m.ID).Scan(&total); err != nil {
		return nil, 0, s.translate(err)
	}
	limit, offset := paging(page, perPage, 100)
	rows, err := c.query(ctx, redemptionSelect+` WHERE r.merchant_id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?`,
		m.ID, limit, offset)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	defer rows.Close()
	var out []*points.Redemption
	for rows.Next() {
		r, err := scanRedemption(rows)
		if err != nil {
			return nil, 0, s.translate(err)
		}
		out = append(out, r)
	}
	return out, total, s.translate(rows.Err())
}
