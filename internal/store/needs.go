package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

const needSelect = `SELECT n.id, COALESCE(n.source_key, ''), n.title, n.description, n.street_id, s.name,
	COALESCE(n.community_id, ''), COALESCE(c.name, ''),
	n.category, n.category_source, n.category_confidence, n.budget_fen, n.deadline, n.qa_cutoff, n.procedure, n.qualifications, n.justification, n.status,
	n.return_comment, n.objection_days, n.awarded_at, COALESCE(n.awarded_org_id, ''), COALESCE(n.awarded_proposal_id, ''),
	COALESCE(n.retender_of, ''), n.created_by, n.created_at, n.updated_at, n.published_at,
	(SELECT COUNT(*) FROM proposals p WHERE p.need_id = n.id AND p.status IN ('submitted', 'awarded', 'not_awarded')),
	n.drafted_by_community
	FROM needs n JOIN streets s ON s.id = n.street_id LEFT JOIN communities c ON c.id = n.community_id`

func scanNeed(sc interface{ Scan(...any) error }) (*procurement.Need, string, error) {
	n := &procurement.Need{}
	var key, quals string
	var deadline, qa, awardedAt, publishedAt sql.NullTime
	err := sc.Scan(&n.ID, &key, &n.Title, &n.Description, &n.StreetID, &n.StreetName, &n.CommunityID, &n.CommunityName,
		&n.Category, &n.CategorySource, &n.CategoryConfidence, &n.BudgetFen, &deadline, &qa, &n.Procedure, &quals, &n.Justification, &n.Status,
		&n.ReturnComment, &n.ObjectionDays, &awardedAt, &n.AwardedOrgID, &n.AwardedProposalID,
		&n.RetenderOf, &n.CreatedBy, &n.CreatedAt, &n.UpdatedAt, &publishedAt, &n.Proposals, &n.CommunityDrafted)
	n.Deadline, n.QACutoff, n.AwardedAt, n.PublishedAt = deadline.Time, qa.Time, awardedAt.Time, publishedAt.Time
	for _, q := range strings.Split(quals, ",") {
		if q != "" {
			n.Qualifications = append(n.Qualifications, procurement.Qualification(q))
		}
	}
	return n, key, err
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

func joinQuals(qs []procurement.Qualification) string {
	s := make([]string, len(qs))
	for i, q := range qs {
		s[i] = string(q)
	}
	return strings.Join(s, ",")
}

// findNeed loads a need with its criteria and invitations (no visibility
// check). On the read pool under ReadOnce, a need already read in this
// request is not read again.
func findNeed(ctx context.Context, c conn, id string) (*procurement.Need, error) {
	return once(ctx, c, "need:"+id, func() (*procurement.Need, error) { return readNeed(ctx, c, id) },
		func(n *procurement.Need) *procurement.Need { cp := *n; return &cp })
}

func readNeed(ctx context.Context, c conn, id string) (*procurement.Need, error) {
	n, _, err := scanNeed(c.row(ctx, needSelect+` WHERE n.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("need")
	}
	if err != nil {
		return nil, err
	}
	return n, loadNeedParts(ctx, c, n)
}

// loadNeedParts reads a need's criteria and invitations in one statement.
func loadNeedParts(ctx context.Context, c conn, n *procurement.Need) error {
	n.Criteria, n.InvitedOrgIDs = nil, nil
	return c.each(ctx, `SELECT 0, position, id, name, weight FROM need_criteria WHERE need_id = ?
		UNION ALL SELECT 1, 0, org_id, '', 0 FROM need_invites WHERE need_id = ? ORDER BY 1, 2, 3`, []any{n.ID, n.ID}, func(sc scanner) error {
		var kind, pos int
		var cr procurement.Criterion
		if err := sc.Scan(&kind, &pos, &cr.ID, &cr.Name, &cr.Weight); err != nil {
			return err
		}
		if kind == 0 {
			n.Criteria = append(n.Criteria, cr)
		} else {
			n.InvitedOrgIDs = append(n.InvitedOrgIDs, cr.ID)
		}
		return nil
	})
}

// FindNeedByID returns a need the actor may see; a draft someone may not see
// is not found (its existence is not public either).
func (s *Store) FindNeedByID(ctx context.Context, id string) (*procurement.Need, error) {
	n, err := loadVisibleNeed(ctx, s.read(), id, accounts.ActorFrom(ctx))
	return n, s.translate(err)
}

// statusSQL is the condition for a need's effective status at now: the
// deadline decides between published and evaluating.
func statusSQL(st procurement.Status) (string, []any, bool) {
	switch st {
	case procurement.Published:
		return `(n.status = 'published' AND n.deadline > ?)`, nil, true
	case procurement.Evaluating:
		return `(n.status = 'evaluating' OR (n.status = 'published' AND n.deadline <= ?))`, nil, true
	}
	return `n.status = ?`, []any{string(st)}, false
}

// FindNeeds lists needs: the public ones, plus drafts and submissions in the
// actor's own street or community. Newest first.
func (s *Store) FindNeeds(ctx context.Context, f procurement.Filter) ([]*procurement.Need, int, error) {
	c := s.read()
	actor := accounts.ActorFrom(ctx)
	var where []string
	var args []any
	// Visibility: public statuses for all; private ones only in scope.
	vis := []string{`n.status NOT IN ('draft', 'submitted')`}
	if actor.Holds(accounts.PlatformAdmin, accounts.Resource{}) || actor.Holds(accounts.Auditor, accounts.Resource{}) {
		vis = []string{"1=1"}
	} else if actor != nil {
		for _, g := range actor.Grants {
			switch g.Role {
			case accounts.StreetStaff:
				vis = append(vis, `n.street_id = ?`)
				args = append(args, g.ScopeID)
			case accounts.CommunityStaff:
				vis = append(vis, `n.community_id = ?`)
				args = append(args, g.ScopeID)
			}
		}
	}
	where = append(where, "("+strings.Join(vis, " OR ")+")")
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+" = ?")
			args = append(args, v)
		}
	}
	eq("n.street_id", f.StreetID)
	eq("n.community_id", f.CommunityID)
	eq("n.category", f.Category)
	eq("n.procedure", string(f.Procedure))
	statuses := f.Statuses
	if f.Status != "" {
		statuses = []procurement.Status{f.Status}
	}
	if len(statuses) > 0 {
		var ors []string
		for _, st := range statuses {
			cond, a, usesNow := statusSQL(st)
			if usesNow {
				a = []any{c.now}
			}
			ors = append(ors, cond)
			args = append(args, a...)
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if f.MinFen > 0 {
		where = append(where, "n.budget_fen >= ?")
		args = append(args, f.MinFen)
	}
	if f.MaxFen > 0 {
		where = append(where, "n.budget_fen <= ?")
		args = append(args, f.MaxFen)
	}
	for _, w := range strings.Fields(f.Query) {
		like := "%" + likeEscape(w) + "%"
		where = append(where, `(n.title LIKE ? ESCAPE '\' OR n.description LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	w := " WHERE " + strings.Join(where, " AND ")
	total, err := countUpTo(ctx, c, `FROM needs n`+w, args, f.CountUpTo)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	limit, offset := paging(f.Page, f.PerPage, procurement.MaxPerPage)
	// Open tenders first, closing soonest first (what an organization looks
	// for); then everything else, most recently changed first. Two reads,
	// each in the order of an index (needs_status; needs_updated and
	// needs_status_updated), so a page costs the same on a board of a
	// hundred needs and of a million completed projects.
	out, err := s.scanNeeds(ctx, c, needPage(w+` AND `+openTender, `n.deadline, n.id`),
		append(slices.Clone(args), c.now, limit, offset)...)
	if err != nil || len(out) == limit {
		return out, total, err
	}
	// How many open tenders came before this page: known from the page
	// itself unless it held none of them.
	open := offset + len(out)
	if len(out) == 0 && offset > 0 {
		if err := c.row(ctx, `SELECT COUNT(*) FROM needs n`+w+` AND `+openTender, append(slices.Clone(args), c.now)...).Scan(&open); err != nil {
			return nil, 0, s.translate(err)
		}
	}
	rest, err := s.scanNeeds(ctx, c, needPage(w+` AND NOT `+openTender, `n.updated_at DESC, n.id DESC`),
		append(args, c.now, limit-len(out), max(0, offset-open))...)
	return append(out, rest...), total, err
}

// FindNeedsByIDs reads the needs of a search's hits in one statement, in the
// order of ids, leaving out those the actor may not see (as FindNeedByID
// would) and those that are gone. Like FindNeeds, without their criteria.
func (s *Store) FindNeedsByIDs(ctx context.Context, ids []string) ([]*procurement.Need, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := idArgs(ids)
	found, err := s.scanNeeds(ctx, s.read(), needSelect+` WHERE n.id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, err
	}
	actor := accounts.ActorFrom(ctx)
	byID := make(map[string]*procurement.Need, len(found))
	for _, n := range found {
		if procurement.CanView(n, actor) {
			byID[n.ID] = n
		}
	}
	out := make([]*procurement.Need, 0, len(byID))
	for _, id := range ids {
		if n := byID[id]; n != nil {
			out = append(out, n)
			delete(byID, id) // an id given twice is listed once
		}
	}
	return out, nil
}

// needPage is needSelect for one page of the needs matching where, in
// order: the page is cut from the needs table alone, then joined. Joined
// first, PostgreSQL misjudged how many open tenders there are (a status and
// a deadline that go together) and sorted all of them for every page.
func needPage(where, order string) string {
	return strings.Replace(needSelect, `FROM needs n `, `FROM (SELECT * FROM needs n`+where+` ORDER BY `+order+
		` LIMIT ? OFFSET ?) n `, 1) + ` ORDER BY ` + order
}

// openTender is a need open for proposals now (its argument: now).
const openTender = `(n.status = 'published' AND n.deadline IS NOT NULL AND n.deadline > ?)`

// scanNeeds reads the needs a needSelect query returns.
func (s *Store) scanNeeds(ctx context.Context, c conn, query string, args ...any) ([]*procurement.Need, error) {
	var out []*procurement.Need
	err := c.each(ctx, query, args, func(rows scanner) error {
		n, _, err := scanNeed(rows)
		out = append(out, n)
		return err
	})
	return out, s.translate(err)
}

// countUpTo counts the rows of from (a FROM … WHERE … clause), stopping
// past upTo when it is positive: the count is then upTo+1, "more than upTo".
func countUpTo(ctx context.Context, c conn, from string, args []any, upTo int) (int, error) {
	q := `SELECT COUNT(*) ` + from
	if upTo > 0 {
		q = `SELECT COUNT(*) FROM (SELECT 1 ` + from + ` LIMIT ?) capped`
		args = append(slices.Clone(args), upTo+1)
	}
	var n int
	err := c.row(ctx, q, args...).Scan(&n)
	return n, err
}

// CreateNeed saves a new draft need (community or street staff of its place).
func (s *Store) CreateNeed(ctx context.Context, n *procurement.Need, r procurement.Rules) error {
	return s.tx(ctx, func(c conn) error { return s.createNeed(ctx, c, n, r, "") })
}

// createNeed is the one path a new draft need takes (CreateNeed, and
// adopting a solution): its place, the actor's scope, the procurement
// rules, the invitations, then the insert with its timeline and audit entry.
func (s *Store) createNeed(ctx context.Context, c conn, n *procurement.Need, r procurement.Rules, note string) error {
	// A community's need, or (no community) a need of the whole street.
	if n.CommunityID != "" {
		cm, err := findCommunity(ctx, c, n.CommunityID)
		if err != nil {
			return fieldErr("community", err)
		}
		n.StreetID, n.StreetName, n.CommunityName = cm.StreetID, cm.StreetName, cm.Name
	} else {
		st, err := findStreet(ctx, c, `id = ?`, n.StreetID)
		if err != nil {
			return fieldErr("community", err)
		}
		n.StreetName = st.Name
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, n.Resource()); err != nil {
		return err
	}
	if n.ObjectionDays == 0 {
		n.ObjectionDays = r.ObjectionDays
	}
	n.ResolveCategory(s.Categorize)
	if err := n.Validate(r); err != nil {
		return err
	}
	if err := checkInvites(ctx, c, n); err != nil {
		return err
	}
	return insertDraft(ctx, c, n, note)
}

// insertDraft writes a new draft need with its parts, timeline and audit entry.
func insertDraft(ctx context.Context, c conn, n *procurement.Need, note string) error {
	n.ID, n.Status, n.CreatedAt, n.UpdatedAt = newID(), procurement.Draft, c.now, c.now
	n.CommunityDrafted = false // decided here, from who creates it, never by the caller
	if actor := accounts.ActorFrom(ctx); actor != nil {
		n.CreatedBy, n.CommunityDrafted = actor.ID, procurement.DraftedByCommunity(n, actor)
	}
	n.ResolveCategory(nil) // settled by the caller; this only fills a source left empty
	if _, err := c.exec(ctx, `INSERT INTO needs (id, title, description, street_id, community_id, category, category_source,
		category_confidence, budget_fen, deadline, qa_cutoff, procedure, qualifications, justification, status, objection_days,
		retender_of, created_by, drafted_by_community, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.ID, n.Title, n.Description, n.StreetID, nullStr(n.CommunityID), n.Category, n.CategorySource, n.CategoryConfidence,
		n.BudgetFen, nullTime(n.Deadline),
		nullTime(n.QACutoff), n.Procedure, joinQuals(n.Qualifications), n.Justification, n.Status, n.ObjectionDays,
		nullStr(n.RetenderOf), n.CreatedBy, n.CommunityDrafted, c.now, c.now); err != nil {
		return err
	}
	if err := writeNeedParts(ctx, c, n); err != nil {
		return err
	}
	if err := needEvent(ctx, c, n, "create", "", procurement.Draft, note); err != nil {
		return err
	}
	return record(ctx, c, "need.create", n.Resource(), map[string]any{"title": n.Title, "budget_fen": n.BudgetFen,
		"procedure": n.Procedure, "retender_of": n.RetenderOf})
}

// RetenderNeed starts the tender again after a failure, in one step: a new
// draft with the failed need's request, budget, rules and criteria (no
// deadline yet), linked both ways on the timelines. A need is re-tendered
// once; cancel the new draft to try again.
func (s *Store) RetenderNeed(ctx context.Context, failedID string, r procurement.Rules) (*procurement.Need, error) {
	actor := accounts.ActorFrom(ctx)
	var out *procurement.Need
	err := s.tx(ctx, func(c conn) error {
		if err := s.lockNeed(ctx, &c, failedID); err != nil {
			return err
		}
		old, err := loadVisibleNeed(ctx, c, failedID, actor)
		if err != nil {
			return err
		}
		if _, err := procurement.Step(old, procurement.ActRetender, actor, c.now); err != nil {
			return err
		}
		var live int
		if err := c.row(ctx, `SELECT COUNT(*) FROM needs WHERE retender_of = ? AND status <> 'cancelled'`, old.ID).Scan(&live); err != nil {
			return err
		}
		if live > 0 {
			return errs.E(errs.Conflict, "need.already_retendered")
		}
		crit := make([]procurement.Criterion, len(old.Criteria))
		for i, cr := range old.Criteria {
			crit[i] = procurement.Criterion{Name: cr.Name, Weight: cr.Weight}
		}
		n := &procurement.Need{Title: old.Title, Description: old.Description, StreetID: old.StreetID,
			StreetName: old.StreetName, CommunityID: old.CommunityID, CommunityName: old.CommunityName,
			Category: old.Category, CategorySource: old.CategorySource, CategoryConfidence: old.CategoryConfidence, BudgetFen: old.BudgetFen, Procedure: old.Procedure,
			Qualifications: append([]procurement.Qualification(nil), old.Qualifications...), Criteria: crit,
			Justification: old.Justification, InvitedOrgIDs: append([]string(nil), old.InvitedOrgIDs...),
			ObjectionDays: old.ObjectionDays, RetenderOf: old.ID}
		if err := n.Validate(r); err != nil {
			return err
		}
		if err := insertDraft(ctx, c, n, "retender"); err != nil {
			return err
		}
		if err := needEvent(ctx, c, old, string(procurement.ActRetender), old.Status, old.Status, ""); err != nil {
			return err
		}
		out = n
		return nil
	})
	return out, err
}

// checkInvites checks invited organizations exist.
func checkInvites(ctx context.Context, c conn, n *procurement.Need) error {
	for _, id := range n.InvitedOrgIDs {
		if _, err := findOrg(ctx, c, `o.id = ?`, id); err != nil {
			return fieldErr("invited", err)
		}
	}
	return nil
}

func writeNeedParts(ctx context.Context, c conn, n *procurement.Need) error {
	// Criteria keep their ids when unchanged in name and place, so scores stay attached.
	if _, err := c.exec(ctx, `DELETE FROM need_criteria WHERE need_id = ?`, n.ID); err != nil {
		return err
	}
	for i := range n.Criteria {
		if n.Criteria[i].ID == "" {
			n.Criteria[i].ID = newID()
		}
		if _, err := c.exec(ctx, `INSERT INTO need_criteria (id, need_id, position, name, weight) VALUES (?, ?, ?, ?, ?)`,
			n.Criteria[i].ID, n.ID, i, n.Criteria[i].Name, n.Criteria[i].Weight); err != nil {
			return err
		}
	}
	if _, err := c.exec(ctx, `DELETE FROM need_invites WHERE need_id = ?`, n.ID); err != nil {
		return err
	}
	for _, id := range n.InvitedOrgIDs {
		if _, err := c.exec(ctx, `INSERT INTO need_invites (need_id, org_id) VALUES (?, ?)`, n.ID, id); err != nil {
			return err
		}
	}
	return nil
}

// NeedUpdate changes a need's editable fields (nil means unchanged).
type NeedUpdate struct {
	Title          *string
	Description    *string
	Category       *string
	BudgetFen      *int64
	Deadline       *time.Time
	QACutoff       *time.Time
	Procedure      *procurement.Procedure
	Qualifications *[]procurement.Qualification
	Criteria       *[]procurement.Criterion
	Justification  *string
	InvitedOrgIDs  *[]string
}

// Apply copies the set fields onto n.
func (u NeedUpdate) Apply(n *procurement.Need) {
	set(&n.Title, u.Title)
	set(&n.Description, u.Description)
	set(&n.Category, u.Category)
	set(&n.BudgetFen, u.BudgetFen)
	set(&n.Deadline, u.Deadline)
	set(&n.QACutoff, u.QACutoff)
	set(&n.Procedure, u.Procedure)
	set(&n.Qualifications, u.Qualifications)
	set(&n.Criteria, u.Criteria)
	set(&n.Justification, u.Justification)
	set(&n.InvitedOrgIDs, u.InvitedOrgIDs)
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// UpdateNeed edits a draft, or a published need before its deadline. Editing
// a published need that has proposals pushes the deadline back (at least
// the rule's extension) and asks every bidder to re-confirm.
func (s *Store) UpdateNeed(ctx context.Context, id string, u NeedUpdate, r procurement.Rules) (*procurement.Need, error) {
	actor := accounts.ActorFrom(ctx)
	var out *procurement.Need
	err := s.tx(ctx, func(c conn) error {
		// The need's row first: a proposal submitted meanwhile is either
		// before this edit (and asked to re-confirm) or after it.
		if err := s.lockNeed(ctx, &c, id); err != nil {
			return err
		}
		n, err := loadVisibleNeed(ctx, c, id, actor)
		if err != nil {
			return err
		}
		if _, err := procurement.Step(n, procurement.ActEdit, actor, c.now); err != nil {
			return err
		}
		before := *n
		u.Apply(n)
		recategorize(n, &before, u.Category != nil, s.Categorize)
		if err := n.Validate(r); err != nil {
			return err
		}
		if err := checkInvites(ctx, c, n); err != nil {
			return err
		}
		if n.BudgetFen < before.BudgetFen && before.Proposals > 0 {
			var top int64
			if err := c.row(ctx, `SELECT COALESCE(MAX(price_fen), 0) FROM proposals WHERE need_id = ? AND status = 'submitted'`,
				n.ID).Scan(&top); err != nil {
				return err
			}
			if n.BudgetFen < top {
				return errs.Field("budget_fen", "need.budget_below_proposals")
			}
		}
		note := ""
		if n.Status == procurement.Published {
			if err := procurement.CheckPublish(n, r, c.now); err != nil && before.Proposals == 0 {
				return err
			}
			if before.Proposals > 0 {
				n.Deadline = procurement.ExtendForEdit(before.Deadline, n.Deadline, r)
				if !n.QACutoff.Before(n.Deadline) || u.QACutoff == nil {
					n.QACutoff = procurement.DefaultQACutoff(n.Deadline, r, c.now)
				}
				if _, err := c.exec(ctx, `UPDATE proposals SET needs_reconfirm = ? WHERE need_id = ? AND status = 'submitted'`,
					true, n.ID); err != nil {
					return err
				}
				if err := notifyBidders(ctx, c, n, "need_changed", n.Title); err != nil {
					return err
				}
				note = "deadline_extended"
			}
		}
		n.UpdatedAt = c.now
		if _, err := c.exec(ctx, `UPDATE needs SET title = ?, description = ?, category = ?, category_source = ?,
			category_confidence = ?, budget_fen = ?, deadline = ?, qa_cutoff = ?, procedure = ?, qualifications = ?,
			justification = ?, updated_at = ? WHERE id = ?`,
			n.Title, n.Description, n.Category, n.CategorySource, n.CategoryConfidence, n.BudgetFen, nullTime(n.Deadline), nullTime(n.QACutoff), n.Procedure,
			joinQuals(n.Qualifications), n.Justification, c.now, n.ID); err != nil {
			return err
		}
		if err := writeNeedParts(ctx, c, n); err != nil {
			return err
		}
		// Organizations invited to a need already published are told now,
		// as those invited before were told at publication.
		if n.Status == procurement.Published {
			var added []string
			for _, id := range n.InvitedOrgIDs {
				if !slices.Contains(before.InvitedOrgIDs, id) {
					added = append(added, id)
				}
			}
			if err := notifyOrgAdmins(ctx, c, added, n.ID, "need_published", n.Title, n.StreetName); err != nil {
				return err
			}
		}
		if err := needEvent(ctx, c, n, "edit", n.Status, n.Status, note); err != nil {
			return err
		}
		out = n
		return record(ctx, c, "need.update", n.Resource(), map[string]any{"title": n.Title, "budget_fen": n.BudgetFen,
			"deadline": n.Deadline, "note": note})
	})
	return out, err
}

// recategorize settles an edited need's category: a category the edit sets
// to something new is the staff's choice (or, set empty, a fresh guess); an
// automatic one follows the text when the title or description changed; a
// staff choice stays.
func recategorize(n, before *procurement.Need, categorySet bool, guess procurement.Guesser) {
	switch {
	case categorySet && n.Category != before.Category:
		n.CategorySource, n.CategoryConfidence = "", 0
	case before.CategorySource != procurement.CategoryStaff &&
		(n.Title != before.Title || n.Description != before.Description):
		n.Category, n.CategorySource = "", ""
	}
	n.ResolveCategory(guess)
}

// TransitionNeed takes one of the simple steps — submit, return (with a
// comment), publish, cancel, fail, close — checking the state machine,
// and records it on the timeline and in the audit log.
func (s *Store) TransitionNeed(ctx context.Context, id string, action procurement.Action, note string, r procurement.Rules) (*procurement.Need, error) {
	return s.transitionNeed(ctx, id, action, note, time.Time{}, r)
}

// PublishNeed publishes a need submitted for review (the street's step),
// first setting its deadline when one is given: the community may leave
// the deadline to the street ("发布前由街道确定"), and the street sets it
// as it publishes, in the same transaction. A Q&A cut-off that would fall
// after the new deadline is reset to the default.
func (s *Store) PublishNeed(ctx context.Context, id string, deadline time.Time, note string, r procurement.Rules) (*procurement.Need, error) {
	return s.transitionNeed(ctx, id, procurement.ActPublish, note, deadline, r)
}

func (s *Store) transitionNeed(ctx context.Context, id string, action procurement.Action, note string, deadline time.Time, r procurement.Rules) (*procurement.Need, error) {
	actor := accounts.ActorFrom(ctx)
	var out *procurement.Need
	err := s.tx(ctx, func(c conn) error {
		if err := s.lockNeed(ctx, &c, id); err != nil {
			return err
		}
		n, err := loadVisibleNeed(ctx, c, id, actor)
		if err != nil {
			return err
		}
		switch action {
		case procurement.ActSubmit, procurement.ActReturn, procurement.ActPublish, procurement.ActCancel,
			procurement.ActFail, procurement.ActClose:
		default:
			return errs.E(errs.Invalid, "need.bad_action")
		}
		t, err := procurement.Step(n, action, actor, c.now)
		if err != nil {
			return err
		}
		from := n.EffectiveStatus(c.now)
		note = strings.TrimSpace(note)
		switch action {
		case procurement.ActSubmit:
			// A deadline the community set must leave the street time to
			// publish it; one left empty the street sets as it publishes.
			if !n.Deadline.IsZero() && n.Deadline.Before(c.now.Add(r.MinTenderPeriod)) {
				return errs.E(errs.Invalid, "need.submit_deadline_too_soon", int(r.MinTenderPeriod.Hours()))
			}
		case procurement.ActReturn:
			if len([]rune(note)) < 5 {
				return errs.Field("comment", "need.return_comment_required")
			}
			n.ReturnComment = note
		case procurement.ActPublish:
			if !deadline.IsZero() {
				n.Deadline = deadline.UTC()
				if !n.QACutoff.IsZero() && !n.QACutoff.Before(n.Deadline) {
					n.QACutoff = time.Time{}
				}
			}
			if err := procurement.CheckPublish(n, r, c.now); err != nil {
				return err
			}
			if n.QACutoff.IsZero() {
				n.QACutoff = procurement.DefaultQACutoff(n.Deadline, r, c.now)
			}
			n.PublishedAt, n.ReturnComment = c.now, ""
		case procurement.ActCancel, procurement.ActFail:
			if len([]rune(note)) < 5 {
				return errs.Field("reason", "need.reason_required")
			}
		}
		n.Status, n.UpdatedAt = t.To, c.now
		if _, err := c.exec(ctx, `UPDATE needs SET status = ?, return_comment = ?, deadline = ?, qa_cutoff = ?, published_at = ?,
			updated_at = ? WHERE id = ?`, n.Status, n.ReturnComment, nullTime(n.Deadline), nullTime(n.QACutoff), nullTime(n.PublishedAt),
			c.now, n.ID); err != nil {
			return err
		}
		if action == procurement.ActCancel || action == procurement.ActFail {
			if _, err := c.exec(ctx, `UPDATE proposals SET status = 'not_awarded' WHERE need_id = ? AND status = 'submitted'`, n.ID); err != nil {
				return err
			}
		}
		if err := needEvent(ctx, c, n, string(action), from, n.Status, note); err != nil {
			return err
		}
		if err := notifyTransition(ctx, c, n, action); err != nil {
			return err
		}
		out = n
		data := map[string]any{"title": n.Title, "from": from, "to": n.Status, "note": note}
		if !deadline.IsZero() {
			data["deadline"] = n.Deadline
		}
		return record(ctx, c, "need."+string(action), n.Resource(), data)
	})
	return out, err
}

// needEvent writes one line of the public timeline. The actor is named by
// their unit (street, community, organization), not as a person.
func needEvent(ctx context.Context, c conn, n *procurement.Need, action string, from, to procurement.Status, note string) error {
	c.changed(ChangeNeed, n.ID)
	c.changed(ChangeOrganization, n.AwardedOrgID)
	actor := accounts.ActorFrom(ctx)
	id, name := "", accounts.SystemName
	if actor != nil {
		id, name = actor.ID, unitName(actor, n)
	}
	_, err := c.exec(ctx, `INSERT INTO need_events (id, need_id, at, action, from_status, to_status, actor_id, actor_name, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, newID(), n.ID, c.now, action, string(from), string(to), id, name, note)
	return err
}

// unitName names the actor by the role they act in on this need.
func unitName(u *accounts.User, n *procurement.Need) string {
	res := n.Resource()
	for _, g := range u.Grants {
		switch {
		case g.Role == accounts.StreetStaff && g.ScopeID == res.StreetID:
			return n.StreetName
		case g.Role == accounts.CommunityStaff && g.ScopeID == res.CommunityID:
			return n.CommunityName
		}
	}
	// An organization's person acts for the need's supplier when they belong to it.
	for _, g := range u.Grants {
		if (g.Role == accounts.OrgAdmin || g.Role == accounts.OrgMember) && g.ScopeName != "" && g.ScopeID == res.OrgID {
			return g.ScopeName
		}
	}
	for _, g := range u.Grants {
		if (g.Role == accounts.OrgAdmin || g.Role == accounts.OrgMember) && g.ScopeName != "" {
			return g.ScopeName
		}
	}
	if u.ID == "" && u.Name == accounts.SystemName {
		return accounts.SystemName
	}
	return "平台"
}

// FindNeedEvents returns a need's timeline, oldest first.
func (s *Store) FindNeedEvents(ctx context.Context, needID string) ([]procurement.Event, error) {
	n, err := s.FindNeedByID(ctx, needID)
	if err != nil {
		return nil, err
	}
	actor := accounts.ActorFrom(ctx)
	private := procurement.CanViewPrivate(n, actor)
	now := s.Now()
	c := s.read()
	// Who asked a question is sealed like a bid until the proposals are
	// opened (procurement.AskerShown): the asker's line needs its question.
	var askers map[askerKey]string
	if !private && !n.Opened(now) {
		if askers, err = questionAskers(ctx, c, n.ID); err != nil {
			return nil, s.translate(err)
		}
	}
	rows, err := c.query(ctx, `SELECT id, need_id, at, action, from_status, to_status, actor_id, actor_name, note
		FROM need_events WHERE need_id = ? ORDER BY at, id`, needID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []procurement.Event
	for rows.Next() {
		var e procurement.Event
		if err := rows.Scan(&e.ID, &e.NeedID, &e.At, &e.Action, &e.From, &e.To, &e.ActorID, &e.Actor, &e.Note); err != nil {
			return nil, s.translate(err)
		}
		if askers != nil && e.Action == "question_asked" &&
			!procurement.AskerShown(n, askers[askerKey{e.ActorID, e.At.UnixNano()}], actor, now) {
			e.Actor, e.Note, e.Withheld = "", "", true
		}
		// The public sees the unit that acted, never which account, and not
		// the street's comments on a draft it returned (internal to the two).
		if !private {
			e.ActorID = ""
			if e.Action == string(procurement.ActReturn) {
				e.Note = ""
			}
		}
		out = append(out, e)
	}
	return out, s.translate(rows.Err())
}

// usersWithRole lists the ids of users holding role in scope (scope "" for unscoped roles).
func usersWithRole(ctx context.Context, c conn, role accounts.Role, scope string) ([]string, error) {
	return queryIDs(ctx, c, `SELECT g.user_id FROM grants g JOIN users u ON u.id = g.user_id
		WHERE g.role = ? AND g.scope_id = ? AND NOT u.disabled`, role, scope)
}

// queryIDs runs a query of one column of ids and lists them.
func queryIDs(ctx context.Context, c conn, q string, args ...any) ([]string, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// notify writes an in-app notification about a need for each user, and
// queues an SMS in the outbox for the kinds a person must act on soon.
func notify(ctx context.Context, c conn, userIDs []string, needID, kind string, args ...any) error {
	return addNotifications(ctx, c, userIDs, needID, "", kind, args)
}

// notifyAt is notify for a notification about something other than a need:
// link is the page it leads to.
func notifyAt(ctx context.Context, c conn, userIDs []string, link, kind string, args ...any) error {
	return addNotifications(ctx, c, userIDs, "", link, kind, args)
}

func addNotifications(ctx context.Context, c conn, userIDs []string, needID, link, kind string, args []any) error {
	b, err := json.Marshal(args)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, u := range userIDs {
		if seen[u] {
			continue
		}
		seen[u] = true
		if _, err := c.exec(ctx, `INSERT INTO notifications (id, user_id, need_id, link, kind, args, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			newID(), u, nullStr(needID), link, kind, string(b), c.now); err != nil {
			return err
		}
		if smsKinds[kind] {
			if _, err := c.exec(ctx, `INSERT INTO outbox (id, channel, user_id, kind, args, created_at) VALUES (?, 'sms', ?, ?, ?, ?)`,
				newID(), u, kind, string(b), c.now); err != nil {
				return err
			}
		}
	}
	return nil
}

// smsKinds are the notifications also sent as a text message.
var smsKinds = map[string]bool{"need_submitted": true, "need_returned": true, "awarded": true, "milestone_returned": true,
	"need_changed": true, "deadline_passed": true,
	"activity_reminder": true, "activity_promoted": true, // a place from the waiting list may start within the hour
	// Grants: money decided, and a milestone sent back before it can be paid.
	"grant_awarded": true, "grant_milestone_returned": true,
	// The resident portal: an answer to a resident's need, and who signed them up (代办).
	"suggestion_replied": true, "suggestion_converted": true, "assisted_signup": true}

// notifyBidders notifies every organization with a live proposal.
func notifyBidders(ctx context.Context, c conn, n *procurement.Need, kind string, args ...any) error {
	orgs, err := queryIDs(ctx, c, `SELECT DISTINCT org_id FROM proposals WHERE need_id = ? AND status = 'submitted'`, n.ID)
	if err != nil {
		return err
	}
	return notifyOrgAdmins(ctx, c, orgs, n.ID, kind, args...)
}

// notifyOrgAdmins notifies the admins of each organization.
func notifyOrgAdmins(ctx context.Context, c conn, orgIDs []string, needID, kind string, args ...any) error {
	users, err := orgAdmins(ctx, c, orgIDs...)
	if err != nil {
		return err
	}
	return notify(ctx, c, users, needID, kind, args...)
}

// orgAdmins lists the admins of the organizations.
func orgAdmins(ctx context.Context, c conn, orgIDs ...string) ([]string, error) {
	var users []string
	for _, o := range orgIDs {
		ids, err := usersWithRole(ctx, c, accounts.OrgAdmin, o)
		if err != nil {
			return nil, err
		}
		users = append(users, ids...)
	}
	return users, nil
}

// notifyTransition tells the people who must act next.
func notifyTransition(ctx context.Context, c conn, n *procurement.Need, action procurement.Action) error {
	switch action {
	case procurement.ActSubmit:
		ids, err := usersWithRole(ctx, c, accounts.StreetStaff, n.StreetID)
		if err != nil {
			return err
		}
		return notify(ctx, c, ids, n.ID, "need_submitted", n.Title, n.CommunityName)
	case procurement.ActReturn:
		ids, err := usersWithRole(ctx, c, accounts.CommunityStaff, n.CommunityID)
		if err != nil {
			return err
		}
		return notify(ctx, c, ids, n.ID, "need_returned", n.Title)
	case procurement.ActPublish:
		// New matching need: invited organizations, else those of the need's category.
		orgs := n.InvitedOrgIDs
		if len(orgs) == 0 && n.Category != "" {
			var err error
			if orgs, err = queryIDs(ctx, c, `SELECT id FROM organizations WHERE category = ?`, n.Category); err != nil {
				return err
			}
		}
		return notifyOrgAdmins(ctx, c, orgs, n.ID, "need_published", n.Title, n.StreetName)
	case procurement.ActCancel, procurement.ActFail:
		return notifyBidders(ctx, c, n, needClosedKind(action), n.Title)
	}
	return nil
}

func needClosedKind(a procurement.Action) string {
	if a == procurement.ActFail {
		return "need_failed"
	}
	return "need_cancelled"
}

// SweepDeadlines writes down what the clock already decided: published needs
// past their deadline become evaluating, with a timeline line and a notice
// to the street and the bidders. Reads never wait for it (EffectiveStatus);
// it only makes the change visible to people who must act. Returns how many.
func (s *Store) SweepDeadlines(ctx context.Context) (int, error) {
	rows, err := s.read().query(ctx, `SELECT id FROM needs WHERE status = 'published' AND deadline <= ?`, s.Now())
	if err != nil {
		return 0, s.translate(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, s.translate(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	done := 0
	sys := accounts.WithActor(ctx, nil)
	for _, id := range ids {
		err := s.tx(sys, func(c conn) error {
			n, err := findNeed(sys, c, id)
			if err != nil {
				return err
			}
			// Another node may have swept it already.
			if n.Status != procurement.Published || n.Deadline.After(c.now) {
				return nil
			}
			res, err := c.exec(sys, `UPDATE needs SET status = 'evaluating', updated_at = ? WHERE id = ? AND status = 'published'`, c.now, id)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			n.Status = procurement.Evaluating
			if err := needEvent(sys, c, n, "deadline_passed", procurement.Published, procurement.Evaluating, ""); err != nil {
				return err
			}
			staff, err := usersWithRole(sys, c, accounts.StreetStaff, n.StreetID)
			if err != nil {
				return err
			}
			if err := notify(sys, c, staff, n.ID, "deadline_passed", n.Title, n.Proposals); err != nil {
				return err
			}
			if err := notifyBidders(sys, c, n, "deadline_passed", n.Title, n.Proposals); err != nil {
				return err
			}
			done++
			return record(sys, c, "need.deadline_passed", n.Resource(), map[string]any{"title": n.Title, "proposals": n.Proposals})
		})
		if err != nil {
			return done, err
		}
	}
	return done, nil
}
