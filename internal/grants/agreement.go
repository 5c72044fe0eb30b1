package grants

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Agreement is the grant agreement made when an application is awarded.
type Agreement struct {
	ID            string
	ApplicationID string
	Title         string
	RoundID       string
	RoundName     string
	Route         Route
	StreetID      string // the round's street
	OrgID         string
	OrgName       string
	Amount        int64
	Status        State
	Tranches      []*Tranche
	Lines         []BudgetLine
	Disbursed     int64 // sums of postings
	Spent         int64
	CreatedAt     time.Time
}

// Parties are the agreement's round street and organization.
func (a *Agreement) Parties() Parties { return Parties{StreetID: a.StreetID, OrgID: a.OrgID} }

// Resource is the agreement's authorization view.
func (a *Agreement) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindGrantApplication, ID: a.ApplicationID, StreetID: a.StreetID, OrgID: a.OrgID}
}

// Tranche is one payment of an agreement, tied to one milestone.
type Tranche struct {
	ID          string
	AgreementID string
	Position    int
	Milestone   string
	DueOn       string
	Amount      int64
	Status      State
	Report      string // the organization's report on the milestone
	Note        string // staff's note on accepting or returning it
	PostingID   string
	PaidAt      time.Time
}

// FourEyesFen is the amount from which an expense needs two approvers
// (四眼原则): 2,000 yuan.
const FourEyesFen int64 = 200000

// ApprovalsNeeded is how many distinct approvers an expense of amount needs.
func ApprovalsNeeded(amount int64) int {
	if amount >= FourEyesFen {
		return 2
	}
	return 1
}

// Expense is money an organization spent against a budget line.
type Expense struct {
	ID              string
	AgreementID     string
	LineID          string
	Category        string
	Description     string
	Payee           string
	PayeePersonal   bool // a person: masked on public pages
	Amount          int64
	SpentOn         string
	Status          State
	ApprovalsNeeded int
	Approvals       []string // approver names, in order
	AuthorID        string
	Note            string
	PostingID       string
	Files           []File
	CreatedAt       time.Time
}

// PublicPayee is the payee as the public page shows it.
func (e *Expense) PublicPayee() string {
	if e.PayeePersonal {
		return accounts.MaskName(e.Payee)
	}
	return e.Payee
}

// Validate normalizes a new expense.
func (e *Expense) Validate() error {
	var l errs.List
	e.Description, e.Payee = strings.TrimSpace(e.Description), strings.TrimSpace(e.Payee)
	textField(&l, "description", e.Description, 2, 200)
	textField(&l, "payee", e.Payee, 1, 60)
	if err := CheckAmount("amount", e.Amount); err != nil {
		l = append(l, errs.As(err))
	}
	checkDay(&l, "spent_on", e.SpentOn)
	if e.LineID == "" {
		l.Add("line", "field.required")
	}
	if e.AgreementID == "" {
		l.Add("agreement", "field.required")
	}
	return l.Err()
}

// CheckApprover says why u may not approve or reject e (beyond the state
// machine): the author never decides on their own expense, and nobody
// decides twice.
func CheckApprover(u *accounts.User, e *Expense, decided []string) error {
	if u == nil {
		return errs.E(errs.Unauthorized, "auth.required")
	}
	if u.ID == e.AuthorID {
		return errs.E(errs.Forbidden, "grants.own_expense")
	}
	for _, id := range decided {
		if id == u.ID {
			return errs.E(errs.Conflict, "grants.already_decided")
		}
	}
	return nil
}

// File is a receipt attached to an expense.
type File struct {
	ID       string
	Name     string
	Type     string
	Size     int64
	SHA256   string
	Personal bool // shows a person's data: hidden on public pages
}

// NoteField checks a free note.
func NoteField(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return "", errs.Field(field, "field.too_long", max)
	}
	return s, nil
}
