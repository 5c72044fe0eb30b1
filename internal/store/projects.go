package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/registry"
)

// ImportProjects writes completed past projects (platform admins), so the
// platform starts with history: each becomes a closed need (open procedure,
// category guessed from its text, else its organization's) with the
// delivering organization's proposal and award at the budget, a contract
// over its duration ending on the completion day, one accepted milestone and
// an acceptance on that day carrying the source's average rating
// (acceptances.imported_rating, shown as is in the track record). The
// publication day is the file's when it gives one (on or before the
// contract's start), else none. A key
// already imported updates that project instead of adding another; streets
// and communities named but missing are created, as the organization
// import does; a project without a community (street-wide) is filed under
// no community (the whole street). Everything is one transaction: any problem rolls it all
// back unless skipInvalid, which drops the bad rows instead.
func (s *Store) ImportProjects(ctx context.Context, rows []projectfile.ProjectRow, skipInvalid bool) (*registry.ImportReport, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Import, accounts.Resource{Kind: accounts.KindOrganization}); err != nil {
		return nil, err
	}
	rep := &registry.ImportReport{Rows: len(rows)}
	err := s.tx(ctx, func(c conn) error {
		imp := &projectImporter{importer: importer{c: c, rep: rep, streets: map[string]string{}, communities: map[string]string{}},
			rules: procurement.DefaultRules(), guess: s.Categorize}
		for i := range rows {
			if err := imp.guarded(ctx, &rows[i]); err != nil {
				if errs.CodeOf(err) == errs.Internal {
					return err
				}
				rep.Problems = append(rep.Problems, problemsOf(rows[i].Line, err)...)
				rep.Skipped++
			}
		}
		if len(rep.Problems) > 0 && !skipInvalid {
			return errs.E(errs.Invalid, "import.has_problems", len(rep.Problems))
		}
		return record(ctx, c, "need.import", accounts.Resource{Kind: accounts.KindNeed, ID: "import"},
			map[string]any{"rows": rep.Rows, "created": rep.Created, "updated": rep.Updated, "skipped": rep.Skipped,
				"streets": rep.CreatedStreets, "communities": rep.CreatedCommunities})
	})
	if err != nil {
		return rep, err
	}
	rep.Committed = true
	return rep, nil
}

type projectImporter struct {
	importer
	rules procurement.Rules
	guess procurement.Guesser
}

// guarded imports one project inside a savepoint, so a row that fails
// half-way leaves nothing behind (not even a street it created).
func (m *projectImporter) guarded(ctx context.Context, row *projectfile.ProjectRow) error {
	return m.inSavepoint(ctx, func() error { return m.row(ctx, row) })
}

// pastProject is one past project as written: the need and what it was awarded,
// contracted and accepted with.
type pastProject struct {
	key       string
	need      *procurement.Need
	org       *registry.Organization
	start     time.Time // award and contract signature
	end       time.Time // completion and acceptance
	duration  int
	rating    any // the source's average, or NULL
	published any // the day it was put out to tender, or NULL
}

func (m *projectImporter) row(ctx context.Context, row *projectfile.ProjectRow) error {
	if len(row.Problems) > 0 {
		var l errs.List
		for _, p := range row.Problems {
			l.Add(p.Field, p.Key, p.Args...)
		}
		return l.Err()
	}
	c := m.c
	// Validate before creating places, so a bad row leaves no new street behind.
	n := &procurement.Need{Title: row.Title, Description: row.Description, CommunityID: "pending", BudgetFen: row.BudgetFen,
		Procedure: procurement.Open, Criteria: procurement.DefaultCriteria()}
	n.ResolveCategory(m.guess) // guessed from the text, with its confidence
	var l errs.List
	if row.Key == "" {
		l.Add("key", "field.required")
	}
	if err := n.Validate(m.rules); err != nil {
		l = append(l, errs.Fields(err)...)
	}
	if row.Org == "" {
		l.Add("org", "field.required")
	}
	if row.DurationDays == 0 {
		l.Add("duration_days", "field.required")
	}
	if row.Completed.IsZero() {
		l.Add("completed", "field.required")
	} else if row.Completed.After(c.now) {
		l.Add("completed", "date.future")
	}
	if !row.Published.IsZero() && !row.Completed.IsZero() && row.Published.After(row.Completed.AddDate(0, 0, -row.DurationDays)) {
		l.Add("published", "project.published_after_start") // tendered before the contract began
	}
	if err := l.Err(); err != nil {
		return err
	}
	org, err := findOrg(ctx, c, `o.source_key = ?`, row.Org)
	if errs.Is(err, errs.NotFound) {
		return errs.Field("org", "project.org_unknown", row.Org)
	}
	if err != nil {
		return err
	}
	if n.Category == "" { // nothing in the text: the organization's own, as a weak guess
		n.Category, n.CategoryConfidence = org.Category, 0
	}
	if n.StreetID, err = m.streetID(ctx, row.Street); err != nil {
		return err
	}
	// A project for a whole street or town has no community (CommunityID "").
	n.CommunityID = ""
	if strings.TrimSpace(row.Community) != "" {
		if n.CommunityID, err = m.communityID(ctx, n.StreetID, row.Community); err != nil {
			return err
		}
	}
	end := row.Completed.UTC()
	p := &pastProject{key: row.Key, need: n, org: org, start: end.AddDate(0, 0, -row.DurationDays), end: end,
		duration: row.DurationDays}
	if row.Rating > 0 {
		p.rating = row.Rating
	}
	if !row.Published.IsZero() {
		p.published = row.Published.UTC()
	}
	var id string
	var status procurement.Status
	err = c.row(ctx, `SELECT id, status FROM needs WHERE source_key = ?`, row.Key).Scan(&id, &status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return m.create(ctx, p)
	case err != nil:
		return err
	case status != procurement.Closed:
		return errs.Field("key", "project.key_taken", row.Key)
	}
	return m.update(ctx, id, p)
}

func (m *projectImporter) create(ctx context.Context, p *pastProject) error {
	c, n := m.c, p.need
	by := ""
	n.CommunityDrafted = false
	if a := accounts.ActorFrom(ctx); a != nil {
		by, n.CommunityDrafted = a.ID, procurement.DraftedByCommunity(n, a)
	}
	n.ID, n.Status, n.AwardedOrgID, n.AwardedAt, n.CreatedBy = newID(), procurement.Closed, p.org.ID, p.start, by
	prop := &procurement.Proposal{ID: newID(), NeedID: n.ID, OrgID: p.org.ID, Summary: n.Title, Plan: n.Description,
		PriceFen: n.BudgetFen, DurationDays: p.duration, SubmittedAt: p.start}
	n.AwardedProposalID = prop.ID
	// No deadline and no objection period: the tender happened elsewhere.
	if _, err := c.exec(ctx, `INSERT INTO needs (id, source_key, title, description, street_id, community_id, category,
		category_source, category_confidence, budget_fen, procedure, status, objection_days, awarded_at, awarded_org_id,
		awarded_proposal_id, created_by, drafted_by_community, created_at, updated_at, published_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)`, n.ID, p.key, n.Title, n.Description, n.StreetID,
		nullStr(n.CommunityID), n.Category, n.CategorySource, n.CategoryConfidence, n.BudgetFen, n.Procedure, n.Status, p.start, n.AwardedOrgID, n.AwardedProposalID, by,
		n.CommunityDrafted, c.now, c.now, p.published); err != nil {
		return err
	}
	if _, err := c.exec(ctx, `INSERT INTO proposals (id, need_id, org_id, summary, plan, team, price_fen, duration_days, status,
		needs_reconfirm, receipt, idempotency_key, submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?)`,
		prop.ID, n.ID, prop.OrgID, prop.Summary, prop.Plan, prop.PriceFen, prop.DurationDays, procurement.ProposalAwarded,
		false, prop.ComputeReceipt(), "import:"+p.key, by, p.start); err != nil {
		return err
	}
	if _, err := c.exec(ctx, `INSERT INTO awards (need_id, proposal_id, org_id, amount_fen, reason, decided_by, decided_at)
		VALUES (?, ?, ?, ?, '', ?, ?)`, n.ID, prop.ID, p.org.ID, n.BudgetFen, by, p.start); err != nil {
		return err
	}
	if _, err := c.exec(ctx, `INSERT INTO contracts (need_id, amount_fen, start_at, end_at, amendment, signed_by, signed_at)
		VALUES (?, ?, ?, ?, '', ?, ?)`, n.ID, n.BudgetFen, p.start, p.end, by, p.start); err != nil {
		return err
	}
	ms := &procurement.Milestone{ID: newID(), NeedID: n.ID, Position: 1, Title: n.Title, Due: p.end, AmountFen: n.BudgetFen,
		Status: procurement.MilestoneAccepted}
	if err := insertMilestone(ctx, c, ms); err != nil {
		return err
	}
	if _, err := c.exec(ctx, `INSERT INTO acceptances (need_id, result, comment, by_user, at, imported_rating)
		VALUES (?, 'passed', '', ?, ?, ?)`, n.ID, by, p.end, p.rating); err != nil {
		return err
	}
	if err := needEvent(ctx, c, n, "import", "", procurement.Closed, p.key); err != nil {
		return err
	}
	m.rep.Created++
	return nil
}

// update rewrites an imported project from a newer copy of its line. The
// need keeps its id, so residents' ratings and links stay attached.
func (m *projectImporter) update(ctx context.Context, id string, p *pastProject) error {
	c, n := m.c, p.need
	old, err := findNeed(ctx, c, id)
	if err != nil {
		return err
	}
	n.ID, n.AwardedProposalID = id, old.AwardedProposalID
	if old.CategorySource == procurement.CategoryStaff { // staff corrected it since: their choice stays
		n.Category, n.CategorySource, n.CategoryConfidence = old.Category, old.CategorySource, old.CategoryConfidence
	}
	prop := &procurement.Proposal{ID: old.AwardedProposalID, NeedID: id, OrgID: p.org.ID, Summary: n.Title, Plan: n.Description,
		PriceFen: n.BudgetFen, DurationDays: p.duration, SubmittedAt: p.start}
	steps := []struct {
		q    string
		args []any
	}{
		{`UPDATE needs SET title = ?, description = ?, street_id = ?, community_id = ?, category = ?, category_source = ?,
			category_confidence = ?, budget_fen = ?, awarded_org_id = ?, awarded_at = ?, updated_at = ?,
			published_at = COALESCE(?, published_at) WHERE id = ?`,
			[]any{n.Title, n.Description, n.StreetID, nullStr(n.CommunityID), n.Category, n.CategorySource,
				n.CategoryConfidence, n.BudgetFen, p.org.ID, p.start, c.now, p.published, id}},
		{`UPDATE proposals SET org_id = ?, summary = ?, plan = ?, price_fen = ?, duration_days = ?, receipt = ?, submitted_at = ?
			WHERE id = ? AND need_id = ?`, []any{prop.OrgID, prop.Summary, prop.Plan, prop.PriceFen, prop.DurationDays,
			prop.ComputeReceipt(), p.start, prop.ID, id}},
		{`UPDATE awards SET org_id = ?, amount_fen = ?, decided_at = ? WHERE need_id = ? AND proposal_id = ?`,
			[]any{p.org.ID, n.BudgetFen, p.start, id, prop.ID}},
		{`UPDATE contracts SET amount_fen = ?, start_at = ?, end_at = ?, signed_at = ? WHERE need_id = ?`,
			[]any{n.BudgetFen, p.start, p.end, p.start, id}},
		{`UPDATE milestones SET title = ?, due = ?, amount_fen = ? WHERE need_id = ? AND position = 1`,
			[]any{n.Title, p.end, n.BudgetFen, id}},
		{`UPDATE acceptances SET at = ?, imported_rating = ? WHERE need_id = ?`, []any{p.end, p.rating, id}},
	}
	for _, st := range steps {
		res, err := c.exec(ctx, st.q, st.args...)
		if err != nil {
			return err
		}
		// A closed need with this key that was not imported lacks these rows: leave it alone.
		if k, err := res.RowsAffected(); err != nil || k != 1 {
			return errs.Field("key", "project.key_taken", p.key)
		}
	}
	m.rep.Updated++
	return record(ctx, c, "need.import_update", n.Resource(), map[string]any{"key": p.key, "title": n.Title,
		"old_title": old.Title, "budget_fen": n.BudgetFen, "old_budget_fen": old.BudgetFen, "org": p.org.ID,
		"old_org": old.AwardedOrgID, "rating": p.rating})
}
