package api

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
)

// activityJSON is a volunteer activity as the API shows it: public fields
// only (no names of the people signed up, no check-in secret).
type activityJSON struct {
	ID          string                 `json:"id"`
	Title       string                 `json:"title"`
	Type        activities.Type        `json:"type"`
	Description string                 `json:"description"`
	OrgID       string                 `json:"org_id"`
	Org         string                 `json:"org"`
	Team        string                 `json:"team"`
	StreetID    string                 `json:"street_id"`
	Street      string                 `json:"street"`
	CommunityID string                 `json:"community_id"`
	Community   string                 `json:"community"`
	Address     string                 `json:"address"`
	StartsAt    string                 `json:"starts_at"`
	EndsAt      string                 `json:"ends_at"`
	Capacity    int                    `json:"capacity"`
	Eligibility activities.Eligibility `json:"eligibility"`
	PointsRule  string                 `json:"points_rule"`
	Status      activities.Status      `json:"status"`
	SignedUp    int                    `json:"signed_up"`
	Waiting     int                    `json:"waiting"`
	CreatedAt   string                 `json:"created_at"`
}

func activityOut(x *activities.Activity) activityJSON {
	return activityJSON{ID: x.ID, Title: x.Title, Type: x.Type, Description: x.Description, OrgID: x.OrgID, Org: x.OrgName,
		Team: x.Team, StreetID: x.StreetID, Street: x.StreetName, CommunityID: x.CommunityID, Community: x.CommunityName,
		Address: x.Address, StartsAt: rfc3339(x.StartsAt), EndsAt: rfc3339(x.EndsAt), Capacity: x.Capacity,
		Eligibility: x.Eligibility, PointsRule: x.PointsRule, Status: x.Status, SignedUp: x.Signed, Waiting: x.Waiting,
		CreatedAt: rfc3339(x.CreatedAt)}
}

type activityList struct {
	Items   []activityJSON `json:"items"`
	Total   int            `json:"total"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
}

// listActivities: GET /api/v1/activities — published and finished
// activities (or one status), by street, community, organization, type and
// a time range (from/to: RFC 3339 or a Beijing date YYYY-MM-DD). With from,
// soonest first; otherwise latest first.
func (a *API) listActivities(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := readParams(r.URL, "street", "community", "org", "type", "status", "from", "to", "page", "per_page")
	f := activities.Filter{OrgID: p.str("org"),
		Page:    p.int("page", 1, 1, maxPage, "api.page_range"),
		PerPage: p.int("per_page", defaultPerPage, 1, 100, "api.per_page_range")}
	if s := p.str("street"); s != "" {
		st, err := a.resolveStreet(ctx, s)
		if err := p.add(err); err != nil {
			return err
		}
		if st != nil {
			f.StreetID = st.ID
		}
	}
	if s := p.str("community"); s != "" {
		cm, err := a.resolveCommunity(ctx, f.StreetID, s)
		if err := p.add(err); err != nil {
			return err
		}
		if cm != nil {
			f.CommunityID = cm.ID
		}
	}
	if s := p.str("type"); s != "" {
		if f.Type = activities.Type(s); !activities.ValidType(f.Type) {
			p.l.Add("type", "activity.type_invalid")
		}
	}
	if s := p.str("status"); s != "" {
		if f.Status = activities.Status(s); !slices.Contains(activities.Statuses, f.Status) || f.Status == activities.Draft {
			p.l.Add("status", "activity.status_invalid")
		}
	}
	f.From = a.paramTime(p, "from")
	f.To = a.paramTime(p, "to")
	if err := p.l.Err(); err != nil {
		return err
	}
	list, total, err := a.store.FindActivities(ctx, f)
	if err != nil {
		return err
	}
	out := activityList{Items: make([]activityJSON, 0, len(list)), Total: total, Page: f.Page, PerPage: f.PerPage}
	for _, x := range list {
		out.Items = append(out.Items, activityOut(x))
	}
	return writeJSON(w, http.StatusOK, out)
}

// beijing is where the platform's dates are days.
var beijing = time.FixedZone("CST", 8*3600)

// paramTime reads an RFC 3339 time or a date (midnight in Beijing).
func (a *API) paramTime(p *params, name string) time.Time {
	s := p.str(name)
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	if t, err := time.ParseInLocation("2006-01-02", s, beijing); err == nil {
		return t.UTC()
	}
	p.l.Add(name, "api.activity_time")
	return time.Time{}
}

// activityCreate is the body of POST /api/v1/activities.
type activityCreate struct {
	Title       string                 `json:"title"`
	Type        activities.Type        `json:"type"`
	Description string                 `json:"description"`
	OrgID       string                 `json:"org_id"`
	Team        string                 `json:"team"`
	Street      string                 `json:"street"`
	Community   string                 `json:"community"`
	Address     string                 `json:"address"`
	StartsAt    string                 `json:"starts_at"`
	EndsAt      string                 `json:"ends_at"`
	Capacity    int                    `json:"capacity"`
	Eligibility activities.Eligibility `json:"eligibility"`
	PointsRule  string                 `json:"points_rule"`
	Publish     bool                   `json:"publish"`
}

// createActivity: POST /api/v1/activities — a draft, or published at once
// with "publish": true. The organization's people (and coordinators) only.
func (a *API) createActivity(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	var in activityCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	x := &activities.Activity{Title: in.Title, Type: in.Type, Description: in.Description, OrgID: strings.TrimSpace(in.OrgID),
		Team: in.Team, Address: in.Address, Capacity: in.Capacity, Eligibility: in.Eligibility, PointsRule: in.PointsRule,
		Status: activities.Draft}
	if in.Publish {
		x.Status = activities.Published
	}
	var l errs.List
	if strings.TrimSpace(in.Street) != "" {
		st, err := a.resolveStreet(ctx, in.Street)
		if err := addField(&l, err); err != nil {
			return err
		}
		if st != nil {
			x.StreetID = st.ID
		}
	}
	if strings.TrimSpace(in.Community) != "" {
		cm, err := a.resolveCommunity(ctx, x.StreetID, in.Community)
		if err := addField(&l, err); err != nil {
			return err
		}
		if cm != nil {
			x.CommunityID = cm.ID
			if x.StreetID == "" {
				x.StreetID = cm.StreetID
			}
		}
	}
	for _, t := range []struct {
		field, v string
		dst      *time.Time
	}{{"starts_at", in.StartsAt, &x.StartsAt}, {"ends_at", in.EndsAt, &x.EndsAt}} {
		if strings.TrimSpace(t.v) == "" {
			continue // Validate says it is required
		}
		v, err := time.Parse(time.RFC3339, strings.TrimSpace(t.v))
		if err != nil {
			l.Add(t.field, "api.activity_time")
			continue
		}
		if !timeInRange(v) {
			l.Add(t.field, "date.out_of_range", minYear, maxYear)
			continue
		}
		*t.dst = v.UTC()
	}
	if err := l.Err(); err != nil {
		if verr := x.Validate(); verr != nil {
			return errs.Merge(err, verr)
		}
		return err
	}
	if err := a.store.CreateActivity(ctx, x); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, activityOut(x))
}

// signupJSON is the caller's own signup.
type signupJSON struct {
	ID               string                  `json:"id"`
	ActivityID       string                  `json:"activity_id"`
	Status           activities.SignupStatus `json:"status"`
	Position         int                     `json:"position"`
	CheckinAt        string                  `json:"checkin_at,omitempty"`
	CheckoutAt       string                  `json:"checkout_at,omitempty"`
	Minutes          int                     `json:"minutes"`
	ConfirmedMinutes *int                    `json:"confirmed_minutes,omitempty"`
}

func signupOut(g *activities.Signup) signupJSON {
	out := signupJSON{ID: g.ID, ActivityID: g.ActivityID, Status: g.Status, Position: g.Position, Minutes: g.Minutes}
	if !g.CheckinAt.IsZero() {
		out.CheckinAt = rfc3339(g.CheckinAt)
	}
	if !g.CheckoutAt.IsZero() {
		out.CheckoutAt = rfc3339(g.CheckoutAt)
	}
	if g.Confirmed {
		m := g.ConfirmedMins
		out.ConfirmedMinutes = &m
	}
	return out
}

// signupIn is the body of POST /api/v1/activities/{id}/signups.
type signupIn struct {
	Community string `json:"community"` // where the caller lives (id or name); remembered
}

// signUp: POST /api/v1/activities/{id}/signups — the caller (a resident)
// takes a place, or joins the waiting list when it is full (status
// "waiting", position in the queue). 201 either way.
func (a *API) signUp(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id := r.PathValue("id")
	if !cleanID(id) {
		return errs.E(errs.NotFound, "notfound.activity")
	}
	var in signupIn
	if r.ContentLength != 0 {
		if err := a.decode(w, r, &in); err != nil {
			return err
		}
	}
	ctx := r.Context()
	community := ""
	if strings.TrimSpace(in.Community) != "" {
		cm, err := a.resolveCommunity(ctx, "", in.Community)
		if err != nil {
			return err
		}
		community = cm.ID
	}
	g, err := a.store.Signup(ctx, id, community)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, signupOut(g))
}

// checkinIn is the body of POST /api/v1/activities/{id}/checkins.
type checkinIn struct {
	Code string `json:"code"`
}

type checkinJSON struct {
	Step   store.Step `json:"step"` // "checkin" or "checkout"
	Signup signupJSON `json:"signup"`
}

// checkIn: POST /api/v1/activities/{id}/checkins {"code"} — the code shown
// at the venue checks the caller in, or out when already in (not within
// five minutes of checking in). Tries are limited per caller and activity.
func (a *API) checkIn(w http.ResponseWriter, r *http.Request) error {
	u, err := requireActor(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if !cleanID(id) {
		return errs.E(errs.NotFound, "notfound.activity")
	}
	var in checkinIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.Code) == "" {
		return errs.Field("code", "field.required")
	}
	key := u.ID + "|" + id
	if ok, wait := a.codeTries.Allow(key); !ok {
		return errs.E(errs.TooMany, "error.rate_limited", int(wait.Seconds())+1)
	}
	step, g, err := a.store.CheckinByCode(r.Context(), id, in.Code, "")
	if err != nil {
		return err
	}
	a.codeTries.Reset(key)
	return writeJSON(w, http.StatusOK, checkinJSON{Step: step, Signup: signupOut(g)})
}
