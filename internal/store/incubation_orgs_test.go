package store_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// finishCourses gives the organization certificates of n distinct courses.
func finishCourses(t *testing.T, f *incFixture, n int) {
	t.Helper()
	admin := storetest.Admin()
	for i := 0; i < n; i++ {
		co := &incubation.Course{Title: fmt.Sprintf("社会组织财务管理 %d", i+1), Topic: incubation.TopicFinance}
		if err := f.s.CreateCourse(admin, co); err != nil {
			t.Fatal(err)
		}
		se := &incubation.Session{CourseID: co.ID, Teacher: "陈老师", Place: "区孵化基地多功能厅", Start: f.at(1, 14, 0),
			End: f.at(1, 16, 0), Capacity: 30}
		if err := f.s.CreateCourseSession(admin, se); err != nil {
			t.Fatal(err)
		}
		e := &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, Person: "王秀兰"}
		if err := f.s.Enroll(as(f.orgAdmin), e); err != nil {
			t.Fatal(err)
		}
		saved := f.now
		f.now = f.at(1, 14, 5).UTC()
		if _, err := f.s.MarkAttendance(admin, e.ID, incubation.Present, incubation.MethodList); err != nil {
			t.Fatal(err)
		}
		f.now = saved
	}
}

func TestIncubationLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newIncFixture(t, s)
		in := &incubation.Incubation{BaseID: f.base.ID, OrgID: f.org.ID, Statement: "我们为龙锦苑的独居老人提供助餐和探访，需要办公场地和财务辅导。"}
		if err := s.ApplyIncubation(as(f.farAdmin), in); code(t, err) != errs.Forbidden {
			t.Fatalf("applying for another org: %v", err)
		}
		// A street's base takes its own street's organizations only; the
		// district base takes anyone.
		elsewhere := &incubation.Incubation{BaseID: f.base.ID, OrgID: f.farOrg.ID, Statement: "天北青年志愿者协会希望入驻，获得办公场地。"}
		if err := s.ApplyIncubation(as(f.farAdmin), elsewhere); errs.As(err).Field != "base" || errs.As(err).Key != "incubation.base_other_street" {
			t.Fatalf("applying to another street's base: %v", err)
		}
		district := &incubation.Base{Name: "回天地区社会组织孵化基地"}
		if err := s.CreateBase(storetest.Admin(), district); err != nil {
			t.Fatal(err)
		}
		if err := s.ApplyIncubation(as(f.farAdmin), &incubation.Incubation{BaseID: district.ID, OrgID: f.farOrg.ID, Statement: elsewhere.Statement}); err != nil {
			t.Fatalf("applying to the district base: %v", err)
		}
		if err := s.ApplyIncubation(as(f.orgAdmin), &incubation.Incubation{BaseID: f.base.ID, OrgID: f.org.ID, Statement: "短"}); errs.As(err).Field != "statement" {
			t.Fatalf("short statement: %v", err)
		}
		if err := s.ApplyIncubation(as(f.orgAdmin), in); err != nil {
			t.Fatal(err)
		}
		again := &incubation.Incubation{BaseID: f.base.ID, OrgID: f.org.ID, Statement: in.Statement}
		if err := s.ApplyIncubation(as(f.orgAdmin), again); errs.As(err).Key != "incubation.already_open" {
			t.Fatalf("second open application: %v", err)
		}
		// Only the base's staff admit, with a plan and a period.
		adm := incubation.Admission{Plan: "一年：规范财务、完成民政登记、承接一个社区项目", Mentor: "刘导师",
			StartsOn: f.at(1, 0, 0), EndsOn: f.at(366, 0, 0)}
		if err := s.AdmitIncubation(as(f.orgAdmin), in.ID, adm); code(t, err) != errs.Forbidden {
			t.Fatalf("org admits itself: %v", err)
		}
		if err := s.AdmitIncubation(as(f.staff), in.ID, incubation.Admission{Plan: "x", StartsOn: f.at(2, 0, 0), EndsOn: f.at(1, 0, 0)}); errs.As(err).Field != "ends_on" {
			t.Fatalf("period backwards: %v", err)
		}
		if err := s.AdmitIncubation(as(f.staff), in.ID, incubation.Admission{Plan: "x", StartsOn: f.at(1, 0, 0), EndsOn: f.at(3660, 0, 0)}); errs.As(err).Key != "incubation.period_too_long" {
			t.Fatalf("a ten-year period: %v", err)
		}
		if err := s.StepIncubation(as(f.staff), in.ID, incubation.ActGraduate, ""); code(t, err) != errs.Conflict {
			t.Fatalf("graduate an applicant: %v", err)
		}
		if err := s.AdmitIncubation(as(f.staff), in.ID, adm); err != nil {
			t.Fatal(err)
		}
		if err := s.StepIncubation(as(f.staff), in.ID, incubation.ActStart, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignWorkstation(as(f.staff), f.desk.ID, f.org.ID); err != nil {
			t.Fatal(err)
		}
		// A second incubatee cannot take the desk until it is freed.
		near := &registry.Organization{Name: "龙泽苑书香社", Registration: registry.Filed, StreetID: f.street.ID}
		if err := s.CreateOrganization(storetest.Admin(), near); err != nil {
			t.Fatal(err)
		}
		nearAdmin := &accounts.User{ID: "na", Name: "赵书香", Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: near.ID}}}
		far := &incubation.Incubation{BaseID: f.base.ID, OrgID: near.ID, Statement: "龙泽苑书香社希望入驻，获得办公场地。"}
		if err := s.ApplyIncubation(as(nearAdmin), far); err != nil {
			t.Fatal(err)
		}
		if err := s.AdmitIncubation(as(f.staff), far.ID, adm); err != nil {
			t.Fatal(err)
		}
		if err := s.StepIncubation(as(f.staff), far.ID, incubation.ActStart, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignWorkstation(as(f.staff), f.desk.ID, near.ID); errs.As(err).Key != "space.workstation_taken" {
			t.Fatalf("a taken desk: %v", err)
		}
		if err := s.AssignWorkstation(as(f.staff), f.desk.ID, f.org.ID); err != nil {
			t.Fatalf("assign again to the same: %v", err)
		}
		if err := s.StepIncubation(as(nearAdmin), far.ID, incubation.ActWithdraw, "搬走了"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddService(as(f.staff), in.ID, &incubation.Service{Kind: "导师辅导", Provider: "刘导师", Note: "梳理财务制度", On: f.at(3, 0, 0)}); errs.As(err).Key != "incubation.service_future" {
			t.Fatalf("a service recorded for a day to come: %v", err)
		}
		if err := s.AddService(as(f.staff), in.ID, &incubation.Service{Kind: "导师辅导", Provider: "刘导师", Note: "梳理财务制度", On: f.at(0, 0, 0)}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddService(as(f.orgAdmin), in.ID, &incubation.Service{Kind: "自报", On: f.at(0, 0, 0)}); code(t, err) != errs.Forbidden {
			t.Fatalf("org records its own service: %v", err)
		}
		got, err := s.FindIncubationByID(as(f.orgAdmin), in.ID)
		if err != nil || got.Stage != incubation.Incubating || got.Workstation != "工位 A01" || got.Mentor != "刘导师" {
			t.Fatalf("read back: %+v %v", got, err)
		}
		if _, err := s.FindIncubationByID(as(f.farAdmin), in.ID); code(t, err) != errs.Forbidden {
			t.Fatalf("stranger reads the plan: %v", err)
		}
		public, err := s.FindIncubations(storetest.Admin(), store.IncubationFilter{OrgID: f.org.ID})
		if err != nil || len(public) != 1 {
			t.Fatal(public, err)
		}
		anon, _ := s.FindIncubations(as(nil), store.IncubationFilter{OrgID: f.org.ID})
		if len(anon) != 1 || anon[0].Plan != "" || anon[0].Stage != incubation.Incubating {
			t.Fatalf("public view: %+v", anon)
		}
		svcs, err := s.FindServices(as(f.orgAdmin), in.ID)
		if err != nil || len(svcs) != 1 || svcs[0].Provider != "刘导师" {
			t.Fatalf("services: %v %v", svcs, err)
		}
		// Incubatees-only spaces open up once admitted.
		lounge := &incubation.Space{BaseID: f.base.ID, Name: "会客区", Kind: incubation.Reception, Capacity: 6,
			Hours: allWeek("09:00", "18:00"), Audience: incubation.Incubatees}
		if err := s.CreateSpace(as(f.staff), lounge); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateBooking(as(f.orgAdmin), &incubation.Booking{SpaceID: lounge.ID, OrgID: f.org.ID, Start: f.at(1, 9, 0), End: f.at(1, 10, 0)}); err != nil {
			t.Fatalf("incubatee books the lounge: %v", err)
		}
		if err := s.CreateBooking(as(f.farAdmin), &incubation.Booking{SpaceID: lounge.ID, OrgID: f.farOrg.ID, Start: f.at(1, 10, 0), End: f.at(1, 11, 0)}); code(t, err) != errs.Forbidden {
			t.Fatalf("non-incubatee books the lounge: %v", err)
		}

		// Graduation waits for every criterion.
		cr, err := s.IncubationCriteria(storetest.Admin(), f.org.ID)
		if err != nil || !cr.Registered || cr.Trained() || cr.Delivered() {
			t.Fatalf("criteria before: %+v %v", cr, err)
		}
		if err := s.StepIncubation(as(f.staff), in.ID, incubation.ActGraduate, ""); errs.As(err).Key != "incubation.criteria_unmet" {
			t.Fatalf("graduate too early: %v", err)
		}
		finishCourses(t, f, 2)
		if err := s.SetOrgKeyForDeliveryTest(storetest.Admin(), f.org.ID, "o-inc"); err != nil {
			t.Fatal(err)
		}
		rows := []projectfile.ProjectRow{{Line: 1, Key: "p-inc-1", Title: "独居老人助餐探访", Description: "为 40 位独居老人每周助餐两次、探访一次。",
			Street: f.street.Name, Org: "o-inc", BudgetFen: 5000000, DurationDays: 180,
			Completed: time.Date(2026, 6, 1, 0, 0, 0, 0, incubation.Zone)}}
		if _, err := s.ImportProjects(storetest.Admin(), rows, false); err != nil {
			t.Fatal(err)
		}
		cr, _ = s.IncubationCriteria(storetest.Admin(), f.org.ID)
		if !cr.Met() || cr.CoursesCompleted != 2 || cr.ProjectsWon != 1 {
			t.Fatalf("criteria after: %+v", cr)
		}
		if err := s.StepIncubation(as(f.orgAdmin), in.ID, incubation.ActGraduate, ""); code(t, err) != errs.Forbidden {
			t.Fatalf("org graduates itself: %v", err)
		}
		if err := s.StepIncubation(as(f.staff), in.ID, incubation.ActGraduate, "顺利出壳"); err != nil {
			t.Fatal(err)
		}
		desk, _ := s.FindSpaceByID(storetest.Admin(), f.desk.ID)
		if desk.AssigneeOrgID != "" {
			t.Fatal("graduation left the workstation assigned")
		}
		// Graduated: a new application is possible again.
		if err := s.ApplyIncubation(as(f.orgAdmin), again); err != nil {
			t.Fatalf("apply after graduating: %v", err)
		}
		if err := s.StepIncubation(as(f.orgAdmin), again.ID, incubation.ActWithdraw, "暂不需要"); err != nil {
			t.Fatalf("org withdraws its application: %v", err)
		}
		outs, err := s.FindIncubationOutcomes(as(f.staff))
		if err != nil || len(outs) != 1 || outs[0].Stage != incubation.Graduated { // the withdrawn is not listed
			t.Fatalf("outcomes: %v %v", outs, err)
		}
		entries, _, _ := s.FindAuditEntries(storetest.Admin(), auditFilter("incubation", in.ID))
		if len(entries) != 5 { // apply, admit, start, service, graduate
			t.Fatalf("audit entries: %d", len(entries))
		}
	})
}

// TestCancelEnrollmentAfterRollCall: roll call opens an hour before the
// session, so a trainee can be marked present (a certificate issued) while
// the session has not started; cancelling then is a conflict that says so,
// not a dangling reference, and the seat and certificate stay.
func TestCancelEnrollmentAfterRollCall(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newIncFixture(t, s)
		co := &incubation.Course{Title: "社会组织财务管理", Topic: incubation.TopicFinance}
		if err := s.CreateCourse(storetest.Admin(), co); err != nil {
			t.Fatal(err)
		}
		se := &incubation.Session{CourseID: co.ID, StreetID: f.street.ID, Teacher: "陈老师", Place: "一号会议室",
			Start: f.at(0, 14, 0), End: f.at(0, 16, 0), Capacity: 5}
		if err := s.CreateCourseSession(as(f.staff), se); err != nil {
			t.Fatal(err)
		}
		e := &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, Person: "王秀兰"}
		if err := s.Enroll(as(f.orgAdmin), e); err != nil {
			t.Fatal(err)
		}
		f.now = f.at(0, 13, 30).UTC() // roll call is open, the session not started
		cert, err := s.MarkAttendance(as(f.staff), e.ID, incubation.Present, incubation.MethodList)
		if err != nil || cert == "" {
			t.Fatalf("present: %q %v", cert, err)
		}
		err = s.CancelEnrollment(as(f.orgAdmin), e.ID)
		if code(t, err) != errs.Conflict || errs.As(err).Key != "enrollment.cancel_present" {
			t.Fatalf("cancel after present: %v", err)
		}
		if _, err := s.FindCertificateByID(storetest.Admin(), cert); err != nil {
			t.Fatalf("the certificate is gone: %v", err)
		}
		if got, _ := s.FindCourseSessionByID(storetest.Admin(), se.ID); got.Enrolled != 1 {
			t.Fatalf("seat given back: %d", got.Enrolled)
		}
		// Marked absent after a mistake, the enrollment can be cancelled again.
		if _, err := s.MarkAttendance(as(f.staff), e.ID, incubation.Absent, incubation.MethodList); err != nil {
			t.Fatal(err)
		}
		if err := s.CancelEnrollment(as(f.orgAdmin), e.ID); err != nil {
			t.Fatalf("cancel after absent: %v", err)
		}
	})
}

func TestAcademy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newIncFixture(t, s)
		admin := storetest.Admin()
		co := &incubation.Course{Title: "社会组织法律合规", Topic: incubation.TopicLegal, Description: "章程、年检与合同"}
		if err := s.CreateCourse(as(f.staff), co); code(t, err) != errs.Forbidden {
			t.Fatalf("street staff creates a district course: %v", err)
		}
		if err := s.CreateCourse(admin, co); err != nil {
			t.Fatal(err)
		}
		se := &incubation.Session{CourseID: co.ID, StreetID: f.street.ID, Teacher: "赵律师", Place: "回龙观街道孵化基地一号会议室",
			Start: f.at(2, 14, 0), End: f.at(2, 16, 0), Capacity: 5, Materials: "请带上本组织章程"}
		if err := s.CreateCourseSession(as(f.staff), se); err != nil {
			t.Fatalf("street staff schedules a session at their street: %v", err)
		}
		if err := s.Enroll(as(f.farAdmin), &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, Person: "冒名"}); code(t, err) != errs.Forbidden {
			t.Fatalf("enrolling another org: %v", err)
		}
		// Twelve people from two organizations race for five seats.
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, full := 0, 0
		start := make(chan struct{})
		for i := 0; i < 12; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				u, org := f.orgAdmin, f.org.ID
				if i%2 == 1 {
					u, org = f.farAdmin, f.farOrg.ID
				}
				<-start
				err := s.Enroll(as(u), &incubation.Enrollment{SessionID: se.ID, OrgID: org, Person: fmt.Sprintf("学员%02d", i)})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case errs.As(err).Key == "session.full":
					full++
				default:
					t.Errorf("enroll %d: %v", i, err)
				}
			}(i)
		}
		close(start)
		wg.Wait()
		got, _ := s.FindCourseSessionByID(admin, se.ID)
		if ok != 5 || full != 7 || got.Enrolled != 5 || got.Seats() != 0 {
			t.Fatalf("race: %d enrolled, %d full, session says %d", ok, full, got.Enrolled)
		}
		var n int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM enrollments WHERE session_id = ?`, se.ID, &n); err != nil || n != 5 {
			t.Fatalf("enrollment rows: %d %v", n, err)
		}
		mine, err := s.FindOrgEnrollments(as(f.orgAdmin), f.org.ID)
		if err != nil || len(mine) == 0 {
			t.Fatalf("own enrollments: %v %v", mine, err)
		}
		if _, err := s.FindRoster(as(f.orgAdmin), se.ID); code(t, err) != errs.Forbidden {
			t.Fatalf("org reads the roster: %v", err)
		}
		roster, err := s.FindRoster(as(f.staff), se.ID)
		if err != nil || len(roster) != 5 {
			t.Fatalf("roster: %v %v", roster, err)
		}
		// Cancelling gives the seat back; the same person twice is refused.
		if err := s.CancelEnrollment(as(f.orgAdmin), mine[0].ID); err != nil {
			t.Fatal(err)
		}
		e := &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, Person: "王秀兰"}
		if err := s.Enroll(as(f.orgAdmin), e); err != nil {
			t.Fatal(err)
		}
		// Attendance: not before the session, only by its staff.
		if _, err := s.MarkAttendance(as(f.staff), e.ID, incubation.Present, incubation.MethodList); errs.As(err).Key != "attendance.too_early" {
			t.Fatalf("early attendance: %v", err)
		}
		f.now = f.at(2, 14, 10).UTC()
		if err := s.Enroll(as(f.orgAdmin), &incubation.Enrollment{SessionID: se.ID, OrgID: f.org.ID, Person: "迟到"}); errs.As(err).Key != "session.started" {
			t.Fatalf("enroll after the start: %v", err)
		}
		if _, err := s.MarkAttendance(as(f.orgAdmin), e.ID, incubation.Present, incubation.MethodList); code(t, err) != errs.Forbidden {
			t.Fatalf("org marks itself present: %v", err)
		}
		cert, err := s.MarkAttendance(as(f.staff), e.ID, incubation.Present, incubation.MethodList)
		if err != nil || cert == "" {
			t.Fatalf("present: %q %v", cert, err)
		}
		again, _ := s.MarkAttendance(as(f.staff), e.ID, incubation.Present, incubation.MethodCode)
		if again != cert {
			t.Fatalf("second mark issued another certificate: %s %s", again, cert)
		}
		pub, err := s.FindCertificateByID(as(nil), cert)
		if err != nil || pub.Person != "王**" || pub.CourseTitle != co.Title || pub.OrgName != f.org.Name {
			t.Fatalf("public certificate: %+v %v", pub, err)
		}
		own, _ := s.FindCertificateByID(as(f.orgAdmin), cert)
		if own.Person != "王秀兰" {
			t.Fatalf("own certificate: %+v", own)
		}
		// Absent after a mistake withdraws it.
		if c, err := s.MarkAttendance(as(f.staff), roster[0].ID, incubation.Present, incubation.MethodList); err != nil || c == "" {
			t.Fatal(err)
		} else if _, err := s.MarkAttendance(as(f.staff), roster[0].ID, incubation.Absent, incubation.MethodList); err != nil {
			t.Fatal(err)
		} else if _, err := s.FindCertificateByID(admin, c); code(t, err) != errs.NotFound {
			t.Fatalf("withdrawn certificate: %v", err)
		}
		if _, err := s.MarkAttendance(as(f.staff), e.ID, "late", incubation.MethodList); errs.As(err).Field != "status" {
			t.Fatalf("bad status: %v", err)
		}
		stats, err := s.FindCourseStats(admin)
		if err != nil || len(stats) != 1 || stats[0].Enrolled != 5 || stats[0].Came != 1 || stats[0].Sessions != 1 {
			t.Fatalf("stats: %+v %v", stats, err)
		}
		certs, _ := s.FindOrgCertificates(as(nil), f.org.ID)
		if len(certs) != 1 || certs[0].Person != "王**" {
			t.Fatalf("training record: %+v", certs)
		}
		// Occupancy: the room is open 13 hours a day, 26 half hours.
		if err := s.CreateBooking(as(f.orgAdmin), &incubation.Booking{SpaceID: f.room.ID, OrgID: f.org.ID, Start: f.at(3, 9, 0), End: f.at(3, 11, 0)}); err != nil {
			t.Fatal(err)
		}
		occ, err := s.FindOccupancy(as(f.staff), f.base.ID, f.at(3, 0, 0), f.at(4, 0, 0))
		if err != nil || len(occ) != 2 || occ[0].Space.ID != f.room.ID && occ[1].Space.ID != f.room.ID {
			t.Fatalf("occupancy: %v %v", occ, err)
		}
		for _, o := range occ {
			if o.Space.ID == f.room.ID && (o.Booked != 4 || o.Open != 26) {
				t.Fatalf("room occupancy %d/%d", o.Booked, o.Open)
			}
		}
	})
}
