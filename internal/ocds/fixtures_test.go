package ocds_test

import (
	"time"

	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
)

// Fixtures: one need walked through its whole life, branches off it
// (cancelled, failed, re-tendered), a direct commission, an invited
// tender and an imported project. The people in them — contacts, staff,
// residents — and their phone numbers must never reach the output.

var beijing = time.FixedZone("CST", 8*60*60)

func at(month time.Month, day, hour int) time.Time {
	return time.Date(2026, month, day, hour, 0, 0, 0, beijing)
}

// personNames are every name given to a person in the fixtures.
var personNames = []string{"王建国", "李秀英", "赵丽华", "张阿姨", "刘大妈", "陈主任", "孙评审", "周书记"}

// phones are every phone number in the fixtures.
var phones = []string{"13812345678", "13987654321", "15011112222", "18600001111", "13912345678", "17722223333"}

func orgs() (a, b, c *registry.Organization) {
	a = &registry.Organization{ID: "o-sunshine", Name: "回龙观阳光为老服务中心", Registration: registry.Registered,
		CreditCode: "52110114MJ0000001A", Category: "elderly", StreetID: "st-hlg", StreetName: "回龙观街道",
		PartyForm: registry.PartyIndependent, ContactName: "王建国", ContactPhone: "13812345678", Staff: 12}
	b = &registry.Organization{ID: "o-neighbors", Name: "天通苑邻里互助社", Registration: registry.Filed,
		Category: "volunteering", StreetID: "st-tty", StreetName: "天通苑北街道", PartyForm: registry.PartyJoint,
		ContactName: "李秀英", ContactPhone: "13987654321"}
	c = &registry.Organization{ID: "o-green", Name: "绿色家园环保协会", Registration: registry.Registered,
		CreditCode: "51110114MJ0000002B", Category: "environment", StreetID: "st-hlg", ContactName: "赵丽华",
		ContactPhone: "15011112222"}
	return a, b, c
}

func ev(id string, when time.Time, action string, from, to procurement.Status) procurement.Event {
	// The store names units, not people, as actors; these fixtures name
	// people on purpose, and put them and phones in notes: none may leak.
	return procurement.Event{ID: id, NeedID: "n-meals", At: when, Action: action, From: from, To: to,
		ActorID: "u-chen", Actor: "陈主任", Note: "周书记交办，电话17722223333"}
}

func baseNeed() *procurement.Need {
	return &procurement.Need{
		ID:    "n-meals",
		Title: "龙泽苑社区老年餐桌助餐服务",
		Description: "为辖区独居和高龄老人提供每日午餐配送与堂食服务，每周不少于5天。" +
			"咨询电话 186-0000-1111。",
		StreetID: "st-hlg", StreetName: "回龙观街道", CommunityID: "c-longze", CommunityName: "龙泽苑社区",
		Category: "elderly", BudgetFen: 4_800_050, Deadline: at(3, 10, 18), QACutoff: at(3, 8, 18),
		Procedure: procurement.Open, Qualifications: []procurement.Qualification{procurement.RegisteredOnly},
		Criteria: []procurement.Criterion{{ID: "cr-1", Name: "方案针对性与可行性", Weight: 40},
			{ID: "cr-2", Name: "团队经验与过往业绩", Weight: 30}, {ID: "cr-3", Name: "报价合理性", Weight: 20},
			{ID: "cr-4", Name: "居民参与与可持续性", Weight: 10}},
		Status: procurement.Draft, ObjectionDays: 5, CreatedBy: "u-chen", CreatedAt: at(3, 2, 9), UpdatedAt: at(3, 2, 9),
	}
}

var sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// proposalIDs and proposalDocID belong to proposals: never in the output.
var proposalIDs = []string{"p-sunshine", "p-neighbors", "p-green"}

const proposalDocID = "d-proposal-plan"

// lifeStages are the stages of the main need, in order.
var lifeStages = []string{"draft", "submitted", "sealed", "evaluating", "awarded", "objection-over", "contracted",
	"in-progress", "delivered", "accepted", "closed"}

// life returns the main need's process at a stage of its life.
func life(stage string) ocds.Process {
	a, b, c := orgs()
	n := baseNeed()
	p := ocds.Process{Need: n, Buyer: ocds.Unit{ID: "st-hlg", Name: "回龙观街道办事处"}, Community: ocds.Unit{ID: "c-longze", Name: "龙泽苑社区"}}
	p.Events = []procurement.Event{ev("e01", at(3, 2, 9), "create", "", procurement.Draft)}
	p.Now = at(3, 2, 10)
	steps := map[string]func(){
		"submitted": func() {
			p.Events = append(p.Events, ev("e02", at(3, 2, 11), "submit", procurement.Draft, procurement.Submitted))
			n.Status, p.Now = procurement.Submitted, at(3, 2, 12)
		},
		"sealed": func() {
			p.Events = append(p.Events, ev("e03", at(3, 3, 10), "publish", procurement.Submitted, procurement.Published),
				ev("e04", at(3, 4, 10), "edit", procurement.Published, procurement.Published),
				ev("e05", at(3, 5, 10), "answer", procurement.Published, procurement.Published))
			n.Status, n.PublishedAt, p.Now = procurement.Published, at(3, 3, 10), at(3, 6, 12)
			p.Documents = []procurement.Document{
				{ID: "d-need-brief", Owner: "n-meals", Name: "服务需求说明.pdf", Type: "application/pdf", Size: 2048, SHA256: sha, Uploaded: at(3, 2, 9)},
				// A proposal's file passed by mistake: never published.
				{ID: proposalDocID, Owner: "p-sunshine", Name: "阳光中心工作方案.pdf", Type: "application/pdf", SHA256: sha, Uploaded: at(3, 5, 9)},
			}
			// The store over-fills: sealed proposals' organizations and count.
			p.Tenderers = []*registry.Organization{a, b, c}
			n.Proposals = 3
		},
		"evaluating": func() {
			p.Events = append(p.Events, ev("e06", at(3, 10, 18).Add(5*time.Minute), "deadline_passed", procurement.Published, procurement.Evaluating),
				ev("e07", at(3, 11, 9), "assign_panel", procurement.Evaluating, procurement.Evaluating))
			n.Status, p.Now = procurement.Evaluating, at(3, 11, 12)
		},
		"awarded": func() {
			p.Events = append(p.Events, ev("e08", at(3, 12, 10), "award", procurement.Evaluating, procurement.Awarded))
			p.Award = &procurement.Award{NeedID: "n-meals", ProposalID: "p-sunshine", OrgID: a.ID, OrgName: a.Name, AmountFen: 4_650_000,
				Reason: "方案针对性强，团队有三年助餐经验，报价合理。", DecidedBy: "u-chen", DecidedAt: at(3, 12, 10)}
			p.Supplier, p.AwardDurationDays = a, 180
			n.Status, n.AwardedAt, n.AwardedOrgID, n.AwardedProposalID = procurement.Awarded, at(3, 12, 10), a.ID, "p-sunshine"
			p.Now = at(3, 14, 9)
		},
		"objection-over": func() { p.Now = at(3, 18, 9) },
		"contracted": func() {
			p.Events = append(p.Events, ev("e09", at(3, 20, 10), "contract", procurement.Awarded, procurement.Contracted))
			p.Contract = &procurement.Contract{NeedID: "n-meals", AmountFen: 4_650_000, Start: at(3, 21, 0), End: at(9, 20, 0),
				SignedBy: "u-chen", SignedAt: at(3, 20, 10), Milestones: []procurement.Milestone{
					{ID: "m1", Position: 1, Title: "完成老人需求摸底与配送路线", Due: at(4, 30, 18), AmountFen: 1_000_000, Status: procurement.MilestonePending},
					{ID: "m2", Position: 2, Title: "助餐服务运行满三个月", Due: at(6, 30, 18), AmountFen: 2_000_000, Status: procurement.MilestonePending},
					{ID: "m3", Position: 3, Title: "服务总结与居民满意度回访", Due: at(9, 15, 18), AmountFen: 1_650_000, Status: procurement.MilestonePending},
				}}
			p.ContractDocuments = []procurement.Document{{ID: "d-contract", Owner: "n-meals", Name: "服务合同.pdf", Type: "application/pdf", SHA256: sha, Uploaded: at(3, 20, 10)}}
			n.Status, p.Now = procurement.Contracted, at(3, 22, 9)
		},
		"in-progress": func() {
			p.Events = append(p.Events,
				ev("e10", at(4, 28, 10), "report", procurement.Contracted, procurement.InProgress),
				ev("e11", at(4, 29, 10), "accept_milestone", procurement.InProgress, procurement.InProgress),
				ev("e12", at(6, 28, 10), "report", procurement.InProgress, procurement.InProgress),
				ev("e13", at(6, 29, 10), "return_milestone", procurement.InProgress, procurement.InProgress),
				ev("e14", at(7, 2, 10), "report", procurement.InProgress, procurement.InProgress),
				ev("e15", at(7, 3, 10), "accept_milestone", procurement.InProgress, procurement.InProgress))
			p.Reports = []procurement.Report{
				report("r1", "m1", at(4, 28, 10)), report("r2", "m2", at(6, 28, 10)), report("r3", "m2", at(7, 2, 10)),
			}
			p.Milestones = cloneMilestones(p.Contract.Milestones)
			p.Milestones[0].Status, p.Milestones[1].Status = procurement.MilestoneAccepted, procurement.MilestoneAccepted
			n.Status, p.Now = procurement.InProgress, at(7, 10, 9)
		},
		"delivered": func() {
			p.Events = append(p.Events,
				ev("e16", at(9, 10, 10), "report", procurement.InProgress, procurement.InProgress),
				ev("e17", at(9, 11, 10), "accept_milestone", procurement.InProgress, procurement.InProgress),
				ev("e18", at(9, 12, 10), "deliver", procurement.InProgress, procurement.Delivered))
			p.Reports = append(p.Reports, report("r4", "m3", at(9, 10, 10)))
			p.Milestones[2].Status = procurement.MilestoneAccepted
			n.Status, p.Now = procurement.Delivered, at(9, 13, 9)
		},
		"accepted": func() {
			p.Events = append(p.Events, ev("e19", at(9, 15, 10), "accept", procurement.Delivered, procurement.Accepted))
			p.Acceptance = &procurement.Acceptance{NeedID: "n-meals", Result: "passed", Comment: "张阿姨和刘大妈都说饭菜可口", By: "u-chen", At: at(9, 15, 10)}
			p.RatingAverage, p.RatingCount, p.RatedAt = 13.0/3, 3, at(9, 20, 21)
			n.Status, p.Now = procurement.Accepted, at(9, 21, 9)
		},
		"closed": func() {
			p.Events = append(p.Events, ev("e20", at(9, 30, 10), "close", procurement.Accepted, procurement.Closed))
			n.Status, n.UpdatedAt, p.Now = procurement.Closed, at(9, 30, 10), at(10, 1, 9)
		},
	}
	for _, s := range lifeStages {
		if s != "draft" {
			steps[s]()
		}
		if s == stage {
			return p
		}
	}
	panic("no stage " + stage)
}

func report(id, milestone string, when time.Time) procurement.Report {
	return procurement.Report{ID: id, NeedID: "n-meals", MilestoneID: milestone, By: "u-org-admin",
		Text: "本月为刘大妈等42位老人送餐，联系电话13812345678", At: when,
		Files: []procurement.Document{{ID: "d-" + id, Owner: id, Name: "进度报告-" + id + ".pdf", Type: "application/pdf", SHA256: sha, Uploaded: when}}}
}

func cloneMilestones(ms []procurement.Milestone) []procurement.Milestone {
	return append([]procurement.Milestone(nil), ms...)
}

// branch returns the processes that leave the main life.
func branch(name string) ocds.Process {
	switch name {
	case "cancelled-sealed":
		// Cancelled before the deadline, looked at after it: its proposals
		// were never opened, so who bid stays unknown.
		p := life("sealed")
		p.Events = append(p.Events, ev("e30", at(3, 7, 10), "cancel", procurement.Published, procurement.Cancelled))
		p.Need.Status, p.Need.UpdatedAt, p.Now = procurement.Cancelled, at(3, 7, 10), at(3, 12, 9)
		return p
	case "cancelled-after-award":
		p := life("awarded")
		p.Events = append(p.Events, ev("e31", at(3, 15, 10), "cancel", procurement.Awarded, procurement.Cancelled))
		p.Need.Status, p.Need.UpdatedAt, p.Now = procurement.Cancelled, at(3, 15, 10), at(3, 25, 9)
		return p
	case "failed":
		p := life("evaluating")
		_, _, c := orgs()
		p.Tenderers = []*registry.Organization{c}
		p.Need.Proposals = 1
		p.Events = append(p.Events, ev("e32", at(3, 12, 15), "fail", procurement.Evaluating, procurement.Failed))
		p.Need.Status, p.Need.UpdatedAt, p.Now = procurement.Failed, at(3, 12, 15), at(3, 13, 9)
		return p
	case "retender":
		n := baseNeed()
		n.ID, n.RetenderOf, n.Status = "n-meals-2", "n-meals", procurement.Published
		n.PublishedAt, n.Deadline, n.QACutoff = at(3, 14, 10), at(3, 24, 18), at(3, 22, 18)
		return ocds.Process{Need: n, Now: at(3, 15, 9), Events: []procurement.Event{
			{ID: "e40", NeedID: n.ID, At: at(3, 14, 10), Action: "publish", From: procurement.Draft, To: procurement.Published}}}
	case "direct":
		_, b, _ := orgs()
		n := baseNeed()
		n.ID, n.Title, n.Category, n.BudgetFen = "n-garden", "龙泽苑口袋花园微更新", "greening", 3_000_000
		n.Procedure, n.InvitedOrgIDs, n.Qualifications = procurement.Direct, []string{b.ID}, nil
		n.Justification = "社区微更新急需在雨季前完工，仅该组织具备园艺改造经验，电话 139 1234 5678"
		n.Status, n.PublishedAt, n.Deadline, n.QACutoff = procurement.Contracted, at(4, 1, 10), at(4, 5, 18), time.Time{}
		n.Proposals = 1
		return ocds.Process{Need: n, Now: at(4, 20, 9), Tenderers: []*registry.Organization{b}, Supplier: b, AwardDurationDays: 60,
			Events: []procurement.Event{
				{ID: "e50", At: at(4, 1, 10), Action: "publish", From: procurement.Submitted, To: procurement.Published},
				{ID: "e51", At: at(4, 7, 10), Action: "award", From: procurement.Evaluating, To: procurement.Awarded},
				{ID: "e52", At: at(4, 15, 10), Action: "contract", From: procurement.Awarded, To: procurement.Contracted},
			},
			Award: &procurement.Award{NeedID: n.ID, ProposalID: "p-neighbors", OrgID: b.ID, OrgName: b.Name, AmountFen: 2_990_000,
				Reason: "小额直接委托，方案可行。", DecidedAt: at(4, 7, 10)},
			Contract: &procurement.Contract{NeedID: n.ID, AmountFen: 2_900_000, Amendment: "经协商减少一处花池，金额相应调减。",
				Start: at(4, 16, 0), End: at(6, 15, 0), SignedAt: at(4, 15, 10), Milestones: []procurement.Milestone{
					{ID: "g1", Position: 1, Title: "花园改造完工", Due: at(6, 10, 18), Status: procurement.MilestonePending}}},
		}
	case "invited":
		a, b, _ := orgs()
		n := baseNeed()
		n.ID, n.Title, n.Category = "n-mediation", "龙泽苑物业纠纷调解服务", "legal"
		n.Procedure, n.InvitedOrgIDs = procurement.Invited, []string{a.ID, b.ID}
		n.Qualifications = []procurement.Qualification{procurement.RegisteredOnly, procurement.LocalOnly}
		n.Status, n.PublishedAt, n.Proposals = procurement.Published, at(3, 3, 10), 2
		return ocds.Process{Need: n, Now: at(3, 11, 9), Tenderers: []*registry.Organization{a, b},
			Events: []procurement.Event{{ID: "e60", At: at(3, 3, 10), Action: "publish", From: procurement.Submitted, To: procurement.Published}}}
	case "imported":
		// A past project imported as closed: tendered elsewhere, so no
		// publication, deadline, objection period or tenderers, and only
		// an "import" line on the timeline — the domain dates stand in.
		a, _, _ := orgs()
		n := baseNeed()
		n.ID, n.Title, n.Status, n.Deadline, n.QACutoff = "n-2025-reading", "2025年社区读书会", procurement.Closed, time.Time{}, time.Time{}
		n.Category, n.ObjectionDays, n.UpdatedAt = "reading", 0, at(1, 20, 10)
		n.AwardedAt, n.AwardedOrgID = at(2, 1, 10).AddDate(-1, 0, 0), a.ID
		return ocds.Process{Need: n, Now: at(2, 1, 9), Supplier: a,
			Events: []procurement.Event{{ID: "e80", At: at(1, 20, 10), Action: "import", To: procurement.Closed, Note: "past-2025-07"}},
			Award:  &procurement.Award{NeedID: n.ID, OrgID: a.ID, OrgName: a.Name, AmountFen: 1_999_999, DecidedAt: at(2, 1, 10).AddDate(-1, 0, 0)},
			Contract: &procurement.Contract{NeedID: n.ID, AmountFen: 1_999_999, Start: at(2, 10, 0).AddDate(-1, 0, 0), End: at(12, 31, 0).AddDate(-1, 0, 0),
				SignedAt: at(2, 5, 10).AddDate(-1, 0, 0), Milestones: []procurement.Milestone{
					{ID: "k1", Position: 1, Title: "全年读书会12场", Due: at(12, 20, 0).AddDate(-1, 0, 0), Status: procurement.MilestoneAccepted}}},
			Acceptance:    &procurement.Acceptance{NeedID: n.ID, Result: "passed", At: at(1, 10, 10)},
			RatingAverage: 4.5, RatingCount: 2, RatedAt: at(1, 15, 10)}
	case "cancelled-draft":
		p := life("submitted")
		p.Events = append(p.Events, ev("e70", at(3, 2, 13), "cancel", procurement.Submitted, procurement.Cancelled))
		p.Need.Status, p.Now = procurement.Cancelled, at(3, 3, 9)
		return p
	}
	panic("no branch " + name)
}

var branches = []string{"cancelled-sealed", "cancelled-after-award", "failed", "retender", "direct", "invited", "imported", "cancelled-draft"}
