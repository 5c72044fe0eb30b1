package store_test

import (
	"context"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestPartyBuilding(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, _ := seed(t, s)
		other := &places.Street{Name: "霍营街道"}
		if err := s.CreateStreet(storetest.Admin(), other); err != nil {
			t.Fatal(err)
		}
		o := &registry.Organization{Name: "回龙观社区志愿者协会", StreetID: st.ID, CommunityID: c1.ID}
		if err := s.CreateOrganization(storetest.Admin(), o); err != nil {
			t.Fatal(err)
		}
		staff := &accounts.User{Phone: "13700002001", Name: "街道党建干部", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}
		outsider := &accounts.User{Phone: "13700002002", Name: "外街干部", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: other.ID}}}
		instr := &accounts.User{Phone: "13700002003", Name: "李指导员", Grants: []accounts.Grant{{Role: accounts.Resident}}}
		for _, u := range []*accounts.User{staff, outsider, instr} {
			if err := s.CreateUser(storetest.Admin(), u); err != nil {
				t.Fatal(err)
			}
		}
		// Form history: joint branch in 2019, independent branch from 2022; recorded out of order.
		later := &coordination.FormChange{OrgID: o.ID, Form: registry.PartyIndependent, Since: day(2022, 7, 1), Note: "党员达到 3 人，成立独立党支部"}
		if err := s.RecordPartyForm(as(staff), later); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordPartyForm(as(staff), &coordination.FormChange{OrgID: o.ID, Form: registry.PartyJoint, Since: day(2019, 5, 1)}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordPartyForm(as(outsider), &coordination.FormChange{OrgID: o.ID, Form: registry.PartyNone, Since: day(2023, 1, 1)}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other street: %v", err)
		}
		if err := s.RecordPartyForm(as(staff), &coordination.FormChange{OrgID: o.ID, Form: "cell", Since: day(2023, 1, 1)}); errs.As(err).Field != "form" {
			t.Fatalf("bad form: %v", err)
		}
		got, err := s.FindOrganizationByID(context.Background(), o.ID)
		if err != nil || got.PartyForm != registry.PartyIndependent {
			t.Fatalf("current form follows the newest entry: %v %v", got.PartyForm, err)
		}
		// A co-building pair with a community and a joint activity.
		p := &coordination.Pairing{OrgID: o.ID, PartnerKind: coordination.OwnerCommunity, PartnerID: c1.ID, Since: day(2023, 3, 1)}
		if err := s.CreatePairing(as(staff), p); err != nil {
			t.Fatal(err)
		}
		if err := s.CreatePairing(as(staff), &coordination.Pairing{OrgID: o.ID, PartnerKind: coordination.OwnerCommunity, PartnerID: c1.ID, Since: day(2024, 1, 1)}); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("same pair twice: %v", err)
		}
		if err := s.CreatePairing(as(staff), &coordination.Pairing{OrgID: o.ID, PartnerKind: coordination.OwnerCommunity, PartnerID: "nope", Since: day(2024, 1, 1)}); errs.As(err).Field != "partner" {
			t.Fatalf("unknown partner: %v", err)
		}
		if err := s.AddJointActivity(as(staff), &coordination.JointActivity{PairingID: p.ID, On: day(2023, 6, 20), Title: "七一主题党日", Note: "联系 13812345678"}); err != nil {
			t.Fatal(err)
		}
		// An instructor who logs their own visits; a stranger may not.
		in := &coordination.Instructor{OrgID: o.ID, UserID: instr.ID, Since: day(2021, 9, 1)}
		if err := s.AssignInstructor(as(outsider), in); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("other street assigns: %v", err)
		}
		if err := s.AssignInstructor(as(staff), in); err != nil {
			t.Fatal(err)
		}
		if err := s.LogVisit(as(instr), &coordination.Visit{InstructorID: in.ID, On: day(2026, 2, 10), Note: "指导换届筹备"}); err != nil {
			t.Fatal(err)
		}
		if err := s.LogVisit(as(outsider), &coordination.Visit{InstructorID: in.ID, On: day(2026, 2, 11), Note: "x"}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("stranger logs a visit: %v", err)
		}
		if err := s.LogVisit(as(instr), &coordination.Visit{InstructorID: in.ID, On: day(2026, 2, 11)}); errs.As(err).Field != "note" {
			t.Fatalf("visit without a note: %v", err)
		}
		rec, err := s.FindPartyRecord(context.Background(), o.ID)
		if err != nil || len(rec.Forms) != 2 || rec.Forms[0].Form != registry.PartyJoint || len(rec.Pairings) != 1 ||
			rec.Pairings[0].PartnerName != "龙锦苑二区社区" || len(rec.Pairings[0].Activities) != 1 ||
			rec.Pairings[0].Activities[0].Note != "联系 138****5678" || len(rec.Instructors) != 1 || len(rec.Instructors[0].Visits) != 1 {
			t.Fatalf("record: %+v %v", rec, err)
		}
		if rec.Instructors[0].Visits[0].Note != "" {
			t.Fatal("the public reads a visit note")
		}
		rec, _ = s.FindPartyRecord(as(staff), o.ID)
		if rec.Instructors[0].Visits[0].Note != "指导换届筹备" || rec.Instructors[0].Visits[0].ByName != "李指导员" {
			t.Fatalf("staff view of the visit: %+v", rec.Instructors[0].Visits[0])
		}
		entries, _, err := s.FindAuditEntries(storetest.Admin(), auditFilter("party", o.ID))
		if err != nil || len(entries) != 6 {
			t.Fatalf("audit: %d %v", len(entries), err)
		}
	})
}
