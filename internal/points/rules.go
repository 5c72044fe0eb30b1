package points

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// RuleKind says how a points rule (积分规则) computes an award.
type RuleKind string

const (
	// PerHour: PointsPerHour for each confirmed volunteer hour (whole
	// minutes count pro rata, rounded down), for one activity type or any.
	PerHour RuleKind = "per_hour"
	// PerActivity: a flat Points for taking part in an activity of a type (or any).
	PerActivity RuleKind = "per_activity"
	// Participation: a resident's bonus when this attendance is their
	// Threshold-th of the month.
	Participation RuleKind = "participation"
	// Richness: the organization's bonus when this attendance brings the
	// distinct activity types it ran this month to Threshold.
	Richness RuleKind = "richness"
)

// RuleKinds lists every kind.
var RuleKinds = []RuleKind{PerHour, PerActivity, Participation, Richness}

// Rule is a points rule, kept as data and edited by coordinators.
type Rule struct {
	ID            string
	Name          string
	Kind          RuleKind
	ActivityType  string // "" any type
	PointsPerHour int64  // PerHour
	Points        int64  // PerActivity, Participation, Richness
	DailyCap      int64  // most points one recipient gets from this rule a day; 0 none
	Threshold     int64  // Participation, Richness
	Active        bool
	UpdatedAt     time.Time
}

// Resource is a rule's authorization view.
func (r *Rule) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindPointsRule, ID: r.ID}
}

// Validate normalizes a rule and reports every problem.
func (r *Rule) Validate() error {
	var l errs.List
	r.Name = strings.TrimSpace(r.Name)
	switch c := utf8.RuneCountInString(r.Name); {
	case c == 0:
		l.Add("name", "field.required")
	case c > 60:
		l.Add("name", "field.too_long", 60)
	}
	r.ActivityType = strings.TrimSpace(r.ActivityType)
	if utf8.RuneCountInString(r.ActivityType) > 30 {
		l.Add("activity_type", "field.too_long", 30)
	}
	inRange := func(field string, v, lo, hi int64) {
		if v < lo || v > hi {
			l.Add(field, "number.range", lo, hi)
		}
	}
	switch r.Kind {
	case PerHour:
		inRange("points_per_hour", r.PointsPerHour, 1, 1000)
	case PerActivity:
		inRange("points", r.Points, 1, 10000)
	case Participation, Richness:
		inRange("points", r.Points, 1, 10000)
		inRange("threshold", r.Threshold, 1, 100)
	default:
		l.Add("kind", "points.rule_kind_invalid")
	}
	inRange("daily_cap", r.DailyCap, 0, 100000)
	return l.Err()
}

// RewardsResident reports whether the rule's points go to the resident who
// attended (every kind but Richness, which rewards the organization).
func (r *Rule) RewardsResident() bool { return r.Kind != Richness }

// AppliesTo reports whether the rule awards points for attendance at an
// activity of the given type: it is active and names that type or none.
func (r *Rule) AppliesTo(activityType string) bool {
	return r.Active && (r.ActivityType == "" || r.ActivityType == activityType)
}

// ResidentRulesFor returns the rules that award the resident who attends an
// activity of the given type: active, naming that type or none, paid to
// the resident. What an activity page and card promise.
func ResidentRulesFor(rules []*Rule, activityType string) []*Rule {
	var out []*Rule
	for _, r := range rules {
		if r.AppliesTo(activityType) && r.RewardsResident() {
			out = append(out, r)
		}
	}
	return out
}

// Attendance is a confirmed volunteer attendance as the activities side
// reports it, with what the store counted around it.
type Attendance struct {
	Key          string // the attendance's own id: awards from it are made once
	ResidentID   string
	ResidentName string
	ActivityType string
	Minutes      int64 // confirmed volunteer time
	Date         time.Time
	OrgID        string
	OrgName      string
	StreetID     string
	// Counted by the store before computing:
	MonthAttendances int64            // the resident's attendances this month, this one included
	OrgMonthTypes    int64            // distinct activity types the organization ran this month, this one included
	OrgTypeIsNew     bool             // this attendance's type is new for the organization this month
	EarnedToday      map[string]int64 // rule id + ":" + recipient account → points already awarded that day
}

// Participated reports whether the attendance counts as taking part: some
// volunteer time was confirmed. One confirmed at 0 hours (a resident who
// checked in and left at once, or whose time fell outside the activity)
// earns nothing and counts toward nobody's monthly numbers.
func (a Attendance) Participated() bool { return a.Minutes > 0 }

// Line is one award computed from an attendance.
type Line struct {
	RuleID    string
	Recipient string // account id
	Name      string // the recipient's name (masked on public pages)
	Amount    int64
	Reason    string
}

// Compute applies the active rules to a confirmed attendance. It is pure:
// the same rules and attendance give the same lines, so the activities
// side can show what an attendance will earn before it is confirmed.
func Compute(rules []*Rule, a Attendance) []Line {
	if !a.Participated() {
		return nil
	}
	var out []Line
	resident := AccountID(Resident, a.ResidentID)
	org := AccountID(Organization, a.OrgID)
	capped := func(r *Rule, recipient string, amount int64) int64 {
		if r.DailyCap > 0 {
			left := r.DailyCap - a.EarnedToday[r.ID+":"+recipient]
			amount = min(amount, max(left, 0))
		}
		return amount
	}
	hours := hoursText(a.Minutes)
	for _, r := range rules {
		if !r.AppliesTo(a.ActivityType) {
			continue
		}
		var to, name, reason string
		var amount int64
		switch r.Kind {
		case PerHour:
			to, name, amount = resident, a.ResidentName, r.PointsPerHour*a.Minutes/60
			reason = fmt.Sprintf("%s：志愿服务 %s 小时", r.Name, hours)
		case PerActivity:
			to, name, amount = resident, a.ResidentName, r.Points
			reason = fmt.Sprintf("%s：参加活动 1 次", r.Name)
		case Participation:
			if a.MonthAttendances != r.Threshold {
				continue
			}
			to, name, amount = resident, a.ResidentName, r.Points
			reason = fmt.Sprintf("%s：本月第 %d 次参加活动", r.Name, r.Threshold)
		case Richness:
			if a.OrgID == "" || !a.OrgTypeIsNew || a.OrgMonthTypes != r.Threshold {
				continue
			}
			to, name, amount = org, a.OrgName, r.Points
			reason = fmt.Sprintf("%s：本月开展 %d 类活动", r.Name, r.Threshold)
		}
		if amount = capped(r, to, amount); amount <= 0 {
			continue
		}
		out = append(out, Line{RuleID: r.ID, Recipient: to, Name: name, Amount: amount, Reason: reason})
	}
	return out
}

// hoursText shows minutes as hours to a tenth, as the activity pages do
// (activities.FormatHours): 120 → "2", 150 → "2.5".
func hoursText(minutes int64) string {
	return strconv.FormatFloat(math.Round(float64(minutes)/6)/10, 'f', -1, 64)
}

// ReasonDetail is what an award's reason says beyond the rule's name (its
// reasons read "rule：detail"), for a table that names the rule in a column
// of its own; the whole reason when it does not start with the name.
func ReasonDetail(reason, ruleName string) string {
	if d, ok := strings.CutPrefix(reason, ruleName+"："); ok && ruleName != "" && d != "" {
		return d
	}
	return reason
}

// DefaultNotice is how long awards are publicly noticed (公示) before issuing.
const DefaultNotice = 3 * 24 * time.Hour

// AwardStatus is where an award stands.
type AwardStatus string

const (
	AwardNoticed   AwardStatus = "noticed"   // on public notice; objections possible
	AwardHeld      AwardStatus = "held"      // an objection holds it until staff decide
	AwardIssued    AwardStatus = "issued"    // posted pool → recipient
	AwardCancelled AwardStatus = "cancelled" // objection upheld
)

// Award is points owed under a rule, publicly noticed before it is issued.
type Award struct {
	ID            string
	Key           string // attendance key + rule + recipient: made once
	RuleID        string
	RuleName      string
	Recipient     string // account id
	RecipientName string // masked for residents
	StreetID      string
	Amount        int64
	Reason        string
	Status        AwardStatus
	NoticeEnds    time.Time
	Objection     string
	Decision      string
	PostingID     string
	CreatedAt     time.Time
}

// Resource is the award's authorization view (the street's staff decide).
func (a *Award) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindAward, ID: a.ID, StreetID: a.StreetID}
}

// AwardAction is a step in an award's life.
type AwardAction string

const (
	ActObject  AwardAction = "object"  // anyone signed in, during the notice
	ActDismiss AwardAction = "dismiss" // staff: the objection fails, the award goes on
	ActUphold  AwardAction = "uphold"  // staff: the objection stands, the award is cancelled
	ActIssue   AwardAction = "issue"   // after the notice: post it
	// ActCorrect: the hours it was computed from were corrected; the
	// corrected hours earn a new award (an issued one is reversed too).
	ActCorrect AwardAction = "correct"
)

// awardTransitions is the award's state machine: from, action → to.
var awardTransitions = map[AwardStatus]map[AwardAction]AwardStatus{
	AwardNoticed: {ActObject: AwardHeld, ActIssue: AwardIssued, ActCorrect: AwardCancelled},
	AwardHeld:    {ActDismiss: AwardNoticed, ActUphold: AwardCancelled, ActCorrect: AwardCancelled},
	// Issued and then corrected: its posting is reversed beside it.
	AwardIssued: {ActCorrect: AwardCancelled},
}

// Step checks that action may be taken on the award at now and returns the
// status it leads to. Issuing waits for the notice to end; objecting must
// come before it ends.
func (a *Award) Step(action AwardAction, now time.Time) (AwardStatus, error) {
	to, ok := awardTransitions[a.Status][action]
	if !ok {
		return "", errs.E(errs.Conflict, "points.award_step", string(action), string(a.Status))
	}
	switch action {
	case ActObject:
		if !now.Before(a.NoticeEnds) {
			return "", errs.E(errs.Conflict, "points.notice_over")
		}
	case ActIssue:
		if now.Before(a.NoticeEnds) {
			return "", errs.E(errs.Conflict, "points.notice_running")
		}
	}
	return to, nil
}

// ExpiresAt is when points earned at t expire: the end of the following
// year, Beijing time.
func ExpiresAt(t time.Time) time.Time { return ExpiryCutoff(t.In(Zone()).Year()) }

// ExpiryCutoff is the instant points earned in year expire (the end of year+1).
func ExpiryCutoff(year int) time.Time {
	return time.Date(year+2, 1, 1, 0, 0, 0, 0, Zone()).UTC()
}

// ExpiryNoticeLead is how long before a cutoff residents are told.
const ExpiryNoticeLead = 30 * 24 * time.Hour

// Expiring computes what expires at the cutoff for points earned up to the
// end of a year: earned is everything credited before the year ended,
// spent is everything debited up to the cutoff (spending and earlier
// expiries use the oldest points first).
func Expiring(earned, spent int64) int64 { return max(earned-spent, 0) }
