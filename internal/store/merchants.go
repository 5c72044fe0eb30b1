package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/merchants"
)

const merchantSelect = `SELECT m.id, m.name, m.street_id, s.name, COALESCE(m.community_id, ''), COALESCE(c.name, ''),
	m.address, m.kind, m.created_at
	FROM merchants m JOIN streets s ON s.id = m.street_id LEFT JOIN communities c ON c.id = m.community_id`

func scanMerchant(sc interface{ Scan(...any) error }) (*merchants.Merchant, error) {
	m := &merchants.Merchant{}
	err := sc.Scan(&m.ID, &m.Name, &m.StreetID, &m.StreetName, &m.CommunityID, &m.CommunityName, &m.Address, &m.Kind, &m.CreatedAt)
	return m, err
}

// FindMerchants lists merchants, of one street when streetID is set.
func (s *Store) FindMerchants(ctx context.Context, streetID string) ([]*merchants.Merchant, error) {
	q, args := merchantSelect, []any{}
	if streetID != "" {
		q += ` WHERE m.street_id = ?`
		args = append(args, streetID)
	}
	rows, err := s.read().query(ctx, q+` ORDER BY s.created_at, m.name`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*merchants.Merchant
	for rows.Next() {
		m, err := scanMerchant(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, m)
	}
	return out, s.translate(rows.Err())
}

// MerchantFilter selects merchants in the admins' list.
type MerchantFilter struct {
	StreetID string // one street's, or every street's
	Query    string // a part of the name
	Page     int
	PerPage  int
	// CountUpTo, when positive, stops counting there (the total is then
	// CountUpTo+1).
	CountUpTo int
}

// FindMerchantsPage lists one page of merchants by street (in the order
// the streets were added: their ids are UUIDv7) and name within a street,
// the order of the index of merchants' UNIQUE (street_id, name), so a page
// is cut from that index and only its rows are joined. A query matches a
// part of the name; it reads the names of that index (a city has a few
// thousand merchants), stopped by the page and the bounded count. The
// caller checks who may list (the page shows the streets the actor may
// enrol merchants in).
func (s *Store) FindMerchantsPage(ctx context.Context, f MerchantFilter) ([]*merchants.Merchant, int, error) {
	where, args := "1=1", []any{}
	if f.StreetID != "" {
		where += ` AND street_id = ?`
		args = append(args, f.StreetID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where += ` AND name LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(q)+"%")
	}
	c := s.read()
	total, err := countUpTo(ctx, c, `FROM merchants WHERE `+where, args, f.CountUpTo)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	limit, offset := paging(f.Page, f.PerPage, 100)
	rows, err := c.query(ctx, merchantSelect+` JOIN (SELECT id FROM merchants WHERE `+where+`
		ORDER BY street_id, name LIMIT ? OFFSET ?) p ON p.id = m.id ORDER BY m.street_id, m.name`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	defer rows.Close()
	var out []*merchants.Merchant
	for rows.Next() {
		m, err := scanMerchant(rows)
		if err != nil {
			return nil, 0, s.translate(err)
		}
		out = append(out, m)
	}
	return out, total, s.translate(rows.Err())
}

// FindMerchantByID returns one merchant.
func (s *Store) FindMerchantByID(ctx context.Context, id string) (*merchants.Merchant, error) {
	m, err := scanMerchant(s.read().row(ctx, merchantSelect+` WHERE m.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("merchant")
	}
	return m, s.translate(err)
}

// CreateMerchant enrols a merchant (platform admins, or the street's staff).
func (s *Store) CreateMerchant(ctx context.Context, m *merchants.Merchant) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, m.Resource()); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		st, err := findStreet(ctx, c, `id = ?`, m.StreetID)
		if err != nil {
			return fieldErr("street", err)
		}
		m.StreetName = st.Name
		if m.CommunityID != "" {
			cm, err := findCommunity(ctx, c, m.CommunityID)
			if err != nil {
				return fieldErr("community", err)
			}
			if cm.StreetID != m.StreetID {
				return fieldErrKey("community", "community.other_street")
			}
			m.CommunityName = cm.Name
		}
		m.ID, m.CreatedAt = newID(), c.now
		if _, err := c.exec(ctx, `INSERT INTO merchants (id, name, street_id, community_id, address, kind, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, m.ID, m.Name, m.StreetID, nullStr(m.CommunityID), m.Address, m.Kind, c.now); err != nil {
			return err
		}
		return record(ctx, c, "merchant.create", m.Resource(), map[string]any{"name": m.Name, "street": st.Name})
	})
}
