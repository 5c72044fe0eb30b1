// Package corpus generates a seeded synthetic corpus of Huitian needs and
// projects, and queries for it, for benchmarks. The texts are assembled here
// from vocabulary lists written for this purpose (Huitian's streets and
// communities, the registry's categories, governance and everyday words); they
// share no sentences with evaluation data or any third-party text.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/huitian/huitian/internal/registry"
)

// Doc is one generated need or project.
type Doc struct {
	ID          string
	Kind        string // "need" or "project"
	Street      string
	Community   string
	Category    string // registry category code
	Title       string
	Description string
	Tags        string // the category name and one or two keywords
}

// Streets are Huitian's streets and towns.
var Streets = []string{"回龙观街道", "霍营街道", "天通苑北街道", "东小口镇", "史各庄街道", "龙泽园街道", "天通苑南街道", "回龙观镇"}

// communities per street (made-up estates in the style of the area's names).
var communities = map[string][]string{
	"回龙观街道":  {"龙禧苑", "龙腾苑", "新龙城", "云趣园", "流星花园", "龙锦苑", "通达园", "北店嘉园"},
	"霍营街道":   {"霍营", "紫金新干线", "华龙苑", "蓝天园", "上坡佳园", "龙锦东区", "领秀慧谷"},
	"天通苑北街道": {"天通北苑", "天通西苑", "天通东苑", "溪城家园", "佳运园", "太平家园"},
	"东小口镇":   {"魏窑", "半截塔", "贺村", "芦村", "中东路", "兰各庄"},
	"史各庄街道":  {"史各庄", "朱辛庄", "定泗路", "富力桃园", "领秀新硅谷", "龙跃苑"},
	"龙泽园街道":  {"龙泽苑", "龙华园", "田园风光雅苑", "金域华府", "融泽嘉园", "西三旗"},
	"天通苑南街道": {"天通中苑", "天通东苑三区", "奥北", "清水园", "东辰"},
	"回龙观镇":   {"二拨子", "新村", "西半壁店", "东村", "黄土店", "同成街"},
}

var ordinals = []string{"", "", "一区", "二区", "三区", "东区", "西区", "北区", "南区", "一期", "二期"}

// theme is the vocabulary of one registry category.
type theme struct {
	subjects []string // who
	problems []string // formal problem statements
	gripes   []string // the same, as residents say it
	actions  []string // what a project does
	places   []string // where
}

// themes maps registry category codes to their vocabulary.
var themes = map[string]theme{
	"elderly": {
		[]string{"老年人", "独居老人", "高龄老人", "空巢老人", "失能老人", "退休职工"},
		[]string{"缺少日间照料", "就餐不便", "健康状况无人关注", "社交活动少"},
		[]string{"楼里好多老人不会用手机挂号", "老人一个人在家吃饭凑合", "老太太腿脚不好下不了楼", "子女都不在身边没人管"},
		[]string{"上门探访", "助餐送餐", "建立健康档案", "开展居家照护", "组织邻里守望", "开设老年食堂"},
		[]string{"养老驿站", "老年活动室", "社区食堂"},
	},
	"childcare": {
		[]string{"儿童", "青少年", "小学生", "双职工家庭孩子", "随迁子女", "幼儿家长"},
		[]string{"放学后无人看护", "假期缺少去处", "课业辅导需求大", "亲子关系紧张"},
		[]string{"孩子放学四点就没人管了", "暑假孩子天天在家打游戏", "小区里没有孩子玩的地方", "家长下班太晚接不了孩子"},
		[]string{"开办四点半课堂", "暑期托管", "组织亲子阅读", "建立儿童议事会", "开展家庭教育讲座"},
		[]string{"儿童之家", "四点半课堂", "社区书屋"},
	},
	"disability": {
		[]string{"残疾人", "残障人士", "精神残疾人", "肢体残疾居民", "自闭症儿童"},
		[]string{"康复训练不足", "出行困难", "家庭照护压力大", "就业机会少"},
		[]string{"坐轮椅的邻居出不了单元门", "家里有残疾孩子大人走不开", "康复要跑很远的医院"},
		[]string{"开展康复训练", "提供日间照料", "改造无障碍设施", "适配辅助器具", "组织助残志愿服务"},
		[]string{"温馨家园", "康复站", "职业康复中心"},
	},
	"health": {
		[]string{"居民", "青年", "老年人", "职场人群", "慢病患者"},
		[]string{"心理压力大", "情绪焦虑", "慢病管理薄弱", "健康知识缺乏"},
		[]string{"上班压力大晚上睡不着", "血压高也不知道怎么管", "家里老人总说心里闷"},
		[]string{"开展心理咨询", "举办健康讲座", "组织义诊", "建立心理疏导站", "开展慢病随访"},
		[]string{"社区卫生服务站", "心理咨询室", "健康小屋"},
	},
	"legal": {
		[]string{"居民", "邻里", "业主", "租户", "务工人员"},
		[]string{"邻里纠纷频发", "矛盾调解难", "法律知识欠缺", "欠薪维权难"},
		[]string{"楼上漏水到楼下两家吵了半年", "房东不退押金不知道找谁", "邻居装修天天吵"},
		[]string{"律师进社区", "开展人民调解", "提供法律援助", "举办普法讲座", "设立调解工作室"},
		[]string{"调解室", "法律服务站"},
	},
	"property": {
		[]string{"业主", "物业公司", "业委会", "小区居民", "楼门长"},
		[]string{"业委会长期空缺", "物业服务不到位", "维修资金使用难", "公共收益不公开"},
		[]string{"物业费交了没人修电梯", "楼道灯坏了好几个月", "小区账目谁也看不到", "物业换了三次还是不行"},
		[]string{"指导业委会组建", "开展物业服务评价", "推动账目公开", "协商选聘物业", "召开业主大会"},
		[]string{"物业服务中心", "业委会办公室"},
	},
	"environment": {
		[]string{"居民", "家庭", "楼门", "商户", "保洁员"},
		[]string{"垃圾混投", "厨余垃圾分出率低", "大件垃圾乱堆", "垃圾桶站脏乱"},
		[]string{"垃圾桶旁边天天堆满了", "大家还是一袋子全扔进去", "装修垃圾堆在楼下没人清"},
		[]string{"桶前值守", "入户宣传垃圾分类", "开展旧物交换", "组织垃圾减量活动", "建设堆肥点"},
		[]string{"垃圾桶站", "再生资源回收点"},
	},
	"greening": {
		[]string{"居民", "家庭", "志愿者", "儿童", "园艺爱好者"},
		[]string{"绿地裸露", "草坪被踩坏", "闲置空间杂乱", "树木缺少养护"},
		[]string{"楼下那块地光秃秃的", "有人在绿地里种菜", "院子里的树好几年没修剪"},
		[]string{"组织绿地认养", "营造社区花园", "植树补绿", "开展自然教育", "建设口袋公园"},
		[]string{"社区花园", "口袋公园", "楼前绿地"},
	},
	"safety": {
		[]string{"老年人", "居民", "租户", "商户", "快递员"},
		[]string{"电信诈骗多发", "消防器材不足", "电动车楼道充电", "群租房安全隐患"},
		[]string{"我妈差点被骗了养老钱", "楼道里停满电动车还拉线充电", "灭火器早就过期了"},
		[]string{"开展反诈宣传", "建设微型消防站", "组织消防演练", "治理飞线充电", "排查安全隐患"},
		[]string{"微型消防站", "充电棚"},
	},
	"digital": {
		[]string{"老年人", "居民", "社区工作者", "残障人士"},
		[]string{"不会使用智能手机", "线上办事困难", "信息化水平低", "数字鸿沟明显"},
		[]string{"老人不会用手机挂号", "健康码扫不出来急得直哭", "网上缴费老是弄错"},
		[]string{"开设智能手机课堂", "教授线上挂号", "一对一数字帮扶", "搭建线上议事平台", "培训社区工作者"},
		[]string{"数字课堂", "社区服务站"},
	},
	"culture": {
		[]string{"居民", "老年人", "青年", "妇女", "戏曲爱好者"},
		[]string{"文化生活单调", "广场舞噪音扰民", "活动场地不足", "文体队伍缺少指导"},
		[]string{"晚上跳舞的音响太吵了", "想唱歌没地方排练", "下了班没什么活动"},
		[]string{"组织文艺演出", "成立合唱团", "制定音量公约", "举办邻里运动会", "开展书法绘画课"},
		[]string{"文化活动中心", "小广场", "多功能厅"},
	},
	"reading": {
		[]string{"居民", "儿童", "老年人", "家长", "中学生"},
		[]string{"图书角无人管理", "阅读氛围不足", "学习资源少", "老年教育供给不足"},
		[]string{"书屋的书都是好几年前的", "孩子周末没地方看书", "想学点东西找不到课"},
		[]string{"盘活社区图书角", "开展阅读推广", "组织读书会", "举办社区课堂", "开设老年大学分校"},
		[]string{"社区书屋", "图书角", "社区学校"},
	},
	"convenience": {
		[]string{"居民", "老年人", "上班族", "新市民"},
		[]string{"修鞋配钥匙不方便", "生活服务网点少", "维修服务难找"},
		[]string{"想理个发要走好远", "家里水管坏了找不到人修", "小区门口的便利店关了"},
		[]string{"组织便民服务日", "引入家政服务", "建设便民服务站", "开展义务维修"},
		[]string{"便民服务站", "小区门口"},
	},
	"employment": {
		[]string{"失业人员", "低保家庭", "困难群众", "大龄居民", "残疾人"},
		[]string{"就业技能不足", "生活困难", "缺少就业信息", "再就业难"},
		[]string{"五十多岁了找工作没人要", "家里就靠低保过日子", "想学门手艺不知道去哪"},
		[]string{"开展职业技能培训", "提供就业指导", "入户帮扶", "链接救助资源", "举办招聘会"},
		[]string{"就业服务站", "社区服务中心"},
	},
	"newcomers": {
		[]string{"新市民", "外来务工人员", "快递外卖骑手", "租户", "随迁家庭"},
		[]string{"社区融入难", "缺少歇脚场所", "政策不了解", "子女入学难"},
		[]string{"送外卖的小哥没地方喝口水", "刚搬来谁也不认识", "孩子上学手续不知道怎么办"},
		[]string{"建设爱心驿站", "开展融入活动", "提供政策咨询", "组织新市民议事", "开展骑手关爱行动"},
		[]string{"爱心驿站", "骑手之家"},
	},
	"participation": {
		[]string{"居民", "楼门长", "党员", "业主", "青年"},
		[]string{"公共事务无人商量", "居民参与度低", "公约缺失", "议事规则不清"},
		[]string{"大家有意见也不知道找谁说", "开会就那几个人来", "楼里的事没人牵头"},
		[]string{"成立居民议事会", "开展议事协商", "制定居民公约", "培育楼门治理骨干", "开展参与式社区规划", "推动微更新"},
		[]string{"议事厅", "居委会"},
	},
	"traffic": {
		[]string{"车主", "居民", "上学儿童", "骑行者"},
		[]string{"停车位紧张", "乱停车堵塞消防通道", "路口交通混乱", "出行不便"},
		[]string{"晚上回来根本找不到车位", "车停在消防通道上救护车进不来", "早上送孩子路口特别堵"},
		[]string{"推动错时共享停车", "施划停车位", "组织文明停车劝导", "改善上学路安全", "设置非机动车停放区"},
		[]string{"停车场", "小区门口", "学校门口"},
	},
	"pets": {
		[]string{"养犬户", "宠物主人", "居民", "流浪动物志愿者"},
		[]string{"遛狗不牵绳", "狗粪随处可见", "流浪猫增多", "犬只扰民"},
		[]string{"大狗不拴绳孩子吓哭了", "草坪上全是狗屎", "半夜狗一直叫"},
		[]string{"开展文明养犬宣传", "组织养犬劝导", "设置宠物便纳箱", "开展流浪猫绝育"},
		[]string{"遛狗区", "楼前绿地"},
	},
	"capacity": {
		[]string{"社区社会组织", "公益团队", "志愿队伍", "社工机构"},
		[]string{"财务管理不规范", "项目管理能力弱", "骨干流失", "资金来源单一"},
		[]string{"账做得乱审计通不过", "写项目书不会写", "带头人一走队伍就散了"},
		[]string{"开展财务合规培训", "组织项目督导", "孵化社区社会组织", "开展公益创投", "建设枢纽型组织"},
		[]string{"社会组织服务中心", "孵化基地"},
	},
	"volunteering": {
		[]string{"志愿者", "青年志愿者", "党员志愿者", "退休居民"},
		[]string{"志愿者老龄化", "激励机制缺失", "队伍松散", "服务项目单一"},
		[]string{"来做志愿的都是七十岁的", "年轻人不愿意来", "干了活也没人记着"},
		[]string{"建立时间银行", "推行志愿积分", "开展志愿者培训", "组织邻里互助"},
		[]string{"志愿服务站", "社区服务中心"},
	},
	"emergency": {
		[]string{"居民", "楼门长", "志愿者", "物业人员"},
		[]string{"应急技能欠缺", "汛期隐患多", "应急物资不足", "防灾意识薄弱"},
		[]string{"下大雨地下室就进水", "有人晕倒了没人会急救", "停电停水都没个通知"},
		[]string{"开展心肺复苏培训", "组织防汛演练", "储备应急物资", "建立应急响应队伍", "开展防灾减灾宣传"},
		[]string{"应急物资库", "地下室"},
	},
	"renovation": {
		[]string{"老年人", "老旧小区居民", "高龄老人", "一楼住户"},
		[]string{"家中易跌倒", "上下楼困难", "楼道缺少扶手", "老旧管线老化"},
		[]string{"六楼没电梯老人一年没下过楼", "卫生间太滑摔了好几次", "一楼不同意装电梯"},
		[]string{"加装电梯协商", "居家适老化改造", "安装扶手", "改造无障碍坡道", "开展老旧小区综合整治"},
		[]string{"老旧小区", "单元门口", "楼道"},
	},
}

var formats = []string{"项目", "服务", "行动", "计划", "试点", "工程", "课堂", "小组", "驿站", "营"}

var needOpeners = []string{"我们小区", "我们楼里", "社区里", "这边", "最近", "居民反映", "好多邻居说"}
var needAsks = []string{"想找机构帮忙%s", "希望有社会组织来%s", "能不能有人来%s", "求推荐能%s的团队", "需要专业力量%s"}
var projectLeads = []string{"项目计划", "本项目", "机构将", "服务团队拟", "我们准备"}
var connectors = []string{"同时", "另外", "此外", "还有就是", "顺便"}
var words = []string{"wifi", "app", "5g", "2024", "2025", "12345热线", "ai", "v2"}

// Generator produces documents and queries from one seed.
type Generator struct {
	r     *rand.Rand
	codes []string
}

// New returns a generator; the same seed gives the same corpus.
func New(seed uint64) *Generator {
	g := &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for _, c := range registry.Categories {
		if _, ok := themes[c.Code]; ok {
			g.codes = append(g.codes, c.Code)
		}
	}
	return g
}

func (g *Generator) pick(s []string) string { return s[g.r.IntN(len(s))] }

// theme picks a category, a few much more often than others as in real
// demand (Zipf-like).
func (g *Generator) theme() (string, *theme) {
	i := int(float64(len(g.codes)) * g.r.Float64() * g.r.Float64())
	code := g.codes[i]
	th := themes[code]
	return code, &th
}

func (g *Generator) community(street string) string {
	return g.pick(communities[street]) + g.pick(ordinals) + "社区"
}

// Doc returns document number i.
func (g *Generator) Doc(i int) Doc {
	code, th := g.theme()
	street := g.pick(Streets)
	comm := g.community(street)
	d := Doc{ID: fmt.Sprintf("d%07d", i), Street: street, Community: comm, Category: code}
	var b strings.Builder
	if i%3 == 0 {
		d.Kind = "project"
		d.Title = comm + g.pick(th.subjects) + g.pick(th.actions) + g.pick(formats)
		fmt.Fprintf(&b, "%s位于%s，现有%s%d余人，%s、%s。", comm, street, g.pick(th.subjects), 20+g.r.IntN(900), g.pick(th.problems), g.pick(th.problems))
		for range 1 + g.r.IntN(4) {
			switch g.r.IntN(5) {
			case 0:
				fmt.Fprintf(&b, "%s%s，并%s，每月开展活动%d次。", g.pick(projectLeads), g.pick(th.actions), g.pick(th.actions), 1+g.r.IntN(8))
			case 1:
				fmt.Fprintf(&b, "依托%s，联合志愿者%s，服务%s%d人次。", g.pick(th.places), g.pick(th.actions), g.pick(th.subjects), 50+g.r.IntN(2000))
			case 2:
				_, o := g.theme()
				fmt.Fprintf(&b, "%s关注%s%s的问题，尝试%s。", g.pick(connectors), g.pick(o.subjects), g.pick(o.problems), g.pick(o.actions))
			case 3:
				fmt.Fprintf(&b, "前期走访发现“%s”，居民意见较集中。", g.pick(th.gripes))
			default:
				fmt.Fprintf(&b, "周期%d个月，满意度达到%d%%，形成可复制的经验。", 3+g.r.IntN(10), 80+g.r.IntN(20))
			}
		}
	} else {
		d.Kind = "need"
		gripe := g.pick(th.gripes)
		if g.r.IntN(2) == 0 {
			d.Title = g.pick(th.subjects) + g.pick(th.problems)
		} else {
			d.Title = gripe
		}
		fmt.Fprintf(&b, "%s%s，%s。", g.pick(needOpeners), gripe, g.pick(th.problems))
		for range g.r.IntN(4) {
			switch g.r.IntN(5) {
			case 0:
				fmt.Fprintf(&b, "%s%s也是个问题。", g.pick(connectors), g.pick(th.gripes))
			case 1:
				_, o := g.theme()
				fmt.Fprintf(&b, "%s%s%s。", g.pick(connectors), g.pick(o.subjects), g.pick(o.problems))
			case 2:
				fmt.Fprintf(&b, "之前打过%s也没解决，", g.pick(words))
			case 3:
				fmt.Fprintf(&b, "%s那边大概有%d户受影响。", g.pick(th.places), 5+g.r.IntN(300))
			default:
				fmt.Fprintf(&b, "在%s%s附近。", street, comm)
			}
		}
		fmt.Fprintf(&b, needAsks[g.r.IntN(len(needAsks))]+"。", g.pick(th.actions))
	}
	d.Description = b.String()
	cat := registry.CategoryByCode(code)
	d.Tags = cat.Name + " " + g.pick(cat.Keywords)
	return d
}

// Docs returns n documents.
func (g *Generator) Docs(n int) []Doc {
	out := make([]Doc, n)
	for i := range out {
		out[i] = g.Doc(i)
	}
	return out
}

// shortQueries are what people type into a search box.
var shortQueries = []string{"养老", "电梯", "停车", "助餐", "调解", "物业", "反诈", "心理", "托管", "垃圾", "消防", "志愿", "残疾", "康复", "绿地", "宠物", "就业", "议事", "阅读", "应急", "骑手", "业委会", "适老化", "老年人", "手机", "充电", "居家养老", "低保", "财务", "新市民"}

// Queries returns n queries: about four in ten short words of two or three
// characters, the rest colloquial sentences.
func (g *Generator) Queries(n int) []string {
	out := make([]string, n)
	for i := range out {
		_, th := g.theme()
		switch g.r.IntN(10) {
		case 0, 1, 2:
			out[i] = g.pick(shortQueries)
		case 3:
			w := []rune(g.pick(th.actions))
			out[i] = string(w[len(w)-2:])
		case 4, 5:
			out[i] = g.pick(th.gripes)
		case 6:
			out[i] = g.pick(th.subjects) + g.pick(th.actions)
		case 7:
			out[i] = fmt.Sprintf("%s%s，想找人%s", g.pick(needOpeners), g.pick(th.gripes), g.pick(th.actions))
		default:
			out[i] = fmt.Sprintf("%s%s，希望%s", g.pick(th.subjects), g.pick(th.problems), g.pick(th.actions))
		}
	}
	return out
}
