package store

import (
	"context"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
)

// ImportOrganizations writes rows in one transaction: a row whose key exists
// updates that organization, others are created, and streets and
// communities named but missing are created (and reported). Any problem
// rolls everything back unless skipInvalid, which drops bad rows instead.
// Progress, if set, is called after each row.
func (s *Store) ImportOrganizations(ctx context.Context, rows []registry.ImportRow, skipInvalid bool,
	progress func(done int)) (*registry.ImportReport, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Import, accounts.Resource{Kind: accounts.KindOrganization}); err != nil {
		return nil, err
	}
	rep := &registry.ImportReport{Rows: len(rows)}
	err := s.tx(ctx, func(c conn) error {
		imp := &importer{c: c, rep: rep, streets: map[string]string{}, communities: map[string]string{}}
		for i := range rows {
			row := &rows[i]
			if err := imp.guarded(ctx, row); err != nil {
				if errs.CodeOf(err) == errs.Internal {
					return err
				}
				rep.Problems = append(rep.Problems, problemsOf(row.Line, err)...)
				rep.Skipped++
			}
			if progress != nil {
				progress(i + 1)
			}
		}
		if len(rep.Problems) > 0 && !skipInvalid {
			return errs.E(errs.Invalid, "import.has_problems", len(rep.Problems))
		}
		return record(ctx, c, "organization.import", accounts.Resource{Kind: accounts.KindOrganization, ID: "import"},
			map[string]any{"rows": rep.Rows, "created": rep.Created, "updated": rep.Updated, "skipped": rep.Skipped,
				"streets": rep.CreatedStreets, "communities": rep.CreatedCommunities})
	})
	if err != nil {
		return rep, err
	}
	rep.Committed = true
	return rep, nil
}

func problemsOf(line int, err error) []registry.Problem {
	var out []registry.Problem
	fields := errs.Fields(err)
	if len(fields) == 0 {
		fields = errs.List{errs.As(err)}
	}
	for _, e := range fields {
		out = append(out, registry.Problem{Line: line, Field: e.Field, Key: e.Key, Args: e.Args})
	}
	return out
}

type importer struct {
	c           conn
	rep         *registry.ImportReport
	streets     map[string]string // name → id
	communities map[string]string // street id + "/" + name → id
}

func (m *importer) streetID(ctx context.Context, name string) (string, error) {
	name, err := places.CleanName(name)
	if err != nil {
		e := errs.As(err) // required or too long: say which
		return "", errs.Field("street", e.Key, e.Args...)
	}
	if id, ok := m.streets[name]; ok {
		return id, nil
	}
	st, err := findStreet(ctx, m.c, `name = ?`, name)
	if errs.Is(err, errs.NotFound) {
		st = &places.Street{ID: newID(), Name: name, Kind: places.StreetKindOf(name), District: "昌平区"}
		if _, err := m.c.exec(ctx, `INSERT INTO streets (id, name, kind, district, created_at) VALUES (?, ?, ?, ?, ?)`,
			st.ID, st.Name, st.Kind, st.District, m.c.now); err != nil {
			return "", err
		}
		if err := record(ctx, m.c, "street.create", st.Resource(), map[string]any{"name": name, "by": "import"}); err != nil {
			return "", err
		}
		m.rep.CreatedStreets = append(m.rep.CreatedStreets, name)
	} else if err != nil {
		return "", err
	}
	m.streets[name] = st.ID
	return st.ID, nil
}

func (m *importer) communityID(ctx context.Context, streetID, name string) (string, error) {
	name, err := places.CleanName(name)
	if err != nil {
		e := errs.As(err)
		return "", errs.Field("community", e.Key, e.Args...)
	}
	k := streetID + "/" + name
	if id, ok := m.communities[k]; ok {
		return id, nil
	}
	var id string
	err = m.c.row(ctx, `SELECT id FROM communities WHERE street_id = ? AND name = ?`, streetID, name).Scan(&id)
	if err != nil {
		id = newID()
		if _, err := m.c.exec(ctx, `INSERT INTO communities (id, street_id, name, created_at) VALUES (?, ?, ?, ?)`,
			id, streetID, name, m.c.now); err != nil {
			return "", err
		}
		res := accounts.Resource{Kind: accounts.KindCommunity, ID: id, StreetID: streetID, CommunityID: id}
		if err := record(ctx, m.c, "community.create", res, map[string]any{"name": name, "by": "import"}); err != nil {
			return "", err
		}
		m.rep.CreatedCommunities = append(m.rep.CreatedCommunities, name)
	}
	m.communities[k] = id
	return id, nil
}

// guarded imports one row inside a savepoint, so a row that fails half-way
// leaves nothing behind (not even the street it created) and the rest go on.
func (m *importer) guarded(ctx context.Context, row *registry.ImportRow) error {
	return m.inSavepoint(ctx, func() error { return m.row(ctx, row) })
}

// inSavepoint runs one row's work inside a savepoint: on failure the row's
// writes are rolled back and the places it created are forgotten too.
func (m *importer) inSavepoint(ctx context.Context, fn func() error) error {
	if _, err := m.c.exec(ctx, `SAVEPOINT import_row`); err != nil {
		return err
	}
	nStreets, nComms := len(m.rep.CreatedStreets), len(m.rep.CreatedCommunities)
	err := fn()
	if err == nil {
		_, err = m.c.exec(ctx, `RELEASE SAVEPOINT import_row`)
		return err
	}
	err = translateAny(m.c, err)
	if _, rerr := m.c.exec(ctx, `ROLLBACK TO SAVEPOINT import_row`); rerr != nil {
		return rerr
	}
	if _, rerr := m.c.exec(ctx, `RELEASE SAVEPOINT import_row`); rerr != nil {
		return rerr
	}
	for _, n := range m.rep.CreatedStreets[nStreets:] {
		delete(m.streets, n)
	}
	m.rep.CreatedStreets = m.rep.CreatedStreets[:nStreets]
	if len(m.rep.CreatedCommunities) > nComms {
		m.communities = map[string]string{} // rare: rebuild lazily from the database
		m.rep.CreatedCommunities = m.rep.CreatedCommunities[:nComms]
	}
	return err
}

func (m *importer) row(ctx context.Context, row *registry.ImportRow) error {
	if len(row.Problems) > 0 {
		var l errs.List
		for _, p := range row.Problems {
			l.Add(p.Field, p.Key, p.Args...)
		}
		return l.Err()
	}
	o := row.Org
	// Validate before creating places, so a bad row leaves no new street behind.
	o.StreetID = "pending"
	if err := o.Validate(); err != nil {
		return err
	}
	sid, err := m.streetID(ctx, row.StreetName)
	if err != nil {
		return err
	}
	o.StreetID, o.CommunityID = sid, ""
	if row.CommunityName != "" {
		if o.CommunityID, err = m.communityID(ctx, sid, row.CommunityName); err != nil {
			return err
		}
	}
	if o.Key != "" {
		existing, err := findOrg(ctx, m.c, `o.source_key = ?`, o.Key)
		if err == nil {
			o.ID, o.CreatedAt = existing.ID, existing.CreatedAt
			// Exports leave contact data out unless asked, so an empty contact
			// in a file means "not given", never "erase it".
			if o.ContactName == "" && o.ContactPhone == "" {
				o.ContactName, o.ContactPhone = existing.ContactName, existing.ContactPhone
			}
			if err := updateOrg(ctx, m.c, &o); err != nil {
				return err
			}
			m.rep.Updated++
			return record(ctx, m.c, "organization.update", o.Resource(), orgChanges(existing, &o))
		}
		if !errs.Is(err, errs.NotFound) {
			return err
		}
	}
	o.ID = newID()
	if err := createOrg(ctx, m.c, &o); err != nil {
		return err
	}
	m.rep.Created++
	return nil
}
