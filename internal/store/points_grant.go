package store

import (
	"context"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/text"
)

// GrantPoints grants amount points from streetID's pool to the resident
// with phone, with a reason (a prize, a make-good): the street's staff or
// the coordinators may. key makes a resubmitted form post once. The
// posting is audited with the ledger's own entry, and the resident told.
func (s *Store) GrantPoints(ctx context.Context, streetID, phone string, amount int64, reason, key string) (*points.Posting, error) {
	if streetID == "" { // the form's pool not chosen: nobody's to refuse
		return nil, errs.Field("street", "field.required")
	}
	pool := points.AccountID(points.Pool, streetID)
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, accountOf(pool, "").Resource()); err != nil {
		return nil, err
	}
	var l errs.List
	phone, err := accounts.NormalizePhone(phone)
	var to *accounts.User
	if err != nil {
		l.Add("phone", "phone.invalid")
	} else if to, err = s.FindUserByPhone(ctx, phone); err != nil || !to.Has(accounts.Resident) {
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		l.Add("phone", "points.grant_no_resident")
	}
	if amount <= 0 || amount > points.MaxGrant {
		l.Add("amount", "number.range", 1, points.MaxGrant)
	}
	switch reason = strings.TrimSpace(reason); {
	case reason == "":
		l.Add("reason", "field.required")
	case text.Len(reason) < 4:
		l.Add("reason", "field.too_short", 4) // 评选奖励 at least: a resident reads why
	}
	if strings.TrimSpace(key) == "" {
		l.Add("idempotency_key", "field.required")
	}
	if err := l.Err(); err != nil {
		return nil, err
	}
	p := &points.Posting{Key: "grant:" + strings.TrimSpace(key), Kind: points.KindGrant, From: pool,
		To: points.AccountID(points.Resident, to.ID), Amount: amount, Reason: reason}
	var out *points.Posting
	err = s.tx(ctx, func(c conn) error {
		var err error
		if out, err = post(ctx, c, p, "", ""); err != nil || out != p { // a resubmitted form: told once already
			return err
		}
		return notifyAt(ctx, c, []string{to.ID}, "/me/points", "points_granted", amount, reason)
	})
	return out, err
}
