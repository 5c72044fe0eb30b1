package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
)

// meetingEdit corrects a recorded meeting's title and agenda (its
// coordinators; audited with what changed).
func (a *app) meetingEdit(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	if _, err := a.Store.EditMeeting(r.Context(), id, r.PostFormValue("meeting_title"),
		coordination.SplitLines(r.PostFormValue("agenda"))); err != nil {
		a.formAgain(w, r, "meeting_show.html", a.meetingPage, meetingEditField(err))
		return
	}
	a.redirect(w, r, "/meetings/"+id, "flash.meeting_edited")
}

// meetingEditField names the title's errors after the edit form's field
// (the page's item form has its own "title").
func meetingEditField(err error) error {
	fields := errs.Fields(err)
	if len(fields) == 0 {
		return err
	}
	var l errs.List
	for _, f := range fields {
		name := f.Field
		if name == "title" {
			name = "meeting_title"
		}
		l.Add(name, f.Key, f.Args...)
	}
	return l.Err()
}
