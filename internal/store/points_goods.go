package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/points"
)

const goodSelect = `SELECT g.id, g.merchant_id, m.name, m.street_id, g.name, g.price, g.stock, g.active, g.created_at, g.updated_at
	FROM points_goods g JOIN merchants m ON m.id = g.merchant_id`

func scanGood(sc interface{ Scan(...any) error }) (*points.Good, error) {
	g := &points.Good{}
	err := sc.Scan(&g.ID, &g.MerchantID, &g.MerchantName, &g.StreetID, &g.Name, &g.Price, &g.Stock, &g.Active,
		&g.CreatedAt, &g.UpdatedAt)
	g.CreatedAt, g.UpdatedAt = g.CreatedAt.UTC(), g.UpdatedAt.UTC()
	return g, err
}

func findGood(ctx context.Context, c conn, id string) (*points.Good, error) {
	g, err := scanGood(c.row(ctx, goodSelect+` WHERE g.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("good")
	}
	return g, err
}

// FindGoodByID returns one good (goods are public).
func (s *Store) FindGoodByID(ctx context.Context, id string) (*points.Good, error) {
	g, err := findGood(ctx, s.read(), id)
	return g, s.translate(err)
}

// FindGoods lists goods by merchant, street or all, cheapest first.
func (s *Store) FindGoods(ctx context.Context, f points.GoodFilter) ([]*points.Good, error) {
	where, args := []string{"1=1"}, []any{}
	if f.MerchantID != "" {
		where, args = append(where, "g.merchant_id = ?"), append(args, f.MerchantID)
	}
	if f.StreetID != "" {
		where, args = append(where, "m.street_id = ?"), append(args, f.StreetID)
	}
	if f.ActiveOnly {
		where = append(where, "g.active AND g.stock > 0")
	}
	rows, err := s.read().query(ctx, goodSelect+` WHERE `+strings.Join(where, " AND ")+` ORDER BY m.name, g.price, g.name`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*points.Good
	for rows.Next() {
		g, err := scanGood(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, g)
	}
	return out, s.translate(rows.Err())
}

// CreateGood adds a good to a merchant (its own people or its street's staff).
func (s *Store) CreateGood(ctx context.Context, g *points.Good) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		var street string
		if err := c.row(ctx, `SELECT street_id FROM merchants WHERE id = ?`, g.MerchantID).Scan(&street); errors.Is(err, sql.ErrNoRows) {
			return notFound("merchant")
		} else if err != nil {
			return err
		}
		g.StreetID = street
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, g.Resource()); err != nil {
			return err
		}
		g.ID, g.CreatedAt, g.UpdatedAt = newID(), c.now, c.now
		if _, err := c.exec(ctx, `INSERT INTO points_goods (id, merchant_id, name, price, stock, active, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, g.ID, g.MerchantID, g.Name, g.Price, g.Stock, g.Active, c.now, c.now); err != nil {
			return err
		}
		return record(ctx, c, "good.create", g.Resource(), map[string]any{"name": g.Name, "price": g.Price, "stock": g.Stock})
	})
}

// UpdateGood changes a good's name, price, stock or whether it is offered.
func (s *Store) UpdateGood(ctx context.Context, id string, u points.GoodUpdate) (*points.Good, error) {
	var g *points.Good
	err := s.tx(ctx, func(c conn) error {
		var err error
		if g, err = findGood(ctx, c, id); err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, g.Resource()); err != nil {
			return err
		}
		if u.Empty() { // an empty 改库存: nothing to save, say so rather than "updated"
			return errs.Field("stock", "field.required")
		}
		u.Apply(g)
		if err := g.Validate(); err != nil {
			return err
		}
		g.UpdatedAt = c.now
		if _, err := c.exec(ctx, `UPDATE points_goods SET name = ?, price = ?, stock = ?, active = ?, updated_at = ? WHERE id = ?`,
			g.Name, g.Price, g.Stock, g.Active, c.now, g.ID); err != nil {
			return err
		}
		return record(ctx, c, "good.update", g.Resource(), map[string]any{"name": g.Name, "price": g.Price, "stock": g.Stock,
			"active": g.Active})
	})
	return g, err
}

// SetMerchantHours records a merchant's opening hours.
func (s *Store) SetMerchantHours(ctx context.Context, merchantID string, h points.Hours) error {
	if err := h.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		m, err := s.FindMerchantByID(ctx, merchantID)
		if err != nil {
			return err
		}
		// The merchant keeps its own hours, as it keeps its goods.
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, (&points.Good{MerchantID: m.ID, StreetID: m.StreetID}).Resource()); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO points_merchant_hours (merchant_id, opens, closes, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (merchant_id) DO UPDATE SET opens = excluded.opens, closes = excluded.closes, updated_at = excluded.updated_at`,
			m.ID, h.Opens, h.Closes, c.now); err != nil {
			return err
		}
		return record(ctx, c, "merchant.hours", m.Resource(), map[string]any{"opens": h.Opens, "closes": h.Closes})
	})
}

// FindMerchantHours returns a merchant's opening hours (not found when it gave none).
func (s *Store) FindMerchantHours(ctx context.Context, merchantID string) (*points.Hours, error) {
	h, err := merchantHours(ctx, s.read(), merchantID)
	return h, s.translate(err)
}

func merchantHours(ctx context.Context, c conn, merchantID string) (*points.Hours, error) {
	h := &points.Hours{}
	err := c.row(ctx, `SELECT opens, closes FROM points_merchant_hours WHERE merchant_id = ?`, merchantID).Scan(&h.Opens, &h.Closes)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("merchant_hours")
	}
	return h, err
}

// IssueRedemptionCode gives the signed-in resident a one-time code for a
// good: 8 digits, valid points.CodeTTL, kept only as a hash. The points
// move when the merchant confirms it (Redeem).
func (s *Store) IssueRedemptionCode(ctx context.Context, goodID string) (*points.Code, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	if !u.Has(accounts.Resident) {
		return nil, errs.E(errs.Forbidden, "points.not_resident")
	}
	if err := accounts.Can(u, accounts.Create, accounts.Resource{Kind: accounts.KindRedemption, OwnerID: u.ID}); err != nil {
		return nil, err
	}
	var out *points.Code
	err := s.tx(ctx, func(c conn) error {
		g, err := findGood(ctx, c, goodID)
		if err != nil {
			return fieldErr("good_id", err)
		}
		switch {
		case !g.Active:
			return errs.Field("good_id", "points.good_inactive")
		case g.Stock <= 0:
			return errs.Field("good_id", "points.out_of_stock")
		}
		var bal int64
		if err := c.row(ctx, `SELECT balance FROM points_accounts WHERE id = ?`, points.AccountID(points.Resident, u.ID)).Scan(&bal); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if bal < g.Price {
			return errs.E(errs.Conflict, "points.insufficient")
		}
		out = &points.Code{ID: newID(), ResidentID: u.ID, GoodID: g.ID, GoodName: g.Name, MerchantID: g.MerchantID,
			MerchantName: g.MerchantName, Price: g.Price, ExpiresAt: c.now.Add(points.CodeTTL)}
		// Codes are unique among all ever issued; retry the rare collision.
		for try := 0; ; try++ {
			out.Code = points.NewCode()
			res, err := c.exec(ctx, `INSERT INTO points_codes (id, code_hash, resident_id, good_id, expires_at, created_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code_hash) DO NOTHING`, out.ID, points.HashCode(out.Code), u.ID, g.ID,
				out.ExpiresAt, c.now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				return nil
			}
			if try == 10 {
				return errs.Wrap(errors.New("no free code after 10 tries"), "redemption code")
			}
		}
	})
	return out, err
}

// FindRedemptionCode returns the signed-in resident's code id with its
// digits, which are not stored: the resident's browser brings them back
// (the page of a new code keeps them for the code's life), and they must
// match the stored hash. Another's code, or other digits, are not found.
// A used or expired code is returned as such (UsedAt, ExpiresAt).
func (s *Store) FindRedemptionCode(ctx context.Context, id, plain string) (*points.Code, error) {
	u := accounts.ActorFrom(ctx)
	if u == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	code, ok := points.NormalizeCode(plain)
	if !ok {
		return nil, notFound("redemption_code")
	}
	c := s.read()
	out := &points.Code{Code: code}
	var expires, used sql.NullTime
	err := c.row(ctx, `SELECT id, resident_id, good_id, expires_at, used_at FROM points_codes
		WHERE id = ? AND code_hash = ? AND resident_id = ?`, id, points.HashCode(code), u.ID).
		Scan(&out.ID, &out.ResidentID, &out.GoodID, &expires, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("redemption_code")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	g, err := findGood(ctx, c, out.GoodID)
	if err != nil {
		return nil, s.translate(err)
	}
	out.GoodName, out.MerchantID, out.MerchantName, out.Price = g.Name, g.MerchantID, g.MerchantName, g.Price
	out.ExpiresAt = expires.Time.UTC()
	if used.Valid {
		out.UsedAt = used.Time.UTC()
	}
	return out, nil
}

// codeRow is a stored code with its good, merchant and resident.
type codeRow struct {
	id, residentID, residentName string
	usedAt                       sql.NullTime
	expiresAt                    sql.NullTime
	good                         *points.Good
}

func findCode(ctx context.Context, c conn, code string) (*codeRow, error) {
	r := &codeRow{}
	var goodID string
	err := c.row(ctx, `SELECT pc.id, pc.resident_id, u.name, pc.used_at, pc.expires_at, pc.good_id
		FROM points_codes pc JOIN users u ON u.id = pc.resident_id WHERE pc.code_hash = ?`, points.HashCode(code)).
		Scan(&r.id, &r.residentID, &r.residentName, &r.usedAt, &r.expiresAt, &goodID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "points.code_unknown")
	}
	if err != nil {
		return nil, err
	}
	if r.good, err = findGood(ctx, c, goodID); err != nil {
		return nil, err
	}
	return r, nil
}

// liveCode finds a code the actor's merchant may redeem now. A code of
// another merchant's good names that merchant, to a merchant, while it
// could still be redeemed there: the resident came to the wrong shop. A
// used or expired one reads as unknown, so a guess learns nothing of codes
// no counter could take; guesses are few (a limit per login) and a live
// code found names no good and no resident.
func liveCode(ctx context.Context, c conn, raw string) (*codeRow, error) {
	code, ok := points.NormalizeCode(raw)
	if !ok {
		return nil, errs.Field("redemption_code", "points.code_format")
	}
	r, err := findCode(ctx, c, code)
	if err != nil {
		return nil, err
	}
	live := !r.usedAt.Valid && r.expiresAt.Valid && c.now.Before(r.expiresAt.Time)
	actor := accounts.ActorFrom(ctx)
	res := accounts.Resource{Kind: accounts.KindRedemption, StreetID: r.good.StreetID, MerchantID: r.good.MerchantID}
	if err := accounts.Can(actor, accounts.Update, res); err != nil {
		if errs.Is(err, errs.Unauthorized) {
			return nil, err
		}
		if live && accounts.AllowedSomewhere(actor, accounts.Update, accounts.KindRedemption) {
			return nil, errs.Field("redemption_code", "points.code_other_shop", r.good.MerchantName)
		}
		return nil, errs.E(errs.NotFound, "points.code_unknown")
	}
	if r.usedAt.Valid {
		return nil, errs.E(errs.Conflict, "points.code_used")
	}
	if !live {
		return nil, errs.E(errs.NotFound, "points.code_unknown")
	}
	return r, nil
}

// PreviewRedemption shows a merchant what a code is for (the good and the
// resident's masked name) before it confirms.
func (s *Store) PreviewRedemption(ctx context.Context, code string) (*points.Preview, error) {
	r, err := liveCode(ctx, s.read(), code)
	if err != nil {
		return nil, s.translate(err)
	}
	return &points.Preview{CodeID: r.id, GoodID: r.good.ID, GoodName: r.good.Name, Price: r.good.Price,
		ResidentName: accounts.MaskName(r.residentName), ExpiresAt: r.expiresAt.Time.UTC()}, nil
}

// Redeem confirms a code at the merchant: in one transaction the code is
// used up, the good's stock goes down by one, the price moves from the
// resident to the merchant and the redemption is recorded with its fraud
// flags. A replay with the same key and code returns the first redemption.
func (s *Store) Redeem(ctx context.Context, code, key string) (*points.Redemption, error) {
	key = strings.TrimSpace(key)
	if key == "" || len(key) > 100 {
		return nil, errs.Field("idempotency_key", "field.required")
	}
	var out *points.Redemption
	err := s.tx(ctx, func(c conn) error {
		if prev, err := findRedemption(ctx, c, `r.idem_key = ?`, key); err == nil {
			n, _ := points.NormalizeCode(code)
			var hash string
			if err := c.row(ctx, `SELECT code_hash FROM points_codes WHERE id = ?`, prev.CodeID).Scan(&hash); err != nil {
				return err
			}
			if hash != points.HashCode(n) {
				return &errs.Error{Code: errs.Conflict, Key: "points.redemption_key_reused", Field: "idempotency_key"}
			}
			if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, prev.Resource()); err != nil {
				return err
			}
			out = prev
			return nil
		} else if !errs.Is(err, errs.NotFound) {
			return err
		}
		r, err := liveCode(ctx, c, code)
		if err != nil {
			return err
		}
		g := r.good
		if res, err := c.exec(ctx, `UPDATE points_codes SET used_at = ? WHERE id = ? AND used_at IS NULL`, c.now, r.id); err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "points.code_used")
		}
		if res, err := c.exec(ctx, `UPDATE points_goods SET stock = stock - 1, updated_at = ? WHERE id = ? AND stock > 0 AND active`,
			c.now, g.ID); err != nil {
			return err
		} else if n, _ := res.RowsAffected(); n != 1 {
			if !g.Active {
				return errs.E(errs.Conflict, "points.good_inactive")
			}
			return errs.E(errs.Conflict, "points.out_of_stock")
		}
		p, err := post(ctx, c, &points.Posting{Key: "redemption:" + r.id, Kind: points.KindRedemption,
			From: points.AccountID(points.Resident, r.residentID), To: points.AccountID(points.MerchantAcct, g.MerchantID),
			Amount: g.Price, Reason: "兑换 " + g.Name + "（" + g.MerchantName + "）"}, "", g.StreetID)
		if err != nil {
			return err
		}
		var recent int
		if err := c.row(ctx, `SELECT COUNT(*) FROM points_redemptions WHERE merchant_id = ? AND resident_id = ? AND created_at > ?`,
			g.MerchantID, r.residentID, c.now.Add(-points.RepeatWindow)).Scan(&recent); err != nil {
			return err
		}
		hours, err := merchantHours(ctx, c, g.MerchantID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		out = &points.Redemption{ID: newID(), Key: key, CodeID: r.id, GoodID: g.ID, GoodName: g.Name, MerchantID: g.MerchantID,
			MerchantName: g.MerchantName, StreetID: g.StreetID, ResidentID: r.residentID,
			ResidentName: accounts.MaskName(r.residentName), Price: g.Price, PostingID: p.ID,
			Flags: points.Flags(c.now, points.Zone(), hours, recent), CreatedAt: c.now}
		if _, err := c.exec(ctx, `INSERT INTO points_redemptions (id, idem_key, code_id, good_id, good_name, merchant_id, resident_id,
			price, posting_id, flags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, out.ID, key, r.id, g.ID, g.Name,
			g.MerchantID, r.residentID, g.Price, p.ID, strings.Join(out.Flags, ","), c.now); err != nil {
			return err
		}
		return record(ctx, c, "redemption.confirm", out.Resource(), map[string]any{"good": g.Name, "price": g.Price,
			"flags": out.Flags})
	})
	return out, err
}

const redemptionSelect = `SELECT r.id, r.idem_key, r.code_id, r.good_id, r.good_name, r.merchant_id, m.name, m.street_id,
	r.resident_id, u.name, r.price, r.posting_id, r.flags, r.created_at
	FROM points_redemptions r JOIN merchants m ON m.id = r.merchant_id JOIN users u ON u.id = r.resident_id`

func scanRedemption(sc interface{ Scan(...any) error }) (*points.Redemption, error) {
	r := &points.Redemption{}
	var flags string
	err := sc.Scan(&r.ID, &r.Key, &r.CodeID, &r.GoodID, &r.GoodName, &r.MerchantID, &r.MerchantName, &r.StreetID,
		&r.ResidentID, &r.ResidentName, &r.Price, &r.PostingID, &flags, &r.CreatedAt)
	r.ResidentName, r.CreatedAt = accounts.MaskName(r.ResidentName), r.CreatedAt.UTC()
	if flags != "" {
		r.Flags = strings.Split(flags, ",")
	}
	return r, err
}

func findRedemption(ctx context.Context, c conn, where string, arg any) (*points.Redemption, error) {
	r, err := scanRedemption(c.row(ctx, redemptionSelect+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("redemption")
	}
	return r, err
}

// FindRedemptions lists redemptions newest first, only those the actor may see.
func (s *Store) FindRedemptions(ctx context.Context, f points.RedemptionFilter) ([]*points.Redemption, error) {
	where, args := []string{"1=1"}, []any{}
	add := func(cond string, v any) { where, args = append(where, cond), append(args, v) }
	if f.MerchantID != "" {
		add("r.merchant_id = ?", f.MerchantID)
	}
	if f.ResidentID != "" {
		add("r.resident_id = ?", f.ResidentID)
	}
	if f.StreetID != "" {
		add("m.street_id = ?", f.StreetID)
	}
	if !f.From.IsZero() {
		add("r.created_at >= ?", f.From)
	}
	if !f.To.IsZero() {
		add("r.created_at < ?", f.To)
	}
	if f.FlaggedOnly {
		where = append(where, "r.flags <> ''", "NOT EXISTS (SELECT 1 FROM flag_dismissals d WHERE d.flag_key = 'redemption:' || r.id)")
	}
	limit := f.Limit
	if limit <= 0 || limit > 100_000 {
		limit = 200
	}
	rows, err := s.read().query(ctx, redemptionSelect+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY r.created_at DESC, r.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	actor := accounts.ActorFrom(ctx)
	var out []*points.Redemption
	for rows.Next() {
		r, err := scanRedemption(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		if accounts.Allowed(actor, accounts.View, r.Resource()) {
			out = append(out, r)
		}
	}
	return out, s.translate(rows.Err())
}
