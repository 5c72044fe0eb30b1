package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// Academy attendance by the rotating code: an organization links an
// enrollment to its admin and to a colleague; the staff show the code; the
// linked attendee checks in with it (a certificate), a name-only enrollee
// stays on the list.
func TestAcademyCheckinByCode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newIncFixture(t, s)
		admin := storetest.Admin()
		users := map[string]*accounts.User{}
		for _, u := range []*accounts.User{
			{Phone: "13700000501", Name: "王秀兰", Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: f.org.ID}}},
			{Phone: "13700000502", Name: "赵会计", Grants: []accounts.Grant{{Role: accounts.OrgMember, ScopeID: f.org.ID}}},
			{Phone: "13700000503", Name: "外人", Grants: []accounts.Grant{{Role: accounts.OrgMember, ScopeID: f.farOrg.ID}}},
			{Phone: "13700000504", Name: "街道孵化专员", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: f.street.ID}}},
		} {
			if err := s.CreateUser(admin, u); err != nil {
				t.Fatal(err)
			}
			users[u.Name] = u
		}
		boss, clerk, outsider, staff := users["王秀兰"], users["赵会计"], users["外人"], users["街道孵化专员"]
		co := &incubation.Course{Title: "社会组织财务管理", Topic: incubation.TopicFinance}
		if err := s.CreateCourse(admin, co); err != nil {
			t.Fatal(err)
		}
		se := &incubation.Session{CourseID: co.ID, StreetID: f.street.ID, Teacher: "陈老师", Place: "回龙观街道孵化基地",
			Start: f.at(1, 14, 0), End: f.at(1, 16, 0), Capacity: 30}
		if err := s.CreateCourseSession(admin, se); err != nil {
			t.Fatal(err)
		}
		people, err := s.FindColleagues(as(boss), f.org.ID)
		if err != nil || len(people) != 2 {
			t.Fatalf("colleagues: %+v %v", people, err)
		}
		if _, err := s.FindColleagues(as(outsider), f.org.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("another organization's colleagues: %v", err)
		}
		if err := s.Enroll(as(boss), &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, UserID: outsider.ID}); errs.As(err).Field != "user" {
			t.Fatalf("linked someone outside the organization: %v", err)
		}
		mine := &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, UserID: boss.ID}
		theirs := &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, UserID: clerk.ID}
		named := &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, Person: "李出纳"}
		for _, e := range []*incubation.Enrollment{mine, theirs, named} {
			if err := s.Enroll(as(boss), e); err != nil {
				t.Fatal(err)
			}
		}
		if mine.Person != boss.Name || theirs.Person != clerk.Name {
			t.Fatalf("linked names: %q %q", mine.Person, theirs.Person)
		}
		if err := s.Enroll(as(boss), &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, UserID: clerk.ID}); errs.CodeOf(err) == "" {
			t.Fatal("the same colleague enrolled twice")
		}

		if _, _, err := s.SessionSecretCode(as(boss), se.ID); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("the organization saw the code: %v", err)
		}
		f.now = f.at(1, 13, 0).UTC() // an hour before: attendance opens
		code, until, err := s.SessionSecretCode(as(staff), se.ID)
		if err != nil || len(code) != 6 || !until.After(f.now) {
			t.Fatalf("code: %q %v %v", code, until, err)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "000001"
		}
		if _, err := s.CheckinSessionByCode(as(clerk), se.ID, wrong); errs.As(err).Key != "activity.code_wrong" {
			t.Fatalf("wrong code: %v", err)
		}
		if _, err := s.CheckinSessionByCode(as(outsider), se.ID, code); errs.As(err).Key != "academy.checkin_not_enrolled" {
			t.Fatalf("not enrolled: %v", err)
		}
		e, err := s.CheckinSessionByCode(as(clerk), se.ID, code)
		if err != nil || e.Status != incubation.Present || e.Method != incubation.MethodCode || e.CertificateID == "" {
			t.Fatalf("check in: %+v %v", e, err)
		}
		if _, err := s.CheckinSessionByCode(as(clerk), se.ID, code); errs.As(err).Key != "academy.already_present" {
			t.Fatalf("twice: %v", err)
		}
		// The code of 30 seconds ago still works; of two minutes ago not.
		f.now = f.now.Add(activities.CodeWindow)
		if _, err := s.CheckinSessionByCode(as(boss), se.ID, code); err != nil {
			t.Fatalf("previous window: %v", err)
		}
		roster, err := s.FindRoster(as(staff), se.ID)
		if err != nil || len(roster) != 3 {
			t.Fatalf("roster: %v", err)
		}
		for _, r := range roster {
			if want := r.UserID != ""; (r.Status == incubation.Present) != want {
				t.Errorf("%s: %s", r.Person, r.Status)
			}
		}
		// After the session the code is closed; the list stays for the rest.
		f.now = f.at(1, 17, 1).UTC()
		code, _, _ = s.SessionSecretCode(as(staff), se.ID)
		if _, err := s.CheckinSessionByCode(as(clerk), se.ID, code); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("after the end: %v", err)
		}
		if _, err := s.MarkAttendance(as(staff), named.ID, incubation.Present, incubation.MethodList); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindMySessionEnrollment(as(clerk), se.ID); got == nil || got.ID != theirs.ID {
			t.Fatalf("own enrollment: %+v", got)
		}
		f.now = f.now.Add(time.Minute)
		assertAudited(t, s, "enrollment.attendance", 3)
	})
}

// An organization's certificates are its training record for the matcher.
func TestMatchOrganizationTrained(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newIncFixture(t, s)
		var changed []string
		s.OnChange(func(_ context.Context, cs []store.Change) {
			for _, c := range cs {
				if c.Kind == store.ChangeOrganization {
					changed = append(changed, c.ID)
				}
			}
		})
		finishCourses(t, f, 2)
		if !slices.Contains(changed, f.org.ID) {
			t.Fatal("a certificate did not tell the matcher the organization changed")
		}
		all, err := s.MatchOrganizations(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range all {
			want := []string(nil)
			if o.ID == f.org.ID {
				want = []string{"finance"}
			}
			if !slices.Equal(o.Trained, want) {
				t.Errorf("%s trained in %v, want %v", o.Name, o.Trained, want)
			}
		}
		one, err := s.MatchOrganization(context.Background(), f.org.ID)
		if err != nil || !slices.Equal(one.Trained, []string{"finance"}) {
			t.Fatalf("one: %v %v", one.Trained, err)
		}
	})
}
