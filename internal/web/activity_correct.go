package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/server"
)

// activityCorrect corrects one resident's confirmed hours with a reason
// (the organizer or the street's staff). The points of the old hours are
// withdrawn by the store; the corrected hours go on notice at once.
func (a *app) activityCorrect(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	act, err := a.Store.FindActivityByID(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	mins, err := activities.ParseHours(r.PostFormValue("correct_hours"), act.MaxMinutes())
	if err != nil {
		e := errs.As(err)
		a.formAgain(w, r, "activity_attendance.html", a.activityAttendancePage, errs.Field("correct_hours", e.Key, e.Args...))
		return
	}
	if _, err := a.Store.CorrectHours(ctx, id, r.PostFormValue("signup"), mins, r.PostFormValue("reason")); err != nil {
		if e := errs.As(err); e.Field == "hours" {
			err = errs.Field("correct_hours", e.Key, e.Args...)
		}
		a.formAgain(w, r, "activity_attendance.html", a.activityAttendancePage, err)
		return
	}
	if _, err := a.Store.AwardConfirmedAttendance(ctx, 0); err != nil {
		a.Logger.Error("积分发放待补 / points for corrected hours deferred", "request_id", server.RequestID(ctx), "err", err)
	}
	a.redirect(w, r, "/activities/"+id+"/attendance", "flash.activities_hours_corrected")
}
