package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

const questionSelect = `SELECT q.id, q.need_id, COALESCE(q.org_id, ''), COALESCE(o.name, ''), q.text, q.answer, q.asked_at,
	q.answered_at FROM questions q LEFT JOIN organizations o ON o.id = q.org_id`

func scanQuestion(sc interface{ Scan(...any) error }) (*procurement.Question, error) {
	q := &procurement.Question{}
	var answered sql.NullTime
	err := sc.Scan(&q.ID, &q.NeedID, &q.OrgID, &q.OrgName, &q.Text, &q.Answer, &q.AskedAt, &answered)
	q.AskedAt = q.AskedAt.UTC()
	if answered.Valid {
		q.AnsweredAt = answered.Time.UTC()
	}
	return q, err
}

func findQuestion(ctx context.Context, c conn, id string) (*procurement.Question, error) {
	q, err := scanQuestion(c.row(ctx, questionSelect+` WHERE q.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("question")
	}
	return q, err
}

// staffOf lists the community and street staff of a need: the buyer, who
// answers its questions.
func staffOf(ctx context.Context, c conn, n *procurement.Need) ([]string, error) {
	comm, err := usersWithRole(ctx, c, accounts.CommunityStaff, n.CommunityID)
	if err != nil {
		return nil, err
	}
	street, err := usersWithRole(ctx, c, accounts.StreetStaff, n.StreetID)
	return append(comm, street...), err
}

// AskQuestion asks a public question on a published need for an
// organization the actor belongs to (orgID, or their only one), before the
// Q&A cut-off. The need's community and street staff are told.
func (s *Store) AskQuestion(ctx context.Context, needID, orgID, text string) (*procurement.Question, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	orgID, err := actingOrg(actor, orgID)
	if err != nil {
		return nil, err
	}
	var out *procurement.Question
	err = s.tx(ctx, func(c conn) error {
		n, err := loadVisibleNeed(ctx, c, needID, actor)
		if err != nil {
			return err
		}
		if !procurement.CanSubmitFor(actor, orgID) {
			return errs.E(errs.Forbidden, "auth.forbidden")
		}
		if err := procurement.CheckQuestion(n, text, c.now); err != nil {
			return err
		}
		o, err := findOrg(ctx, c, `o.id = ?`, orgID)
		if err != nil {
			return fieldErr("org_id", err)
		}
		q := &procurement.Question{ID: newID(), NeedID: n.ID, OrgID: o.ID, OrgName: o.Name, Text: strings.TrimSpace(text),
			AskedAt: c.now}
		if _, err := c.exec(ctx, `INSERT INTO questions (id, need_id, org_id, asked_by, text, asked_at) VALUES (?, ?, ?, ?, ?, ?)`,
			q.ID, q.NeedID, q.OrgID, actor.ID, q.Text, q.AskedAt); err != nil {
			return err
		}
		if err := needEvent(ctx, c, n, "question_asked", n.Status, n.Status, o.Name); err != nil {
			return err
		}
		staff, err := staffOf(ctx, c, n)
		if err != nil {
			return err
		}
		if err := notify(ctx, c, staff, n.ID, "question_asked", n.Title, o.Name); err != nil {
			return err
		}
		out = q
		return record(ctx, c, "need.question", n.Resource(), map[string]any{"question_id": q.ID, "org_id": o.ID})
	})
	return out, err
}

// AnswerQuestion answers a question publicly: community or street staff of
// the need, while the tender is open. The asking organization's admins are told.
func (s *Store) AnswerQuestion(ctx context.Context, questionID, answer string) (*procurement.Question, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	var out *procurement.Question
	err := s.tx(ctx, func(c conn) error {
		q, err := findQuestion(ctx, c, questionID)
		if err != nil {
			return err
		}
		n, err := findNeed(ctx, c, q.NeedID)
		if err != nil {
			return err
		}
		res := n.Resource()
		if !actor.Holds(accounts.StreetStaff, res) && !actor.Holds(accounts.CommunityStaff, res) {
			return errs.E(errs.Forbidden, "auth.forbidden")
		}
		if n.EffectiveStatus(c.now) != procurement.Published {
			return errs.E(errs.Conflict, "question.answer_closed")
		}
		if !q.AnsweredAt.IsZero() {
			return errs.E(errs.Conflict, "question.answered")
		}
		answer = strings.TrimSpace(answer)
		switch k := utf8.RuneCountInString(answer); {
		case k == 0:
			return errs.Field("answer", "field.required")
		case k > 2000:
			return errs.Field("answer", "field.too_long", 2000)
		}
		res2, err := c.exec(ctx, `UPDATE questions SET answer = ?, answered_by = ?, answered_at = ? WHERE id = ? AND answered_at IS NULL`,
			answer, actor.ID, c.now, q.ID)
		if err != nil {
			return err
		}
		if k, _ := res2.RowsAffected(); k == 0 {
			return errs.E(errs.Conflict, "question.answered")
		}
		q.Answer, q.AnsweredAt = answer, c.now
		if err := needEvent(ctx, c, n, "question_answered", n.Status, n.Status, ""); err != nil {
			return err
		}
		if q.OrgID != "" {
			admins, err := usersWithRole(ctx, c, accounts.OrgAdmin, q.OrgID)
			if err != nil {
				return err
			}
			if err := notify(ctx, c, admins, n.ID, "question_answered", n.Title); err != nil {
				return err
			}
		}
		out = q
		return record(ctx, c, "need.answer", n.Resource(), map[string]any{"question_id": q.ID})
	})
	return out, err
}

// FindQuestions lists a need's questions and answers, oldest first: public
// for anyone who may see the need. The asking organization is named once the
// proposals are opened, and before that only to the need's staff and to the
// asker itself (procurement.AskerShown).
func (s *Store) FindQuestions(ctx context.Context, needID string) ([]*procurement.Question, error) {
	c := s.read()
	n, err := findNeed(ctx, c, needID)
	if err != nil {
		return nil, s.translate(err)
	}
	actor := accounts.ActorFrom(ctx)
	if !procurement.CanView(n, actor) {
		return nil, notFound("need")
	}
	now := s.Now()
	rows, err := c.query(ctx, questionSelect+` WHERE q.need_id = ? ORDER BY q.asked_at, q.id`, n.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	out := []*procurement.Question{}
	for rows.Next() {
		q, err := scanQuestion(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		if !procurement.AskerShown(n, q.OrgID, actor, now) {
			q.OrgID, q.OrgName, q.Withheld = "", "", true
		}
		out = append(out, q)
	}
	return out, s.translate(rows.Err())
}

// askerKey finds the question behind a question_asked timeline line: the
// line is written in the question's transaction, by its asker, at its time.
type askerKey struct {
	userID string
	at     int64
}

// questionAskers maps a need's questions to their asking organizations.
func questionAskers(ctx context.Context, c conn, needID string) (map[askerKey]string, error) {
	rows, err := c.query(ctx, `SELECT asked_by, asked_at, COALESCE(org_id, '') FROM questions WHERE need_id = ?`, needID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[askerKey]string{}
	for rows.Next() {
		var k askerKey
		var at time.Time
		var org string
		if err := rows.Scan(&k.userID, &at, &org); err != nil {
			return nil, err
		}
		k.at = at.UnixNano()
		out[k] = org
	}
	return out, rows.Err()
}
