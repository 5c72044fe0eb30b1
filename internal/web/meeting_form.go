package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
)

// meetingFormData is the form that records a joint meeting.
type meetingFormData struct {
	Conveners   []convener
	Streets     []*places.Street
	Communities []*places.Community
}

func (a *app) meetingFormPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	d := &meetingFormData{Conveners: a.convenerChoices(r)}
	if len(d.Conveners) == 0 {
		if _, err := actor(r); err != nil {
			return nil, err
		}
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	var err error
	if d.Streets, err = a.Store.FindStreets(r.Context()); err != nil {
		return nil, err
	}
	if d.Communities, err = a.Store.FindCommunities(r.Context(), ""); err != nil {
		return nil, err
	}
	return a.newPage(w, r, "meeting.new_title", d), nil
}

// meetingNew shows the empty form.
func (a *app) meetingNew(w http.ResponseWriter, r *http.Request) {
	p, err := a.meetingFormPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p.Form.Set("held_on", a.Store.Now().In(a.loc).Format(formDate))
	p.Form.Set("held_time", "09:30")
	a.render(w, r, "meeting_form.html", http.StatusOK, p)
}

// meetingCreate records the meeting with its parties and resolutions.
func (a *app) meetingCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	m := &coordination.Meeting{Title: f.Get("title"), Place: f.Get("place"), StreetID: f.Get("convener"),
		Agenda: coordination.SplitLines(f.Get("agenda")), Departments: coordination.SplitLines(f.Get("departments")),
		Minutes: f.Get("minutes"), Summary: f.Get("summary"), Published: f.Get("publish") == "1"}
	// A date or a time that is not one is said on its own field, with what
	// the domain finds wrong in the rest, so one submit names every problem;
	// a form in order goes to the store, which checks who may.
	var l errs.List
	day := readDay(&l, "held_on", f.Get("held_on"), a.loc)
	if clock, ok := readClock(&l, "held_time", f.Get("held_time"), 0); ok && !day.IsZero() {
		m.HeldAt = day.Add(clock)
	}
	for _, id := range f["party_street"] {
		m.Parties = append(m.Parties, coordination.Party{Kind: coordination.OwnerStreet, ID: id})
	}
	for _, id := range f["party_community"] {
		if id != "" {
			m.Parties = append(m.Parties, coordination.Party{Kind: coordination.OwnerCommunity, ID: id})
		}
	}
	for _, name := range coordination.SplitLines(f.Get("party_orgs")) {
		m.Parties = append(m.Parties, coordination.Party{Kind: coordination.OwnerOrganization, Name: name})
	}
	for _, text := range coordination.SplitLines(f.Get("resolutions")) {
		m.Resolutions = append(m.Resolutions, &coordination.Resolution{Text: text})
	}
	err := unreadAs(m.Validate(), l, map[string][]string{"held_at": {"held_on", "held_time"}})
	if err == nil {
		err = a.Store.CreateMeeting(r.Context(), m)
	}
	if err != nil {
		a.formAgain(w, r, "meeting_form.html", a.meetingFormPage, err)
		return
	}
	a.redirect(w, r, "/meetings/"+m.ID, "flash.meeting_created")
}
