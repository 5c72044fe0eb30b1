package api_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestAPISignupBurst (issue 12, load): 1,000 residents press 报名 for a
// 50-place activity at the same moment, through the API handler with their
// own tokens. Exactly 50 get a place (201 confirmed), the other 950 the
// waiting list (201 waiting, a position each, no two alike), nobody an
// error; the activity's counts agree.
func TestAPISignupBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 sign-ups")
	}
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		const people, places = 1000, 50
		clock := time.Date(2025, 6, 1, 1, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return clock }
		f := newFixture(t, s, nil)
		tokens := make([]string, people)
		for i := range people {
			u := &accounts.User{Name: fmt.Sprintf("居民%d", i), Phone: fmt.Sprintf("1360000%04d", i), Grants: []accounts.Grant{{Role: accounts.Resident}}}
			if err := s.CreateUser(storetest.Admin(), u); err != nil {
				t.Fatal(err)
			}
			tok, err := s.CreateAPIToken(storetest.Admin(), u.ID, store.DefaultTokenIdle)
			if err != nil {
				t.Fatal(err)
			}
			tokens[i] = tok
		}
		start := clock.Add(30 * time.Minute)
		w := f.do(t, request{method: "POST", path: "/api/v1/activities", as: "member1", body: fmt.Sprintf(`{"title":"龙锦苑中心花园绿植认养",
			"type":"greening","org_id":%q,"team":"绿植认养队","community":"龙锦苑二区社区","address":"龙锦苑二区中心花园",
			"starts_at":%q,"ends_at":%q,"capacity":%d,"eligibility":"anyone","points_rule":"volunteer_hour","publish":true}`,
			f.orgs["o1"].ID, start.Format(time.RFC3339), start.Add(2*time.Hour).Format(time.RFC3339), places)})
		var a struct{ ID string }
		if w.Code != 201 || json.Unmarshal(w.Body.Bytes(), &a) != nil {
			t.Fatalf("activity: %d %s", w.Code, w.Body)
		}
		type answer struct {
			code     int
			status   string
			position float64
			body     string
		}
		answers := make([]answer, people)
		var wg sync.WaitGroup
		gate := make(chan struct{})
		for i := range people {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := httptest.NewRequest("POST", "/api/v1/activities/"+a.ID+"/signups", strings.NewReader(`{}`))
				r.Header.Set("Authorization", "Bearer "+tokens[i])
				r.RemoteAddr = fmt.Sprintf("10.%d.%d.1:4000", i/250, i%250) // residents on their own phones
				rw := httptest.NewRecorder()
				<-gate
				f.h.ServeHTTP(rw, r)
				var body struct {
					Status   string
					Position float64
				}
				json.Unmarshal(rw.Body.Bytes(), &body)
				answers[i] = answer{rw.Code, body.Status, body.Position, rw.Body.String()}
			}()
		}
		close(gate)
		wg.Wait()
		confirmed, positions := 0, map[float64]bool{}
		for i, an := range answers {
			switch {
			case an.code == 201 && an.status == "confirmed":
				confirmed++
			case an.code == 201 && an.status == "waiting" && an.position >= 1 && !positions[an.position]:
				positions[an.position] = true
			default:
				t.Fatalf("resident %d: %d %s", i, an.code, an.body)
			}
		}
		if confirmed != places || len(positions) != people-places {
			t.Fatalf("%d confirmed, %d waiting; want %d and %d", confirmed, len(positions), places, people-places)
		}
		got, err := s.FindActivityByID(storetest.Admin(), a.ID)
		if err != nil || got.Signed != places || got.Waiting != people-places {
			t.Fatalf("activity counts: %+v %v", got, err)
		}
	})
}
