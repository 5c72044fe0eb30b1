package store_test

import (
	"sync"
	"testing"

	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestSecurityLoadSignupBurst: 1,000 residents sign up for a 50-place
// activity in one burst. Exactly 50 get a place, nobody errs, and the other
// 950 get the clear answer "full: you are on the waiting list" (status
// waiting), on both databases (SECURITY.md, Load).
func TestSecurityLoadSignupBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 sign-ups")
	}
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const people, places = 1000, 50
		w := newActivityWorld(t, s, people)
		a := w.activity(t, places, activities.OpenToAnyone)
		var wg sync.WaitGroup
		start := make(chan struct{})
		res := make([]*activities.Signup, people)
		errsOut := make([]error, people)
		for i := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				res[i], errsOut[i] = s.Signup(as(w.residents[i]), a.ID, "")
			}()
		}
		close(start)
		wg.Wait()
		placed, waiting := 0, 0
		for i := range people {
			if errsOut[i] != nil {
				t.Fatalf("resident %d: %v", i, errsOut[i])
			}
			switch res[i].Status {
			case activities.SignedUp:
				placed++
			case activities.Waiting:
				waiting++
			default:
				t.Fatalf("resident %d: status %q", i, res[i].Status)
			}
		}
		if placed != places || waiting != people-places {
			t.Fatalf("%d placed, %d waiting; want %d and %d", placed, waiting, places, people-places)
		}
		got, err := s.FindActivityByID(storetest.Admin(), a.ID)
		if err != nil || got.Signed != places || got.Waiting != people-places {
			t.Fatalf("activity counts %d signed, %d waiting: %v", got.Signed, got.Waiting, err)
		}
		var n int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM activity_signups WHERE activity_id = ? AND status = 'confirmed'`, a.ID, &n); err != nil || n != places {
			t.Fatalf("%d confirmed in the database: %v", n, err)
		}
		if err := rawCount(t, s, `SELECT COUNT(*) FROM activity_signups WHERE activity_id = ?`, a.ID, &n); err != nil || n != people {
			t.Fatalf("%d sign-up rows: %v", n, err)
		}
		// A second try by someone placed is refused, not counted twice.
		if _, err := s.Signup(as(w.residents[0]), a.ID, ""); err == nil {
			t.Fatal("a second sign-up by the same resident")
		}
		if b, _, err := s.VerifyAudit(storetest.Admin()); b != nil || err != nil {
			t.Fatalf("audit after the burst: %+v %v", b, err)
		}
	})
}
