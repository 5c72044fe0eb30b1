package registry

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Category is one entry of the service taxonomy (DESIGN.md). Codes are stable
// once shipped; Keywords map free domain tags and descriptions onto a code.
type Category struct {
	Code     string
	Name     string
	Keywords []string
	// People are those of Keywords that name whom the category serves (老人,
	// 孩子). GuessCategory and the matcher count them half: a need that
	// mentions elders may be about phones, fraud or meals, and what is asked
	// for should decide.
	People []string
}

// Categories is the service taxonomy in display order.
var Categories = []Category{
	{"elderly", "为老服务", []string{"养老", "助餐", "银龄", "为老", "助老", "独居", "空巢", "高龄", "失能",
		"老年", "老人", "长者", "大爷", "大妈", "助浴", "送餐", "老爷子", "老太太", "老头", "姥姥", "姥爷"}, []string{"老年", "老人", "长者", "大爷", "大妈", "老爷子", "老太太", "老头", "姥姥", "姥爷"}},
	{"childcare", "儿童与青少年", []string{"托管", "亲子", "家庭教育", "四点半", "放学", "课后",
		"儿童", "青少年", "少儿", "孩子", "小学生", "中学生", "未成年", "看护", "作业", "小候鸟", "托班", "小孩", "小朋友", "儿子", "女儿", "闺女"}, []string{"儿童", "青少年", "少儿", "孩子", "小学生", "中学生", "未成年", "小孩", "小朋友", "儿子", "女儿", "闺女"}},
	{"disability", "助残", []string{"残疾", "助残", "康复", "辅助器具", "残障", "孤独症", "自闭症", "轮椅", "心智障碍", "温馨家园", "助听器", "盲道", "智障", "脑瘫", "残疾证", "特教", "托养"}, nil},
	{"health", "健康与心理", []string{"健康", "心理", "医疗", "慢病", "义诊", "体检", "高血压", "糖尿病", "抑郁", "陪诊", "失眠", "焦虑", "精神科", "睡不着", "更年期", "心慌"}, nil},
	{"legal", "法律服务与调解", []string{"法律", "调解", "矛盾", "合规", "普法", "纠纷", "律师", "维权", "打官司", "欠薪", "押金", "离婚", "继承", "仲裁", "家暴"}, nil},
	{"property", "物业治理与业委会", []string{"物业", "业委会", "楼门", "业主", "电梯", "漏水", "维修资金", "物管", "报修", "门禁", "换届", "三无小区"}, nil},
	{"environment", "环境与垃圾分类", []string{"垃圾", "环保", "旧物", "减量", "厨余", "回收", "堆肥", "油烟", "异味", "环境卫生", "蟑螂", "老鼠", "消杀", "大件", "渣土", "堆物"}, nil},
	{"greening", "绿化与绿地认养", []string{"绿化", "绿地", "花园", "园艺", "自然", "认养", "树木", "病虫害", "植物", "植树", "种树", "槐树", "杨树", "树上", "绿植", "修剪", "枯枝", "虫害", "腻虫", "养花", "浇水", "花坛", "花池", "扦插", "撂荒"}, nil},
	{"safety", "平安与消防防诈", []string{"消防", "反诈", "防诈", "平安", "安全宣传", "诈骗", "电动车", "充电", "火灾", "着火", "隐患", "治安", "被骗", "骗子", "保健品", "燃气", "灭火器", "飞线", "高空抛物", "小偷", "会销", "电热毯"}, nil},
	{"digital", "数字素养与信息化", []string{"数字", "信息化", "智慧", "手机", "智能手机", "微信", "扫码", "刷脸", "上网", "视频通话", "网购"}, nil},
	{"culture", "文体活动", []string{"文化", "文体", "体育", "戏曲", "艺术", "文娱", "健身", "广场舞", "合唱", "书法", "舞蹈", "跳舞", "唱歌", "太极", "京剧", "运动会", "文化节", "乒乓", "秧歌", "麻将", "棋牌"}, nil},
	{"reading", "阅读与社区教育", []string{"阅读", "读书", "图书", "社区教育", "老年教育", "绘本", "书屋", "看书", "书房", "自习", "借书", "书友", "读报"}, nil},
	{"convenience", "便民服务", []string{"便民", "维修", "理发", "磨刀", "家电", "修鞋", "配钥匙", "剃头", "修伞"}, nil},
	{"employment", "就业与困难帮扶", []string{"就业", "技能", "困难", "帮扶", "低保", "求职", "失业", "低收入", "找工作", "招聘", "简历", "见习", "4050", "下岗", "打零工", "兼职", "月嫂", "育婴"}, nil},
	{"newcomers", "新市民融入", []string{"新市民", "流动人口", "随迁", "新就业", "骑手", "外卖", "快递员", "北漂", "居住证", "务工", "外地"}, nil},
	{"participation", "社区营造与议事协商", []string{"营造", "议事", "协商", "参与式", "社区规划", "居民公约", "微更新", "自治", "商量"}, nil},
	{"traffic", "停车与交通", []string{"停车", "交通", "出行", "车位", "乱停", "非机动车", "车棚", "挪车", "僵尸车", "地锁", "骑行", "通勤", "违停", "贴条"}, nil},
	{"pets", "文明养宠", []string{"养犬", "宠物", "养宠", "遛狗", "狗", "犬只", "流浪猫", "猫粮"}, nil},
	{"capacity", "社会组织能力建设", []string{"能力建设", "培育", "枢纽", "创投", "财务", "孵化", "票据", "章程", "申报"}, nil},
	{"volunteering", "志愿服务组织", []string{"志愿", "时间银行", "邻里互助", "义工", "队长"}, nil},
	{"emergency", "应急", []string{"应急", "急救", "防灾", "减灾", "防汛", "暴雨", "心肺复苏", "积水", "内涝", "地震", "除颤", "倒灌", "沙袋"}, nil},
	{"renovation", "适老化与老旧小区改造", []string{"适老化", "无障碍", "改造", "老旧小区", "扶手", "加装电梯", "防滑", "爬楼", "老楼", "淋浴"}, nil},
}

// CategoryByCode returns the category with the code, or nil.
func CategoryByCode(code string) *Category {
	for i := range Categories {
		if Categories[i].Code == code {
			return &Categories[i]
		}
	}
	return nil
}

// ParseCategory accepts a code or a Chinese name.
func ParseCategory(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, c := range Categories {
		if c.Code == s || c.Name == s {
			return c.Code, true
		}
	}
	return s, s == ""
}

// GuessCategory picks the category whose keywords best match the tags (which
// count triple) and the text; "" when nothing matches. People words count
// half. A keyword counts once per tag and once in the text, however often it
// occurs; on a tie the category listed first wins.
//
// It scans the text once against every keyword (the matcher calls it for each
// of a million projects at start-up) instead of searching for each keyword in
// turn.
func GuessCategory(tags []string, text string) string {
	kx := keywords()
	var score [64]int // by category; TestCategoriesWellFormed keeps them fewer
	seen := make([]bool, len(kx.words))
	add := func(s string, mult int) {
		clear(seen)
		for i, r := range s {
			for _, k := range kx.byFirst[r] {
				if !seen[k] && strings.HasPrefix(s[i:], kx.words[k]) {
					seen[k] = true
					for _, e := range kx.uses[k] {
						score[e.cat] += mult * e.weight
					}
				}
			}
		}
	}
	for _, t := range tags {
		add(t, 3)
	}
	add(text, 1)
	best, bestScore := "", 0
	for i := range Categories {
		if score[i] > bestScore {
			best, bestScore = Categories[i].Code, score[i]
		}
	}
	return best
}

// keywordIndex is the taxonomy's keywords arranged for one scan of a text:
// each distinct keyword once, found by its first rune, with the categories
// and weights it adds (2 a keyword, 2-1 a people word).
type keywordIndex struct {
	words   []string
	uses    [][]keywordUse
	byFirst map[rune][]int
}

type keywordUse struct{ cat, weight int }

var keywords = sync.OnceValue(func() *keywordIndex {
	kx := &keywordIndex{byFirst: map[rune][]int{}}
	ids := map[string]int{}
	use := func(word string, cat, weight int) {
		k, ok := ids[word]
		if !ok {
			k = len(kx.words)
			ids[word] = k
			kx.words = append(kx.words, word)
			kx.uses = append(kx.uses, nil)
			r, _ := utf8.DecodeRuneInString(word)
			kx.byFirst[r] = append(kx.byFirst[r], k)
		}
		kx.uses[k] = append(kx.uses[k], keywordUse{cat, weight})
	}
	for i, c := range Categories {
		for _, w := range c.Keywords {
			use(w, i, 2)
		}
		for _, w := range c.People {
			use(w, i, -1)
		}
	}
	return kx
})
