package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestAPIMerchantRedemptions: the merchant's people and its street's staff
// page through its redemptions, newest first, residents masked; others are
// refused with stable codes.
func TestAPIMerchantRedemptions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		ctx := storetest.Admin()
		shop := &merchants.Merchant{Name: "龙锦苑便民超市", StreetID: f.st1.ID, Kind: "超市"}
		other := &merchants.Merchant{Name: "天通苑药房", StreetID: f.st2.ID, Kind: "药店"}
		for _, m := range []*merchants.Merchant{shop, other} {
			if err := s.CreateMerchant(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []struct {
			name  string
			grant accounts.Grant
		}{
			{"resident", accounts.Grant{Role: accounts.Resident}},
			{"cashier", accounts.Grant{Role: accounts.Merchant, ScopeID: shop.ID}},
			{"pharmacist", accounts.Grant{Role: accounts.Merchant, ScopeID: other.ID}},
			{"street1", accounts.Grant{Role: accounts.StreetStaff, ScopeID: f.st1.ID}},
		} {
			user := &accounts.User{Name: "张桂兰", Phone: "1370000" + map[string]string{"resident": "0010", "cashier": "0011",
				"pharmacist": "0012", "street1": "0013"}[u.name], Grants: []accounts.Grant{u.grant}}
			if err := s.CreateUser(ctx, user); err != nil {
				t.Fatal(err)
			}
			tok, err := s.CreateAPIToken(ctx, user.ID, store.DefaultTokenIdle)
			if err != nil {
				t.Fatal(err)
			}
			f.tokens[u.name], f.users[u.name] = tok, user
		}
		g := &points.Good{MerchantID: shop.ID, Name: "鸡蛋一盒", Price: 10, Stock: 10, Active: true}
		if err := s.CreateGood(ctx, g); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PostPoints(ctx, &points.Posting{Key: "open", Kind: points.KindGrant, From: points.AccountID(points.Pool, f.st1.ID),
			To: points.AccountID(points.Resident, f.users["resident"].ID), Amount: 100, Reason: "志愿服务奖励"}); err != nil {
			t.Fatal(err)
		}
		var ids []string
		for i := range 3 {
			c, err := s.IssueRedemptionCode(as(f.users["resident"]), g.ID)
			if err != nil {
				t.Fatal(err)
			}
			r, err := s.Redeem(as(f.users["cashier"]), c.Code, fmt.Sprintf("k%d", i))
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, r.ID)
		}
		path := "/api/v1/merchants/" + shop.ID + "/redemptions"
		call := func(path, who string, status int, code string) map[string]any {
			t.Helper()
			w := f.do(t, request{method: "GET", path: path, as: who})
			var out map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != status {
				t.Fatalf("%s as %s: %d, want %d: %s", path, who, w.Code, status, w.Body)
			}
			if code != "" {
				if e, _ := out["error"].(map[string]any); e == nil || e["code"] != code {
					t.Fatalf("%s as %s: %s, want code %s", path, who, w.Body, code)
				}
			}
			return out
		}
		for _, who := range []string{"cashier", "street1", "admin"} {
			out := call(path+"?per_page=2", who, 200, "")
			items := out["items"].([]any)
			if out["total"] != float64(3) || len(items) != 2 || out["per_page"] != float64(2) {
				t.Fatalf("page 1 as %s: %v", who, out)
			}
			first := items[0].(map[string]any)
			if first["id"] != ids[2] && first["id"] != ids[1] || first["resident"] != "张**" || first["price"] != float64(10) {
				t.Fatalf("newest first, masked: %v", first)
			}
		}
		if out := call(path+"?per_page=2&page=2", "cashier", 200, ""); len(out["items"].([]any)) != 1 || out["page"] != float64(2) {
			t.Fatalf("page 2: %v", out)
		}
		call(path, "pharmacist", 403, "forbidden")
		call(path, "street2", 403, "forbidden")
		call(path, "resident", 403, "forbidden")
		call(path, "", 401, "unauthorized")
		call(path+"?per_page=0", "cashier", 400, "invalid")
		call(path+"?sort=x", "cashier", 400, "invalid")
		call("/api/v1/merchants/nope/redemptions", "admin", 404, "not_found")
	})
}

func as(u *accounts.User) context.Context { return accounts.WithActor(context.Background(), u) }

// An enrollment linked to a platform account: the caller or a colleague,
// nobody else; the name is the account's.
func TestAPIEnrollLinked(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s, nil)
		ctx := storetest.Admin()
		co := &incubation.Course{Title: "社会组织财务管理", Topic: incubation.TopicFinance}
		if err := s.CreateCourse(ctx, co); err != nil {
			t.Fatal(err)
		}
		start := s.Now().Add(24 * time.Hour)
		se := &incubation.Session{CourseID: co.ID, Teacher: "陈老师", Place: "区孵化基地", Start: start, End: start.Add(2 * time.Hour), Capacity: 10}
		if err := s.CreateCourseSession(ctx, se); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/sessions/" + se.ID + "/enrollments"
		post := func(as, body string) (int, map[string]any) {
			w := f.do(t, request{method: "POST", path: path, as: as, body: body})
			var out map[string]any
			_ = json.Unmarshal(w.Body.Bytes(), &out)
			return w.Code, out
		}
		o1 := f.orgs["o1"].ID
		code, out := post("orgadmin1", fmt.Sprintf(`{"org_id":%q,"user_id":%q}`, o1, f.users["member1"].ID))
		if code != 201 || out["user_id"] != f.users["member1"].ID || out["person"] != f.users["member1"].Name {
			t.Fatalf("a colleague: %d %v", code, out)
		}
		code, out = post("orgadmin1", fmt.Sprintf(`{"org_id":%q,"user_id":%q}`, o1, f.users["orgadmin2"].ID))
		if e, _ := out["error"].(map[string]any); code != 400 || e["field"] != "user" {
			t.Fatalf("someone of another organization: %d %v", code, out)
		}
		if code, _ := post("orgadmin1", fmt.Sprintf(`{"org_id":%q}`, o1)); code != 400 {
			t.Fatalf("neither a name nor an account: %d", code)
		}
	})
}
