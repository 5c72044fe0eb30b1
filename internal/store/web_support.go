package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

// Read models the web pages need beside the domain files: the reviewers a
// street may name, a person's own notifications, proposals and panels, and
// a reviewer's own score sheet.

// Reviewer is a user holding the reviewer role, as a street sees them when
// naming a panel: a name, never a phone number.
type Reviewer struct {
	ID   string
	Name string
}

// FindReviewers lists the enabled users holding the reviewer role, by name:
// for street staff (and platform admins) naming a panel.
func (s *Store) FindReviewers(ctx context.Context) ([]Reviewer, error) {
	actor := accounts.ActorFrom(ctx)
	if !actor.Has(accounts.StreetStaff) && !actor.Holds(accounts.PlatformAdmin, accounts.Resource{}) {
		return nil, denied(actor)
	}
	rows, err := s.read().query(ctx, `SELECT DISTINCT u.id, u.name FROM users u JOIN grants g ON g.user_id = u.id
		WHERE g.role = ? AND NOT u.disabled ORDER BY u.name, u.id`, accounts.Reviewer)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []Reviewer
	for rows.Next() {
		var r Reviewer
		if err := rows.Scan(&r.ID, &r.Name); err != nil {
			return nil, s.translate(err)
		}
		out = append(out, r)
	}
	return out, s.translate(rows.Err())
}

// Notification is one in-app notice to the signed-in user: a kind and its
// arguments, turned into a sentence by the catalog (notification.<kind>).
type Notification struct {
	ID        string
	NeedID    string
	Link      string // the page it leads to: its need's, or the one it was written with ("" for none)
	Kind      string
	Args      []any // strings and int64s, in the order the kind's sentence takes them
	CreatedAt time.Time
	ReadAt    time.Time
}

// Unread reports whether the notification has not been marked read.
func (n Notification) Unread() bool { return n.ReadAt.IsZero() }

// MaxNotifications bounds one page of notifications.
const MaxNotifications = 100

// FindNotifications returns the signed-in user's own notifications, newest
// first, with the total and the unread count.
func (s *Store) FindNotifications(ctx context.Context, page, perPage int) ([]Notification, int, int, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil || actor.ID == "" {
		return nil, 0, 0, errs.E(errs.Unauthorized, "auth.required")
	}
	c := s.read()
	var total, unread int
	if err := c.row(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END), 0)
		FROM notifications WHERE user_id = ?`, actor.ID).Scan(&total, &unread); err != nil {
		return nil, 0, 0, s.translate(err)
	}
	limit, offset := paging(page, perPage, MaxNotifications)
	rows, err := c.query(ctx, `SELECT id, COALESCE(need_id, ''), link, kind, args, created_at, read_at FROM notifications
		WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, actor.ID, limit, offset)
	if err != nil {
		return nil, 0, 0, s.translate(err)
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		var n Notification
		var args string
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.NeedID, &n.Link, &n.Kind, &args, &n.CreatedAt, &read); err != nil {
			return nil, 0, 0, s.translate(err)
		}
		n.CreatedAt = n.CreatedAt.UTC()
		if read.Valid {
			n.ReadAt = read.Time.UTC()
		}
		n.Args = decodeArgs(args)
		if n.Link == "" && n.NeedID != "" {
			n.Link = "/needs/" + n.NeedID
		}
		out = append(out, n)
	}
	return out, total, unread, s.translate(rows.Err())
}

// decodeArgs reads a notification's JSON arguments, numbers as int64 where
// they are whole (so "%d" formats them).
func decodeArgs(s string) []any {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var raw []any
	if err := d.Decode(&raw); err != nil {
		return nil
	}
	for i, v := range raw {
		if n, ok := v.(json.Number); ok {
			if k, err := n.Int64(); err == nil {
				raw[i] = k
			} else if f, err := n.Float64(); err == nil {
				raw[i] = f
			}
		}
	}
	return raw
}

// CountUnreadNotifications counts the signed-in user's unread notifications
// (0 when signed out).
func (s *Store) CountUnreadNotifications(ctx context.Context) (int, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil || actor.ID == "" {
		return 0, nil
	}
	var k int
	err := s.read().row(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, actor.ID).Scan(&k)
	return k, s.translate(err)
}

// MarkNotificationsRead marks the signed-in user's notifications read: the
// one with id, or every one when id is "". Another person's id changes nothing.
func (s *Store) MarkNotificationsRead(ctx context.Context, id string) error {
	actor := accounts.ActorFrom(ctx)
	if actor == nil || actor.ID == "" {
		return errs.E(errs.Unauthorized, "auth.required")
	}
	return s.tx(ctx, func(c conn) error {
		q := `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`
		args := []any{c.now, actor.ID}
		if id != "" {
			q += ` AND id = ?`
			args = append(args, id)
		}
		_, err := c.exec(ctx, q, args...)
		return err
	})
}

// OwnProposal is one of the signed-in person's organizations' proposals with
// the need it answers (enough of it to list and to compute the status at now).
type OwnProposal struct {
	Proposal *procurement.Proposal
	Need     *procurement.Need // ID, Title, Status, Deadline, AwardedProposalID
}

// FindOwnProposals lists the proposals of the organizations the signed-in
// person acts for, newest first (withdrawn ones included): their own, so
// sealing does not hide them.
func (s *Store) FindOwnProposals(ctx context.Context) ([]OwnProposal, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	var orgs []string
	for _, id := range actor.OrgIDs() {
		if procurement.CanSubmitFor(actor, id) {
			orgs = append(orgs, id)
		}
	}
	if len(orgs) == 0 {
		return nil, nil
	}
	args := make([]any, len(orgs))
	for i, id := range orgs {
		args[i] = id
	}
	rows, err := s.read().query(ctx, `SELECT p.id, p.need_id, p.org_id, o.name, p.summary, p.price_fen, p.duration_days,
		p.status, p.needs_reconfirm, p.receipt, p.submitted_at, n.title, n.status, n.deadline, COALESCE(n.awarded_proposal_id, '')
		FROM proposals p JOIN organizations o ON o.id = p.org_id JOIN needs n ON n.id = p.need_id
		WHERE p.org_id IN (`+placeholders(len(orgs))+`) ORDER BY p.submitted_at DESC, p.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []OwnProposal
	for rows.Next() {
		p, n := &procurement.Proposal{}, &procurement.Need{}
		var deadline sql.NullTime
		if err := rows.Scan(&p.ID, &p.NeedID, &p.OrgID, &p.OrgName, &p.Summary, &p.PriceFen, &p.DurationDays, &p.Status,
			&p.NeedsReconfirm, &p.Receipt, &p.SubmittedAt, &n.Title, &n.Status, &deadline, &n.AwardedProposalID); err != nil {
			return nil, s.translate(err)
		}
		p.SubmittedAt = p.SubmittedAt.UTC()
		n.ID, n.Deadline = p.NeedID, deadline.Time.UTC()
		out = append(out, OwnProposal{Proposal: p, Need: n})
	}
	return out, s.translate(rows.Err())
}

// FindPanelNeeds lists the needs whose panel the signed-in reviewer sits
// on, most recently assigned first.
func (s *Store) FindPanelNeeds(ctx context.Context) ([]*procurement.Need, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil || actor.ID == "" {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	c := s.read()
	rows, err := c.query(ctx, `SELECT need_id FROM panel_members WHERE user_id = ? ORDER BY assigned_at DESC, need_id LIMIT 200`, actor.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, s.translate(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.translate(err)
	}
	var out []*procurement.Need
	for _, id := range ids {
		n, err := findNeed(ctx, c, id)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, n)
	}
	return out, nil
}

// FindOwnScores returns the signed-in reviewer's own score sheet for a need
// (empty before they scored), to fill the form again.
func (s *Store) FindOwnScores(ctx context.Context, needID string) ([]procurement.Score, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil || actor.ID == "" {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	if _, err := s.FindNeedByID(ctx, needID); err != nil {
		return nil, err
	}
	rows, err := s.read().query(ctx, `SELECT need_id, proposal_id, reviewer_id, criterion_id, points, comment FROM scores
		WHERE need_id = ? AND reviewer_id = ? ORDER BY proposal_id, criterion_id`, needID, actor.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []procurement.Score
	for rows.Next() {
		var sc procurement.Score
		if err := rows.Scan(&sc.NeedID, &sc.ProposalID, &sc.ReviewerID, &sc.CriterionID, &sc.Points, &sc.Comment); err != nil {
			return nil, s.translate(err)
		}
		out = append(out, sc)
	}
	return out, s.translate(rows.Err())
}
