package api

import (
	"net/http"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/dashboard"
)

// statsCount is one row of a breakdown: a code (category, status, street
// id, year) and how many.
type statsCount struct {
	Key   string `json:"key"`
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// statsStreet is one street's matching: "which street's needs take
// longest to match, and why".
type statsStreet struct {
	StreetID        string   `json:"street_id"`
	StreetName      string   `json:"street_name"`
	NeedsPublished  int      `json:"needs_published"`
	NeedsContracted int      `json:"needs_contracted"`
	Proposals       int      `json:"proposals"`
	NoProposal      int      `json:"needs_without_proposal"`
	MedianHours     *float64 `json:"median_hours_to_contract"`
}

// statsOverview is the dashboard's figures (GET /api/v1/stats/overview).
type statsOverview struct {
	StreetID                    string        `json:"street_id"`
	From                        *string       `json:"from"`
	To                          *string       `json:"to"`
	Organizations               int           `json:"organizations"`
	VolunteerTeams              int           `json:"volunteer_teams"`
	OrganizationsByRegistration []statsCount  `json:"organizations_by_registration"`
	OrganizationsByPartyForm    []statsCount  `json:"organizations_by_party_form"`
	OrganizationsByCategory     []statsCount  `json:"organizations_by_category"`
	OrganizationsByStreet       []statsCount  `json:"organizations_by_street"`
	OrganizationsByYear         []statsCount  `json:"organizations_by_founding_year"`
	Incubating                  int           `json:"incubating"`
	Graduated                   int           `json:"graduated"`
	Needs                       int           `json:"needs"`
	NeedsByCategory             []statsCount  `json:"needs_by_category"`
	NeedsByStatus               []statsCount  `json:"needs_by_status"`
	MedianHours                 *float64      `json:"median_hours_to_contract"`
	Streets                     []statsStreet `json:"streets"`
	Awards                      int           `json:"awards"`
	AwardsOwnStreet             int           `json:"awards_own_street"`
	Acceptances                 int           `json:"acceptances"`
	Ratings                     int           `json:"ratings"`
	AverageSatisfaction         *float64      `json:"average_satisfaction"`
	PointsIssued                int64         `json:"points_issued"`
	PointsRedeemed              int64         `json:"points_redeemed"`
	ActivitiesHeld              int           `json:"activities_held"`
	VolunteerHours              float64       `json:"volunteer_hours"`
	TrainingAttendance          int           `json:"training_attendance"`
	OverdueActionItems          int           `json:"overdue_action_items"`
	PortalViews                 int64         `json:"portal_views"`
	PortalVisitors              int           `json:"portal_visitors"`
	// Money by funding route (资金渠道), in fen.
	MoneyProcurementFen int64 `json:"money_procurement_fen"`
	MoneyGrantFen       int64 `json:"money_grant_fen"`
	MoneyMatchFen       int64 `json:"money_match_fen"`
}

func statsCounts(cs []dashboard.Count) []statsCount {
	out := make([]statsCount, 0, len(cs))
	for _, c := range cs {
		out = append(out, statsCount{Key: c.Key, Name: c.Name, Count: c.N})
	}
	return out
}

// hoursOrNil is a median for JSON: null when there was nothing to measure.
func hoursOrNil(h float64) *float64 {
	if h < 0 {
		return nil
	}
	r := dashboard.Round1(h)
	return &r
}

// statsOverview: GET /api/v1/stats/overview?street=&from=&to= (platform
// admins and auditors: the district or a street; street staff: their own
// street, forced). from and to are dates in Beijing time, to inclusive.
func (a *API) statsOverview(w http.ResponseWriter, r *http.Request) error {
	p := readParams(r.URL, "street", "from", "to")
	if err := p.l.Err(); err != nil {
		return err
	}
	u, err := requireActor(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f, err := dashboard.ParseFilter(q.Get("street"), q.Get("from"), q.Get("to"), beijing)
	if err != nil {
		return err
	}
	if f.StreetID, err = dashboard.Scope(u, accounts.View, f.StreetID); err != nil {
		return err
	}
	o, err := a.store.Overview(r.Context(), f)
	if err != nil {
		return err
	}
	out := statsOverview{StreetID: f.StreetID, Organizations: o.Organizations, VolunteerTeams: o.Teams,
		OrganizationsByRegistration: statsCounts(o.OrgsByRegistration), OrganizationsByPartyForm: statsCounts(o.OrgsByPartyForm),
		OrganizationsByCategory: statsCounts(o.OrgsByCategory), OrganizationsByStreet: statsCounts(o.OrgsByStreet),
		OrganizationsByYear: statsCounts(o.OrgsByYear), Incubating: o.Incubating, Graduated: o.Graduated,
		Needs: o.Needs, NeedsByCategory: statsCounts(o.NeedsByCategory), NeedsByStatus: statsCounts(o.NeedsByStatus),
		MedianHours: hoursOrNil(o.MedianHoursToContract), Streets: []statsStreet{}, Awards: o.Awards,
		AwardsOwnStreet: o.AwardsOwnStreet, Acceptances: o.Acceptances, Ratings: o.Ratings,
		PointsIssued: o.PointsIssued, PointsRedeemed: o.PointsRedeemed, ActivitiesHeld: o.ActivitiesHeld,
		VolunteerHours: dashboard.Round1(o.VolunteerHours), TrainingAttendance: o.TrainingPresent,
		OverdueActionItems: o.OverdueActions, PortalViews: o.PortalViews, PortalVisitors: o.PortalVisitors,
		MoneyProcurementFen: o.MoneyProcurement, MoneyGrantFen: o.MoneyGrant, MoneyMatchFen: o.MoneyMatch}
	from, to := f.FormDates(beijing)
	if from != "" {
		out.From = &from
	}
	if to != "" {
		out.To = &to
	}
	if o.Ratings > 0 {
		s := dashboard.Round1(o.AvgSatisfaction)
		out.AverageSatisfaction = &s
	}
	for _, m := range o.Streets {
		out.Streets = append(out.Streets, statsStreet{StreetID: m.StreetID, StreetName: m.StreetName,
			NeedsPublished: m.Published, NeedsContracted: m.Contracted, Proposals: m.Proposals,
			NoProposal: m.NoProposal, MedianHours: hoursOrNil(m.MedianH)})
	}
	return writeJSON(w, http.StatusOK, out)
}
