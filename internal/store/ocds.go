package store

import (
	"context"
	"database/sql"
	"errors"
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
// there are. With a non-zero since only needs with a release dated at or
// after since count; without since they are counted up to one past this
// page (enough to tell whether a next page exists). Pages hold perPage ids
// (at most MaxOCDSPerPage).
//
// Release dates are decided by the ocds builder (some by the clock: the
// deadline, the end of the objection period), so SQL only narrows the
// candidates with a generous margin and each candidate's releases are built
// to check; without since the SQL condition is exact.
func (s *Store) FindOCDSNeedIDs(ctx context.Context, since time.Time, page, perPage int) ([]string, int, error) {
	limit, offset := paging(page, perPage, MaxOCDSPerPage)
	var ids []string
	total := 0
	err := s.readTx(ctx, func(c conn) error {
		if since.IsZero() {
			// Counted only past this page (whether there is a next one):
			// a city's feed lists a million completed projects.
			var err error
			if total, err = countUpTo(ctx, c, `FROM needs n WHERE `+ocdsListed, nil, offset+limit); err != nil {
				return err
			}
			ids, err = queryIDs(ctx, c, `SELECT n.id FROM needs n WHERE `+ocdsListed+` ORDER BY n.id LIMIT ? OFFSET ?`,
				limit, offset)
			return err
		}
		// A day's margin absorbs any time zone a stored value was written
		// in; the objection period is at most 30 days.
		loose, now := since.UTC().Add(-24*time.Hour), c.now.Add(24*time.Hour)
		candidates, err := queryIDs(ctx, c, `SELECT n.id FROM needs n WHERE `+ocdsListed+` AND (
			n.updated_at >= ? OR n.published_at >= ? OR (n.deadline >= ? AND n.deadline <= ?)
			OR (n.awarded_at >= ? AND n.awarded_at <= ?)
			OR EXISTS (SELECT 1 FROM need_events e WHERE e.need_id = n.id AND e.at >= ?)
			OR EXISTS (SELECT 1 FROM awards a WHERE a.need_id = n.id AND a.decided_at >= ?)
			OR EXISTS (SELECT 1 FROM contracts k WHERE k.need_id = n.id AND (k.signed_at >= ? OR k.start_at >= ?))
			OR EXISTS (SELECT 1 FROM acceptances ac WHERE ac.need_id = n.id AND ac.at >= ?)
			OR EXISTS (SELECT 1 FROM ratings r WHERE r.need_id = n.id AND r.at >= ?))
			ORDER BY n.id`, loose, loose, loose, now, loose.AddDate(0, 0, -31), now, loose, loose, loose, loose, loose, loose)
		if err != nil {
			return err
		}
		for _, id := range candidates {
			p, err := ocdsProcess(ctx, c, id)
			if err != nil {
				return err
			}
			if !releasedSince(p, since) {
				continue
			}
			if total >= offset && len(ids) < limit {
				ids = append(ids, id)
			}
			total++
		}
		return nil
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
