package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestAPIPoints: a resident reads its points and gets a code, the merchant
// redeems it once (a replay returns the same redemption, another code under
// the same key is a conflict), errors carry stable codes.
func TestAPIPoints(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		ctx := storetest.Admin()
		shop := &merchants.Merchant{Name: "龙锦苑便民超市", StreetID: f.st1.ID, Kind: "超市"}
		if err := s.CreateMerchant(ctx, shop); err != nil {
			t.Fatal(err)
		}
		for _, u := range []struct {
			name  string
			grant accounts.Grant
		}{
			{"resident", accounts.Grant{Role: accounts.Resident}},
			{"cashier", accounts.Grant{Role: accounts.Merchant, ScopeID: shop.ID}},
		} {
			user := &accounts.User{Name: "张桂兰", Phone: "137000000" + map[string]string{"resident": "10", "cashier": "11"}[u.name],
				Grants: []accounts.Grant{u.grant}}
			if err := s.CreateUser(ctx, user); err != nil {
				t.Fatal(err)
			}
			tok, err := s.CreateAPIToken(ctx, user.ID, store.DefaultTokenIdle)
			if err != nil {
				t.Fatal(err)
			}
			f.tokens[u.name], f.users[u.name] = tok, user
		}
		g := &points.Good{MerchantID: shop.ID, Name: "鸡蛋一盒", Price: 30, Stock: 3, Active: true}
		if err := s.CreateGood(ctx, g); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PostPoints(ctx, &points.Posting{Key: "open", Kind: points.KindGrant, From: points.AccountID(points.Pool, f.st1.ID),
			To: points.AccountID(points.Resident, f.users["resident"].ID), Amount: 100, Reason: "志愿服务奖励"}); err != nil {
			t.Fatal(err)
		}
		call := func(method, path, as, body string, status int, code string) map[string]any {
			t.Helper()
			w := f.do(t, request{method: method, path: path, as: as, body: body})
			var out map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
				t.Fatalf("%s %s: not JSON: %s", method, path, w.Body)
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
		me := call("GET", "/api/v1/me/points", "resident", "", 200, "")
		if me["balance"] != float64(100) || len(me["postings"].([]any)) != 1 {
			t.Fatalf("me/points: %v", me)
		}
		call("GET", "/api/v1/me/points", "", "", 401, "unauthorized")
		call("GET", "/api/v1/me/points?limit=0", "resident", "", 400, "invalid")

		call("POST", "/api/v1/redemption-codes", "cashier", `{"good_id":"`+g.ID+`"}`, 403, "forbidden")
		call("POST", "/api/v1/redemption-codes", "resident", `{"good_id":"nope"}`, 400, "invalid")
		call("POST", "/api/v1/redemption-codes", "resident", `{"good":"x"}`, 400, "invalid")
		c := call("POST", "/api/v1/redemption-codes", "resident", `{"good_id":"`+g.ID+`"}`, 201, "")
		code := c["code"].(string)
		if len(code) != 8 || c["price"] != float64(30) {
			t.Fatalf("code: %v", c)
		}
		call("POST", "/api/v1/redemptions", "admin", `{"code":"`+code+`","idempotency_key":"a1"}`, 403, "forbidden")
		call("POST", "/api/v1/redemptions", "cashier", `{"code":"12ab","idempotency_key":"a1"}`, 400, "invalid")
		call("POST", "/api/v1/redemptions", "cashier", `{"code":"`+code+`"}`, 400, "invalid")
		red := call("POST", "/api/v1/redemptions", "cashier", `{"code":"`+code+`","idempotency_key":"a1"}`, 201, "")
		if red["resident"] != "张**" || red["price"] != float64(30) {
			t.Fatalf("redemption: %v", red)
		}
		again := call("POST", "/api/v1/redemptions", "cashier", `{"code":"`+code+`","idempotency_key":"a1"}`, 201, "")
		if again["id"] != red["id"] {
			t.Fatalf("replay: %v", again)
		}
		call("POST", "/api/v1/redemptions", "cashier", `{"code":"`+code+`","idempotency_key":"a2"}`, 409, "conflict")
		c2 := call("POST", "/api/v1/redemption-codes", "resident", `{"good_id":"`+g.ID+`"}`, 201, "")
		call("POST", "/api/v1/redemptions", "cashier", `{"code":"`+c2["code"].(string)+`","idempotency_key":"a1"}`, 409, "conflict")
		if me := call("GET", "/api/v1/me/points", "resident", "", 200, ""); me["balance"] != float64(70) {
			t.Fatalf("balance after: %v", me)
		}
		sl := call("GET", "/api/v1/merchants/"+shop.ID+"/settlements", "cashier", "", 200, "")
		if list := sl["settlements"].([]any); len(list) != 0 {
			t.Fatalf("settlements: %v", sl)
		}
		call("GET", "/api/v1/merchants/"+shop.ID+"/settlements", "street2", "", 403, "forbidden")
		call("GET", "/api/v1/merchants/nope/settlements", "admin", "", 404, "not_found")
		for i := 0; ; i++ { // guessing codes: a caller must wait after 60 tries in ten minutes
			w := f.do(t, request{method: "POST", path: "/api/v1/redemptions", as: "cashier",
				body: fmt.Sprintf(`{"code":"%08d","idempotency_key":"g%d"}`, i, i)})
			if w.Code == http.StatusTooManyRequests {
				if i < 50 || !strings.Contains(w.Body.String(), "rate_limited") {
					t.Fatalf("limited after %d: %s", i, w.Body)
				}
				break
			}
			if i > 70 {
				t.Fatal("no limit on redemption attempts")
			}
		}
		if w := f.do(t, request{method: "GET", path: "/api/v1/me/points", as: "resident"}); !strings.Contains(w.Header().Get("Content-Type"), "json") || w.Code != http.StatusOK {
			t.Fatal("content type")
		}
	})
}
