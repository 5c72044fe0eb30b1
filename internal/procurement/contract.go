package procurement

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/text"
)

// Contract is the published agreement for an awarded need.
type Contract struct {
	NeedID     string
	AmountFen  int64
	Start      time.Time
	End        time.Time
	Amendment  string // why the amount differs from the award, if it does
	Milestones []Milestone
	SignedBy   string
	SignedAt   time.Time
}

// MilestoneStatus is where one milestone is.
type MilestoneStatus string

const (
	MilestonePending  MilestoneStatus = "pending"
	MilestoneReported MilestoneStatus = "reported"
	MilestoneAccepted MilestoneStatus = "accepted"
	MilestoneReturned MilestoneStatus = "returned"
)

// Milestone is one deliverable of a contract.
type Milestone struct {
	ID        string
	NeedID    string
	Position  int
	Title     string
	Due       time.Time
	AmountFen int64
	Status    MilestoneStatus
	Comment   string // the community's comment when it returned the milestone
}

// Report is the supplier's progress report on a milestone, with files.
type Report struct {
	ID          string
	NeedID      string
	MilestoneID string
	Text        string
	Files       []Document
	By          string
	At          time.Time
}

// Document is a file attached to a need, a proposal or a report; its hash is
// shown on the public page so anyone can check the file.
type Document struct {
	ID       string
	Owner    string // need, proposal or report id
	Name     string
	Type     string // MIME type
	Size     int64
	SHA256   string
	Uploaded time.Time
}

// MaxContractMonths bounds a contract's term (service purchases are
// usually a year or less; allow two).
const MaxContractMonths = 24

// CheckContract validates a contract against its award: the amount equals
// the award unless an amendment says why (and never exceeds the budget);
// the term is sane; milestones are titled, dated within the term and add up
// to no more than the amount.
func CheckContract(n *Need, award *Award, c *Contract) error {
	var l errs.List
	c.Amendment = strings.TrimSpace(c.Amendment)
	switch {
	case c.AmountFen <= 0:
		l.Add("amount_fen", "money.positive")
	case c.AmountFen > n.BudgetFen:
		l.Add("amount_fen", "contract.over_budget", n.BudgetFen/100)
	case c.AmountFen != award.AmountFen && utf8.RuneCountInString(c.Amendment) < 10:
		l.Add("amendment", "contract.amendment_required", award.AmountFen/100)
	}
	if c.Start.IsZero() || c.End.IsZero() || !c.End.After(c.Start) {
		l.Add("end", "contract.term_invalid")
	} else if c.End.After(c.Start.AddDate(0, MaxContractMonths, 0)) {
		l.Add("end", "contract.term_too_long", MaxContractMonths)
	}
	if len(c.Milestones) == 0 {
		l.Add("milestones", "contract.milestones_required")
	}
	var sum int64
	for i := range c.Milestones {
		m := &c.Milestones[i]
		m.Title = strings.TrimSpace(m.Title)
		m.Position = i + 1
		if m.Title == "" || utf8.RuneCountInString(m.Title) > 100 {
			l.Add("milestones", "contract.milestone_title", i+1)
		}
		if m.Due.IsZero() || m.Due.Before(c.Start) || m.Due.After(c.End.Add(24*time.Hour)) {
			l.Add("milestones", "contract.milestone_due", i+1)
		}
		if m.AmountFen < 0 {
			l.Add("milestones", "money.positive")
		}
		sum += m.AmountFen
		m.Status = MilestonePending
	}
	if sum > c.AmountFen {
		l.Add("milestones", "contract.milestones_over", c.AmountFen/100)
	}
	return l.Err()
}

// CheckDeliver checks every milestone is accepted before delivery.
func CheckDeliver(ms []Milestone) error {
	for _, m := range ms {
		if m.Status != MilestoneAccepted {
			return errs.E(errs.Conflict, "deliver.milestones_open", m.Title)
		}
	}
	return nil
}

// Acceptance is the community's 验收 of the delivered work.
type Acceptance struct {
	NeedID  string
	Result  string // "passed"
	Comment string
	// Beneficiaries is how many people the project reached (受益人次), as
	// the community reports it at acceptance; 0 when not reported. The
	// solution catalog divides cost by it.
	Beneficiaries int
	By            string
	At            time.Time
}

// MaxBeneficiaries bounds what one project may report reaching.
const MaxBeneficiaries = 1_000_000

// CheckBeneficiaries accepts 0 (not reported) up to MaxBeneficiaries.
func CheckBeneficiaries(n int) error {
	if n < 0 || n > MaxBeneficiaries {
		return errs.Field("beneficiaries", "number.range", 0, MaxBeneficiaries)
	}
	return nil
}

// Rating is a resident's satisfaction with an accepted project (1–5).
type Rating struct {
	NeedID  string
	UserID  string
	Stars   int
	Comment string
	At      time.Time
}

// CheckRating validates a rating.
func CheckRating(n *Need, r *Rating) error {
	if n.Status != Accepted && n.Status != Closed {
		return errs.E(errs.Conflict, "rating.not_accepted")
	}
	if r.Stars < 1 || r.Stars > 5 {
		return errs.Field("stars", "number.range", 1, 5)
	}
	r.Comment = strings.TrimSpace(r.Comment)
	if utf8.RuneCountInString(r.Comment) > 500 {
		return errs.Field("comment", "field.too_long", 500)
	}
	return nil
}

// Question is a public question on a published need, answered publicly by the buyer.
type Question struct {
	ID         string
	NeedID     string
	OrgID      string // asking organization (shown), or "" for staff
	OrgName    string
	Text       string
	Answer     string
	AskedAt    time.Time
	AnsweredAt time.Time
	// Withheld says the asking organization is hidden from this reader
	// (OrgID and OrgName are empty): see AskerShown.
	Withheld bool
}

// CheckQuestion checks a question may be asked at now.
func CheckQuestion(n *Need, body string, now time.Time) error {
	if n.Status != Published || !now.Before(n.QACutoff) {
		return errs.E(errs.Conflict, "question.closed")
	}
	body = strings.TrimSpace(body)
	if text.Len(body) < 5 {
		return errs.Field("text", "field.too_short", 5)
	}
	if utf8.RuneCountInString(body) > 1000 {
		return errs.Field("text", "field.too_long", 1000)
	}
	return nil
}

// Event is one line of a need's public timeline: every state change with
// who and when.
type Event struct {
	ID      string
	NeedID  string
	At      time.Time
	Action  string
	From    Status
	To      Status
	ActorID string
	Actor   string // display name (staff or organization); residents masked
	Note    string
	// Withheld says the acting organization is hidden from this reader
	// (Actor and Note are empty): an asker before the deadline, see AskerShown.
	Withheld bool
}
