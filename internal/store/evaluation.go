package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/text"
)

// findPanel loads a need's reviewers with their declarations.
func findPanel(ctx context.Context, c conn, needID string) ([]procurement.PanelMember, error) {
	return once(ctx, c, "panel:"+needID, func() ([]procurement.PanelMember, error) { return readPanel(ctx, c, needID) },
		slices.Clone[[]procurement.PanelMember])
}

func readPanel(ctx context.Context, c conn, needID string) ([]procurement.PanelMember, error) {
	rows, err := c.query(ctx, `SELECT m.need_id, m.user_id, u.name, m.declared, m.conflicted, m.statement, m.assigned_at,
		m.declared_at FROM panel_members m JOIN users u ON u.id = m.user_id WHERE m.need_id = ? ORDER BY m.assigned_at, m.user_id`, needID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []procurement.PanelMember
	for rows.Next() {
		var m procurement.PanelMember
		var declared sql.NullTime
		if err := rows.Scan(&m.NeedID, &m.UserID, &m.Name, &m.Declared, &m.Conflicted, &m.Statement, &m.AssignedAt,
			&declared); err != nil {
			return nil, err
		}
		m.AssignedAt = m.AssignedAt.UTC()
		if declared.Valid {
			m.DeclaredAt = declared.Time.UTC()
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// runsTender reports whether actor holds the need's street or community, or is a
// platform admin: the people who run the tender.
func runsTender(actor *accounts.User, n *procurement.Need) bool {
	res := n.Resource()
	return actor.Holds(accounts.StreetStaff, res) || actor.Holds(accounts.CommunityStaff, res) ||
		actor.Holds(accounts.PlatformAdmin, res)
}

// denied is the error for someone who may not do something: sign in first,
// or forbidden.
func denied(actor *accounts.User) error {
	if actor == nil {
		return errs.E(errs.Unauthorized, "auth.required")
	}
	return errs.E(errs.Forbidden, "auth.forbidden")
}

// AssignPanel names reviewers for a need (the street, while published or
// evaluating). Each user must hold the reviewer role. Reviewers already on
// the panel keep their declaration; the new ones are told.
func (s *Store) AssignPanel(ctx context.Context, needID string, reviewerUserIDs []string) error {
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		t, err := procurement.Step(n, procurement.ActAssignPanel, actor, c.now)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		var ids []string
		for _, id := range reviewerUserIDs {
			if id = strings.TrimSpace(id); id != "" && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			return errs.Field("reviewers", "panel.empty")
		}
		for _, id := range ids {
			u, err := findUser(ctx, c, `id = ?`, id)
			if errs.Is(err, errs.NotFound) || (err == nil && (u.Disabled || !u.Has(accounts.Reviewer))) {
				return errs.Field("reviewers", "panel.not_reviewer")
			}
			if err != nil {
				return err
			}
		}
		var added []string
		for _, id := range ids {
			res, err := c.exec(ctx, `INSERT INTO panel_members (need_id, user_id, assigned_at) VALUES (?, ?, ?)
				ON CONFLICT (need_id, user_id) DO NOTHING`, n.ID, id, c.now)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k > 0 {
				added = append(added, id)
			}
		}
		if len(added) == 0 {
			return nil
		}
		if err := notify(ctx, c, added, n.ID, "panel_assigned", n.Title); err != nil {
			return err
		}
		// Who reviews is not public while the evaluation runs: the count only.
		if err := needEvent(ctx, c, n, string(procurement.ActAssignPanel), t.From, t.To, strconv.Itoa(len(added))); err != nil {
			return err
		}
		return record(ctx, c, "need.assign_panel", n.Resource(), map[string]any{"reviewers": added})
	})
}

// DeclareInterest records the actor's own declaration of interests as a
// reviewer on the need's panel: once, for good. A conflict needs a statement.
func (s *Store) DeclareInterest(ctx context.Context, needID string, conflicted bool, statement string) error {
	actor := accounts.ActorFrom(ctx)
	if actor == nil {
		return errs.E(errs.Unauthorized, "auth.required")
	}
	return s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		panel, err := findPanel(ctx, c, n.ID)
		if err != nil {
			return err
		}
		var me *procurement.PanelMember
		for i := range panel {
			if panel[i].UserID == actor.ID {
				me = &panel[i]
			}
		}
		if me == nil {
			return errs.E(errs.Forbidden, "score.not_on_panel")
		}
		if me.Declared {
			return errs.E(errs.Conflict, "panel.already_declared")
		}
		if st := n.EffectiveStatus(c.now); st != procurement.Published && st != procurement.Evaluating {
			return errs.E(errs.Conflict, "panel.closed")
		}
		statement = strings.TrimSpace(statement)
		switch k := utf8.RuneCountInString(statement); {
		case conflicted && k < 5:
			return errs.Field("statement", "panel.statement_required")
		case k > 500:
			return errs.Field("statement", "field.too_long", 500)
		case k == 0:
			statement = "无利益冲突"
		}
		res, err := c.exec(ctx, `UPDATE panel_members SET declared = ?, conflicted = ?, statement = ?, declared_at = ?
			WHERE need_id = ? AND user_id = ? AND declared = ?`, true, conflicted, statement, c.now, n.ID, actor.ID, false)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return errs.E(errs.Conflict, "panel.already_declared")
		}
		note := "no_conflict"
		if conflicted {
			note = "conflicted"
		}
		// The timeline does not name reviewers.
		if err := sealedEvent(ctx, c, n, "interest_declared", note); err != nil {
			return err
		}
		return record(ctx, c, "need.declare_interest", n.Resource(), map[string]any{"conflicted": conflicted,
			"statement": statement})
	})
}

// findScores loads every score of a need.
func findScores(ctx context.Context, c conn, needID string) ([]procurement.Score, error) {
	rows, err := c.query(ctx, `SELECT need_id, proposal_id, reviewer_id, criterion_id, points, comment FROM scores
		WHERE need_id = ? ORDER BY reviewer_id, proposal_id, criterion_id`, needID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []procurement.Score
	for rows.Next() {
		var sc procurement.Score
		if err := rows.Scan(&sc.NeedID, &sc.ProposalID, &sc.ReviewerID, &sc.CriterionID, &sc.Points, &sc.Comment); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// SubmitScores saves the actor's complete score sheet for a need — every
// criterion of every live proposal — replacing their earlier sheet. Only a
// declared, unconflicted reviewer of the panel, while the need is evaluated.
func (s *Store) SubmitScores(ctx context.Context, needID string, scores []procurement.Score) error {
	actor := accounts.ActorFrom(ctx)
	return s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		panel, err := findPanel(ctx, c, n.ID)
		if err != nil {
			return err
		}
		if err := procurement.CanReview(n, panel, actor, c.now); err != nil {
			return err
		}
		all, err := listProposals(ctx, c, n.ID)
		if err != nil {
			return err
		}
		props := liveProposals(all, procurement.ProposalSubmitted)
		sheet := make([]procurement.Score, len(scores))
		copy(sheet, scores)
		if err := procurement.ValidateScores(n, props, sheet); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM scores WHERE need_id = ? AND reviewer_id = ?`, n.ID, actor.ID); err != nil {
			return err
		}
		for _, sc := range sheet {
			if _, err := c.exec(ctx, `INSERT INTO scores (need_id, proposal_id, reviewer_id, criterion_id, points, comment, scored_at)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, n.ID, sc.ProposalID, actor.ID, sc.CriterionID, sc.Points, sc.Comment, c.now); err != nil {
				return err
			}
		}
		if err := sealedEvent(ctx, c, n, "scores_submitted", ""); err != nil {
			return err
		}
		return record(ctx, c, "need.score", n.Resource(), map[string]any{"scores": len(sheet), "proposals": len(props)})
	})
}

// FindPanel lists a need's reviewers and their declarations: for the
// street, the community, platform admins and the panel itself.
func (s *Store) FindPanel(ctx context.Context, needID string) ([]procurement.PanelMember, error) {
	actor := accounts.ActorFrom(ctx)
	c := s.read()
	n, err := loadVisibleNeed(ctx, c, needID, actor)
	if err != nil {
		return nil, s.translate(err)
	}
	panel, err := findPanel(ctx, c, n.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	onPanel := false
	for _, m := range panel {
		onPanel = onPanel || (actor != nil && !actor.Disabled && m.UserID == actor.ID)
	}
	if !runsTender(actor, n) && !onPanel {
		return nil, denied(actor)
	}
	return panel, nil
}

// Ranking is the weighted ranking of a need's live proposals: for the
// street, the community, platform admins and the declared, unconflicted
// reviewers of the panel, once the proposals are opened.
func (s *Store) Ranking(ctx context.Context, needID string) ([]procurement.Ranked, error) {
	actor := accounts.ActorFrom(ctx)
	c := s.read()
	n, err := loadVisibleNeed(ctx, c, needID, actor)
	if err != nil {
		return nil, s.translate(err)
	}
	panel, err := findPanel(ctx, c, n.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	if !runsTender(actor, n) && !procurement.OnPanel(panel, actor) {
		return nil, denied(actor)
	}
	if !n.Opened(c.now) {
		return nil, errs.E(errs.Conflict, "proposal.sealed")
	}
	all, err := listProposals(ctx, c, n.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	scores, err := findScores(ctx, c, n.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	// A reviewer scores on their own: the others' totals only once their
	// sheet is in (it is saved whole, so one score of theirs is all of it).
	if !runsTender(actor, n) && !slices.ContainsFunc(scores, func(x procurement.Score) bool { return x.ReviewerID == actor.ID }) {
		return nil, errs.E(errs.Forbidden, "eval.ranking_after_scores")
	}
	props := liveProposals(all, procurement.ProposalSubmitted, procurement.ProposalAwarded, procurement.ProposalNotAwarded)
	for i, p := range props {
		props[i] = redactFor(actor, n, p)
	}
	return procurement.Rank(n, props, scores), nil
}

// fullySheeted reports whether at least one reviewer scored every criterion
// of the proposal.
func fullySheeted(ctx context.Context, c conn, n *procurement.Need, proposalID string) (bool, error) {
	var k int
	err := c.row(ctx, `SELECT COUNT(*) FROM (SELECT reviewer_id FROM scores WHERE need_id = ? AND proposal_id = ?
		GROUP BY reviewer_id HAVING COUNT(*) = ?) full_sheets`, n.ID, proposalID, len(n.Criteria)).Scan(&k)
	return k > 0, err
}

// AwardNeed awards an evaluated need to one live proposal with a written
// reason (the street). The amount is the proposal's price, never above the
// budget. The winner and the other bidders are told; the timeline names the
// winner — public from now on — and the objection period begins.
func (s *Store) AwardNeed(ctx context.Context, needID, proposalID, reason string) (*procurement.Award, error) {
	actor := accounts.ActorFrom(ctx)
	var out *procurement.Award
	err := s.tx(ctx, func(c conn) error {
		if err := s.lockNeed(ctx, &c, needID); err != nil {
			return err
		}
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		t, err := procurement.Step(n, procurement.ActAward, actor, c.now)
		if err != nil {
			return err
		}
		from := n.EffectiveStatus(c.now)
		p, err := findProposal(ctx, c, `p.id = ? AND p.need_id = ?`, proposalID, n.ID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		scored := false
		if p != nil {
			if scored, err = fullySheeted(ctx, c, n, p.ID); err != nil {
				return err
			}
		}
		if err := procurement.CheckAward(n, p, reason, scored); err != nil {
			return err
		}
		a := &procurement.Award{NeedID: n.ID, ProposalID: p.ID, OrgID: p.OrgID, OrgName: p.OrgName, AmountFen: p.PriceFen,
			Reason: strings.TrimSpace(reason), DecidedBy: actor.ID, DecidedAt: c.now}
		n.Status, n.AwardedAt, n.AwardedOrgID, n.AwardedProposalID, n.UpdatedAt = t.To, c.now, p.OrgID, p.ID, c.now
		if _, err := c.exec(ctx, `UPDATE needs SET status = ?, awarded_at = ?, awarded_org_id = ?, awarded_proposal_id = ?,
			updated_at = ? WHERE id = ?`, n.Status, c.now, p.OrgID, p.ID, c.now, n.ID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE proposals SET status = 'awarded' WHERE id = ?`, p.ID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE proposals SET status = 'not_awarded' WHERE need_id = ? AND status = 'submitted'`, n.ID); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO awards (need_id, proposal_id, org_id, amount_fen, reason, decided_by, decided_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, a.NeedID, a.ProposalID, a.OrgID, a.AmountFen, a.Reason, a.DecidedBy, a.DecidedAt); err != nil {
			return err
		}
		winners, err := usersWithRole(ctx, c, accounts.OrgAdmin, p.OrgID)
		if err != nil {
			return err
		}
		if err := notify(ctx, c, winners, n.ID, "awarded", n.Title, p.OrgName); err != nil {
			return err
		}
		losers, err := queryIDs(ctx, c, `SELECT DISTINCT org_id FROM proposals WHERE need_id = ? AND status = 'not_awarded'`, n.ID)
		if err != nil {
			return err
		}
		if err := notifyOrgAdmins(ctx, c, losers, n.ID, "not_awarded", n.Title, p.OrgName); err != nil {
			return err
		}
		if err := needEvent(ctx, c, n, string(procurement.ActAward), from, n.Status, p.OrgName); err != nil {
			return err
		}
		out = a
		return record(ctx, c, "need.award", n.Resource(), map[string]any{"proposal_id": p.ID, "org_id": p.OrgID,
			"org": p.OrgName, "amount_fen": a.AmountFen, "reason": a.Reason})
	})
	return out, err
}

// FindAward returns a need's award decision (public once awarded).
func (s *Store) FindAward(ctx context.Context, needID string) (*procurement.Award, error) {
	c := s.read()
	n, err := findNeed(ctx, c, needID)
	if err != nil {
		return nil, s.translate(err)
	}
	if !procurement.CanView(n, accounts.ActorFrom(ctx)) {
		return nil, notFound("need")
	}
	a := &procurement.Award{}
	err = c.row(ctx, `SELECT a.need_id, a.proposal_id, a.org_id, o.name, a.amount_fen, a.reason, a.decided_by, a.decided_at
		FROM awards a JOIN organizations o ON o.id = a.org_id WHERE a.need_id = ?`, n.ID).
		Scan(&a.NeedID, &a.ProposalID, &a.OrgID, &a.OrgName, &a.AmountFen, &a.Reason, &a.DecidedBy, &a.DecidedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("award")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	a.DecidedAt = a.DecidedAt.UTC()
	return a, nil
}

// FileObjection files an objection to an award in its objection period
// (anyone signed in). The street is told; the timeline does not name the filer.
func (s *Store) FileObjection(ctx context.Context, needID, text string) (*procurement.Objection, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	var out *procurement.Objection
	err := s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		if err := procurement.CheckObjection(n, text, c.now); err != nil {
			return err
		}
		o := &procurement.Objection{ID: newID(), NeedID: n.ID, UserID: actor.ID, Text: strings.TrimSpace(text), FiledAt: c.now}
		if _, err := c.exec(ctx, `INSERT INTO objections (id, need_id, user_id, text, filed_at) VALUES (?, ?, ?, ?, ?)`,
			o.ID, o.NeedID, o.UserID, o.Text, o.FiledAt); err != nil {
			return err
		}
		if err := sealedEvent(ctx, c, n, "objection_filed", ""); err != nil {
			return err
		}
		staff, err := usersWithRole(ctx, c, accounts.StreetStaff, n.StreetID)
		if err != nil {
			return err
		}
		if err := notify(ctx, c, staff, n.ID, "objection_filed", n.Title); err != nil {
			return err
		}
		out = o
		return record(ctx, c, "need.objection", n.Resource(), map[string]any{"objection_id": o.ID})
	})
	return out, err
}

// AnswerObjection answers an objection publicly (the need's street). The
// filer is told.
func (s *Store) AnswerObjection(ctx context.Context, objectionID, answer string) (*procurement.Objection, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	var out *procurement.Objection
	err := s.tx(ctx, func(c conn) error {
		o, err := findObjection(ctx, c, objectionID)
		if err != nil {
			return err
		}
		n, err := findNeed(ctx, c, o.NeedID)
		if err != nil {
			return err
		}
		if !actor.Holds(accounts.StreetStaff, n.Resource()) {
			return errs.E(errs.Forbidden, "auth.forbidden")
		}
		if _, err := procurement.Step(n, procurement.ActAnswer, actor, c.now); err != nil {
			return err
		}
		if !o.AnsweredAt.IsZero() {
			return errs.E(errs.Conflict, "objection.answered")
		}
		answer = strings.TrimSpace(answer)
		switch k := utf8.RuneCountInString(answer); {
		case text.Len(answer) < 5:
			return errs.Field("answer", "field.too_short", 5)
		case k > 2000:
			return errs.Field("answer", "field.too_long", 2000)
		}
		res, err := c.exec(ctx, `UPDATE objections SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ? AND answered_at IS NULL`,
			answer, actor.ID, c.now, o.ID)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return errs.E(errs.Conflict, "objection.answered")
		}
		o.Answer, o.AnsweredAt = answer, c.now
		if err := needEvent(ctx, c, n, "objection_answered", n.Status, n.Status, ""); err != nil {
			return err
		}
		if err := notify(ctx, c, []string{o.UserID}, n.ID, "objection_answered", n.Title); err != nil {
			return err
		}
		out = o
		return record(ctx, c, "need.objection_answer", n.Resource(), map[string]any{"objection_id": o.ID})
	})
	return out, err
}

// PublicObjection is an objection as the need's page shows it: the filer's
// name masked (张**), never the phone.
type PublicObjection struct {
	procurement.Objection
	Filer string
}

const objectionSelect = `SELECT b.id, b.need_id, b.user_id, u.name, b.text, b.answer, b.filed_at, b.answered_at
	FROM objections b JOIN users u ON u.id = b.user_id`

func scanObjection(sc interface{ Scan(...any) error }) (*PublicObjection, error) {
	o := &PublicObjection{}
	var name string
	var answered sql.NullTime
	err := sc.Scan(&o.ID, &o.NeedID, &o.UserID, &name, &o.Text, &o.Answer, &o.FiledAt, &answered)
	o.Filer, o.FiledAt = accounts.MaskName(name), o.FiledAt.UTC()
	if answered.Valid {
		o.AnsweredAt = answered.Time.UTC()
	}
	return o, err
}

func findObjection(ctx context.Context, c conn, id string) (*procurement.Objection, error) {
	o, err := scanObjection(c.row(ctx, objectionSelect+` WHERE b.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("objection")
	}
	if err != nil {
		return nil, err
	}
	return &o.Objection, nil
}

// FindObjections lists a need's objections and answers, oldest first:
// public, the filer masked. The user id is kept only for the filer
// themself, the need's street and platform admins.
func (s *Store) FindObjections(ctx context.Context, needID string) ([]*PublicObjection, error) {
	actor := accounts.ActorFrom(ctx)
	c := s.read()
	n, err := findNeed(ctx, c, needID)
	if err != nil {
		return nil, s.translate(err)
	}
	if !procurement.CanView(n, actor) {
		return nil, notFound("need")
	}
	rows, err := c.query(ctx, objectionSelect+` WHERE b.need_id = ? ORDER BY b.filed_at, b.id`, n.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	staff := actor.Holds(accounts.StreetStaff, n.Resource()) || actor.Holds(accounts.PlatformAdmin, n.Resource())
	out := []*PublicObjection{}
	for rows.Next() {
		o, err := scanObjection(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		if !staff && (actor == nil || actor.ID != o.UserID) {
			o.UserID = ""
		}
		out = append(out, o)
	}
	return out, s.translate(rows.Err())
}

// openObjections counts a need's unanswered objections (the contract waits for none).
func openObjections(ctx context.Context, c conn, needID string) (int, error) {
	var k int
	err := c.row(ctx, `SELECT COUNT(*) FROM objections WHERE need_id = ? AND answered_at IS NULL`, needID).Scan(&k)
	return k, err
}
