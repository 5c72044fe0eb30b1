package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
)

const orgSelect = `SELECT o.id, COALESCE(o.source_key, ''), o.name, o.registration, COALESCE(o.credit_code, ''),
	o.category, o.street_id, s.name, COALESCE(o.community_id, ''), COALESCE(c.name, ''), o.description,
	o.founded, o.party_form, o.staff, o.volunteers, o.contact_name, o.contact_phone, o.created_at, o.updated_at,
	o.kind
	FROM organizations o JOIN streets s ON s.id = o.street_id LEFT JOIN communities c ON c.id = o.community_id`

func scanOrg(sc interface{ Scan(...any) error }) (*registry.Organization, error) {
	o := &registry.Organization{}
	err := sc.Scan(&o.ID, &o.Key, &o.Name, &o.Registration, &o.CreditCode, &o.Category, &o.StreetID,
		&o.StreetName, &o.CommunityID, &o.CommunityName, &o.Description, &o.Founded, &o.PartyForm,
		&o.Staff, &o.Volunteers, &o.ContactName, &o.ContactPhone, &o.CreatedAt, &o.UpdatedAt, &o.Kind)
	return o, err
}

var orgSorts = map[string]string{
	"name":       "o.name_sort, o.id",
	"newest":     "o.created_at DESC, o.id DESC",
	"founded":    "o.founded = '', o.founded, o.id",
	"volunteers": "o.volunteers DESC, o.id",
}

// CountOrganizations counts the organizations matching f, without reading
// a page of them (public data: anyone may).
func (s *Store) CountOrganizations(ctx context.Context, f registry.Filter) (int, error) {
	f.Normalize()
	total, err := countOrgs(ctx, s.read(), f)
	return total, s.translate(err)
}

// countOrgs counts the organizations matching f: from organization_tallies
// (a few hundred rows, kept by triggers) when f filters by street,
// category and registration alone, else by counting them.
func countOrgs(ctx context.Context, c conn, f registry.Filter) (int, error) {
	var total int
	if f == (registry.Filter{StreetID: f.StreetID, Category: f.Category, Registration: f.Registration,
		Sort: f.Sort, Page: f.Page, PerPage: f.PerPage}) {
		var where []string
		var args []any
		for _, cv := range [][2]string{{"street_id", f.StreetID}, {"category", f.Category}, {"registration", string(f.Registration)}} {
			if cv[1] != "" {
				where = append(where, cv[0]+" = ?")
				args = append(args, cv[1])
			}
		}
		w := ""
		if len(where) > 0 {
			w = ` WHERE ` + strings.Join(where, ` AND `)
		}
		err := c.row(ctx, `SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM organization_tallies`+w, args...).Scan(&total)
		return total, err
	}
	w, args := orgWhere(f)
	err := c.row(ctx, `SELECT COUNT(*) FROM organizations o`+w, args...).Scan(&total)
	return total, err
}

// orgWhere is the WHERE clause (empty, or with its leading space) of a
// filter of organizations, and its arguments.
func orgWhere(f registry.Filter) (string, []any) {
	var where []string
	var args []any
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	eq("o.street_id", f.StreetID)
	eq("o.community_id", f.CommunityID)
	eq("o.registration", string(f.Registration))
	eq("o.party_form", string(f.PartyForm))
	eq("o.category", f.Category)
	eq("o.source_key", f.Key)
	eq("o.credit_code", f.CreditCode)
	if f.Domain != "" {
		where = append(where, "EXISTS (SELECT 1 FROM organization_domains d WHERE d.organization_id = o.id AND d.domain = ?)")
		args = append(args, f.Domain)
	}
	for _, word := range strings.Fields(f.Query) {
		like := "%" + likeEscape(word) + "%"
		where = append(where, `(o.name LIKE ? ESCAPE '\' OR o.description LIKE ? ESCAPE '\' OR EXISTS (SELECT 1 FROM
			organization_domains d WHERE d.organization_id = o.id AND d.domain LIKE ? ESCAPE '\'))`)
		args = append(args, like, like, like)
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	return w, args
}

// FindOrganizations lists organizations matching f (public data: anyone may).
func (s *Store) FindOrganizations(ctx context.Context, f registry.Filter) ([]*registry.Organization, int, error) {
	f.Normalize()
	w, args := orgWhere(f)
	c := s.read()
	total, err := countOrgs(ctx, c, f)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	limit, offset := paging(f.Page, f.PerPage, registry.MaxPerPage)
	rows, err := c.query(ctx, orgPage(w, orgSorts[f.Sort]), append(args, limit, offset)...)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	defer rows.Close()
	var out []*registry.Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, 0, s.translate(err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.translate(err)
	}
	return out, total, s.translate(loadDomains(ctx, c, out))
}

// orgPage is orgSelect for one page of the organizations matching where,
// in order: the page's ids are cut first, from an index alone when one holds
// the filter and the order (organizations_name_sort, _street_name,
// _community_name, _category_name, _created), then their rows are read and
// joined (joined first, every row before the page's offset was read too).
func orgPage(where, order string) string {
	return strings.Replace(orgSelect, `FROM organizations o `, `FROM (SELECT o.id FROM organizations o`+where+
		` ORDER BY `+order+` LIMIT ? OFFSET ?) pg JOIN organizations o ON o.id = pg.id `, 1) + ` ORDER BY ` + order
}

// loadDomains fills the domain tags of a page of organizations in one query.
func loadDomains(ctx context.Context, c conn, orgs []*registry.Organization) error {
	if len(orgs) == 0 {
		return nil
	}
	byID := make(map[string]*registry.Organization, len(orgs))
	ids := make([]any, 0, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
		o.Domains = []string{}
		ids = append(ids, o.ID)
	}
	rows, err := c.query(ctx, `SELECT organization_id, domain FROM organization_domains WHERE organization_id IN (`+
		placeholders(len(ids))+`) ORDER BY organization_id, position`, ids...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, d string
		if err := rows.Scan(&id, &d); err != nil {
			return err
		}
		byID[id].Domains = append(byID[id].Domains, d)
	}
	return rows.Err()
}

// FindOrganizationByID returns one organization.
func (s *Store) FindOrganizationByID(ctx context.Context, id string) (*registry.Organization, error) {
	o, err := findOrg(ctx, s.read(), `o.id = ?`, id)
	return o, s.translate(err)
}

// FindOrganizationByKey returns the organization imported with this source key.
func (s *Store) FindOrganizationByKey(ctx context.Context, key string) (*registry.Organization, error) {
	o, err := findOrg(ctx, s.read(), `o.source_key = ?`, key)
	return o, s.translate(err)
}

func findOrg(ctx context.Context, c conn, where string, arg any) (*registry.Organization, error) {
	o, err := scanOrg(c.row(ctx, orgSelect+` WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("organization")
	}
	if err != nil {
		return nil, err
	}
	return o, loadDomains(ctx, c, []*registry.Organization{o})
}

// FindOrganizationsByIDs reads the organizations of a search's hits in two
// statements (their rows, then their domains), in the order of ids, leaving
// out those that are gone (public data: anyone may).
func (s *Store) FindOrganizationsByIDs(ctx context.Context, ids []string) ([]*registry.Organization, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := idArgs(ids)
	c := s.read()
	byID := make(map[string]*registry.Organization, len(ids))
	err := c.each(ctx, orgSelect+` WHERE o.id IN (`+placeholders(len(ids))+`)`, args, func(sc scanner) error {
		o, err := scanOrg(sc)
		if err == nil {
			byID[o.ID] = o
		}
		return err
	})
	if err != nil {
		return nil, s.translate(err)
	}
	out := make([]*registry.Organization, 0, len(byID))
	for _, id := range ids {
		if o := byID[id]; o != nil {
			out = append(out, o)
			delete(byID, id)
		}
	}
	return out, s.translate(loadDomains(ctx, c, out))
}

// checkOrgPlaces checks the street exists and the community belongs to it.
func checkOrgPlaces(ctx context.Context, c conn, o *registry.Organization) error {
	st, err := findStreet(ctx, c, `id = ?`, o.StreetID)
	if err != nil {
		return fieldErr("street", err)
	}
	o.StreetName = st.Name
	o.CommunityName = ""
	if o.CommunityID == "" {
		return nil
	}
	cm, err := findCommunity(ctx, c, o.CommunityID)
	if err != nil {
		return fieldErr("community", err)
	}
	if cm.StreetID != o.StreetID {
		return errs.Field("community", "community.other_street")
	}
	o.CommunityName = cm.Name
	return nil
}

// checkCreditCodeFree refuses a code another organization already holds,
// with a message naming that organization.
func checkCreditCodeFree(ctx context.Context, c conn, o *registry.Organization) error {
	if o.CreditCode == "" {
		return nil
	}
	var id, name string
	err := c.row(ctx, `SELECT id, name FROM organizations WHERE credit_code = ?`, o.CreditCode).Scan(&id, &name)
	if errors.Is(err, sql.ErrNoRows) || id == o.ID {
		return nil
	}
	if err != nil {
		return err
	}
	e := errs.Field("credit_code", "credit_code.duplicate", name)
	e.Code = errs.Conflict
	return e
}

// CreateOrganization validates and adds an organization.
func (s *Store) CreateOrganization(ctx context.Context, o *registry.Organization) error {
	// Permission first: someone who may not create learns nothing from validation.
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, o.Resource()); err != nil {
		return err
	}
	if err := o.Validate(); err != nil {
		return err
	}
	o.ID = newID()
	return s.tx(ctx, func(c conn) error { return createOrg(ctx, c, o) })
}

func createOrg(ctx context.Context, c conn, o *registry.Organization) error {
	if err := checkOrgPlaces(ctx, c, o); err != nil {
		return err
	}
	if err := checkCreditCodeFree(ctx, c, o); err != nil {
		return err
	}
	o.CreatedAt, o.UpdatedAt = c.now, c.now
	if _, err := c.exec(ctx, `INSERT INTO organizations (id, source_key, name, name_sort, registration, credit_code, category,
		street_id, community_id, description, founded, party_form, staff, volunteers, contact_name, contact_phone,
		created_at, updated_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, nullStr(o.Key), o.Name, registry.SortKey(o.Name), o.Registration, nullStr(o.CreditCode), o.Category, o.StreetID,
		nullStr(o.CommunityID), o.Description, o.Founded, o.PartyForm, o.Staff, o.Volunteers, o.ContactName,
		o.ContactPhone, o.CreatedAt, o.UpdatedAt, orgKind(o.Kind)); err != nil {
		return err
	}
	if err := writeDomains(ctx, c, o); err != nil {
		return err
	}
	return record(ctx, c, "organization.create", o.Resource(), orgAuditData(o))
}

// orgKind stores an unset kind as an organization proper (imports that
// skip Validate's normalization included).
func orgKind(k registry.Kind) registry.Kind {
	if k == "" {
		return registry.KindOrganization
	}
	return k
}

func writeDomains(ctx context.Context, c conn, o *registry.Organization) error {
	if _, err := c.exec(ctx, `DELETE FROM organization_domains WHERE organization_id = ?`, o.ID); err != nil {
		return err
	}
	for i, d := range o.Domains {
		if _, err := c.exec(ctx, `INSERT INTO organization_domains (organization_id, position, domain) VALUES (?, ?, ?)`,
			o.ID, i, d); err != nil {
			return err
		}
	}
	return nil
}

// orgAuditData is what the audit log keeps of an organization: no contact data.
func orgAuditData(o *registry.Organization) map[string]any {
	return map[string]any{"name": o.Name, "registration": o.Registration, "credit_code": o.CreditCode,
		"street": o.StreetName, "community": o.CommunityName, "party_form": o.PartyForm, "key": o.Key}
}

// UpdateOrganization applies u to the organization with id.
func (s *Store) UpdateOrganization(ctx context.Context, id string, u registry.Update) (*registry.Organization, error) {
	var out *registry.Organization
	err := s.tx(ctx, func(c conn) error {
		o, err := findOrg(ctx, c, `o.id = ?`, id)
		if err != nil {
			return err
		}
		actor := accounts.ActorFrom(ctx)
		if err := accounts.Can(actor, accounts.Update, o.Resource()); err != nil {
			return err
		}
		before := *o
		u.Apply(o)
		// Moving an organization to another street needs the right on both.
		if o.StreetID != before.StreetID {
			if err := accounts.Can(actor, accounts.Create, o.Resource()); err != nil {
				return err
			}
		}
		if err := o.Validate(); err != nil {
			return err
		}
		if err := updateOrg(ctx, c, o); err != nil {
			return err
		}
		out = o
		return record(ctx, c, "organization.update", o.Resource(), orgChanges(&before, o))
	})
	return out, err
}

func updateOrg(ctx context.Context, c conn, o *registry.Organization) error {
	if err := checkOrgPlaces(ctx, c, o); err != nil {
		return err
	}
	if err := checkCreditCodeFree(ctx, c, o); err != nil {
		return err
	}
	o.UpdatedAt = c.now
	if _, err := c.exec(ctx, `UPDATE organizations SET name = ?, name_sort = ?, registration = ?, credit_code = ?, category = ?,
		street_id = ?, community_id = ?, description = ?, founded = ?, party_form = ?, staff = ?, volunteers = ?,
		contact_name = ?, contact_phone = ?, updated_at = ?, kind = ? WHERE id = ?`,
		o.Name, registry.SortKey(o.Name), o.Registration, nullStr(o.CreditCode), o.Category, o.StreetID, nullStr(o.CommunityID),
		o.Description, o.Founded, o.PartyForm, o.Staff, o.Volunteers, o.ContactName, o.ContactPhone,
		o.UpdatedAt, orgKind(o.Kind), o.ID); err != nil {
		return err
	}
	// The solutions it provides show its name: their search entries follow.
	sols, err := queryIDs(ctx, c, `SELECT DISTINCT solution_id FROM solution_providers WHERE org_id = ?`, o.ID)
	if err != nil {
		return err
	}
	c.changed(ChangeSolution, sols...)
	return writeDomains(ctx, c, o)
}

// orgChanges lists changed public fields as {field: [old, new]}; contact
// fields are recorded as changed without their values.
func orgChanges(a, b *registry.Organization) map[string]any {
	ch := map[string]any{}
	cmp := func(k string, x, y any) {
		if x != y {
			ch[k] = []any{x, y}
		}
	}
	cmp("name", a.Name, b.Name)
	cmp("registration", a.Registration, b.Registration)
	cmp("credit_code", a.CreditCode, b.CreditCode)
	cmp("category", a.Category, b.Category)
	cmp("street", a.StreetName, b.StreetName)
	cmp("community", a.CommunityName, b.CommunityName)
	cmp("party_form", a.PartyForm, b.PartyForm)
	cmp("founded", a.Founded, b.Founded)
	cmp("staff", a.Staff, b.Staff)
	cmp("volunteers", a.Volunteers, b.Volunteers)
	cmp("domains", strings.Join(a.Domains, "、"), strings.Join(b.Domains, "、"))
	if a.Description != b.Description {
		ch["description"] = "changed"
	}
	if a.ContactName != b.ContactName || a.ContactPhone != b.ContactPhone {
		ch["contact"] = "changed"
	}
	return map[string]any{"name": b.Name, "changes": ch}
}

// CountOrganizationsByCategory returns how many organizations each category
// has (from organization_tallies: the same cost for a city as for a street).
func (s *Store) CountOrganizationsByCategory(ctx context.Context) (map[string]int, error) {
	rows, err := s.read().query(ctx, `SELECT category, CAST(SUM(n) AS BIGINT) FROM organization_tallies
		GROUP BY category HAVING SUM(n) > 0`)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var c string
		var n int
		if err := rows.Scan(&c, &n); err != nil {
			return nil, s.translate(err)
		}
		out[c] = n
	}
	return out, s.translate(rows.Err())
}

// AllOrganizations returns every organization for an export, in the
// export's order (EachOrganization). An export of a city streams instead.
func (s *Store) AllOrganizations(ctx context.Context) ([]*registry.Organization, error) {
	var out []*registry.Organization
	err := s.EachOrganization(ctx, 500, func(batch []*registry.Organization) error {
		out = append(out, batch...)
		return nil
	})
	return out, err
}

// EachOrganization gives every organization to fn, batch at a time (at
// most batch, every batch but the last full), by street name, then name and
// id: a street's organizations are read a page at a time after the last one
// (organizations_street_plain_name), so neither side holds or sorts them
// all. It reads one snapshot (a read transaction); each batch is a new
// slice, which fn may keep.
func (s *Store) EachOrganization(ctx context.Context, batch int, fn func([]*registry.Organization) error) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Export, accounts.Resource{Kind: accounts.KindOrganization}); err != nil {
		return err
	}
	batch = max(batch, 1)
	return s.readTx(ctx, func(c conn) error {
		streets, err := queryIDs(ctx, c, `SELECT id FROM streets ORDER BY name`)
		if err != nil {
			return err
		}
		var buf []*registry.Organization
		flush := func() error {
			if len(buf) == 0 {
				return nil
			}
			if err := loadDomains(ctx, c, buf); err != nil {
				return err
			}
			out := buf
			buf = nil
			return fn(out)
		}
		for _, street := range streets {
			var after *registry.Organization
			for {
				// Read what fills the batch, after the last one read.
				limit := batch - len(buf)
				q, args := orgSelect+` WHERE o.street_id = ?`, []any{street}
				if after != nil {
					q += ` AND (o.name, o.id) > (?, ?)`
					args = append(args, after.Name, after.ID)
				}
				rows, err := c.query(ctx, q+` ORDER BY o.name, o.id LIMIT ?`, append(args, limit)...)
				if err != nil {
					return err
				}
				n := 0
				for rows.Next() {
					o, err := scanOrg(rows)
					if err != nil {
						rows.Close()
						return err
					}
					buf = append(buf, o)
					after = o
					n++
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				if len(buf) == batch {
					if err := flush(); err != nil {
						return err
					}
				}
				if n < limit {
					break // the street's last
				}
			}
		}
		return flush()
	})
}

// backfillNameSort fills the pinyin sort key of rows written before it
// existed (migration 0002); it runs after every Migrate and is a no-op once done.
func (s *Store) backfillNameSort(ctx context.Context) error {
	return s.tx(ctx, func(c conn) error {
		rows, err := c.query(ctx, `SELECT id, name FROM organizations WHERE name_sort = ''`)
		if err != nil {
			return err
		}
		type pair struct{ id, name string }
		var todo []pair
		for rows.Next() {
			var p pair
			if err := rows.Scan(&p.id, &p.name); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, p)
		}
		rows.Close()
		for _, p := range todo {
			if _, err := c.exec(ctx, `UPDATE organizations SET name_sort = ? WHERE id = ?`, registry.SortKey(p.name), p.id); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// FindOrganizationNames returns the names of the organizations with ids
// (public directory data), in one statement; unknown ids are left out.
func (s *Store) FindOrganizationNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := idArgs(ids)
	rows, err := s.read().query(ctx, `SELECT id, name FROM organizations WHERE id IN (`+valuesList(len(ids), "?")+`)`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, s.translate(err)
		}
		out[id] = name
	}
	return out, s.translate(rows.Err())
}
