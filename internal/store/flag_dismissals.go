package store

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/text"
)

// redemptionFlagPrefix keys a flagged redemption's dismissal.
const redemptionFlagPrefix = "redemption:"

// checkReason validates a dismissal's reason.
func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case text.Len(reason) < 5:
		return "", errs.Field("reason", "field.too_short", 5)
	case n > 500:
		return "", errs.Field("reason", "field.too_long", 500)
	}
	return reason, nil
}

// dismiss records a dismissal once and audits it; a second is a conflict.
func dismiss(ctx context.Context, c conn, key, streetID, reason string, res accounts.Resource) error {
	res2, err := c.exec(ctx, `INSERT INTO flag_dismissals (flag_key, street_id, reason, dismissed_by, dismissed_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (flag_key) DO NOTHING`, key, streetID, reason, userID(accounts.ActorFrom(ctx)), c.now)
	if err != nil {
		return err
	}
	if n, _ := res2.RowsAffected(); n != 1 {
		return errs.E(errs.Conflict, "flags.already_dismissed")
	}
	return record(ctx, c, "flag.dismiss", res, map[string]any{"flag": key, "reason": reason})
}

// DismissActivityFlag dismisses an attendance flag (by activities.Flag.Key)
// that the actor sees for streetID ("" the coordinators' whole district)
// with a reason: it leaves the open list for good.
func (s *Store) DismissActivityFlag(ctx context.Context, streetID, key, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	u := accounts.ActorFrom(ctx)
	if err := accounts.Can(u, accounts.Update, accounts.Resource{Kind: accounts.KindActivityFlag, StreetID: streetID}); err != nil {
		return err
	}
	flags, err := s.FindActivityFlags(ctx, streetID)
	if err != nil {
		return err
	}
	var found *activities.Flag
	for i := range flags {
		if flags[i].Key() == key {
			found = &flags[i]
		}
	}
	if found == nil {
		return notFound("activity_flag")
	}
	return s.tx(ctx, func(c conn) error {
		return dismiss(ctx, c, key, found.StreetID, reason,
			accounts.Resource{Kind: accounts.KindActivityFlag, ID: key, StreetID: found.StreetID})
	})
}

// DismissRedemptionFlag dismisses the flags of a redemption with a reason;
// the staff of the merchant's street (or the coordinators) may.
func (s *Store) DismissRedemptionFlag(ctx context.Context, redemptionID, reason string) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		r, err := findRedemption(ctx, c, `r.id = ?`, redemptionID)
		if err != nil {
			return err
		}
		res := accounts.Resource{Kind: accounts.KindActivityFlag, ID: r.ID, StreetID: r.StreetID}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, res); err != nil {
			return err
		}
		if len(r.Flags) == 0 {
			return notFound("redemption_flag")
		}
		return dismiss(ctx, c, redemptionFlagPrefix+r.ID, r.StreetID, reason, res)
	})
}

// dismissedFlags returns the keys of the dismissed flags among keys.
func dismissedFlags(ctx context.Context, c conn, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		args := make([]any, n)
		for i, k := range keys[:n] {
			args[i] = k
		}
		rows, err := c.query(ctx, `SELECT flag_key FROM flag_dismissals WHERE flag_key IN (`+placeholders(n)+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		keys = keys[n:]
	}
	return out, nil
}
