package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/points"
)

// The points scheme in the demo: every merchant offers a few goods, the
// demo resident 张桂兰 and other residents hold points earned over the last
// two months (each posting from their street's pool with its reason), some
// of them spent at the merchant login's shop, and last month's statement
// of that shop waits for the street's approval.

// demoGoods are what each kind of merchant offers: name, points, stock.
var demoGoods = map[string][]struct {
	Name         string
	Price, Stock int64
}{
	"超市":   {{"鸡蛋一盒（10 枚）", 30, 40}, {"挂面 1 公斤", 20, 60}, {"洗衣液 2 升", 80, 15}},
	"理发":   {{"理发一次", 60, 20}, {"老人上门理发", 80, 8}},
	"药店":   {{"医用口罩一盒", 25, 50}, {"电子体温计", 80, 10}},
	"果蔬":   {{"时令水果一份", 30, 30}, {"新鲜蔬菜一袋", 20, 40}},
	"早餐":   {{"早餐套餐一份", 15, 100}},
	"便民维修": {{"配钥匙一把", 10, 50}, {"修鞋一次", 20, 30}},
	"粮油":   {{"东北大米 5 斤", 60, 25}, {"花生油 1 升", 50, 20}},
	"书店":   {{"图书兑换券 30 元", 50, 20}},
}

// demoHours are opening hours by kind of merchant.
var demoHours = map[string]points.Hours{
	"超市": {Opens: "07:00", Closes: "22:00"}, "理发": {Opens: "09:00", Closes: "20:00"},
	"药店": {Opens: "08:00", Closes: "21:30"}, "果蔬": {Opens: "06:30", Closes: "20:00"},
	"早餐": {Opens: "06:00", Closes: "10:30"}, "便民维修": {Opens: "08:30", Closes: "18:30"},
	"粮油": {Opens: "07:30", Closes: "19:30"}, "书店": {Opens: "09:30", Closes: "21:00"},
}

// earning is one award story: days before today, hours of service, why.
type earning struct {
	Day    int
	Street string
	Amount int64
	Reason string
}

// residentEarnings are the demo resident's points history (she lives in
// 天通北苑第一社区, so her street's pool pays).
var residentEarnings = []earning{
	{52, "天通苑北街道", 30, "天通北苑绿地认养志愿服务 3 小时"},
	{45, "天通苑北街道", 20, "垃圾分类桶前值守 2 小时"},
	{38, "天通苑北街道", 10, "参加社区议事协商会"},
	{31, "天通苑北街道", 40, "长者数字助老课堂志愿讲解 4 小时"},
	{20, "天通苑北街道", 20, "楼道清理志愿服务 2 小时"},
	{9, "天通苑北街道", 30, "天通北苑绿地认养志愿服务 3 小时"},
}

// otherEarnings go to residents [1:], round robin over these streets.
var otherEarnings = []earning{
	{50, "回龙观街道", 40, "回龙观文明养宠宣传志愿服务 4 小时"},
	{41, "龙泽园街道", 20, "社区防诈宣传 2 小时"},
	{33, "回龙观街道", 30, "老旧小区改造意见征集入户 3 小时"},
	{26, "霍营街道", 20, "垃圾分类桶前值守 2 小时"},
	{15, "天通苑南街道", 50, "社区运动会志愿服务 5 小时"},
	{6, "回龙观街道", 10, "参加社区议事协商会"},
}

// planPoints puts the merchants' goods and opening hours in place now (the
// platform's set-up) and plans every award and redemption as a step of the
// story on its own day, so the audit log stays in time order.
func (w *world) planPoints(ctx context.Context, merchantIDs map[string]string, logins map[string]*accounts.User) error {
	for _, dm := range demoMerchants {
		id := merchantIDs[dm.Name]
		for _, g := range demoGoods[dm.Kind] {
			w.tick()
			if err := w.s.CreateGood(ctx, &points.Good{MerchantID: id, Name: g.Name, Price: g.Price, Stock: g.Stock, Active: true}); err != nil {
				return fmt.Errorf("demo: good %s of %s: %w", g.Name, dm.Name, err)
			}
		}
		if h, ok := demoHours[dm.Kind]; ok {
			if err := w.s.SetMerchantHours(ctx, id, h); err != nil {
				return fmt.Errorf("demo: hours of %s: %w", dm.Name, err)
			}
		}
	}
	for _, r := range demoRules {
		rule := r
		if err := w.s.SaveRule(ctx, &rule); err != nil {
			return fmt.Errorf("demo: rule %s: %w", r.Name, err)
		}
	}
	at := func(daysAgo, minute int) time.Time {
		return w.day0.AddDate(0, 0, -daysAgo).Add(time.Duration(minute) * time.Minute)
	}
	step := func(when time.Time, what string, do func() error) {
		w.events = append(w.events, &event{at: when, what: what, do: do})
	}
	res := w.ppl.residents
	n := 0
	grant := func(u *accounts.User, e earning) {
		n++
		key := fmt.Sprintf("demo-award-%d", n)
		step(at(e.Day, 10*60+n*7), "points for "+u.Name, func() error {
			_, err := w.s.PostPoints(ctx, &points.Posting{Key: key, Kind: points.KindGrant,
				From: points.AccountID(points.Pool, w.streetIDs[e.Street]), To: points.AccountID(points.Resident, u.ID),
				Amount: e.Amount, Reason: e.Reason})
			return err
		})
	}
	for _, e := range residentEarnings {
		grant(res[0], e)
	}
	for i, u := range res[1:] {
		for j := 0; j < 3; j++ {
			grant(u, otherEarnings[(i+j)%len(otherEarnings)])
		}
	}

	// Spending at the merchant login's shop over the last five weeks; the
	// third redemption for 刘秀英 within a week is flagged for review.
	shopID := merchantIDs[merchantLoginScope]
	cashier := logins["13800000007"]
	goods, err := w.s.FindGoods(ctx, points.GoodFilter{MerchantID: shopID})
	if err != nil || len(goods) < 2 {
		return fmt.Errorf("demo: goods of %s: %v", merchantLoginScope, err)
	}
	spend := []struct {
		resident, good, daysAgo int
	}{{0, 0, 35}, {1, 0, 34}, {2, 0, 33}, {0, 1, 30}, {3, 1, 12}, {1, 0, 5}, {1, 1, 4}, {1, 0, 3}, {0, 0, 2}}
	for i, sp := range spend {
		r, g := res[sp.resident], goods[sp.good]
		step(at(sp.daysAgo, 16*60+i*3), "redemption for "+r.Name, func() error {
			c, err := w.s.IssueRedemptionCode(accounts.WithActor(ctx, r), g.ID)
			if err != nil {
				return err
			}
			w.clock = w.clock.Add(time.Minute) // the cashier types it in
			_, err = w.s.Redeem(accounts.WithActor(ctx, cashier), c.Code, fmt.Sprintf("demo-redeem-%d", i))
			return err
		})
	}
	slices.SortStableFunc(w.events, func(a, b *event) int { return a.at.Compare(b.at) })
	return nil
}

// demoRules are the points rules the district published.
var demoRules = []points.Rule{
	{Name: "志愿服务时长", Kind: points.PerHour, PointsPerHour: 10, DailyCap: 60, Active: true},
	{Name: "绿地认养", Kind: points.PerActivity, ActivityType: "greening", Points: 5, Active: true},
	{Name: "月度参与奖励", Kind: points.Participation, Points: 20, Threshold: 4, Active: true},
	{Name: "组织活动丰富度", Kind: points.Richness, Points: 50, Threshold: 3, Active: true},
}

// yesterdays are attendances confirmed yesterday, whose awards are on
// public notice this morning: resident index, activity type, minutes.
var yesterdays = []struct {
	resident int
	kind     string
	minutes  int64
}{{0, "greening", 180}, {4, "greening", 120}, {5, "digital", 90}, {6, "elderly", 150}}

// settlePoints runs today's points work: last month's statement of
// the merchant login's shop (waiting for 李晓燕's approval) and yesterday's
// attendances put on public notice (天通苑北街道's, where 张桂兰 lives).
func (w *world) settlePoints(ctx context.Context, merchantIDs map[string]string) error {
	// Just after midnight: last month is over, and it is never later than
	// the demo's now.
	if start := w.day0.Add(time.Minute); w.clock.Before(start) {
		w.clock = start
	}
	month := points.PreviousMonth(w.day0)
	if _, err := w.s.CreateSettlement(ctx, merchantIDs[merchantLoginScope], month); err != nil {
		return fmt.Errorf("demo: settlement %s: %w", month, err)
	}
	for i, y := range yesterdays {
		w.tick()
		r := w.ppl.residents[y.resident]
		if _, err := w.s.AwardAttendance(ctx, points.Attendance{Key: fmt.Sprintf("demo-attendance-%d", i), ResidentID: r.ID,
			ResidentName: r.Name, ActivityType: y.kind, Minutes: y.minutes, Date: w.day0.Add(-14 * time.Hour),
			StreetID: w.streetIDs["天通苑北街道"]}, 0); err != nil {
			return fmt.Errorf("demo: awards for %s: %w", r.Name, err)
		}
	}
	return nil
}
