package store_test

import (
	"context"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestMerchants(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, _ := seed(t, s)
		staff := &accounts.User{ID: "u", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
		m := &merchants.Merchant{Name: "龙锦苑便民超市", StreetID: st.ID, CommunityID: c1.ID, Kind: "超市", Address: "龙锦苑二区 5 号楼底商"}
		if err := s.CreateMerchant(as(staff), m); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateMerchant(as(staff), &merchants.Merchant{Name: "龙锦苑便民超市", StreetID: st.ID}); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("duplicate name in a street: %v", err)
		}
		other := &accounts.User{ID: "o", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: "elsewhere"}}}
		if err := s.CreateMerchant(as(other), &merchants.Merchant{Name: "别处药店", StreetID: st.ID}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other street: %v", err)
		}
		if err := s.CreateMerchant(as(staff), &merchants.Merchant{Name: " ", StreetID: st.ID}); errs.As(err).Field != "name" {
			t.Fatalf("no name: %v", err)
		}
		list, err := s.FindMerchants(context.Background(), st.ID)
		if err != nil || len(list) != 1 || list[0].CommunityName != "龙锦苑二区社区" {
			t.Fatalf("list: %v %v", list, err)
		}
		// A merchant login is scoped to a real merchant, found by name.
		id, err := s.ResolveScope(context.Background(), accounts.Merchant, "龙锦苑便民超市")
		if err != nil || id != m.ID {
			t.Fatalf("resolve: %q %v", id, err)
		}
		u := &accounts.User{Phone: "13700000007", Name: "超市店长", Grants: []accounts.Grant{{Role: accounts.Merchant, ScopeID: id}}}
		if err := s.CreateUser(storetest.Admin(), u); err != nil {
			t.Fatal(err)
		}
		if u.Grants[0].ScopeName != "龙锦苑便民超市" {
			t.Fatalf("scope name: %+v", u.Grants[0])
		}
		bad := &accounts.User{Phone: "13700000008", Name: "无店", Grants: []accounts.Grant{{Role: accounts.Merchant, ScopeID: "nope"}}}
		if err := s.CreateUser(storetest.Admin(), bad); errs.As(err).Field != "scope" {
			t.Fatalf("merchant login without a merchant: %v", err)
		}
	})
}
