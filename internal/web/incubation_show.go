package web

import (
	"net/http"
	"time"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
)

type incubationShowData struct {
	In       *incubation.Incubation
	Criteria incubation.Criteria
	Services []*incubation.Service
	Manager  bool
	Actions  []incubation.Action // the steps this actor may take now
}

// incubationShow is one incubation for its organization and the base's staff.
func (a *app) incubationShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.incubationShowPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "incubation_show.html", http.StatusOK, p)
}

func (a *app) incubationShowPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	in, err := a.Store.FindIncubationByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	u, _ := actor(r)
	d := &incubationShowData{In: in, Manager: incubation.Manages(u, in.StreetID)}
	if d.Criteria, err = a.Store.IncubationCriteria(ctx, in.OrgID); err != nil {
		return nil, err
	}
	if d.Services, err = a.Store.FindServices(ctx, in.ID); err != nil {
		return nil, err
	}
	for _, act := range []incubation.Action{incubation.ActStart, incubation.ActGraduate, incubation.ActWithdraw} {
		if _, err := incubation.Step(u, in, act); err == nil {
			d.Actions = append(d.Actions, act)
		}
	}
	p := a.newPage(w, r, "", d)
	p.Title = in.OrgName + " · " + in.BaseName
	if p.Form.Get("starts_on") == "" {
		today := localDay("", a.Store.Now())
		p.Form.Set("starts_on", today.Format("2006-01-02"))
		p.Form.Set("ends_on", today.AddDate(1, 0, 0).Format("2006-01-02"))
		p.Form.Set("on", today.Format("2006-01-02"))
	}
	return p, nil
}

// formDay reads a date of the form in Shanghai; one that is not a date
// (2026-02-31) goes to l and reads as zero, which the store refuses, and
// unreadAs then says why in place of "required".
func formDay(l *errs.List, r *http.Request, field string) time.Time {
	return readDay(l, field, r.PostFormValue(field), incubation.Zone)
}

// incubationAdmit admits an applicant with a plan, a mentor and a period.
func (a *app) incubationAdmit(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var l errs.List
	adm := incubation.Admission{Plan: r.PostFormValue("plan"), Mentor: r.PostFormValue("mentor"),
		StartsOn: formDay(&l, r, "starts_on"), EndsOn: formDay(&l, r, "ends_on")}
	if err := unreadAs(a.Store.AdmitIncubation(r.Context(), id, adm), l, nil); err != nil {
		a.formAgain(w, r, "incubation_show.html", a.incubationShowPage, err)
		return
	}
	a.redirect(w, r, "/incubation/incubations/"+id, "inc.flash_admitted")
}

// incubationStep moves in, graduates or withdraws.
func (a *app) incubationStep(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	act := incubation.Action(r.PathValue("action"))
	if act != incubation.ActStart && act != incubation.ActGraduate && act != incubation.ActWithdraw {
		a.fail(w, r, errs.E(errs.NotFound, "error.not_found_page"))
		return
	}
	if err := a.Store.StepIncubation(r.Context(), id, act, r.PostFormValue("note")); err != nil {
		a.formAgain(w, r, "incubation_show.html", a.incubationShowPage, err)
		return
	}
	a.redirect(w, r, "/incubation/incubations/"+id, "inc.flash_step_"+string(act))
}

// incubationService records a mentoring session or another service.
func (a *app) incubationService(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var l errs.List
	sv := &incubation.Service{Kind: r.PostFormValue("kind"), Provider: r.PostFormValue("provider"),
		Note: r.PostFormValue("note"), On: formDay(&l, r, "on")}
	if err := unreadAs(a.Store.AddService(r.Context(), id, sv), l, nil); err != nil {
		a.formAgain(w, r, "incubation_show.html", a.incubationShowPage, err)
		return
	}
	a.redirect(w, r, "/incubation/incubations/"+id+"#services", "inc.flash_service")
}
