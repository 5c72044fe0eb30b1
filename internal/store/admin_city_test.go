package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestMerchantsPaged: the admins' merchants list, page after page, gives
// every merchant once in (street, name) order; a street's filter and a
// name's part narrow it; % and _ are letters, not wildcards.
func TestMerchantsPaged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, admin := context.Background(), storetest.Admin()
		st, _, _ := seed(t, s)
		st2 := &places.Street{Name: "霍营街道"}
		if err := s.CreateStreet(admin, st2); err != nil {
			t.Fatal(err)
		}
		for i, n := range []string{"幸福超市", "阳光便利店", "100%鲜果", "老王理发", "便利_饭庄", "龙锦超市", "回龙观药店"} {
			for _, street := range []string{st.ID, st2.ID}[:1+i%2] {
				if err := s.CreateMerchant(admin, &merchants.Merchant{Name: n, StreetID: street}); err != nil {
					t.Fatal(err)
				}
			}
		}
		all, err := s.FindMerchants(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		key := func(m *merchants.Merchant) string { return m.StreetID + "\x00" + m.Name }
		check := func(f store.MerchantFilter, keep func(*merchants.Merchant) bool) {
			t.Helper()
			var want []string
			for _, m := range all {
				if keep(m) {
					want = append(want, key(m))
				}
			}
			slices.Sort(want) // street ids are UUIDv7; names unique in a street
			for _, per := range []int{1, 2, 3, 50} {
				var got []string
				for page := 1; ; page++ {
					f.Page, f.PerPage = page, per
					ms, total, err := s.FindMerchantsPage(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					if total != len(want) {
						t.Errorf("%+v: total %d, want %d", f, total, len(want))
					}
					for _, m := range ms {
						if m.StreetName == "" {
							t.Errorf("%s without its street", m.Name)
						}
						got = append(got, key(m))
					}
					if len(ms) < per {
						break
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%+v by %d: %q, want %q", f, per, got, want)
				}
			}
		}
		if len(all) != 10 {
			t.Fatalf("%d merchants", len(all))
		}
		check(store.MerchantFilter{}, func(*merchants.Merchant) bool { return true })
		check(store.MerchantFilter{StreetID: st2.ID}, func(m *merchants.Merchant) bool { return m.StreetID == st2.ID })
		check(store.MerchantFilter{Query: "超市"}, func(m *merchants.Merchant) bool {
			return slices.Contains([]string{"幸福超市", "龙锦超市"}, m.Name)
		})
		check(store.MerchantFilter{Query: "便利", StreetID: st.ID}, func(m *merchants.Merchant) bool {
			return m.StreetID == st.ID && (m.Name == "阳光便利店" || m.Name == "便利_饭庄")
		})
		check(store.MerchantFilter{Query: "%"}, func(m *merchants.Merchant) bool { return m.Name == "100%鲜果" })
		check(store.MerchantFilter{Query: "_"}, func(m *merchants.Merchant) bool { return m.Name == "便利_饭庄" })
		// The bounded count says "more than" past its bound.
		if _, total, err := s.FindMerchantsPage(ctx, store.MerchantFilter{CountUpTo: 3, PerPage: 2}); err != nil || total != 4 {
			t.Errorf("count up to 3: %d, %v", total, err)
		}
	})
}

// TestEachOrganization: the export's batches, read a page at a time,
// give every organization once in the order the export had when it read
// them all in one query (street name, name, id), with their domains, and
// every batch but the last is full.
func TestEachOrganization(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx, admin := context.Background(), storetest.Admin()
		st, c1, _ := seed(t, s)
		st2 := &places.Street{Name: "霍营街道"}
		st3 := &places.Street{Name: "东小口镇", Kind: "town"}
		for _, x := range []*places.Street{st2, st3} {
			if err := s.CreateStreet(admin, x); err != nil {
				t.Fatal(err)
			}
		}
		// Same names in a street (ties broken by id) and across streets.
		for i, n := range []string{"助老服务队", "合唱团", "助老服务队", "读书会", "合唱团", "儿童之家", "助老服务队"} {
			for j, street := range []string{st.ID, st2.ID} {
				o := &registry.Organization{Name: n, Registration: registry.Filed, StreetID: street,
					Domains: []string{"养老服务", "文体活动"}[:1+(i+j)%2]}
				if street == st.ID && i%3 == 0 {
					o.CommunityID = c1.ID
				}
				if err := s.CreateOrganization(admin, o); err != nil {
					t.Fatal(err)
				}
			}
		}
		var want []string
		rows, err := s.QueryForTest(ctx, `SELECT o.id FROM organizations o JOIN streets s ON s.id = o.street_id
			ORDER BY s.name, o.name, o.id`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			want = append(want, id)
		}
		rows.Close()
		if len(want) != 14 {
			t.Fatalf("%d organizations", len(want))
		}
		for _, batch := range []int{1, 3, 5, 14, 500} {
			var got []string
			var sizes []int
			err := s.EachOrganization(admin, batch, func(b []*registry.Organization) error {
				sizes = append(sizes, len(b))
				for _, o := range b {
					if len(o.Domains) == 0 || o.StreetName == "" {
						t.Errorf("%s: domains %v, street %q", o.Name, o.Domains, o.StreetName)
					}
					got = append(got, o.ID)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("batch %d: %v, want %v", batch, got, want)
			}
			for i, n := range sizes {
				if n > batch || (i < len(sizes)-1 && n != batch) {
					t.Errorf("batch %d: sizes %v", batch, sizes)
				}
			}
		}
		all, err := s.AllOrganizations(admin)
		if err != nil || len(all) != len(want) || all[0].ID != want[0] {
			t.Fatalf("all: %d, %v", len(all), err)
		}
		staff := newStaff(t, s, "13900000098", "街道干部", accounts.Grant{Role: accounts.StreetStaff, ScopeID: st.ID})
		wantErr(t, "staff exporting", s.EachOrganization(as(staff), 10,
			func([]*registry.Organization) error { return nil }), errs.Forbidden, "", "")
	})
}
