// Package procurement is the governance procurement platform (回天政购平台):
// needs (治理需求) drafted by communities and published by their street,
// sealed proposals (工作方案) from organizations, evaluation, award, contract,
// delivery and acceptance. It holds the rules — the state machine, sealing,
// money, scoring — and knows nothing of SQL or HTTP.
package procurement

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/text"
)

// Status is where a need is in its life (DESIGN.md, modelled on OCDS stages).
type Status string

const (
	Draft      Status = "draft"
	Submitted  Status = "submitted"
	Published  Status = "published"
	Evaluating Status = "evaluating"
	Awarded    Status = "awarded"
	Contracted Status = "contracted"
	InProgress Status = "in_progress"
	Delivered  Status = "delivered"
	Accepted   Status = "accepted"
	Closed     Status = "closed"
	Cancelled  Status = "cancelled"
	Failed     Status = "failed"
)

// Statuses lists every status in life order.
var Statuses = []Status{Draft, Submitted, Published, Evaluating, Awarded, Contracted, InProgress, Delivered,
	Accepted, Closed, Cancelled, Failed}

// Public reports whether a need in this status is on the public notice board.
func (s Status) Public() bool { return s != Draft && s != Submitted }

// Procedure is how suppliers are found.
type Procedure string

const (
	Open    Procedure = "open"    // 公开征集
	Invited Procedure = "invited" // 邀请
	Direct  Procedure = "direct"  // 小额直接委托
)

// Procedures lists the procedures in display order.
var Procedures = []Procedure{Open, Invited, Direct}

// Qualification is a rule a proposing organization must meet.
type Qualification string

const (
	RegisteredOnly Qualification = "registered_only" // 仅限民政登记的组织
	LocalOnly      Qualification = "local_only"      // 仅限本街道的组织
)

// Qualifications lists the known rules.
var Qualifications = []Qualification{RegisteredOnly, LocalOnly}

// Criterion is one evaluation criterion with its weight in percent.
type Criterion struct {
	ID     string
	Name   string
	Weight int // percent; a need's weights add up to 100
}

// DefaultCriteria are offered to a new need.
func DefaultCriteria() []Criterion {
	return []Criterion{{Name: "方案针对性与可行性", Weight: 40}, {Name: "团队经验与过往业绩", Weight: 30},
		{Name: "报价合理性", Weight: 20}, {Name: "居民参与与可持续性", Weight: 10}}
}

// Need is a governance need: what a community asks for, and its tender.
type Need struct {
	ID            string
	Title         string
	Description   string
	StreetID      string
	StreetName    string
	CommunityID   string
	CommunityName string
	Category      string
	// CategorySource says whether staff chose Category or it was guessed
	// from the text, CategoryConfidence how sure the guess is (percent).
	CategorySource     CategorySource
	CategoryConfidence int
	BudgetFen          int64
	Deadline           time.Time // proposals close at this instant
	QACutoff           time.Time // questions close at this instant (before the deadline)
	Procedure          Procedure
	Qualifications     []Qualification
	Criteria           []Criterion
	Justification      string   // required for a direct commission
	InvitedOrgIDs      []string // invited and direct procedures
	Status             Status
	ReturnComment      string // the street's comment when it returned a draft
	ObjectionDays      int
	AwardedAt          time.Time
	// AwardedOrgID is the supplier once awarded: its people act on the contract.
	AwardedOrgID      string
	AwardedProposalID string
	RetenderOf        string // the failed need this one re-tenders
	Proposals         int    // count of live (submitted) proposals: public even while sealed
	// CommunityDrafted says the need's community's own staff wrote it: while
	// it is a draft (new, or returned for changes) it is the community's, and
	// its street takes it up only once submitted (streetOwnDraft). Decided
	// once, as the need is created (DraftedByCommunity).
	CommunityDrafted bool
	CreatedBy        string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	PublishedAt      time.Time
}

// DraftedByCommunity reports whether author, creating n, writes it as its
// community's staff and not also as its street's: n.CommunityDrafted, for
// good, whatever roles the author holds later.
func DraftedByCommunity(n *Need, author *accounts.User) bool {
	res := n.Resource()
	return n.CommunityID != "" && author.Holds(accounts.CommunityStaff, res) && !author.Holds(accounts.StreetStaff, res)
}

// Resource is the need's authorization view: its street and community, and
// its supplier once awarded.
func (n *Need) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindNeed, ID: n.ID, StreetID: n.StreetID, CommunityID: n.CommunityID,
		OrgID: n.AwardedOrgID}
}

// EffectiveStatus is the status at now: a published need whose deadline has
// passed is being evaluated, whether or not anything has written that down
// yet. The clock decides, not a cron that can be late.
func (n *Need) EffectiveStatus(now time.Time) Status {
	if n.Status == Published && !now.Before(n.Deadline) {
		return Evaluating
	}
	return n.Status
}

// Tendering reports whether the need still looks for its supplier at now:
// a draft, submitted, or published before its deadline. Afterwards (opened,
// awarded, failed, cancelled …) inviting organizations to it is over.
func (n *Need) Tendering(now time.Time) bool {
	switch n.EffectiveStatus(now) {
	case Draft, Submitted, Published:
		return true
	}
	return false
}

// Sealed reports whether proposals are still sealed at now.
func (n *Need) Sealed(now time.Time) bool {
	return n.Status == Published && now.Before(n.Deadline)
}

// ObjectionEnds is when the objection period after the award ends.
func (n *Need) ObjectionEnds() time.Time {
	return n.AwardedAt.AddDate(0, 0, n.ObjectionDays)
}

// Rules are the configurable limits of the procurement rules.
type Rules struct {
	DirectThresholdFen int64         // direct commission only below this budget (default 50,000 yuan)
	MinTenderPeriod    time.Duration // publish → deadline at least this long
	QAClosesBefore     time.Duration // default Q&A cut-off before the deadline
	ObjectionDays      int           // objection period after the award
	ReconfirmExtension time.Duration // editing a need with proposals extends the deadline at least this much
	MaxBudgetFen       int64         // a sanity bound on budgets
}

// DefaultRules are the rules Huitian ships with.
func DefaultRules() Rules {
	return Rules{DirectThresholdFen: 50_000 * 100, MinTenderPeriod: 72 * time.Hour, QAClosesBefore: 48 * time.Hour,
		ObjectionDays: 5, ReconfirmExtension: 72 * time.Hour, MaxBudgetFen: 100_000_000 * 100}
}

// Validate normalizes a need's editable fields and reports every problem.
// It does not check the deadline against the clock: Publish does.
func (n *Need) Validate(r Rules) error {
	var l errs.List
	n.Title = strings.TrimSpace(n.Title)
	switch c := utf8.RuneCountInString(n.Title); {
	case c == 0:
		l.Add("title", "field.required")
	case text.Len(n.Title) < 4:
		l.Add("title", "field.too_short", 4)
	case c > 100:
		l.Add("title", "field.too_long", 100)
	}
	n.Description = strings.TrimSpace(n.Description)
	switch c := utf8.RuneCountInString(n.Description); {
	case c == 0:
		l.Add("description", "field.required")
	case c > 5000:
		l.Add("description", "field.too_long", 5000)
	}
	if n.CommunityID == "" && n.StreetID == "" {
		l.Add("community", "field.required")
	}
	n.Category = strings.TrimSpace(n.Category)
	if n.Category == "" {
		n.Category = registry.GuessCategory(nil, n.Title+n.Description)
	}
	if n.Category != "" && registry.CategoryByCode(n.Category) == nil {
		l.Add("category", "category.invalid")
	}
	switch {
	case n.BudgetFen <= 0:
		l.Add("budget_fen", "money.positive")
	case n.BudgetFen > r.MaxBudgetFen:
		l.Add("budget_fen", "money.too_large")
	}
	if n.Procedure == "" {
		n.Procedure = Open
	}
	switch n.Procedure {
	case Open, Invited:
	case Direct:
		if n.BudgetFen >= r.DirectThresholdFen {
			l.Add("procedure", "need.direct_over_threshold", r.DirectThresholdFen/100)
		}
		n.Justification = strings.TrimSpace(n.Justification)
		if utf8.RuneCountInString(n.Justification) < 10 {
			l.Add("justification", "need.justification_required")
		}
	default:
		l.Add("procedure", "need.procedure_invalid")
	}
	if n.Procedure == Direct && len(n.InvitedOrgIDs) > 1 {
		l.Add("invited", "need.direct_one_org")
	}
	seenQ := map[Qualification]bool{}
	var qs []Qualification
	for _, q := range n.Qualifications {
		if q != RegisteredOnly && q != LocalOnly {
			l.Add("qualifications", "need.qualification_invalid")
			continue
		}
		if !seenQ[q] {
			seenQ[q] = true
			qs = append(qs, q)
		}
	}
	n.Qualifications = qs
	if err := validateCriteria(n.Criteria); err != nil {
		l = append(l, errs.Fields(err)...)
	}
	if !n.Deadline.IsZero() && !n.QACutoff.IsZero() && !n.QACutoff.Before(n.Deadline) {
		l.Add("qa_cutoff", "need.qa_after_deadline")
	}
	if n.ObjectionDays < 0 || n.ObjectionDays > 30 {
		l.Add("objection_days", "number.range", 0, 30)
	}
	return l.Err()
}

func validateCriteria(cs []Criterion) error {
	if len(cs) == 0 {
		return errs.Field("criteria", "need.criteria_required")
	}
	if len(cs) > 10 {
		return errs.Field("criteria", "need.criteria_too_many", 10)
	}
	sum := 0
	seen := map[string]bool{}
	for i := range cs {
		cs[i].Name = strings.TrimSpace(cs[i].Name)
		if cs[i].Name == "" || utf8.RuneCountInString(cs[i].Name) > 40 {
			return errs.Field("criteria", "need.criterion_name")
		}
		if seen[cs[i].Name] {
			return errs.Field("criteria", "need.criterion_duplicate", cs[i].Name)
		}
		seen[cs[i].Name] = true
		if cs[i].Weight <= 0 || cs[i].Weight > 100 {
			return errs.Field("criteria", "need.criterion_weight")
		}
		sum += cs[i].Weight
	}
	if sum != 100 {
		return errs.Field("criteria", "need.criteria_sum", sum)
	}
	return nil
}

// Eligible checks an organization against the need's rules for proposing.
func (n *Need) Eligible(o *registry.Organization) error {
	if n.Procedure != Open {
		invited := false
		for _, id := range n.InvitedOrgIDs {
			invited = invited || id == o.ID
		}
		if !invited {
			return errs.E(errs.Forbidden, "proposal.not_invited")
		}
	}
	for _, q := range n.Qualifications {
		switch q {
		case RegisteredOnly:
			if o.Registration != registry.Registered {
				return errs.E(errs.Forbidden, "proposal.registered_only")
			}
		case LocalOnly:
			if o.StreetID != n.StreetID {
				return errs.E(errs.Forbidden, "proposal.local_only")
			}
		}
	}
	return nil
}

// Filter selects needs for the notice board and the staff lists.
type Filter struct {
	Query       string
	StreetID    string
	CommunityID string
	Category    string
	Status      Status
	Procedure   Procedure
	MinFen      int64
	MaxFen      int64
	// Statuses, when set, limits to these (e.g. the public board).
	Statuses []Status
	Page     int
	PerPage  int
	// CountUpTo, when positive, stops counting there: the total is then
	// CountUpTo+1, "more than CountUpTo" (a city's board does not count a
	// million completed projects for every visitor).
	CountUpTo int
}

// MaxPerPage bounds every list of needs.
const MaxPerPage = 100
