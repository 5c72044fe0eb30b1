package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestOrganizationTallies: the counts the home page, the street lists and
// the directory read from organization_tallies (kept by triggers) equal
// counting the organizations, after creating, importing (new and updated
// rows) and editing street, category and registration.
func TestOrganizationTallies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin := storetest.Admin()
		st, c1, c2 := seed(t, s)
		st2 := &places.Street{Name: "霍营街道"}
		if err := s.CreateStreet(admin, st2); err != nil {
			t.Fatal(err)
		}
		check := func(step string) {
			t.Helper()
			streets, err := s.FindStreetsCounted(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range streets {
				var want int
				if err := rawCount(t, s, `SELECT COUNT(*) FROM organizations WHERE street_id = ?`, x.ID, &want); err != nil {
					t.Fatal(err)
				}
				if x.Organizations != want {
					t.Errorf("%s: street %s has %d organizations, the tally says %d", step, x.Name, want, x.Organizations)
				}
				n, err := s.CountOrganizations(ctx, registry.Filter{StreetID: x.ID, Registration: registry.Registered})
				if err != nil {
					t.Fatal(err)
				}
				var reg int
				if err := rawCount(t, s, `SELECT COUNT(*) FROM organizations WHERE registration = 'registered' AND street_id = ?`, x.ID, &reg); err != nil {
					t.Fatal(err)
				}
				if n != reg {
					t.Errorf("%s: street %s has %d registered organizations, counted %d", step, x.Name, reg, n)
				}
			}
			cats, err := s.CountOrganizationsByCategory(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []string{"", "elderly", "culture", "children"} {
				var want int
				if err := rawCount(t, s, `SELECT COUNT(*) FROM organizations WHERE category = ?`, c, &want); err != nil {
					t.Fatal(err)
				}
				if cats[c] != want {
					t.Errorf("%s: category %q has %d organizations, the tally says %d", step, c, want, cats[c])
				}
				_, total, err := s.FindOrganizations(ctx, registry.Filter{Category: c, PerPage: 1})
				if err != nil {
					t.Fatal(err)
				}
				if c != "" && total != want {
					t.Errorf("%s: the directory's total for %q is %d, want %d", step, c, total, want)
				}
			}
			// A filter the tallies do not hold is counted.
			_, total, err := s.FindOrganizations(ctx, registry.Filter{CommunityID: c2.ID})
			if err != nil {
				t.Fatal(err)
			}
			var want int
			if err := rawCount(t, s, `SELECT COUNT(*) FROM organizations WHERE community_id = ?`, c2.ID, &want); err != nil {
				t.Fatal(err)
			}
			if total != want {
				t.Errorf("%s: community total %d, want %d", step, total, want)
			}
		}
		check("empty")
		a := &registry.Organization{Name: "回龙观助老服务队", Registration: registry.Filed, StreetID: st.ID, CommunityID: c1.ID,
			Domains: []string{"养老服务"}}
		b := &registry.Organization{Name: "新龙城合唱团", Registration: registry.Filed, StreetID: st.ID, CommunityID: c2.ID,
			Domains: []string{"文体活动"}}
		for _, o := range []*registry.Organization{a, b} {
			if err := s.CreateOrganization(admin, o); err != nil {
				t.Fatal(err)
			}
		}
		check("created")
		rows := importLines(t,
			`{"key":"k1","name":"霍营读书会","street":"霍营街道","domains":["读书"]}`,
			`{"key":"k2","name":"霍营儿童之家","street":"霍营街道","domains":["儿童服务"]}`,
		)
		if _, err := s.ImportOrganizations(admin, rows, false, nil); err != nil {
			t.Fatal(err)
		}
		check("imported")
		// The same keys again, one moved to another street and category.
		rows = importLines(t,
			`{"key":"k1","name":"霍营读书会","street":"回龙观街道","domains":["养老服务"]}`,
			`{"key":"k2","name":"霍营儿童之家","street":"霍营街道","domains":["儿童服务"]}`,
		)
		if _, err := s.ImportOrganizations(admin, rows, false, nil); err != nil {
			t.Fatal(err)
		}
		check("imported again")
		reg, cat, street, none := registry.Registered, "culture", st2.ID, ""
		code := validCreditCode(t, "52110114MJ0000001")
		if _, err := s.UpdateOrganization(admin, a.ID, registry.Update{Registration: &reg, CreditCode: &code, Category: &cat,
			StreetID: &street, CommunityID: &none}); err != nil {
			t.Fatal(err)
		}
		check("edited")
		name := "新龙城合唱团（改名）"
		if _, err := s.UpdateOrganization(admin, b.ID, registry.Update{Name: &name}); err != nil {
			t.Fatal(err)
		}
		check("renamed")
	})
}

// TestActivityPagesMerged: the public list reads published and finished
// activities separately, each in its index's order, and merges them: the
// pages together are every public activity once, in time order (latest
// first, or soonest first from a date), with drafts and cancelled ones out.
func TestActivityPagesMerged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		w := newActivityWorld(t, s, 0)
		ctx := context.Background()
		start := *w.clock
		var made []string
		for i := range 7 {
			a := w.activityInput()
			a.StartsAt, a.EndsAt = start.Add(time.Duration(i+1)*time.Hour), start.Add(time.Duration(i+1)*time.Hour+30*time.Minute)
			a.Status = activities.Published
			if err := s.CreateActivity(as(w.organizer), a); err != nil {
				t.Fatal(err)
			}
			made = append(made, a.ID)
		}
		*w.clock = start.Add(5 * time.Hour) // the first four have ended
		for _, i := range []int{0, 2, 3} {
			if _, err := s.StepActivity(as(w.organizer), made[i], activities.ActFinish); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.StepActivity(as(w.organizer), made[5], activities.ActCancel); err != nil {
			t.Fatal(err)
		}
		pages := func(f activities.Filter) []string {
			t.Helper()
			var got []string
			for page := 1; page <= 4; page++ {
				f.Page, f.PerPage = page, 2
				list, n, err := s.FindActivities(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, a := range list {
					got = append(got, a.ID)
				}
				if want := 6; f.From.IsZero() && n != want {
					t.Fatalf("total %d, want %d", n, want)
				}
			}
			return got
		}
		latest := []string{made[6], made[4], made[3], made[2], made[1], made[0]}
		if got := pages(activities.Filter{}); !slices.Equal(got, latest) {
			t.Errorf("latest first: %v, want %v", got, latest)
		}
		soonest := []string{made[4], made[6]} // not yet ended at 5 h
		if got := pages(activities.Filter{From: *w.clock}); !slices.Equal(got, soonest) {
			t.Errorf("from now: %v, want %v", got, soonest)
		}
	})
}
