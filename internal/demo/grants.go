package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/grants"
	"github.com/huitian/huitian/internal/store"
)

// The community foundation (回天社区公益基金会): three funds with their
// donations (some donors asked not to be named), a district micro-venture
// round carried through to the end (applications, reviews with a declared
// conflict, awards, milestones accepted, tranches paid, expenses with
// receipts approved by two people above the threshold, one rejected, the
// rest of the budget returned), a foundation grant under way, and a
// round of 回龙观街道 open for applications with its communities'
// topics.

type demoDonation struct {
	fund      int
	donor     string
	anonymous bool
	yuan      int64
	channel   string
	restrict  string
	daysAgo   int
}

var demoFunds = []grants.FundRecord{
	{Name: "回天社区治理基金", Kind: grants.General, Description: "非限定基金，支持回天地区基层治理微创投和社区社会组织能力建设。"},
	{Name: "为老服务专项基金", Kind: grants.Restricted, Purpose: "独居老人助餐、探访和适老化小改造",
		Description: "捐赠人限定用于为老服务，按季度公开使用情况。"},
	{Name: "回龙观街道社区营造专项基金", Kind: grants.StreetFund, Description: "回龙观街道辖区企业和居民定向支持本街道社区营造。"},
}

var demoDonations = []demoDonation{
	{0, "北京回天置业有限公司", false, 300000, "bank", "", 200},
	{0, "昌平区某科技有限公司", false, 150000, "bank", "", 190},
	{0, "张建国", true, 2000, "wechat", "", 185},
	{0, "龙泽园商户联合会", false, 30000, "bank", "", 170},
	{0, "李女士", true, 5000, "alipay", "", 120},
	{0, "回龙观社区居民联名", false, 8600, "cash", "", 100},
	{1, "北京某养老服务有限公司", false, 80000, "bank", "独居老人助餐", 160},
	{1, "王秀英", false, 1000, "wechat", "", 150},
	{1, "爱心人士", true, 20000, "bank", "适老化小改造", 60},
	{2, "回龙观商业街商户", false, 60000, "bank", "", 40},
	{2, "刘先生", true, 3000, "wechat", "", 30},
	{2, "龙锦苑业主代表", false, 12000, "cash", "", 20},
}

type demoApplication struct {
	org       int // index into the chosen organizations
	title     string
	problem   string
	plan      string
	team      string
	requested int64 // yuan
	cash      int64
	hours     int64
	hoursYuan int64
	lines     []grants.BudgetLine // amounts in yuan
	scores    []int
	award     int64 // yuan; 0 declines
	reason    string
	spend     []demoExpense // once awarded
}

// demoExpense is a payment an awarded organization submits, with its
// receipt; staff approve it (two of them from ¥2,000) or reject it.
type demoExpense struct {
	daysAgo  int
	category string
	desc     string
	payee    string
	personal bool
	yuan     int64
	rejected bool
}

func (w *world) planGrants(ctx context.Context, made map[string]*accounts.User) error {
	staff := made["13800000008"]
	if staff == nil {
		return fmt.Errorf("demo: no foundation staff login")
	}
	second := w.ppl.coordinator
	hlg := w.streetIDs["回龙观街道"]
	var events []*event
	at := func(daysAgo, minute int, what string, do func() error) {
		t := w.day0.AddDate(0, 0, -daysAgo).Add(time.Duration(minute) * time.Minute)
		if !t.After(w.start.Add(2 * time.Hour)) {
			t = w.start.Add(2*time.Hour + time.Duration(minute)*time.Second)
		}
		events = append(events, &event{at: t, what: "grants: " + what, do: do})
	}
	// Organizations with an administrator: for the district round any, for
	// 回龙观's round those of the street.
	var anyOrgs, streetOrgs []string
	for _, k := range w.orgKeys() {
		if w.ppl.admins[k] == nil {
			continue
		}
		if w.orgs[k].StreetID == hlg {
			streetOrgs = append(streetOrgs, k)
		} else {
			anyOrgs = append(anyOrgs, k)
		}
	}
	if len(anyOrgs) < 3 || len(streetOrgs) < 2 {
		return fmt.Errorf("demo: grants need organizations with administrators")
	}
	funds := make([]*grants.FundRecord, len(demoFunds))
	for i := range demoFunds {
		f := demoFunds[i]
		if f.Kind == grants.StreetFund {
			f.StreetID = hlg
		}
		funds[i] = &f
		at(210, i, "fund "+f.Name, func() error { return w.s.CreateFund(w.as(staff), funds[i]) })
	}
	for i, d := range demoDonations {
		if d.yuan == 0 {
			continue
		}
		at(d.daysAgo, 10*60+i, "donation "+d.donor, func() error {
			don := &grants.Donation{FundID: funds[d.fund].ID, DonorName: d.donor, Anonymous: d.anonymous, Amount: d.yuan * 100,
				Channel: d.channel, Restriction: d.restrict, DonatedOn: w.Now().In(grants.Zone).Format("2006-01-02")}
			return w.s.RecordDonation(w.as(staff), don, fmt.Sprintf("demo-donation-%d", i))
		})
	}

	// The district round, finished, named by the season it opened in.
	spring := &grants.RoundRecord{Name: seasonOf(w.day0.AddDate(0, 0, -165)) + "基层治理微创投", Route: grants.RouteMatch, Budget: 20000000, MatchPct: 70,
		Themes: []string{"property", "participation", "environment"}, Eligibility: grants.AnyOrg,
		Criteria:    []string{"问题真实、与社区需求对口", "方案可行、分工清楚", "预算合理、配套落实", "成果可持续、可复制"},
		Description: "面向回天地区社区社会组织，支持楼门议事、物业治理和垃圾分类等基层治理微项目。轮次资助七成，组织以现金或志愿服务时长配套三成。"}
	date := func(daysAgo int) string {
		return w.day0.AddDate(0, 0, -daysAgo).In(beijing).Format("2006-01-02")
	}
	at(165, 0, "round "+spring.Name, func() error {
		spring.FundID, spring.OpensOn, spring.ClosesOn = funds[0].ID, date(165), date(135)
		return w.s.CreateRound(w.as(staff), spring)
	})
	springApps := []demoApplication{
		{0, "楼门议事会培育计划", "老旧小区楼门内停车、堆物、噪音等小矛盾长期无人牵头协商，常常升级为投诉。",
			"在 6 个楼门组建楼门议事会，培训楼门长，每月开一次楼门会，建立“小事楼门议、大事社区议”的机制。", "项目负责人 1 名、社工 2 名、志愿者 12 名",
			56000, 14000, 300, 10000, []grants.BudgetLine{{Category: "personnel", Item: "社工督导与议事培训", Amount: 42000},
				{Category: "materials", Item: "议事会物料与公示栏", Amount: 18000}, {Category: "publicity", Item: "楼门公约印制", Amount: 10000},
				{Category: "other", Item: "志愿服务折算", Amount: 10000}}, []int{88, 91}, 50000, "评分第一；方案扎实，楼门长培养有延续性。物料预算按市场价压缩。",
			[]demoExpense{{110, "personnel", "首期培训讲师劳务", "陈老师", true, 3000, false},
				{105, "materials", "首批物料采购", "昌平区某文具店", false, 1800, false},
				{104, "publicity", "宣传展板制作", "某广告公司", false, 900, true},
				{45, "personnel", "后期督导劳务", "刘督导", true, 4500, false},
				{44, "publicity", "公约与海报印制", "昌平区某印刷厂", false, 1200, false}}},
		{1, "垃圾分类桶前值守与厨余堆肥", "部分小区厨余垃圾混投严重，桶站周边环境差，居民意见大。",
			"招募居民志愿者桶前值守三个月，配合建设一处社区堆肥角，堆肥用于小区绿化。", "负责人 1 名、志愿者 20 名",
			42000, 8000, 400, 10000, []grants.BudgetLine{{Category: "materials", Item: "堆肥箱与工具", Amount: 26000},
				{Category: "personnel", Item: "值守志愿者培训与保险", Amount: 16000}, {Category: "publicity", Item: "宣传海报", Amount: 8000},
				{Category: "other", Item: "志愿服务折算", Amount: 10000}}, []int{82, 79}, 40000, "评分第二；与社区需求对口，配套落实。",
			// As much spent as the first project (¥10,500), on other things.
			[]demoExpense{{111, "materials", "堆肥箱与发酵菌剂", "北京某环保设备有限公司", false, 3600, false},
				{108, "personnel", "值守志愿者意外险", "某保险公司昌平支公司", false, 960, false},
				{106, "publicity", "桶站分类指引海报", "昌平区某印刷厂", false, 780, false},
				{103, "materials", "分拣手套与长柄夹", "回龙观某超市", false, 650, true},
				{42, "personnel", "值守志愿者培训讲师劳务", "赵老师", true, 1500, false},
				{40, "materials", "堆肥角围挡与园艺工具", "昌平区某五金店", false, 2400, false},
				{38, "publicity", "堆肥成果展示折页", "某广告公司", false, 1260, false}}},
		{2, "社区文艺汇演", "小区居民之间缺少交流，文化活动较少。", "组织一场社区文艺汇演，邀请各楼门居民报名参与表演。", "负责人 1 名",
			21000, 9000, 0, 0, []grants.BudgetLine{{Category: "venue", Item: "舞台与音响租赁", Amount: 20000},
				{Category: "other", Item: "服装道具", Amount: 10000}}, []int{61}, 0, "与本轮基层治理主题关联较弱，建议申报文体类活动资助。", nil},
	}
	type appState struct {
		app *grants.Application
		agr *grants.Agreement
	}
	states := make([]*appState, len(springApps))
	for i, sa := range springApps {
		st := &appState{}
		states[i] = st
		key := anyOrgs[sa.org]
		at(150-i*2, 9*60+i, "application "+sa.title, func() error {
			a := &grants.Application{RoundID: spring.ID, OrgID: w.orgs[key].ID, Title: sa.title, Problem: sa.problem, Plan: sa.plan,
				Team: sa.team, Request: sa.requested * 100, MatchCash: sa.cash * 100, MatchHours: sa.hours, MatchHoursValue: sa.hoursYuan * 100,
				Milestones: []grants.Milestone{{Title: "启动与组建", Due: date(120), Pct: 40}, {Title: "运行与结项", Due: date(45), Pct: 60}}}
			for _, l := range sa.lines {
				l.Amount *= 100
				a.Lines = append(a.Lines, l)
			}
			st.app = a
			return w.s.CreateApplication(w.as(w.ppl.admins[key]), a)
		})
	}
	at(134, 9*60, "close "+spring.Name, func() error {
		_, err := w.s.CloseRound(w.as(staff), spring.ID)
		return err
	})
	for i, sa := range springApps {
		st := states[i]
		at(133, 9*60+i, "review "+sa.title, func() error {
			_, err := w.s.StepApplication(w.as(staff), st.app.ID, grants.ActReview, "")
			return err
		})
		for j, score := range sa.scores {
			rv := w.ppl.reviewers[j%len(w.ppl.reviewers)]
			at(130, 10*60+i*10+j, "score "+sa.title, func() error {
				return w.s.ReviewApplication(w.as(rv), &grants.Review{ApplicationID: st.app.ID, Score: score, Comment: "按评审标准逐项打分。"})
			})
		}
		if i == 0 { // a reviewer who once advised the organization stands aside
			rv := w.ppl.reviewers[2]
			at(130, 11*60, "conflict "+sa.title, func() error {
				return w.s.ReviewApplication(w.as(rv), &grants.Review{ApplicationID: st.app.ID, Conflict: true,
					ConflictNote: "曾担任该组织的项目顾问，申请回避。"})
			})
		}
		at(125, 15*60+i, "decide "+sa.title, func() error {
			if sa.award == 0 {
				_, err := w.s.StepApplication(w.as(staff), st.app.ID, grants.ActDecline, sa.reason)
				return err
			}
			agr, err := w.s.AwardApplication(w.as(staff), st.app.ID, grants.Decision{Amount: sa.award * 100, Reason: sa.reason})
			st.agr = agr
			return err
		})
	}
	// Milestones, tranches, expenses of the two awarded projects.
	for i := range springApps[:2] {
		st, key := states[i], anyOrgs[springApps[i].org]
		admin := w.ppl.admins[key]
		tranche := func(n, daysAgo int, report string) {
			at(daysAgo, 9*60+i, "report milestone", func() error {
				_, err := w.s.StepTranche(w.as(admin), st.agr.Tranches[n].ID, grants.ActReport, report)
				return err
			})
			at(daysAgo-2, 10*60+i, "accept milestone", func() error {
				_, err := w.s.StepTranche(w.as(staff), st.agr.Tranches[n].ID, grants.ActAccept, "材料齐全，现场核实。")
				return err
			})
			at(daysAgo-3, 10*60+i, "pay tranche", func() error {
				_, err := w.s.PayTranche(w.as(staff), st.agr.Tranches[n].ID, fmt.Sprintf("demo-pay-%d-%d", i, n))
				return err
			})
		}
		expense := func(daysAgo int, category, desc, payee string, personal bool, yuan int64, decide func(e *grants.Expense) error) {
			at(daysAgo, 14*60+i, "expense "+desc, func() error {
				line := st.agr.Lines[0].ID
				for _, l := range st.agr.Lines {
					if l.Category == category {
						line = l.ID
						break
					}
				}
				e := &grants.Expense{AgreementID: st.agr.ID, LineID: line, Description: desc, Payee: payee,
					PayeePersonal: personal, Amount: yuan * 100, SpentOn: w.Now().In(grants.Zone).Format("2006-01-02")}
				if err := w.s.CreateExpense(w.as(admin), e, []store.Upload{{Name: "票据-" + desc + ".pdf", Content: demoPDF(desc, yuan)}}, personal); err != nil {
					return err
				}
				return decide(e)
			})
		}
		approve := func(e *grants.Expense) error {
			if _, err := w.s.DecideExpense(w.as(staff), e.ID, true, "票据齐全"); err != nil {
				return err
			}
			if e.ApprovalsNeeded == 2 {
				_, err := w.s.DecideExpense(w.as(second), e.ID, true, "复核通过")
				return err
			}
			return nil
		}
		reject := func(e *grants.Expense) error {
			_, err := w.s.DecideExpense(w.as(staff), e.ID, false, "票据抬头与组织名称不符，请重新开具。")
			return err
		}
		tranche(0, 115, "已完成组建和首次培训，附签到表和照片。")
		tranche(1, 50, "三个月运行完成，附会议纪要、居民满意度调查和结项报告。")
		for _, x := range springApps[i].spend {
			decide := approve
			if x.rejected {
				decide = reject
			}
			expense(x.daysAgo, x.category, x.desc, x.payee, x.personal, x.yuan, decide)
		}
	}
	at(35, 9*60, "finish "+spring.Name, func() error {
		_, err := w.s.CloseRound(w.as(staff), spring.ID)
		return err
	})

	// A foundation grant for elders, under way: one tranche paid.
	elders := &grants.RoundRecord{Name: fmt.Sprintf("%d 年为老服务专项资助", w.day0.AddDate(0, 0, -58).In(beijing).Year()), Route: grants.RouteGrant, Budget: 6000000, MatchPct: 100,
		Themes: []string{"elderly"}, Eligibility: grants.RegisteredO, Criteria: []string{"服务对象明确", "服务可持续"},
		Description: "为老服务专项基金定向资助独居老人助餐与探访。"}
	var elderApp *grants.Application
	var elderAgr *grants.Agreement
	elderOrg := ""
	for _, k := range anyOrgs {
		if w.orgs[k].Registration == "registered" {
			elderOrg = k
			break
		}
	}
	if elderOrg == "" {
		return fmt.Errorf("demo: no registered organization for the elders' grant")
	}
	at(58, 9*60, "round "+elders.Name, func() error {
		elders.FundID, elders.OpensOn, elders.ClosesOn = funds[1].ID, date(58), date(44)
		return w.s.CreateRound(w.as(staff), elders)
	})
	at(52, 9*60, "application for elders", func() error {
		elderApp = &grants.Application{RoundID: elders.ID, OrgID: w.orgs[elderOrg].ID, Title: "独居老人助餐与每周探访",
			Problem: "辖区独居高龄老人做饭难、无人探访，突发情况发现不及时。", Plan: "为 30 位独居老人每日配送午餐，志愿者每周上门探访一次并记录健康状况。",
			Team: "项目主管 1 名、社工 2 名、探访志愿者 15 名", Request: 5000000,
			Lines:      []grants.BudgetLine{{Category: "materials", Item: "助餐补贴", Amount: 3600000}, {Category: "personnel", Item: "社工与探访补贴", Amount: 1400000}},
			Milestones: []grants.Milestone{{Title: "助餐启动", Due: date(30), Pct: 50}, {Title: "半年运行与评估", Due: date(-150), Pct: 50}}}
		return w.s.CreateApplication(w.as(w.ppl.admins[elderOrg]), elderApp)
	})
	at(43, 9*60, "close "+elders.Name, func() error {
		_, err := w.s.CloseRound(w.as(staff), elders.ID)
		return err
	})
	at(42, 9*60, "award elders", func() error {
		if _, err := w.s.StepApplication(w.as(staff), elderApp.ID, grants.ActReview, ""); err != nil {
			return err
		}
		if err := w.s.ReviewApplication(w.as(w.ppl.reviewers[0]), &grants.Review{ApplicationID: elderApp.ID, Score: 90, Comment: "服务对象明确，成本合理。"}); err != nil {
			return err
		}
		var err error
		elderAgr, err = w.s.AwardApplication(w.as(staff), elderApp.ID, grants.Decision{Amount: 4800000, Reason: "符合专项基金限定用途；助餐补贴按实际人数核减。"})
		return err
	})
	at(28, 10*60, "elders milestone", func() error {
		if _, err := w.s.StepTranche(w.as(w.ppl.admins[elderOrg]), elderAgr.Tranches[0].ID, grants.ActReport, "助餐已启动，30 位老人名单与配送记录已上传。"); err != nil {
			return err
		}
		if _, err := w.s.StepTranche(w.as(staff), elderAgr.Tranches[0].ID, grants.ActAccept, "抽查 5 户，属实。"); err != nil {
			return err
		}
		_, err := w.s.PayTranche(w.as(staff), elderAgr.Tranches[0].ID, "demo-pay-elders-0")
		return err
	})

	// The round of 回龙观街道, open, named by the season it opened in.
	autumn := &grants.RoundRecord{Name: seasonOf(w.day0.AddDate(0, 0, -12)) + "回龙观街道社区营造微创投", Route: grants.RouteMatch, StreetID: hlg, Budget: 6000000,
		MatchPct: 70, Themes: []string{"participation", "greening", "pets"}, Eligibility: grants.StreetOrgs,
		Criteria:    []string{"回应社区选题", "居民参与度", "预算合理、配套落实"},
		Description: "由回龙观街道社区营造专项基金出资，优先支持回应社区选题的微项目。"}
	hstaff := w.ppl.street[hlg]
	at(12, 9*60, "round "+autumn.Name, func() error {
		autumn.FundID, autumn.OpensOn, autumn.ClosesOn = funds[2].ID, date(12), date(-20)
		return w.s.CreateRound(w.as(hstaff), autumn)
	})
	cm := w.communityIDs["龙锦苑二区社区"]
	topics := []struct{ title, desc string }{
		{"楼下口袋花园认养", "小区 3 号楼前闲置绿地杂草丛生，希望社会组织带领居民认养改造成口袋花园。"},
		{"文明养宠公约", "遛狗不牵绳、不清理粪便引发邻里矛盾，希望共同制定并推行文明养宠公约。"},
	}
	var topicIDs []string
	for i, tp := range topics {
		at(11, 10*60+i, "topic "+tp.title, func() error {
			t := &grants.Topic{RoundID: autumn.ID, CommunityID: cm, Title: tp.title, Description: tp.desc}
			if err := w.s.CreateTopic(w.as(w.ppl.community[cm]), t); err != nil {
				return err
			}
			topicIDs = append(topicIDs, t.ID)
			return nil
		})
	}
	sk := streetOrgs[0]
	at(5, 15*60, "autumn application", func() error {
		a := &grants.Application{RoundID: autumn.ID, OrgID: w.orgs[sk].ID, TopicID: topicIDs[0], Title: "3 号楼口袋花园认养",
			Problem: "3 号楼前闲置绿地杂草丛生、蚊虫多，居民意见大。", Plan: "组织 20 户居民认养，分三期完成清理、种植和日常养护，建立认养公约。",
			Team: "负责人 1 名、园艺志愿者 8 名", Request: 1400000, MatchCash: 300000, MatchHours: 120, MatchHoursValue: 300000,
			Lines:      []grants.BudgetLine{{Category: "materials", Item: "苗木、土壤与工具", Amount: 1500000}, {Category: "personnel", Item: "园艺指导", Amount: 500000}},
			Milestones: []grants.Milestone{{Title: "清理与种植", Due: date(-40), Pct: 60}, {Title: "养护三个月", Due: date(-130), Pct: 40}}}
		return w.s.CreateApplication(w.as(w.ppl.admins[sk]), a)
	})
	w.events = append(w.events, events...)
	slices.SortStableFunc(w.events, func(a, b *event) int { return a.at.Compare(b.at) })
	return nil
}

// demoPDF is a one-page receipt stand-in: a minimal PDF the upload rules
// accept (decided from its bytes).
func demoPDF(what string, yuan int64) []byte {
	return []byte(fmt.Sprintf("%%PDF-1.4\n%% 回天演示票据：%s ¥%d\n%%%%EOF\n", what, yuan))
}

// seasonOf names the season of day t as a round's name starts: "2026 年春季"
// (March to May, summer June to August, autumn September to November); a
// winter is named by the year it begins in, so January 2027 is in
// "2026 年冬季".
func seasonOf(t time.Time) string {
	y, m, _ := t.In(beijing).Date()
	if m <= time.February {
		y--
	}
	return fmt.Sprintf("%d 年%s", y, []string{"冬季", "春季", "夏季", "秋季"}[int(m)%12/3])
}
