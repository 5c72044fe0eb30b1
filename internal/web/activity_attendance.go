package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/server"
	"github.com/huitian/huitian/internal/store"
)

type activityAttendanceData struct {
	A       *activities.Activity
	Signups []*activities.Signup
	// ToConfirm are the checked-in, unconfirmed signups (the batch form).
	ToConfirm []*activities.Signup
	Started   bool
	// Confirmed are the signups with confirmed hours, which CanCorrect
	// may correct (with the Corrections made so far).
	Confirmed   []*activities.Signup
	CanCorrect  bool
	Corrections []*store.HoursCorrection
}

// activityAttendancePage is the organizer's list: who signed up, check-in
// and check-out by list, and the batch confirmation of hours.
func (a *app) activityAttendancePage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	act, err := a.Store.FindActivityByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	list, err := a.Store.FindSignups(ctx, act.ID)
	if err != nil {
		return nil, err
	}
	d := &activityAttendanceData{A: act, Signups: list, Started: !a.Store.Now().Before(act.StartsAt)}
	p := a.newPage(w, r, "activity.attendance_title", d)
	for _, g := range list {
		if g.Status == activities.SignedUp && !g.CheckinAt.IsZero() && !g.Confirmed {
			d.ToConfirm = append(d.ToConfirm, g)
			// Checked out: the recorded time, ticked unless it is none
			// (confirmed at 0 hours is not taking part: the organizer
			// decides). Still in: the organizer types the hours.
			if r.Method == http.MethodGet && g.CheckedOut() {
				p.Form.Set("hours_"+g.ID, activities.FormatHours(g.Minutes))
				if g.Minutes > 0 {
					p.Form.Add("confirm", g.ID)
				}
			}
		}
	}
	u, _ := actor(r)
	d.CanCorrect = store.MayCorrectHours(u, act)
	for _, g := range list {
		if g.Confirmed && g.Status == activities.SignedUp {
			d.Confirmed = append(d.Confirmed, g)
		}
	}
	if len(d.Confirmed) > 0 {
		if d.Corrections, err = a.Store.FindHoursCorrections(ctx, act.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (a *app) activityAttendance(w http.ResponseWriter, r *http.Request) {
	p, err := a.activityAttendancePage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "activity_attendance.html", http.StatusOK, p)
}

// activityMark checks one resident in or out from the list.
func (a *app) activityMark(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	step := store.Step(r.PathValue("step"))
	if err := a.Store.MarkByList(r.Context(), id, r.PathValue("sid"), step); err != nil {
		a.formAgain(w, r, "activity_attendance.html", a.activityAttendancePage, err)
		return
	}
	a.redirect(w, r, "/activities/"+id+"/attendance", "flash.activity_marked_"+string(step))
}

// activityConfirm confirms the hours of the ticked residents at once.
func (a *app) activityConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	act, err := a.Store.FindActivityByID(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	mins := map[string]int{}
	var l errs.List
	for _, sid := range r.PostForm["confirm"] {
		m, err := activities.ParseHours(r.PostFormValue("hours_"+sid), act.MaxMinutes())
		if err != nil {
			e := errs.As(err)
			l.Add("hours_"+sid, e.Key, e.Args...)
			continue
		}
		mins[sid] = m
	}
	if err := l.Err(); err != nil {
		a.formAgain(w, r, "activity_attendance.html", a.activityAttendancePage, err)
		return
	}
	if _, err := a.Store.ConfirmHours(ctx, id, mins); err != nil {
		a.formAgain(w, r, "activity_attendance.html", a.activityAttendancePage, err)
		return
	}
	// The confirmed hours earn points under the published rules (on public
	// notice first). The hours stand if this fails: `huitian points issue`
	// awards whatever confirmed attendance is still without its points.
	if _, err := a.Store.AwardConfirmedAttendance(ctx, 0); err != nil {
		a.Logger.Error("积分发放待补 / points for confirmed hours deferred", "request_id", server.RequestID(ctx), "err", err)
	}
	a.redirect(w, r, "/activities/"+id+"/attendance", "flash.activity_hours_confirmed")
}
