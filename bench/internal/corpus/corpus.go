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

	"github.com/huitian/huitian/internal/gen"
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

// themes: the vocabulary of each registry category, the one huitian gen
// writes with.
var themes = gen.Themes

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
func (g *Generator) theme() (string, *gen.Theme) {
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
		d.Title = comm + g.pick(th.Subjects) + g.pick(th.Actions) + g.pick(formats)
		fmt.Fprintf(&b, "%s位于%s，现有%s%d余人，%s、%s。", comm, street, g.pick(th.Subjects), 20+g.r.IntN(900), g.pick(th.Problems), g.pick(th.Problems))
		for range 1 + g.r.IntN(4) {
			switch g.r.IntN(5) {
			case 0:
				fmt.Fprintf(&b, "%s%s，并%s，每月开展活动%d次。", g.pick(projectLeads), g.pick(th.Actions), g.pick(th.Actions), 1+g.r.IntN(8))
			case 1:
				fmt.Fprintf(&b, "依托%s，联合志愿者%s，服务%s%d人次。", g.pick(th.Places), g.pick(th.Actions), g.pick(th.Subjects), 50+g.r.IntN(2000))
			case 2:
				_, o := g.theme()
				fmt.Fprintf(&b, "%s关注%s%s的问题，尝试%s。", g.pick(connectors), g.pick(o.Subjects), g.pick(o.Problems), g.pick(o.Actions))
			case 3:
				fmt.Fprintf(&b, "前期走访发现“%s”，居民意见较集中。", g.pick(th.Gripes))
			default:
				fmt.Fprintf(&b, "周期%d个月，满意度达到%d%%，形成可复制的经验。", 3+g.r.IntN(10), 80+g.r.IntN(20))
			}
		}
	} else {
		d.Kind = "need"
		gripe := g.pick(th.Gripes)
		if g.r.IntN(2) == 0 {
			d.Title = g.pick(th.Subjects) + g.pick(th.Problems)
		} else {
			d.Title = gripe
		}
		fmt.Fprintf(&b, "%s%s，%s。", g.pick(needOpeners), gripe, g.pick(th.Problems))
		for range g.r.IntN(4) {
			switch g.r.IntN(5) {
			case 0:
				fmt.Fprintf(&b, "%s%s也是个问题。", g.pick(connectors), g.pick(th.Gripes))
			case 1:
				_, o := g.theme()
				fmt.Fprintf(&b, "%s%s%s。", g.pick(connectors), g.pick(o.Subjects), g.pick(o.Problems))
			case 2:
				fmt.Fprintf(&b, "之前打过%s也没解决，", g.pick(words))
			case 3:
				fmt.Fprintf(&b, "%s那边大概有%d户受影响。", g.pick(th.Places), 5+g.r.IntN(300))
			default:
				fmt.Fprintf(&b, "在%s%s附近。", street, comm)
			}
		}
		fmt.Fprintf(&b, needAsks[g.r.IntN(len(needAsks))]+"。", g.pick(th.Actions))
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
			w := []rune(g.pick(th.Actions))
			out[i] = string(w[len(w)-2:])
		case 4, 5:
			out[i] = g.pick(th.Gripes)
		case 6:
			out[i] = g.pick(th.Subjects) + g.pick(th.Actions)
		case 7:
			out[i] = fmt.Sprintf("%s%s，想找人%s", g.pick(needOpeners), g.pick(th.Gripes), g.pick(th.Actions))
		default:
			out[i] = fmt.Sprintf("%s%s，希望%s", g.pick(th.Subjects), g.pick(th.Problems), g.pick(th.Actions))
		}
	}
	return out
}
