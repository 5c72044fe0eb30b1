package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
)

// slotRow is one half hour of the day view.
type slotRow struct {
	Start   time.Time
	Booking *incubation.Booking // nil: free
	Past    bool
}

// dayView is one day of a space: its opening hours and bookings.
type dayView struct {
	Day      time.Time
	Hours    string // "09:00-18:00", "" closed
	Slots    []slotRow
	Bookings []*incubation.Booking
}

type spaceData struct {
	Space      *incubation.Space
	Week       bool
	Day        time.Time
	Prev, Next string // the dates the arrows lead to
	Days       []dayView
	Free       []time.Time // free start times on Day, for the form
	Orgs       []orgChoice
	Personal   bool // the actor may book for themself
	SeeNames   bool // staff see who booked
	CanBook    bool
	Manager    bool
	MaxSlots   []int
	// Edit fills the staff's form that changes the space; HoursDays are
	// its opening-hours rows, one per weekday.
	Edit      url.Values
	HoursDays []hoursDay
}

// spaceShow is a space's day or week view with the booking form: a list a
// phone can read without JavaScript.
func (a *app) spaceShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.spacePage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "incubation_space.html", http.StatusOK, p)
}

func (a *app) spacePage(w http.ResponseWriter, r *http.Request) (*page, error) {
	ctx := r.Context()
	sp, err := a.Store.FindSpaceByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	u := accounts.ActorFrom(ctx)
	now := a.Store.Now()
	dayStr := r.URL.Query().Get("date")
	if r.Method == http.MethodPost {
		dayStr = r.PostFormValue("date")
	}
	d := &spaceData{Space: sp, Week: r.URL.Query().Get("view") == "week", Day: localDay(dayStr, now),
		Manager: incubation.Manages(u, sp.StreetID), MaxSlots: countsUpTo(sp.MaxSlots)}
	n := 1
	step := 1
	if d.Week {
		n, step = 7, 7
	}
	d.Prev, d.Next = d.Day.AddDate(0, 0, -step).Format("2006-01-02"), d.Day.AddDate(0, 0, step).Format("2006-01-02")
	end := d.Day.AddDate(0, 0, n)
	bookings, err := a.Store.FindSpaceBookings(ctx, sp.ID, d.Day, end)
	if err != nil {
		return nil, err
	}
	d.SeeNames = d.Manager
	for i := 0; i < n; i++ {
		day := d.Day.AddDate(0, 0, i)
		dv := dayView{Day: day, Hours: sp.Hours.Day(day.Weekday())}
		h := sp.Hours[day.Weekday()]
		for _, b := range bookings {
			if b.Start.Before(day.AddDate(0, 0, 1)) && b.End.After(day) {
				dv.Bookings = append(dv.Bookings, b)
			}
		}
		for m := h.Open; m < h.Close; m += 30 {
			t := day.Add(time.Duration(m) * time.Minute)
			row := slotRow{Start: t, Past: !t.After(now)}
			for _, b := range dv.Bookings {
				if !t.Before(b.Start) && t.Before(b.End) {
					row.Booking = b
				}
			}
			dv.Slots = append(dv.Slots, row)
			if i == 0 && row.Booking == nil && !row.Past {
				d.Free = append(d.Free, t)
			}
		}
		d.Days = append(d.Days, dv)
	}
	if d.Manager {
		d.Edit = url.Values{"name": {sp.Name}, "capacity": {strconv.Itoa(sp.Capacity)}, "audience": {string(sp.Audience)},
			"max_slots": {strconv.Itoa(sp.MaxSlots)}, "ahead_days": {strconv.Itoa(sp.AheadDays)}, "rules": {sp.Rules}}
		for i := range sp.Hours {
			d.Edit.Set(dayField(time.Weekday(i)), or(sp.Hours.Day(time.Weekday(i)), "-"))
		}
		d.HoursDays = hoursDays()
		if r.Method == http.MethodPost && r.PostFormValue("edit") == "1" {
			d.Edit = r.PostForm
		}
	}
	if u != nil && sp.Bookable() {
		d.Orgs = actorOrgs(u, false)
		d.Personal = sp.Audience == incubation.Registered || d.Manager
		d.CanBook = len(d.Orgs) > 0 || d.Personal
	}
	p := a.newPage(w, r, "", d)
	p.Title = sp.Name + " · " + sp.BaseName
	return p, nil
}

// bookingCreate books from the space page's form: a day, a start time and
// a number of half hours.
func (a *app) bookingCreate(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	start, ok := localTime(r.PostFormValue("date"), r.PostFormValue("start"))
	slots, okN := strconv.Atoi(r.PostFormValue("slots"))
	people, okP := atoi(r.PostFormValue("attendees"))
	var err error
	switch {
	case !ok:
		err = errs.Field("start", "inc.start_invalid")
	case okN != nil || slots < 1:
		err = errs.Field("slots", "inc.slots_invalid")
	case !okP:
		err = errs.Field("attendees", "inc.attendees_invalid")
	}
	if err == nil {
		bk := &incubation.Booking{SpaceID: id, OrgID: r.PostFormValue("org"), Start: start,
			End: start.Add(time.Duration(slots) * incubation.Slot), Attendees: people, Purpose: r.PostFormValue("purpose")}
		if err = a.Store.CreateBooking(r.Context(), bk); err == nil {
			a.redirect(w, r, "/incubation/spaces/"+id+"?date="+r.PostFormValue("date"), "inc.flash_booked")
			return
		}
	}
	a.formAgain(w, r, "incubation_space.html", a.spacePage, err)
}

// bookingCancel cancels a booking and returns to where the form was.
func (a *app) bookingCancel(w http.ResponseWriter, r *http.Request) {
	if err := a.Store.CancelBooking(r.Context(), r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	a.redirect(w, r, safeNext(r.PostFormValue("next")), "inc.flash_cancelled")
}

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
