package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
)

// The OCDS open-data feed reads here. OCDSProcess fills an ocds.Process with
// everything public about one need, from one snapshot with one clock;
// ocds builds the releases and decides what may be shown when. The store
// still passes as little as it can: nothing of a tender whose proposals
// were never opened (not even who bid), no proposal's content, no person —
// no user ids, contact people, comments, notes or report texts.

// MaxOCDSPerPage bounds the processes of one page of the feed.
const MaxOCDSPerPage = 100

// readTx runs fn in one read-only transaction on the read pool (a fresh
// replica when ctx allows, replica.go), so that
// everything fn reads is one snapshot (REPEATABLE READ on PostgreSQL; a
// deferred transaction on SQLite reads one WAL snapshot) and c.now is one clock.
func (s *Store) readTx(ctx context.Context, fn func(c conn) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	t, err := s.readFor(ctx).BeginTx(ctx, opts)
	if err != nil {
		return s.translate(err)
	}
	defer t.Rollback()
	if err := fn(conn{q: t, d: s.dialect, now: s.Now().Truncate(time.Microsecond)}); err != nil {
		return s.translate(err)
	}
	return s.translate(t.Commit())
}

// OCDSProcess returns the public contracting process of a need for
// ocds.Releases, as anyone sees it (the actor in ctx plays no part). A need
// that is not public — a draft, a submission — is not found.
func (s *Store) OCDSProcess(ctx context.Context, needID string) (ocds.Process, error) {
	var p ocds.Process
	err := s.readTx(ctx, func(c conn) error {
		var err error
		p, err = ocdsProcess(ctx, c, needID)
		return err
	})
	return p, err
}

func ocdsProcess(ctx context.Context, c conn, needID string) (ocds.Process, error) {
	n, err := findNeed(ctx, c, needID)
	if err != nil {
		return ocds.Process{}, err
	}
	if !n.Status.Public() {
		return ocds.Process{}, notFound("need")
	}
	// Who drafted it and what the street said to the community are not public.
	n.CreatedBy, n.ReturnComment = "", ""
	p := ocds.Process{Now: c.now, Need: n}
	st, err := findStreet(ctx, c, `id = ?`, n.StreetID)
	if err != nil {
		return p, err
	}
	p.Buyer = ocds.Unit{ID: st.ID, Name: buyerName(st)}
	if n.CommunityID != "" {
		p.Community = ocds.Unit{ID: n.CommunityID, Name: n.CommunityName}
	}
	if !n.Opened(c.now) {
		// Sealed, or cancelled before its deadline: the proposals were
		// never opened, so neither who bid nor how many leaves the store.
		n.Proposals = 0
	} else if p.Tenderers, err = ocdsTenderers(ctx, c, n.ID); err != nil {
		return p, err
	}
	if err := ocdsAward(ctx, c, &p); err != nil {
		return p, err
	}
	if p.Contract, err = ocdsContract(ctx, c, n.ID); err != nil {
		return p, err
	}
	if p.Contract != nil {
		if p.Milestones, err = findMilestones(ctx, c, n.ID); err != nil {
			return p, err
		}
		for i := range p.Milestones {
			p.Milestones[i].Comment = "" // the community's words about the work
		}
		p.Contract.Milestones = p.Milestones
		if p.Reports, err = ocdsReports(ctx, c, n.ID); err != nil {
			return p, err
		}
	}
	docs, err := ocdsDocuments(ctx, c, n.ID, "need", "contract")
	if err != nil {
		return p, err
	}
	for _, d := range docs {
		if d.Owner == n.ID {
			p.Documents = append(p.Documents, d)
		} else {
			p.ContractDocuments = append(p.ContractDocuments, d)
		}
	}
	if p.Events, err = ocdsEvents(ctx, c, n.ID); err != nil {
		return p, err
	}
	if err := ocdsAcceptance(ctx, c, &p); err != nil {
		return p, err
	}
	return p, nil
}

// buyerName names the office that buys: a street's 办事处, a town's government.
func buyerName(st *places.Street) string {
	if st.Kind == "town" {
		return st.Name + "人民政府"
	}
	return st.Name + "办事处"
}

// ocdsTenderers lists the organizations with a live proposal, once each,
// without their contact people. Only called once the proposals are opened.
func ocdsTenderers(ctx context.Context, c conn, needID string) ([]*registry.Organization, error) {
	rows, err := c.query(ctx, `SELECT DISTINCT org_id FROM proposals WHERE need_id = ? AND status IN `+liveStatuses+`
		ORDER BY org_id`, needID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*registry.Organization, 0, len(ids))
	for _, id := range ids {
		o, err := publicOrg(ctx, c, id)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// publicOrg loads an organization without its contact person.
func publicOrg(ctx context.Context, c conn, id string) (*registry.Organization, error) {
	o, err := findOrg(ctx, c, `o.id = ?`, id)
	if err != nil {
		return nil, err
	}
	o.ContactName, o.ContactPhone = "", ""
	return o, nil
}

// ocdsAward fills the award, its supplier and the awarded proposal's
// duration (the only detail of a proposal OCDS ever shows).
func ocdsAward(ctx context.Context, c conn, p *ocds.Process) error {
	a, err := awardOf(ctx, c, p.Need.ID)
	if errs.Is(err, errs.Conflict) {
		return nil // not awarded
	}
	if err != nil {
		return err
	}
	a.DecidedBy = ""
	p.Award = a
	if p.Supplier, err = publicOrg(ctx, c, a.OrgID); err != nil {
		return err
	}
	err = c.row(ctx, `SELECT duration_days FROM proposals WHERE id = ?`, a.ProposalID).Scan(&p.AwardDurationDays)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

// ocdsContract loads a need's contract (nil when none), without who signed it.
func ocdsContract(ctx context.Context, c conn, needID string) (*procurement.Contract, error) {
	k := &procurement.Contract{}
	err := c.row(ctx, `SELECT need_id, amount_fen, start_at, end_at, amendment, signed_at FROM contracts WHERE need_id = ?`,
		needID).Scan(&k.NeedID, &k.AmountFen, &k.Start, &k.End, &k.Amendment, &k.SignedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return k, nil
}

// ocdsReports loads the dates and files of a need's progress reports —
// never their text or author.
func ocdsReports(ctx context.Context, c conn, needID string) ([]procurement.Report, error) {
	rows, err := c.query(ctx, `SELECT id, milestone_id, at FROM reports WHERE need_id = ? ORDER BY at, id`, needID)
	if err != nil {
		return nil, err
	}
	var out []procurement.Report
	idx := map[string]int{}
	for rows.Next() {
		r := procurement.Report{NeedID: needID}
		if err := rows.Scan(&r.ID, &r.MilestoneID, &r.At); err != nil {
			rows.Close()
			return nil, err
		}
		idx[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	files, err := ocdsDocuments(ctx, c, needID, "report")
	if err != nil {
		return nil, err
	}
	for _, d := range files {
		if i, ok := idx[d.Owner]; ok {
			out[i].Files = append(out[i].Files, d)
		}
	}
	return out, nil
}

// ocdsDocuments describes a need's documents of the given owner kinds
// (never "proposal"): name, type, size, hash — not the uploader, not the bytes.
func ocdsDocuments(ctx context.Context, c conn, needID string, kinds ...string) ([]procurement.Document, error) {
	args := []any{needID}
	for _, k := range kinds {
		args = append(args, k)
	}
	rows, err := c.query(ctx, `SELECT id, owner_id, name, mime_type, size, sha256, uploaded_at FROM documents
		WHERE need_id = ? AND owner_kind IN (`+placeholders(len(kinds))+`) ORDER BY uploaded_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []procurement.Document
	for rows.Next() {
		var d procurement.Document
		if err := rows.Scan(&d.ID, &d.Owner, &d.Name, &d.Type, &d.Size, &d.SHA256, &d.Uploaded); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ocdsEvents loads the timeline's actions and dates, without who or notes.
func ocdsEvents(ctx context.Context, c conn, needID string) ([]procurement.Event, error) {
	rows, err := c.query(ctx, `SELECT id, need_id, at, action, from_status, to_status FROM need_events
		WHERE need_id = ? ORDER BY at, id`, needID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []procurement.Event
	for rows.Next() {
		var e procurement.Event
		if err := rows.Scan(&e.ID, &e.NeedID, &e.At, &e.Action, &e.From, &e.To); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ocdsAcceptance fills the acceptance (result and date, not the comment or
// who) and the residents' ratings summed up (not who, not what they wrote).
func ocdsAcceptance(ctx context.Context, c conn, p *ocds.Process) error {
	a := &procurement.Acceptance{NeedID: p.Need.ID}
	err := c.row(ctx, `SELECT result, at FROM acceptances WHERE need_id = ?`, p.Need.ID).Scan(&a.Result, &a.At)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	p.Acceptance = a
	// Times are scanned, not aggregated: SQLite returns MAX() of a
	// timestamp as text.
	rows, err := c.query(ctx, `SELECT stars, at FROM ratings WHERE need_id = ?`, p.Need.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	sum := 0
	for rows.Next() {
		var stars int
		var at time.Time
		if err := rows.Scan(&stars, &at); err != nil {
			return err
		}
		sum += stars
		p.RatingCount++
		if at.After(p.RatedAt) {
			p.RatedAt = at
		}
	}
	if p.RatingCount > 0 {
		p.RatingAverage = float64(sum) / float64(p.RatingCount)
	}
	return rows.Err()
}

// ocdsListed is the condition for a need with at least one public release:
// public, and either published or (an imported project) awarded.
const ocdsListed = `n.status NOT IN ('draft', 'submitted') AND (n.published_at IS NOT NULL OR n.awarded_at IS NOT NULL)`

// FindOCDSNeedIDs lists, in a stable order (by id: UUIDv7, so oldest
// first), the ids of the needs that have a public OCDS release, and how many
// there are, counted up to one past this page (enough to tell whether a
// next page exists: a city's feed lists a million completed projects).
// Pages hold perPage ids (at most MaxOCDSPerPage). The feed since a date
// is FindOCDSProcessesSince.
func (s *Store) FindOCDSNeedIDs(ctx context.Context, page, perPage int) ([]string, int, error) {
	limit, offset := paging(page, perPage, MaxOCDSPerPage)
	var ids []string
	total := 0
	err := s.readTx(ctx, func(c conn) error {
		var err error
		if total, err = countUpTo(ctx, c, `FROM needs n WHERE `+ocdsListed, nil, offset+limit); err != nil {
			return err
		}
		ids, err = queryIDs(ctx, c, `SELECT n.id FROM needs n WHERE `+ocdsListed+` ORDER BY n.id LIMIT ? OFFSET ?`,
			limit, offset)
		return err
	})
	return ids, total, err
}

// releasedSince reports whether the process has a release dated at or after since.
func releasedSince(p ocds.Process, since time.Time) bool {
	for _, r := range ocds.Releases(p, ocds.DefaultConfig()) {
		if !r.Date.Before(since) {
			return true
		}
	}
	return false
}

// ocdsSinceBound is how many changes since a date the feed collects from
// their dates' indexes (each page reads them all: about 10,000 for the last
// two days of a city, 50 ms at most at the bound); past it, the needs are
// walked in id order instead, where so many changes make most needs
// candidates (a harvest since years ago). The walk is slow only when the
// changes are many and yet sparse at the low end of the ids (old needs
// unchanged, many recent ones changed): then it reads old needs until it
// reaches them.
const ocdsSinceBound = 100000

// ocdsSinceExamined bounds the candidates one page builds once it holds a
// release: a page may then be short, and the next one goes on after it.
const ocdsSinceExamined = 5

// ocdsSinceArms are the dates that can give a need a release on or after a
// date (the condition of the walk in ocdsSinceWalk, arm by arm), each a
// range of an index (migrations 0021, 0024); col is the need's id. Their
// arguments: ?1 loose, ?2 now, ?3 the awards' window's start.
var ocdsSinceArms = []struct{ col, sql string }{
	{"id", `SELECT id FROM needs WHERE updated_at >= ?1`},
	{"id", `SELECT id FROM needs WHERE published_at >= ?1`},
	{"id", `SELECT id FROM needs WHERE deadline >= ?1 AND deadline <= ?2`},
	{"id", `SELECT id FROM needs WHERE awarded_at >= ?3 AND awarded_at <= ?2`},
	{"need_id", `SELECT need_id AS id FROM need_events WHERE at >= ?1`},
	{"need_id", `SELECT need_id AS id FROM awards WHERE decided_at >= ?1`},
	{"need_id", `SELECT need_id AS id FROM contracts WHERE signed_at >= ?1`},
	{"need_id", `SELECT need_id AS id FROM contracts WHERE start_at >= ?1`},
	{"need_id", `SELECT need_id AS id FROM acceptances WHERE at >= ?1`},
	{"need_id", `SELECT need_id AS id FROM ratings WHERE at >= ?1`},
}

// ocdsWalkWindow is how many needs the walk reads in id order before, none
// of them a candidate, the page collects the candidates after them from
// the changes' index ranges (as below the bound) instead: old needs
// unchanged for years before the recently changed ones are skipped, not
// tested one by one.
const ocdsWalkWindow = 2000

// ocdsSinceWalk is the same condition tested need by need, for a walk in
// id order: a window of the needs after an id.
const ocdsSinceWalk = `SELECT n.id FROM (SELECT id FROM needs WHERE id > ? ORDER BY id LIMIT ?) w
	JOIN needs n ON n.id = w.id WHERE ` + ocdsListed + ` AND (
	n.updated_at >= ? OR n.published_at >= ? OR (n.deadline >= ? AND n.deadline <= ?)
	OR (n.awarded_at >= ? AND n.awarded_at <= ?)
	OR EXISTS (SELECT 1 FROM need_events e WHERE e.need_id = n.id AND e.at >= ?)
	OR EXISTS (SELECT 1 FROM awards a WHERE a.need_id = n.id AND a.decided_at >= ?)
	OR EXISTS (SELECT 1 FROM contracts k WHERE k.need_id = n.id AND (k.signed_at >= ? OR k.start_at >= ?))
	OR EXISTS (SELECT 1 FROM acceptances ac WHERE ac.need_id = n.id AND ac.at >= ?)
	OR EXISTS (SELECT 1 FROM ratings r WHERE r.need_id = n.id AND r.at >= ?))
	ORDER BY n.id LIMIT ?`

// armArgs expands an arm's numbered arguments (?1 loose, ?2 now, ?3 the
// awards' window) into plain placeholders and their values.
func armArgs(q string, loose, now, awarded time.Time) (string, []any) {
	var args []any
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if q[i] == '?' && i+1 < len(q) {
			switch q[i+1] {
			case '1':
				args = append(args, loose)
			case '2':
				args = append(args, now)
			case '3':
				args = append(args, awarded)
			}
			b.WriteByte('?')
			i++
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String(), args
}

// FindOCDSProcessesSince returns, for one page of the feed since a date,
// the public processes (in id order, after the need id after) with a
// release dated at or after since: up to perPage, and next, the id to
// continue after ("" when no later need has one). All from one snapshot.
//
// The candidates come from the indexes of the dates that can make a
// release (ocdsSinceArms) while there are at most ocdsSinceBound such
// changes; with more, needs are walked in id order and tested one by one,
// where most pass, until a window of ocdsWalkWindow needs holds none: the
// candidates after it are then collected from the indexes. A page reads
// at most about the changes since the date, not every need; release dates
// are decided by the ocds builder (some by the clock), so SQL narrows with
// a day's margin and each candidate is built.
func (s *Store) FindOCDSProcessesSince(ctx context.Context, since time.Time, after string, perPage int) ([]ocds.Process, string, error) {
	perPage = min(max(perPage, 1), MaxOCDSPerPage)
	var procs []ocds.Process
	next := ""
	err := s.readTx(ctx, func(c conn) error {
		loose, now := since.UTC().Add(-24*time.Hour), c.now.Add(24*time.Hour)
		awarded := loose.AddDate(0, 0, -31)
		// arms: each range; jumps: each range's needs after an id.
		arms, jumps := make([]string, len(ocdsSinceArms)), make([]string, len(ocdsSinceArms))
		armArgsOf := make([][]any, len(ocdsSinceArms))
		var args []any
		for i, a := range ocdsSinceArms {
			q, aa := armArgs(a.sql, loose, now, awarded)
			arms[i], args, armArgsOf[i] = q, append(args, aa...), aa
			jumps[i] = q + ` AND ` + a.col + ` > ?`
		}
		union := strings.Join(arms, ` UNION ALL `)
		bound, window := ocdsSinceBound, ocdsWalkWindow
		if s.ocdsSinceBound > 0 {
			bound = s.ocdsSinceBound
		}
		if s.ocdsWalkWindow > 0 {
			window = s.ocdsWalkWindow
		}
		changes, err := countUpTo(ctx, c, `FROM (`+union+`) changes`, args, bound)
		if err != nil {
			return err
		}
		// candidates gives the next candidates after an id, in id order.
		var candidates func(after string) ([]string, error)
		// from gives the next candidates after an id out of a sorted list.
		from := func(ids []string, after string) []string {
			i, _ := slices.BinarySearch(ids, after)
			for i < len(ids) && ids[i] <= after {
				i++
			}
			return ids[i:min(i+perPage+1, len(ids))]
		}
		// collect reads the candidates after an id from the changes' index
		// ranges, sorted and each once.
		collect := func(after string) ([]string, error) {
			var ja []any
			for i := range jumps {
				ja = append(append(ja, armArgsOf[i]...), after)
			}
			ids, err := queryIDs(ctx, c, strings.Join(jumps, ` UNION ALL `), ja...)
			slices.Sort(ids)
			return slices.Compact(ids), err
		}
		if changes <= bound {
			ids, err := collect("")
			if err != nil {
				return err
			}
			candidates = func(after string) ([]string, error) { return from(ids, after), nil }
		} else {
			var list []string // once the walk met a gap: the candidates after it
			candidates = func(after string) ([]string, error) {
				if list != nil {
					return from(list, after), nil
				}
				ids, err := queryIDs(ctx, c, ocdsSinceWalk, after, window, loose, loose, loose, now, awarded, now,
					loose, loose, loose, loose, loose, loose, perPage+1)
				if err != nil || len(ids) > 0 {
					return ids, err
				}
				// None in the window: past it, or the end.
				var last sql.NullString
				if err := c.row(ctx, `SELECT MAX(id) FROM (SELECT id FROM needs WHERE id > ? ORDER BY id LIMIT ?) w`,
					after, window).Scan(&last); err != nil || !last.Valid {
					return nil, err
				}
				// Needs unchanged for a while (old ones, before the recently
				// changed): the candidates after them from the changes'
				// index ranges, once for this page.
				if list, err = collect(last.String); err != nil {
					return nil, err
				}
				return from(list, last.String), nil
			}
		}
		examined, cursor := 0, after
		for {
			ids, err := candidates(cursor)
			if err != nil {
				return err
			}
			if len(ids) == 0 {
				return nil // the last page
			}
			for _, id := range ids {
				p, err := ocdsProcess(ctx, c, id)
				if errs.Is(err, errs.NotFound) {
					cursor = id
					continue // not public
				}
				if err != nil {
					return err
				}
				if p.Need.PublishedAt.IsZero() && p.Need.AwardedAt.IsZero() || !releasedSince(p, since) {
					cursor = id
					examined++
					continue
				}
				if len(procs) == perPage {
					next = procs[len(procs)-1].Need.ID // a later one has a release
					return nil
				}
				procs = append(procs, p)
				cursor = id
				examined++
			}
			if len(procs) > 0 && examined >= ocdsSinceExamined*perPage {
				next = cursor // a short page: the rest after what it examined
				return nil
			}
		}
	})
	return procs, next, err
}
