package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// An instructor's assignment ends on a date: kept in the history with its
// end, audited, once; visits after the end are refused.
func TestEndInstructor(t *testing.T) {
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
		in := &coordination.Instructor{OrgID: o.ID, UserID: instr.ID, Since: day(2024, 3, 1)}
		if err := s.AssignInstructor(as(staff), in); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			who  *accounts.User
			org  string
			on   time.Time
			want string
		}{
			{outsider, o.ID, day(2025, 12, 31), "forbidden"},
			{instr, o.ID, day(2025, 12, 31), "forbidden"},
			{staff, o.ID, time.Time{}, "until"},
			{staff, o.ID, day(2024, 2, 1), "until"},
			{staff, "elsewhere", day(2025, 12, 31), "not_found"},
		} {
			err := s.EndInstructor(as(tc.who), tc.org, in.ID, tc.on)
			if e := errs.As(err); err == nil || (e.Field != tc.want && string(e.Code) != tc.want) {
				t.Errorf("%s ending on %v: %v, want %s", tc.who.Name, tc.on, err, tc.want)
			}
		}
		if err := s.LogVisit(as(instr), &coordination.Visit{InstructorID: in.ID, On: day(2025, 6, 1), Note: "指导换届选举"}); err != nil {
			t.Fatal(err)
		}
		if err := s.EndInstructor(as(staff), o.ID, in.ID, day(2025, 12, 31)); err != nil {
			t.Fatal(err)
		}
		if err := s.EndInstructor(as(staff), o.ID, in.ID, day(2026, 1, 31)); errs.As(err).Key != "party.instructor_ended" {
			t.Fatalf("ended twice: %v", err)
		}
		if err := s.LogVisit(as(instr), &coordination.Visit{InstructorID: in.ID, On: day(2026, 2, 1), Note: "回访"}); errs.As(err).Field != "on" {
			t.Fatalf("a visit after the end: %v", err)
		}
		rec, err := s.FindPartyRecord(context.Background(), o.ID)
		if err != nil || len(rec.Instructors) != 1 {
			t.Fatalf("record: %+v %v", rec, err)
		}
		got := rec.Instructors[0]
		if !got.Ended() || !got.Until.Equal(day(2025, 12, 31)) || len(got.Visits) != 1 {
			t.Fatalf("the history: %+v", got)
		}
		if err := s.AssignInstructor(as(staff), &coordination.Instructor{OrgID: o.ID, UserID: instr.ID, Since: day(2026, 3, 1)}); errs.As(err).Key != "party.instructor_assigned_before" {
			t.Fatalf("assigned again: %v", err)
		}
		assertAudited(t, s, "party.instructor_end", 1)
	})
}
