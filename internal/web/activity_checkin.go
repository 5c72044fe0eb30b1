package web

import (
	"net/http"

	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/store"
)

type activityCheckinData struct {
	A    *activities.Activity
	Mine *activities.Signup
}

// activityCheckinPage is where the QR code leads (with ?code=): the
// resident confirms, or types the six digits shown at the venue.
func (a *app) activityCheckinPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	if _, err := actor(r); err != nil {
		return nil, err
	}
	act, err := a.Store.FindActivityByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	d := &activityCheckinData{A: act}
	if d.Mine, err = a.Store.FindMySignup(ctx, act.ID); err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	p := a.newPage(w, r, "activity.checkin_title", d)
	if c := r.URL.Query().Get("code"); c != "" && len(c) <= 6 {
		p.Form.Set("code", c)
	}
	return p, nil
}

func (a *app) activityCheckin(w http.ResponseWriter, r *http.Request) {
	p, err := a.activityCheckinPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "activity_checkin.html", http.StatusOK, p)
}

// activityCheckinSubmit checks the resident in (or out) with the code.
// Attempts are limited per resident and activity: six digits are guessable
// only by trying very many.
func (a *app) activityCheckinSubmit(w http.ResponseWriter, r *http.Request) {
	u, err := actor(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	if ok, _ := a.codeTryLimit.Allow(u.ID + "|" + id); !ok {
		a.formAgain(w, r, "activity_checkin.html", a.activityCheckinPage, errs.E(errs.TooMany, "activity.code_too_many"))
		return
	}
	want := store.Step(r.PostFormValue("step"))
	if want != store.StepCheckin && want != store.StepCheckout {
		want = ""
	}
	step, _, err := a.Store.CheckinByCode(r.Context(), id, r.PostFormValue("code"), want)
	if err != nil {
		if errs.Is(err, errs.TooMany) || errs.Is(err, errs.Conflict) || errs.Is(err, errs.Invalid) {
			a.formAgain(w, r, "activity_checkin.html", a.activityCheckinPage, err)
			return
		}
		a.fail(w, r, err)
		return
	}
	a.codeTryLimit.Reset(u.ID + "|" + id)
	a.redirect(w, r, "/activities/"+id+"/checkin", "flash.activity_"+string(step))
}
