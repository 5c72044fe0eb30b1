package demo

import (
	"fmt"
	"slices"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/portal"
	"github.com/huitian/huitian/internal/store"
)

// The resident portal's content (issue #10): community notices, needs the
// residents raised with "我也遇到", the community's answers, one need
// turned into a draft governance need, one merged, and visit counts.

type demoNotice struct{ Title, Body string }

var portalNotices = map[string][]demoNotice{
	"天通北苑第一社区": {
		{"本周六上午免费量血压、测血糖", "社区卫生服务站医生周六 9:00–11:30 在社区活动室为 60 岁以上居民免费量血压、测血糖，请带医保卡。"},
		{"燃气安全入户检查通知", "物业和燃气公司将于本周三、周四入户检查燃气管道和报警器，请家中留人；不方便的居民可打电话另约时间。"},
		{"防范电信诈骗提醒", "近期有冒充“医保中心”打电话要求转账的诈骗，社区提醒：医保中心不会让您转账，接到此类电话请直接挂断并告诉家人。"},
		{"垃圾分类桶站调整", "一区东院 8 号楼北侧桶站下周一起移到 9 号楼西侧，开放时间不变（早 7–9 点、晚 6–8 点）。"},
	},
	"龙锦苑二区社区": {
		{"社区议事会征集议题", "下月社区议事会将讨论小区停车和楼道堆物问题，欢迎居民在“我有个建议”里留言。"},
		{"老年助餐点本月菜单已更新", "助餐点周一至周五中午供餐，70 岁以上老人凭卡享受优惠。"},
	},
}

type demoSuggestion struct {
	Community  string
	Author     int // index into residentNames
	Body       string
	Place      string
	Supporters []int
	Step       string // "", "reply", "convert", "merge"
	Note       string
	NeedTitle  string
	BudgetFen  int64
	Into       int // merge: index of the suggestion in portalSuggestions
}

var portalSuggestions = []demoSuggestion{
	{Community: "天通北苑第一社区", Author: 1, Body: "3号楼和5号楼之间的两盏路灯坏了两个多月，晚上出门倒垃圾看不清台阶，老人容易摔倒。",
		Place: "3号楼与5号楼之间小路", Supporters: []int{2, 3, 4, 9}, Step: "reply", Note: "已报物业维修，物业答复本周五前修好，修好后请您帮忙看一下。"},
	{Community: "天通北苑第一社区", Author: 2, Body: "希望社区办一个智能手机培训班，教老人用手机挂号、交电话费、和孩子视频。",
		Supporters: []int{1, 3, 4, 9, 10, 11}, Step: "convert", Note: "很多居民有同样需求，社区将请社会组织来开班。",
		NeedTitle: "天通北苑第一社区老年人智能手机培训", BudgetFen: 1_200_000},
	{Community: "天通北苑第一社区", Author: 3, Body: "12号楼快递柜旁边电动车乱停，推轮椅和婴儿车都过不去。",
		Place: "12号楼快递柜", Supporters: []int{4, 11}},
	{Community: "天通北苑第一社区", Author: 0, Body: "社区活动室的椅子太矮，老年人起身困难，能不能换几把带扶手的椅子？",
		Place: "社区活动室", Supporters: []int{1, 2}},
	{Community: "天通北苑第一社区", Author: 4, Body: "11号楼北边路灯也不亮了，和3号楼那边是不是同一条线路？",
		Place: "11号楼北侧", Step: "merge", Into: 0, Note: "与3号楼路灯问题一起报修。"},
	{Community: "龙锦苑二区社区", Author: 5, Body: "楼道里堆了很多纸箱和旧家具，消防通道不通，存在安全隐患。",
		Place: "6号楼2单元", Supporters: []int{6, 7, 8}},
	{Community: "龙锦苑二区社区", Author: 6, Body: "小区南门晚上车太多，能不能规划一下停车位？",
		Place: "南门", Supporters: []int{5, 8}},
	{Community: "龙锦苑二区社区", Author: 7, Body: "建议在小区花园加几把长椅，老人遛弯走累了没地方坐。", Place: "中心花园", Supporters: []int{5}},
}

// planPortal adds the portal's stories of the last ten days to the
// demo's timeline: each resident confirms their community as they first
// raise something or say "我也遇到".
func (w *world) planPortal() {
	day := func(daysAgo, minute int) time.Time {
		return w.day0.AddDate(0, 0, -daysAgo).Add(time.Duration(minute) * time.Minute)
	}
	step := func(at time.Time, what string, do func() error) {
		w.events = append(w.events, &event{at: at, what: "portal: " + what, do: do})
	}
	home := func(r int, community string) error {
		if residentHomes[r] != community {
			return fmt.Errorf("demo resident %s lives in %s, not %s", residentNames[r], residentHomes[r], community)
		}
		return w.s.SetHome(w.as(w.ppl.residents[r]), w.communityIDs[community])
	}
	n := 0
	for _, c := range []string{"天通北苑第一社区", "龙锦苑二区社区"} {
		for _, nt := range portalNotices[c] {
			c, nt := c, nt
			step(day(9-n*2, 9*60+n*7), "notice "+nt.Title, func() error {
				staff := w.as(w.ppl.community[w.communityIDs[c]])
				return w.s.CreateNotice(staff, &portal.Notice{CommunityID: w.communityIDs[c], Title: nt.Title, Body: nt.Body})
			})
			n = (n + 1) % 5
		}
	}
	made := make([]*portal.Suggestion, len(portalSuggestions))
	for i, sg := range portalSuggestions {
		i, sg := i, sg
		at := day(8-i, 10*60+i*13)
		step(at, fmt.Sprintf("suggestion %d", i), func() error {
			if err := home(sg.Author, sg.Community); err != nil {
				return err
			}
			made[i] = &portal.Suggestion{Body: sg.Body, Place: sg.Place}
			return w.s.CreateSuggestion(w.as(w.ppl.residents[sg.Author]), made[i], nil, "")
		})
		for j, r := range sg.Supporters {
			r := r
			step(at.Add(time.Duration(2+j*3)*time.Hour), fmt.Sprintf("我也遇到 %d", i), func() error {
				if err := home(r, sg.Community); err != nil {
					return err
				}
				return w.s.SupportSuggestion(w.as(w.ppl.residents[r]), made[i].ID)
			})
		}
	}
	for i, sg := range portalSuggestions {
		if sg.Step == "" {
			continue
		}
		i, sg := i, sg
		step(day(0, -7*60+i*11), fmt.Sprintf("%s suggestion %d", sg.Step, i), func() error {
			staff := w.as(w.ppl.community[w.communityIDs[sg.Community]])
			st := store.SuggestionStep{Action: portal.Action(sg.Step), Note: sg.Note, Title: sg.NeedTitle, BudgetFen: sg.BudgetFen}
			if sg.Step == "merge" {
				st.Into = made[sg.Into].ID
			}
			_, err := w.s.StepSuggestion(staff, made[i].ID, st, w.rules)
			return err
		})
	}
	slices.SortStableFunc(w.events, func(a, b *event) int { return a.at.Compare(b.at) })
}

// seedVisits writes a month of portal visit counts, as the server's
// counter would have (no addresses: made-up visitor hashes).
func (w *world) seedVisits() error {
	sys := w.as(accounts.System())
	start := w.day0.AddDate(0, 0, -30)
	for d := range 30 {
		views := int64(900 + (d*137)%400)
		visitors := make([]string, 0, 400)
		for v := range 250 + (d*53)%120 {
			visitors = append(visitors, fmt.Sprintf("demo-%02d-%03d", d, v))
		}
		if err := w.s.RecordVisits(sys, start.AddDate(0, 0, d).In(w.day0.Location()).Format("2006-01-02"),
			map[string]int64{"/portal": views, "/portal/suggestions/{id}": views / 5}, visitors); err != nil {
			return fmt.Errorf("demo: visits: %w", err)
		}
	}
	return nil
}
