package incubation

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Topic is a course's field.
type Topic string

const (
	TopicFinance       Topic = "finance"        // 财务管理
	TopicLegal         Topic = "legal"          // 法律合规
	TopicProject       Topic = "project_design" // 项目设计
	TopicFundraising   Topic = "fundraising"    // 筹款
	TopicVolunteer     Topic = "volunteer"      // 志愿者管理
	TopicPartyBuilding Topic = "party_building" // 党建
	TopicOther         Topic = "other"
)

// Topics lists the topics in display order.
var Topics = []Topic{TopicFinance, TopicLegal, TopicProject, TopicFundraising, TopicVolunteer, TopicPartyBuilding, TopicOther}

// Course is one of the academy's courses; it runs as sessions.
type Course struct {
	ID          string
	Title       string
	Topic       Topic
	Description string
	CreatedAt   time.Time
}

// Resource is the course's authorization view: district-wide.
func (c *Course) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindCourse, ID: c.ID}
}

// Validate normalizes a course.
func (c *Course) Validate() error {
	var l errs.List
	c.Title = strings.TrimSpace(c.Title)
	switch n := utf8.RuneCountInString(c.Title); {
	case n == 0:
		l.Add("title", "field.required")
	case n > 60:
		l.Add("title", "field.too_long", 60)
	}
	ok := false
	for _, t := range Topics {
		ok = ok || t == c.Topic
	}
	if !ok {
		l.Add("topic", "course.topic_invalid")
	}
	c.Description = strings.TrimSpace(c.Description)
	if utf8.RuneCountInString(c.Description) > 1000 {
		l.Add("description", "field.too_long", 1000)
	}
	return l.Err()
}

// Session is one offline class of a course (the academy holds them monthly).
type Session struct {
	ID          string
	CourseID    string
	CourseTitle string
	Topic       Topic
	StreetID    string // where a street hosts it; "" district
	StreetName  string
	Teacher     string
	Place       string
	Start, End  time.Time
	Capacity    int
	Enrolled    int
	Materials   string // what to bring / reading, a link or text
	CreatedAt   time.Time
}

// Resource is the session's authorization view.
func (s *Session) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindCourse, ID: s.ID, StreetID: s.StreetID}
}

// CodeOpen reports whether the session's check-in code is accepted at t:
// from an hour before the start (when attendance opens) until an hour after
// the end.
func (s *Session) CodeOpen(t time.Time) bool {
	return !t.Before(s.Start.Add(-time.Hour)) && t.Before(s.End.Add(time.Hour))
}

// Seats is how many places are left.
func (s *Session) Seats() int { return max(0, s.Capacity-s.Enrolled) }

// Validate normalizes a session.
func (s *Session) Validate() error {
	var l errs.List
	s.Teacher = strings.TrimSpace(s.Teacher)
	if n := utf8.RuneCountInString(s.Teacher); n == 0 {
		l.Add("teacher", "field.required")
	} else if n > 40 {
		l.Add("teacher", "field.too_long", 40)
	}
	s.Place = strings.TrimSpace(s.Place)
	if n := utf8.RuneCountInString(s.Place); n == 0 {
		l.Add("place", "field.required")
	} else if n > 80 {
		l.Add("place", "field.too_long", 80)
	}
	if s.Start.IsZero() {
		l.Add("start", "field.required")
	}
	if !s.End.After(s.Start) {
		l.Add("end", "booking.end_before_start")
	}
	if s.Capacity < 1 || s.Capacity > 500 {
		l.Add("capacity", "space.capacity_range", 1, 500)
	}
	s.Materials = strings.TrimSpace(s.Materials)
	if utf8.RuneCountInString(s.Materials) > 1000 {
		l.Add("materials", "field.too_long", 1000)
	}
	return l.Err()
}

// AttendanceStatus is an enrollee's attendance.
type AttendanceStatus string

const (
	Enrolled AttendanceStatus = "enrolled"
	Present  AttendanceStatus = "present"
	Absent   AttendanceStatus = "absent"
)

// AttendanceMethod says how presence was taken: staff tick a list, or an
// enrollee linked to a platform user types the session's rotating code.
type AttendanceMethod string

const (
	MethodList AttendanceMethod = "list"
	MethodCode AttendanceMethod = "code"
)

// Enrollment is one person an organization sent to a session.
type Enrollment struct {
	ID            string
	SessionID     string
	CourseID      string
	CourseTitle   string
	StreetID      string // the session's street
	OrgID         string
	OrgName       string
	Person        string // the trainee's name
	UserID        string // the trainee's platform account, when linked ("" a name only)
	Status        AttendanceStatus
	Method        AttendanceMethod
	MarkedAt      time.Time
	CreatedAt     time.Time
	SessionStart  time.Time
	CertificateID string // set once present
}

// Resource is the enrollment's authorization view: the session's street
// and the organization.
func (e *Enrollment) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindEnrollment, ID: e.ID, StreetID: e.StreetID, OrgID: e.OrgID}
}

// CheckCancel says whether the enrollment may be given back at now: only
// before the session starts, and not once the trainee was marked present
// (the certificate issued then is the organization's training record).
func (e *Enrollment) CheckCancel(now time.Time) error {
	if e.Status == Present || e.CertificateID != "" {
		return errs.E(errs.Conflict, "enrollment.cancel_present")
	}
	if !e.SessionStart.After(now) {
		return errs.E(errs.Conflict, "session.started")
	}
	return nil
}

// Cancellable reports whether CheckCancel allows cancelling at now.
func (e *Enrollment) Cancellable(now time.Time) bool { return e.CheckCancel(now) == nil }

// Validate normalizes an enrollment.
func (e *Enrollment) Validate() error {
	var l errs.List
	e.Person = strings.TrimSpace(e.Person)
	if n := utf8.RuneCountInString(e.Person); n == 0 {
		l.Add("person", "field.required")
	} else if n > 20 {
		l.Add("person", "field.too_long", 20)
	}
	if e.OrgID == "" {
		l.Add("org", "field.required")
	}
	return l.Err()
}

// Certificate is a 结业证书: issued when an enrollee is marked present.
type Certificate struct {
	ID           string
	EnrollmentID string
	CourseID     string
	CourseTitle  string
	Topic        Topic
	OrgID        string
	OrgName      string
	Person       string // full name: only for the organization and staff
	Teacher      string
	SessionStart time.Time
	IssuedAt     time.Time
}

// PublicPerson is the name shown on the public verification page.
func (c *Certificate) PublicPerson() string { return accounts.MaskName(c.Person) }

// Resource is the certificate's authorization view.
func (c *Certificate) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindCertificate, ID: c.ID, OrgID: c.OrgID}
}
