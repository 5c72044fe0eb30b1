package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/incubation"
	"github.com/huitian/huitian/internal/registry"
)

// The incubation base and the academy: the district base and two street
// bases with their rooms and workstations, a year of monthly training,
// incubatees at every stage (one graduated, having met every criterion),
// and a week of bookings ahead.

// DistrictBase is the district base's name.
const DistrictBase = "回天地区社会组织孵化基地"

type demoSpace struct {
	name     string
	kind     incubation.SpaceKind
	capacity int
	audience incubation.Audience
	weekday  string
	weekend  string
	rules    string
}

var demoBases = []struct {
	name, street, address string
	spaces                []demoSpace
	desks                 int
}{
	{DistrictBase, "", "昌平区回龙观镇回天社会组织服务中心二层", []demoSpace{
		{"一号会议室", incubation.MeetingRoom, 12, incubation.StreetOrgs, "09:00-21:00", "09:00-17:00", "请提前 10 分钟到场，用后关闭投影和空调，桌椅复原。"},
		{"二号会议室", incubation.MeetingRoom, 8, incubation.Incubatees, "09:00-18:00", "-", "入驻组织专用，每次最长 4 小时。"},
		{"会客区", incubation.Reception, 6, incubation.Incubatees, "09:00-18:00", "-", "接待来访者请保持安静，不影响工位区办公。"},
		{"公益图书馆", incubation.Library, 30, incubation.Registered, "09:00-18:00", "09:00-17:00", "图书可在前台登记借阅，一次最多两本，两周内归还。"},
		{"多功能活动厅", incubation.EventHall, 80, incubation.StreetOrgs, "09:00-21:00", "09:00-17:00", "举办公开活动请在预约用途中写明活动名称和预计人数。"},
	}, 8},
	{"回龙观街道社会组织孵化基地", "回龙观街道", "回龙观西大街 18 号 回龙观街道社区服务中心三层", []demoSpace{
		{"议事厅", incubation.MeetingRoom, 16, incubation.StreetOrgs, "08:30-20:00", "09:00-17:00", "优先保障社区协商议事使用。"},
		{"会客区", incubation.Reception, 4, incubation.Incubatees, "09:00-17:30", "-", ""},
		{"阅览角", incubation.Library, 10, incubation.Registered, "09:00-17:30", "09:00-17:00", ""},
	}, 4},
	{"天通苑北街道社会组织孵化基地", "天通苑北街道", "太平庄中街 20 号 天通苑北街道党群服务中心一层", []demoSpace{
		{"会议室", incubation.MeetingRoom, 10, incubation.StreetOrgs, "09:00-18:00", "-", ""},
		{"会客区", incubation.Reception, 6, incubation.Incubatees, "09:00-18:00", "-", ""},
		{"活动室", incubation.EventHall, 40, incubation.StreetOrgs, "09:00-20:00", "09:00-17:00", "活动结束后请清理场地垃圾。"},
	}, 4},
}

var demoCourses = []struct {
	title, desc string
	topic       incubation.Topic
}{
	{"社会组织财务管理实务", "会计科目与账簿、票据管理、项目经费的预算与结项审计。", incubation.TopicFinance},
	{"社会组织法律合规", "章程与内部治理、年度检查、劳动用工和服务合同中的常见风险。", incubation.TopicLegal},
	{"公益项目设计与评估", "从社区需求调研到项目逻辑模型、产出与成效指标、结项评估。", incubation.TopicProject},
	{"社区公益筹款", "社区基金、企业合作和网络募捐的合规做法与案例。", incubation.TopicFundraising},
	{"志愿者招募与管理", "志愿者招募、培训、激励和服务时长记录。", incubation.TopicVolunteer},
	{"社会组织党建工作实务", "党建联建、党建指导员工作方法和党组织覆盖。", incubation.TopicPartyBuilding},
}

var demoTeachers = []string{"陈静（注册会计师）", "赵律师", "孙教授", "刘老师", "周老师", "马书记"}

var serviceKinds = []struct{ kind, note string }{
	{"导师辅导", "梳理组织三年发展规划和年度目标"},
	{"财务托管", "代理记账，建立项目经费台账"},
	{"法律咨询", "审阅章程修订稿和服务合同"},
	{"项目申报辅导", "指导撰写政购平台项目建议书"},
}

// incubationTender names the incubation story's steps in the world's
// error messages (which speak of needs).
var incubationTender = &tender{sp: needSpec{Title: "孵化基地与社会创新学院"}}

// planIncubation adds the incubation story to the world's timeline, so it
// runs in time order among the tenders: the bases open soon after the
// platform goes live, applications and monthly sessions follow over the
// months, one incubatee graduates two days ago and the coming week's rooms
// are booked yesterday. Run it after the past projects are imported (the
// graduate is chosen among organizations with an accepted project).
func (w *world) planIncubation(ctx context.Context) error {
	day0 := w.day0
	opening := w.start.Add(3 * time.Hour)
	var steps []*event
	at := func(t time.Time, what string, do func() error) {
		if t.Before(opening) {
			t = opening
		}
		if !t.Before(day0) {
			t = day0.Add(-time.Hour)
		}
		steps = append(steps, &event{at: t, t: incubationTender, what: what, do: do})
	}
	coordinator := func() *accounts.User { return w.ppl.coordinator }

	// Bases, spaces and workstations, made as the platform opens.
	type baseInfo struct {
		base  *incubation.Base
		desks []*incubation.Space
		rooms []*incubation.Space
	}
	var bases []*baseInfo
	staffOf := func(b *incubation.Base) *accounts.User {
		if b.StreetID == "" {
			return coordinator()
		}
		return w.ppl.street[b.StreetID]
	}
	for bn, db := range demoBases {
		bi := &baseInfo{base: &incubation.Base{Name: db.name, StreetID: w.streetIDs[db.street], Address: db.address}}
		bases = append(bases, bi)
		at(opening.Add(time.Duration(bn)*time.Minute), "base "+db.name, func() error {
			staff := staffOf(bi.base)
			if err := w.s.CreateBase(w.as(staff), bi.base); err != nil {
				return err
			}
			for _, ds := range db.spaces {
				wd, _ := incubation.ParseDay(ds.weekday)
				we, _ := incubation.ParseDay(ds.weekend)
				sp := &incubation.Space{BaseID: bi.base.ID, Name: ds.name, Kind: ds.kind, Capacity: ds.capacity,
					Audience: ds.audience, Rules: ds.rules}
				for d := range sp.Hours {
					sp.Hours[d] = wd
					if time.Weekday(d) == time.Saturday || time.Weekday(d) == time.Sunday {
						sp.Hours[d] = we
					}
				}
				if err := w.s.CreateSpace(w.as(staff), sp); err != nil {
					return err
				}
				bi.rooms = append(bi.rooms, sp)
			}
			prefix := "A"
			if bi.base.StreetID != "" {
				prefix = "B"
			}
			for i := 1; i <= db.desks; i++ {
				sp := &incubation.Space{BaseID: bi.base.ID, Name: fmt.Sprintf("工位 %s%02d", prefix, i), Kind: incubation.Workstation,
					Capacity: 2, Audience: incubation.Incubatees, Rules: "工位含办公桌椅、储物柜和网络，钥匙在前台登记领取。"}
				if err := w.s.CreateSpace(w.as(staff), sp); err != nil {
					return err
				}
				bi.desks = append(bi.desks, sp)
			}
			return nil
		})
	}
	courses := make([]*incubation.Course, len(demoCourses))
	at(opening.Add(10*time.Minute), "courses", func() error {
		for i, dc := range demoCourses {
			courses[i] = &incubation.Course{Title: dc.title, Topic: dc.topic, Description: dc.desc}
			if err := w.s.CreateCourse(w.as(coordinator()), courses[i]); err != nil {
				return err
			}
		}
		return nil
	})

	// Who is incubated where, and at which stage. The graduate is a
	// registered organization with an accepted project already.
	used := map[string]bool{orgAdminKey: true}
	pick := func(street string, want func(*registry.Organization) bool) string {
		for _, k := range w.orgKeys() {
			o := w.orgs[k]
			if used[k] || o == nil || (street != "" && o.StreetID != w.streetIDs[street]) || (want != nil && !want(o)) {
				continue
			}
			used[k] = true
			return k
		}
		return ""
	}
	graduate := pick("", func(o *registry.Organization) bool {
		cr, err := w.s.IncubationCriteria(ctx, o.ID)
		return err == nil && cr.Registered && cr.ProjectsWon > 0
	})
	if graduate == "" {
		return fmt.Errorf("demo: no registered organization with an accepted project to graduate")
	}
	type story struct {
		key     string
		base    int
		stage   incubation.Stage
		applied int // days before today
		in      *incubation.Incubation
		movedIn time.Time // zero: never
	}
	stories := []*story{{key: graduate, base: 0, stage: incubation.Graduated, applied: 265}}
	add := func(base int, street string, stage incubation.Stage, applied int) {
		if k := pick(street, nil); k != "" {
			stories = append(stories, &story{key: k, base: base, stage: stage, applied: applied})
		}
	}
	add(0, "", incubation.Incubating, 240)
	add(0, "", incubation.Incubating, 180)
	add(0, "", incubation.Incubating, 95)
	add(0, "", incubation.Withdrawn, 150)
	add(0, "", incubation.Admitted, 20)
	add(0, "", incubation.Applied, 5)
	add(0, "", incubation.Applied, 2)
	add(1, "回龙观街道", incubation.Incubating, 200)
	add(1, "回龙观街道", incubation.Applied, 3)
	add(2, "天通苑北街道", incubation.Incubating, 160)
	add(2, "天通苑北街道", incubation.Withdrawn, 40)

	plans := []string{
		"一年孵化：完善章程和财务制度，完成民政登记，承接至少一个社区服务项目。",
		"一年孵化：培养两名项目骨干，建立志愿者队伍，参与政购平台项目申报。",
		"半年孵化：规范项目管理，完成财务和法律合规培训，形成可复制的服务方案。",
	}
	mentors := []string{"刘导师（社工督导）", "何导师（公益项目评估）", "郭导师（社会组织财务）"}
	deskNext := map[int]int{}
	for i, st := range stories {
		bi := bases[st.base]
		o := w.orgs[st.key]
		applied := day0.AddDate(0, 0, -st.applied).Add(10 * time.Hour)
		at(applied, "apply "+o.Name, func() error {
			st.in = &incubation.Incubation{BaseID: bi.base.ID, OrgID: o.ID,
				Statement: fmt.Sprintf("%s 骨干以社区志愿者为主，希望入驻孵化基地，获得办公场地、财务和项目设计方面的支持。", o.Name)}
			return w.s.ApplyIncubation(w.as(w.ppl.admins[st.key]), st.in)
		})
		switch st.stage {
		case incubation.Applied:
			continue
		case incubation.Withdrawn:
			if st.applied < 60 {
				at(applied.AddDate(0, 0, 3), "refuse "+o.Name, func() error {
					return w.s.StepIncubation(w.as(staffOf(bi.base)), st.in.ID, incubation.ActWithdraw, "申请材料不完整，建议补充组织章程后再申请")
				})
				continue
			}
		}
		admitted := applied.AddDate(0, 0, 7)
		adm := incubation.Admission{Plan: plans[i%len(plans)], Mentor: mentors[i%len(mentors)],
			StartsOn: midnight(admitted.AddDate(0, 0, 7)), EndsOn: midnight(admitted.AddDate(1, 0, 7))}
		at(admitted, "admit "+o.Name, func() error {
			return w.s.AdmitIncubation(w.as(staffOf(bi.base)), st.in.ID, adm)
		})
		if st.stage == incubation.Admitted {
			continue
		}
		st.movedIn = admitted.AddDate(0, 0, 7)
		desk := deskNext[st.base]
		deskNext[st.base]++
		at(st.movedIn, "move in "+o.Name, func() error {
			if err := w.s.StepIncubation(w.as(staffOf(bi.base)), st.in.ID, incubation.ActStart, ""); err != nil {
				return err
			}
			return w.s.AssignWorkstation(w.as(staffOf(bi.base)), bi.desks[desk].ID, o.ID)
		})
		for j, sk := range serviceKinds[:2+i%3] {
			on := st.movedIn.AddDate(0, 0, 10+j*20)
			at(on, "service for "+o.Name, func() error {
				sv := &incubation.Service{Kind: sk.kind, Provider: adm.Mentor, Note: sk.note, On: midnight(on)}
				return w.s.AddService(w.as(staffOf(bi.base)), st.in.ID, sv)
			})
		}
		switch st.stage {
		case incubation.Withdrawn:
			at(day0.AddDate(0, 0, -60).Add(15*time.Hour), "withdraw "+o.Name, func() error {
				return w.s.StepIncubation(w.as(w.ppl.admins[st.key]), st.in.ID, incubation.ActWithdraw, "组织调整服务方向，主动退出孵化")
			})
			st.movedIn = time.Time{}
		case incubation.Graduated:
			at(day0.AddDate(0, 0, -2).Add(16*time.Hour), "graduate "+o.Name, func() error {
				return w.s.StepIncubation(w.as(staffOf(bi.base)), st.in.ID, incubation.ActGraduate, "完成孵化计划，顺利出壳")
			})
		}
	}

	// Monthly sessions on the 15th, from the first month the platform was
	// live to next month. Incubatees that have moved in enroll a week ahead,
	// with a few other organizations; staff take attendance at the start.
	r := rand.New(rand.NewPCG(2024, 12))
	keys := w.orgKeys()
	month := 0
	for m := -10; m <= 1; m++ {
		y, mo, _ := day0.AddDate(0, m, 0).In(beijing).Date()
		start := time.Date(y, mo, 15, 14, 0, 0, 0, beijing).UTC()
		if start.AddDate(0, 0, -7).Before(opening.Add(time.Hour)) {
			continue
		}
		n := month // the courses in turn
		month++
		co := func() *incubation.Course { return courses[n%len(courses)] }
		teacher := demoTeachers[n%len(demoTeachers)]
		se := &incubation.Session{}
		scheduled := start.AddDate(0, 0, -30)
		if scheduled.Before(opening.Add(30 * time.Minute)) {
			scheduled = opening.Add(30 * time.Minute)
		}
		if !scheduled.Before(day0.Add(-3 * time.Hour)) {
			scheduled = day0.Add(-3 * time.Hour)
		}
		at(scheduled, "session", func() error {
			*se = incubation.Session{CourseID: co().ID, Teacher: teacher, Place: DistrictBase + " 多功能活动厅",
				Start: start, End: start.Add(150 * time.Minute), Capacity: 30,
				Materials: "请携带本组织章程和最近一期财务报表（如有）；课件会后在此发布。"}
			return w.s.CreateCourseSession(w.as(coordinator()), se)
		})
		enrollAt := start.AddDate(0, 0, -7)
		if !enrollAt.Before(day0) {
			enrollAt = day0.Add(-2 * time.Hour)
		}
		var who []string
		for _, st := range stories {
			if !st.movedIn.IsZero() && st.movedIn.Before(enrollAt) {
				who = append(who, st.key)
			}
		}
		for len(who) < 8 {
			if k := keys[r.IntN(len(keys))]; !used[k] && k != orgAdminKey && !slices.Contains(who, k) {
				who = append(who, k)
			}
		}
		var enrolled []*incubation.Enrollment
		at(enrollAt, "enrollments", func() error {
			for _, k := range who {
				e := &incubation.Enrollment{SessionID: se.ID, OrgID: w.orgs[k].ID, Person: w.rows[k].Org.ContactName}
				if e.Person == "" {
					continue
				}
				if err := w.s.Enroll(w.as(w.ppl.admins[k]), e); err != nil {
					return err
				}
				enrolled = append(enrolled, e)
			}
			return nil
		})
		if start.Add(10 * time.Minute).After(day0) {
			continue
		}
		at(start.Add(10*time.Minute), "attendance", func() error {
			for i, e := range enrolled {
				status := incubation.Present
				if i%5 == 4 && e.OrgID != w.orgs[graduate].ID {
					status = incubation.Absent
				}
				if _, err := w.s.MarkAttendance(w.as(coordinator()), e.ID, status, incubation.MethodList); err != nil {
					return err
				}
			}
			return nil
		})
	}

	// The coming week's bookings, made yesterday: incubatees in their own
	// rooms, organizations of the street (any, at the district base) elsewhere.
	at(day0.AddDate(0, 0, -1).Add(12*time.Hour), "bookings", func() error {
		for bi, b := range bases {
			var members, neighbours []string
			for _, st := range stories {
				if st.base == bi && st.stage == incubation.Incubating {
					members = append(members, st.key)
				}
			}
			for _, k := range keys {
				if k != orgAdminKey && (b.base.StreetID == "" || w.orgs[k].StreetID == b.base.StreetID) && len(neighbours) < 6 {
					neighbours = append(neighbours, k)
				}
			}
			for ri, sp := range b.rooms {
				who := neighbours
				if sp.Audience == incubation.Incubatees {
					who = members
				}
				if sp.Kind == incubation.Library || len(who) == 0 {
					continue
				}
				for d := 1; d <= 6; d++ {
					if (d+ri+bi)%2 == 1 {
						continue
					}
					key := who[(d+ri)%len(who)]
					y, mo, dd := day0.In(beijing).AddDate(0, 0, d).Date()
					start := time.Date(y, mo, dd, 9+(d+ri)%6, 30*((d+bi)%2), 0, 0, beijing)
					bk := &incubation.Booking{SpaceID: sp.ID, OrgID: w.orgs[key].ID, Start: start, End: start.Add(90 * time.Minute),
						Attendees: min(sp.Capacity, 3+d), Purpose: []string{"理事会", "项目例会", "志愿者培训", "居民座谈"}[(d+ri)%4]}
					if err := w.s.CreateBooking(w.as(w.ppl.admins[key]), bk); err != nil && !isConflictOrRule(err) {
						return fmt.Errorf("%s: %w", sp.Name, err)
					}
				}
			}
		}
		return nil
	})

	w.events = append(w.events, steps...)
	slices.SortStableFunc(w.events, func(a, b *event) int { return a.at.Compare(b.at) })
	return nil
}

// isConflictOrRule reports a booking the rules refused (taken, closed,
// not eligible): the demo simply skips it.
func isConflictOrRule(err error) bool {
	c := errs.CodeOf(err)
	return c == errs.Conflict || c == errs.Invalid || c == errs.Forbidden
}
