package grants

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Budget categories of a budget line (and of the spending figures).
var Categories = []string{"personnel", "materials", "venue", "publicity", "transport", "other"}

// BudgetLine is one line of an application's budget.
type BudgetLine struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Item     string `json:"item"`
	Amount   int64  `json:"amount_fen"`
	Spent    int64  `json:"spent_fen"` // approved expenses against it
}

// Milestone is a step of the plan; each becomes a tranche of the award,
// paid the share Pct of it once the milestone is accepted.
type Milestone struct {
	Title string `json:"title"`
	Due   string `json:"due"`
	Pct   int    `json:"pct"`
}

// Application is an organization's request to a round.
type Application struct {
	ID              string
	RoundID         string
	RoundName       string
	RoundStreetID   string
	OrgID           string
	OrgName         string
	TopicID         string
	Title           string
	Problem         string
	Plan            string
	Team            string
	Lines           []BudgetLine
	Milestones      []Milestone
	Request         int64 // asked of the round
	MatchCash       int64 // the organization's own cash
	MatchHours      int64 // volunteer hours it brings
	MatchHoursValue int64 // their value in fen
	Status          State
	Award           int64
	Reason          string // the published decision
	DecidedAt       time.Time
	SubmittedBy     string
	CreatedAt       time.Time
	// Review summary.
	Reviews  int
	Conflict int // reviewers who declared a conflict
	Score    float64
}

// Resource is the application's authorization view.
func (a *Application) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindGrantApplication, ID: a.ID, StreetID: a.RoundStreetID, OrgID: a.OrgID}
}

// Total is the budget's total.
func (a *Application) Total() int64 {
	var t int64
	for _, l := range a.Lines {
		t += l.Amount
	}
	return t
}

// OwnMatch is what the organization brings: cash plus valued hours.
func (a *Application) OwnMatch() int64 { return a.MatchCash + a.MatchHoursValue }

// CheckDaysOn refuses a new application's milestone due before now's day:
// the agreement would start with a tranche already late.
func (a *Application) CheckDaysOn(now time.Time) error {
	var l errs.List
	t := Today(now)
	for i, m := range a.Milestones {
		if _, err := ParseDay(m.Due); err == nil && m.Due < t {
			l.Add("milestones", "grants.milestone_past", i+1, t)
		}
	}
	return l.Err()
}

// Validate normalizes a new application against its round's match ratio:
// the budget is what the round is asked for plus the organization's own
// match, and the round pays at most MatchPct of it.
func (a *Application) Validate(r *RoundRecord) error {
	var l errs.List
	a.Title, a.Problem, a.Plan, a.Team = strings.TrimSpace(a.Title), strings.TrimSpace(a.Problem),
		strings.TrimSpace(a.Plan), strings.TrimSpace(a.Team)
	textField(&l, "title", a.Title, 4, 80)
	textField(&l, "problem", a.Problem, 10, 2000)
	textField(&l, "plan", a.Plan, 10, 4000)
	if utf8.RuneCountInString(a.Team) > 1000 {
		l.Add("team", "field.too_long", 1000)
	}
	switch n := len(a.Lines); {
	case n == 0:
		l.Add("lines", "grants.lines_required")
	case n > 30:
		l.Add("lines", "grants.too_many", 30)
	}
	var total int64
	for i := range a.Lines {
		ln := &a.Lines[i]
		ln.Item = strings.TrimSpace(ln.Item)
		if !validCategory(ln.Category) {
			l.Add("lines", "grants.category_invalid", i+1)
		}
		if c := utf8.RuneCountInString(ln.Item); c == 0 || c > 100 {
			l.Add("lines", "grants.line_item_invalid", i+1)
		}
		if CheckAmount("lines", ln.Amount) != nil {
			l.Add("lines", "grants.line_amount_invalid", i+1)
		}
		total += ln.Amount
	}
	switch n := len(a.Milestones); {
	case n == 0:
		l.Add("milestones", "grants.milestones_required")
	case n > 10:
		l.Add("milestones", "grants.too_many", 10)
	}
	pct := 0
	for i := range a.Milestones {
		m := &a.Milestones[i]
		m.Title = strings.TrimSpace(m.Title)
		if c := utf8.RuneCountInString(m.Title); c == 0 || c > 100 {
			l.Add("milestones", "grants.milestone_invalid", i+1)
		}
		if _, err := ParseDay(m.Due); err != nil {
			l.Add("milestones", "grants.milestone_invalid", i+1)
		}
		if m.Pct < 1 || m.Pct > 100 {
			l.Add("milestones", "grants.milestone_invalid", i+1)
		}
		pct += m.Pct
	}
	if len(a.Milestones) > 0 && pct != 100 {
		l.Add("milestones", "grants.milestones_pct")
	}
	if err := CheckAmount("request", a.Request); err != nil {
		l = append(l, errs.As(err))
	}
	if a.MatchCash < 0 || a.MatchHours < 0 || a.MatchHoursValue < 0 || a.MatchCash > MaxFen || a.MatchHoursValue > MaxFen {
		l.Add("match_cash", "grants.amount_positive")
	}
	if len(l) == 0 {
		if total != a.Request+a.OwnMatch() {
			l.Add("lines", "grants.budget_mismatch")
		}
		// The round pays at most MatchPct of the budget: request × 100 ≤ total × pct.
		if r != nil && a.Request*100 > total*int64(r.MatchPct) {
			l.Add("request", "grants.match_short", r.MatchPct)
		}
	}
	return l.Err()
}

func validCategory(c string) bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Review is one reviewer's score of an application, or their declared
// conflict of interest (then no score).
type Review struct {
	ApplicationID string
	ReviewerID    string
	ReviewerName  string
	Conflict      bool
	ConflictNote  string
	Score         int
	Comment       string
	CreatedAt     time.Time
}

// Validate normalizes a review.
func (r *Review) Validate() error {
	var l errs.List
	r.ConflictNote, r.Comment = strings.TrimSpace(r.ConflictNote), strings.TrimSpace(r.Comment)
	if r.Conflict {
		textField(&l, "conflict_note", r.ConflictNote, 2, 200)
		r.Score, r.Comment = 0, ""
	} else {
		if r.Score < 0 || r.Score > 100 {
			l.Add("score", "grants.score_invalid")
		}
		textField(&l, "comment", r.Comment, 2, 1000)
	}
	return l.Err()
}

// MayReview reports whether u reviews for the foundation's rounds.
func MayReview(u *accounts.User) bool {
	return u.Has(accounts.Reviewer) || u.Has(accounts.FoundationStaff) || u.Has(accounts.PlatformAdmin)
}

// Decision is staff's award (or decline) of an application.
type Decision struct {
	Amount int64
	Reason string
}

// Validate checks an award against the request (amount ≤ request).
func (d *Decision) Validate(award bool, a *Application) error {
	var l errs.List
	d.Reason = strings.TrimSpace(d.Reason)
	textField(&l, "reason", d.Reason, 4, 1000)
	if award {
		if err := CheckAmount("amount", d.Amount); err != nil {
			l = append(l, errs.As(err))
		} else if d.Amount > a.Request {
			l.Add("amount", "grants.award_over_request")
		}
	}
	return l.Err()
}

// Split divides an award into tranches by the milestones' shares; the last
// tranche takes what rounding left, so they sum to the award exactly.
func Split(award int64, ms []Milestone) []int64 {
	out := make([]int64, len(ms))
	var sum int64
	for i, m := range ms {
		if i == len(ms)-1 {
			out[i] = award - sum
			break
		}
		out[i] = award * int64(m.Pct) / 100
		sum += out[i]
	}
	return out
}
