// Package dashboard holds the figures of the statistics dashboard (数据看板,
// issue #9): what a coordinator or a street's staff reads about
// organizations, needs, points, activities and training over a period. It
// knows nothing of SQL or HTTP; the store fills an Overview, the pages and
// the API show it.
package dashboard

import (
	"math"
	"sort"
	"time"
)

// Filter narrows the figures: one street ("" is the whole district) and a
// period [From, To) on when things happened (zero times: unbounded).
type Filter struct {
	StreetID string
	From, To time.Time
}

// Count is one bar of a breakdown: a key (a code such as a category or a
// status, a street id, a year) and how many.
type Count struct {
	Key  string
	Name string // display name, filled by the caller when known
	N    int
	// Value is the bar's measure when it is not a whole count (a median in
	// days, one decimal; N is its rounding); 0 for a count.
	Value float64
}

// Amount is the bar's height: Value when set, else N.
func (c Count) Amount() float64 {
	if c.Value != 0 {
		return c.Value
	}
	return float64(c.N)
}

// StreetMatch answers "which street's needs take longest to match, and why".
type StreetMatch struct {
	StreetID   string
	StreetName string
	Published  int
	Contracted int
	Proposals  int
	NoProposal int
	MedianH    float64 // -1: none contracted
}

// PerNeed is proposals per published need (0 when none was published).
func (m StreetMatch) PerNeed() float64 { return ratio(m.Proposals, m.Published) }

// NoProposalShare is the share of published needs no organization answered.
func (m StreetMatch) NoProposalShare() float64 { return ratio(m.NoProposal, m.Published) }

// Overview is every figure of the dashboard for one Filter.
type Overview struct {
	Filter Filter

	OrgsByRegistration []Count
	OrgsByPartyForm    []Count
	OrgsByCategory     []Count
	OrgsByStreet       []Count
	OrgsByYear         []Count
	// Organizations are the register's organizations proper; the volunteer
	// teams it also lists (志愿服务队, usually an organization's own) are
	// counted apart in Teams, in no breakdown: register = the two summed.
	Organizations int
	Teams         int

	Incubating int
	Graduated  int

	NeedsByCategory []Count
	NeedsByStatus   []Count
	Needs           int
	// MedianHoursToContract is the median of hours from publication to the
	// signed contract over the needs contracted; -1 when there are none.
	MedianHoursToContract float64
	Streets               []StreetMatch
	Awards                int
	AwardsOwnStreet       int

	Acceptances     int
	Ratings         int
	AvgSatisfaction float64 // stars 1–5; 0 when no rating

	PointsIssued   int64
	PointsRedeemed int64

	ActivitiesHeld  int
	VolunteerHours  float64
	TrainingPresent int
	OverdueActions  int

	// Money by funding route (资金渠道), in fen: contracts signed under
	// government purchase, and grants awarded by the foundation directly
	// or as micro-venture matches.
	MoneyProcurement int64
	MoneyGrant       int64
	MoneyMatch       int64

	// The resident portal: page views, and daily unique visitors summed
	// over the days of the period (district-wide).
	PortalViews    int64
	PortalVisitors int
}

// OwnStreetShare is the share of awards that went to an organization of
// the need's own street (0 when there were no awards).
func (o *Overview) OwnStreetShare() float64 { return ratio(o.AwardsOwnStreet, o.Awards) }

// Median returns the median of xs, or -1 for none. xs is sorted in place.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return -1
	}
	sort.Float64s(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// Tally turns counts by key into a breakdown, largest first, then by key.
func Tally(m map[string]int) []Count {
	out := make([]Count, 0, len(m))
	for k, n := range m {
		out = append(out, Count{Key: k, N: n})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// ByKey sorts a breakdown by key (years read best in order).
func ByKey(cs []Count) []Count {
	sort.Slice(cs, func(i, j int) bool { return cs[i].Key < cs[j].Key })
	return cs
}

// Ticks are the marks of a chart's value axis from 0 to at least max, a
// round step apart (1, 2 or 5 × 10ⁿ), five or so: 0, 50, 100, 150 rather
// than 0, 24, 48, 72. For whole counts (whole) the step is at least 1.
func Ticks(max float64, whole bool) []float64 {
	if !(max > 0) || math.IsInf(max, 1) {
		max = 1
	}
	raw := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if whole && step < 1 {
		step = 1
	}
	n := int(math.Ceil(max/step - 1e-9))
	// Whole multiples of mag, divided rather than multiplied below 1, so
	// that 3 × 0.2 is 0.6 and not 0.6000000000000001.
	units := math.Round(step / mag)
	out := make([]float64, 0, n+1)
	for i := 0; i <= n; i++ {
		k := float64(i) * units
		if mag < 1 {
			out = append(out, k/math.Round(1/mag))
		} else {
			out = append(out, k*mag)
		}
	}
	return out
}

// Round1 rounds to one decimal, for display and JSON.
func Round1(x float64) float64 { return math.Round(x*10) / 10 }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// SortStreets puts the slowest-matching streets first (the question a
// coordinator asks); streets with nothing contracted follow, by needs.
func SortStreets(ms []StreetMatch) {
	sort.Slice(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if a.MedianH != b.MedianH {
			return a.MedianH > b.MedianH
		}
		if a.Published != b.Published {
			return a.Published > b.Published
		}
		return a.StreetID < b.StreetID
	})
}

// Zone is the platform's local time zone (China has one, without daylight
// saving): visit days are counted in it.
func Zone() *time.Location { return time.FixedZone("Asia/Shanghai", 8*3600) }
