package incubation

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Stage is where an organization's incubation stands.
type Stage string

const (
	Applied    Stage = "applied"    // 申请入驻
	Admitted   Stage = "admitted"   // 入驻: plan and period agreed
	Incubating Stage = "incubating" // 孵化中: moved in, has a workstation
	Graduated  Stage = "graduated"  // 出壳
	Withdrawn  Stage = "withdrawn"  // 退出 (or refused)
)

// Stages lists the stages in order.
var Stages = []Stage{Applied, Admitted, Incubating, Graduated, Withdrawn}

// Action is a step of an incubation.
type Action string

const (
	ActAdmit    Action = "admit"    // staff accept the application with a plan and a period
	ActStart    Action = "start"    // the organization moves in
	ActGraduate Action = "graduate" // 出壳, when the criteria are met
	ActWithdraw Action = "withdraw" // the organization leaves, or staff refuse or end it
)

// Who takes a transition: the base's staff, or the organization's admin.
type Who string

const (
	Staff Who = "staff"
	Org   Who = "org"
)

// Transition is one row of the incubation state machine.
type Transition struct {
	From   Stage
	Action Action
	To     Stage
	Who    []Who
}

// Transitions is the whole incubation state machine; anything not listed is
// refused.
var Transitions = []Transition{
	{Applied, ActAdmit, Admitted, []Who{Staff}},
	{Applied, ActWithdraw, Withdrawn, []Who{Staff, Org}},
	{Admitted, ActStart, Incubating, []Who{Staff}},
	{Admitted, ActWithdraw, Withdrawn, []Who{Staff, Org}},
	{Incubating, ActGraduate, Graduated, []Who{Staff}},
	{Incubating, ActWithdraw, Withdrawn, []Who{Staff, Org}},
}

// Incubation is one organization's stay at one base.
type Incubation struct {
	ID          string
	BaseID      string
	BaseName    string
	StreetID    string // the base's street
	OrgID       string
	OrgName     string
	Stage       Stage
	Statement   string // the application: what the organization does and needs
	Plan        string // the incubation plan agreed at admission
	Mentor      string // the mentor named at admission
	StartsOn    time.Time
	EndsOn      time.Time
	AppliedAt   time.Time
	UpdatedAt   time.Time
	Note        string // the last decision's note (why withdrawn …)
	Workstation string // the name of its workstation, if any
}

// Resource is the incubation's authorization view.
func (in *Incubation) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindIncubation, ID: in.ID, StreetID: in.StreetID, OrgID: in.OrgID}
}

// Active reports whether the organization is admitted or incubating.
func (in *Incubation) Active() bool { return in.Stage == Admitted || in.Stage == Incubating }

// ValidateApplication normalizes an application.
func (in *Incubation) ValidateApplication() error {
	var l errs.List
	in.Statement = strings.TrimSpace(in.Statement)
	switch c := utf8.RuneCountInString(in.Statement); {
	case c < 10:
		l.Add("statement", "incubation.statement_short", 10)
	case c > 1000:
		l.Add("statement", "field.too_long", 1000)
	}
	if in.BaseID == "" {
		l.Add("base", "field.required")
	}
	return l.Err()
}

// Admission is what staff decide when admitting.
type Admission struct {
	Plan     string
	Mentor   string
	StartsOn time.Time
	EndsOn   time.Time
}

// Validate normalizes an admission.
func (a *Admission) Validate() error {
	var l errs.List
	a.Plan = strings.TrimSpace(a.Plan)
	switch c := utf8.RuneCountInString(a.Plan); {
	case c == 0:
		l.Add("plan", "field.required")
	case c > 1000:
		l.Add("plan", "field.too_long", 1000)
	}
	a.Mentor = strings.TrimSpace(a.Mentor)
	if utf8.RuneCountInString(a.Mentor) > 40 {
		l.Add("mentor", "field.too_long", 40)
	}
	if a.StartsOn.IsZero() {
		l.Add("starts_on", "field.required")
	}
	if a.EndsOn.IsZero() {
		l.Add("ends_on", "field.required")
	} else if !a.StartsOn.IsZero() && !a.EndsOn.After(a.StartsOn) {
		l.Add("ends_on", "incubation.period_order")
	} else if !a.StartsOn.IsZero() && a.EndsOn.After(a.StartsOn.AddDate(MaxIncubationYears, 0, 0)) {
		l.Add("ends_on", "incubation.period_too_long", MaxIncubationYears)
	}
	return l.Err()
}

// MaxIncubationYears bounds an admission's period: a base admits for a
// year or two; ten years is a typo of the year.
const MaxIncubationYears = 3

// CheckDay refuses a service recorded for a day after now's: a record
// is of a service received.
func (s *Service) CheckDay(now time.Time) error {
	if !s.On.IsZero() && s.On.After(now) {
		return errs.Field("on", "incubation.service_future")
	}
	return nil
}

// Step finds the transition for action from in's stage that u may take.
func Step(u *accounts.User, in *Incubation, action Action) (Stage, error) {
	found := false
	for _, t := range Transitions {
		if t.From != in.Stage || t.Action != action {
			continue
		}
		found = true
		for _, w := range t.Who {
			if w == Staff && Manages(u, in.StreetID) {
				return t.To, nil
			}
			if w == Org && u.Holds(accounts.OrgAdmin, in.Resource()) {
				return t.To, nil
			}
		}
	}
	if !found {
		return "", errs.E(errs.Conflict, "incubation.bad_transition", errs.Msg("inc.stage."+string(in.Stage)),
			errs.Msg("inc.act."+string(action)))
	}
	if u == nil {
		return "", errs.E(errs.Unauthorized, "auth.required")
	}
	return "", errs.E(errs.Forbidden, "auth.forbidden")
}

// Service is a mentoring session or another service an incubatee received.
type Service struct {
	ID           string
	IncubationID string
	Kind         string // 导师辅导, 财务托管, 法律咨询, 场地 … free text
	Provider     string // mentor or provider
	Note         string
	On           time.Time
	CreatedAt    time.Time
}

// Validate normalizes a service record.
func (s *Service) Validate() error {
	var l errs.List
	s.Kind = strings.TrimSpace(s.Kind)
	if c := utf8.RuneCountInString(s.Kind); c == 0 {
		l.Add("kind", "field.required")
	} else if c > 20 {
		l.Add("kind", "field.too_long", 20)
	}
	s.Provider = strings.TrimSpace(s.Provider)
	if utf8.RuneCountInString(s.Provider) > 40 {
		l.Add("provider", "field.too_long", 40)
	}
	s.Note = strings.TrimSpace(s.Note)
	if utf8.RuneCountInString(s.Note) > 500 {
		l.Add("note", "field.too_long", 500)
	}
	if s.On.IsZero() {
		l.Add("on", "field.required")
	}
	return l.Err()
}

// MinCourses is how many completed courses graduation asks for.
const MinCourses = 2

// Criteria are the graduation (出壳) criteria, computed from the registry,
// the academy and the procurement record.
type Criteria struct {
	Registered       bool // registered with civil affairs (民政登记)
	CoursesCompleted int  // distinct courses with a certificate
	ProjectsWon      int  // needs awarded to it and accepted
}

// Trained reports whether enough courses were completed.
func (c Criteria) Trained() bool { return c.CoursesCompleted >= MinCourses }

// Delivered reports whether a first project was delivered and accepted.
func (c Criteria) Delivered() bool { return c.ProjectsWon > 0 }

// Met reports whether all criteria hold.
func (c Criteria) Met() bool { return c.Registered && c.Trained() && c.Delivered() }
