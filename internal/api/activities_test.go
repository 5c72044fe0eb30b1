package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestAPIActivities(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		clock := time.Date(2025, 6, 1, 1, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return clock }
		f := newFixture(t, s, nil)
		for i, name := range []string{"resident1", "resident2"} {
			u := &accounts.User{Name: name, Phone: fmt.Sprintf("1370000900%d", i), Grants: []accounts.Grant{{Role: accounts.Resident}}}
			if err := s.CreateUser(storetest.Admin(), u); err != nil {
				t.Fatal(err)
			}
			tok, err := s.CreateAPIToken(storetest.Admin(), u.ID, store.DefaultTokenIdle)
			if err != nil {
				t.Fatal(err)
			}
			f.tokens[name], f.users[name] = tok, u
		}
		call := func(rq request, status int, code, field string) map[string]any {
			t.Helper()
			w := f.do(t, rq)
			var body map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatalf("%s %s: not JSON: %s", rq.method, rq.path, w.Body)
			}
			if w.Code != status {
				t.Fatalf("%s %s: status %d, want %d: %s", rq.method, rq.path, w.Code, status, w.Body)
			}
			if code != "" {
				e, _ := body["error"].(map[string]any)
				if e == nil || e["code"] != code || str(e["field"]) != field || str(e["message"]) == "" {
					t.Fatalf("%s %s: error %v, want %s/%s", rq.method, rq.path, body, code, field)
				}
			}
			return body
		}
		// A volunteer team is an organization of kind team.
		team := call(request{method: "POST", path: "/api/v1/organizations", as: "admin",
			body: `{"name":"龙锦苑二区社区绿地认养队","street":"回龙观街道","kind":"team"}`}, 201, "", "")
		if team["kind"] != "team" {
			t.Fatalf("team: %v", team)
		}
		call(request{method: "POST", path: "/api/v1/organizations", as: "admin",
			body: `{"name":"某某俱乐部","street":"回龙观街道","kind":"club"}`}, 400, "invalid", "kind")
		if o := call(request{method: "GET", path: "/api/v1/organizations/" + f.orgs["o1"].ID}, 200, "", ""); o["kind"] != "organization" {
			t.Fatalf("default kind: %v", o["kind"])
		}
		start := clock.Add(30 * time.Minute)
		create := fmt.Sprintf(`{"title":"龙锦苑中心花园绿植认养","type":"greening","org_id":%q,"team":"绿植认养队",
			"community":"龙锦苑二区社区","address":"龙锦苑二区中心花园","starts_at":%q,"ends_at":%q,"capacity":1,
			"eligibility":"anyone","points_rule":"volunteer_hour","publish":true}`,
			f.orgs["o1"].ID, start.Format(time.RFC3339), start.Add(2*time.Hour).Format(time.RFC3339))
		call(request{method: "POST", path: "/api/v1/activities", body: create}, 401, "unauthorized", "")
		call(request{method: "POST", path: "/api/v1/activities", as: "orgadmin2", body: create}, 403, "forbidden", "")
		call(request{method: "POST", path: "/api/v1/activities", as: "orgadmin1",
			body: `{"title":"读","type":"nope","org_id":"x","address":"","starts_at":"tomorrow","capacity":0,"eligibility":"anyone"}`},
			400, "invalid", "starts_at")
		call(request{method: "POST", path: "/api/v1/activities", as: "orgadmin1", body: `{"title":"x","colour":"red"}`},
			400, "invalid", "colour")
		a := call(request{method: "POST", path: "/api/v1/activities", as: "member1", body: create}, 201, "", "")
		id := str(a["id"])
		if a["status"] != "published" || a["street"] != "回龙观街道" || a["community"] != "龙锦苑二区社区" || a["signed_up"] != 0.0 {
			t.Fatalf("created: %v", a)
		}
		if _, has := a["secret"]; has {
			t.Fatal("the check-in secret is returned")
		}

		list := call(request{method: "GET", path: "/api/v1/activities?street=回龙观街道&type=greening&from=2025-06-01"}, 200, "", "")
		if list["total"] != 1.0 {
			t.Fatalf("list: %v", list)
		}
		if l := call(request{method: "GET", path: "/api/v1/activities?type=reading"}, 200, "", ""); l["total"] != 0.0 {
			t.Fatalf("type filter: %v", l)
		}
		call(request{method: "GET", path: "/api/v1/activities?from=明天"}, 400, "invalid", "from")
		call(request{method: "GET", path: "/api/v1/activities?status=draft"}, 400, "invalid", "status")
		call(request{method: "GET", path: "/api/v1/activities?colour=red"}, 400, "invalid", "colour")

		signups := "/api/v1/activities/" + id + "/signups"
		call(request{method: "POST", path: signups, as: "orgadmin1", body: `{}`}, 403, "forbidden", "")
		g1 := call(request{method: "POST", path: signups, as: "resident1"}, 201, "", "")
		g2 := call(request{method: "POST", path: signups, as: "resident2", body: `{}`}, 201, "", "")
		if g1["status"] != "confirmed" || g2["status"] != "waiting" || g2["position"] != 1.0 {
			t.Fatalf("signups: %v %v", g1, g2)
		}
		call(request{method: "POST", path: signups, as: "resident1"}, 409, "conflict", "")
		call(request{method: "POST", path: "/api/v1/activities/nope/signups", as: "resident1"}, 404, "not_found", "")

		checkins := "/api/v1/activities/" + id + "/checkins"
		code, _, err := s.ActivitySecretCode(storetest.Admin(), id)
		if err != nil {
			t.Fatal(err)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "000001"
		}
		call(request{method: "POST", path: checkins, as: "resident1", body: `{}`}, 400, "invalid", "code")
		call(request{method: "POST", path: checkins, as: "resident1", body: `{"code":"` + wrong + `"}`}, 400, "invalid", "code")
		call(request{method: "POST", path: checkins, as: "resident2", body: `{"code":"` + code + `"}`}, 409, "conflict", "")
		in := call(request{method: "POST", path: checkins, as: "resident1", body: `{"code":"` + code + `"}`}, 200, "", "")
		if in["step"] != "checkin" {
			t.Fatalf("check in: %v", in)
		}
		clock = start.Add(2 * time.Hour)
		code, _, _ = s.ActivitySecretCode(storetest.Admin(), id)
		out := call(request{method: "POST", path: checkins, as: "resident1", body: `{"code":"` + code + `"}`}, 200, "", "")
		sg, _ := out["signup"].(map[string]any)
		if out["step"] != "checkout" || sg["minutes"] != 120.0 || sg["checkout_at"] == "" {
			t.Fatalf("check out: %v", out)
		}

		// Guessing is cut off: ten tries in a window (the clock moved past the
		// one above's), then 429. The limit counts in the database, on the
		// store's clock, so every app node sees the same tries.
		for range 10 {
			call(request{method: "POST", path: checkins, as: "resident2", body: `{"code":"` + wrong + `"}`}, 409, "conflict", "")
		}
		w := f.do(t, request{method: "POST", path: checkins, as: "resident2", body: `{"code":"` + wrong + `"}`})
		if w.Code != http.StatusTooManyRequests {
			t.Fatalf("eleventh try: %d %s", w.Code, w.Body)
		}
	})
}
