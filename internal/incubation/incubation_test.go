package incubation

import (
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// TestTransitions walks every stage × action × actor and checks Step
// against the table written out by hand.
func TestTransitions(t *testing.T) {
	t.Parallel()
	staff := &accounts.User{ID: "s", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: "s1"}}}
	otherStaff := &accounts.User{ID: "s2", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: "s2"}}}
	admin := &accounts.User{ID: "a", Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
	orgAdmin := &accounts.User{ID: "o", Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: "o1"}}}
	member := &accounts.User{ID: "m", Grants: []accounts.Grant{{Role: accounts.OrgMember, ScopeID: "o1"}}}
	actors := map[string]*accounts.User{"staff": staff, "other_staff": otherStaff, "admin": admin, "org": orgAdmin,
		"member": member, "anonymous": nil}
	// want[from][action] = (to, who may)
	type rule struct {
		to  Stage
		who []string
	}
	want := map[Stage]map[Action]rule{
		Applied:    {ActAdmit: {Admitted, []string{"staff", "admin"}}, ActWithdraw: {Withdrawn, []string{"staff", "admin", "org"}}},
		Admitted:   {ActStart: {Incubating, []string{"staff", "admin"}}, ActWithdraw: {Withdrawn, []string{"staff", "admin", "org"}}},
		Incubating: {ActGraduate: {Graduated, []string{"staff", "admin"}}, ActWithdraw: {Withdrawn, []string{"staff", "admin", "org"}}},
	}
	for _, from := range Stages {
		for _, act := range []Action{ActAdmit, ActStart, ActGraduate, ActWithdraw} {
			r, listed := want[from][act]
			for name, u := range actors {
				in := &Incubation{Stage: from, StreetID: "s1", OrgID: "o1"}
				to, err := Step(u, in, act)
				allowed := false
				for _, w := range r.who {
					allowed = allowed || w == name
				}
				switch {
				case !listed && errs.CodeOf(err) != errs.Conflict:
					t.Errorf("%s %s by %s: %v, want conflict", from, act, name, err)
				case listed && allowed && (err != nil || to != r.to):
					t.Errorf("%s %s by %s: %s %v, want %s", from, act, name, to, err, r.to)
				case listed && !allowed && err == nil:
					t.Errorf("%s %s by %s: allowed", from, act, name)
				}
			}
		}
	}
	// The district base (no street) is the platform admins' alone.
	if _, err := Step(staff, &Incubation{Stage: Applied, OrgID: "o1"}, ActAdmit); errs.CodeOf(err) != errs.Forbidden {
		t.Errorf("street staff admits at the district base: %v", err)
	}
}

func TestWeek(t *testing.T) {
	t.Parallel()
	w, ok := ParseWeek("-,09:00-18:00,09:00-18:00,09:00-18:00,09:00-18:00,09:00-21:30,10:00-16:00")
	if !ok || w[time.Sunday] != (DayHours{}) || w[time.Friday] != (DayHours{540, 1290}) {
		t.Fatalf("parse: %v %v", w, ok)
	}
	if got := w.String(); got != "-,09:00-18:00,09:00-18:00,09:00-18:00,09:00-18:00,09:00-21:30,10:00-16:00" {
		t.Fatalf("round trip: %s", got)
	}
	for _, bad := range []string{"9-18", "09:15-18:00", "18:00-09:00", "09:00-24:30", "abc"} {
		if _, ok := ParseDay(bad); ok {
			t.Errorf("ParseDay(%q) accepted", bad)
		}
	}
	// Monday 2026-11-30 00:00 to Wednesday 00:00 Shanghai: two days of 18 half hours.
	from := time.Date(2026, 11, 30, 0, 0, 0, 0, Zone)
	if n := OpenSlots(w, from, from.Add(48*time.Hour)); n != 36 {
		t.Fatalf("open slots: %d", n)
	}
}

func TestCheckBookingHalfHoursInShanghai(t *testing.T) {
	t.Parallel()
	var w Week
	for i := range w {
		w[i] = DayHours{8 * 60, 21 * 60}
	}
	sp := &Space{Kind: MeetingRoom, Capacity: 10, Hours: w, Audience: Registered, MaxSlots: 4, AheadDays: 7}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // 08:00 in Shanghai
	// 09:30 Shanghai is 01:30 UTC: aligned either way, but 21:00 Shanghai
	// closes the room although 13:00 UTC looks like midday.
	ok := &Booking{Start: time.Date(2026, 12, 1, 1, 30, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 2, 30, 0, 0, time.UTC)}
	if err := sp.CheckBooking(ok, now, Eligibility{}, false); err != nil {
		t.Fatal(err)
	}
	late := &Booking{Start: time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 13, 30, 0, 0, time.UTC)}
	if err := sp.CheckBooking(late, now, Eligibility{}, false); errs.As(err).Key != "booking.closed" {
		t.Fatalf("21:00 Shanghai: %v", err)
	}
	overnight := &Booking{Start: time.Date(2026, 12, 1, 12, 30, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)}
	if err := sp.CheckBooking(overnight, now, Eligibility{}, false); err == nil {
		t.Fatal("booking past closing accepted")
	}
	if got := len(ok.Slots()); got != 2 {
		t.Fatalf("slots: %d", got)
	}
}
