package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/registry"
)

// Organization counts: about a third registered, as in the real registry.
const (
	registeredCount = 67
	filedCount      = 133
)

// orgAdminKey is the organization the org_admin and org_member logins belong to.
const orgAdminKey = "demo-o001"

// anchors are hand-written organizations the demo logins and tours rely on;
// the rest are generated.
var anchors = []registry.ImportRow{
	{StreetName: "回龙观街道", CommunityName: "龙锦苑二区社区", Org: registry.Organization{
		Name: "昌平区回龙观惠民社会工作服务中心", Registration: registry.Registered, Category: "participation",
		Domains:     []string{"社工服务", "社区营造", "议事协商", "为老服务"},
		Description: "回龙观地区的专业社工机构，运营街道社工站，陪伴龙锦苑二区等社区的居民议事会协商解决停车、加装电梯等难题。同时为困境老人和儿童提供个案服务。",
		Founded:     "2015-06-12", PartyForm: registry.PartyIndependent, Staff: 26, Volunteers: 310,
		ContactName: "陈思雨", ContactPhone: "13911062815"}},
	{StreetName: "回龙观街道", Org: registry.Organization{
		Name: "北京回天社区公益基金会", Registration: registry.Registered, Category: "capacity",
		Domains:     []string{"社区基金", "公益募捐", "微创投", "资源链接"},
		Description: "回天地区的社区公益基金会，面向企业和居民募集善款，设立社区微基金。资助社区社会组织的微创投项目和志愿服务，定期公开募捐与资助信息。",
		Founded:     "2020-09-16", PartyForm: registry.PartyIndependent, Staff: 9, Volunteers: 45,
		ContactName: "孙丽君", ContactPhone: "13601107352"}},
	{StreetName: "天通苑北街道", CommunityName: "天通北苑第一社区", Org: registry.Organization{
		Name: "北京银龄乐享养老服务中心", Registration: registry.Registered, Category: "elderly",
		Domains:     []string{"养老服务", "助餐", "居家养老", "银龄互助"},
		Description: "在天通北苑运营社区养老服务驿站和老年餐桌，为高龄独居老人提供助餐、助浴和巡访服务。组织低龄老人参与“银龄互助”结对。",
		Founded:     "2017-03-28", PartyForm: registry.PartyJoint, Staff: 18, Volunteers: 120,
		ContactName: "杨春梅", ContactPhone: "15801386624"}},
	{StreetName: "霍营街道", Org: registry.Organization{
		Name: "北京市昌平区回天地区社会组织联合会", Registration: registry.Registered, Category: "capacity",
		Domains:     []string{"枢纽型组织", "行业自律", "能力建设", "联席会"},
		Description: "回天地区社会组织的枢纽型社会团体，承担联席会日常联络，组织行业自律、信息交流和年度公益展示会。",
		Founded:     "2019-11-05", PartyForm: registry.PartyFunctional, Staff: 6, Volunteers: 60,
		ContactName: "高立新", ContactPhone: "18610427731"}},
	{StreetName: "回龙观街道", CommunityName: "龙锦苑二区社区", Org: registry.Organization{
		Name: "龙锦苑二区社区绿地认养队", Registration: registry.Filed, Category: "greening", Kind: registry.KindTeam,
		Domains:     []string{"绿地认养", "社区花园", "园艺"},
		Description: "认养龙锦苑二区东院的三块公共绿地，定期除草、补种和浇水，把裸露的黄土地改成了居民共享的月季园。",
		Founded:     "2021-04-10", PartyForm: registry.PartyFunctional, Staff: 1, Volunteers: 26,
		ContactName: "马玉珍", ContactPhone: "13520917468"}},
	{StreetName: "霍营街道", Org: registry.Organization{
		Name: "霍营街道银发数字助老队", Registration: registry.Filed, Category: "digital", Kind: registry.KindTeam,
		Domains:     []string{"数字助老", "智能手机", "防诈骗"},
		Description: "由青年志愿者和大学生组成，在霍营街道各社区轮流开设智能手机课堂，教老人网上挂号、视频通话和识别诈骗短信。",
		Founded:     "2022-05-20", PartyForm: registry.PartyInstructor, Staff: 2, Volunteers: 34,
		ContactName: "胡晓明", ContactPhone: "13716259043"}},
}

// place is a community (or, with Community "", a street) to put an organization in.
type place struct {
	Street, Area, Community string
	Complexes               []string
}

// generator draws organizations from the archetypes with a fixed seed, so
// every demo database holds the same organizations.
type generator struct {
	r      *rand.Rand
	now    time.Time
	places []place
	names  map[string]bool
	codes  map[string]bool
}

// organizations returns the demo organizations as import rows with keys
// demo-o001 …; founded dates lie before now.
func organizations(now time.Time) []registry.ImportRow {
	g := &generator{r: rand.New(rand.NewPCG(2019, 1013)), now: now, names: map[string]bool{}, codes: map[string]bool{}}
	for _, st := range geography {
		for _, cm := range st.Communities {
			g.places = append(g.places, place{st.Name, st.Area, cm.Name, cm.Complexes})
		}
	}
	var rows []registry.ImportRow
	nReg, nFiled := 0, 0
	for _, a := range anchors {
		g.names[a.Org.Name] = true
		if a.Org.Registration == registry.Registered {
			a.Org.CreditCode = g.creditCode('5', civilType(a.Org.Name))
			nReg++
		} else {
			nFiled++
		}
		rows = append(rows, a)
	}
	regs := g.picks(registeredKinds, registeredCount-nReg)
	fileds := g.picks(filedKinds, filedCount-nFiled)
	// Interleave one registered with two filed, so any page of the list is mixed.
	for len(regs)+len(fileds) > 0 {
		if len(regs) > 0 && (len(fileds) == 0 || len(rows)%3 == 0) {
			rows = append(rows, g.org(regs[0], registry.Registered))
			regs = regs[1:]
		} else {
			rows = append(rows, g.org(fileds[0], registry.Filed))
			fileds = fileds[1:]
		}
	}
	for i := range rows {
		rows[i].Line = i + 1
		rows[i].Org.Key = fmt.Sprintf("demo-o%03d", i+1)
		rows[i].Org.Founded = g.clampFounded(rows[i].Org.Founded)
	}
	return rows
}

// civilType guesses the civil-affairs type digit from an organization name.
func civilType(name string) byte {
	switch {
	case strings.HasSuffix(name, "基金会"):
		return '3'
	case strings.HasSuffix(name, "协会"), strings.HasSuffix(name, "联合会"), strings.HasSuffix(name, "促进会"):
		return '1'
	}
	return '2'
}

// picks uses every archetype once (so every category shows up) and then
// draws the rest by weight.
func (g *generator) picks(kinds []archetype, n int) []*archetype {
	out := make([]*archetype, 0, n)
	total := 0
	for i := range kinds {
		if len(out) < n {
			out = append(out, &kinds[i])
		}
		total += kinds[i].Weight
	}
	for len(out) < n {
		w := g.r.IntN(total)
		for i := range kinds {
			if w < kinds[i].Weight {
				out = append(out, &kinds[i])
				break
			}
			w -= kinds[i].Weight
		}
	}
	g.r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// org draws one organization of archetype a with a name not used yet.
func (g *generator) org(a *archetype, reg registry.Registration) registry.ImportRow {
	var name string
	var p place
	for try := 0; ; try++ {
		p = g.places[g.r.IntN(len(g.places))]
		tpl := a.Names[g.r.IntN(len(a.Names))]
		if reg == registry.Registered && g.r.IntN(2) == 0 {
			p.Community, p.Complexes = "", nil // serves the whole street
		}
		area := p.Area
		if reg == registry.Registered && g.r.IntN(5) == 0 {
			area = "回天"
		}
		pre := "北京市昌平区"
		if g.r.IntN(3) == 0 {
			pre = "昌平区"
		}
		name = strings.NewReplacer("{pre}", pre, "{area}", area, "{brand}", g.pick(a.Brands),
			"{comm}", p.Community, "{street}", p.Street).Replace(tpl)
		if !g.names[name] {
			break
		}
		if try > 200 {
			name = fmt.Sprintf("%s（%d）", name, try) // never reached with the shipped tables
			break
		}
	}
	g.names[name] = true

	where, cx := p.Community, g.pick(p.Complexes)
	if where == "" {
		where, cx = p.Street, p.Street
	}
	text := strings.NewReplacer("{area}", p.Area+"地区", "{street}", p.Street, "{comm}", where, "{complex}", cx).
		Replace(a.Texts[g.r.IntN(len(a.Texts))])
	extras := filedExtras
	if reg == registry.Registered {
		extras = registeredExtras
	}
	if g.r.IntN(10) < 3 {
		text += g.pick(extras)
	}

	o := registry.Organization{
		Name:         name,
		Registration: reg,
		Category:     a.Category,
		Domains:      g.domains(a.Domains),
		Description:  text,
		PartyForm:    g.partyForm(reg),
		Staff:        g.between(a.Staff),
		Volunteers:   g.between(a.Volunteers),
		ContactName:  g.personName(),
		ContactPhone: g.phone(),
	}
	if reg == registry.Registered {
		o.CreditCode = g.creditCode('5', a.Type)
		o.Founded = g.date(2008, 2023)
	} else {
		o.Founded = g.date(2012, 2024)
	}
	return registry.ImportRow{StreetName: p.Street, CommunityName: p.Community, Org: o}
}

// pick returns a random element, "" for an empty list.
func (g *generator) pick(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return xs[g.r.IntN(len(xs))]
}

func (g *generator) between(r [2]int) int { return r[0] + g.r.IntN(r[1]-r[0]+1) }

// domains takes two to four tags of the pool, in the pool's order.
func (g *generator) domains(pool []string) []string {
	idx := g.r.Perm(len(pool))
	n := min(len(pool), 2+g.r.IntN(3))
	keep := map[int]bool{}
	for _, i := range idx[:n] {
		keep[i] = true
	}
	var out []string
	for i, d := range pool {
		if keep[i] {
			out = append(out, d)
		}
	}
	return out
}

// partyForm follows what is usual: registered organizations mostly have a
// branch of their own or a joint one; community teams mostly have none or a
// functional branch.
func (g *generator) partyForm(reg registry.Registration) registry.PartyForm {
	weights := map[registry.Registration][]int{
		// independent, joint, instructor, functional, none (registry.PartyForms order)
		registry.Registered: {25, 30, 25, 5, 15},
		registry.Filed:      {0, 10, 20, 25, 45},
	}[reg]
	w := g.r.IntN(100)
	for i, x := range weights {
		if w < x {
			return registry.PartyForms[i]
		}
		w -= x
	}
	return registry.PartyNone
}

// date returns a day between the start of year from and the end of year to.
func (g *generator) date(from, to int) string {
	start := time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(to, 12, 31, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	return start.AddDate(0, 0, g.r.IntN(days+1)).Format(time.DateOnly)
}

// clampFounded keeps a founding date at least a month before now (a demo
// started with an old clock must still validate).
func (g *generator) clampFounded(d string) string {
	limit := g.now.AddDate(0, -1, 0)
	if t, err := time.Parse(time.DateOnly, d); err == nil && t.After(limit) {
		return limit.Format(time.DateOnly)
	}
	return d
}

// creditCode returns an unused, valid unified social credit code of a
// Changping (110114) civil-affairs organization: 5, the type, the division,
// a 9-character organization code and the check character.
func (g *generator) creditCode(dept, typ byte) string {
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for {
		b := []byte{dept, typ}
		b = append(b, "110114MJ"...)
		for len(b) < 17 {
			b = append(b, charset[g.r.IntN(len(charset))])
		}
		check, _ := registry.CreditCheckChar(string(b))
		code := string(append(b, check))
		if !g.codes[code] {
			g.codes[code] = true
			return code
		}
	}
}

var (
	surnames   = []rune("王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐韩冯董")
	givenNames = []string{"秀兰", "建国", "丽华", "志强", "桂芳", "海燕", "晓明", "春梅", "文静", "子涵",
		"立新", "红梅", "玉珍", "宏伟", "淑芬", "国庆", "雪梅", "俊杰", "婉清", "振华", "慧敏", "德胜",
		"丹", "磊", "静", "军", "燕", "敏", "浩然", "欣怡"}
	// Mobile prefixes for contact phones; 138 is left to the demo logins.
	phonePrefixes = []string{"139", "135", "136", "137", "150", "151", "152", "158", "159", "186", "187",
		"188", "131", "132", "155", "156", "133", "153", "180", "189"}
)

func (g *generator) personName() string {
	return string(surnames[g.r.IntN(len(surnames))]) + g.pick(givenNames)
}

// phone returns a fictional mainland mobile number.
func (g *generator) phone() string {
	return fmt.Sprintf("%s%08d", g.pick(phonePrefixes), g.r.IntN(100000000))
}
