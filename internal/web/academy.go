package web

import (
	"net/http"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/store"
)

type courseSessions struct {
	Course   *incubation.Course
	Upcoming []*incubation.Session
	Past     int
}

type academyData struct {
	Courses     []courseSessions
	AllCourses  []*incubation.Course
	Enrollments []*incubation.Enrollment // the actor's organizations'
	CanCourse   bool                     // may add courses (district)
	Streets     []streetChoice           // where the actor may schedule sessions ("" district)
}

type streetChoice struct{ ID, Name string }

// academy lists the courses with their coming sessions; organizations see
// their enrollments and certificates; staff add courses and sessions.
func (a *app) academy(w http.ResponseWriter, r *http.Request) {
	p, err := a.academyPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "academy.html", http.StatusOK, p)
}

func (a *app) academyPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u := accounts.ActorFrom(ctx)
	courses, err := a.Store.FindCourses(ctx)
	if err != nil {
		return nil, err
	}
	now := a.Store.Now()
	sessions, err := a.Store.FindCourseSessions(ctx, store.CourseSessionFilter{})
	if err != nil {
		return nil, err
	}
	d := &academyData{AllCourses: courses,
		CanCourse: accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindCourse})}
	for _, co := range courses {
		cs := courseSessions{Course: co}
		for _, se := range sessions {
			if se.CourseID != co.ID {
				continue
			}
			if se.End.After(now) {
				cs.Upcoming = append(cs.Upcoming, se)
			} else {
				cs.Past++
			}
		}
		d.Courses = append(d.Courses, cs)
	}
	for _, o := range actorOrgs(u, false) {
		es, err := a.Store.FindOrgEnrollments(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		d.Enrollments = append(d.Enrollments, es...)
	}
	if d.CanCourse {
		d.Streets = append(d.Streets, streetChoice{"", ""})
	}
	streets, err := a.Store.FindStreets(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range streets {
		if accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindCourse, StreetID: st.ID}) {
			d.Streets = append(d.Streets, streetChoice{st.ID, st.Name})
		}
	}
	return a.newPage(w, r, "inc.academy", d), nil
}

// courseCreate adds a course (platform admins).
func (a *app) courseCreate(w http.ResponseWriter, r *http.Request) {
	co := &incubation.Course{Title: r.PostFormValue("title"), Topic: incubation.Topic(r.PostFormValue("topic")),
		Description: r.PostFormValue("description")}
	if err := a.Store.CreateCourse(r.Context(), co); err != nil {
		a.formAgain(w, r, "academy.html", a.academyPage, err)
		return
	}
	a.redirect(w, r, "/academy", "inc.flash_course_created")
}

// sessionCreate schedules a session of a course.
func (a *app) sessionCreate(w http.ResponseWriter, r *http.Request) {
	// Each input that is not a date, a time or a number is said on its own
	// field, with what the domain finds wrong in the rest, so one submit
	// names every problem; a form in order goes to the store, which checks
	// who may.
	var l errs.List
	day := readDay(&l, "date", r.PostFormValue("date"), incubation.Zone)
	if day.IsZero() && len(l) == 0 {
		l.Add("date", "field.required")
	}
	begin, okStart := readClock(&l, "start", r.PostFormValue("start"), -1)
	finish, okEnd := readClock(&l, "end", r.PostFormValue("end"), -1)
	capacity, ok := atoi(r.PostFormValue("capacity"))
	if !ok {
		l.Add("capacity", "inc.number_invalid")
	}
	se := &incubation.Session{CourseID: r.PostFormValue("course"), StreetID: r.PostFormValue("street"),
		Teacher: r.PostFormValue("teacher"), Place: r.PostFormValue("place"), Capacity: capacity,
		Materials: r.PostFormValue("materials")}
	if !day.IsZero() && okStart {
		se.Start = day.Add(begin)
		if okEnd {
			se.End = day.Add(finish)
		}
	}
	err := unreadAs(se.Validate(), l, map[string][]string{"start": {"date", "start"}, "end": {"date", "start", "end"}})
	if err == nil {
		err = a.Store.CreateCourseSession(r.Context(), se)
	}
	if err != nil {
		a.formAgain(w, r, "academy.html", a.academyPage, err)
		return
	}
	a.redirect(w, r, "/academy/sessions/"+se.ID, "inc.flash_session_created")
}

type sessionData struct {
	Session *incubation.Session
	Orgs    []orgChoice
	Mine    []*incubation.Enrollment // the actor's organizations' enrollees
	Roster  []*incubation.Enrollment // staff only
	Staff   bool
	Started bool
	Open    bool      // attendance can be taken
	Now     time.Time // what Enrollment.Cancellable is asked about
	// Colleagues are the platform users of the actor's organizations an
	// enrollment may be linked to (academy_code.go); Linked is the actor's
	// own linked enrollment, which checks in with the code.
	Colleagues []colleagueChoice
	Linked     *incubation.Enrollment
	CodeOpen   bool // the session's check-in code is accepted now
}

// sessionShow is one session: details, the enrollment form, and for its
// staff the attendance list.
func (a *app) sessionShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.sessionPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "academy_session.html", http.StatusOK, p)
}

func (a *app) sessionPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	se, err := a.Store.FindCourseSessionByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	u := accounts.ActorFrom(ctx)
	if u == nil && r.URL.Query().Get("code") != "" {
		// The classroom's QR code: sign in first, then back here.
		return nil, errs.E(errs.Unauthorized, "auth.required")
	}
	now := a.Store.Now()
	d := &sessionData{Session: se, Started: !se.Start.After(now), Open: !now.Before(se.Start.Add(-time.Hour)), Now: now}
	res := se.Resource()
	res.Kind = accounts.KindEnrollment
	for _, o := range actorOrgs(u, false) {
		res.OrgID = o.ID
		if accounts.Allowed(u, accounts.Create, res) {
			d.Orgs = append(d.Orgs, o)
		}
		es, err := a.Store.FindOrgEnrollments(ctx, o.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if e.SessionID == se.ID {
				d.Mine = append(d.Mine, e)
			}
		}
	}
	if err := a.linkedEnrollment(ctx, d); err != nil {
		return nil, err
	}
	res.OrgID = ""
	if d.Staff = accounts.Allowed(u, accounts.Update, res); d.Staff {
		if d.Roster, err = a.Store.FindRoster(ctx, se.ID); err != nil {
			return nil, err
		}
	}
	p := a.newPage(w, r, "", d)
	p.Title = se.CourseTitle
	if c := r.URL.Query().Get("code"); c != "" && len(c) <= 6 {
		p.Form.Set("code", c)
	}
	return p, nil
}

// enrollmentCreate signs a person of an organization up for a session.
func (a *app) enrollmentCreate(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	e := &incubation.Enrollment{SessionID: id, OrgID: r.PostFormValue("org"), Person: r.PostFormValue("person"),
		UserID: r.PostFormValue("user")}
	if err := a.Store.Enroll(r.Context(), e); err != nil {
		a.formAgain(w, r, "academy_session.html", a.sessionPage, err)
		return
	}
	a.redirect(w, r, "/academy/sessions/"+id, "inc.flash_enrolled")
}

// enrollmentCancel gives a seat back before the session.
func (a *app) enrollmentCancel(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.CancelEnrollment(r.Context(), r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, safeNext(r.PostFormValue("next")), "inc.flash_enrollment_cancelled")
}

// attendanceMark is the staff's attendance list: present or absent per
// enrollee (incubation.MethodList). Linked enrollees check in themselves
// with the rotating code (academy_code.go).
func (a *app) attendanceMark(w http.ResponseWriter, r *http.Request) {
	status := incubation.AttendanceStatus(r.PostFormValue("status"))
	if _, err := a.Store.MarkAttendance(r.Context(), r.PathValue("id"), status, incubation.MethodList); err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, safeNext(r.PostFormValue("next")), "inc.flash_marked")
}

// certificateShow is the printable, public verification page of a
// certificate; the name is masked for everyone but the organization.
func (a *app) certificateShow(w http.ResponseWriter, r *http.Request) {
	ct, err := a.Store.FindCertificateByID(r.Context(), r.PathValue("id"))
	if err == nil {
		err = accounts.Can(accounts.ActorFrom(r.Context()), accounts.View, ct.Resource())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.newPage(w, r, "inc.certificate", academyCertificateData{Cert: ct,
		VerifyURL: a.Config.PublicURL() + "/academy/certificates/" + ct.ID})
	a.render(w, r, "academy_certificate.html", http.StatusOK, p)
}

type academyCertificateData struct {
	Cert      *incubation.Certificate
	VerifyURL string // the site's public address (HUITIAN_BASE_URL) and the page
}
