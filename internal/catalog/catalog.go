// Package catalog is the same-style solution catalog (同款方案): completed
// projects distilled into standardized, versioned solutions that the next
// community adopts in one step. It holds the solution's shape, its review
// state machine (who may propose, submit, publish, revise, archive and
// merge), validation, the evidence computed from the projects that used a
// solution, the pre-filled need an adoption starts from, and the
// near-duplicate and clustering helpers. It knows nothing of SQL or HTTP.
package catalog

import (
	"time"

	"github.com/huitian/huitian/internal/accounts"
)

// Status is where a solution is in its life: the state of its latest
// version, or archived / merged for the solution as a whole.
type Status string

const (
	Draft     Status = "draft"     // being written (its first version or a revision)
	InReview  Status = "in_review" // submitted to a coordinator
	Published Status = "published" // the latest version is published
	Archived  Status = "archived"  // withdrawn from the catalog; its published versions stay readable
	Merged    Status = "merged"    // absorbed by another solution, which it redirects to
)

// Statuses lists every status in life order.
var Statuses = []Status{Draft, InReview, Published, Archived, Merged}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if x == s {
			return true
		}
	}
	return false
}

// Step is one ordered step of a solution's approach; it becomes a
// deliverable of an adopting need.
type Step struct {
	Title  string `json:"title"`
	Detail string `json:"detail,omitempty"`
	Days   int    `json:"days,omitempty"` // typical length of the step, 0 unknown
}

// Inputs are what delivering a solution takes.
type Inputs struct {
	Staff      int      `json:"staff"`      // professional staff (社工, 讲师 …)
	Volunteers int      `json:"volunteers"` // volunteers
	Materials  []string `json:"materials,omitempty"`
}

// Outcome is an expected outcome with the indicator that shows it.
type Outcome struct {
	Text      string `json:"text"`
	Indicator string `json:"indicator"`
	Target    string `json:"target,omitempty"` // e.g. "≥ 80%"
}

// Risk is a known risk of delivering the solution, with its mitigation.
type Risk struct {
	Text       string `json:"text"`
	Mitigation string `json:"mitigation,omitempty"`
}

// Attachment reuses a document or photo of one of the solution's projects:
// a reference to procurement's document, never a copy.
type Attachment struct {
	DocumentID string `json:"document_id"`
	NeedID     string `json:"need_id"`
	Name       string `json:"name"`
	Photo      bool   `json:"photo,omitempty"`
}

// Suits says which communities and people a solution suits.
type Suits struct {
	CommunityTypes []string `json:"community_types,omitempty"` // CommunityTypes codes
	Population     []string `json:"population,omitempty"`      // free words: 独居老人, 双职工家庭 …
}

// CommunityTypes are the kinds of residential community a solution may suit.
var CommunityTypes = []struct{ Code, Name string }{
	{"old_estate", "老旧小区"},
	{"commercial", "商品房小区"},
	{"resettlement", "回迁安置小区"},
	{"affordable", "保障性住房"},
	{"mixed", "混合型社区"},
	{"village", "村改居社区"},
}

// CommunityTypeName returns the Chinese name of a community type code ("" unknown).
func CommunityTypeName(code string) string {
	for _, t := range CommunityTypes {
		if t.Code == code {
			return t.Name
		}
	}
	return ""
}

// Version is one version of a solution's content. A published version is
// never changed again; a revision is a new draft version.
type Version struct {
	SolutionID string
	Number     int    // 1, 2, …
	Status     Status // draft, in_review or published
	Title      string
	Problem    string // the problem pattern: what situation it answers
	Summary    string // one paragraph: what is done, for whom
	Category   string // taxonomy code
	Tags       []string
	Suits      Suits
	Steps      []Step
	Inputs     Inputs
	// The typical budget (fen) and duration (days) ranges: computed from
	// the solution's projects when it is proposed, editable afterwards.
	BudgetMinFen    int64
	BudgetMaxFen    int64
	DurationMinDays int
	DurationMaxDays int
	Outcomes        []Outcome
	Risks           []Risk
	Attachments     []Attachment
	ProviderIDs     []string // organizations that deliver it
	Note            string   // what changed in this version
	CreatedBy       string
	CreatedAt       time.Time
	SubmittedAt     time.Time
	PublishedAt     time.Time
	PublishedBy     string
}

// VersionInfo is a line of a solution's version history.
type VersionInfo struct {
	Number      int
	Status      Status
	Title       string
	Note        string
	CreatedAt   time.Time
	PublishedAt time.Time
}

// Solution is a standardized, reusable package distilled from completed
// projects.
type Solution struct {
	ID     string
	Status Status
	// OrgID is the organization that proposed it ("" when platform staff
	// did): its people are the solution's authors.
	OrgID     string
	OrgName   string
	CreatedBy string
	// MergedInto is the solution this one redirects to once merged.
	MergedInto string
	// ReviewComment is the coordinator's comment when a draft was returned
	// (private to authors and coordinators).
	ReviewComment string
	// PublishedVersion is the number of the current published version (0:
	// never published); LatestVersion the newest, perhaps a draft.
	PublishedVersion int
	LatestVersion    int
	// Version is the content loaded: the asked-for version, else the
	// current published one for the public and the latest for authors and
	// coordinators.
	Version   Version
	Versions  []VersionInfo // newest first
	Providers []Provider    // of Version, with names
	CreatedAt time.Time
	UpdatedAt time.Time
	// Figures are the evidence figures, filled by lists and pages (never
	// stored: computed from the projects).
	Figures Figures
	// Adoptions counts needs that adopted it (any state but cancelled).
	Adoptions int
}

// Provider is an organization that delivers a solution.
type Provider struct {
	OrgID   string
	OrgName string
}

// Resource is the solution's authorization view: its proposing
// organization and its author.
func (s *Solution) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindSolution, ID: s.ID, OrgID: s.OrgID, OwnerID: s.CreatedBy}
}

// Public reports whether the solution has something the public may read:
// a published version, and it is not merged away (a merged one redirects).
func (s *Solution) Public() bool {
	return s.PublishedVersion > 0 && s.Status != Merged
}

// Listed reports whether the solution appears in the public catalog and may
// be adopted: published and neither archived nor merged. A published
// solution with a revision in draft or review stays listed with its
// published version.
func (s *Solution) Listed() bool {
	return s.PublishedVersion > 0 && s.Status != Archived && s.Status != Merged
}

// Filter selects solutions for the catalog and the staff lists.
type Filter struct {
	Query    string   // words, matched against title, problem and tags (the search index ranks better)
	IDs      []string // only these, in this order when Sort is "" (a search's ranking)
	Category string
	OrgID    string // proposed by or provided by this organization
	Status   Status // "" : what the actor may see, published for the public
	Sort     Sort
	Page     int
	PerPage  int
}

// Sort orders a catalog list.
type Sort string

const (
	SortDeliveries   Sort = "deliveries"   // most delivered first
	SortSatisfaction Sort = "satisfaction" // highest average rating first
	SortAcceptance   Sort = "acceptance"   // highest first-time acceptance rate first
	SortCost         Sort = "cost"         // lowest cost per beneficiary (else typical budget) first
	SortNewest       Sort = "newest"       // most recently published first
)

// Sorts lists the sort orders in display order.
var Sorts = []Sort{SortDeliveries, SortSatisfaction, SortAcceptance, SortCost, SortNewest}

// ValidSort reports whether s is a known sort ("" included: the default).
func ValidSort(s Sort) bool {
	if s == "" {
		return true
	}
	for _, x := range Sorts {
		if x == s {
			return true
		}
	}
	return false
}

// MaxPerPage bounds every list of solutions.
const MaxPerPage = 100
