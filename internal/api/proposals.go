package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

// proposalJSON is a proposal for those who may read it (its own
// organization always; after the deadline the buyer, the community,
// platform admins and the panel). status is the effective status
// (under_review once the deadline has passed). idempotency_key is shown to
// its own organization only.
type proposalJSON struct {
	ID             string                     `json:"id"`
	NeedID         string                     `json:"need_id"`
	OrgID          string                     `json:"org_id"`
	Org            string                     `json:"org"`
	Summary        string                     `json:"summary"`
	Plan           string                     `json:"plan"`
	Team           string                     `json:"team"`
	PriceFen       int64                      `json:"price_fen"`
	DurationDays   int                        `json:"duration_days"`
	Status         procurement.ProposalStatus `json:"status"`
	NeedsReconfirm bool                       `json:"needs_reconfirm"`
	ReceiptSHA256  string                     `json:"receipt_sha256"`
	IdempotencyKey string                     `json:"idempotency_key,omitempty"`
	SubmittedAt    string                     `json:"submitted_at"`
	WithdrawnAt    string                     `json:"withdrawn_at,omitempty"`
	Attachments    []documentJSON             `json:"attachments"` // sealed with the proposal
}

func (a *API) proposalOut(n *procurement.Need, p *procurement.Proposal) proposalJSON {
	status := p.Status
	if n != nil {
		status = p.EffectiveStatus(n, a.now())
	}
	return proposalJSON{ID: p.ID, NeedID: p.NeedID, OrgID: p.OrgID, Org: p.OrgName, Summary: p.Summary, Plan: p.Plan,
		Team: p.Team, PriceFen: p.PriceFen, DurationDays: p.DurationDays, Status: status, NeedsReconfirm: p.NeedsReconfirm,
		ReceiptSHA256: p.Receipt, IdempotencyKey: p.IdempotencyKey, SubmittedAt: rfc3339(p.SubmittedAt),
		WithdrawnAt: optTime(p.WithdrawnAt), Attachments: documentsOut(p.Files)}
}

// proposalList: items are the proposals the caller may read; count is
// always the public number of live proposals, whoever asks.
type proposalList struct {
	Items  []proposalJSON `json:"items"`
	Count  int            `json:"count"`
	Sealed bool           `json:"sealed"`
}

// listProposals: GET /api/v1/needs/{id}/proposals. Until the deadline only
// the caller's own organization's proposals are listed — everyone else,
// buyers and admins included, gets an empty list and the count.
func (a *API) listProposals(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	ctx := r.Context()
	ps, count, err := a.store.FindProposals(ctx, id)
	if err != nil {
		return err
	}
	n, err := a.store.FindNeedByID(ctx, id)
	if err != nil {
		return err
	}
	out := proposalList{Items: make([]proposalJSON, 0, len(ps)), Count: count, Sealed: n.Sealed(a.now())}
	for _, p := range ps {
		out.Items = append(out.Items, a.proposalOut(n, p))
	}
	return writeJSON(w, http.StatusOK, out)
}

// proposalSubmit is the POST body. org_id picks the organization when the
// caller belongs to more than one. idempotency_key is required: a repeat
// with the same key returns the original.
type proposalSubmit struct {
	Summary        string `json:"summary"`
	Plan           string `json:"plan"`
	Team           string `json:"team"`
	PriceFen       int64  `json:"price_fen"`
	DurationDays   int    `json:"duration_days"`
	IdempotencyKey string `json:"idempotency_key"`
	OrgID          string `json:"org_id"`
}

// submitProposal: POST /api/v1/needs/{id}/proposals → 201 with the receipt;
// a repeat of an idempotency key already used for this need returns the
// original proposal with 200. A new key replaces the organization's live
// proposal. The body is JSON, or multipart/form-data with the same fields
// and any number of "files" parts: the proposal's attachments, sealed with
// it and covered by its receipt.
func (a *API) submitProposal(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	in, files, err := a.readProposal(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if orig := a.replayedProposal(r, actor, id, in); orig != nil {
		n, err := a.store.FindNeedByID(ctx, id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, a.proposalOut(n, orig))
	}
	before := a.now()
	p, err := a.store.SubmitProposal(ctx, id, &procurement.Proposal{Summary: in.Summary, Plan: in.Plan, Team: in.Team,
		PriceFen: in.PriceFen, DurationDays: in.DurationDays, IdempotencyKey: in.IdempotencyKey, OrgID: in.OrgID}, files...)
	if err != nil {
		return err
	}
	n, err := a.store.FindNeedByID(ctx, id)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if p.SubmittedAt.Before(before.Truncate(time.Microsecond)) {
		status = http.StatusOK // a concurrent repeat won the race to the store
	} else {
		w.Header().Set("Location", Prefix+"/proposals/"+p.ID)
	}
	return writeJSON(w, status, a.proposalOut(n, p))
}

// readProposal reads a submission from JSON or from multipart/form-data
// (the same fields as text parts, and "files").
func (a *API) readProposal(w http.ResponseWriter, r *http.Request) (proposalSubmit, []store.Upload, error) {
	var in proposalSubmit
	multipart, err := bodyKind(r)
	if err != nil {
		return in, nil, err
	}
	if !multipart {
		return in, nil, a.decode(w, r, &in)
	}
	v, files, err := a.readMultipart(w, r, "summary", "plan", "team", "price_fen", "duration_days", "idempotency_key", "org_id")
	if err != nil {
		return in, nil, err
	}
	in = proposalSubmit{Summary: v["summary"], Plan: v["plan"], Team: v["team"], IdempotencyKey: v["idempotency_key"],
		OrgID: v["org_id"]}
	var l errs.List
	whole := func(field string, bits int) int64 {
		s := strings.TrimSpace(v[field])
		if s == "" {
			return 0 // missing: the domain says what it must be
		}
		n, err := strconv.ParseInt(s, 10, bits)
		if err != nil {
			l.Add(field, "api.body_wrong_type", "integer")
			return 0
		}
		return n
	}
	in.PriceFen = whole("price_fen", 64)
	in.DurationDays = int(whole("duration_days", 32))
	return in, files, l.Err()
}

// replayedProposal finds the caller's organization's proposal already
// submitted to this need with the same idempotency key, if any. (The store
// answers such a repeat with the original too; looking first tells the
// client 200 rather than 201.)
func (a *API) replayedProposal(r *http.Request, actor *accounts.User, needID string, in proposalSubmit) *procurement.Proposal {
	key, org := strings.TrimSpace(in.IdempotencyKey), strings.TrimSpace(in.OrgID)
	if key == "" {
		return nil
	}
	if org == "" {
		orgs := actor.OrgIDs()
		if len(orgs) != 1 {
			return nil // the store asks which organization
		}
		org = orgs[0]
	}
	if !procurement.CanSubmitFor(actor, org) {
		return nil
	}
	ps, _, err := a.store.FindProposals(r.Context(), needID)
	if err != nil {
		return nil // the store reports it on the submission
	}
	for _, p := range ps {
		if p.OrgID == org && p.IdempotencyKey == key {
			if !store.SameProposal(p, &procurement.Proposal{Summary: in.Summary, Plan: in.Plan, Team: in.Team,
				PriceFen: in.PriceFen, DurationDays: in.DurationDays}) {
				return nil // other content: the store refuses the key
			}
			return p
		}
	}
	return nil
}

// getProposal: GET /api/v1/proposals/{id}. A sealed proposal is not found
// for anyone but its own organization, exactly like one that does not exist.
func (a *API) getProposal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "proposal")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	p, err := a.store.FindProposalByID(r.Context(), id)
	if err != nil {
		return err
	}
	return a.writeProposal(w, r, p)
}

func (a *API) writeProposal(w http.ResponseWriter, r *http.Request, p *procurement.Proposal) error {
	n, err := a.store.FindNeedByID(r.Context(), p.NeedID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, a.proposalOut(n, p))
}

// withdrawProposal: POST /api/v1/proposals/{id}/withdraw (its own
// organization, before the deadline).
func (a *API) withdrawProposal(w http.ResponseWriter, r *http.Request) error {
	return a.ownProposalStep(w, r, func(id string) (*procurement.Proposal, error) {
		return a.store.WithdrawProposal(r.Context(), id)
	})
}

// reconfirmProposal: POST /api/v1/proposals/{id}/reconfirm — the proposal
// still stands after its need was edited.
func (a *API) reconfirmProposal(w http.ResponseWriter, r *http.Request) error {
	return a.ownProposalStep(w, r, func(id string) (*procurement.Proposal, error) {
		return a.store.ReconfirmProposal(r.Context(), id)
	})
}

func (a *API) ownProposalStep(w http.ResponseWriter, r *http.Request, step func(id string) (*procurement.Proposal, error)) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "proposal")
	if err != nil {
		return err
	}
	if err := a.decodeOptional(w, r, &struct{}{}); err != nil {
		return err
	}
	p, err := step(id)
	if err != nil {
		return err
	}
	return a.writeProposal(w, r, p)
}
