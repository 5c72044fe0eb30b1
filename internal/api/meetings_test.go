package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestAPIMeetingsAndActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		cst := time.FixedZone("CST", 8*3600)
		m := &coordination.Meeting{Title: "2026年第一季度联席会", HeldAt: time.Date(2026, 3, 5, 9, 30, 0, 0, cst),
			Minutes: "内部纪要", Summary: "部署覆盖摸底，联系 13812345678", Published: true,
			Resolutions: []*coordination.Resolution{{Text: "三月底前完成摸底"}}}
		if err := s.CreateMeeting(storetest.Admin(), m); err != nil {
			t.Fatal(err)
		}
		internal := &coordination.Meeting{Title: "天通苑北街道联席会", HeldAt: time.Date(2026, 4, 1, 9, 0, 0, 0, cst), StreetID: f.st2.ID}
		if err := s.CreateMeeting(storetest.Admin(), internal); err != nil {
			t.Fatal(err)
		}
		decode := func(t *testing.T, b string) map[string]any {
			var v map[string]any
			if err := json.Unmarshal([]byte(b), &v); err != nil {
				t.Fatalf("%v: %s", err, b)
			}
			return v
		}
		errCode := func(t *testing.T, b string) (string, string) {
			e := decode(t, b)["error"].(map[string]any)
			return str(e["code"]), str(e["field"])
		}
		// Public list: the published meeting only, minutes empty, phone masked.
		w := f.do(t, request{method: "GET", path: "/api/v1/meetings?include=resolutions"})
		body := decode(t, w.Body.String())
		items := arr(body["items"])
		if w.Code != 200 || len(items) != 1 || strings.Contains(w.Body.String(), "13812345678") || strings.Contains(w.Body.String(), "内部纪要") {
			t.Fatalf("public list: %d %s", w.Code, w.Body.String())
		}
		if res := arr(items[0].(map[string]any)["resolutions"]); len(res) != 1 {
			t.Fatalf("resolutions: %v", res)
		}
		// The street's staff see their street's internal meeting too.
		w = f.do(t, request{method: "GET", path: "/api/v1/meetings", as: "street2"})
		if n := num(decode(t, w.Body.String())["total"]); n != 2 {
			t.Fatalf("street staff list: %d", n)
		}
		if w := f.do(t, request{method: "GET", path: "/api/v1/meetings?year=1999"}); w.Code != 400 {
			t.Fatalf("bad year: %d", w.Code)
		}
		// Assign: street staff may not on a district meeting; bad input is a stable field error.
		path := "/api/v1/meetings/" + m.ID + "/actions"
		in := `{"title":"天通苑北街道完成摸底","owner_kind":"street","owner_id":"` + f.st2.ID + `","due":"2026-03-31"}`
		if w := f.do(t, request{method: "POST", path: path, as: "street2", body: in}); w.Code != 403 {
			t.Fatalf("street assigns on a district meeting: %d", w.Code)
		}
		if w := f.do(t, request{method: "POST", path: path, as: "admin", body: `{"title":"x","owner_kind":"street","owner_id":"` + f.st2.ID + `","due":"31/03"}`}); w.Code != 400 {
			t.Fatalf("bad due: %d", w.Code)
		} else if c, fld := errCode(t, w.Body.String()); c != "invalid" || fld != "due" {
			t.Fatalf("bad due: %s %s", c, fld)
		}
		if w := f.do(t, request{method: "POST", path: path, as: "admin", body: `{"title":"x","owner_kind":"mayor","owner_id":"a","due":"2026-03-31"}`}); w.Code != 400 {
			t.Fatalf("bad owner kind: %d", w.Code)
		}
		if w := f.do(t, request{method: "POST", path: "/api/v1/meetings/nope/actions", as: "admin", body: in}); w.Code != 404 {
			t.Fatalf("unknown meeting: %d", w.Code)
		}
		w = f.do(t, request{method: "POST", path: path, as: "admin", body: in})
		if w.Code != 201 {
			t.Fatalf("assign: %d %s", w.Code, w.Body.String())
		}
		item := decode(t, w.Body.String())
		if str(item["status"]) != "open" || str(item["owner_name"]) != "天通苑北街道" || str(item["due"]) != "2026-03-31" {
			t.Fatalf("item: %v", item)
		}
		apath := "/api/v1/actions/" + str(item["id"])
		// The owner: progress, a forbidden drop, done; others refused.
		if w := f.do(t, request{method: "PATCH", path: apath, as: "orgadmin1", body: `{"status":"done"}`}); w.Code != 403 {
			t.Fatalf("not the owner: %d", w.Code)
		}
		if w := f.do(t, request{method: "PATCH", path: apath, body: `{"status":"done"}`}); w.Code != 401 {
			t.Fatalf("anonymous: %d", w.Code)
		}
		if w := f.do(t, request{method: "PATCH", path: apath, as: "street2", body: `{"note":"已摸底 20 家"}`}); w.Code != 200 {
			t.Fatalf("progress note: %d %s", w.Code, w.Body.String())
		}
		w = f.do(t, request{method: "PATCH", path: apath, as: "street2", body: `{"status":"dropped","note":"不做了"}`})
		if c, fld := errCode(t, w.Body.String()); w.Code != 400 || c != "invalid" || fld != "status" {
			t.Fatalf("owner drops: %d %s %s", w.Code, c, fld)
		}
		if w := f.do(t, request{method: "PATCH", path: apath, as: "street2", body: `{"status":"done","note":"全部完成","extra":1}`}); w.Code != 400 {
			t.Fatalf("unknown field: %d", w.Code)
		}
		w = f.do(t, request{method: "PATCH", path: apath, as: "street2", body: `{"status":"done","note":"全部完成"}`})
		if w.Code != 200 || str(decode(t, w.Body.String())["status"]) != "done" {
			t.Fatalf("done: %d %s", w.Code, w.Body.String())
		}
		if w := f.do(t, request{method: "PATCH", path: apath, as: "admin", body: `{"status":"in_progress","note":"需补充材料"}`}); w.Code != 200 {
			t.Fatalf("coordinator reopens: %d", w.Code)
		}
	})
}
