package api

import (
	"net/http"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/store"
)

// The incubation base and the academy: spaces and bookings, courses and
// enrollments, certificate verification.

type spaceJSON struct {
	ID         string   `json:"id"`
	BaseID     string   `json:"base_id"`
	Base       string   `json:"base"`
	StreetID   string   `json:"street_id"`
	Name       string   `json:"name"`
	Kind       string   `json:"kind"`
	Capacity   int      `json:"capacity"`
	Hours      []string `json:"hours"`
	Audience   string   `json:"audience"`
	Rules      string   `json:"rules"`
	MaxMinutes int      `json:"max_minutes"`
	AheadDays  int      `json:"ahead_days"`
	Bookable   bool     `json:"bookable"`
}

type spaceList struct {
	Items []spaceJSON `json:"items"`
	Total int         `json:"total"`
}

func spaceOut(sp *incubation.Space) spaceJSON {
	hours := make([]string, 7)
	for d := range hours {
		hours[d] = sp.Hours.Day(time.Weekday(d))
	}
	return spaceJSON{ID: sp.ID, BaseID: sp.BaseID, Base: sp.BaseName, StreetID: sp.StreetID, Name: sp.Name,
		Kind: string(sp.Kind), Capacity: sp.Capacity, Hours: hours, Audience: string(sp.Audience), Rules: sp.Rules,
		MaxMinutes: sp.MaxSlots * 30, AheadDays: sp.AheadDays, Bookable: sp.Bookable()}
}

// listSpaces: GET /api/v1/spaces[?base=id], every space of every base.
func (a *API) listSpaces(w http.ResponseWriter, r *http.Request) error {
	p := readParams(r.URL, "base")
	if err := p.l.Err(); err != nil {
		return err
	}
	spaces, err := a.store.FindSpaces(r.Context(), p.str("base"))
	if err != nil {
		return err
	}
	out := spaceList{Items: make([]spaceJSON, 0, len(spaces)), Total: len(spaces)}
	for _, sp := range spaces {
		if err := accounts.Can(accounts.ActorFrom(r.Context()), accounts.View, sp.Resource()); err != nil {
			return err
		}
		out.Items = append(out.Items, spaceOut(sp))
	}
	return writeJSON(w, http.StatusOK, out)
}

type bookingIn struct {
	Start     string `json:"start"`
	End       string `json:"end"`
	OrgID     string `json:"org_id"`
	Attendees int    `json:"attendees"`
	Purpose   string `json:"purpose"`
}

type bookingJSON struct {
	ID        string `json:"id"`
	SpaceID   string `json:"space_id"`
	Space     string `json:"space"`
	OrgID     string `json:"org_id"`
	Start     string `json:"start"`
	End       string `json:"end"`
	Attendees int    `json:"attendees"`
	Purpose   string `json:"purpose"`
	Status    string `json:"status"`
}

// createBooking: POST /api/v1/spaces/{id}/bookings; 409 conflict when a
// half hour is taken.
func (a *API) createBooking(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if !cleanID(id) {
		return errs.E(errs.NotFound, "notfound.space")
	}
	var in bookingIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	var l errs.List
	start, end := parseTime(&l, "start", in.Start), parseTime(&l, "end", in.End)
	if in.Start == "" {
		l.Add("start", "field.required")
	}
	if in.End == "" {
		l.Add("end", "field.required")
	}
	if err := l.Err(); err != nil {
		return err
	}
	bk := &incubation.Booking{SpaceID: id, OrgID: in.OrgID, Start: start, End: end, Attendees: in.Attendees, Purpose: in.Purpose}
	if err := a.store.CreateBooking(r.Context(), bk); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, bookingJSON{ID: bk.ID, SpaceID: bk.SpaceID, Space: bk.SpaceName, OrgID: bk.OrgID,
		Start: rfc3339(bk.Start), End: rfc3339(bk.End), Attendees: bk.Attendees, Purpose: bk.Purpose, Status: string(bk.Status)})
}

// cancelBooking: DELETE /api/v1/bookings/{id}; 204.
func (a *API) cancelBooking(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if !cleanID(id) {
		return errs.E(errs.NotFound, "notfound.booking")
	}
	if err := a.store.CancelBooking(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type sessionJSON struct {
	ID        string `json:"id"`
	CourseID  string `json:"course_id"`
	StreetID  string `json:"street_id"`
	Teacher   string `json:"teacher"`
	Place     string `json:"place"`
	Start     string `json:"start"`
	End       string `json:"end"`
	Capacity  int    `json:"capacity"`
	Enrolled  int    `json:"enrolled"`
	Seats     int    `json:"seats"`
	Materials string `json:"materials"`
}

type courseJSON struct {
	ID          string        `json:"id"`
	Title       string        `json:"title"`
	Topic       string        `json:"topic"`
	Description string        `json:"description"`
	Sessions    []sessionJSON `json:"sessions"`
}

type courseList struct {
	Items []courseJSON `json:"items"`
	Total int          `json:"total"`
}

// listCourses: GET /api/v1/courses, every course with its sessions that
// have not ended.
func (a *API) listCourses(w http.ResponseWriter, r *http.Request) error {
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	ctx := r.Context()
	courses, err := a.store.FindCourses(ctx)
	if err != nil {
		return err
	}
	sessions, err := a.store.FindCourseSessions(ctx, store.CourseSessionFilter{From: a.store.Now()})
	if err != nil {
		return err
	}
	out := courseList{Items: make([]courseJSON, 0, len(courses)), Total: len(courses)}
	for _, co := range courses {
		if err := accounts.Can(accounts.ActorFrom(ctx), accounts.View, co.Resource()); err != nil {
			return err
		}
		cj := courseJSON{ID: co.ID, Title: co.Title, Topic: string(co.Topic), Description: co.Description, Sessions: []sessionJSON{}}
		for _, se := range sessions {
			if se.CourseID == co.ID {
				cj.Sessions = append(cj.Sessions, sessionJSON{ID: se.ID, CourseID: se.CourseID, StreetID: se.StreetID,
					Teacher: se.Teacher, Place: se.Place, Start: rfc3339(se.Start), End: rfc3339(se.End), Capacity: se.Capacity,
					Enrolled: se.Enrolled, Seats: se.Seats(), Materials: se.Materials})
			}
		}
		out.Items = append(out.Items, cj)
	}
	return writeJSON(w, http.StatusOK, out)
}

type enrollmentIn struct {
	OrgID  string `json:"org_id"`
	Person string `json:"person,omitempty"`
	// UserID links the trainee's platform account (the caller or a
	// colleague), who then checks in with the session's code; the name is
	// the account's.
	UserID string `json:"user_id,omitempty"`
}

type enrollmentJSON struct {
	ID        string `json:"id"`
	SessionID string `json:"session_id"`
	OrgID     string `json:"org_id"`
	Person    string `json:"person"`
	UserID    string `json:"user_id,omitempty"`
	Status    string `json:"status"`
}

// enroll: POST /api/v1/sessions/{id}/enrollments; 409 conflict when full.
func (a *API) enroll(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if !cleanID(id) {
		return errs.E(errs.NotFound, "notfound.session")
	}
	var in enrollmentIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	e := &incubation.Enrollment{SessionID: id, OrgID: in.OrgID, Person: in.Person, UserID: in.UserID}
	if err := a.store.Enroll(r.Context(), e); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, enrollmentJSON{ID: e.ID, SessionID: e.SessionID, OrgID: e.OrgID, Person: e.Person,
		UserID: e.UserID, Status: string(e.Status)})
}

type certificateJSON struct {
	ID           string `json:"id"`
	Course       string `json:"course"`
	Topic        string `json:"topic"`
	OrgID        string `json:"org_id"`
	Organization string `json:"organization"`
	Person       string `json:"person"`
	SessionDate  string `json:"session_date"`
	IssuedAt     string `json:"issued_at"`
	VerifyPath   string `json:"verify_path"`
}

// getCertificate: GET /api/v1/certificates/{id}, public verification (the
// person's name masked unless the caller is the organization or the district).
func (a *API) getCertificate(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if !cleanID(id) {
		return errs.E(errs.NotFound, "notfound.academy_certificate")
	}
	ct, err := a.store.FindCertificateByID(r.Context(), id)
	if err != nil {
		return err
	}
	if err := accounts.Can(accounts.ActorFrom(r.Context()), accounts.View, ct.Resource()); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, certificateJSON{ID: ct.ID, Course: ct.CourseTitle, Topic: string(ct.Topic), OrgID: ct.OrgID,
		Organization: ct.OrgName, Person: ct.Person, SessionDate: ct.SessionStart.In(incubation.Zone).Format("2006-01-02"),
		IssuedAt: rfc3339(ct.IssuedAt), VerifyPath: "/academy/certificates/" + ct.ID})
}
