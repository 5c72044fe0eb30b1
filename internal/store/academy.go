package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
)

// ---- courses ----

// CreateCourse adds a course to the academy (platform admins).
func (s *Store) CreateCourse(ctx context.Context, co *incubation.Course) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, co.Resource()); err != nil {
		return err
	}
	if err := co.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		co.ID, co.CreatedAt = newID(), c.now
		if _, err := c.exec(ctx, `INSERT INTO courses (id, title, topic, description, created_at) VALUES (?, ?, ?, ?, ?)`,
			co.ID, co.Title, co.Topic, co.Description, c.now); err != nil {
			return err
		}
		return record(ctx, c, "course.create", co.Resource(), map[string]any{"title": co.Title, "topic": co.Topic})
	})
}

// FindCourses lists the academy's courses by topic and title.
func (s *Store) FindCourses(ctx context.Context) ([]*incubation.Course, error) {
	rows, err := s.read().query(ctx, `SELECT id, title, topic, description, created_at FROM courses ORDER BY created_at, title`)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*incubation.Course
	for rows.Next() {
		co := &incubation.Course{}
		if err := rows.Scan(&co.ID, &co.Title, &co.Topic, &co.Description, &co.CreatedAt); err != nil {
			return nil, s.translate(err)
		}
		out = append(out, co)
	}
	return out, s.translate(rows.Err())
}

// FindCourseByID returns one course.
func (s *Store) FindCourseByID(ctx context.Context, id string) (*incubation.Course, error) {
	co := &incubation.Course{}
	err := s.read().row(ctx, `SELECT id, title, topic, description, created_at FROM courses WHERE id = ?`, id).
		Scan(&co.ID, &co.Title, &co.Topic, &co.Description, &co.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("course")
	}
	return co, s.translate(err)
}

// ---- sessions ----

const sessionSelect = `SELECT cs.id, cs.course_id, co.title, co.topic, COALESCE(cs.street_id, ''), COALESCE(st.name, ''),
	cs.teacher, cs.place, cs.start_at, cs.end_at, cs.capacity, cs.enrolled, cs.materials, cs.created_at
	FROM course_sessions cs JOIN courses co ON co.id = cs.course_id LEFT JOIN streets st ON st.id = cs.street_id`

func scanSession(sc scanner) (*incubation.Session, error) {
	se := &incubation.Session{}
	err := sc.Scan(&se.ID, &se.CourseID, &se.CourseTitle, &se.Topic, &se.StreetID, &se.StreetName, &se.Teacher, &se.Place,
		&se.Start, &se.End, &se.Capacity, &se.Enrolled, &se.Materials, &se.CreatedAt)
	se.Start, se.End = se.Start.UTC(), se.End.UTC()
	return se, err
}

func findSession(ctx context.Context, c conn, id string) (*incubation.Session, error) {
	se, err := scanSession(c.row(ctx, sessionSelect+` WHERE cs.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("session")
	}
	return se, err
}

// CreateCourseSession schedules a session of a course: district-wide (platform
// admins) or hosted by a street (its staff too).
func (s *Store) CreateCourseSession(ctx context.Context, se *incubation.Session) error {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, se.Resource()); err != nil {
		return err
	}
	if err := se.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		co := &incubation.Course{}
		if err := c.row(ctx, `SELECT id, title, topic FROM courses WHERE id = ?`, se.CourseID).Scan(&co.ID, &co.Title, &co.Topic); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return errs.Field("course", "invalid.reference_course")
			}
			return err
		}
		se.CourseTitle, se.Topic = co.Title, co.Topic
		if se.StreetID != "" {
			st, err := findStreet(ctx, c, `id = ?`, se.StreetID)
			if err != nil {
				return fieldErr("street", err)
			}
			se.StreetName = st.Name
		}
		se.ID, se.Enrolled, se.CreatedAt = newID(), 0, c.now
		if _, err := c.exec(ctx, `INSERT INTO course_sessions (id, course_id, street_id, teacher, place, start_at, end_at, capacity,
			materials, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, se.ID, se.CourseID, nullStr(se.StreetID), se.Teacher,
			se.Place, se.Start.UTC(), se.End.UTC(), se.Capacity, se.Materials, c.now); err != nil {
			return err
		}
		return record(ctx, c, "session.create", se.Resource(), map[string]any{"course": co.Title, "start": se.Start,
			"teacher": se.Teacher, "capacity": se.Capacity})
	})
}

// CourseSessionFilter narrows FindCourseSessions.
type CourseSessionFilter struct {
	CourseID string
	From, To time.Time // zero: unbounded
}

// FindCourseSessions lists sessions by start time.
func (s *Store) FindCourseSessions(ctx context.Context, f CourseSessionFilter) ([]*incubation.Session, error) {
	q, args := sessionSelect+` WHERE 1 = 1`, []any{}
	if f.CourseID != "" {
		q += ` AND cs.course_id = ?`
		args = append(args, f.CourseID)
	}
	if !f.From.IsZero() {
		q += ` AND cs.end_at > ?`
		args = append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		q += ` AND cs.start_at < ?`
		args = append(args, f.To.UTC())
	}
	rows, err := s.read().query(ctx, q+` ORDER BY cs.start_at`, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*incubation.Session
	for rows.Next() {
		se, err := scanSession(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, se)
	}
	return out, s.translate(rows.Err())
}

// FindCourseSessionByID returns one session.
func (s *Store) FindCourseSessionByID(ctx context.Context, id string) (*incubation.Session, error) {
	se, err := findSession(ctx, s.read(), id)
	return se, s.translate(err)
}

// ---- enrollments and attendance ----

const enrollmentSelect = `SELECT e.id, e.session_id, cs.course_id, co.title, COALESCE(cs.street_id, ''), e.org_id, o.name,
	e.person, e.status, e.method, e.marked_at, e.created_at, cs.start_at, COALESCE(ct.id, ''), COALESCE(e.user_id, '')
	FROM enrollments e JOIN course_sessions cs ON cs.id = e.session_id JOIN courses co ON co.id = cs.course_id
	JOIN organizations o ON o.id = e.org_id LEFT JOIN certificates ct ON ct.enrollment_id = e.id`

func scanEnrollment(sc scanner) (*incubation.Enrollment, error) {
	e := &incubation.Enrollment{}
	var marked sql.NullTime
	err := sc.Scan(&e.ID, &e.SessionID, &e.CourseID, &e.CourseTitle, &e.StreetID, &e.OrgID, &e.OrgName, &e.Person, &e.Status,
		&e.Method, &marked, &e.CreatedAt, &e.SessionStart, &e.CertificateID, &e.UserID)
	if marked.Valid {
		e.MarkedAt = marked.Time.UTC()
	}
	e.SessionStart = e.SessionStart.UTC()
	return e, err
}

// Enroll signs one of an organization's people up for a session. The seat
// is taken by a guarded UPDATE (enrolled < capacity) in the same
// transaction, so two organizations taking the last seat at once cannot
// both have it.
func (s *Store) Enroll(ctx context.Context, e *incubation.Enrollment) error {
	if e.UserID != "" {
		// A linked trainee: the actor or a colleague of the organization
		// (enrollee.go); the name is the account's.
		u, err := s.enrolleeUser(ctx, e.OrgID, e.UserID)
		if err != nil {
			return err
		}
		e.Person = u.Name
	}
	if err := e.Validate(); err != nil {
		return err
	}
	return s.tx(ctx, func(c conn) error {
		se, err := findSession(ctx, c, e.SessionID)
		if err != nil {
			return err
		}
		o, err := findOrg(ctx, c, `o.id = ?`, e.OrgID)
		if err != nil {
			return fieldErr("org", err)
		}
		e.CourseID, e.CourseTitle, e.StreetID, e.OrgName, e.SessionStart = se.CourseID, se.CourseTitle, se.StreetID, o.Name, se.Start
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, e.Resource()); err != nil {
			return err
		}
		if !se.Start.After(c.now) {
			return errs.E(errs.Conflict, "session.started")
		}
		res, err := c.exec(ctx, `UPDATE course_sessions SET enrolled = enrolled + 1 WHERE id = ? AND enrolled < capacity`, se.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "session.full")
		}
		e.ID, e.Status, e.CreatedAt = newID(), incubation.Enrolled, c.now
		if _, err := c.exec(ctx, `INSERT INTO enrollments (id, session_id, org_id, person, status, created_at, user_id)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, e.ID, e.SessionID, e.OrgID, e.Person, e.Status, c.now, nullStr(e.UserID)); err != nil {
			if errs.Is(s.translate(err), errs.Conflict) {
				return errs.Field("person", "enrollment.duplicate")
			}
			return err
		}
		// The name stays out of the audit log: it is personal data.
		return record(ctx, c, "enrollment.create", e.Resource(), map[string]any{"course": se.CourseTitle, "org": o.Name,
			"session": se.ID})
	})
}

// CancelEnrollment gives a seat back before the session starts and before
// the trainee is marked present (incubation.Enrollment.CheckCancel).
func (s *Store) CancelEnrollment(ctx context.Context, id string) error {
	return s.tx(ctx, func(c conn) error {
		e, err := scanEnrollment(c.row(ctx, enrollmentSelect+` WHERE e.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("enrollment")
		}
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Create, e.Resource()); err != nil {
			return err
		}
		if err := e.CheckCancel(c.now); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM enrollments WHERE id = ?`, id); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE course_sessions SET enrolled = enrolled - 1 WHERE id = ?`, e.SessionID); err != nil {
			return err
		}
		return record(ctx, c, "enrollment.cancel", e.Resource(), map[string]any{"course": e.CourseTitle, "org": e.OrgName})
	})
}

// FindRoster lists a session's enrollees for its staff (the attendance list).
func (s *Store) FindRoster(ctx context.Context, sessionID string) ([]*incubation.Enrollment, error) {
	se, err := s.FindCourseSessionByID(ctx, sessionID)
	if err != nil {
		return nil, err
	}
	res := se.Resource()
	res.Kind = accounts.KindEnrollment
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, res); err != nil {
		return nil, err
	}
	return s.findEnrollments(ctx, ` WHERE e.session_id = ? ORDER BY o.name, e.person`, sessionID)
}

// FindOrgEnrollments lists an organization's enrollments, newest session
// first, for its own people and staff.
func (s *Store) FindOrgEnrollments(ctx context.Context, orgID string) ([]*incubation.Enrollment, error) {
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.ViewPrivate,
		accounts.Resource{Kind: accounts.KindEnrollment, OrgID: orgID}); err != nil {
		return nil, err
	}
	return s.findEnrollments(ctx, ` WHERE e.org_id = ? ORDER BY cs.start_at DESC, e.person`, orgID)
}

func (s *Store) findEnrollments(ctx context.Context, where string, args ...any) ([]*incubation.Enrollment, error) {
	rows, err := s.read().query(ctx, enrollmentSelect+where, args...)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*incubation.Enrollment
	for rows.Next() {
		e, err := scanEnrollment(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		out = append(out, e)
	}
	return out, s.translate(rows.Err())
}

// MarkAttendance records whether an enrollee came, by the given method
// (MethodList: staff tick a list; the attendee's own check-in with the
// rotating code, MethodCode, is CheckinSessionByCode, which shares
// markAttendance). Present issues the certificate (结业证书) in the same
// transaction; marking absent after a mistake withdraws it. It returns the
// certificate id, "" when none.
func (s *Store) MarkAttendance(ctx context.Context, enrollmentID string, status incubation.AttendanceStatus,
	method incubation.AttendanceMethod) (string, error) {
	var certID string
	err := s.tx(ctx, func(c conn) error {
		e, err := scanEnrollment(c.row(ctx, enrollmentSelect+` WHERE e.id = ?`, enrollmentID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("enrollment")
		}
		if err != nil {
			return err
		}
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, e.Resource()); err != nil {
			return err
		}
		if status != incubation.Present && status != incubation.Absent {
			return errs.Field("status", "enrollment.status_invalid")
		}
		if method != incubation.MethodList && method != incubation.MethodCode {
			return errs.Field("method", "enrollment.method_invalid")
		}
		certID, err = markAttendance(ctx, c, e, status, method)
		return err
	})
	return certID, err
}

// markAttendance records e's attendance and issues or withdraws its
// certificate; the caller checked who may.
func markAttendance(ctx context.Context, c conn, e *incubation.Enrollment, status incubation.AttendanceStatus,
	method incubation.AttendanceMethod) (string, error) {
	// Attendance opens an hour before the session starts.
	if c.now.Before(e.SessionStart.Add(-time.Hour)) {
		return "", errs.E(errs.Conflict, "attendance.too_early")
	}
	if _, err := c.exec(ctx, `UPDATE enrollments SET status = ?, method = ?, marked_at = ? WHERE id = ?`,
		status, method, c.now, e.ID); err != nil {
		return "", err
	}
	certID := e.CertificateID
	// A certificate is the organization's training record, which the
	// matcher reads (match.Org.Trained).
	c.changed(ChangeOrganization, e.OrgID)
	switch {
	case status == incubation.Present && certID == "":
		certID = newID()
		if _, err := c.exec(ctx, `INSERT INTO certificates (id, enrollment_id, issued_at) VALUES (?, ?, ?)`,
			certID, e.ID, c.now); err != nil {
			return "", err
		}
	case status == incubation.Absent && certID != "":
		if _, err := c.exec(ctx, `DELETE FROM certificates WHERE id = ?`, certID); err != nil {
			return "", err
		}
		certID = ""
	}
	return certID, record(ctx, c, "enrollment.attendance", e.Resource(), map[string]any{"status": status, "method": method,
		"certificate": certID})
}

// ---- certificates ----

const certificateSelect = `SELECT ct.id, ct.enrollment_id, co.id, co.title, co.topic, e.org_id, o.name, e.person,
	cs.teacher, cs.start_at, ct.issued_at
	FROM certificates ct JOIN enrollments e ON e.id = ct.enrollment_id JOIN course_sessions cs ON cs.id = e.session_id
	JOIN courses co ON co.id = cs.course_id JOIN organizations o ON o.id = e.org_id`

func scanCertificate(sc scanner) (*incubation.Certificate, error) {
	ct := &incubation.Certificate{}
	err := sc.Scan(&ct.ID, &ct.EnrollmentID, &ct.CourseID, &ct.CourseTitle, &ct.Topic, &ct.OrgID, &ct.OrgName, &ct.Person,
		&ct.Teacher, &ct.SessionStart, &ct.IssuedAt)
	return ct, err
}

// FindCertificateByID returns a certificate for public verification. The
// person's full name is kept only for those allowed ViewPrivate; everyone
// else gets it masked.
func (s *Store) FindCertificateByID(ctx context.Context, id string) (*incubation.Certificate, error) {
	ct, err := scanCertificate(s.read().row(ctx, certificateSelect+` WHERE ct.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("academy_certificate")
	}
	if err != nil {
		return nil, s.translate(err)
	}
	if !accounts.Allowed(accounts.ActorFrom(ctx), accounts.ViewPrivate, ct.Resource()) {
		ct.Person = ct.PublicPerson()
	}
	return ct, nil
}

// FindOrgCertificates is an organization's training record: its
// certificates, newest first, names masked unless the actor may see them.
func (s *Store) FindOrgCertificates(ctx context.Context, orgID string) ([]*incubation.Certificate, error) {
	rows, err := s.read().query(ctx, certificateSelect+` WHERE e.org_id = ? ORDER BY cs.start_at DESC, e.person`, orgID)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	u := accounts.ActorFrom(ctx)
	var out []*incubation.Certificate
	for rows.Next() {
		ct, err := scanCertificate(rows)
		if err != nil {
			return nil, s.translate(err)
		}
		if !accounts.Allowed(u, accounts.ViewPrivate, ct.Resource()) {
			ct.Person = ct.PublicPerson()
		}
		out = append(out, ct)
	}
	return out, s.translate(rows.Err())
}

// ---- staff reports ----

// CourseStat is one course's enrollment and attendance.
type CourseStat struct {
	CourseID, Title          string
	Sessions, Enrolled, Came int
}

// FindCourseStats counts sessions, enrollees and those present per course.
func (s *Store) FindCourseStats(ctx context.Context) ([]*CourseStat, error) {
	rows, err := s.read().query(ctx, `SELECT co.id, co.title,
		(SELECT COUNT(*) FROM course_sessions cs WHERE cs.course_id = co.id),
		(SELECT COUNT(*) FROM enrollments e JOIN course_sessions cs ON cs.id = e.session_id WHERE cs.course_id = co.id),
		(SELECT COUNT(*) FROM enrollments e JOIN course_sessions cs ON cs.id = e.session_id WHERE cs.course_id = co.id
			AND e.status = 'present')
		FROM courses co ORDER BY co.created_at, co.title`)
	if err != nil {
		return nil, s.translate(err)
	}
	defer rows.Close()
	var out []*CourseStat
	for rows.Next() {
		c := &CourseStat{}
		if err := rows.Scan(&c.CourseID, &c.Title, &c.Sessions, &c.Enrolled, &c.Came); err != nil {
			return nil, s.translate(err)
		}
		out = append(out, c)
	}
	return out, s.translate(rows.Err())
}

// Occupancy is one space's booked and open half hours over a period.
type Occupancy struct {
	Space        *incubation.Space
	Booked, Open int
}

// FindOccupancy measures every bookable space of the base over [from, to).
func (s *Store) FindOccupancy(ctx context.Context, baseID string, from, to time.Time) ([]*Occupancy, error) {
	spaces, err := s.FindSpaces(ctx, baseID)
	if err != nil {
		return nil, err
	}
	var out []*Occupancy
	for _, sp := range spaces {
		if !sp.Bookable() {
			continue
		}
		o := &Occupancy{Space: sp, Open: incubation.OpenSlots(sp.Hours, from, to)}
		if err := s.read().row(ctx, `SELECT COUNT(*) FROM booking_slots WHERE space_id = ? AND slot_start >= ? AND slot_start < ?`,
			sp.ID, from.UTC(), to.UTC()).Scan(&o.Booked); err != nil {
			return nil, s.translate(err)
		}
		out = append(out, o)
	}
	return out, nil
}
