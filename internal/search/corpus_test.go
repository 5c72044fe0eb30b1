package search

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// A synthetic, seeded corpus of governance needs and projects in Huitian's
// places and taxonomy, for benchmarks and scale tests. Its texts are made
// up here from vocabulary lists; they share no sentences with any
// evaluation data.

var corpusStreets = []string{"回龙观街道", "龙泽园街道", "史各庄街道", "霍营街道", "天通苑北街道", "天通苑南街道", "东小口镇", "北七家镇"}

var corpusCommunityStems = []string{
	"龙锦苑", "龙腾苑", "云趣园", "流星花园", "新龙城", "融泽嘉园", "田园风光雅苑", "金域华府",
	"天通北苑", "天通西苑", "天通中苑", "天通东苑", "佳运园", "太平家园", "魏窑", "史各庄",
	"华龙苑", "龙华园", "霍营", "紫金新干线", "蓝天园", "上坡佳园", "平西府", "东三旗",
}

var corpusOrdinals = []string{"一区", "二区", "三区", "四区", "东区", "西区", "北区", "第一", "第二", "第三"}

type corpusTheme struct {
	tag      string
	subjects []string // who or what
	problems []string
	actions  []string
}

var corpusThemes = []corpusTheme{
	{"为老服务", []string{"老年人", "独居老人", "高龄老人", "空巢老人", "失能老人"}, []string{"缺少照料", "就餐不便", "长期独自在家", "健康状况无人关注"}, []string{"上门探访", "助餐送餐", "建立健康档案", "开展居家照护", "组织邻里守望"}},
	{"儿童与青少年", []string{"儿童", "青少年", "小学生", "双职工家庭孩子", "随迁子女"}, []string{"放学后无人看护", "假期缺少去处", "沉迷网络游戏", "课业辅导需求大"}, []string{"开办四点半课堂", "暑期托管", "开展社会实践", "组织亲子阅读", "建立儿童议事会"}},
	{"助残", []string{"残疾人", "残障人士", "精神残疾人", "肢体残疾居民"}, []string{"康复训练不足", "出行困难", "家庭照护压力大"}, []string{"开展康复训练", "提供日间照料", "改造无障碍设施", "适配辅助器具"}},
	{"健康与心理", []string{"居民", "青年", "老年人", "职场人群"}, []string{"心理压力大", "情绪焦虑", "慢病管理薄弱"}, []string{"开展心理咨询", "举办健康讲座", "组织义诊", "建立心理疏导站"}},
	{"法律服务与调解", []string{"居民", "邻里", "业主", "租户"}, []string{"邻里纠纷频发", "矛盾调解难", "法律知识欠缺"}, []string{"律师进社区", "开展人民调解", "提供法律援助", "举办普法讲座"}},
	{"物业治理与业委会", []string{"业主", "物业公司", "业委会", "小区居民"}, []string{"业委会长期空缺", "物业服务不到位", "维修资金使用难", "公共收益不公开"}, []string{"指导业委会组建", "开展物业服务评价", "推动账目公开", "协商选聘物业"}},
	{"环境与垃圾分类", []string{"居民", "家庭", "楼门", "商户"}, []string{"垃圾混投", "厨余垃圾分出率低", "大件垃圾乱堆"}, []string{"桶前值守", "入户宣传垃圾分类", "开展旧物交换", "组织垃圾减量活动"}},
	{"绿化与绿地认养", []string{"居民", "家庭", "志愿者", "儿童"}, []string{"绿地裸露", "草坪被踩坏", "闲置空间杂乱"}, []string{"组织绿地认养", "营造社区花园", "植树补绿", "开展自然教育"}},
	{"平安与消防防诈", []string{"老年人", "居民", "租户", "商户"}, []string{"电信诈骗多发", "消防器材不足", "电动车楼道充电"}, []string{"开展反诈宣传", "建设微型消防站", "组织消防演练", "治理飞线充电"}},
	{"数字素养与信息化", []string{"老年人", "居民", "社区工作者"}, []string{"不会使用智能手机", "线上办事困难", "信息化水平低"}, []string{"开设智能手机课堂", "教授线上挂号", "一对一数字帮扶", "搭建线上议事平台"}},
	{"文体活动", []string{"居民", "老年人", "青年", "妇女"}, []string{"文化生活单调", "广场舞噪音扰民", "活动场地不足"}, []string{"组织文艺演出", "成立合唱团", "制定音量公约", "举办邻里运动会"}},
	{"阅读与社区教育", []string{"居民", "儿童", "老年人", "家长"}, []string{"图书角无人管理", "阅读氛围不足", "学习资源少"}, []string{"盘活社区图书角", "开展阅读推广", "组织读书会", "举办社区课堂"}},
	{"就业与困难帮扶", []string{"失业人员", "低保家庭", "困难群众", "大龄居民"}, []string{"就业技能不足", "生活困难", "缺少就业信息"}, []string{"开展职业技能培训", "提供就业指导", "入户帮扶", "链接救助资源"}},
	{"新市民融入", []string{"新市民", "外来务工人员", "快递外卖骑手", "租户"}, []string{"社区融入难", "缺少歇脚场所", "政策不了解"}, []string{"建设爱心驿站", "开展融入活动", "提供政策咨询", "组织新市民议事"}},
	{"社区营造与议事协商", []string{"居民", "楼门长", "党员", "业主"}, []string{"公共事务无人商量", "居民参与度低", "公约缺失"}, []string{"成立居民议事会", "开展议事协商", "制定居民公约", "培育楼门治理骨干"}},
	{"停车与交通", []string{"车主", "居民", "上学儿童"}, []string{"停车位紧张", "乱停车堵塞消防通道", "路口交通混乱"}, []string{"推动错时共享停车", "施划停车位", "组织文明停车劝导", "改善上学路安全"}},
	{"文明养宠", []string{"养犬户", "宠物主人", "居民"}, []string{"遛狗不牵绳", "狗粪随处可见", "流浪猫增多"}, []string{"开展文明养犬宣传", "组织养犬劝导", "设置宠物便纳箱"}},
	{"社会组织能力建设", []string{"社区社会组织", "公益团队", "志愿队伍"}, []string{"财务管理不规范", "项目管理能力弱", "骨干流失"}, []string{"开展财务合规培训", "组织项目督导", "孵化社区社会组织", "开展公益创投"}},
	{"志愿服务组织", []string{"志愿者", "青年志愿者", "党员志愿者"}, []string{"志愿者老龄化", "激励机制缺失", "队伍松散"}, []string{"建立时间银行", "推行志愿积分", "开展志愿者培训"}},
	{"应急", []string{"居民", "楼门长", "志愿者"}, []string{"应急技能欠缺", "汛期隐患多"}, []string{"开展心肺复苏培训", "组织防汛演练", "储备应急物资"}},
	{"适老化与老旧小区改造", []string{"老年人", "老旧小区居民", "高龄老人"}, []string{"家中易跌倒", "上下楼困难", "楼道缺少扶手"}, []string{"加装电梯协商", "居家适老化改造", "安装扶手", "改造无障碍坡道"}},
	{"便民服务", []string{"居民", "老年人", "上班族"}, []string{"修鞋配钥匙不方便", "生活服务网点少"}, []string{"组织便民服务日", "引入家政服务", "建设便民服务站"}},
}

var corpusFormats = []string{"项目", "服务", "行动", "计划", "试点", "工程", "营", "课堂", "小组"}

// corpus generates n documents, seeded.
type corpus struct {
	r *rand.Rand
}

func newCorpus(seed uint64) *corpus {
	return &corpus{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (c *corpus) pick(s []string) string { return s[c.r.IntN(len(s))] }

func (c *corpus) community() string {
	return c.pick(corpusCommunityStems) + c.pick(corpusOrdinals) + "社区"
}

// doc returns one synthetic need or project.
func (c *corpus) doc(i int) Doc {
	th := &corpusThemes[c.r.IntN(len(corpusThemes))]
	street, comm := c.pick(corpusStreets), c.community()
	subj := c.pick(th.subjects)
	title := comm + subj + c.pick(th.actions) + c.pick(corpusFormats)
	var d strings.Builder
	fmt.Fprintf(&d, "%s位于%s，现有%s%d余人，%s、%s。", comm, street, subj, 20+c.r.IntN(900), c.pick(th.problems), c.pick(th.problems))
	for range 1 + c.r.IntN(3) {
		switch c.r.IntN(4) {
		case 0:
			fmt.Fprintf(&d, "项目计划%s，并%s，每月开展活动%d次。", c.pick(th.actions), c.pick(th.actions), 1+c.r.IntN(8))
		case 1:
			fmt.Fprintf(&d, "希望引入专业社会组织，联合志愿者%s，服务%s%d人次。", c.pick(th.actions), c.pick(th.subjects), 50+c.r.IntN(2000))
		case 2:
			other := &corpusThemes[c.r.IntN(len(corpusThemes))]
			fmt.Fprintf(&d, "同时关注%s%s的问题，尝试%s。", c.pick(other.subjects), c.pick(other.problems), c.pick(other.actions))
		default:
			fmt.Fprintf(&d, "周期%d个月，满意度达到%d%%，形成可复制的%s经验。", 3+c.r.IntN(10), 80+c.r.IntN(20), th.tag)
		}
	}
	kind := "kind:need"
	if i%3 == 0 {
		kind = "kind:project"
	}
	return Doc{
		ID: fmt.Sprintf("d%07d", i),
		Fields: map[string]string{
			FieldTitle:       title,
			FieldDescription: d.String(),
			FieldTags:        th.tag,
		},
		Facets: []string{kind, "street:" + street},
	}
}

func (c *corpus) docs(n int) []Doc {
	out := make([]Doc, n)
	for i := range out {
		out[i] = c.doc(i)
	}
	return out
}

// queries returns a mix of short keyword queries and longer everyday
// descriptions assembled from the same vocabulary.
func (c *corpus) queries(n int) []string {
	out := make([]string, n)
	for i := range out {
		th := &corpusThemes[c.r.IntN(len(corpusThemes))]
		switch i % 4 {
		case 0: // two or three characters, as typed into a search box
			w := []rune(c.pick(th.actions))
			out[i] = string(w[len(w)-2:])
		case 1:
			out[i] = c.pick(th.subjects) + c.pick(th.actions)
		case 2:
			out[i] = fmt.Sprintf("我们%s%s，%s，想找机构帮忙%s", c.community(), c.pick(th.subjects), c.pick(th.problems), c.pick(th.actions))
		default:
			out[i] = fmt.Sprintf("%s%s，希望%s", c.pick(th.subjects), c.pick(th.problems), c.pick(th.actions))
		}
	}
	return out
}
