package procurement

import (
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/text"
)

// PanelMember is a reviewer assigned to a need, with their declaration of
// interests. A reviewer scores only after declaring, and never when conflicted.
type PanelMember struct {
	NeedID     string
	UserID     string
	Name       string
	Declared   bool
	Conflicted bool
	Statement  string // what the conflict is, or "无利益冲突"
	AssignedAt time.Time
	DeclaredAt time.Time
}

// Score is one reviewer's score of one proposal on one criterion (0–100).
type Score struct {
	NeedID      string
	ProposalID  string
	ReviewerID  string
	CriterionID string
	Points      int
	Comment     string
}

// CanReview reports whether actor is an assigned, declared, unconflicted
// reviewer of the need once the tender has closed.
func CanReview(n *Need, panel []PanelMember, actor *accounts.User, now time.Time) error {
	if actor == nil {
		return errs.E(errs.Unauthorized, "auth.required")
	}
	if n.EffectiveStatus(now) != Evaluating {
		return errs.E(errs.Conflict, "score.not_evaluating")
	}
	for _, m := range panel {
		if m.UserID != actor.ID {
			continue
		}
		switch {
		case !m.Declared:
			return errs.E(errs.Conflict, "score.declare_first")
		case m.Conflicted:
			return errs.E(errs.Forbidden, "score.conflicted")
		}
		return nil
	}
	return errs.E(errs.Forbidden, "score.not_on_panel")
}

// A reviewer's own steps on a need whose panel they sit on: not moves of
// the need's state machine, so they are not among Actions.
const (
	PanelDeclare Action = "declare" // declare interests, before anything else
	PanelScore   Action = "score"   // fill the score sheet once the proposals are opened
)

// PanelSteps lists what the reviewer me still owes the need at now: the
// declaration while the tender or evaluation runs, then the score sheet
// (scored: they have submitted one) while it is evaluated — never for a
// conflicted reviewer.
func PanelSteps(n *Need, me PanelMember, scored bool, now time.Time) []Action {
	switch st := n.EffectiveStatus(now); {
	case st != Published && st != Evaluating:
		return nil
	case !me.Declared:
		return []Action{PanelDeclare}
	case !me.Conflicted && st == Evaluating && !scored:
		return []Action{PanelScore}
	}
	return nil
}

// ValidateScores checks a reviewer's score sheet: every criterion of every
// proposal given, each 0–100.
func ValidateScores(n *Need, proposals []*Proposal, scores []Score) error {
	crit := map[string]bool{}
	for _, c := range n.Criteria {
		crit[c.ID] = true
	}
	props := map[string]bool{}
	for _, p := range proposals {
		props[p.ID] = true
	}
	seen := map[[2]string]bool{}
	for i := range scores {
		s := &scores[i]
		if !crit[s.CriterionID] {
			return errs.Field("criterion", "score.unknown_criterion")
		}
		if !props[s.ProposalID] {
			return errs.Field("proposal_id", "score.unknown_proposal")
		}
		if s.Points < 0 || s.Points > 100 {
			return errs.Field("points", "number.range", 0, 100)
		}
		s.Comment = strings.TrimSpace(s.Comment)
		if utf8.RuneCountInString(s.Comment) > 500 {
			return errs.Field("comment", "field.too_long", 500)
		}
		k := [2]string{s.ProposalID, s.CriterionID}
		if seen[k] {
			return errs.Field("criterion", "score.duplicate")
		}
		seen[k] = true
	}
	if len(seen) != len(crit)*len(props) {
		return errs.Field("scores", "score.incomplete", len(crit)*len(props)-len(seen))
	}
	return nil
}

// Ranked is one proposal's place in the evaluation.
type Ranked struct {
	Proposal  *Proposal
	Rank      int
	Total     float64            // weighted score out of 100, averaged over reviewers
	ByCrit    map[string]float64 // criterion id → average points
	Reviewers int
}

// Rank orders proposals by weighted score (higher first; a tie goes to the
// lower price, then the earlier submission).
func Rank(n *Need, proposals []*Proposal, scores []Score) []Ranked {
	type acc struct {
		sum   map[string]float64
		count map[string]int
		revs  map[string]bool
	}
	by := map[string]*acc{}
	for _, s := range scores {
		a := by[s.ProposalID]
		if a == nil {
			a = &acc{sum: map[string]float64{}, count: map[string]int{}, revs: map[string]bool{}}
			by[s.ProposalID] = a
		}
		a.sum[s.CriterionID] += float64(s.Points)
		a.count[s.CriterionID]++
		a.revs[s.ReviewerID] = true
	}
	out := make([]Ranked, 0, len(proposals))
	for _, p := range proposals {
		r := Ranked{Proposal: p, ByCrit: map[string]float64{}}
		if a := by[p.ID]; a != nil {
			r.Reviewers = len(a.revs)
			for _, c := range n.Criteria {
				if a.count[c.ID] > 0 {
					avg := a.sum[c.ID] / float64(a.count[c.ID])
					r.ByCrit[c.ID] = avg
					r.Total += avg * float64(c.Weight) / 100
				}
			}
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Total != b.Total {
			return a.Total > b.Total
		}
		if a.Proposal.PriceFen != b.Proposal.PriceFen {
			return a.Proposal.PriceFen < b.Proposal.PriceFen
		}
		return a.Proposal.SubmittedAt.Before(b.Proposal.SubmittedAt)
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// Award is the street's decision, published with an objection period.
type Award struct {
	NeedID     string
	ProposalID string
	OrgID      string
	OrgName    string
	AmountFen  int64
	Reason     string
	DecidedBy  string
	DecidedAt  time.Time
}

// CheckAward checks an award decision: a live proposal of this need, within
// budget, with a written reason, and (except direct commissions) scored.
func CheckAward(n *Need, p *Proposal, reason string, scored bool) error {
	if p == nil || p.NeedID != n.ID || p.Status != ProposalSubmitted {
		return errs.Field("proposal_id", "award.proposal_invalid")
	}
	if p.PriceFen <= 0 || p.PriceFen > n.BudgetFen {
		return errs.Field("proposal_id", "proposal.over_budget", n.BudgetFen/100)
	}
	if utf8.RuneCountInString(strings.TrimSpace(reason)) < 10 {
		return errs.Field("reason", "award.reason_required")
	}
	if n.Procedure != Direct && !scored {
		return errs.E(errs.Conflict, "award.not_scored")
	}
	return nil
}

// Objection is a challenge to an award, filed in the objection period; the
// street must answer it before the contract.
type Objection struct {
	ID         string
	NeedID     string
	UserID     string
	Text       string
	Answer     string
	FiledAt    time.Time
	AnsweredAt time.Time
}

// CheckObjection checks an objection may be filed at now.
func CheckObjection(n *Need, body string, now time.Time) error {
	if n.Status != Awarded || !now.Before(n.ObjectionEnds()) {
		return errs.E(errs.Conflict, "objection.closed")
	}
	body = strings.TrimSpace(body)
	if text.Len(body) < 10 {
		return errs.Field("text", "field.too_short", 10)
	}
	if utf8.RuneCountInString(body) > 2000 {
		return errs.Field("text", "field.too_long", 2000)
	}
	return nil
}
