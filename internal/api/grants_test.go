package api_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestAPIGrants: a donation, an application, an award, a tranche paid
// twice (once), an expense with a receipt approved by someone else; bad
// amounts are refused with the field named; the fund's figures follow.
func TestAPIGrants(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		s.Now = func() time.Time { return time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC) }
		f := newFixture(t, s, nil)
		call := func(method, path, as, body string, status int, code string, hdr ...string) map[string]any {
			t.Helper()
			rq := request{method: method, path: path, as: as, body: body}
			if len(hdr) == 2 {
				rq.header = map[string]string{hdr[0]: hdr[1]}
			}
			w := f.do(t, rq)
			var out map[string]any
			if w.Code != http.StatusNoContent {
				if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
					t.Fatalf("%s %s: not JSON: %s", method, path, w.Body)
				}
			}
			if w.Code != status {
				t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, as, w.Code, status, w.Body)
			}
			if code != "" {
				if e, _ := out["error"].(map[string]any); e == nil || e["code"] != code {
					t.Fatalf("%s %s: %s, want code %s", method, path, w.Body, code)
				}
			}
			return out
		}
		fund := &grants.FundRecord{Name: "回天社区治理基金", Kind: grants.General}
		if err := s.CreateFund(storetest.Admin(), fund); err != nil {
			t.Fatal(err)
		}
		call("POST", "/api/v1/funds/"+fund.ID+"/donations", "orgadmin1", `{"donor":"某公司","amount_fen":100,"channel":"bank","donated_on":"2026-11-19","idempotency_key":"d1"}`, 403, "forbidden")
		bad := call("POST", "/api/v1/funds/"+fund.ID+"/donations", "admin", `{"donor":"某公司","amount_fen":-100,"channel":"bank","donated_on":"2026-11-19","idempotency_key":"d1"}`, 400, "invalid")
		if bad["error"].(map[string]any)["field"] != "amount" {
			t.Fatalf("negative amount: %v", bad)
		}
		call("POST", "/api/v1/funds/"+fund.ID+"/donations", "admin", `{"donor":"某公司","amount_fen":12.345,"channel":"bank","donated_on":"2026-11-19","idempotency_key":"d1"}`, 400, "invalid")
		first := call("POST", "/api/v1/funds/"+fund.ID+"/donations", "admin", `{"donor":"某公司","amount_fen":5000000,"channel":"bank","donated_on":"2026-11-19","idempotency_key":"d1"}`, 201, "")
		// Idempotency (SECURITY.md): the same request again is the same donation; the key with other content is refused.
		if again := call("POST", "/api/v1/funds/"+fund.ID+"/donations", "admin", `{"donor":"某公司","amount_fen":5000000,"channel":"bank","donated_on":"2026-11-19","idempotency_key":"d1"}`, 201, ""); again["id"] != first["id"] || again["receipt_no"] != first["receipt_no"] {
			t.Fatalf("replayed donation: %v, first %v", again, first)
		}
		call("POST", "/api/v1/funds/"+fund.ID+"/donations", "admin", `{"donor":"某公司","amount_fen":6000000,"channel":"bank","donated_on":"2026-11-19","idempotency_key":"d1"}`, 409, "conflict")
		call("POST", "/api/v1/funds/"+fund.ID+"/donations", "admin", `{"donor":"李女士","anonymous":true,"amount_fen":20000,"channel":"wechat","donated_on":"2026-11-19","idempotency_key":"d2"}`, 201, "")
		r := &grants.RoundRecord{FundID: fund.ID, Name: "2026 年回龙观微创投", Route: grants.RouteMatch, StreetID: f.st1.ID,
			Budget: 1_000_000, MatchPct: 70, Eligibility: grants.StreetOrgs, OpensOn: "2026-11-01", ClosesOn: "2026-12-31"}
		if err := s.CreateRound(storetest.Admin(), r); err != nil {
			t.Fatal(err)
		}
		rounds := call("GET", "/api/v1/rounds", "", "", 200, "")
		if rounds["total"] != float64(1) || rounds["items"].([]any)[0].(map[string]any)["available_fen"] != float64(1_000_000) {
			t.Fatalf("rounds: %v", rounds)
		}
		app := `{"org_id":"` + f.orgs["o1"].ID + `","title":"楼门议事会培育","problem":"楼门长期无人议事，小事拖成大事","plan":"组建楼门议事会，每月开会一次",
			"budget_lines":[{"category":"personnel","item":"督导费","amount_fen":700000},{"category":"materials","item":"物料","amount_fen":300000}],
			"milestones":[{"title":"议事会成立","due":"2026-12-20","pct":50},{"title":"运行三个月","due":"2027-03-20","pct":50}],
			"request_fen":700000,"match_cash_fen":200000,"match_hours":50,"match_hours_value_fen":100000}`
		call("POST", "/api/v1/rounds/"+r.ID+"/applications", "orgadmin2", app, 403, "forbidden")
		a := call("POST", "/api/v1/rounds/"+r.ID+"/applications", "member1", app, 201, "")
		aid := a["id"].(string)
		call("POST", "/api/v1/applications/"+aid+"/award", "admin", `{"amount_fen":600000,"reason":"评分第一"}`, 409, "conflict")
		call("POST", "/api/v1/applications/"+aid+"/transitions", "admin", `{"action":"review"}`, 200, "")
		// A missing score is asked for, not taken for 0.
		call("POST", "/api/v1/applications/"+aid+"/reviews", "admin", `{"comment":"方案扎实"}`, 400, "invalid")
		call("POST", "/api/v1/applications/"+aid+"/reviews", "admin", `{"score":86,"comment":"方案扎实"}`, 204, "")
		call("POST", "/api/v1/applications/"+aid+"/award", "admin", `{"amount_fen":700001,"reason":"评分第一"}`, 400, "invalid")
		agr := call("POST", "/api/v1/applications/"+aid+"/award", "admin", `{"amount_fen":600000,"reason":"评分第一"}`, 201, "")
		tr := agr["tranches"].([]any)[0].(map[string]any)["id"].(string)
		call("POST", "/api/v1/tranches/"+tr+"/pay", "admin", `{"idempotency_key":"p1"}`, 409, "conflict")
		call("POST", "/api/v1/tranches/"+tr+"/transitions", "member1", `{"action":"report","note":"议事会已成立"}`, 200, "")
		call("POST", "/api/v1/tranches/"+tr+"/transitions", "admin", `{"action":"accept","note":"材料齐全"}`, 200, "")
		p1 := call("POST", "/api/v1/tranches/"+tr+"/pay", "admin", `{"idempotency_key":"p1"}`, 200, "")
		p2 := call("POST", "/api/v1/tranches/"+tr+"/pay", "admin", `{"idempotency_key":"p2"}`, 200, "")
		if p1["status"] != "paid" || p1["posting_id"] != p2["posting_id"] {
			t.Fatalf("paid twice: %v %v", p1, p2)
		}
		lines := agr["budget_lines"].([]any)
		expense := func(amount string) (string, string) {
			var b bytes.Buffer
			mw := multipart.NewWriter(&b)
			for k, v := range map[string]string{"agreement_id": agr["id"].(string), "line_id": lines[0].(map[string]any)["id"].(string),
				"description": "督导费（12 月）", "payee": "刘督导", "payee_personal": "true", "amount": amount, "spent_on": "2026-12-05"} {
				mw.WriteField(k, v)
			}
			fw, _ := mw.CreateFormFile("files", "发票.pdf")
			fw.Write([]byte("%PDF-1.4 receipt"))
			mw.Close()
			return b.String(), mw.FormDataContentType()
		}
		body, ct := expense("12.345")
		if e := call("POST", "/api/v1/expenses", "member1", body, 400, "invalid", "Content-Type", ct); e["error"].(map[string]any)["field"] != "amount" {
			t.Fatalf("12.345 yuan: %v", e)
		}
		body, ct = expense("-5")
		call("POST", "/api/v1/expenses", "member1", body, 400, "invalid", "Content-Type", ct)
		body, ct = expense("1,500.50")
		e := call("POST", "/api/v1/expenses", "member1", body, 201, "", "Content-Type", ct)
		if e["amount_fen"] != float64(150050) || e["payee"] != "刘**" || e["approvals_needed"] != float64(1) {
			t.Fatalf("expense: %v", e)
		}
		eid := e["id"].(string)
		call("POST", "/api/v1/expenses/"+eid+"/approve", "member1", "", 403, "forbidden")
		if x := call("POST", "/api/v1/expenses/"+eid+"/approve", "admin", `{"note":"票据齐全"}`, 200, ""); x["status"] != "approved" {
			t.Fatalf("approve: %v", x)
		}
		fd := call("GET", "/api/v1/funds/"+fund.ID, "", "", 200, "")
		fj := fd
		if fj["donations_fen"] != float64(5_020_000) || fj["awarded_fen"] != float64(600_000) || fj["disbursed_fen"] != float64(300_000) ||
			fj["spent_fen"] != float64(150_050) || fj["balance_fen"] != float64(4_020_000) {
			t.Fatalf("fund figures: %v", fj)
		}
		for _, d := range fd["donations"].([]any) {
			if d := d.(map[string]any); d["anonymous"] == true && d["donor"] != "" {
				t.Fatalf("anonymous donor shown: %v", d)
			}
		}
		call("GET", "/api/v1/funds", "", "", 200, "")
		agrID := agr["id"].(string)
		call("POST", "/api/v1/agreements/"+agrID+"/terminate", "member1", `{"reason":"不做了"}`, 403, "forbidden")
		if g := call("POST", "/api/v1/agreements/"+agrID+"/terminate", "admin", `{"reason":"组织未按期实施"}`, 200, ""); g["status"] != "terminated" ||
			g["disbursed_fen"] != float64(300_000) {
			t.Fatalf("terminate: %v", g)
		}
		if r := call("GET", "/api/v1/rounds", "", "", 200, "")["items"].([]any)[0].(map[string]any); r["available_fen"] != float64(700_000) {
			t.Fatalf("round after terminating: %v", r)
		}
	})
}
