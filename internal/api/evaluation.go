package api

import (
	"math"
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
)

// panelMemberJSON is a reviewer on a need's panel with their declaration:
// shown to the street, the community, platform admins and the panel only.
type panelMemberJSON struct {
	UserID     string `json:"user_id"`
	Name       string `json:"name"`
	Declared   bool   `json:"declared"`
	Conflicted bool   `json:"conflicted"`
	Statement  string `json:"statement"`
	AssignedAt string `json:"assigned_at"`
	DeclaredAt string `json:"declared_at,omitempty"`
}

type panelList struct {
	Items []panelMemberJSON `json:"items"`
}

func (a *API) writePanel(w http.ResponseWriter, r *http.Request, needID string) error {
	panel, err := a.store.FindPanel(r.Context(), needID)
	if err != nil {
		return err
	}
	out := panelList{Items: make([]panelMemberJSON, 0, len(panel))}
	for _, m := range panel {
		out.Items = append(out.Items, panelMemberJSON{UserID: m.UserID, Name: m.Name, Declared: m.Declared,
			Conflicted: m.Conflicted, Statement: m.Statement, AssignedAt: rfc3339(m.AssignedAt),
			DeclaredAt: optTime(m.DeclaredAt)})
	}
	return writeJSON(w, http.StatusOK, out)
}

// panelAssign is the POST body: the user ids of reviewers (each must hold
// the reviewer role). Reviewers already on the panel stay as they are.
type panelAssign struct {
	Reviewers []string `json:"reviewers"`
}

// assignPanel: POST /api/v1/needs/{id}/panel (the street) → the panel.
func (a *API) assignPanel(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	var in panelAssign
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if err := a.store.AssignPanel(r.Context(), id, in.Reviewers); err != nil {
		return err
	}
	return a.writePanel(w, r, id)
}

// interestDeclaration is the POST body: a conflict needs a statement.
type interestDeclaration struct {
	Conflicted bool   `json:"conflicted"`
	Statement  string `json:"statement"`
}

// declareInterest: POST /api/v1/needs/{id}/interest — the caller's own
// declaration as a reviewer of the panel, once, for good → the panel.
func (a *API) declareInterest(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	var in interestDeclaration
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if err := a.store.DeclareInterest(r.Context(), id, in.Conflicted, in.Statement); err != nil {
		return err
	}
	return a.writePanel(w, r, id)
}

type scoreIn struct {
	ProposalID  string `json:"proposal_id"`
	CriterionID string `json:"criterion_id"`
	Points      int    `json:"points"`
	Comment     string `json:"comment"`
}

// scoreSheet is the POST body: the caller's complete sheet — every
// criterion of every live proposal, 0–100 — replacing their earlier one.
type scoreSheet struct {
	Scores []scoreIn `json:"scores"`
}

type scoresSaved struct {
	NeedID string `json:"need_id"`
	Scores int    `json:"scores"`
}

// submitScores: POST /api/v1/needs/{id}/scores (a declared, unconflicted
// reviewer of the panel, while the need is evaluated).
func (a *API) submitScores(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	var in scoreSheet
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	sheet := make([]procurement.Score, 0, len(in.Scores))
	for _, s := range in.Scores {
		sheet = append(sheet, procurement.Score{NeedID: id, ProposalID: s.ProposalID, CriterionID: s.CriterionID,
			Points: s.Points, Comment: s.Comment})
	}
	if err := a.store.SubmitScores(r.Context(), id, sheet); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, scoresSaved{NeedID: id, Scores: len(sheet)})
}

type criterionScoreJSON struct {
	CriterionID string  `json:"criterion_id"`
	Name        string  `json:"name"`
	Weight      int     `json:"weight"`
	Average     float64 `json:"average"`
}

// rankedJSON is one proposal's place: total is the weighted score out of
// 100 averaged over reviewers, rounded to two decimals.
type rankedJSON struct {
	Rank       int                  `json:"rank"`
	ProposalID string               `json:"proposal_id"`
	OrgID      string               `json:"org_id"`
	Org        string               `json:"org"`
	PriceFen   int64                `json:"price_fen"`
	Total      float64              `json:"total"`
	Reviewers  int                  `json:"reviewers"`
	Criteria   []criterionScoreJSON `json:"criteria"`
}

type rankingList struct {
	Items []rankedJSON `json:"items"`
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// ranking: GET /api/v1/needs/{id}/ranking — for the street, the community,
// platform admins and the declared, unconflicted reviewers, once opened.
func (a *API) ranking(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	ctx := r.Context()
	ranked, err := a.store.Ranking(ctx, id)
	if err != nil {
		return err
	}
	n, err := a.store.FindNeedByID(ctx, id)
	if err != nil {
		return err
	}
	out := rankingList{Items: make([]rankedJSON, 0, len(ranked))}
	for _, rk := range ranked {
		item := rankedJSON{Rank: rk.Rank, ProposalID: rk.Proposal.ID, OrgID: rk.Proposal.OrgID, Org: rk.Proposal.OrgName,
			PriceFen: rk.Proposal.PriceFen, Total: round2(rk.Total), Reviewers: rk.Reviewers,
			Criteria: make([]criterionScoreJSON, 0, len(n.Criteria))}
		for _, c := range n.Criteria {
			item.Criteria = append(item.Criteria, criterionScoreJSON{CriterionID: c.ID, Name: c.Name, Weight: c.Weight,
				Average: round2(rk.ByCrit[c.ID])})
		}
		out.Items = append(out.Items, item)
	}
	return writeJSON(w, http.StatusOK, out)
}

// awardJSON is the public award notice; objection_ends closes the period
// in which anyone signed in may object.
type awardJSON struct {
	NeedID        string `json:"need_id"`
	ProposalID    string `json:"proposal_id"`
	OrgID         string `json:"org_id"`
	Org           string `json:"org"`
	AmountFen     int64  `json:"amount_fen"`
	Reason        string `json:"reason"`
	DecidedAt     string `json:"decided_at"`
	ObjectionEnds string `json:"objection_ends"`
}

func awardOut(n *procurement.Need, aw *procurement.Award) awardJSON {
	ends := aw.DecidedAt.AddDate(0, 0, n.ObjectionDays)
	return awardJSON{NeedID: aw.NeedID, ProposalID: aw.ProposalID, OrgID: aw.OrgID, Org: aw.OrgName,
		AmountFen: aw.AmountFen, Reason: aw.Reason, DecidedAt: rfc3339(aw.DecidedAt), ObjectionEnds: rfc3339(ends)}
}

// awardDecision is the POST body.
type awardDecision struct {
	ProposalID string `json:"proposal_id"`
	Reason     string `json:"reason"`
}

// awardNeed: POST /api/v1/needs/{id}/award (the street) → 201 and the notice.
func (a *API) awardNeed(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	var in awardDecision
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	aw, err := a.store.AwardNeed(ctx, id, in.ProposalID, in.Reason)
	if err != nil {
		return err
	}
	n, err := a.store.FindNeedByID(ctx, id)
	if err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/needs/"+id+"/award")
	return writeJSON(w, http.StatusCreated, awardOut(n, aw))
}

// getAward: GET /api/v1/needs/{id}/award (public once awarded).
func (a *API) getAward(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	ctx := r.Context()
	aw, err := a.store.FindAward(ctx, id)
	if err != nil {
		return err
	}
	n, err := a.store.FindNeedByID(ctx, id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, awardOut(n, aw))
}

// objectionJSON is an objection and its answer. The filer is shown masked
// (张**); user_id only to the filer themself, the street and platform admins.
type objectionJSON struct {
	ID         string `json:"id"`
	NeedID     string `json:"need_id"`
	Filer      string `json:"filer"`
	UserID     string `json:"user_id,omitempty"`
	Text       string `json:"text"`
	Answer     string `json:"answer"`
	FiledAt    string `json:"filed_at"`
	AnsweredAt string `json:"answered_at,omitempty"`
}

func objectionOut(o *procurement.Objection, filer string) objectionJSON {
	return objectionJSON{ID: o.ID, NeedID: o.NeedID, Filer: filer, UserID: o.UserID, Text: maskPhones(o.Text),
		Answer: maskPhones(o.Answer), FiledAt: rfc3339(o.FiledAt), AnsweredAt: optTime(o.AnsweredAt)}
}

type objectionList struct {
	Items []objectionJSON `json:"items"`
	Total int             `json:"total"`
}

type textBody struct {
	Text string `json:"text"`
}

// fileObjection: POST /api/v1/needs/{id}/objections — anyone signed in,
// within the objection period → 201.
func (a *API) fileObjection(w http.ResponseWriter, r *http.Request) error {
	actor, err := requireActor(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	var in textBody
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	o, err := a.store.FileObjection(r.Context(), id, in.Text)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, objectionOut(o, accounts.MaskName(actor.Name)))
}

// listObjections: GET /api/v1/needs/{id}/objections, oldest first.
func (a *API) listObjections(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	list, err := a.store.FindObjections(r.Context(), id)
	if err != nil {
		return err
	}
	out := objectionList{Items: make([]objectionJSON, 0, len(list)), Total: len(list)}
	for _, o := range list {
		out.Items = append(out.Items, objectionOut(&o.Objection, o.Filer))
	}
	return writeJSON(w, http.StatusOK, out)
}

// answerObjection: POST /api/v1/objections/{id}/answer — the need's street
// answers publicly.
func (a *API) answerObjection(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "objection")
	if err != nil {
		return err
	}
	var in answerBody
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	o, err := a.store.AnswerObjection(ctx, id, in.Answer)
	if err != nil {
		return err
	}
	list, err := a.store.FindObjections(ctx, o.NeedID)
	if err != nil {
		return err
	}
	for _, po := range list {
		if po.ID == o.ID {
			return writeJSON(w, http.StatusOK, objectionOut(&po.Objection, po.Filer))
		}
	}
	return errs.E(errs.NotFound, "notfound.objection")
}
