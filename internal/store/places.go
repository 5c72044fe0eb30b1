package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/places"
)

// FindStreets lists every street with its number of communities (its
// Organizations left at 0: see FindStreetsCounted).
func (s *Store) FindStreets(ctx context.Context) ([]*places.Street, error) {
	return s.findStreets(ctx, `0`)
}

// FindStreetsCounted is FindStreets with each street's number of
// organizations too (added up from organization_tallies, which triggers
// keep: for the pages that show it, not for every street menu).
func (s *Store) FindStreetsCounted(ctx context.Context) ([]*places.Street, error) {
	return s.findStreets(ctx, `(SELECT CAST(COALESCE(SUM(t.n), 0) AS BIGINT) FROM organization_tallies t WHERE t.street_id = s.id)`)
}

func (s *Store) findStreets(ctx context.Context, orgs string) ([]*places.Street, error) {
	var out []*places.Street
	err := s.read().each(ctx, `SELECT s.id, s.name, s.kind, s.district, s.created_at,
		(SELECT COUNT(*) FROM communities c WHERE c.street_id = s.id), `+orgs+`
		FROM streets s ORDER BY s.created_at, s.name`, nil, func(sc scanner) error {
		st := &places.Street{}
		out = append(out, st)
		return sc.Scan(&st.ID, &st.Name, &st.Kind, &st.District, &st.CreatedAt, &st.Communities, &st.Organizations)
	})
	return out, s.translate(err)
}

// FindStreetByID returns one street.
func (s *Store) FindStreetByID(ctx context.Context, id string) (*places.Street, error) {
	st, err := findStreet(ctx, s.read(), `id = ?`, id)
	return st, s.translate(err)
}

// FindStreetByName returns the street with exactly this name.
func (s *Store) FindStreetByName(ctx context.Context, name string) (*places.Street, error) {
	st, err := findStreet(ctx, s.read(), `name = ?`, name)
	return st, s.translate(err)
}

func findStreet(ctx context.Context, c conn, where string, arg any) (*places.Street, error) {
	st := &places.Street{}
	err := c.row(ctx, `SELECT id, name, kind, district, created_at FROM streets WHERE `+where, arg).
		Scan(&st.ID, &st.Name, &st.Kind, &st.District, &st.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("street")
	}
	return st, err
}

// CreateStreet adds a street office or town.
func (s *Store) CreateStreet(ctx context.Context, st *places.Street) error {
	name, err := places.CleanName(st.Name)
	if err != nil {
		return err
	}
	st.ID, st.Name = newID(), name
	if st.Kind == "" {
		st.Kind = places.StreetKindOf(name)
	}
	if st.District == "" {
		st.District = "昌平区"
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, st.Resource()); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		st.CreatedAt = c.now
		if _, err := c.exec(ctx, `INSERT INTO streets (id, name, kind, district, created_at) VALUES (?, ?, ?, ?, ?)`,
			st.ID, st.Name, st.Kind, st.District, st.CreatedAt); err != nil {
			return err
		}
		return record(ctx, c, "street.create", st.Resource(), map[string]any{"name": st.Name})
	})
}

// RenameStreet changes a street's name.
func (s *Store) RenameStreet(ctx context.Context, id, name string) error {
	name, err := places.CleanName(name)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		st, err := findStreet(ctx, c, `id = ?`, id)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, st.Resource()); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE streets SET name = ?, kind = ? WHERE id = ?`, name, places.StreetKindOf(name), id); err != nil {
			return err
		}
		return record(ctx, c, "street.rename", st.Resource(), map[string]any{"from": st.Name, "to": name})
	})
}

const communitySelect = `SELECT c.id, c.street_id, s.name, c.name, c.created_at,
	(SELECT COUNT(*) FROM complexes x WHERE x.community_id = c.id)
	FROM communities c JOIN streets s ON s.id = c.street_id`

func scanCommunity(sc interface{ Scan(...any) error }) (*places.Community, error) {
	cm := &places.Community{}
	err := sc.Scan(&cm.ID, &cm.StreetID, &cm.StreetName, &cm.Name, &cm.CreatedAt, &cm.Complexes)
	return cm, err
}

// FindCommunities lists communities, of one street when streetID is set.
func (s *Store) FindCommunities(ctx context.Context, streetID string) ([]*places.Community, error) {
	q, args := communitySelect, []any{}
	if streetID != "" {
		q += ` WHERE c.street_id = ?`
		args = append(args, streetID)
	}
	rows, err := s.read().query(ctx, q+` ORDER BY s.created_at, s.name, c.name`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*places.Community
	for rows.Next() {
		cm, err := scanCommunity(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, cm)
	}
	return out, s.translate(rows.Err())
}

// FindCommunityByID returns one community.
func (s *Store) FindCommunityByID(ctx context.Context, id string) (*places.Community, error) {
	cm, err := findCommunity(ctx, s.read(), id)
	return cm, s.translate(err)
}

func findCommunity(ctx context.Context, c conn, id string) (*places.Community, error) {
	cm, err := scanCommunity(c.row(ctx, communitySelect+` WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("community")
	}
	return cm, err
}

// FindCommunityByName returns the community with this name, in streetID
// when set; a name shared by two streets without a street is a conflict.
func (s *Store) FindCommunityByName(ctx context.Context, streetID, name string) (*places.Community, error) {
	q, args := communitySelect+` WHERE c.name = ?`, []any{name}
	if streetID != "" {
		q += ` AND c.street_id = ?`
		args = append(args, streetID)
	}
	rows, err := s.read().query(ctx, q+` LIMIT 2`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var found []*places.Community
	for rows.Next() {
		cm, err := scanCommunity(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		found = append(found, cm)
	}
	switch len(found) {
	case 0:
		return nil, notFound("community")
	case 1:
		return found[0], nil
	}
	return nil, errsAmbiguous("community")
}

// CreateCommunity adds a community under a street.
func (s *Store) CreateCommunity(ctx context.Context, cm *places.Community) error {
	name, err := places.CleanName(cm.Name)
	if err != nil {
		return err
	}
	cm.ID, cm.Name = newID(), name
	return s.tx(ctx, func(c conn) error {
		st, err := findStreet(ctx, c, `id = ?`, cm.StreetID)
		if err != nil {
			return fieldErr("street", err)
		}
		cm.StreetName, cm.CreatedAt = st.Name, c.now
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, cm.Resource()); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO communities (id, street_id, name, created_at) VALUES (?, ?, ?, ?)`,
			cm.ID, cm.StreetID, cm.Name, cm.CreatedAt); err != nil {
			return err
		}
		return record(ctx, c, "community.create", cm.Resource(), map[string]any{"name": cm.Name, "street": st.Name})
	})
}

// RenameCommunity changes a community's name.
func (s *Store) RenameCommunity(ctx context.Context, id, name string) error {
	name, err := places.CleanName(name)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		cm, err := findCommunity(ctx, c, id)
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, cm.Resource()); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE communities SET name = ? WHERE id = ?`, name, id); err != nil {
			return err
		}
		return record(ctx, c, "community.rename", cm.Resource(), map[string]any{"from": cm.Name, "to": name})
	})
}

// FindComplexes lists the complexes of a community.
func (s *Store) FindComplexes(ctx context.Context, communityID string) ([]*places.Complex, error) {
	rows, err := s.read().query(ctx, `SELECT id, community_id, name, created_at FROM complexes
		WHERE community_id = ? ORDER BY name`, communityID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*places.Complex
	for rows.Next() {
		x := &places.Complex{}
		if err := rows.Scan(&x.ID, &x.CommunityID, &x.Name, &x.CreatedAt); err != nil {
			return nil, s.translate(err)
		}
		out = append(out, x)
	}
	return out, s.translate(rows.Err())
}

// CreateComplex adds a residential complex to a community.
func (s *Store) CreateComplex(ctx context.Context, x *places.Complex) error {
	name, err := places.CleanName(x.Name)
	if err != nil {
		return err
	}
	x.ID, x.Name = newID(), name
	return s.tx(ctx, func(c conn) error {
		cm, err := findCommunity(ctx, c, x.CommunityID)
		if err != nil {
			return fieldErr("community", err)
		}
		res := places.ComplexResource(cm, x.ID)
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, res); err != nil {
			return err
		}
		x.CreatedAt = c.now
		if _, err := c.exec(ctx, `INSERT INTO complexes (id, community_id, name, created_at) VALUES (?, ?, ?, ?)`,
			x.ID, x.CommunityID, x.Name, x.CreatedAt); err != nil {
			return err
		}
		return record(ctx, c, "complex.create", res, map[string]any{"name": x.Name, "community": cm.Name})
	})
}
