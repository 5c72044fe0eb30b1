package store_test

import (
	"context"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestOrganizations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, c2 := seed(t, s)
		admin := storetest.Admin()
		o := &registry.Organization{Name: "昌平区回龙观惠民社会工作服务中心", Registration: registry.Registered,
			CreditCode: "52110114Y4CL12TH3D", Domains: []string{"养老服务", "儿童服务"}, StreetID: st.ID,
			CommunityID: c1.ID, PartyForm: registry.PartyIndependent, Staff: 28, Volunteers: 320,
			ContactName: "王芳", ContactPhone: "13812345678", Founded: "2016-05-18"}
		if err := s.CreateOrganization(admin, o); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindOrganizationByID(context.Background(), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != o.Name || got.StreetName != "回龙观街道" || got.CommunityName != "龙锦苑二区社区" ||
			len(got.Domains) != 2 || got.Domains[0] != "养老服务" || got.Category != "elderly" || got.ContactPhone != "13812345678" {
			t.Fatalf("read back: %+v", got)
		}

		// Invalid credit code: Invalid with the field named, nothing written.
		bad := &registry.Organization{Name: "测试组织", Registration: registry.Registered, CreditCode: "52110114Y4CL12TH3E", StreetID: st.ID}
		err = s.CreateOrganization(admin, bad)
		if e := errs.As(err); e.Code != errs.Invalid || e.Field != "credit_code" || e.Key != "credit_code.checksum" {
			t.Fatalf("bad code: %v", err)
		}
		// Duplicate code: Conflict naming the holder.
		dup := &registry.Organization{Name: "另一个组织", Registration: registry.Registered, CreditCode: "52110114Y4CL12TH3D", StreetID: st.ID}
		err = s.CreateOrganization(admin, dup)
		if e := errs.As(err); e.Code != errs.Conflict || e.Field != "credit_code" || len(e.Args) != 1 || e.Args[0] != o.Name {
			t.Fatalf("duplicate code: %v", err)
		}
		// Filed organizations may have no code, several of them.
		for _, n := range []string{"龙锦苑舞蹈队", "新龙城合唱团"} {
			f := &registry.Organization{Name: n, Registration: registry.Filed, StreetID: st.ID, CommunityID: c2.ID,
				Domains: []string{"文体活动"}}
			if err := s.CreateOrganization(admin, f); err != nil {
				t.Fatalf("filed %s: %v", n, err)
			}
		}
		// A search's hits in their order, with their domains; counting alone.
		filed, _, err := s.FindOrganizations(context.Background(), registry.Filter{Registration: registry.Filed})
		if err != nil || len(filed) != 2 {
			t.Fatalf("filed: %v %v", filed, err)
		}
		hits, err := s.FindOrganizationsByIDs(context.Background(), []string{filed[1].ID, "gone", o.ID, filed[1].ID})
		if err != nil || len(hits) != 2 || hits[0].ID != filed[1].ID || hits[1].ID != o.ID || len(hits[1].Domains) != 2 ||
			hits[0].Domains[0] != "文体活动" {
			t.Fatalf("hits: %+v %v", hits, err)
		}
		if n, err := s.CountOrganizations(context.Background(), registry.Filter{Registration: registry.Filed}); n != 2 || err != nil {
			t.Fatalf("count: %d %v", n, err)
		}
		if sts, err := s.FindStreetsCounted(context.Background()); err != nil || len(sts) != 1 || sts[0].Organizations != 3 {
			t.Fatalf("streets counted: %+v %v", sts, err)
		}
		if sts, err := s.FindStreets(context.Background()); err != nil || sts[0].Organizations != 0 || sts[0].Communities != 2 {
			t.Fatalf("streets for a menu: %+v %v", sts, err)
		}
		// A community of another street is refused.
		other := &registry.Organization{Name: "错街道组织", StreetID: st.ID, CommunityID: "nope"}
		if err := s.CreateOrganization(admin, other); errs.As(err).Field != "community" {
			t.Fatalf("unknown community: %v", err)
		}

		_, total, err := s.FindOrganizations(context.Background(), registry.Filter{})
		if err != nil || total != 3 {
			t.Fatalf("total %d %v", total, err)
		}
		cases := []struct {
			f    registry.Filter
			want int
		}{
			{registry.Filter{Query: "惠民"}, 1},
			{registry.Filter{Query: "文体"}, 2},
			{registry.Filter{Query: "100%"}, 0},
			{registry.Filter{Registration: registry.Filed}, 2},
			{registry.Filter{CommunityID: c2.ID}, 2},
			{registry.Filter{PartyForm: registry.PartyIndependent}, 1},
			{registry.Filter{Domain: "儿童服务"}, 1},
			{registry.Filter{Category: "elderly"}, 1},
			{registry.Filter{StreetID: st.ID, Sort: "volunteers; DROP TABLE users"}, 3},
		}
		for _, c := range cases {
			list, n, err := s.FindOrganizations(context.Background(), c.f)
			if err != nil || n != c.want || len(list) != c.want {
				t.Errorf("filter %+v: got %d/%d %v", c.f, n, len(list), err)
			}
		}
		page, n, _ := s.FindOrganizations(context.Background(), registry.Filter{PerPage: 2, Page: 2})
		if n != 3 || len(page) != 1 {
			t.Fatalf("paging: %d %d", n, len(page))
		}

		// Scope: an org admin edits own org only; street staff of another street cannot.
		orgAdmin := &accounts.User{ID: "ua", Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: o.ID}}}
		desc := "新的介绍"
		if _, err := s.UpdateOrganization(as(orgAdmin), o.ID, registry.Update{Description: &desc}); err != nil {
			t.Fatal(err)
		}
		list, _, _ := s.FindOrganizations(context.Background(), registry.Filter{Registration: registry.Filed})
		if _, err := s.UpdateOrganization(as(orgAdmin), list[0].ID, registry.Update{Description: &desc}); code(t, err) != errs.Forbidden {
			t.Fatalf("org admin on other org: %v", err)
		}
		outsider := &accounts.User{ID: "uo", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: "other-street"}}}
		if _, err := s.UpdateOrganization(as(outsider), o.ID, registry.Update{Description: &desc}); code(t, err) != errs.Forbidden {
			t.Fatalf("other street: %v", err)
		}
		if _, err := s.UpdateOrganization(context.Background(), o.ID, registry.Update{Description: &desc}); code(t, err) != errs.Unauthorized {
			t.Fatalf("anonymous: %v", err)
		}
		// Invalid update changes nothing.
		badCode := "123"
		if _, err := s.UpdateOrganization(admin, o.ID, registry.Update{CreditCode: &badCode, Description: &badCode}); code(t, err) != errs.Invalid {
			t.Fatalf("bad update: %v", err)
		}
		again, _ := s.FindOrganizationByID(context.Background(), o.ID)
		if again.CreditCode != "52110114Y4CL12TH3D" || again.Description != desc {
			t.Fatalf("bad update changed data: %+v", again)
		}
		// Filed becomes registered.
		reg, cc := registry.Registered, "91350100M000100Y43"
		up, err := s.UpdateOrganization(admin, list[0].ID, registry.Update{Registration: &reg, CreditCode: &cc})
		if err != nil || up.Registration != registry.Registered {
			t.Fatalf("register: %v", err)
		}
		// Every change is audited, without the contact phone.
		entries, n, err := s.FindAuditEntries(admin, auditFilter("organization", o.ID))
		if err != nil || n != 2 {
			t.Fatalf("audit entries for org: %d %v", n, err)
		}
		for _, e := range entries {
			if contains(e.Data, "13812345678") || contains(e.Data, "王芳") {
				t.Fatalf("personal data in audit: %s", e.Data)
			}
		}
	})
}
