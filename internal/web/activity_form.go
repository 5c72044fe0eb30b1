package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
)

type activityFormData struct {
	Edit        *activities.Activity     // nil when creating
	Orgs        []*registry.Organization // those the actor may publish for
	Streets     []*places.Street
	Communities []*places.Community
}

func (a *app) activityFormPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	d := &activityFormData{}
	for _, id := range u.OrgIDs() {
		if !accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindActivity, OrgID: id}) {
			continue
		}
		o, err := a.Store.FindOrganizationByID(ctx, id)
		if err != nil {
			return nil, err
		}
		d.Orgs = append(d.Orgs, o)
	}
	if len(d.Orgs) == 0 {
		return nil, errs.E(errs.Forbidden, "activity.no_org")
	}
	if d.Streets, err = a.Store.FindStreets(ctx); err != nil {
		return nil, err
	}
	if d.Communities, err = a.Store.FindCommunities(ctx, ""); err != nil {
		return nil, err
	}
	p := a.newPage(w, r, "activity.new", d)
	if r.Method == http.MethodGet {
		p.Form.Set("org", d.Orgs[0].ID)
		p.Form.Set("street", d.Orgs[0].StreetID)
		p.Form.Set("community", d.Orgs[0].CommunityID)
		p.Form.Set("capacity", "20")
		p.Form.Set("eligibility", string(activities.OpenToAnyone))
	}
	return p, nil
}

func (a *app) activityNew(w http.ResponseWriter, r *http.Request) {
	p, err := a.activityFormPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "activity_form.html", http.StatusOK, p)
}

func (a *app) activityCreate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	act := &activities.Activity{Title: f.Get("title"), Type: activities.Type(f.Get("type")), Description: f.Get("description"),
		OrgID: f.Get("org"), Team: f.Get("team"), StreetID: f.Get("street"), CommunityID: f.Get("community"),
		Address: f.Get("address"), Eligibility: activities.Eligibility(f.Get("eligibility")),
		Status: activities.Draft}
	if f.Get("publish") != "" {
		act.Status = activities.Published
	}
	var l errs.List
	parse := func(field string) time.Time {
		v := strings.TrimSpace(f.Get(field))
		if v == "" {
			return time.Time{} // Validate says it is required
		}
		t, err := time.ParseInLocation(formTime, v, a.loc)
		if err != nil {
			l.Add(field, "date.invalid_time")
		} else if !timeInRange(t) {
			l.Add(field, "date.out_of_range", minYear, maxYear)
		}
		return t.UTC()
	}
	act.StartsAt, act.EndsAt = parse("starts_at"), parse("ends_at")
	n, ok := atoi(f.Get("capacity"))
	if !ok {
		l.Add("capacity", "activity.capacity_range", 1, 1000)
	}
	act.Capacity = n
	err := l.Err()
	if err == nil {
		err = a.Store.CreateActivity(r.Context(), act)
	} else if verr := act.Validate(); verr != nil {
		err = errs.Merge(err, verr)
	}
	if err != nil {
		a.formAgain(w, r, "activity_form.html", a.activityFormPage, err)
		return
	}
	flash := "flash.activity_saved"
	switch {
	case act.Status == activities.Published:
		flash = "flash.activity_published"
	case act.StartPassed(a.Store.Now()):
		flash = "flash.activity_saved_start_passed"
	}
	a.redirect(w, r, "/activities/"+act.ID, flash)
}

// activityEditPage is the same form filled from an activity, for a draft or
// a published activity that has not started.
func (a *app) activityEditPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	if _, err := actor(r); err != nil {
		return nil, err
	}
	act, err := a.Store.FindActivityByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if err := accounts.Can(accounts.ActorFrom(ctx), accounts.Update, act.Resource()); err != nil {
		return nil, err
	}
	if !act.Editable(a.Store.Now()) {
		return nil, errs.E(errs.Conflict, "activity.not_editable")
	}
	d := &activityFormData{Edit: act}
	if d.Streets, err = a.Store.FindStreets(ctx); err != nil {
		return nil, err
	}
	if d.Communities, err = a.Store.FindCommunities(ctx, ""); err != nil {
		return nil, err
	}
	p := a.newPage(w, r, "activity.edit", d)
	if r.Method == http.MethodGet {
		v := p.Form
		v.Set("title", act.Title)
		v.Set("type", string(act.Type))
		v.Set("description", act.Description)
		v.Set("team", act.Team)
		v.Set("street", act.StreetID)
		v.Set("community", act.CommunityID)
		v.Set("address", act.Address)
		v.Set("starts_at", act.StartsAt.In(a.loc).Format(formTime))
		v.Set("ends_at", act.EndsAt.In(a.loc).Format(formTime))
		v.Set("capacity", itoa(act.Capacity))
		v.Set("eligibility", string(act.Eligibility))
	}
	return p, nil
}

func (a *app) activityEdit(w http.ResponseWriter, r *http.Request) {
	p, err := a.activityEditPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "activity_form.html", http.StatusOK, p)
}

func (a *app) activityUpdate(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	str := func(k string) *string { v := f.Get(k); return &v }
	typ := activities.Type(f.Get("type"))
	elig := activities.Eligibility(f.Get("eligibility"))
	u := activities.Update{Title: str("title"), Type: &typ, Description: str("description"), Team: str("team"),
		StreetID: str("street"), CommunityID: str("community"), Address: str("address"), Eligibility: &elig}
	var l errs.List
	for _, t := range []struct {
		field string
		dst   **time.Time
	}{{"starts_at", &u.StartsAt}, {"ends_at", &u.EndsAt}} {
		v := strings.TrimSpace(f.Get(t.field))
		tm, err := time.ParseInLocation(formTime, v, a.loc)
		if err != nil {
			l.Add(t.field, "date.invalid_time")
			continue
		}
		if !timeInRange(tm) {
			l.Add(t.field, "date.out_of_range", minYear, maxYear)
			continue
		}
		tm = tm.UTC()
		*t.dst = &tm
	}
	n, ok := atoi(f.Get("capacity"))
	if !ok {
		l.Add("capacity", "activity.capacity_range", 1, 1000)
	}
	u.Capacity = &n
	id := r.PathValue("id")
	err := l.Err()
	var act *activities.Activity
	if err == nil {
		act, err = a.Store.UpdateActivity(r.Context(), id, u)
	}
	if err != nil {
		a.formAgain(w, r, "activity_form.html", a.activityEditPage, err)
		return
	}
	flash := "flash.activity_updated"
	if act.Status == activities.Draft && act.StartPassed(a.Store.Now()) {
		flash = "flash.activity_saved_start_passed"
	}
	a.redirect(w, r, "/activities/"+id, flash)
}
