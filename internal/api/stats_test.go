package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestAPIStatsOverview(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		// A volunteer team in the register: counted apart from the
		// organizations, as on the HTML page (社会组织 + 志愿服务队 = the register).
		team := registry.Organization{Name: "龙锦苑绿地认养志愿服务队", Kind: registry.KindTeam, StreetID: f.st1.ID,
			Domains: []string{"环境保护"}, Volunteers: 12}
		if err := s.CreateOrganization(storetest.Admin(), &team); err != nil {
			t.Fatal(err)
		}
		get := func(t *testing.T, as, q string) (int, map[string]any) {
			t.Helper()
			w := f.do(t, request{method: "GET", path: "/api/v1/stats/overview" + q, as: as})
			var v map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
				t.Fatalf("%v: %s", err, w.Body.String())
			}
			return w.Code, v
		}
		code, v := get(t, "admin", "")
		if code != 200 || num(v["organizations"]) != 5 || num(v["volunteer_teams"]) != 1 || str(v["street_id"]) != "" || v["median_hours_to_contract"] != nil || v["from"] != nil {
			t.Fatalf("district: %d %v", code, v)
		}
		// The money by funding route the page shows (none signed or awarded here).
		for _, k := range []string{"money_procurement_fen", "money_grant_fen", "money_match_fen"} {
			if x, ok := v[k].(float64); !ok || x != 0 {
				t.Errorf("%s: %v", k, v[k])
			}
		}
		byStreet := map[string]int{}
		for _, c := range arr(v["organizations_by_street"]) {
			m := c.(map[string]any)
			byStreet[str(m["key"])] = num(m["count"])
		}
		if byStreet[f.st1.ID] != 3 || byStreet[f.st2.ID] != 2 {
			t.Fatalf("by street: %v", byStreet)
		}
		if code, v := get(t, "admin", "?street="+f.st2.ID+"&from=2026-01-01&to=2026-12-31"); code != 200 || num(v["organizations"]) != 2 ||
			num(v["volunteer_teams"]) != 0 || str(v["from"]) != "2026-01-01" || str(v["to"]) != "2026-12-31" {
			t.Fatalf("one street: %d %v", code, v)
		}
		// Street staff: forced to their street; another street is forbidden.
		if code, v := get(t, "street2", ""); code != 200 || str(v["street_id"]) != f.st2.ID || num(v["organizations"]) != 2 {
			t.Fatalf("street staff: %d %v", code, v)
		}
		for _, c := range []struct {
			as, q, code, field, msg string
			status                  int
		}{
			{"street2", "?street=" + f.st1.ID, "forbidden", "", "", 403},
			{"orgadmin1", "", "forbidden", "", "", 403},
			{"", "", "unauthorized", "", "", 401},
			{"admin", "?from=2026-02-30", "invalid", "from", "日期格式", 400},
			{"admin", "?from=2026-03-02&to=2026-03-01", "invalid", "to", "结束日期", 400},
			{"admin", "?street=nowhere", "invalid", "street", "没有这个街道", 400},
			{"admin", "?year=2026", "invalid", "year", "", 400},
		} {
			code, v := get(t, c.as, c.q)
			e, _ := v["error"].(map[string]any)
			if code != c.status || str(e["code"]) != c.code || str(e["field"]) != c.field || !strings.Contains(str(e["message"]), c.msg) {
				t.Errorf("%s %s: %d %v, want %d %s %s", c.as, c.q, code, e, c.status, c.code, c.field)
			}
		}
	})
}
