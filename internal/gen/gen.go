package gen

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
)

// Gen makes the rows of one run. It does not change after New, so any
// number of goroutines may use it.
type Gen struct {
	Seed   uint64
	Scale  Scale
	Anchor time.Time // the first run's start: every generated time is relative to it
	Places Places
	RuleID string // the points rule awards cite

	cats        []string         // categories with a theme, in taxonomy order
	orgsByCat   map[string][]int // organization numbers by category
	merchantsOf [][]int          // merchant numbers by street
}

// New prepares a run; places must hold an id for every street and
// community of Geography.
func New(seed uint64, sc Scale, anchor time.Time, pl Places, ruleID string) *Gen {
	g := &Gen{Seed: seed, Scale: sc, Anchor: anchor.UTC().Truncate(time.Second), Places: pl, RuleID: ruleID,
		orgsByCat: map[string][]int{}, merchantsOf: make([][]int, len(Geography))}
	for _, c := range registry.Categories {
		if _, ok := Themes[c.Code]; ok {
			g.cats = append(g.cats, c.Code)
		}
	}
	for i := range sc.Orgs {
		b := g.orgBasics(i)
		g.orgsByCat[b.cat] = append(g.orgsByCat[b.cat], i)
	}
	for i := range sc.Merchants {
		s, _ := g.merchantPlace(i)
		g.merchantsOf[s] = append(g.merchantsOf[s], i)
	}
	return g
}

// Salts keep the units' random streams and ids apart.
const (
	saltOrg = iota + 1
	saltResident
	saltMerchant
	saltProject
	saltProposal
	saltMilestone
	saltEvent
	saltNeed
	saltActivity
	saltPosting
)

// rng is the random stream of row i of a unit: the same on every run.
func (g *Gen) rng(salt, i int) *rand.Rand {
	return rand.New(rand.NewPCG(g.Seed, uint64(salt)<<40|uint64(i)))
}

// ID is a UUIDv7-shaped id for row i of a unit made at t: the time in the
// first 48 bits as in any UUIDv7, then the salt and the row number, so ids
// are unique and the same on every run (a resumed load writes the same ids
// and refers to rows of earlier batches by computing theirs).
func (g *Gen) ID(salt, i int, t time.Time) string {
	var b [16]byte
	ms := uint64(t.UnixMilli())
	b[0], b[1], b[2], b[3], b[4], b[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
	h := mix(g.Seed ^ uint64(salt)*0x9e3779b97f4a7c15 ^ uint64(i)*0xbf58476d1ce4e5b9)
	b[6] = 0x70 | byte(salt&0x0f)
	b[7] = byte(h)
	b[8] = 0x80 | byte(h>>8)&0x3f
	b[9], b[10], b[11] = byte(h>>16), byte(h>>24), byte(h>>32)
	// The row number through a bijection of 32 bits (an odd multiplier,
	// then a key of the seed and unit): unique, but not 00000001.
	binary.BigEndian.PutUint32(b[12:], uint32(i)*0x9e3779b1^uint32(mix(g.Seed^uint64(salt))))
	return uuid.UUID(b).String()
}

func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// daysAgo is the anchor minus d days and a random time of day.
func (g *Gen) daysAgo(r *rand.Rand, d int) time.Time {
	return g.Anchor.AddDate(0, 0, -d).Add(-time.Duration(r.IntN(10*3600)) * time.Second)
}

// spread places row i of n between from and to, in number order.
func (g *Gen) spread(i, n int, from, to time.Time) time.Time {
	return from.Add(time.Duration(int64(to.Sub(from)) / int64(max(n, 1)) * int64(i))).Truncate(time.Second)
}

// theme picks a category, a few much more often than others as in real
// demand (Zipf-like).
func (g *Gen) theme(r *rand.Rand) string {
	return g.cats[int(float64(len(g.cats))*r.Float64()*r.Float64())]
}

// place picks a street and one of its communities.
func place(r *rand.Rand) (street, community int) {
	s := r.IntN(len(Geography))
	return s, r.IntN(len(Geography[s].Communities))
}

func (g *Gen) streetID(s int) string { return g.Places.StreetIDs[s] }
func (g *Gen) communityID(s, c int) string {
	if c < 0 {
		return ""
	}
	return g.Places.CommunityIDs[s][c]
}

var (
	surnames   = []rune("王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐韩冯董于曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
	givenNames = []string{"秀兰", "建国", "丽华", "志强", "桂芳", "海燕", "晓明", "春梅", "文静", "子涵", "立新", "红梅",
		"玉珍", "宏伟", "淑芬", "国庆", "雪梅", "俊杰", "婉清", "振华", "慧敏", "德胜", "丹", "磊", "静", "军", "燕", "敏",
		"浩然", "欣怡", "桂兰", "秀英", "德明", "淑珍", "建军", "丽娟", "志刚", "秀梅", "国华", "玉兰", "文涛", "红霞",
		"建平", "美玲", "小峰", "雨涵", "梓轩", "一诺", "思远", "佳琪", "明辉", "凤英", "永强", "金凤", "宇航", "若曦",
		"建英", "学军", "春华", "海波", "晓东", "丽萍", "亚楠", "子豪", "诗琪", "博文", "瑞霞", "长青", "树林", "翠兰"}
	mobilePrefixes = []string{"139", "135", "136", "137", "150", "151", "152", "158", "159", "186", "187", "188",
		"131", "132", "155", "156", "133", "153", "180", "189"}
)

func personName(r *rand.Rand) string {
	return string(surnames[r.IntN(len(surnames))]) + pick(r, givenNames)
}

func mobile(r *rand.Rand) string {
	return fmt.Sprintf("%s%08d", pick(r, mobilePrefixes), r.IntN(100_000_000))
}

// hexToken is n random bytes of r, hex encoded (activity check-in secrets).
func hexToken(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return hex.EncodeToString(b)
}

// ---- Organizations ----

type orgBasics struct {
	r            *rand.Rand
	cat          string
	street, comm int // comm -1: the whole street
}

// orgBasics draws what other units need to know of organization i (its
// category and place) first, so they can compute it without the rest.
func (g *Gen) orgBasics(i int) orgBasics {
	r := g.rng(saltOrg, i)
	b := orgBasics{r: r, cat: g.theme(r)}
	b.street, b.comm = place(r)
	if r.IntN(3) == 0 {
		b.comm = -1
	}
	return b
}

// OrgID is organization i's id.
func (g *Gen) OrgID(i int) string { return g.ID(saltOrg, i, g.orgCreated(i)) }

func (g *Gen) orgCreated(i int) time.Time {
	// Registered on the platform over its first years, in number order.
	span := 3 * 365 * 24 * time.Hour
	return g.Anchor.Add(-span + time.Duration(int64(span)/int64(max(g.Scale.Orgs, 1))*int64(i))).Add(-400 * 24 * time.Hour)
}

var (
	orgBrands   = strings.Split("惠民|益心|暖阳|同心|邻里|善行|启明|和美|新航|春晖|乐享|众力|阳光|大爱|知行|协力|安心|常青|彩虹|繁星|立德|晨曦|微光|德邻|美好|睦邻|共享|守望|向阳|心连心|聚力|清源|合力|馨苑|慧谷|家园", "|")
	orgSuffixes = map[string][]string{
		"elderly":       {"养老服务中心", "为老服务中心", "助老服务社", "居家养老服务中心"},
		"childcare":     {"青少年服务中心", "儿童发展中心", "家庭教育服务中心", "四点半课堂服务社"},
		"disability":    {"康复服务中心", "助残服务中心", "残障人士支持中心"},
		"health":        {"心理健康服务中心", "健康促进会", "社区健康服务社"},
		"legal":         {"人民调解服务中心", "法律服务社", "矛盾调解服务中心"},
		"property":      {"物业治理服务中心", "业主自治促进会", "社区治理服务中心"},
		"environment":   {"环保服务中心", "垃圾分类促进会", "绿色生活服务社"},
		"greening":      {"社区花园营造中心", "园艺服务社", "自然教育中心"},
		"safety":        {"平安建设服务中心", "消防安全服务社", "反诈宣传服务中心"},
		"digital":       {"数字素养服务中心", "智慧助老服务社", "信息化服务中心"},
		"culture":       {"文化发展中心", "文体协会", "艺术团", "文化服务中心"},
		"reading":       {"阅读推广中心", "社区书院", "社区教育服务中心"},
		"convenience":   {"便民服务中心", "生活服务社", "便民服务站"},
		"employment":    {"就业服务中心", "困难家庭帮扶中心", "技能培训服务社"},
		"newcomers":     {"新市民服务中心", "流动人口服务站", "骑手关爱服务社"},
		"participation": {"社会工作服务中心", "社区营造中心", "议事协商促进会"},
		"traffic":       {"交通文明促进会", "停车自治服务社", "出行服务中心"},
		"pets":          {"文明养犬促进会", "宠物友好服务社", "动物保护协会"},
		"capacity":      {"社会组织服务中心", "公益发展中心", "社会组织联合会", "公益基金会"},
		"volunteering":  {"志愿服务协会", "志愿者联合会", "时间银行服务中心"},
		"emergency":     {"应急救援服务中心", "防灾减灾服务社", "应急志愿服务中心"},
		"renovation":    {"适老化改造服务中心", "老旧小区更新促进会", "无障碍服务中心"},
	}
	teamSuffixes = []string{"志愿服务队", "互助队", "服务队", "兴趣小组", "自治小组", "志愿者协会"}
)

// Org is organization i.
func (g *Gen) Org(i int) registry.Organization {
	b := g.orgBasics(i)
	r, th := b.r, Themes[b.cat]
	sp := Geography[b.street]
	o := registry.Organization{ID: g.OrgID(i), Category: b.cat, StreetID: g.streetID(b.street),
		CommunityID: g.communityID(b.street, b.comm), Kind: registry.KindOrganization,
		ContactName: personName(r), ContactPhone: mobile(r)}
	o.CreatedAt, o.UpdatedAt = g.orgCreated(i), g.orgCreated(i)
	where := sp.Name
	if b.comm >= 0 {
		where = sp.Communities[b.comm]
	}
	// Those serving a whole street are registered with civil affairs, and
	// one in ten of the community ones: about 40 %.
	if r.IntN(10) == 0 || b.comm < 0 {
		o.Registration = registry.Registered
		pre := pick(r, []string{"北京市昌平区", "昌平区", "北京"})
		suffix := pick(r, orgSuffixes[b.cat])
		o.Name = pre + sp.Area + pick(r, orgBrands) + suffix
		typ := byte('2')
		switch {
		case strings.HasSuffix(suffix, "基金会"):
			typ = '3'
		case strings.HasSuffix(suffix, "会"):
			typ = '1'
		}
		o.CreditCode = g.creditCode(i, typ)
		o.Founded = g.Anchor.AddDate(-2-r.IntN(15), -r.IntN(12), -r.IntN(28)).Format(time.DateOnly)
		o.Staff, o.Volunteers = 2+r.IntN(40), 10+r.IntN(400)
		o.PartyForm = registry.PartyForms[r.IntN(len(registry.PartyForms))]
	} else {
		o.Registration = registry.Filed
		o.Name = strings.TrimSuffix(where, "社区") + "社区" + pick(r, th.Subjects) + pick(r, teamSuffixes)
		if r.IntN(2) == 0 {
			o.Kind = registry.KindTeam
		}
		o.Founded = g.Anchor.AddDate(-1-r.IntN(10), -r.IntN(12), -r.IntN(28)).Format(time.DateOnly)
		o.Staff, o.Volunteers = r.IntN(3), 5+r.IntN(80)
		o.PartyForm = []registry.PartyForm{registry.PartyNone, registry.PartyFunctional, registry.PartyInstructor,
			registry.PartyJoint}[r.IntN(4)]
	}
	var d strings.Builder
	fmt.Fprintf(&d, "扎根%s，主要服务%s的%s和%s，针对%s、%s等问题，", where, sp.Name, pick(r, th.Subjects), pick(r, th.Subjects),
		pick(r, th.Problems), pick(r, th.Problems))
	fmt.Fprintf(&d, "长期%s、%s。", pick(r, th.Actions), pick(r, th.Actions))
	switch r.IntN(4) {
	case 0:
		fmt.Fprintf(&d, "依托%s开展常态化服务，每年服务居民%d人次。", pick(r, th.Places), 200+r.IntN(5000))
	case 1:
		fmt.Fprintf(&d, "现有骨干志愿者%d名，与辖区学校、物业和驻区单位建立了合作。", o.Volunteers)
	case 2:
		fmt.Fprintf(&d, "曾获评%s优秀社区社会组织。", sp.Name)
	}
	o.Description = d.String()
	cat := registry.CategoryByCode(b.cat)
	tags := []string{cat.Name}
	for _, k := range r.Perm(len(cat.Keywords))[:min(len(cat.Keywords), 1+r.IntN(3))] {
		if kw := cat.Keywords[k]; !slices.Contains(tags, kw) {
			tags = append(tags, kw)
		}
	}
	o.Domains = tags
	return o
}

// creditCode is organization i's unified social credit code: 5 (civil
// affairs), the type, Changping's division 110114, a nine-character
// organization code unique to i and the GB 32100 check character.
func (g *Gen) creditCode(i int, typ byte) string {
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	const space = 31 * 31 * 31 * 31 * 31 * 31 * 31 // seven characters
	// An affine map modulo 31⁷ with a multiplier prime to 31 is a
	// bijection: distinct organizations, distinct codes.
	n := (uint64(i)*16_983_425_311 + mix(g.Seed)%space) % space
	b := []byte{'5', typ}
	b = append(b, "110114MJ"...)
	var tail [7]byte
	for k := 6; k >= 0; k-- {
		tail[k] = charset[n%31]
		n /= 31
	}
	b = append(b, tail[:]...)
	check, _ := registry.CreditCheckChar(string(b))
	return string(append(b, check))
}

// orgFor picks an organization of category cat (any when none has it).
func (g *Gen) orgFor(r *rand.Rand, cat string) int {
	if l := g.orgsByCat[cat]; len(l) > 0 {
		return l[r.IntN(len(l))]
	}
	return r.IntN(max(g.Scale.Orgs, 1))
}

// ---- Residents ----

// Resident is a resident's account and home.
type Resident struct {
	ID, GrantID, Phone, Name string
	StreetID, CommunityID    string
	CreatedAt                time.Time
}

func (g *Gen) residentPlace(i int) (street, comm int, r *rand.Rand) {
	r = g.rng(saltResident, i)
	street, comm = place(r)
	return street, comm, r
}

func (g *Gen) residentCreated(i int) time.Time {
	span := 2 * 365 * 24 * time.Hour
	return g.Anchor.Add(-span + time.Duration(int64(span)/int64(max(g.Scale.Residents, 1))*int64(i))).Add(-200 * 24 * time.Hour)
}

// ResidentID is resident i's user id.
func (g *Gen) ResidentID(i int) string { return g.ID(saltResident, i, g.residentCreated(i)) }

// Resident is resident i. Phones are 195 and eight digits that an affine
// bijection of i gives, so they never repeat (up to 10⁸ residents).
func (g *Gen) Resident(i int) Resident {
	s, c, r := g.residentPlace(i)
	return Resident{ID: g.ResidentID(i), GrantID: g.ID(saltResident, 1<<31|i, g.residentCreated(i)), Phone: fmt.Sprintf("195%08d", (uint64(i)*61_803_399+mix(g.Seed)%100_000_000)%100_000_000),
		Name: personName(r), StreetID: g.streetID(s), CommunityID: g.communityID(s, c), CreatedAt: g.residentCreated(i)}
}

// ---- Merchants ----

// Merchant is a local shop where residents redeem points.
type Merchant struct {
	ID, Name, StreetID, CommunityID, Address, Kind string
	CreatedAt                                      time.Time
}

var (
	merchantKinds  = []string{"超市", "便利店", "理发店", "早餐店", "药店", "水果店", "洗衣店", "修鞋铺", "面包房", "粮油店", "菜店", "五金店"}
	merchantBrands = strings.Split("好邻居|物美|京客隆|便民|鑫源|老街坊|回天|家和|福满|小康|金鼎|顺心|惠家|优选|老王", "|")
)

func (g *Gen) merchantPlace(i int) (street, comm int) {
	return place(g.rng(saltMerchant, i))
}

func (g *Gen) merchantCreated(i int) time.Time { return g.Anchor.AddDate(-1, 0, -i%300) }

// MerchantID is merchant i's id.
func (g *Gen) MerchantID(i int) string { return g.ID(saltMerchant, i, g.merchantCreated(i)) }

// Merchant is merchant i; names are unique within a street (the number of
// the shop in the run).
func (g *Gen) Merchant(i int) Merchant {
	r := g.rng(saltMerchant, i)
	s, c := place(r)
	comm := Geography[s].Communities[c]
	kind := pick(r, merchantKinds)
	return Merchant{ID: g.MerchantID(i), Name: fmt.Sprintf("%s%s（%s%d号店）", pick(r, merchantBrands), kind,
		strings.TrimSuffix(comm, "社区"), i+1), StreetID: g.streetID(s), CommunityID: g.communityID(s, c),
		Address: fmt.Sprintf("%s%s底商%d号", Geography[s].Name, strings.TrimSuffix(comm, "社区"), 1+r.IntN(60)),
		Kind:    kind, CreatedAt: g.merchantCreated(i)}
}

// ---- Texts ----

var (
	formats        = []string{"项目", "服务", "行动", "计划", "试点", "工程", "课堂", "小组", "驿站", "营"}
	needOpeners    = []string{"我们小区", "我们楼里", "社区里", "这边", "最近", "居民反映", "好多邻居说"}
	needAsks       = []string{"想找机构帮忙%s", "希望有社会组织来%s", "能不能有人来%s", "求推荐能%s的团队", "需要专业力量%s"}
	projectLeads   = []string{"项目", "机构", "服务团队", "项目组"}
	connectors     = []string{"同时", "另外", "此外"}
	acceptComments = []string{"服务内容按合同全部完成，档案资料齐全，居民反响良好，验收通过。",
		"项目目标基本达成，过程资料规范，居民满意度较高，同意验收。", "经社区居委会和居民代表共同验收，服务成效明显，验收合格。"}
	ratingComments = [][]string{
		{"活动太少了，很多邻居都不知道有这个项目。"},
		{"效果一般，希望下次多听听居民的意见。"},
		{"总体还行，就是宣传不够，通知得有点晚。", "工作人员挺认真，但活动时间不太方便上班族参加。"},
		{"服务挺好，工作人员很耐心，希望能继续做下去。", "活动办得不错，老人孩子都愿意参加。", "有明显变化，居民参与的积极性高了。"},
		{"非常满意！工作人员每次都很用心。", "组织得很好，邻里关系比以前近了。", "实实在在帮我们解决了问题，点赞！", ""},
	}
	approaches = []string{
		"以需求调研为起点，组建居民骨干队伍，分三个阶段推进，全程留痕并开展成效评估。",
		"依托本机构在辖区多年的服务经验，采用“专业社工+居民志愿者”双轮驱动的服务模式。",
		"坚持居民参与，每月公开服务进度，项目结束时留下一支能持续运转的居民自组织。",
		"引入参与式工作方法，先议事后行动，让居民在方案设计和实施中都有发言权。",
		"以楼门为单位精细化推进，建立服务台账，做到需求清楚、服务到户、成效可查。",
	}
)

// projectText is a completed project's title and description.
func projectText(r *rand.Rand, cat, street, comm string) (title, desc string) {
	th := Themes[cat]
	title = comm + pick(r, th.Subjects) + pick(r, th.Actions) + pick(r, formats)
	var b strings.Builder
	fmt.Fprintf(&b, "%s位于%s，现有%s%d余人，%s、%s。", comm, street, pick(r, th.Subjects), 20+r.IntN(900), pick(r, th.Problems), pick(r, th.Problems))
	for range 1 + r.IntN(3) {
		switch r.IntN(4) {
		case 0:
			fmt.Fprintf(&b, "%s%s，并%s，每月开展活动%d次。", pick(r, projectLeads), pick(r, th.Actions), pick(r, th.Actions), 1+r.IntN(8))
		case 1:
			fmt.Fprintf(&b, "依托%s，联合志愿者%s，服务%s%d人次。", pick(r, th.Places), pick(r, th.Actions), pick(r, th.Subjects), 50+r.IntN(2000))
		case 2:
			fmt.Fprintf(&b, "前期走访发现“%s”，居民意见较集中。", pick(r, th.Gripes))
		default:
			fmt.Fprintf(&b, "周期%d个月，满意度达到%d%%，形成可复制的经验。", 3+r.IntN(10), 80+r.IntN(20))
		}
	}
	return title, b.String()
}

// needText is an open need's title and description, as a community writes it.
func needText(r *rand.Rand, cat, street, comm string) (title, desc string) {
	th := Themes[cat]
	gripe := pick(r, th.Gripes)
	if r.IntN(2) == 0 {
		title = comm + pick(r, th.Subjects) + pick(r, th.Problems)
	} else {
		title = comm + pick(r, th.Actions) + "服务需求"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s，%s。", pick(r, needOpeners), gripe, pick(r, th.Problems))
	for range r.IntN(3) {
		switch r.IntN(3) {
		case 0:
			fmt.Fprintf(&b, "%s%s也是个问题。", pick(r, connectors), pick(r, th.Gripes))
		case 1:
			fmt.Fprintf(&b, "%s那边大概有%d户受影响。", pick(r, th.Places), 5+r.IntN(300))
		default:
			fmt.Fprintf(&b, "主要在%s%s。", street, comm)
		}
	}
	fmt.Fprintf(&b, needAsks[r.IntN(len(needAsks))]+"。", pick(r, th.Actions))
	return title, b.String()
}

// ---- Completed projects ----

// Rating is one resident's stars on a completed project.
type Rating struct {
	UserID  string
	Stars   int
	Comment string
	At      time.Time
}

// Project is a completed project: a closed need with its awarded proposal,
// award, contract, one accepted milestone, an acceptance and ratings.
type Project struct {
	Need          procurement.Need
	Proposal      procurement.Proposal
	Milestone     procurement.Milestone
	Start, End    time.Time
	AcceptComment string
	Beneficiaries int
	Ratings       []Rating
	EventID       string
}

// Project is completed project i.
func (g *Gen) Project(i int) Project {
	r := g.rng(saltProject, i)
	cat := g.theme(r)
	oi := g.orgFor(r, cat)
	ob := g.orgBasics(oi)
	cat = ob.cat
	s, c := ob.street, ob.comm
	if r.IntN(10) < 3 || c < 0 {
		s, c = place(r)
	}
	if r.IntN(10) == 0 {
		c = -1
	}
	where := Geography[s].Name
	if c >= 0 {
		where = Geography[s].Communities[c]
	}
	// Created in number order over five years (so ids, which carry the
	// time, grow with the row number and inserts append to the indexes),
	// awarded three to eight weeks later, completed at least a week ago.
	duration := 30 + r.IntN(335)
	created := g.spread(i, g.Scale.Projects, g.Anchor.AddDate(-6, 0, 0), g.Anchor.AddDate(0, 0, -432))
	start := created.AddDate(0, 0, 20+r.IntN(40))
	end := start.AddDate(0, 0, duration)
	n := procurement.Need{ID: g.ID(saltProject, i, created), StreetID: g.streetID(s), CommunityID: g.communityID(s, c),
		Category: cat, CategorySource: procurement.CategoryStaff, CategoryConfidence: 100,
		BudgetFen: int64(20+r.IntN(280)) * 1000_00, Procedure: procurement.Open, Status: procurement.Closed,
		AwardedAt: start, AwardedOrgID: g.OrgID(oi), CreatedAt: created, UpdatedAt: end, PublishedAt: created.AddDate(0, 0, 3)}
	n.Title, n.Description = projectText(r, cat, Geography[s].Name, where)
	p := procurement.Proposal{ID: g.ID(saltProposal, i, start), NeedID: n.ID, OrgID: n.AwardedOrgID,
		Summary: pick(r, approaches), Plan: n.Description, PriceFen: n.BudgetFen, DurationDays: duration,
		Status: procurement.ProposalAwarded, SubmittedAt: start.AddDate(0, 0, -10)}
	n.AwardedProposalID = p.ID
	pr := Project{Need: n, Proposal: p, Start: start, End: end, AcceptComment: pick(r, acceptComments),
		Beneficiaries: 50 + r.IntN(3000), EventID: g.ID(saltEvent, i, end)}
	pr.Milestone = procurement.Milestone{ID: g.ID(saltMilestone, i, end), NeedID: n.ID, Position: 1, Title: n.Title,
		Due: end, AmountFen: n.BudgetFen, Status: procurement.MilestoneAccepted}
	if g.Scale.Residents > 0 {
		k := r.IntN(4)
		first := r.IntN(g.Scale.Residents)
		for j := range min(k, g.Scale.Residents) {
			stars := 5 - int(4.99*r.Float64()*r.Float64()*r.Float64())
			stars = max(1, min(5, stars))
			at := end.AddDate(0, 0, 1+r.IntN(20))
			if at.After(g.Anchor) {
				at = g.Anchor.Add(-time.Hour)
			}
			pr.Ratings = append(pr.Ratings, Rating{UserID: g.ResidentID((first + j) % g.Scale.Residents), Stars: stars,
				Comment: pick(r, ratingComments[stars-1]), At: at})
		}
	}
	return pr
}

// ---- Needs in every other state ----

// OpenNeed is a need that is not a completed project: a draft, on the
// board, being evaluated, awarded, under contract, cancelled or failed.
type OpenNeed struct {
	Need       procurement.Need
	Criteria   []procurement.Criterion // with ids
	Proposals  []procurement.Proposal
	Contract   bool
	AcceptedAt time.Time // accepted (验收), not yet closed
	Start, End time.Time
	Milestones []procurement.Milestone
	EventID    string
}

// needStatuses and their weights: the board (published) is most of it.
var needStatuses = []struct {
	s procurement.Status
	w int
}{{procurement.Draft, 6}, {procurement.Submitted, 6}, {procurement.Published, 40}, {procurement.Evaluating, 10},
	{procurement.Awarded, 5}, {procurement.Contracted, 5}, {procurement.InProgress, 12}, {procurement.Delivered, 3},
	{procurement.Accepted, 2}, {procurement.Cancelled, 6}, {procurement.Failed, 5}}

// Need is need i.
func (g *Gen) Need(i int) OpenNeed {
	r := g.rng(saltNeed, i)
	w := r.IntN(100)
	status := procurement.Published
	for _, x := range needStatuses {
		if w < x.w {
			status = x.s
			break
		}
		w -= x.w
	}
	cat := g.theme(r)
	s, c := place(r)
	if r.IntN(8) == 0 {
		c = -1
	}
	where := Geography[s].Name
	if c >= 0 {
		where = Geography[s].Communities[c]
	}
	created := g.spread(i, g.Scale.Needs, g.Anchor.AddDate(0, 0, -90), g.Anchor.AddDate(0, 0, -10))
	n := procurement.Need{ID: g.ID(saltNeed, i, created), StreetID: g.streetID(s), CommunityID: g.communityID(s, c),
		Category: cat, CategorySource: procurement.CategoryStaff, CategoryConfidence: 100,
		BudgetFen: int64(10+r.IntN(290)) * 1000_00, Procedure: procurement.Open, Status: status,
		ObjectionDays: 5, CreatedAt: created, UpdatedAt: created}
	n.Title, n.Description = needText(r, cat, Geography[s].Name, where)
	on := OpenNeed{EventID: g.ID(saltEvent, 1<<30|i, created)}
	for k, cr := range procurement.DefaultCriteria() {
		cr.ID = g.ID(saltNeed, 1<<28|i<<2|k, created)
		on.Criteria = append(on.Criteria, cr)
	}
	// Times: published a while ago; the board's deadlines lie ahead.
	published := created.AddDate(0, 0, 2)
	switch status {
	case procurement.Draft, procurement.Submitted:
	case procurement.Published:
		published = g.Anchor.AddDate(0, 0, -1-r.IntN(8))
		n.Deadline = g.Anchor.AddDate(0, 0, 7+r.IntN(30)).Truncate(time.Hour)
	default:
		n.Deadline = published.AddDate(0, 0, 10+r.IntN(10))
		if n.Deadline.After(g.Anchor) {
			n.Deadline = g.Anchor.Add(-24 * time.Hour)
		}
	}
	if status != procurement.Draft && status != procurement.Submitted {
		n.PublishedAt = published
		n.QACutoff = n.Deadline.Add(-48 * time.Hour)
		n.UpdatedAt = published
	}
	bidders := 0
	switch status {
	case procurement.Published:
		bidders = r.IntN(4)
	case procurement.Evaluating, procurement.Awarded, procurement.Contracted, procurement.InProgress, procurement.Delivered,
		procurement.Accepted:
		bidders = 1 + r.IntN(4)
	}
	seen := map[int]bool{}
	for k := range bidders {
		oi := g.orgFor(r, cat)
		if seen[oi] {
			continue
		}
		seen[oi] = true
		at := n.Deadline.Add(-time.Duration(1+r.IntN(96)) * time.Hour)
		if status == procurement.Published && at.After(g.Anchor) {
			at = g.Anchor.Add(-time.Duration(1+r.IntN(48)) * time.Hour)
		}
		p := procurement.Proposal{ID: g.ID(saltProposal, 1<<29|i<<3|k, at), NeedID: n.ID, OrgID: g.OrgID(oi),
			Summary: pick(r, approaches), Plan: fmt.Sprintf("围绕“%s”，%s", n.Title, pick(r, Themes[cat].Actions)),
			PriceFen: n.BudgetFen - int64(r.IntN(10))*1000_00/2, DurationDays: 60 + r.IntN(300),
			Status: procurement.ProposalSubmitted, SubmittedAt: at}
		on.Proposals = append(on.Proposals, p)
	}
	if len(on.Proposals) > 0 && status != procurement.Published && status != procurement.Evaluating {
		win := r.IntN(len(on.Proposals))
		for k := range on.Proposals {
			on.Proposals[k].Status = procurement.ProposalNotAwarded
		}
		on.Proposals[win].Status = procurement.ProposalAwarded
		n.AwardedOrgID, n.AwardedProposalID = on.Proposals[win].OrgID, on.Proposals[win].ID
		n.AwardedAt = n.Deadline.Add(72 * time.Hour)
		if n.AwardedAt.After(g.Anchor) {
			n.AwardedAt = g.Anchor.Add(-time.Hour)
		}
		if status != procurement.Awarded {
			on.Contract = true
			on.Start = n.AwardedAt.Add(24 * time.Hour)
			on.End = on.Start.AddDate(0, 0, on.Proposals[win].DurationDays)
			titles := []string{"需求调研与服务方案细化", "服务实施与中期评估", "总结评估与成果交付"}
			price := on.Proposals[win].PriceFen
			for k, t := range titles {
				st := procurement.MilestonePending
				switch {
				case status == procurement.Delivered || status == procurement.Accepted:
					st = procurement.MilestoneAccepted
				case status == procurement.InProgress && k == 0:
					st = procurement.MilestoneAccepted
				case status == procurement.InProgress && k == 1 && r.IntN(2) == 0:
					st = procurement.MilestoneReported
				}
				amt := price / 3
				if k == 2 {
					amt = price - 2*(price/3)
				}
				on.Milestones = append(on.Milestones, procurement.Milestone{ID: g.ID(saltMilestone, 1<<29|i<<2|k, on.Start),
					NeedID: n.ID, Position: k + 1, Title: t,
					Due: on.Start.Add(on.End.Sub(on.Start) * time.Duration(k+1) / 3), AmountFen: amt, Status: st})
			}
		}
	}
	if status == procurement.Accepted && on.Contract {
		on.AcceptedAt = on.End
		if on.AcceptedAt.After(g.Anchor) {
			on.AcceptedAt = g.Anchor.Add(-time.Hour)
		}
	}
	on.Need = n
	return on
}

// ---- Activities ----

// Activity is a volunteer activity an organization ran or will run.
type Activity struct {
	ID, Title, Description, OrgID, StreetID, CommunityID, Address, Secret string
	Type                                                                  activities.Type
	Starts, Ends, Created                                                 time.Time
	Capacity                                                              int
	Status                                                                string
}

var activityTypes = map[string]activities.Type{"greening": "greening", "childcare": "kids_science", "reading": "reading",
	"digital": "elder_digital", "culture": "culture", "environment": "environment", "safety": "safety", "elderly": "elderly_care"}

// Activity is activity i.
func (g *Gen) Activity(i int) Activity {
	r := g.rng(saltActivity, i)
	oi := r.IntN(max(g.Scale.Orgs, 1))
	ob := g.orgBasics(oi)
	s, c := ob.street, ob.comm
	if c < 0 {
		c = r.IntN(len(Geography[s].Communities))
	}
	th := Themes[ob.cat]
	typ, ok := activityTypes[ob.cat]
	if !ok {
		typ = "volunteer"
	}
	comm := Geography[s].Communities[c]
	var starts time.Time
	status := "finished"
	if r.IntN(10) < 3 {
		status = "published"
		starts = g.Anchor.AddDate(0, 0, 2+r.IntN(30))
	} else {
		starts = g.Anchor.AddDate(0, 0, -2-r.IntN(700))
	}
	starts = time.Date(starts.Year(), starts.Month(), starts.Day(), 1+r.IntN(8), 0, 0, 0, time.UTC) // 9:00–16:00 Beijing
	a := Activity{ID: g.ID(saltActivity, i, starts.AddDate(0, 0, -14)), OrgID: g.OrgID(oi), StreetID: g.streetID(s),
		CommunityID: g.communityID(s, c), Type: typ, Starts: starts, Ends: starts.Add(time.Duration(1+r.IntN(3)) * time.Hour),
		Created: starts.AddDate(0, 0, -14), Capacity: 10 + r.IntN(50), Status: status, Secret: hexToken(r, 16)}
	a.Title = fmt.Sprintf("%s%s志愿活动", strings.TrimSuffix(comm, "社区"), pick(r, th.Actions))
	a.Description = fmt.Sprintf("面向%s，%s。欢迎居民报名参加，活动结束后由组织方确认服务时长。", pick(r, th.Subjects), pick(r, th.Actions))
	a.Address = comm + pick(r, th.Places)
	return a
}

// ---- Points postings ----

// A resident's postings are every Residents-th posting: posting i is the
// (i / Residents)-th of resident i % Residents, so a resident's balance
// before any of them is the sum of the earlier ones, computed without
// reading the database, and the postings are written in time order.

// Posting is posting i: an award from the resident's street pool for
// volunteering, or, once the resident has enough, a redemption at a
// merchant of their street. A resident's balance never goes below zero.
func (g *Gen) Posting(i int) points.Posting { return g.posting(i) }

func (g *Gen) postingAt(i int) time.Time {
	span := 365 * 24 * time.Hour
	return g.Anchor.Add(-span + time.Duration(int64(span)/int64(max(g.Scale.Postings, 1))*int64(i)))
}

var (
	awardReasons = []string{"参加社区志愿服务", "参加垃圾分类桶前值守", "参加文明养犬劝导", "参加社区花园养护", "参加助老探访",
		"参加反诈宣传", "参加社区议事会", "参加四点半课堂志愿服务"}
	goods = []string{"鸡蛋一盒", "洗衣液一瓶", "理发一次", "早餐券", "大米五斤", "食用油一桶", "修鞋一次", "水果一份"}
)

// step draws posting i given the resident's balance before it: an award,
// or a redemption when a third of the time the resident can afford it.
func (g *Gen) step(i int, bal int64) (r *rand.Rand, spend bool, award, price int64) {
	r = g.rng(saltPosting, i)
	spend = r.IntN(3) == 0 && g.Scale.Merchants > 0
	award = int64(10 * (1 + r.IntN(6)))
	price = int64(20 * (1 + r.IntN(5)))
	return r, spend && bal >= price, award, price
}

// posting builds posting i, walking the resident's earlier postings for
// the balance before it.
func (g *Gen) posting(i int) points.Posting {
	R := g.Scale.Residents
	res, k := i%R, i/R
	var bal int64
	for j := range k {
		if _, spend, award, price := g.step(res+j*R, bal); spend {
			bal -= price
		} else {
			bal += award
		}
	}
	r, spend, award, price := g.step(i, bal)
	s, _, _ := g.residentPlace(res)
	resident := points.AccountID(points.Resident, g.ResidentID(res))
	p := points.Posting{ID: g.ID(saltPosting, i, g.postingAt(i)), Key: fmt.Sprintf("gen:%09d", i), CreatedAt: g.postingAt(i)}
	if spend {
		m := r.IntN(g.Scale.Merchants)
		if ms := g.merchantsOf[s]; len(ms) > 0 {
			m = ms[r.IntN(len(ms))]
		}
		p.Kind, p.From, p.To, p.Amount = points.KindRedemption, resident, points.AccountID(points.MerchantAcct, g.MerchantID(m)), price
		p.Reason = "兑换" + pick(r, goods)
	} else {
		p.Kind, p.From, p.To, p.Amount = points.KindAward, points.AccountID(points.Pool, g.streetID(s)), resident, award
		p.Reason, p.RuleID = pick(r, awardReasons), g.RuleID
	}
	return p
}
