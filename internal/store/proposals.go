package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

const proposalSelect = `SELECT p.id, p.need_id, p.org_id, o.name, p.summary, p.plan, p.team, p.price_fen, p.duration_days,
	p.status, p.needs_reconfirm, p.receipt, p.idempotency_key, p.submitted_by, p.submitted_at, p.withdrawn_at
	FROM proposals p JOIN organizations o ON o.id = p.org_id`

// liveStatuses are the proposals that count: the public count and the
// proposals opened after the deadline (same set as needSelect counts).
const liveStatuses = `('submitted', 'awarded', 'not_awarded')`

func scanProposal(sc interface{ Scan(...any) error }) (*procurement.Proposal, error) {
	p := &procurement.Proposal{}
	var withdrawn sql.NullTime
	err := sc.Scan(&p.ID, &p.NeedID, &p.OrgID, &p.OrgName, &p.Summary, &p.Plan, &p.Team, &p.PriceFen, &p.DurationDays,
		&p.Status, &p.NeedsReconfirm, &p.Receipt, &p.IdempotencyKey, &p.SubmittedBy, &p.SubmittedAt, &withdrawn)
	p.SubmittedAt = p.SubmittedAt.UTC()
	if withdrawn.Valid {
		p.WithdrawnAt = withdrawn.Time.UTC()
	}
	return p, err
}

// findProposal loads one proposal (no visibility check).
func findProposal(ctx context.Context, c conn, where string, args ...any) (*procurement.Proposal, error) {
	p, err := scanProposal(c.row(ctx, proposalSelect+` WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("proposal")
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// listProposals loads every proposal of a need, withdrawn ones included,
// oldest first (no visibility check).
func listProposals(ctx context.Context, c conn, needID string) ([]*procurement.Proposal, error) {
	return once(ctx, c, "proposals:"+needID, func() ([]*procurement.Proposal, error) { return readProposals(ctx, c, needID) },
		func(ps []*procurement.Proposal) []*procurement.Proposal {
			out := make([]*procurement.Proposal, len(ps))
			for i, p := range ps {
				cp := *p
				out[i] = &cp
			}
			return out
		})
}

func readProposals(ctx context.Context, c conn, needID string) ([]*procurement.Proposal, error) {
	rows, err := c.query(ctx, proposalSelect+` WHERE p.need_id = ? ORDER BY p.submitted_at, p.id`, needID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*procurement.Proposal
	for rows.Next() {
		p, err := scanProposal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// liveProposals keeps the proposals of the given statuses.
func liveProposals(all []*procurement.Proposal, statuses ...procurement.ProposalStatus) []*procurement.Proposal {
	var out []*procurement.Proposal
	for _, p := range all {
		for _, st := range statuses {
			if p.Status == st {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// liveCount is the public number of proposals of a need.
func liveCount(ctx context.Context, c conn, needID string) (int, error) {
	var n int
	err := c.row(ctx, `SELECT COUNT(*) FROM proposals WHERE need_id = ? AND status IN `+liveStatuses, needID).Scan(&n)
	return n, err
}

// lockNeed serializes the writers of one tender. On PostgreSQL it takes the
// need's row lock (SELECT … FOR NO KEY UPDATE, held to commit; the NO KEY
// form still lets other transactions insert rows that reference the need,
// such as questions and notifications) and then reads the
// clock again, so the transactions of one need run one at a time in clock
// order: the idempotency look-up, the withdrawal of an organization's
// earlier proposal and the insert of its new one cannot interleave, the
// deadline is judged at the moment the need is ours (a submission that
// queued past the deadline is refused), and the last proposal accepted is
// the one with the latest time. We chose the lock over "partial unique
// index plus retry" because it makes the check-then-write sequences plainly
// correct instead of correct-after-retries, and only writers of the same
// need ever wait. On SQLite the single write connection with BEGIN
// IMMEDIATE already gives exactly this, and the clock is read after it.
func (s *Store) lockNeed(ctx context.Context, c *conn, needID string) error {
	if c.d != Postgres {
		return nil
	}
	var id string
	err := c.row(ctx, `SELECT id FROM needs WHERE id = ? FOR NO KEY UPDATE`, needID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return notFound("need")
	}
	if err != nil {
		return err
	}
	c.now = s.Now().Truncate(time.Microsecond)
	return nil
}

// sealedEvent writes a timeline line without an actor: the public learns
// that something happened (and, for proposals, how many there are), never
// who — not a bidder while sealed, not a reviewer, not an objection's filer,
// not even as a user id.
func sealedEvent(ctx context.Context, c conn, n *procurement.Need, action, note string) error {
	return needEvent(accounts.WithActor(ctx, nil), c, n, action, n.Status, n.Status, note)
}

// sealedRecord writes an audit entry whose actor is "a bidder": auditors
// and admins reading the log before the deadline learn that proposal X
// arrived with receipt R, not from whom.
func sealedRecord(ctx context.Context, c conn, action string, res accounts.Resource, data map[string]any) error {
	return record(accounts.WithActor(ctx, &accounts.User{Name: audit.SealedBidder}), c, action, res, data)
}

// countNote is the timeline note of a sealed event: the live count only.
func countNote(ctx context.Context, c conn, n *procurement.Need) (string, error) {
	k, err := liveCount(ctx, c, n.ID)
	return strconv.Itoa(k), err
}

// actingOrg is the organization the actor acts for: orgID when given, else
// their only organization.
func actingOrg(actor *accounts.User, orgID string) (string, error) {
	if orgID = strings.TrimSpace(orgID); orgID != "" {
		return orgID, nil
	}
	seen := map[string]bool{}
	var orgs []string
	for _, id := range actor.OrgIDs() {
		if !seen[id] {
			seen[id] = true
			orgs = append(orgs, id)
		}
	}
	if len(orgs) != 1 {
		return "", errs.Field("org_id", "procurement.choose_org")
	}
	return orgs[0], nil
}

// errLostRace marks an insert that lost to a concurrent one on a unique
// constraint; SubmitProposal recovers by reading the winner.
var errLostRace = errors.New("lost a race on a unique constraint")

// SubmitProposal hands in an organization's sealed proposal for a need and
// returns it with its receipt. The deadline is judged by the transaction's
// clock, whatever the client says. A repeat with the same idempotency key
// returns the original unchanged (same id and receipt) — also after the
// deadline, since it accepts nothing new and a client whose answer was lost
// must learn that its proposal is in. A new key while the organization has a
// live proposal replaces it (the old one is withdrawn).
//
// files are the proposal's attachments, checked like a progress report's
// (type, size, count) and stored with it in the same transaction, sealed
// with it; the receipt covers their hashes. A repeat returns the original
// with its own files, whatever files came with the repeat.
func (s *Store) SubmitProposal(ctx context.Context, needID string, p *procurement.Proposal, files ...Upload) (*procurement.Proposal, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil {
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	in := *p
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	orgID, err := actingOrg(actor, in.OrgID)
	if err != nil {
		return nil, err
	}
	in.OrgID = orgID
	for attempt := 1; ; attempt++ {
		out, err := s.submitProposal(ctx, needID, &in, files)
		if !errors.Is(err, errLostRace) {
			return out, err
		}
		// Only reachable when two submissions with one key went to two
		// different needs at once (lockNeed serializes one need): the
		// database kept one; read it.
		orig, ferr := findProposal(ctx, s.read(), `p.org_id = ? AND p.idempotency_key = ?`, in.OrgID, in.IdempotencyKey)
		if ferr == nil {
			if orig, ferr = withFiles(ctx, s.read(), orig); ferr != nil {
				return nil, s.translate(ferr)
			}
			return replayed(orig, needID, &in)
		}
		if !errs.Is(ferr, errs.NotFound) {
			return nil, s.translate(ferr)
		}
		if attempt == 3 {
			return nil, err
		}
	}
}

// replayed answers a repeated idempotency key with the original proposal,
// refusing a key already used for another need or for other content (a
// changed proposal under an old key would otherwise be silently dropped).
func replayed(orig *procurement.Proposal, needID string, in *procurement.Proposal) (*procurement.Proposal, error) {
	if orig.NeedID != needID {
		e := errs.Field("idempotency_key", "proposal.key_reused")
		e.Code = errs.Conflict
		return nil, e
	}
	if !SameProposal(orig, in) {
		e := errs.Field("idempotency_key", "proposal.key_reused_content")
		e.Code = errs.Conflict
		return nil, e
	}
	return orig, nil
}

// SameProposal says whether in repeats orig's content (the text, price and
// duration; attachments of a repeat are ignored, as documented).
func SameProposal(orig, in *procurement.Proposal) bool {
	t := strings.TrimSpace
	return t(orig.Summary) == t(in.Summary) && t(orig.Plan) == t(in.Plan) && t(orig.Team) == t(in.Team) &&
		orig.PriceFen == in.PriceFen && orig.DurationDays == in.DurationDays
}

func (s *Store) submitProposal(ctx context.Context, needID string, in *procurement.Proposal, files []Upload) (*procurement.Proposal, error) {
	actor := accounts.ActorFrom(ctx)
	var out *procurement.Proposal
	err := s.tx(ctx, func(c conn) error {
		if err := s.lockNeed(ctx, &c, needID); err != nil {
			return err
		}
		n, err := findNeed(ctx, c, needID)
		if err != nil {
			return err
		}
		if !procurement.CanView(n, actor) {
			return notFound("need")
		}
		if !procurement.CanSubmitFor(actor, in.OrgID) {
			return errs.E(errs.Forbidden, "auth.forbidden")
		}
		switch k := utf8.RuneCountInString(in.IdempotencyKey); {
		case k == 0:
			return errs.Field("idempotency_key", "field.required")
		case k > 100:
			return errs.Field("idempotency_key", "field.too_long", 100)
		}
		orig, err := findProposal(ctx, c, `p.org_id = ? AND p.idempotency_key = ?`, in.OrgID, in.IdempotencyKey)
		if err == nil {
			if orig, err = withFiles(ctx, c, orig); err != nil {
				return err
			}
			out, err = replayed(orig, n.ID, in)
			return err
		}
		if !errs.Is(err, errs.NotFound) {
			return err
		}
		if err := procurement.CheckSubmit(n, c.now); err != nil {
			return err
		}
		o, err := findOrg(ctx, c, `o.id = ?`, in.OrgID)
		if err != nil {
			return fieldErr("org_id", err)
		}
		if err := n.Eligible(o); err != nil {
			return err
		}
		np := &procurement.Proposal{ID: newID(), NeedID: n.ID, OrgID: o.ID, OrgName: o.Name, Summary: in.Summary,
			Plan: in.Plan, Team: in.Team, PriceFen: in.PriceFen, DurationDays: in.DurationDays,
			Status: procurement.ProposalSubmitted, IdempotencyKey: in.IdempotencyKey, SubmittedBy: actor.ID, SubmittedAt: c.now}
		docs, ferr := prepareUploads(files)
		if err := errs.Merge(np.Validate(n), ferr); err != nil {
			return err
		}
		for _, d := range docs {
			np.Files = append(np.Files, d.doc)
		}
		np.Receipt = np.ComputeReceipt()
		var replaced string
		err = c.row(ctx, `SELECT id FROM proposals WHERE need_id = ? AND org_id = ? AND status = 'submitted'`, n.ID, o.ID).Scan(&replaced)
		switch {
		case err == nil:
			if _, err := c.exec(ctx, `UPDATE proposals SET status = 'withdrawn', withdrawn_at = ? WHERE id = ?`, c.now, replaced); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO proposals (id, need_id, org_id, summary, plan, team, price_fen, duration_days,
			status, needs_reconfirm, receipt, idempotency_key, submitted_by, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			np.ID, np.NeedID, np.OrgID, np.Summary, np.Plan, np.Team, np.PriceFen, np.DurationDays, np.Status, false,
			np.Receipt, np.IdempotencyKey, np.SubmittedBy, np.SubmittedAt); err != nil {
			if errs.CodeOf(translateAny(c, err)) == errs.Conflict {
				return &errs.Error{Code: errs.Conflict, Key: "conflict.retry", Err: errLostRace}
			}
			return err
		}
		if np.Files, err = insertDocuments(ctx, c, n.ID, ownerProposal, np.ID, docs); err != nil {
			return err
		}
		note, err := countNote(ctx, c, n)
		if err != nil {
			return err
		}
		if err := sealedEvent(ctx, c, n, "proposal_submitted", note); err != nil {
			return err
		}
		out = np
		// Ids and the receipt only: neither the content nor its files (not
		// even how many) nor who bid is in the audit log while sealed (the
		// proposal row keeps the submitter; the receipt covers the files).
		return sealedRecord(ctx, c, "proposal.submit", n.Resource(), map[string]any{"proposal_id": np.ID,
			"receipt": np.Receipt, "replaces": replaced})
	})
	return out, err
}

// ownProposal loads a proposal for its own organization's action, with its
// need locked. Anyone else learns nothing: not found, as for a made-up id.
func (s *Store) ownProposal(ctx context.Context, c *conn, id string) (*procurement.Need, *procurement.Proposal, error) {
	actor := accounts.ActorFrom(ctx)
	if actor == nil {
		return nil, nil, errs.E(errs.Unauthorized, "auth.required")
	}
	p, err := findProposal(ctx, *c, `p.id = ?`, id)
	if err != nil {
		return nil, nil, err
	}
	if !procurement.CanSubmitFor(actor, p.OrgID) {
		return nil, nil, notFound("proposal")
	}
	if err := s.lockNeed(ctx, c, p.NeedID); err != nil {
		return nil, nil, err
	}
	if p, err = findProposal(ctx, *c, `p.id = ?`, id); err != nil {
		return nil, nil, err
	}
	if p, err = withFiles(ctx, *c, p); err != nil {
		return nil, nil, err
	}
	n, err := findNeed(ctx, *c, p.NeedID)
	if err != nil {
		return nil, nil, err
	}
	if err := procurement.CheckSubmit(n, c.now); err != nil {
		return nil, nil, err
	}
	if p.Status != procurement.ProposalSubmitted {
		return nil, nil, errs.E(errs.Conflict, "proposal.not_live")
	}
	return n, p, nil
}

// WithdrawProposal withdraws a live proposal (its own organization, before
// the deadline).
func (s *Store) WithdrawProposal(ctx context.Context, proposalID string) (*procurement.Proposal, error) {
	var out *procurement.Proposal
	err := s.tx(ctx, func(c conn) error {
		n, p, err := s.ownProposal(ctx, &c, proposalID)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE proposals SET status = 'withdrawn', withdrawn_at = ? WHERE id = ?`, c.now, p.ID); err != nil {
			return err
		}
		p.Status, p.WithdrawnAt = procurement.ProposalWithdrawn, c.now
		note, err := countNote(ctx, c, n)
		if err != nil {
			return err
		}
		if err := sealedEvent(ctx, c, n, "proposal_withdrawn", note); err != nil {
			return err
		}
		out = p
		return sealedRecord(ctx, c, "proposal.withdraw", n.Resource(), map[string]any{"proposal_id": p.ID})
	})
	return out, err
}

// ReconfirmProposal confirms a live proposal still stands after its need
// was edited (its own organization, before the deadline).
func (s *Store) ReconfirmProposal(ctx context.Context, proposalID string) (*procurement.Proposal, error) {
	var out *procurement.Proposal
	err := s.tx(ctx, func(c conn) error {
		n, p, err := s.ownProposal(ctx, &c, proposalID)
		if err != nil {
			return err
		}
		out = p
		if !p.NeedsReconfirm {
			return nil
		}
		if _, err := c.exec(ctx, `UPDATE proposals SET needs_reconfirm = ? WHERE id = ?`, false, p.ID); err != nil {
			return err
		}
		p.NeedsReconfirm = false
		note, err := countNote(ctx, c, n)
		if err != nil {
			return err
		}
		if err := sealedEvent(ctx, c, n, "proposal_reconfirmed", note); err != nil {
			return err
		}
		return sealedRecord(ctx, c, "proposal.reconfirm", n.Resource(), map[string]any{"proposal_id": p.ID})
	})
	return out, err
}

// redactFor hides the submitting organization's internals (who pressed the
// button, the client's key) from readers outside it.
func redactFor(actor *accounts.User, n *procurement.Need, p *procurement.Proposal) *procurement.Proposal {
	res := p.Resource(n)
	if actor.Holds(accounts.OrgAdmin, res) || actor.Holds(accounts.OrgMember, res) {
		return p
	}
	q := *p
	q.SubmittedBy, q.IdempotencyKey = "", ""
	return &q
}

// FindProposals returns the proposals of a need the actor may read
// (procurement.MayReadProposal) and the public count of live proposals.
// Sealed means sealed: before the deadline everyone but the bidder itself
// gets an empty list and the count. Every caller runs the same queries,
// so neither the answer nor its timing depends on what the caller may see.
func (s *Store) FindProposals(ctx context.Context, needID string) ([]*procurement.Proposal, int, error) {
	actor := accounts.ActorFrom(ctx)
	c := s.read()
	n, err := findNeed(ctx, c, needID)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	if !procurement.CanView(n, actor) {
		return nil, 0, notFound("need")
	}
	all, err := listProposals(ctx, c, n.ID)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	panel, err := findPanel(ctx, c, n.ID)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	files, err := proposalFiles(ctx, c, n.ID)
	if err != nil {
		return nil, 0, s.translate(err)
	}
	out := []*procurement.Proposal{}
	for _, p := range all {
		if procurement.MayReadProposal(n, p, panel, actor, c.now) {
			p.Files = files[p.ID]
			out = append(out, redactFor(actor, n, p))
		}
	}
	return out, n.Proposals, nil
}

// FindProposalByID returns a proposal the actor may read; a sealed one is
// not found, exactly as an id that does not exist. (Ids are UUIDv7 with 74
// random bits, so the shorter path of a made-up id tells nothing the public
// count does not.)
func (s *Store) FindProposalByID(ctx context.Context, id string) (*procurement.Proposal, error) {
	actor := accounts.ActorFrom(ctx)
	c := s.read()
	p, err := findProposal(ctx, c, `p.id = ?`, id)
	if err != nil {
		return nil, s.translate(err)
	}
	n, err := findNeed(ctx, c, p.NeedID)
	if err != nil {
		return nil, s.translate(err)
	}
	panel, err := findPanel(ctx, c, n.ID)
	if err != nil {
		return nil, s.translate(err)
	}
	// The files are read whoever asks, so the answer's timing does not
	// tell a sealed proposal from a readable one.
	if p, err = withFiles(ctx, c, p); err != nil {
		return nil, s.translate(err)
	}
	if !procurement.MayReadProposal(n, p, panel, actor, c.now) {
		return nil, notFound("proposal")
	}
	return redactFor(actor, n, p), nil
}
