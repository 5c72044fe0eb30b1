package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestSeedIncubation checks the incubation story the demo tells: three
// bases with rooms and workstations, incubatees at every stage, a year of
// monthly sessions with attendance, a graduate meeting every criterion and
// bookings in the coming week.
func TestSeedIncubation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = func() time.Time { return now }
		if _, err := demo.Seed(ctx, s, now); err != nil {
			t.Fatal(err)
		}
		bases, err := s.FindBases(ctx)
		if err != nil || len(bases) != 3 || bases[0].Name != demo.DistrictBase || !bases[0].District() {
			t.Fatalf("bases: %v %v", bases, err)
		}
		spaces, err := s.FindSpaces(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[incubation.SpaceKind]int{}
		for _, sp := range spaces {
			kinds[sp.Kind]++
		}
		for _, k := range incubation.SpaceKinds {
			if kinds[k] == 0 {
				t.Errorf("no %s", k)
			}
		}
		stages := map[incubation.Stage]int{}
		ins, err := s.FindIncubations(ctx, store.IncubationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var grad *incubation.Incubation
		for _, in := range ins {
			stages[in.Stage]++
			if in.Stage == incubation.Graduated {
				grad = in
			}
			if in.Stage == incubation.Incubating && in.Workstation == "" {
				t.Errorf("%s incubates without a workstation", in.OrgName)
			}
		}
		for _, st := range incubation.Stages {
			if stages[st] == 0 {
				t.Errorf("no incubation at stage %s", st)
			}
		}
		if grad == nil {
			t.Fatal("no graduate")
		}
		if cr, err := s.IncubationCriteria(ctx, grad.OrgID); err != nil || !cr.Met() {
			t.Errorf("the graduate's criteria: %+v %v", cr, err)
		}
		sessions, err := s.FindCourseSessions(ctx, store.CourseSessionFilter{})
		// Monthly from the platform's first months to next month.
		if err != nil || len(sessions) < 10 {
			t.Fatalf("sessions: %d %v", len(sessions), err)
		}
		first, last := sessions[0].Start, sessions[len(sessions)-1].Start
		if last.Sub(first) < 300*24*time.Hour || !last.After(now) || first.After(now) {
			t.Errorf("sessions from %s to %s", first, last)
		}
		stats, err := s.FindCourseStats(ctx)
		if err != nil || len(stats) != 6 {
			t.Fatalf("courses: %v %v", stats, err)
		}
		came := 0
		for _, c := range stats {
			came += c.Came
		}
		if came < 30 {
			t.Errorf("only %d attendances in a year", came)
		}
		booked := 0
		for _, sp := range spaces {
			bs, err := s.FindSpaceBookings(ctx, sp.ID, now, now.AddDate(0, 0, 8))
			if err != nil {
				t.Fatal(err)
			}
			booked += len(bs)
		}
		if booked < 10 {
			t.Errorf("only %d bookings in the coming week", booked)
		}
		if _, entries, err := s.VerifyAudit(ctx); err != nil || entries == 0 {
			t.Errorf("audit chain: %d %v", entries, err)
		}
	})
}
