package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/huitian/huitian/internal/projectfile"
)

// pastProject is a project completed before the platform went live,
// imported (as `huitian import projects` would) so organizations start with
// a track record.
type pastProject struct {
	street, community, title, desc, org string
	yuan                                int64
	days                                int
	rating                              float64
	before                              int // completed this many days before the platform's start
}

var pastProjects = []pastProject{
	{"回龙观街道", "龙锦苑二区社区", "龙锦苑二区居民议事会培育", "陪伴社区居民议事会完善议事规则，围绕楼道堆物清理、健身器材更新等议题开展8次协商议事。", orgAdminKey, 80000, 180, 4.8, 40},
	{"回龙观街道", "新龙城社区", "新龙城社区困境儿童关爱服务", "为社区22名困境儿童提供个案跟进、学业辅导和亲子活动，链接爱心企业资源开展助学。", orgAdminKey, 60000, 240, 4.6, 220},
	{"回龙观街道", "龙禧苑社区", "龙禧苑社区睦邻点建设", "在龙禧苑三个小区各建一个睦邻点，培育睦邻点负责人，组织邻里互助和节日活动。", orgAdminKey, 90000, 300, 4.7, 15},
	{"天通苑北街道", "天通北苑第一社区", "天通北苑第一社区老年餐桌试运营", "在社区养老服务驿站试运营老年餐桌，每日供餐约80份，为高龄老人提供送餐上门服务。", "demo-o003", 150000, 300, 4.5, 60},
	{"天通苑北街道", "天通北苑第二社区", "天通北苑第二社区高龄老人巡访", "组织专业人员和志愿者对80岁以上独居老人开展每周巡访，建立巡访台账。", "demo-o003", 70000, 200, 4.4, 300},
	{"霍营街道", "紫金新干线社区", "紫金新干线社区银发手机课堂", "开设8期智能手机课堂，帮助160位老人学会网上挂号、视频通话和识别诈骗信息。", "demo-o006", 20000, 90, 4.9, 120},
	{"霍营街道", "华龙苑社区", "华龙苑社区社会组织公益展示会", "组织辖区社会组织年度公益展示会和项目交流会，展示优秀社区服务项目，吸引居民参与。", "demo-o004", 120000, 120, 4.3, 90},
	{"回龙观街道", "龙锦苑二区社区", "龙锦苑二区东院月季园认养", "带领居民认养东院三块公共绿地，补种月季300株，建立轮值养护制度。", "demo-o005", 15000, 150, 4.7, 30},
	{"龙泽园街道", "龙泽苑社区", "龙泽苑社区垃圾分类宣传月", "开展垃圾分类宣传月活动，入户宣传1200户，组织桶前值守和分类知识竞赛。", "demo-o193", 50000, 60, 4.2, 150},
	{"天通苑南街道", "天通中苑第二社区", "天通中苑第二社区邻里互助队伍建设", "培育邻里互助队，开展代购、陪诊、维修等互助服务，形成互助积分制度。", "demo-o062", 30000, 180, 4.6, 260},
	{"北七家镇", "名佳花园社区", "名佳花园社区社区社会组织孵化", "孵化培育6家社区社会组织，开展财务管理和项目设计培训。", "demo-o109", 100000, 270, 4.1, 180},
	{"东小口镇", "森林大第社区", "森林大第社区人民调解志愿服务", "培训社区调解志愿者，协助调解邻里纠纷40余起，开展普法讲座6场。", "demo-o183", 25000, 200, 0, 100},
}

// importHistory imports the past projects at the platform's start.
func (w *world) importHistory(ctx context.Context) (int, error) {
	rows := make([]projectfile.ProjectRow, len(pastProjects))
	for i, p := range pastProjects {
		y, m, d := w.start.AddDate(0, 0, -p.before).In(beijing).Date()
		rows[i] = projectfile.ProjectRow{Line: i + 1, Key: fmt.Sprintf("demo-p%02d", i+1), Title: p.title,
			Description: p.desc, Street: p.street, Community: p.community, Org: p.org, BudgetFen: p.yuan * 100,
			DurationDays: p.days, Rating: p.rating, Completed: time.Date(y, m, d, 0, 0, 0, 0, beijing)}
	}
	rep, err := w.s.ImportProjects(ctx, rows, false)
	if err != nil {
		if rep != nil && len(rep.Problems) > 0 {
			p := rep.Problems[0]
			return 0, fmt.Errorf("demo: past project %q: %s %s: %w", rows[p.Line-1].Title, p.Field, p.Key, err)
		}
		return 0, fmt.Errorf("demo: past projects: %w", err)
	}
	return rep.Created, nil
}
