package store

import (
	"context"
	"time"
)

// AwardForDeliveryTest awards needID to orgID at amountFen as of at, with raw
// SQL (the award flow lives in evaluation.go): a proposal, the award row,
// and the need moved to awarded. Test builds only.
func (s *Store) AwardForDeliveryTest(ctx context.Context, needID, orgID string, amountFen int64, at time.Time) error {
	return s.tx(ctx, func(c conn) error {
		pid := newID()
		if _, err := c.exec(ctx, `INSERT INTO proposals (id, need_id, org_id, summary, plan, team, price_fen, duration_days,
			status, needs_reconfirm, receipt, idempotency_key, submitted_by, submitted_at)
			VALUES (?, ?, ?, 'test proposal', 'test plan', '', ?, 30, 'awarded', ?, 'test', ?, 'test', ?)`,
			pid, needID, orgID, amountFen, false, "test:"+pid, at); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO awards (need_id, proposal_id, org_id, amount_fen, reason, decided_by, decided_at)
			VALUES (?, ?, ?, ?, 'test award reason', 'test', ?)`, needID, pid, orgID, amountFen, at); err != nil {
			return err
		}
		_, err := c.exec(ctx, `UPDATE needs SET status = 'awarded', awarded_org_id = ?, awarded_proposal_id = ?, awarded_at = ?,
			updated_at = ? WHERE id = ?`, orgID, pid, at, at, needID)
		return err
	})
}

// ObjectionForDeliveryTest files an objection by userID against needID's
// award, answered when answer is not empty. Test builds only.
func (s *Store) ObjectionForDeliveryTest(ctx context.Context, needID, userID, answer string) (string, error) {
	id := newID()
	err := s.tx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO objections (id, need_id, user_id, text, answer, filed_at) VALUES (?, ?, ?, ?, ?, ?)`,
			id, needID, userID, "定标理由不充分，请说明评分依据", answer, c.now)
		return err
	})
	return id, err
}

// AnswerObjectionForDeliveryTest answers an objection. Test builds only.
func (s *Store) AnswerObjectionForDeliveryTest(ctx context.Context, id, answer string) error {
	return s.tx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `UPDATE objections SET answer = ?, answered_at = ? WHERE id = ?`, answer, c.now, id)
		return err
	})
}

// ProposalDocumentForDeliveryTest submits a proposal for orgID with one
// attached document, as the proposal flow will, and returns the document's
// id. Test builds only.
func (s *Store) ProposalDocumentForDeliveryTest(ctx context.Context, needID, orgID string, content []byte) (string, error) {
	id, pid := newID(), newID()
	err := s.tx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `INSERT INTO proposals (id, need_id, org_id, summary, plan, team, price_fen, duration_days,
			status, needs_reconfirm, receipt, idempotency_key, submitted_by, submitted_at)
			VALUES (?, ?, ?, 'test proposal', 'test plan', '', 100, 30, 'submitted', ?, 'test', ?, 'test', ?)`,
			pid, needID, orgID, false, "test:"+pid, c.now); err != nil {
			return err
		}
		_, err := c.exec(ctx, `INSERT INTO documents (id, need_id, owner_kind, owner_id, name, mime_type, size, sha256, content,
			uploaded_by, uploaded_at) VALUES (?, ?, 'proposal', ?, 'plan.pdf', 'application/pdf', ?, 'x', ?, 'test', ?)`,
			id, needID, pid, len(content), content, c.now)
		return err
	})
	return id, err
}

// SetOrgKeyForDeliveryTest gives an organization a source key, as if it had
// been imported. Test builds only.
func (s *Store) SetOrgKeyForDeliveryTest(ctx context.Context, orgID, key string) error {
	return s.tx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `UPDATE organizations SET source_key = ? WHERE id = ?`, key, orgID)
		return err
	})
}
