package catalog

import (
	"sort"
	"time"
)

// Source says how a project joined a solution's evidence.
type Source string

const (
	// SourceProposed: one of the completed projects the solution was
	// distilled from (named when it was proposed or revised).
	SourceProposed Source = "proposed"
	// SourceAdopted: a need that adopted the solution, linked when its
	// delivery was accepted.
	SourceAdopted Source = "adopted"
)

// Delivery is one completed project in a solution's evidence: every figure
// comes from the project's own records (contract, acceptance, ratings),
// never from what a solution's author typed.
type Delivery struct {
	NeedID        string
	Key           string // source key of an imported project
	Title         string
	StreetID      string
	StreetName    string
	CommunityID   string
	CommunityName string
	OrgID         string
	OrgName       string
	Source        Source
	AmountFen     int64 // the contract's amount, else the budget
	DurationDays  int   // the contract's term in days (0 unknown)
	PublishedAt   time.Time
	ContractedAt  time.Time
	AcceptedAt    time.Time
	// Rating is the project's satisfaction (the source's average for an
	// imported project, else the mean of residents' ratings); 0 unrated.
	Rating  float64
	Ratings int // ratings given on the platform
	// Rejections counts deliveries the community sent back before it
	// accepted: 0 is an acceptance at first delivery.
	Rejections int
	// Outcome is what the community wrote when it accepted the work (public
	// on the need's timeline); "" when it wrote nothing.
	Outcome string
	// Beneficiaries is how many people the project reached, when the data
	// says (0: unknown).
	Beneficiaries int
}

// Figures are a solution's evidence in numbers.
type Figures struct {
	Deliveries int     // completed projects
	Adopted    int     // of which needs that adopted the solution
	Rated      int     // of which rated
	AvgRating  float64 // mean of the rated projects' ratings (each counts once); 0 none
	// AcceptanceRate is the share of deliveries accepted at the first
	// delivery (0..1); meaningful only when Deliveries > 0.
	AcceptanceRate float64
	// CostPerBeneficiaryFen is the summed amount over the summed
	// beneficiaries of the deliveries that report them; 0 (omit it) when
	// none does.
	CostPerBeneficiaryFen int64
	BudgetMinFen          int64
	BudgetMaxFen          int64
	MedianBudgetFen       int64
	DurationMinDays       int
	DurationMaxDays       int
	Streets               int // distinct streets delivered in
	Communities           int // distinct communities delivered in
	LastDelivered         time.Time
}

// HasCostPerBeneficiary reports whether the figure can be shown.
func (f Figures) HasCostPerBeneficiary() bool { return f.CostPerBeneficiaryFen > 0 }

// Evidence is every project that used a solution, newest first, with the
// figures computed from them.
type Evidence struct {
	Projects []Delivery
	Figures
}

// NewEvidence sorts ds newest first and computes the figures.
func NewEvidence(ds []Delivery) Evidence {
	out := append([]Delivery(nil), ds...)
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].AcceptedAt.Equal(out[j].AcceptedAt) {
			return out[i].AcceptedAt.After(out[j].AcceptedAt)
		}
		return out[i].NeedID < out[j].NeedID
	})
	return Evidence{Projects: out, Figures: ComputeFigures(out)}
}

// ComputeFigures computes a solution's evidence figures from its deliveries.
func ComputeFigures(ds []Delivery) Figures {
	f := Figures{Deliveries: len(ds)}
	if len(ds) == 0 {
		return f
	}
	var ratingSum float64
	var firstTime int
	var costSum int64
	var people int
	streets, communities := map[string]bool{}, map[string]bool{}
	var budgets []int64
	for _, d := range ds {
		if d.Source == SourceAdopted {
			f.Adopted++
		}
		if d.Rating > 0 {
			f.Rated++
			ratingSum += d.Rating
		}
		if d.Rejections == 0 {
			firstTime++
		}
		if d.Beneficiaries > 0 && d.AmountFen > 0 {
			costSum += d.AmountFen
			people += d.Beneficiaries
		}
		if d.StreetID != "" {
			streets[d.StreetID] = true
		}
		if d.CommunityID != "" {
			communities[d.CommunityID] = true
		}
		if d.AcceptedAt.After(f.LastDelivered) {
			f.LastDelivered = d.AcceptedAt
		}
		if d.AmountFen > 0 {
			budgets = append(budgets, d.AmountFen)
		}
	}
	if f.Rated > 0 {
		f.AvgRating = ratingSum / float64(f.Rated)
	}
	f.AcceptanceRate = float64(firstTime) / float64(len(ds))
	if people > 0 {
		f.CostPerBeneficiaryFen = (costSum + int64(people)/2) / int64(people)
	}
	f.Streets, f.Communities = len(streets), len(communities)
	f.BudgetMinFen, f.BudgetMaxFen, f.DurationMinDays, f.DurationMaxDays = Ranges(ds)
	if len(budgets) > 0 {
		sort.Slice(budgets, func(i, j int) bool { return budgets[i] < budgets[j] })
		f.MedianBudgetFen = budgets[len(budgets)/2]
		if len(budgets)%2 == 0 {
			f.MedianBudgetFen = (budgets[len(budgets)/2-1] + budgets[len(budgets)/2]) / 2
		}
	}
	return f
}

// Ranges returns the budget (fen) and duration (days) ranges of the
// deliveries: what a proposed solution's typical budget and duration start
// from. Unknown values (0) are left out; all zero when nothing is known.
func Ranges(ds []Delivery) (budgetMin, budgetMax int64, daysMin, daysMax int) {
	for _, d := range ds {
		if d.AmountFen > 0 {
			if budgetMin == 0 || d.AmountFen < budgetMin {
				budgetMin = d.AmountFen
			}
			budgetMax = max(budgetMax, d.AmountFen)
		}
		if d.DurationDays > 0 {
			if daysMin == 0 || d.DurationDays < daysMin {
				daysMin = d.DurationDays
			}
			daysMax = max(daysMax, d.DurationDays)
		}
	}
	return
}

// LeadTime is how long needs took from publication to a signed contract.
type LeadTime struct {
	Needs   int     // needs measured
	AvgDays float64 // mean days from publish to contract; 0 when none
}

// Span is one need's publication and contract times.
type Span struct{ Published, Contracted time.Time }

// LeadTimeOf averages the spans that have both ends, the contract after the
// publication.
func LeadTimeOf(spans []Span) LeadTime {
	var lt LeadTime
	var sum float64
	for _, s := range spans {
		if s.Published.IsZero() || s.Contracted.IsZero() || s.Contracted.Before(s.Published) {
			continue
		}
		lt.Needs++
		sum += s.Contracted.Sub(s.Published).Hours() / 24
	}
	if lt.Needs > 0 {
		lt.AvgDays = sum / float64(lt.Needs)
	}
	return lt
}

// Stats are the catalog's figures for one solution or one category: how
// often solutions are adopted and delivered, and whether adopting is faster
// than writing a need from scratch (the catalog's promise).
type Stats struct {
	Key        string // solution id or category code
	Name       string // solution title or category name
	Solutions  int    // published solutions (1 for a solution's own stats)
	Adoptions  int    // needs that adopted one (not cancelled)
	Deliveries int    // evidence: completed projects
	Adopted    LeadTime
	Fresh      LeadTime // needs of the same category that adopted nothing
}
