package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/store"
)

type managedBase struct {
	Base        *incubation.Base
	Incubations []*incubation.Incubation
	Spaces      []*incubation.Space
	Occupancy   []*store.Occupancy
}

type incubationManageData struct {
	Bases      []managedBase
	Outcomes   []*store.Outcome
	Courses    []*store.CourseStat
	WeekFrom   time.Time
	Incubating map[string][]orgChoice // base id → organizations incubating there (for workstations)
	// BaseStreets are where the actor may open a base ("" the district's).
	BaseStreets []streetChoice
}

// incubationManage is the staff page: applications and incubatees of the
// bases the actor runs, this week's occupancy per space, the academy's
// attendance per course and which incubatees went on to win projects.
func (a *app) incubationManage(w http.ResponseWriter, r *http.Request) {
	p, err := a.incubationManagePage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "incubation_manage.html", http.StatusOK, p)
}

func (a *app) incubationManagePage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	bases, err := a.Store.FindBases(ctx)
	if err != nil {
		return nil, err
	}
	from := localDay("", a.Store.Now())
	d := &incubationManageData{WeekFrom: from, Incubating: map[string][]orgChoice{}}
	for _, b := range bases {
		if !incubation.Manages(u, b.StreetID) {
			continue
		}
		mb := managedBase{Base: b}
		if mb.Incubations, err = a.Store.FindIncubations(ctx, store.IncubationFilter{BaseID: b.ID}); err != nil {
			return nil, err
		}
		for _, in := range mb.Incubations {
			if in.Stage == incubation.Incubating {
				d.Incubating[b.ID] = append(d.Incubating[b.ID], orgChoice{in.OrgID, in.OrgName})
			}
		}
		if mb.Spaces, err = a.Store.FindSpaces(ctx, b.ID); err != nil {
			return nil, err
		}
		if mb.Occupancy, err = a.Store.FindOccupancy(ctx, b.ID, from, from.AddDate(0, 0, 7)); err != nil {
			return nil, err
		}
		d.Bases = append(d.Bases, mb)
	}
	if accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindSpace}) {
		d.BaseStreets = append(d.BaseStreets, streetChoice{"", ""})
	}
	streets, err := a.Store.FindStreets(ctx)
	if err != nil {
		return nil, err
	}
	for _, st := range streets {
		if accounts.Allowed(u, accounts.Create, accounts.Resource{Kind: accounts.KindSpace, StreetID: st.ID}) {
			d.BaseStreets = append(d.BaseStreets, streetChoice{st.ID, st.Name})
		}
	}
	if len(d.Bases) == 0 && len(d.BaseStreets) == 0 {
		return nil, errs.E(errs.Forbidden, "auth.forbidden")
	}
	if d.Outcomes, err = a.Store.FindIncubationOutcomes(ctx); err != nil {
		return nil, err
	}
	if d.Courses, err = a.Store.FindCourseStats(ctx); err != nil {
		return nil, err
	}
	return a.newPage(w, r, "inc.manage", d), nil
}

// baseCreate opens a base: the district's (platform admins) or a street's.
func (a *app) baseCreate(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	b := &incubation.Base{Name: r.PostFormValue("name"), StreetID: r.PostFormValue("street"), Address: r.PostFormValue("address")}
	if err := a.Store.CreateBase(r.Context(), b); err != nil {
		a.formAgain(w, r, "incubation_manage.html", a.incubationManagePage, err)
		return
	}
	a.redirect(w, r, "/incubation/manage#base-"+b.ID, "inc.flash_base_created")
}

// spaceUpdate changes a space's name, capacity, hours, audience and rules.
func (a *app) spaceUpdate(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	sp, err := spaceFromForm(r)
	if err == nil {
		sp.ID = id
		err = a.Store.UpdateSpace(r.Context(), sp)
	}
	if err != nil {
		a.formAgain(w, r, "incubation_space.html", a.spacePage, err)
		return
	}
	a.redirect(w, r, "/incubation/spaces/"+id, "inc.flash_space_updated")
}

// spaceFromForm reads the space form: opening hours one field per weekday
// (the edit form), or one for Monday to Friday and one for the weekend (the
// new-space form).
func spaceFromForm(r *http.Request) (*incubation.Space, error) {
	sp := &incubation.Space{BaseID: r.PostFormValue("base"), Name: r.PostFormValue("name"),
		Kind: incubation.SpaceKind(r.PostFormValue("kind")), Audience: incubation.Audience(r.PostFormValue("audience")),
		Rules: r.PostFormValue("rules")}
	var l errs.List
	var ok bool
	if sp.Capacity, ok = atoi(r.PostFormValue("capacity")); !ok {
		l.Add("capacity", "inc.number_invalid")
	}
	if sp.MaxSlots, ok = atoi(r.PostFormValue("max_slots")); !ok {
		l.Add("max_slots", "inc.number_invalid")
	}
	if sp.AheadDays, ok = atoi(r.PostFormValue("ahead_days")); !ok {
		l.Add("ahead_days", "inc.number_invalid")
	}
	if _, perDay := r.PostForm[dayField(time.Monday)]; perDay {
		// The edit form: one field per weekday (incubation_space.html).
		for i := range sp.Hours {
			f := dayField(time.Weekday(i))
			if sp.Hours[i], ok = incubation.ParseDay(r.PostFormValue(f)); !ok {
				l.Add(f, "inc.hours_invalid")
			}
		}
		return sp, l.Err()
	}
	weekday, ok1 := incubation.ParseDay(r.PostFormValue("hours_weekday"))
	weekend, ok2 := incubation.ParseDay(r.PostFormValue("hours_weekend"))
	if !ok1 {
		l.Add("hours_weekday", "inc.hours_invalid")
	}
	if !ok2 {
		l.Add("hours_weekend", "inc.hours_invalid")
	}
	for i := range sp.Hours {
		if time.Weekday(i) == time.Saturday || time.Weekday(i) == time.Sunday {
			sp.Hours[i] = weekend
		} else {
			sp.Hours[i] = weekday
		}
	}
	return sp, l.Err()
}

// spaceCreate adds a space to a base the actor runs.
func (a *app) spaceCreate(w http.ResponseWriter, r *http.Request) {
	sp, err := spaceFromForm(r)
	if err == nil {
		err = a.Store.CreateSpace(r.Context(), sp)
	}
	if err != nil {
		a.formAgain(w, r, "incubation_manage.html", a.incubationManagePage, err)
		return
	}
	a.redirect(w, r, "/incubation/manage#base-"+sp.BaseID, "inc.flash_space_created")
}

// spaceAssign assigns a workstation to an incubatee, or frees it.
func (a *app) spaceAssign(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Store.AssignWorkstation(r.Context(), r.PathValue("id"), r.PostFormValue("org")); err != nil {
		a.formAgain(w, r, "incubation_manage.html", a.incubationManagePage, err)
		return
	}
	a.redirect(w, r, "/incubation/manage", "inc.flash_assigned")
}

// dayField is the edit form's field of one weekday's opening hours.
func dayField(d time.Weekday) string { return "hours_" + strings.ToLower(d.String()[:3]) }

// hoursDay is one weekday row of the edit form.
type hoursDay struct {
	Field, Label string
}

// hoursDays lists the edit form's weekday rows, Monday first.
func hoursDays() []hoursDay {
	var out []hoursDay
	for i := 1; i <= 7; i++ {
		d := time.Weekday(i % 7)
		out = append(out, hoursDay{Field: dayField(d), Label: "inc.weekday." + d.String()})
	}
	return out
}
