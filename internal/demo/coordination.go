package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/registry"
)

// The joint conference (回天地区社会组织党建工作联席会) meets every quarter,
// convened by the district's coordinators; 回龙观街道 holds its own too. Each
// meeting hands out action items (督办事项) that their owners take through
// every state — done, in progress, dropped, still open — and some are
// overdue on the demo's today. Meetings held before the platform went live
// were entered by the coordinator in its first days.

// itemPlan is one action item and what its owner did with it, in days
// after the meeting.
type itemPlan struct {
	title string
	owner string // "s:街道" | "c:社区" | "o:" (the meeting's organization)
	due   int    // days after the meeting
	steps []stepPlan
}

type stepPlan struct {
	day  int
	to   coordination.Status
	note string
	by   string // "owner" or "coordinator"
}

type meetingPlan struct {
	held        time.Time // 09:30 Beijing time
	street      string    // "" for the district
	title       string
	place       string
	agenda      []string
	departments []string
	streets     []string
	communities []string
	orgs        int // how many organizations of the street(s) take part
	resolutions []string
	minutes     string
	summary     string // "" stays internal
	items       []itemPlan
}

func step(day int, to coordination.Status, note string) stepPlan {
	return stepPlan{day: day, to: to, note: note, by: "owner"}
}

func coordStep(day int, to coordination.Status, note string) stepPlan {
	return stepPlan{day: day, to: to, note: note, by: "coordinator"}
}

var allHuitian = []string{"回龙观街道", "龙泽园街道", "史各庄街道", "霍营街道", "天通苑北街道", "天通苑南街道", "东小口镇", "北七家镇"}

// The meetings' dates follow the calendar, not fixed distances from the
// demo's today: the joint conference meets on the 20th of each quarter's
// first month (the Monday after, on a weekend), the latest time at least a
// week before today and the four times before it back to its founding a
// year earlier; 回龙观街道 meets some six weeks after the conference before
// the latest. Titles, and every year, quarter and date in the texts, are
// written from those dates, so they agree on whatever day the demo is made.

// quarterStart is midnight Beijing time of the first day of t's quarter.
func quarterStart(t time.Time) time.Time {
	y, m, _ := t.In(beijing).Date()
	return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, beijing)
}

// quarterOf is t's year and quarter (1–4) in Beijing.
func quarterOf(t time.Time) (int, int) {
	y, m, _ := t.In(beijing).Date()
	return y, int(m-1)/3 + 1
}

var cnNumbers = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// quarterName is "2026年第三季度".
func quarterName(y, q int) string { return fmt.Sprintf("%d年第%s季度", y, cnNumbers[q]) }

// prevQuarter is the quarter before quarter q of year y.
func prevQuarter(y, q int) (int, int) {
	if q == 1 {
		return y - 1, 4
	}
	return y, q - 1
}

// workday moves t forward to the Monday when it falls on a weekend.
func workday(t time.Time) time.Time {
	switch t.In(beijing).Weekday() {
	case time.Saturday:
		return t.AddDate(0, 0, 2)
	case time.Sunday:
		return t.AddDate(0, 0, 1)
	}
	return t
}

// conferenceDay is when the joint conference meets in the quarter that
// starts on qs.
func conferenceDay(qs time.Time) time.Time {
	return workday(qs.AddDate(0, 0, 19)).Add(9*time.Hour + 30*time.Minute).UTC()
}

// monthDay is "2月19日".
func monthDay(t time.Time) string {
	_, m, d := t.In(beijing).Date()
	return fmt.Sprintf("%d月%d日", int(m), d)
}

// planMeetings lays out the year of meetings before the demo's today day0.
func planMeetings(day0 time.Time) []meetingPlan {
	qs := quarterStart(day0)
	for !conferenceDay(qs).Before(day0.AddDate(0, 0, -7)) {
		qs = qs.AddDate(0, -3, 0)
	}
	held := make([]time.Time, 5) // the conference, oldest first
	for i := range held {
		held[i] = conferenceDay(qs.AddDate(0, -3*(4-i), 0))
	}
	// The latest but one reviews the quarter before it (the year before,
	// when it meets in January) and plans its own.
	y3, q3 := quarterOf(held[3])
	review, plan3 := fmt.Sprintf("%d年度", y3-1), fmt.Sprintf("%d年", y3)
	switch q3 {
	case 2:
		review, plan3 = quarterName(y3, 1), quarterName(y3, 2)
	case 3:
		review, plan3 = fmt.Sprintf("%d年上半年", y3), quarterName(y3, 3)
	case 4:
		review, plan3 = quarterName(y3, 3), quarterName(y3, 4)
	}
	built := "新建独立党支部 5 个、联合党支部 3 个，新派驻党建指导员 12 名"
	if q3 == 1 {
		built = "新建独立党支部 17 个、联合党支部 9 个，派驻党建指导员 46 名"
	}
	// The latest plans its quarter (its year, in January) and hears how the
	// instructors' visits went in the quarter before.
	y4, q4 := quarterOf(held[4])
	this4, last4 := quarterName(y4, q4), quarterName(prevQuarter(y4, q4))
	plan4 := this4
	if q4 == 1 {
		plan4 = fmt.Sprintf("%d年", y4)
	}
	// 回龙观 plans its communities' activities of the next quarter.
	local := workday(midnight(held[3]).AddDate(0, 0, 45)).Add(9*time.Hour + 30*time.Minute)
	next := quarterName(quarterOf(quarterStart(local).AddDate(0, 3, 0)))

	plans := []meetingPlan{
		{held: held[0], title: "回天地区社会组织党建工作联席会 第一次全体会议", place: "回天地区党群服务中心 三层会议室",
			agenda:      []string{"宣读联席会成立通知和议事规则", "通报回天地区社会组织党组织覆盖情况", "讨论“单独组建、联合组建、派驻指导员、功能型党支部”四种组建方式的适用范围"},
			departments: []string{"昌平区委社会工委区民政局", "昌平区委组织部", "回天地区社会组织综合党委"},
			streets:     allHuitian,
			resolutions: []string{"联席会每季度召开一次，由综合党委统筹，各街道（镇）轮流承办现场观摩", "各街道（镇）在三个月内完成辖区社会组织党组织覆盖摸底，建立台账", "党员 3 人以上的社会组织原则上单独组建党支部，不足 3 人的联合组建或派驻党建指导员"},
			minutes:     "会议由综合党委书记主持。民政局通报：回天地区登记和备案社会组织 2476 家，已建党组织 312 家。各街道表示摸底工作需要社区配合，霍营街道提出备案组织底数不清。",
			summary:     "联席会正式成立，议定每季度召开一次；各街道（镇）三个月内完成社会组织党组织覆盖摸底，按党员人数分类推进组建。",
			items: []itemPlan{
				{"完成回龙观街道社会组织党组织覆盖摸底台账", "s:回龙观街道", 90, []stepPlan{step(20, coordination.InProgress, "已完成 14 个社区中的 9 个"), step(75, coordination.Done, "台账已报综合党委，共 386 家")}},
				{"完成霍营街道社会组织党组织覆盖摸底台账", "s:霍营街道", 90, []stepPlan{step(30, coordination.InProgress, "备案组织逐一电话核实中"), step(104, coordination.Done, "台账已报，逾期两周，原因是备案底数核实")}},
				{"完成天通苑北街道社会组织党组织覆盖摸底台账", "s:天通苑北街道", 90, []stepPlan{step(60, coordination.Done, "台账已报，共 298 家")}},
				{"起草社会组织联合党支部组建指引", "s:龙泽园街道", 60, []stepPlan{step(10, coordination.InProgress, "已征求两家联合党支部意见"), coordStep(50, coordination.Dropped, "并入区委社会工委统一印发的指引，不再单独起草")}},
			}},
		{held: held[1], place: "天通苑北街道 邻里中心",
			agenda:      []string{"通报覆盖摸底结果", "观摩天通苑北街道功能型党支部", "部署“党建联建”结对工作"},
			departments: []string{"昌平区委社会工委区民政局", "回天地区社会组织综合党委"},
			streets:     allHuitian, orgs: 3,
			resolutions: []string{"每个街道（镇）至少推动 3 对社会组织与社区党组织开展党建联建", "在社会组织集中的孵化基地建立功能型党支部，覆盖入驻组织的流动党员"},
			minutes:     "综合党委通报：摸底台账 8 个街道（镇）已交 7 个。天通苑北街道介绍功能型党支部做法，入驻组织党员 23 人。",
			summary:     "通报了覆盖摸底结果，观摩了功能型党支部，部署各街道（镇）推动社会组织与社区党组织党建联建。",
			items: []itemPlan{
				{"推动 3 对社会组织与社区党建联建", "s:回龙观街道", 120, []stepPlan{step(25, coordination.InProgress, "已结对 2 对"), step(110, coordination.Done, "3 对结对完成，已开展联建活动 5 次")}},
				{"推动 3 对社会组织与社区党建联建", "s:东小口镇", 120, []stepPlan{step(40, coordination.InProgress, "已结对 1 对，另两家组织党员流动性大")}},
				{"孵化基地功能型党支部组建方案", "s:天通苑北街道", 45, []stepPlan{step(44, coordination.Done, "方案已报综合党委批复")}},
				{"报送参会社会组织党员名册", "o:", 30, []stepPlan{step(12, coordination.Done, "名册已报送")}},
			}},
		{held: held[2], place: "回龙观街道 党群服务中心",
			agenda:      []string{"党建联建进展交流", "研究党建指导员派驻和走访制度", "社会组织参与社区治理项目中的党建要求"},
			departments: []string{"昌平区委社会工委区民政局", "昌平区委组织部", "回天地区社会组织综合党委"},
			streets:     allHuitian, orgs: 4,
			resolutions: []string{"党建指导员每月至少走访联系的社会组织一次，走访情况在平台记录", "政府购买服务项目中，承接组织有党组织的，项目方案写明党建引领的具体做法"},
			minutes:     "各街道交流联建情况。组织部提出党建指导员队伍从街道党建办和社区书记中选派，每人联系不超过 5 家组织。",
			summary:     "交流了党建联建进展，建立党建指导员每月走访制度，要求购买服务项目方案写明党建引领做法。",
			items: []itemPlan{
				{"为未建党组织的社会组织选派党建指导员", "s:史各庄街道", 60, []stepPlan{step(20, coordination.InProgress, "已选派 4 名，尚缺 2 名")}},
				{"为未建党组织的社会组织选派党建指导员", "s:回龙观街道", 60, []stepPlan{step(35, coordination.Done, "已选派 6 名，名单已公示")}},
				{"修订购买服务项目方案模板，加入党建引领章节", "s:霍营街道", 45, []stepPlan{step(15, coordination.InProgress, "模板初稿已完成")}},
				{"整理本组织党建联建活动记录", "o:", 30, []stepPlan{step(28, coordination.Done, "已整理 4 次活动记录并上传")}},
			}},
		{held: held[3], place: "回天地区党群服务中心 三层会议室",
			agenda:      []string{review + "社会组织党建工作总结", "党组织形式调整：联合党支部转独立党支部", "部署" + plan3 + "重点任务"},
			departments: []string{"昌平区委社会工委区民政局", "回天地区社会组织综合党委"},
			streets:     allHuitian, orgs: 3,
			resolutions: []string{"党员达到 3 人的联合党支部成员组织，三个月内完成独立组建",
				"各街道（镇）" + monthDay(held[3].AddDate(0, 0, 30)) + "前报送" + review + "社会组织党建工作总结"},
			minutes: "综合党委总结" + review + "工作：" + built + "。",
			summary: "总结了" + review + "社会组织党建工作，部署联合党支部中符合条件的组织转为独立组建。",
			items: []itemPlan{
				{"报送本街道" + review + "社会组织党建工作总结", "s:回龙观街道", 30, []stepPlan{step(29, coordination.Done, "总结已报送")}},
				{"报送本街道" + review + "社会组织党建工作总结", "s:天通苑南街道", 30, []stepPlan{step(20, coordination.InProgress, "初稿完成，待街道工委审定")}},
				{"梳理可转为独立组建的联合党支部成员组织", "s:北七家镇", 40, nil},
				{"更新本街道社会组织党员名册", "s:回龙观街道", 30, []stepPlan{step(12, coordination.InProgress, "已收回 22 家组织的名册，还差 9 家")}},
				{"龙锦苑二区社区与结对组织联建活动计划", "c:龙锦苑二区社区", 25, []stepPlan{step(10, coordination.InProgress, "已与两家组织商定季度活动")}},
			}},
		{held: local, street: "回龙观街道", title: "回龙观街道社会组织党建工作联席会", place: "回龙观街道办事处 201 会议室",
			agenda:      []string{"落实区联席会部署", "社区与社会组织联建活动安排"},
			departments: []string{"回龙观街道党建工作办公室", "回龙观街道社区建设办公室"},
			streets:     []string{"回龙观街道"}, communities: []string{"龙锦苑二区社区"}, orgs: 3,
			resolutions: []string{"每个社区每季度至少开展一次与结对社会组织的联建活动"},
			minutes:     "街道党建办通报区联席会精神，各社区汇报联建计划。",
			items: []itemPlan{
				{"提交本社区" + next + "联建活动安排", "c:龙锦苑二区社区", 20, []stepPlan{step(8, coordination.InProgress, "已初步商定活动主题")}},
				{"联建活动照片和签到表归档", "o:", 30, []stepPlan{step(25, coordination.Done, "已归档")}},
			}},
		{held: held[4], place: "霍营街道 市民活动中心",
			agenda:      []string{"部署" + plan4 + "社会组织党建重点任务", "通报" + last4 + "党建指导员走访情况"},
			departments: []string{"昌平区委社会工委区民政局", "昌平区委组织部", "回天地区社会组织综合党委"},
			streets:     allHuitian, orgs: 2,
			resolutions: []string{this4 + "内完成党建指导员走访全覆盖", "各街道（镇）推荐 1 个党建引领社区治理的优秀案例"},
			minutes:     "组织部通报：" + last4 + "党建指导员走访 312 次，覆盖率 87%。",
			summary:     "部署" + plan4 + "重点任务：本季度内党建指导员走访全覆盖，各街道（镇）推荐党建引领社区治理优秀案例。",
			items: []itemPlan{
				{"推荐党建引领社区治理优秀案例", "s:回龙观街道", 40, nil},
				{"推荐党建引领社区治理优秀案例", "s:霍营街道", 40, []stepPlan{step(5, coordination.InProgress, "已征集 3 个候选案例")}},
				{"报送" + last4 + "党建指导员走访台账", "s:史各庄街道", 7, nil},
			}},
	}
	// The conference's meetings are numbered within their year, the
	// founding meeting counted.
	n := map[int]int{}
	for i := range plans {
		if plans[i].street != "" {
			continue
		}
		y, _ := quarterOf(plans[i].held)
		n[y]++
		if plans[i].title == "" {
			plans[i].title = fmt.Sprintf("回天地区社会组织党建工作联席会 %d年第%s次会议", y, cnNumbers[n[y]])
		}
	}
	return plans
}

// planCoordination schedules the meetings, their items and the
// party-building records as steps of the story, in time order with the
// tenders'.
func (w *world) planCoordination(ctx context.Context) error {
	coord := w.ppl.coordinator
	if coord == nil {
		return fmt.Errorf("demo: no coordinator")
	}
	orgsOf := map[string][]*registry.Organization{} // street id → organizations, by key
	for _, k := range w.keys {
		o, ok := w.orgs[k]
		if !ok {
			var err error
			if o, err = w.s.FindOrganizationByKey(ctx, k); err != nil {
				return fmt.Errorf("demo: organization %s: %w", k, err)
			}
		}
		orgsOf[o.StreetID] = append(orgsOf[o.StreetID], o)
	}
	firstDay := w.start.Add(2 * time.Hour)
	var evs []*event
	// add schedules a step and says when it will run (zero: not at all).
	add := func(at time.Time, what string, do func() error) time.Time {
		// Before go-live, the coordinator enters it in the first days.
		if at.Before(firstDay) {
			at = firstDay.Add(time.Duration(len(evs)) * 7 * time.Minute)
		}
		if !at.Before(w.day0) {
			return time.Time{} // still in the future on the demo's today
		}
		evs = append(evs, &event{at: at, what: what, do: do})
		return at
	}
	for mi, mp := range planMeetings(w.day0) {
		held := mp.held
		m := &coordination.Meeting{Title: mp.title, HeldAt: held, Place: mp.place, Agenda: mp.agenda,
			Departments: mp.departments, Minutes: mp.minutes, Summary: mp.summary, Published: mp.summary != ""}
		convener := coord
		if mp.street != "" {
			m.StreetID = w.streetIDs[mp.street]
			convener = w.ppl.street[m.StreetID]
		}
		for _, name := range mp.streets {
			m.Parties = append(m.Parties, coordination.Party{Kind: coordination.OwnerStreet, ID: w.streetIDs[name]})
		}
		for _, name := range mp.communities {
			m.Parties = append(m.Parties, coordination.Party{Kind: coordination.OwnerCommunity, ID: w.communityIDs[name]})
		}
		// The organizations present: from the convening street, or in turn from each.
		var present []*registry.Organization
		for i := 0; len(present) < mp.orgs && i < 40; i++ {
			st := m.StreetID
			if st == "" {
				st = w.streetIDs[allHuitian[(mi+i)%len(allHuitian)]]
			}
			if os := orgsOf[st]; len(os) > 0 {
				o := os[(mi*7+i*3)%len(os)]
				if !slices.Contains(present, o) && w.ppl.admins[w.keyOf[o.ID]] != nil {
					present = append(present, o)
				}
			}
		}
		for _, o := range present {
			m.Parties = append(m.Parties, coordination.Party{Kind: coordination.OwnerOrganization, ID: o.ID})
		}
		for _, r := range mp.resolutions {
			m.Resolutions = append(m.Resolutions, &coordination.Resolution{Text: r})
		}
		type planned struct {
			x     *coordination.Action
			owner *accounts.User
			steps []stepPlan
			res   int // index of its resolution, -1 for none
		}
		var items []planned
		for ii, ip := range mp.items {
			x := &coordination.Action{Title: ip.title, Due: midnight(held).AddDate(0, 0, ip.due)}
			kind, name := ip.owner[:1], ip.owner[2:]
			switch kind {
			case "s":
				x.OwnerKind, x.OwnerID = coordination.OwnerStreet, w.streetIDs[name]
			case "c":
				x.OwnerKind, x.OwnerID = coordination.OwnerCommunity, w.communityIDs[name]
			case "o":
				if len(present) == 0 {
					continue
				}
				x.OwnerKind, x.OwnerID = coordination.OwnerOrganization, present[ii%len(present)].ID
			}
			owner := w.itemOwner(x)
			if owner == nil {
				return fmt.Errorf("demo: no one acts for the owner of %q", ip.title)
			}
			items = append(items, planned{x, owner, ip.steps, min(ii, len(m.Resolutions)-1)})
		}
		created := add(held.Add(26*time.Hour), "meeting "+mp.title, func() error {
			if err := w.s.CreateMeeting(w.as(convener), m); err != nil {
				return err
			}
			for _, it := range items {
				it.x.MeetingID = m.ID
				if it.res >= 0 {
					it.x.ResolutionID = m.Resolutions[it.res].ID
				}
				if err := w.s.AddAction(w.as(convener), it.x); err != nil {
					return fmt.Errorf("item %q: %w", it.x.Title, err)
				}
			}
			return nil
		})
		if created.IsZero() {
			continue
		}
		for ii, it := range items {
			last := created
			for si, sp := range it.steps {
				at := held.AddDate(0, 0, sp.day).Add(time.Duration(10+si+ii) * time.Hour)
				if !at.After(last) {
					at = last.Add(time.Duration(5+ii) * time.Minute)
				}
				last = at
				actor := convener
				if sp.by == "owner" {
					actor = it.owner
				}
				x, to, note := it.x, sp.to, sp.note
				add(at, "item "+x.Title, func() error {
					_, err := w.s.UpdateAction(w.as(actor), x.ID, to, note)
					return err
				})
			}
		}
	}
	w.planParty(orgsOf, add)
	w.events = append(w.events, evs...)
	slices.SortStableFunc(w.events, func(a, b *event) int { return a.at.Compare(b.at) })
	return nil
}

// itemOwner is the person who acts for an item's owner.
func (w *world) itemOwner(x *coordination.Action) *accounts.User {
	switch x.OwnerKind {
	case coordination.OwnerStreet:
		return w.ppl.street[x.OwnerID]
	case coordination.OwnerCommunity:
		return w.ppl.community[x.OwnerID]
	case coordination.OwnerOrganization:
		return w.ppl.admins[w.keyOf[x.OwnerID]]
	}
	return nil
}

// planParty schedules party-organization form histories, co-building pairs
// with joint activities, and instructors with monthly visits, for a few
// organizations of every street.
func (w *world) planParty(orgsOf map[string][]*registry.Organization, add func(time.Time, string, func() error) time.Time) {
	at := func(daysAgo, hour int) time.Time {
		return w.day0.AddDate(0, 0, -daysAgo).Add(time.Duration(hour) * time.Hour)
	}
	activities := []string{"主题党日：重温入党誓词", "社区议事厅联学：垃圾分类怎么推", "为老服务志愿日", "“四点半课堂”党员志愿者进社区", "党史学习读书会", "楼门院治理议事会"}
	visits := []string{"了解组织党员组织关系转接情况，指导建立三会一课台账", "指导换届筹备，宣讲党建引领社会组织发展要求",
		"走访项目现场，听取服务对象意见", "检查党建联建活动记录，建议增加居民参与", "指导开展主题党日，协调活动场地"}
	for si, name := range allHuitian {
		stID := w.streetIDs[name]
		staff := w.ppl.street[stID]
		os := orgsOf[stID]
		n := 0
		for _, o := range os {
			if n >= 3 || staff == nil {
				break
			}
			o := o
			// The form history ends with the organization's current form.
			var hist []coordination.FormChange
			switch o.PartyForm {
			case registry.PartyIndependent:
				hist = []coordination.FormChange{
					{Form: registry.PartyJoint, Since: midnight(at(330+si*5, 0)).AddDate(-5, 0, 0), Note: "与同社区两家组织联合组建党支部"},
					{Form: registry.PartyIndependent, Since: midnight(at(330+si*5, 0)).AddDate(-2, 0, 0), Note: "党员达到 3 人，单独组建党支部"}}
			case registry.PartyJoint:
				hist = []coordination.FormChange{{Form: registry.PartyJoint, Since: midnight(at(300, 0)).AddDate(-3, 0, 0), Note: "纳入社区社会组织联合党支部"}}
			case registry.PartyInstructor:
				hist = []coordination.FormChange{{Form: registry.PartyNone, Since: midnight(at(300, 0)).AddDate(-4, 0, 0)},
					{Form: registry.PartyInstructor, Since: midnight(at(250, 0)), Note: "暂无正式党员，街道派驻党建指导员"}}
			case registry.PartyFunctional:
				hist = []coordination.FormChange{{Form: registry.PartyFunctional, Since: midnight(at(320, 0)).AddDate(-1, 0, 0), Note: "纳入孵化基地功能型党支部"}}
			default:
				continue
			}
			n++
			k := n
			add(at(270-si*3-k, 10), "party forms "+o.Name, func() error {
				for _, f := range hist {
					f := f
					f.OrgID = o.ID
					if err := w.s.RecordPartyForm(w.as(staff), &f); err != nil {
						return err
					}
				}
				return nil
			})
			if o.CommunityID != "" {
				p := &coordination.Pairing{OrgID: o.ID, PartnerKind: coordination.OwnerCommunity, PartnerID: o.CommunityID,
					Since: midnight(at(240-si*3-k, 0)), Note: "社区党委与组织党支部签订联建协议"}
				add(at(240-si*3-k, 11), "pairing "+o.Name, func() error { return w.s.CreatePairing(w.as(staff), p) })
				for j := 0; j < 3; j++ {
					day := 200 - j*60 - si*2 - k
					title := activities[(si+k+j)%len(activities)]
					add(at(day, 15), "joint activity "+o.Name, func() error {
						return w.s.AddJointActivity(w.as(staff), &coordination.JointActivity{PairingID: p.ID,
							On: midnight(at(day, 0)), Title: title, Note: "居民和党员志愿者参加"})
					})
				}
			}
			if o.PartyForm == registry.PartyInstructor || o.PartyForm == registry.PartyJoint {
				in := &coordination.Instructor{OrgID: o.ID, UserID: staff.ID, Since: midnight(at(250, 0))}
				add(at(250-si, 14), "instructor "+o.Name, func() error { return w.s.AssignInstructor(w.as(staff), in) })
				for v := 0; v < 6; v++ {
					day := 220 - v*32 - si - k
					note := visits[(v+si+k)%len(visits)]
					add(at(day, 16), "visit "+o.Name, func() error {
						return w.s.LogVisit(w.as(staff), &coordination.Visit{InstructorID: in.ID, On: midnight(at(day, 0)), Note: note})
					})
				}
			}
		}
	}
}
