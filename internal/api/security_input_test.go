package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/api"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// apiError reads {"error":{code,field}} from a response, failing on anything else.
func apiError(t *testing.T, what string, w *httptest.ResponseRecorder) (code, field string) {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s: Content-Type %q: %s", what, ct, w.Body)
	}
	var out struct {
		Error struct{ Code, Field, Message string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s: not JSON: %s", what, w.Body)
	}
	if out.Error.Message == "" {
		t.Fatalf("%s: no error message: %s", what, w.Body)
	}
	return out.Error.Code, out.Error.Field
}

// Attack: hostile request bodies to the JSON API — oversized, deeply
// nested, not UTF-8, NUL, trailing data, wrong types; negative and
// overflowing amounts (budget, donation fen) and dates out of range.
// Rule: a 4xx with a stable error code (and the field where there is one),
// and nothing stored.
func TestAPIHostileBodies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = func() time.Time { return time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC) }
		f := newFixture(t, s, nil)
		// A handler with a roomy body limit, so nesting is refused for its depth, not its size.
		big := api.New(api.Deps{Store: s, Catalog: catalog(t), Logger: slog.New(slog.DiscardHandler), MaxBodyBytes: 1 << 20})
		comm := f.orgs["o1"].CommunityID
		needs := func() int {
			_, n, err := s.FindNeeds(storetest.Admin(), procurement.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		need := func(budget, deadline string) string {
			return `{"title":"龙锦苑楼道照明改造","description":"楼道照明老化，社区希望统一更换为感应灯具。","community":"` + comm +
				`","budget_fen":` + budget + `,"deadline":"` + deadline + `","procedure":"open"}`
		}
		const okDeadline = "2026-12-30T10:00:00+08:00"
		// The body that works, so the failures below are about what they change.
		w := f.do(t, request{method: "POST", path: "/api/v1/needs", as: "admin", body: need("3000000", okDeadline)})
		if w.Code != 201 {
			t.Fatalf("a good need: %d %s", w.Code, w.Body)
		}
		var created struct{ ID string }
		json.Unmarshal(w.Body.Bytes(), &created)
		before := needs()

		// Multipart: text parts that are not UTF-8 or hold NUL (files: the web suite, the same store door).
		multi := func(path string, text map[string]string, files map[string][]byte) *httptest.ResponseRecorder {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			for k, v := range text {
				mw.WriteField(k, v)
			}
			for name, b := range files {
				fw, _ := mw.CreateFormFile("files", name)
				fw.Write(b)
			}
			mw.Close()
			r := httptest.NewRequest("POST", path, &buf)
			// An organization's admin: the one who may submit a proposal
			// (anyone else is refused before the body is read).
			r.Header.Set("Authorization", "Bearer "+f.tokens["orgadmin1"])
			r.Header.Set("Content-Type", mw.FormDataContentType())
			rw := httptest.NewRecorder()
			f.h.ServeHTTP(rw, r)
			return rw
		}
		for name, text := range map[string]string{"bad UTF-8": "方案\xff\xfe", "NUL": "方案\x00"} {
			rw := multi("/api/v1/needs/"+created.ID+"/proposals", map[string]string{"summary": text, "plan": "计划", "price_fen": "100",
				"duration_days": "30", "idempotency_key": "k1"}, nil)
			if code, field := apiError(t, name, rw); rw.Code != 400 || code != "invalid" || field != "summary" {
				t.Errorf("multipart %s: %d %s", name, rw.Code, rw.Body)
			}
		}

		nested := `{"title":` + strings.Repeat("[", 200000) + strings.Repeat("]", 200000) + `}`
		cases := []struct {
			name, body string
			h          http.Handler
			status     int
			code       string
			field      string
		}{
			{"oversized body", need("3000000", okDeadline) + strings.Repeat(" ", maxBody), nil, 413, "invalid", ""},
			{"deeply nested JSON", nested, big, 400, "invalid", ""},
			{"nested object in a text field", `{"title":{"a":{"b":{"c":1}}}}`, nil, 400, "invalid", "title"},
			{"bad UTF-8 in a string", strings.Replace(need("3000000", okDeadline), "楼道照明改造", "楼道\xff\xfe照明", 1), nil, 400, "invalid", ""},
			{"bad UTF-8 outside strings", need("3000000", okDeadline) + "\xff", nil, 400, "invalid", ""},
			{"NUL in a string", strings.Replace(need("3000000", okDeadline), "照明改造", `照明\u0000改造`, 1), nil, 400, "invalid", "title"},
			{"trailing data", need("3000000", okDeadline) + `{"x":1}`, nil, 400, "invalid", ""},
			{"not an object", `["a"]`, nil, 400, "invalid", ""},
			{"negative budget", need("-1", okDeadline), nil, 400, "invalid", "budget_fen"},
			{"budget over int64", need("9223372036854775808", okDeadline), nil, 400, "invalid", "budget_fen"},
			{"budget at int64 max", need("9223372036854775807", okDeadline), nil, 400, "invalid", "budget_fen"},
			{"budget as exponent", need("1e300", okDeadline), nil, 400, "invalid", "budget_fen"},
			{"fractional fen", need("100.5", okDeadline), nil, 400, "invalid", "budget_fen"},
			{"budget as text", need(`"八万"`, okDeadline), nil, 400, "invalid", "budget_fen"},
			{"deadline year 0", need("3000000", "0000-01-01T00:00:00Z"), nil, 400, "invalid", "deadline"},
			{"deadline year 10000", need("3000000", "10000-01-01T00:00:00Z"), nil, 400, "invalid", "deadline"},
			{"deadline month 13", need("3000000", "2026-13-01T10:00:00+08:00"), nil, 400, "invalid", "deadline"},
			{"deadline not a date", need("3000000", "明天"), nil, 400, "invalid", "deadline"},
		}
		for _, c := range cases {
			h := c.h
			if h == nil {
				h = f.h
			}
			r := httptest.NewRequest("POST", "/api/v1/needs", strings.NewReader(c.body))
			r.Header.Set("Authorization", "Bearer "+f.tokens["admin"])
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != c.status {
				t.Errorf("%s: %d, want %d: %.300s", c.name, w.Code, c.status, w.Body)
				continue
			}
			code, field := apiError(t, c.name, w)
			if code != c.code || (c.field != "" && field != c.field) {
				t.Errorf("%s: code %q field %q, want %q %q", c.name, code, field, c.code, c.field)
			}
		}
		if after := needs(); after != before {
			t.Fatalf("needs %d → %d: a refused body stored something", before, after)
		}

		// Money: donations and the points of nothing overflow.
		fund := &grants.FundRecord{Name: "回天社区治理基金", Kind: grants.General}
		if err := s.CreateFund(storetest.Admin(), fund); err != nil {
			t.Fatal(err)
		}
		for i, amount := range []string{"-100", "0", "-9223372036854775808", "9223372036854775807", "9223372036854775808", "1e20", "12.5", `"100"`} {
			body := fmt.Sprintf(`{"donor":"某公司","amount_fen":%s,"channel":"bank","donated_on":"2026-11-19","idempotency_key":"x%d"}`, amount, i)
			w := f.do(t, request{method: "POST", path: "/api/v1/funds/" + fund.ID + "/donations", as: "admin", body: body})
			if w.Code != 400 {
				t.Errorf("donation %s: %d %s", amount, w.Code, w.Body)
				continue
			}
			if code, _ := apiError(t, "donation "+amount, w); code != "invalid" {
				t.Errorf("donation %s: code %s", amount, code)
			}
		}
		for _, day := range []string{"0000-01-01", "9999-12-31", "2026-02-30", "2026/11/19", "19/11/2026"} {
			body := `{"donor":"某公司","amount_fen":100,"channel":"bank","donated_on":"` + day + `","idempotency_key":"d-` + day + `"}`
			w := f.do(t, request{method: "POST", path: "/api/v1/funds/" + fund.ID + "/donations", as: "admin", body: body})
			if w.Code != 400 {
				t.Errorf("donation on %s: %d %s", day, w.Code, w.Body)
			}
		}
		if got, err := s.FindDonations(storetest.Admin(), fund.ID, 100); err != nil || len(got) != 0 {
			t.Fatalf("a refused donation was recorded: %d %v", len(got), err)
		}
	})
}

// Attack: SQL and full-text metacharacters in the API's search and filter
// parameters and its sort keys. Rule: 200 or a 400 with a stable code, never
// a 500, tables intact; a sort key outside the allowlist is a 400 naming
// the allowed ones.
func TestAPIMetacharactersHarmless(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		meta := []string{`'`, `' OR '1'='1`, `--`, `'; DROP TABLE organizations; --`, `%`, `_`, `\`, `"`, `*`, `NEAR(养老 助餐)`,
			`养老 OR 1=1`, `(`, `^`, "\x00", "\xff", strings.Repeat("养", 201)}
		lists := map[string][]string{
			"/api/v1/organizations": {"q", "street", "community", "registration", "party_form", "category", "domain", "key", "credit_code", "sort", "page", "per_page"},
			"/api/v1/needs":         {"q", "street", "community", "category", "status", "procedure", "min_fen", "max_fen", "page"},
			"/api/v1/solutions":     {"q", "category", "sort", "status", "org", "page"},
			"/api/v1/activities":    {"q", "street", "community", "type", "from", "to", "page"},
			"/api/v1/meetings":      {"q", "status"},
			"/api/v1/rounds":        {"status", "street"},
		}
		for path, names := range lists {
			for _, name := range names {
				for _, v := range meta {
					w := f.do(t, request{method: "GET", path: path + "?" + name + "=" + url.QueryEscape(v), as: "admin"})
					if w.Code != 200 && w.Code != 400 {
						t.Errorf("%s?%s=%q: %d %.200s", path, name, v, w.Code, w.Body)
						continue
					}
					if w.Code == 400 {
						if code, _ := apiError(t, path, w); code != "invalid" {
							t.Errorf("%s?%s=%q: code %s", path, name, v, code)
						}
					}
				}
			}
		}
		if _, n, _ := s.FindOrganizations(storetest.Admin(), registry.Filter{}); n != len(f.orgs) {
			t.Fatalf("organizations: %d, want %d", n, len(f.orgs))
		}
		w := f.do(t, request{method: "GET", path: "/api/v1/organizations?sort=" + url.QueryEscape("name; DROP TABLE organizations")})
		if code, field := apiError(t, "sort", w); w.Code != 400 || code != "invalid" || field != "sort" {
			t.Fatalf("unknown sort: %d %s", w.Code, w.Body)
		}
	})
}
