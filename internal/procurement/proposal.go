package procurement

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/text"
)

// ProposalStatus is where a proposal is.
type ProposalStatus string

const (
	ProposalSubmitted  ProposalStatus = "submitted"
	ProposalWithdrawn  ProposalStatus = "withdrawn"
	ProposalAwarded    ProposalStatus = "awarded"
	ProposalNotAwarded ProposalStatus = "not_awarded"
	// ProposalUnderReview is never stored: a submitted proposal is under
	// review once its need's deadline has passed (EffectiveStatus).
	ProposalUnderReview ProposalStatus = "under_review"
)

// Proposal is an organization's work proposal (工作方案) for a need.
type Proposal struct {
	ID           string
	NeedID       string
	OrgID        string
	OrgName      string
	Summary      string
	Plan         string
	Team         string
	PriceFen     int64
	DurationDays int
	Status       ProposalStatus
	// NeedsReconfirm is set when the need changed after this proposal was
	// submitted; the organization re-confirms (or resubmits) before the deadline.
	NeedsReconfirm bool
	Receipt        string // SHA-256 of the content, given to the organization
	// Files are the proposal's attachments (names, types, sizes, hashes —
	// never their bytes); they are sealed with the proposal.
	Files          []Document
	IdempotencyKey string
	SubmittedBy    string
	SubmittedAt    time.Time
	WithdrawnAt    time.Time
}

// Resource is the proposal's authorization view (its organization).
func (p *Proposal) Resource(n *Need) accounts.Resource {
	return accounts.Resource{Kind: accounts.KindNeed, ID: p.ID, StreetID: n.StreetID, CommunityID: n.CommunityID, OrgID: p.OrgID}
}

// EffectiveStatus is the proposal's status at now.
func (p *Proposal) EffectiveStatus(n *Need, now time.Time) ProposalStatus {
	if p.Status == ProposalSubmitted && !n.Sealed(now) && n.Status != Cancelled {
		return ProposalUnderReview
	}
	return p.Status
}

// Validate checks a proposal against its need (money and lengths).
func (p *Proposal) Validate(n *Need) error {
	var l errs.List
	trim := func(field string, v *string, min, max int) {
		*v = strings.TrimSpace(*v)
		c := utf8.RuneCountInString(*v)
		switch {
		case c == 0 && min > 0:
			l.Add(field, "field.required")
		case text.Len(*v) < min:
			l.Add(field, "field.too_short", min)
		case c > max:
			l.Add(field, "field.too_long", max)
		}
	}
	trim("summary", &p.Summary, 10, 500)
	trim("plan", &p.Plan, 20, 10000)
	trim("team", &p.Team, 0, 2000)
	switch {
	case p.PriceFen <= 0:
		l.Add("price_fen", "money.positive")
	case p.PriceFen > n.BudgetFen:
		l.Add("price_fen", "proposal.over_budget", n.BudgetFen/100)
	}
	if p.DurationDays <= 0 || p.DurationDays > 3660 {
		l.Add("duration_days", "number.range", 1, 3660)
	}
	return l.Err()
}

// ComputeReceipt hashes what was submitted: the need, the organization, the
// content and the time, then each attached file's name and SHA-256, the
// files ordered by hash and then name (the order they were uploaded in does
// not matter). The organization keeps the hash; anyone holding the content
// and the files can later check that none of it was changed. A proposal
// without files hashes exactly as before files existed.
func (p *Proposal) ComputeReceipt() string {
	fields := []string{p.NeedID, p.OrgID, p.Summary, p.Plan, p.Team, strconv.FormatInt(p.PriceFen, 10),
		strconv.Itoa(p.DurationDays), p.SubmittedAt.UTC().Format(time.RFC3339Nano)}
	files := slices.Clone(p.Files)
	slices.SortFunc(files, func(a, b Document) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.SHA256), strings.ToLower(b.SHA256)), cmp.Compare(a.Name, b.Name))
	})
	for _, d := range files {
		fields = append(fields, d.Name, strings.ToLower(d.SHA256))
	}
	h := sha256.New()
	for _, f := range fields {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// CanReadProposal decides who may read a proposal's content. Until the
// deadline only its own organization may — buyers, reviewers and platform
// admins included see nothing but the count. Once the tender has opened
// (its deadline passed while it was live) the buyer (the street), the need's
// community, platform admins and auditors may; the panel's reviewers read
// through their assignment (MayReadProposal). A tender cancelled before its
// deadline never opens.
func CanReadProposal(n *Need, p *Proposal, actor *accounts.User, now time.Time) bool {
	if actor == nil {
		return false
	}
	if actor.Holds(accounts.OrgAdmin, p.Resource(n)) || actor.Holds(accounts.OrgMember, p.Resource(n)) {
		return true
	}
	if !n.Opened(now) {
		return false
	}
	res := n.Resource()
	return actor.Holds(accounts.StreetStaff, res) || actor.Holds(accounts.CommunityStaff, res) ||
		actor.Holds(accounts.PlatformAdmin, res) || actor.Holds(accounts.Auditor, res)
}

// CanSubmitFor reports whether actor may submit or withdraw for org.
func CanSubmitFor(actor *accounts.User, orgID string) bool {
	res := accounts.Resource{Kind: accounts.KindOrganization, OrgID: orgID}
	return actor.Holds(accounts.OrgAdmin, res) || actor.Holds(accounts.OrgMember, res)
}

// CheckSubmit checks that a proposal may be submitted (or withdrawn) at now:
// the need is published and its deadline has not passed, whatever the client says.
func CheckSubmit(n *Need, now time.Time) error {
	switch n.EffectiveStatus(now) {
	case Published:
		return nil
	case Evaluating:
		// Whether or not the sweep has written it down yet: the same answer.
		return errs.E(errs.Conflict, "proposal.deadline_passed")
	}
	return errs.E(errs.Conflict, "proposal.need_not_open")
}
