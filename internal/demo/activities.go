package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

// activitySpec is one demo volunteer activity and what happened to it.
type activitySpec struct {
	Title, Type, Street, Community, Address, Team, Description string
	// Day is the start's day relative to today (negative: the past), at
	// Hour:Minute Beijing time; Now starts it half an hour before the demo's
	// now instead (the one running as the demo opens).
	Day, Hour, Minute int
	Now               bool
	Hours             float64 // duration
	Capacity          int
	Eligibility       activities.Eligibility
	Org               string // organization key; "" picks one in the street
	// TeamOrg names a volunteer team of the registry (an organization of
	// kind team) that organizes it; TeamLead (TeamPhone) gets its login.
	TeamOrg, TeamLead, TeamPhone string
	// Residents are indexes into the demo residents who sign up, in order
	// (0 is 张桂兰); past the capacity they wait.
	Residents []int
	// What happened: "draft", "cancelled", "upcoming", "running", "pending"
	// (over, hours not yet confirmed), "finished" (confirmed).
	State string
	// ByList are residents the organizer checked in and out from the list
	// (elders without a phone); Absent signed up but did not come.
	ByList, Absent []int
	// Late is minutes after the start that the code check-ins spread over.
	Late int
}

// demoActivities are a dozen activities across Huitian's streets, in every
// state: a running one (the browser test and the guide use it), upcoming
// ones with a waiting list, finished ones with confirmed hours, one waiting
// for confirmation, a draft and a cancelled one. 张桂兰 (resident 0) has a
// history.
var demoActivities = []activitySpec{
	{Title: "龙锦苑中心花园绿植认养", Type: "greening", Street: "回龙观街道", Community: "龙锦苑二区社区",
		Address: "龙锦苑二区中心花园（南门进）", Team: "绿植认养队", Org: orgAdminKey, Now: true, Hours: 3, Capacity: 20,
		Eligibility: activities.OpenToAnyone, Residents: []int{3, 4, 5, 6}, State: "running", Late: 20,
		Description: "给认养的月季和金叶女贞松土、浇水、修剪，清理花园里的杂物。工具由服务队准备，请穿方便干活的衣服。"},
	{Title: "智能手机课堂：教老人线上挂号和用医保电子凭证", Type: "elder_digital", Street: "天通苑北街道", Community: "天通北苑第一社区",
		Address: "天通北苑第一社区党群服务中心二楼", Team: "助老数字服务队", Day: 3, Hour: 9, Minute: 30, Hours: 2, Capacity: 6,
		Eligibility: activities.OpenToCommunity, Residents: []int{1, 0, 9, 10, 11, 4, 2, 3}, State: "upcoming",
		Description: "一对一教社区老人用手机预约挂号、看病买药时出示医保电子凭证、和子女视频通话。志愿者需自带手机，会用微信、北京114预约挂号平台和国家医保服务平台App。"},
	{Title: "少儿科普：认识身边的昆虫", Type: "kids_science", Street: "霍营街道", Community: "华龙苑社区",
		Address: "华龙苑社区活动室", Day: 5, Hour: 14, Hours: 2, Capacity: 4, Eligibility: activities.OpenToAnyone,
		Residents: []int{2, 13, 14, 1, 0}, State: "upcoming",
		Description: "带小学生在小区绿地里观察昆虫、做标本卡片。志愿者负责看护孩子和分组带队。"},
	{Title: "社区读书会：《平凡的世界》分享", Type: "reading", Street: "龙泽园街道", Community: "龙腾苑社区",
		Address: "龙腾苑社区书屋", Day: 7, Hour: 19, Hours: 1.5, Capacity: 25, Eligibility: activities.OpenToStreet,
		Residents: []int{12, 13}, State: "upcoming",
		Description: "志愿者协助布置场地、签到和茶水，分享会后整理图书。"},
	{Title: "垃圾分类桶前值守", Type: "environment", Street: "史各庄街道", Community: "领秀慧谷社区",
		Address: "领秀慧谷C区垃圾分类驿站", Day: 2, Hour: 7, Hours: 2, Capacity: 10, Eligibility: activities.OpenToStreet,
		Residents: []int{14}, State: "upcoming",
		Description: "早高峰在分类桶前引导居民正确投放，记录投放情况。"},
	{Title: "消防安全进社区宣传", Type: "safety", Street: "东小口镇", Community: "森林大第社区",
		Address: "森林大第社区南广场", Day: 10, Hour: 9, Hours: 3, Capacity: 12, Eligibility: activities.OpenToAnyone,
		State: "draft", Description: "发放消防宣传材料，协助消防员演示灭火器使用。"},
	{Title: "包饺子敬老活动", Type: "culture", Street: "北七家镇", Community: "",
		Address: "北七家镇文化活动中心", Day: 4, Hour: 9, Hours: 3, Capacity: 15, Eligibility: activities.OpenToAnyone,
		Residents: []int{6, 13}, State: "cancelled", Description: "和老人一起包饺子，给独居老人送上门。"},
	{Title: "天通北苑一区绿地认养", Type: "greening", Street: "天通苑北街道", Community: "天通北苑第一社区",
		Address: "天通北苑一区东院绿地", Team: "绿地认养志愿队", Day: -20, Hour: 9, Hours: 3, Capacity: 12,
		Eligibility: activities.OpenToStreet, Residents: []int{0, 1, 2, 3, 4, 9, 10, 11}, ByList: []int{2}, Absent: []int{11},
		State: "finished", Late: 20, Description: "认养绿地的补种、浇水和除草。"},
	{Title: "助老数字课堂（第一期）", Type: "elder_digital", Street: "天通苑北街道", Community: "天通北苑第一社区",
		Address: "天通北苑第一社区党群服务中心二楼", Team: "助老数字服务队", Day: -35, Hour: 14, Hours: 2, Capacity: 8,
		Eligibility: activities.OpenToCommunity, Residents: []int{0, 1, 10}, State: "finished", Late: 10,
		Description: "教老人用手机买菜、缴费和防范电信诈骗。"},
	{Title: "回龙观敬老院陪伴", Type: "elderly_care", Street: "回龙观街道", Community: "",
		Address: "回龙观镇敬老院", Day: -8, Hour: 14, Hours: 3, Capacity: 8, Eligibility: activities.OpenToAnyone,
		Residents: []int{2, 3, 4, 5, 6, 9}, State: "finished", Late: 15,
		Description: "陪老人聊天、读报、下棋，协助护理员送餐。"},
	{Title: "社区图书角整理", Type: "reading", Street: "天通苑南街道", Community: "天通中苑第二社区",
		Address: "天通中苑二区8号楼图书角", Day: -8, Hour: 15, Hours: 2.5, Capacity: 6, Eligibility: activities.OpenToAnyone,
		Residents: []int{0, 2, 14}, State: "finished", Late: 10,
		Description: "给捐赠的图书分类、登记、上架。"},
	{Title: "龙锦苑二区东院月季园养护", Type: "greening", Street: "回龙观街道", Community: "龙锦苑二区社区",
		Address: "龙锦苑二区东院月季园", TeamOrg: "龙锦苑二区社区绿地认养队", TeamLead: "马玉珍", TeamPhone: "13700004001",
		Day: -15, Hour: 8, Minute: 30, Hours: 2.5, Capacity: 10, Eligibility: activities.OpenToCommunity,
		Residents: []int{5, 6, 7, 8}, State: "finished", Late: 10,
		Description: "给认养的月季园除草、修剪残花、施肥，清理绿地边的垃圾。"},
	{Title: "文化广场合唱排练志愿服务", Type: "culture", Street: "霍营街道", Community: "华龙苑社区",
		Address: "华龙苑文化广场", Day: -3, Hour: 18, Minute: 30, Hours: 2, Capacity: 10, Eligibility: activities.OpenToAnyone,
		Residents: []int{0, 8, 13}, State: "pending", Late: 10,
		Description: "排练时搬运音响、维持秩序，结束后收拾场地。"},
}

// planActivities adds the activities' stories to the demo's timeline:
// published days before, signups, check-ins and check-outs on the day,
// confirmation an hour after the end. Resident 2 checks in at the home for
// the elderly and at the library at overlapping times: a flag for staff.
func (w *world) planActivities(now time.Time, hash string) error {
	for i := range demoActivities {
		sp := demoActivities[i]
		start := w.day0.Add(time.Duration(sp.Day)*24*time.Hour + time.Duration(sp.Hour)*time.Hour + time.Duration(sp.Minute)*time.Minute)
		if sp.Now {
			start = now.Add(-30 * time.Minute).Truncate(5 * time.Minute)
		}
		end := start.Add(time.Duration(sp.Hours * float64(time.Hour)))
		st := &activityStory{w: w, sp: sp, start: start, end: end, hash: hash}
		base := start
		if w.day0.Before(base) {
			base = w.day0
		}
		created := midnight(base).Add(-time.Duration(10+i%4) * 24 * time.Hour).Add(time.Duration(10*60+i*7) * time.Minute)
		st.at(created, "create", st.create)
		switch sp.State {
		case "draft":
			continue
		case "cancelled":
			st.signups(created)
			st.at(created.Add(5*24*time.Hour), "cancel", func() error {
				_, err := w.s.StepActivity(w.as(st.organizer), st.a.ID, activities.ActCancel)
				return err
			})
			continue
		}
		st.signups(created)
		if sp.State == "upcoming" {
			continue
		}
		came := []int{}
		for _, r := range sp.Residents {
			if !slices.Contains(sp.Absent, r) && len(came) < sp.Capacity {
				came = append(came, r)
			}
		}
		for j, r := range came {
			in := start.Add(time.Duration(2+j*sp.Late/max(1, len(came))) * time.Minute)
			if slices.Contains(sp.ByList, r) {
				st.at(in, "list check-in", st.byList(r, store.StepCheckin))
			} else {
				st.at(in, "check-in", st.code(r))
			}
		}
		if sp.State == "running" {
			continue
		}
		for j, r := range came {
			out := end.Add(time.Duration(j*3) * time.Minute)
			if slices.Contains(sp.ByList, r) {
				st.at(out, "list check-out", st.byList(r, store.StepCheckout))
			} else {
				st.at(out, "check-out", st.code(r))
			}
		}
		if sp.State == "pending" {
			continue
		}
		st.at(end.Add(time.Hour), "confirm", st.confirm)
		st.at(end.Add(time.Hour+time.Minute), "finish", func() error {
			_, err := w.s.StepActivity(w.as(st.organizer), st.a.ID, activities.ActFinish)
			return err
		})
	}
	slices.SortStableFunc(w.events, func(a, b *event) int { return a.at.Compare(b.at) })
	return nil
}

// activityStory is one demo activity being played out.
type activityStory struct {
	w          *world
	sp         activitySpec
	start, end time.Time
	a          *activities.Activity
	organizer  *accounts.User
	hash       string // the demo staff password's hash, for a team's lead
}

func (st *activityStory) at(t time.Time, what string, do func() error) {
	st.w.events = append(st.w.events, &event{at: t, what: "activity " + st.sp.Title + ": " + what, do: do})
}

func (st *activityStory) create() error {
	w, sp := st.w, st.sp
	streetID := w.streetIDs[sp.Street]
	key := sp.Org
	if key == "" {
		for _, k := range w.orgKeys() {
			if w.orgs[k].StreetID == streetID && w.ppl.admins[k] != nil {
				key = k
				break
			}
		}
	}
	if key == "" {
		key = orgAdminKey
	}
	st.organizer = w.ppl.admins[key]
	orgID := w.orgs[key].ID
	if sp.TeamOrg != "" {
		team, lead, err := st.teamLead()
		if err != nil {
			return err
		}
		orgID, st.organizer = team, lead
	}
	st.a = &activities.Activity{Title: sp.Title, Type: activities.Type(sp.Type), Description: sp.Description,
		OrgID: orgID, Team: sp.Team, StreetID: streetID, CommunityID: w.communityIDs[sp.Community],
		Address: sp.Address, StartsAt: st.start, EndsAt: st.end, Capacity: sp.Capacity, Eligibility: sp.Eligibility,
		PointsRule: "volunteer_hour", Status: activities.Published}
	if sp.State == "draft" {
		st.a.Status = activities.Draft
	}
	return w.s.CreateActivity(w.as(st.organizer), st.a)
}

// teamLead finds the volunteer team of the registry that organizes the
// activity and makes its contact person the team's administrator.
func (st *activityStory) teamLead() (string, *accounts.User, error) {
	ctx := accounts.WithActor(st.w.base, accounts.System())
	orgs, _, err := st.w.s.FindOrganizations(ctx, registry.Filter{Query: st.sp.TeamOrg, PerPage: 10})
	if err != nil {
		return "", nil, err
	}
	for _, o := range orgs {
		if o.Name != st.sp.TeamOrg || o.Kind != registry.KindTeam {
			continue
		}
		u := &accounts.User{Phone: st.sp.TeamPhone, Name: st.sp.TeamLead, PasswordHash: st.hash,
			Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: o.ID}}}
		if err := st.w.s.CreateUser(ctx, u); err != nil {
			return "", nil, err
		}
		return o.ID, u, nil
	}
	return "", nil, fmt.Errorf("no volunteer team %s in the registry", st.sp.TeamOrg)
}

// home is where a demo resident lives (residentHomes): told at their
// first sign-up, kept after.
func (st *activityStory) home(r int) string { return st.w.communityIDs[residentHomes[r]] }

func (st *activityStory) signups(created time.Time) {
	for j, r := range st.sp.Residents {
		t := created.Add(time.Duration(1+j/3)*24*time.Hour + time.Duration(8*60+j*17)*time.Minute)
		st.at(t, "signup", func() error {
			_, err := st.w.s.Signup(st.w.as(st.w.ppl.residents[r]), st.a.ID, st.home(r))
			return err
		})
	}
}

// code checks resident r in (or out) with the code the organizer shows.
func (st *activityStory) code(r int) func() error {
	return func() error {
		c, _, err := st.w.s.ActivitySecretCode(st.w.as(st.organizer), st.a.ID)
		if err != nil {
			return err
		}
		_, _, err = st.w.s.CheckinByCode(st.w.as(st.w.ppl.residents[r]), st.a.ID, c, "")
		return err
	}
}

func (st *activityStory) byList(r int, step store.Step) func() error {
	return func() error {
		g, err := st.w.s.FindMySignup(st.w.as(st.w.ppl.residents[r]), st.a.ID)
		if err != nil {
			return err
		}
		return st.w.s.MarkByList(st.w.as(st.organizer), st.a.ID, g.ID, step)
	}
}

// confirm confirms every checked-out attendance as recorded.
func (st *activityStory) confirm() error {
	list, err := st.w.s.FindSignups(st.w.as(st.organizer), st.a.ID)
	if err != nil {
		return err
	}
	mins := map[string]int{}
	for _, g := range list {
		if g.CheckedOut() {
			mins[g.ID] = g.Minutes
		}
	}
	if len(mins) == 0 {
		return fmt.Errorf("nobody to confirm")
	}
	_, err = st.w.s.ConfirmHours(st.w.as(st.organizer), st.a.ID, mins)
	return err
}
