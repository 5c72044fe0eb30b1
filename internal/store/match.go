package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
)

// The store is the matcher's source of truth.
var _ match.Source = (*Store)(nil)

// CreditStatus is an organization's standing on the civil-affairs credit lists.
type CreditStatus string

const (
	CreditNormal   CreditStatus = "normal"
	CreditAbnormal CreditStatus = "abnormal" // 活动异常名录
	CreditSerious  CreditStatus = "serious"  // 严重违法失信名单
)

// creditListName names the list a status puts an organization on.
var creditListName = map[CreditStatus]string{CreditAbnormal: "活动异常名录", CreditSerious: "严重违法失信名单"}

// CreditExclusion is the reason shown to staff for an organization on a
// credit list ("列入活动异常名录：note"), "" for a normal one.
func CreditExclusion(status CreditStatus, note string) string {
	name := creditListName[status]
	if name == "" {
		return ""
	}
	if note = strings.TrimSpace(note); note != "" {
		return "列入" + name + "：" + note
	}
	return "列入" + name
}

// maxCreditNote bounds the note of a credit status.
const maxCreditNote = 500

// activeStatuses are the states in which a need is an organization's
// current work (its load).
const activeStatuses = `('contracted', 'in_progress')`

const matchOrgSelect = `SELECT o.id, COALESCE(o.source_key, ''), o.name, o.description, o.category, o.street_id, s.name,
	COALESCE(o.community_id, ''), COALESCE(c.name, ''), o.registration, o.credit_status, o.credit_note,
	(SELECT COUNT(*) FROM needs n WHERE n.awarded_org_id = o.id AND n.status IN ` + activeStatuses + `)
	FROM organizations o JOIN streets s ON s.id = o.street_id LEFT JOIN communities c ON c.id = o.community_id`

func scanMatchOrg(sc interface{ Scan(...any) error }) (match.Org, error) {
	var o match.Org
	var reg registry.Registration
	var status CreditStatus
	var note string
	err := sc.Scan(&o.ID, &o.Key, &o.Name, &o.Description, &o.Category, &o.StreetID, &o.StreetName, &o.CommunityID,
		&o.CommunityName, &reg, &status, &note, &o.ActiveProjects)
	o.Registered = reg == registry.Registered
	o.Excluded = CreditExclusion(status, note)
	return o, err
}

// MatchOrganizations returns every organization as the matcher sees it, in
// three queries (organizations with their load, all domain tags, training
// records).
func (s *Store) MatchOrganizations(ctx context.Context) ([]match.Org, error) {
	c := s.read()
	rows, err := c.query(ctx, matchOrgSelect+` ORDER BY o.id`)
	if err != nil {
		return nil, s.translate(err)
	}
	var out []match.Org
	byID := map[string]int{}
	for rows.Next() {
		o, err := scanMatchOrg(rows)
		if err != nil {
			rows.Close()
			return nil, s.translate(err)
		}
		byID[o.ID] = len(out)
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.translate(err)
	}
	rows, err = c.query(ctx, `SELECT organization_id, domain FROM organization_domains ORDER BY organization_id, position`)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, d string
		if err := rows.Scan(&id, &d); err != nil {
			return nil, s.translate(err)
		}
		if i, ok := byID[id]; ok {
			out[i].Domains = append(out[i].Domains, d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.translate(err)
	}
	rows.Close()
	// Training records (academy certificates by course topic).
	rows, err = c.query(ctx, trainedSelect+` ORDER BY e.org_id, co.topic`)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, topic string
		if err := rows.Scan(&id, &topic); err != nil {
			return nil, s.translate(err)
		}
		if i, ok := byID[id]; ok {
			out[i].Trained = append(out[i].Trained, topic)
		}
	}
	return out, s.translate(rows.Err())
}

// trainedSelect reads the course topics in which each organization holds a
// certificate (its training record, match.Org.Trained).
const trainedSelect = `SELECT DISTINCT e.org_id, co.topic ` + trainedFrom

const trainedFrom = `FROM certificates ct JOIN enrollments e ON e.id = ct.enrollment_id
	JOIN course_sessions cs ON cs.id = e.session_id JOIN courses co ON co.id = cs.course_id`

// MatchOrganization returns one organization as the matcher sees it.
func (s *Store) MatchOrganization(ctx context.Context, id string) (match.Org, error) {
	c := s.read()
	o, err := scanMatchOrg(c.row(ctx, matchOrgSelect+` WHERE o.id = ?`, id))
	if err == sql.ErrNoRows {
		return match.Org{}, notFound("organization")
	}
	if err != nil {
		return match.Org{}, s.translate(err)
	}
	ids, err := queryIDs(ctx, c, `SELECT domain FROM organization_domains WHERE organization_id = ? ORDER BY position`, id)
	if err != nil {
		return match.Org{}, s.translate(err)
	}
	o.Domains = ids
	topics, err := queryIDs(ctx, c, `SELECT DISTINCT co.topic `+trainedFrom+` WHERE e.org_id = ? ORDER BY co.topic`, id)
	o.Trained = topics
	return o, s.translate(err)
}

// matchProjectSelect reads completed projects: accepted or closed needs with
// a supplier, their source key and satisfaction (the imported average, else
// the mean of residents' ratings, else 0).
const matchProjectSelect = `SELECT n.id, COALESCE(n.source_key, ''), n.title, n.description, n.category, n.awarded_org_id,
	n.street_id, s.name, COALESCE(n.community_id, ''), COALESCE(c.name, ''), a.imported_rating, r.stars, r.n
	FROM needs n JOIN streets s ON s.id = n.street_id LEFT JOIN communities c ON c.id = n.community_id
	LEFT JOIN acceptances a ON a.need_id = n.id
	LEFT JOIN (SELECT need_id, SUM(stars) AS stars, COUNT(*) AS n FROM ratings GROUP BY need_id) r ON r.need_id = n.id
	WHERE n.status IN ('accepted', 'closed') AND n.awarded_org_id IS NOT NULL`

func scanMatchProject(sc interface{ Scan(...any) error }) (match.Project, error) {
	var p match.Project
	var imported sql.NullFloat64
	var sum, n sql.NullInt64
	err := sc.Scan(&p.ID, &p.Key, &p.Title, &p.Description, &p.Category, &p.OrgID, &p.StreetID, &p.StreetName, &p.CommunityID,
		&p.CommunityName, &imported, &sum, &n)
	p.Stars = stars(imported, sum, n)
	return p, err
}

// stars is a project's satisfaction: the imported average, else the mean of
// residents' ratings, else 0.
func stars(imported sql.NullFloat64, sum, n sql.NullInt64) float64 {
	switch {
	case imported.Valid:
		return imported.Float64
	case n.Int64 > 0:
		return float64(sum.Int64) / float64(n.Int64)
	}
	return 0
}

// MatchProjects returns every completed project in one query.
func (s *Store) MatchProjects(ctx context.Context) ([]match.Project, error) {
	rows, err := s.read().query(ctx, matchProjectSelect+` ORDER BY n.id`)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []match.Project
	for rows.Next() {
		p, err := scanMatchProject(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, p)
	}
	return out, s.translate(rows.Err())
}

// MatchProject returns one completed project; a need that is not (yet, or
// any more) a completed project is not found.
func (s *Store) MatchProject(ctx context.Context, id string) (match.Project, error) {
	p, err := scanMatchProject(s.read().row(ctx, matchProjectSelect+` AND n.id = ?`, id))
	if err == sql.ErrNoRows {
		return match.Project{}, notFound("need")
	}
	return p, s.translate(err)
}

// publicNeed is the condition for a need on the public board; publicStatus
// is the same in Go.
const publicNeed = `n.status NOT IN ('draft', 'submitted')`

func publicStatus(status string) bool { return status != "draft" && status != "submitted" }

const matchNeedSelect = `SELECT n.id, COALESCE(n.source_key, ''), n.title, n.description, n.category, n.street_id, s.name,
	COALESCE(n.community_id, ''), COALESCE(c.name, ''), n.status, n.procedure, n.deadline, n.budget_fen, n.qualifications,
	COALESCE(n.awarded_org_id, '')
	FROM needs n JOIN streets s ON s.id = n.street_id LEFT JOIN communities c ON c.id = n.community_id`

func scanMatchNeed(sc interface{ Scan(...any) error }) (match.Need, error) {
	var n match.Need
	var deadline sql.NullTime
	var quals, orgID string
	err := sc.Scan(&n.ID, &n.Key, &n.Title, &n.Description, &n.Category, &n.StreetID, &n.StreetName, &n.CommunityID,
		&n.CommunityName, &n.Status, &n.Procedure, &deadline, &n.BudgetFen, &quals, &orgID)
	n.Deadline = deadline.Time
	n.Completed = completed(n.Status, orgID)
	readQualifications(&n, quals)
	return n, err
}

// completed says whether a need of the status, awarded to orgID, is a
// completed project (as matchProjectSelect reads them).
func completed(status, orgID string) bool {
	return orgID != "" && (status == string(procurement.Accepted) || status == string(procurement.Closed))
}

// readQualifications sets the need's rules from the stored list.
func readQualifications(n *match.Need, quals string) {
	for _, q := range strings.Split(quals, ",") {
		switch procurement.Qualification(q) {
		case procurement.RegisteredOnly:
			n.RegisteredOnly = true
		case procurement.LocalOnly:
			n.LocalOnly = true
		}
	}
}

// MatchNeeds returns every need on the public board (anything past
// drafting), with its invitations.
func (s *Store) MatchNeeds(ctx context.Context) ([]match.Need, error) {
	needs, _, err := s.MatchBoard(ctx)
	return needs, err
}

// MatchBoard returns every need on the public board, with its invitations,
// and among them the completed projects (as MatchProjects would), both by
// id: the start-up reads each need once, not twice. A large board is read
// in id ranges at once, one per CPU (at most boardParts): decoding a
// million rows is the start-up's longest single task.
func (s *Store) MatchBoard(ctx context.Context) ([]match.Need, []match.Project, error) {
	c := s.read()
	bounds, err := boardBounds(ctx, c, cmp.Or(s.boardPartMin, boardPartMin))
	if err != nil {
		return nil, nil, s.translate(err)
	}
	places, err := readBoardPlaces(ctx, c)
	if err != nil {
		return nil, nil, s.translate(err)
	}
	type part struct {
		needs    []match.Need
		projects []match.Project
		err      error
	}
	parts := make([]part, len(bounds)+1)
	var wg sync.WaitGroup
	for i := range parts {
		lo, hi := "", ""
		if i > 0 {
			lo = bounds[i-1]
		}
		if i < len(bounds) {
			hi = bounds[i]
		}
		wg.Go(func() { parts[i].needs, parts[i].projects, parts[i].err = readBoard(ctx, c, places, lo, hi) })
	}
	wg.Wait()
	var nn, np int
	for _, p := range parts {
		if p.err != nil {
			return nil, nil, s.translate(p.err)
		}
		nn, np = nn+len(p.needs), np+len(p.projects)
	}
	var needs []match.Need
	var projects []match.Project
	if nn > 0 {
		needs = make([]match.Need, 0, nn)
	}
	if np > 0 {
		projects = make([]match.Project, 0, np)
	}
	for i, p := range parts {
		needs, projects = append(needs, p.needs...), append(projects, p.projects...)
		parts[i] = part{} // the copy is the one kept
	}
	byID := make(map[string]int, len(needs))
	for i := range needs {
		byID[needs[i].ID] = i
	}
	rows, err := c.query(ctx, `SELECT need_id, org_id FROM need_invites ORDER BY need_id, org_id`)
	if err != nil {
		return nil, nil, s.translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var nid, oid string
		if err := rows.Scan(&nid, &oid); err != nil {
			return nil, nil, s.translate(err)
		}
		if i, ok := byID[nid]; ok {
			needs[i].InvitedOrgIDs = append(needs[i].InvitedOrgIDs, oid)
		}
	}
	return needs, projects, s.translate(rows.Err())
}

const (
	// boardParts is the most id ranges MatchBoard reads at once.
	boardParts = 4
	// boardPartMin is the fewest needs worth a range of their own.
	boardPartMin = 50_000
)

// boardBounds returns the ids that split the needs into ranges of about
// equal size, each of minPart needs at least, for MatchBoard (none for a
// small board or one CPU).
func boardBounds(ctx context.Context, c conn, minPart int) ([]string, error) {
	var n int
	if err := c.row(ctx, `SELECT COUNT(*) FROM needs`).Scan(&n); err != nil {
		return nil, err
	}
	k := min(boardParts, runtime.GOMAXPROCS(0), n/minPart)
	var bounds []string
	for i := 1; i < k; i++ {
		var id string
		if err := c.row(ctx, `SELECT id FROM needs ORDER BY id LIMIT 1 OFFSET ?`, i*n/k).Scan(&id); err != nil {
			return nil, err
		}
		bounds = append(bounds, id)
	}
	return bounds, nil
}

// boardPlace is a street or community as MatchBoard reads them: the id
// string every need of the place shares, and the name.
type boardPlace struct{ id, name string }

// boardPlaces are the streets and communities by id, read once for the
// whole board instead of joined to every need (a million lookups of a few
// hundred rows, and a copy of the names for each need).
type boardPlaces struct{ streets, communities map[string]boardPlace }

func readBoardPlaces(ctx context.Context, c conn) (boardPlaces, error) {
	p := boardPlaces{streets: map[string]boardPlace{}, communities: map[string]boardPlace{}}
	for _, q := range []struct {
		sql string
		m   map[string]boardPlace
	}{{`SELECT id, name FROM streets`, p.streets}, {`SELECT id, name FROM communities`, p.communities}} {
		rows, err := c.query(ctx, q.sql)
		if err != nil {
			return p, err
		}
		for rows.Next() {
			var pl boardPlace
			if err := rows.Scan(&pl.id, &pl.name); err != nil {
				rows.Close()
				return p, err
			}
			q.m[pl.id] = pl
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return p, err
		}
	}
	return p, nil
}

// interner hands out one string for equal byte strings: the few statuses,
// categories and suppliers a million needs repeat.
type interner map[string]string

func (in interner) get(b []byte) string {
	if s, ok := in[string(b)]; ok {
		return s
	}
	s := string(b)
	in[s] = s
	return s
}

// boardRatings is a range's satisfaction figures, by need id in the
// database's order: the imported averages (non-null), then the residents'
// ratings summed per need.
type boardRating struct {
	id       string
	imported float64
	sum, n   int64
}

// readBoardRatings reads one of the two ratings lists of a range (sql selects
// need_id and the figures, ordered by need_id).
func readBoardRatings(ctx context.Context, c conn, sql string, args []any, imported bool) ([]boardRating, error) {
	rows, err := c.query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []boardRating
	for rows.Next() {
		var r boardRating
		if imported {
			err = rows.Scan(&r.id, &r.imported)
		} else {
			err = rows.Scan(&r.id, &r.sum, &r.n)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// readBoard reads the board's needs with lo <= id < hi ("" leaves that side
// open), by id, and the completed projects among them. Every need of the
// range is read, drafts included, and the board's taken in Go: the ratings
// and imported averages, read before in the same order, then belong to a
// subsequence of the rows and are merged by equal ids alone, whatever the
// database's collation (a join per row, with the ratings summed into a
// temporary index, cost three times the CPU at city scale). One query runs
// at a time, so the ranges read at once hold one connection each.
func readBoard(ctx context.Context, c conn, places boardPlaces, lo, hi string) ([]match.Need, []match.Project, error) {
	var cond string
	var args []any
	if lo != "" {
		cond += ` AND {col} >= ?`
		args = append(args, lo)
	}
	if hi != "" {
		cond += ` AND {col} < ?`
		args = append(args, hi)
	}
	imported, err := readBoardRatings(ctx, c, `SELECT need_id, imported_rating FROM acceptances
		WHERE imported_rating IS NOT NULL`+strings.ReplaceAll(cond, "{col}", "need_id")+` ORDER BY need_id`, args, true)
	if err != nil {
		return nil, nil, err
	}
	rated, err := readBoardRatings(ctx, c, `SELECT need_id, SUM(stars), COUNT(*) FROM ratings
		WHERE TRUE`+strings.ReplaceAll(cond, "{col}", "need_id")+` GROUP BY need_id ORDER BY need_id`, args, false)
	if err != nil {
		return nil, nil, err
	}
	rows, err := c.query(ctx, `SELECT n.id, COALESCE(n.source_key, ''), n.title, n.description, n.category, n.street_id,
		COALESCE(n.community_id, ''), n.status, n.procedure, n.deadline, n.budget_fen, n.qualifications,
		COALESCE(n.awarded_org_id, '')
		FROM needs n WHERE TRUE`+strings.ReplaceAll(cond, "{col}", "n.id")+` ORDER BY n.id`, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var needs []match.Need
	var projects []match.Project
	in := interner{}
	var category, streetID, communityID, status, procedure, quals, orgID sql.RawBytes
	for rows.Next() {
		var n match.Need
		var deadline sql.NullTime
		if err := rows.Scan(&n.ID, &n.Key, &n.Title, &n.Description, &category, &streetID, &communityID, &status,
			&procedure, &deadline, &n.BudgetFen, &quals, &orgID); err != nil {
			return nil, nil, err
		}
		var imp sql.NullFloat64
		var sum, count sql.NullInt64
		if len(imported) > 0 && imported[0].id == n.ID {
			imp = sql.NullFloat64{Float64: imported[0].imported, Valid: true}
			imported = imported[1:]
		}
		if len(rated) > 0 && rated[0].id == n.ID {
			sum, count = sql.NullInt64{Int64: rated[0].sum, Valid: true}, sql.NullInt64{Int64: rated[0].n, Valid: true}
			rated = rated[1:]
		}
		n.Status = in.get(status)
		street, ok := places.streets[string(streetID)]
		if !publicStatus(n.Status) || !ok { // the street: as an inner join would
			continue
		}
		n.StreetID, n.StreetName = street.id, street.name
		if comm, ok := places.communities[string(communityID)]; ok {
			n.CommunityID, n.CommunityName = comm.id, comm.name
		} else {
			n.CommunityID = in.get(communityID)
		}
		n.Category, n.Procedure = in.get(category), in.get(procedure)
		n.Deadline = deadline.Time
		readQualifications(&n, string(quals))
		org := in.get(orgID)
		n.Completed = completed(n.Status, org)
		needs = append(needs, n)
		if n.Completed {
			projects = append(projects, match.Project{ID: n.ID, Key: n.Key, Title: n.Title, Description: n.Description,
				Category: n.Category, OrgID: org, StreetID: n.StreetID, StreetName: n.StreetName, CommunityID: n.CommunityID,
				CommunityName: n.CommunityName, Stars: stars(imp, sum, count)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(imported) > 0 || len(rated) > 0 {
		// Every rating's need is among the rows (a foreign key), in the
		// same order: this cannot happen unless that order differs.
		return nil, nil, fmt.Errorf("store: %d ratings of needs the board read did not meet", len(imported)+len(rated))
	}
	return needs, projects, nil
}

// MatchNeed returns one need of the public board; a draft is not found.
func (s *Store) MatchNeed(ctx context.Context, id string) (match.Need, error) {
	c := s.read()
	n, err := scanMatchNeed(c.row(ctx, matchNeedSelect+` WHERE n.id = ? AND `+publicNeed, id))
	if err == sql.ErrNoRows {
		return match.Need{}, notFound("need")
	}
	if err != nil {
		return match.Need{}, s.translate(err)
	}
	n.InvitedOrgIDs, err = queryIDs(ctx, c, `SELECT org_id FROM need_invites WHERE need_id = ? ORDER BY org_id`, id)
	return n, s.translate(err)
}

// OrganizationCredit is an organization's credit status as staff see it.
type OrganizationCredit struct {
	Status    CreditStatus
	Note      string
	UpdatedAt time.Time // zero: never set
}

// FindOrganizationCredit returns an organization's credit status (public:
// the lists themselves are published by civil affairs).
func (s *Store) FindOrganizationCredit(ctx context.Context, orgID string) (OrganizationCredit, error) {
	var cr OrganizationCredit
	var at sql.NullTime
	err := s.read().row(ctx, `SELECT credit_status, credit_note, credit_updated_at FROM organizations WHERE id = ?`, orgID).
		Scan(&cr.Status, &cr.Note, &at)
	if err == sql.ErrNoRows {
		return cr, notFound("organization")
	}
	cr.UpdatedAt = at.Time
	return cr, s.translate(err)
}

// SetOrganizationCredit puts an organization on a credit list (abnormal,
// serious, with a note saying why — required) or takes it off (normal).
// Platform admins only; audited in the same transaction.
func (s *Store) SetOrganizationCredit(ctx context.Context, orgID string, status CreditStatus, note string) (OrganizationCredit, error) {
	actor := accounts.ActorFrom(ctx)
	note = strings.TrimSpace(note)
	var out OrganizationCredit
	err := s.tx(ctx, func(c conn) error {
		o, err := findOrg(ctx, c, `o.id = ?`, orgID)
		if err != nil {
			return err
		}
		if err := accounts.Can(actor, accounts.SetCredit, o.Resource()); err != nil {
			return err
		}
		var l errs.List
		switch status {
		case CreditNormal:
		case CreditAbnormal, CreditSerious:
			if note == "" {
				l.Add("note", "field.required")
			}
		default:
			l.Add("status", "credit.status_invalid")
		}
		if len([]rune(note)) > maxCreditNote {
			l.Add("note", "field.too_long", maxCreditNote)
		}
		if err := l.Err(); err != nil {
			return err
		}
		var before CreditStatus
		if err := c.row(ctx, `SELECT credit_status FROM organizations WHERE id = ?`, orgID).Scan(&before); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE organizations SET credit_status = ?, credit_note = ?, credit_updated_at = ?
			WHERE id = ?`, status, note, c.now, orgID); err != nil {
			return err
		}
		out = OrganizationCredit{Status: status, Note: note, UpdatedAt: c.now}
		return record(ctx, c, "organization.credit", o.Resource(), map[string]any{"name": o.Name, "from": before,
			"to": status, "note": note})
	})
	return out, err
}

// SetNeedCategory records the category staff chose for a need (source
// staff, confidence 100), at any stage: staff of the need's street or
// community, and platform admins. Audited in the same transaction.
func (s *Store) SetNeedCategory(ctx context.Context, needID, code string) (*procurement.Need, error) {
	actor := accounts.ActorFrom(ctx)
	code = strings.TrimSpace(code)
	var out *procurement.Need
	err := s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		if err := accounts.Can(actor, accounts.Update, n.Resource()); err != nil {
			return err
		}
		if code == "" {
			return errs.Field("category", "field.required")
		}
		if registry.CategoryByCode(code) == nil {
			return errs.Field("category", "category.invalid")
		}
		before := n.Category
		n.Category, n.CategorySource, n.CategoryConfidence, n.UpdatedAt = code, procurement.CategoryStaff, 100, c.now
		if _, err := c.exec(ctx, `UPDATE needs SET category = ?, category_source = ?, category_confidence = ?, updated_at = ?
			WHERE id = ?`, n.Category, n.CategorySource, n.CategoryConfidence, c.now, n.ID); err != nil {
			return err
		}
		out = n
		return record(ctx, c, "need.category", n.Resource(), map[string]any{"title": n.Title, "from": before, "to": code})
	})
	return out, err
}
