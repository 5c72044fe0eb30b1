package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// incFixture is a street base with a meeting room, a library and a
// workstation, an organization in the street, one elsewhere, and people.
type incFixture struct {
	s                *store.Store
	street, other    *places.Street
	base             *incubation.Base
	room, lib, desk  *incubation.Space
	org, farOrg      *registry.Organization
	staff, orgAdmin  *accounts.User
	farAdmin, person *accounts.User
	now              time.Time
}

// at returns the local (Shanghai) time on the fixture's day plus days.
func (f *incFixture) at(days, hour, min int) time.Time {
	d := f.now.In(incubation.Zone)
	return time.Date(d.Year(), d.Month(), d.Day()+days, hour, min, 0, 0, incubation.Zone)
}

func allWeek(open, close string) incubation.Week {
	d, _ := incubation.ParseDay(open + "-" + close)
	var w incubation.Week
	for i := range w {
		w[i] = d
	}
	return w
}

func newIncFixture(t *testing.T, s *store.Store) *incFixture {
	t.Helper()
	f := &incFixture{s: s}
	// 2026-12-01 08:00 in Shanghai, a Tuesday.
	f.now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return f.now }
	st, c1, _ := seed(t, s)
	f.street = st
	f.other = &places.Street{Name: "天通苑北街道"}
	if err := s.CreateStreet(storetest.Admin(), f.other); err != nil {
		t.Fatal(err)
	}
	f.org = &registry.Organization{Name: "龙锦苑邻里互助社", Registration: registry.Registered, CreditCode: "52110114Y4CL12TH3D",
		StreetID: st.ID, CommunityID: c1.ID}
	f.farOrg = &registry.Organization{Name: "天北青年志愿者协会", Registration: registry.Filed, StreetID: f.other.ID}
	for _, o := range []*registry.Organization{f.org, f.farOrg} {
		if err := s.CreateOrganization(storetest.Admin(), o); err != nil {
			t.Fatal(err)
		}
	}
	f.staff = &accounts.User{ID: "staff", Name: "街道孵化专员", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
	f.orgAdmin = &accounts.User{ID: "oa", Name: "王秀兰", Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: f.org.ID}}}
	f.farAdmin = &accounts.User{ID: "fa", Name: "李青", Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: f.farOrg.ID}}}
	f.person = &accounts.User{ID: "p", Name: "张居民", Grants: []accounts.Grant{{Role: accounts.Resident}}}
	f.base = &incubation.Base{Name: "回龙观街道社会组织孵化基地", StreetID: st.ID, Address: "回龙观西大街 8 号"}
	if err := s.CreateBase(as(f.staff), f.base); err != nil {
		t.Fatal(err)
	}
	f.room = &incubation.Space{BaseID: f.base.ID, Name: "一号会议室", Kind: incubation.MeetingRoom, Capacity: 12,
		Hours: allWeek("08:00", "21:00"), Audience: incubation.StreetOrgs, MaxSlots: 8, AheadDays: 14}
	f.lib = &incubation.Space{BaseID: f.base.ID, Name: "公益图书馆", Kind: incubation.Library, Capacity: 20,
		Hours: allWeek("09:00", "17:00"), Audience: incubation.Registered}
	f.desk = &incubation.Space{BaseID: f.base.ID, Name: "工位 A01", Kind: incubation.Workstation, Capacity: 2,
		Audience: incubation.Incubatees}
	for _, sp := range []*incubation.Space{f.room, f.lib, f.desk} {
		if err := s.CreateSpace(as(f.staff), sp); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestSpaces(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newIncFixture(t, s)
		otherStaff := &accounts.User{ID: "x", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: f.other.ID}}}
		sp := &incubation.Space{BaseID: f.base.ID, Name: "别街的会议室", Kind: incubation.MeetingRoom, Capacity: 4,
			Hours: allWeek("09:00", "17:00"), Audience: incubation.Registered}
		if err := s.CreateSpace(as(otherStaff), sp); code(t, err) != errs.Forbidden {
			t.Fatalf("other street's staff: %v", err)
		}
		if err := s.CreateBase(as(f.staff), &incubation.Base{Name: "区级基地"}); code(t, err) != errs.Forbidden {
			t.Fatalf("street staff opening the district base: %v", err)
		}
		bad := &incubation.Space{BaseID: f.base.ID, Name: "", Kind: "pool", Capacity: 0, Audience: "all"}
		err := s.CreateSpace(as(f.staff), bad)
		if len(errs.Fields(err)) < 4 {
			t.Fatalf("bad space: %v (%d fields)", err, len(errs.Fields(err)))
		}
		list, err := s.FindSpaces(storetest.Admin(), f.base.ID)
		if err != nil || len(list) != 3 || list[len(list)-1].Kind != incubation.Workstation {
			t.Fatalf("spaces: %v %v", list, err)
		}
		got, err := s.FindSpaceByID(storetest.Admin(), f.room.ID)
		if err != nil || got.Hours != f.room.Hours || got.StreetID != f.street.ID || got.Capacity != 12 {
			t.Fatalf("room read back: %+v %v", got, err)
		}
		got.Capacity, got.Rules = 16, "请保持安静，用后复原桌椅"
		if err := s.UpdateSpace(as(f.staff), got); err != nil {
			t.Fatal(err)
		}
		if err := s.UpdateSpace(as(f.orgAdmin), got); code(t, err) != errs.Forbidden {
			t.Fatalf("org admin editing a space: %v", err)
		}
		// A workstation goes to an incubating organization only.
		if err := s.AssignWorkstation(as(f.staff), f.desk.ID, f.org.ID); errs.As(err).Field != "org" {
			t.Fatalf("assign to a non-incubatee: %v", err)
		}
		if err := s.AssignWorkstation(as(f.staff), f.room.ID, ""); code(t, err) != errs.Invalid {
			t.Fatalf("assign a meeting room: %v", err)
		}
	})
}

func TestBookingRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newIncFixture(t, s)
		book := func(u *accounts.User, sp *incubation.Space, org string, start, end time.Time, people int) (*incubation.Booking, error) {
			bk := &incubation.Booking{SpaceID: sp.ID, OrgID: org, Start: start, End: end, Attendees: people, Purpose: "理事会"}
			return bk, s.CreateBooking(as(u), bk)
		}
		cases := []struct {
			name       string
			u          *accounts.User
			sp         *incubation.Space
			org        string
			start, end time.Time
			people     int
			want       errs.Code
			field      string
		}{
			{"signed out", nil, f.room, f.org.ID, f.at(1, 10, 0), f.at(1, 11, 0), 5, errs.Unauthorized, ""},
			{"not aligned", f.orgAdmin, f.room, f.org.ID, f.at(1, 10, 15), f.at(1, 11, 0), 5, errs.Invalid, "start"},
			{"end before start", f.orgAdmin, f.room, f.org.ID, f.at(1, 11, 0), f.at(1, 10, 0), 5, errs.Invalid, "end"},
			{"too long", f.orgAdmin, f.room, f.org.ID, f.at(1, 9, 0), f.at(1, 13, 30), 5, errs.Invalid, "end"},
			{"in the past", f.orgAdmin, f.room, f.org.ID, f.at(0, 7, 0), f.at(0, 7, 30), 5, errs.Invalid, "start"},
			{"too far ahead", f.orgAdmin, f.room, f.org.ID, f.at(20, 10, 0), f.at(20, 11, 0), 5, errs.Invalid, "start"},
			{"before opening", f.orgAdmin, f.room, f.org.ID, f.at(1, 7, 30), f.at(1, 8, 30), 5, errs.Invalid, "start"},
			{"after closing", f.orgAdmin, f.room, f.org.ID, f.at(1, 20, 30), f.at(1, 21, 30), 5, errs.Invalid, "start"},
			{"over capacity", f.orgAdmin, f.room, f.org.ID, f.at(1, 10, 0), f.at(1, 11, 0), 13, errs.Invalid, "attendees"},
			{"org of another street", f.farAdmin, f.room, f.farOrg.ID, f.at(1, 10, 0), f.at(1, 11, 0), 5, errs.Forbidden, ""},
			{"a person, street orgs only", f.person, f.room, "", f.at(1, 10, 0), f.at(1, 11, 0), 1, errs.Forbidden, ""},
			{"for someone else's org", f.farAdmin, f.room, f.org.ID, f.at(1, 10, 0), f.at(1, 11, 0), 5, errs.Forbidden, ""},
			{"workstation", f.staff, f.desk, "", f.at(1, 10, 0), f.at(1, 11, 0), 1, errs.Invalid, ""},
			{"ok: street org", f.orgAdmin, f.room, f.org.ID, f.at(1, 10, 0), f.at(1, 11, 0), 5, "", ""},
			{"ok: a person in the library", f.person, f.lib, "", f.at(1, 9, 0), f.at(1, 10, 0), 1, "", ""},
			{"ok: the far org in the library", f.farAdmin, f.lib, f.farOrg.ID, f.at(1, 10, 0), f.at(1, 10, 30), 3, "", ""},
			{"overlap", f.staff, f.room, "", f.at(1, 10, 30), f.at(1, 11, 30), 1, errs.Conflict, ""},
		}
		for _, c := range cases {
			_, err := book(c.u, c.sp, c.org, c.start, c.end, c.people)
			if got := errs.CodeOf(err); got != c.want {
				t.Errorf("%s: %v, want %q", c.name, err, c.want)
				continue
			}
			if c.field != "" && errs.As(err).Field != c.field {
				t.Errorf("%s: field %q, want %q (%v)", c.name, errs.As(err).Field, c.field, err)
			}
		}
		var n int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM booking_slots WHERE space_id = ?`, f.room.ID, &n); err != nil || n != 2 {
			t.Fatalf("room slots after the cases: %d %v", n, err)
		}

		// Cancelling: before the start by the organization; after it, staff only.
		bk, err := book(f.orgAdmin, f.room, f.org.ID, f.at(0, 9, 0), f.at(0, 10, 0), 4)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CancelBooking(as(f.farAdmin), bk.ID); code(t, err) != errs.Forbidden {
			t.Fatalf("stranger cancels: %v", err)
		}
		f.now = f.at(0, 9, 30).UTC()
		if err := s.CancelBooking(as(f.orgAdmin), bk.ID); code(t, err) != errs.Conflict {
			t.Fatalf("org cancels after the start: %v", err)
		}
		if err := s.CancelBooking(as(f.staff), bk.ID); err != nil {
			t.Fatalf("staff override: %v", err)
		}
		if err := s.CancelBooking(as(f.staff), bk.ID); code(t, err) != errs.Conflict {
			t.Fatalf("cancel twice: %v", err)
		}
		// Its half hours are free again, and both steps are audited.
		if err := rawCount(t, s, `SELECT COUNT(*) FROM booking_slots WHERE booking_id = ?`, bk.ID, &n); err != nil || n != 0 {
			t.Fatalf("slots after cancel: %d %v", n, err)
		}
		entries, _, err := s.FindAuditEntries(storetest.Admin(), auditFilter("booking", bk.ID))
		if err != nil || len(entries) != 2 {
			t.Fatalf("audit: %v %v", entries, err)
		}
		if !contains(entries[0].Data+entries[1].Data, `"override":true`) {
			t.Fatalf("override not recorded: %+v", entries)
		}
		list, err := s.FindSpaceBookings(storetest.Admin(), f.room.ID, f.at(0, 0, 0), f.at(7, 0, 0))
		if err != nil || len(list) != 1 || list[0].OrgName != f.org.Name {
			t.Fatalf("room week: %v %v", list, err)
		}
		mine, err := s.FindMyBookings(as(f.orgAdmin), f.at(0, 0, 0))
		if err != nil || len(mine) != 2 {
			t.Fatalf("org admin's bookings: %d %v", len(mine), err)
		}
		if _, err := s.FindBookingByID(as(f.farAdmin), list[0].ID); code(t, err) != errs.Forbidden {
			t.Fatalf("stranger reads a booking: %v", err)
		}
	})
}

// TestBookingConcurrent books from 20 goroutines at once. Pairs race for
// the same hour (exactly one of each pair wins); then 20 overlapping
// bookings race, and the winners never overlap.
func TestBookingConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newIncFixture(t, s)
		race := func(n int, window func(i int) (time.Time, time.Time)) (won []*incubation.Booking) {
			var mu sync.Mutex
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := 0; i < n; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					a, b := window(i)
					bk := &incubation.Booking{SpaceID: f.room.ID, OrgID: f.org.ID, Start: a, End: b, Purpose: fmt.Sprint("第", i)}
					<-start
					err := s.CreateBooking(as(f.orgAdmin), bk)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						won = append(won, bk)
					case errs.As(err).Key != "booking.slot_taken":
						t.Errorf("goroutine %d: %v, want booking.slot_taken", i, err)
					}
				}(i)
			}
			close(start)
			wg.Wait()
			return won
		}
		// Ten hours from 08:00 tomorrow, two bookers each.
		won := race(20, func(i int) (time.Time, time.Time) {
			a := f.at(1, 8, 0).Add(time.Duration(i/2) * time.Hour)
			return a, a.Add(time.Hour)
		})
		if len(won) != 10 {
			t.Fatalf("pairs: %d bookings succeeded, want 10", len(won))
		}
		seen := map[time.Time]bool{}
		for _, b := range won {
			if seen[b.Start] {
				t.Fatalf("hour %v booked twice", b.Start)
			}
			seen[b.Start] = true
		}
		// Twenty 90-minute bookings starting every half hour the day after:
		// neighbours overlap, so who wins depends on timing, but no two
		// winners may share a half hour.
		won = race(20, func(i int) (time.Time, time.Time) {
			a := f.at(2, 8, 0).Add(time.Duration(i) * incubation.Slot)
			return a, a.Add(3 * incubation.Slot)
		})
		if len(won) == 0 || len(won) > 7 {
			t.Fatalf("overlapping: %d succeeded", len(won))
		}
		for i, a := range won {
			for _, b := range won[i+1:] {
				if a.Start.Before(b.End) && b.Start.Before(a.End) {
					t.Fatalf("overlapping winners: %v–%v and %v–%v", a.Start, a.End, b.Start, b.End)
				}
			}
		}
		var slots, active int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM booking_slots WHERE space_id = ?`, f.room.ID, &slots); err != nil {
			t.Fatal(err)
		}
		if err := rawCount(t, s, `SELECT COUNT(*) FROM bookings WHERE space_id = ?`, f.room.ID, &active); err != nil {
			t.Fatal(err)
		}
		if want := 10*2 + len(won)*3; slots != want || active != 10+len(won) {
			t.Fatalf("rows: %d slots (want %d), %d bookings (want %d): a loser left rows behind", slots, want, active, 10+len(won))
		}
	})
}
