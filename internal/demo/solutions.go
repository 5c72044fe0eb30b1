package demo

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/store"
)

// The demo's solution catalog (同款方案): standardized solutions distilled
// from the demo's completed projects, every one through the store's own
// path — proposed by the delivering organization's administrator (or, when
// that organization has no account, by the platform's operations officer),
// submitted, and published by the coordinator (周明远). Those of the past
// projects are in the catalog from the platform's first day, so two of the
// tenders adopt one (tenders.go: needSpec.Adopt); those of finished tenders
// are proposed at the end, a few still in draft or under review.

// solutionSpec is one demo solution.
type solutionSpec struct {
	key      string   // referred to by needSpec.Adopt
	projects []string // past projects (demo-pNN) or finished tenders (by title)
	title    string
	cat      string
	problem  string
	summary  string
	tags     string // words separated by 、
	pop      string // whom it suits, separated by 、
	types    []string
	steps    []catalog.Step
	staff    int
	vols     int
	material string // separated by 、
	outcomes []catalog.Outcome
	risks    []catalog.Risk
	leave    catalog.Status // "" published; draft or in_review: left there
}

func st(title string, days int) catalog.Step { return catalog.Step{Title: title, Days: days} }

func std(title, detail string, days int) catalog.Step {
	return catalog.Step{Title: title, Detail: detail, Days: days}
}

func oc(text, indicator, target string) catalog.Outcome {
	return catalog.Outcome{Text: text, Indicator: indicator, Target: target}
}

func rk(text, mitigation string) catalog.Risk {
	return catalog.Risk{Text: text, Mitigation: mitigation}
}

var (
	oldEstate = []string{"old_estate"}
	anyEstate = []string{"old_estate", "commercial", "resettlement", "affordable", "mixed"}
	bigEstate = []string{"commercial", "resettlement", "mixed"}
)

// pastSolutions are distilled from the imported past projects.
var pastSolutions = []solutionSpec{
	{key: "council", projects: []string{"demo-p01"}, title: "居民议事会培育陪伴", cat: "participation",
		problem: "社区公共事务多靠居委会包办，居民参与少，楼道堆物、设施更新等问题久议不决。",
		summary: "专业社工陪伴社区组建居民议事会，完善议事规则，围绕居民关心的议题开展协商，形成可执行的议事成果。",
		tags:    "议事会、协商议事、居民自治", pop: "楼门长、居民骨干", types: anyEstate,
		steps: []catalog.Step{std("议题征集与骨干发掘", "入户走访和线上问卷征集议题，发现热心居民", 20), st("议事会组建与规则制定", 20),
			std("议事技能培训", "主持、表达、倾听与共识形成的工作坊", 30), std("围绕议题协商议事", "每月至少一次，形成会议纪要", 90), st("议事成果落实与公示", 20)},
		staff: 2, vols: 15, material: "议事规则手册、会议记录本",
		outcomes: []catalog.Outcome{oc("议事会常态化运转", "协商议事次数", "≥ 8 次"), oc("议事成果落地", "议题办结率", "≥ 70%")},
		risks:    []catalog.Risk{rk("居民骨干流失", "建立轮值和激励机制，与楼门长队伍衔接")}},
	{key: "children", projects: []string{"demo-p02"}, title: "困境儿童关爱个案服务", cat: "childcare",
		problem: "社区困境儿童家庭监护不足，学业和心理缺少持续关注，救助资源分散。",
		tags:    "困境儿童、个案管理、学业辅导", pop: "困境儿童、留守儿童", types: anyEstate,
		steps: []catalog.Step{st("摸排建档", 20), st("个案评估与服务计划", 20), std("学业辅导与亲子活动", "每周一次，志愿者一对一", 150), st("链接助学资源", 30), st("结案评估", 20)},
		staff: 3, vols: 12,
		outcomes: []catalog.Outcome{oc("困境儿童得到持续关爱", "建档儿童跟进率", "100%"), oc("学业改善", "成绩提升的儿童占比", "≥ 60%")},
		risks:    []catalog.Risk{rk("儿童隐私泄露", "档案专人保管，活动照片不露脸")}},
	{key: "neighbours", projects: []string{"demo-p03"}, title: "睦邻点建设与邻里互助", cat: "volunteering",
		problem: "新建和大型小区邻里互不相识，遇事无人帮，居民对社区缺少归属感。",
		tags:    "睦邻点、邻里互助、节日活动", pop: "全体居民", types: bigEstate,
		steps: []catalog.Step{st("选点与空间布置", 30), st("培育睦邻点负责人", 40), st("组织邻里互助和节日活动", 200), st("经验总结与推广", 30)},
		staff: 2, vols: 20, material: "睦邻点标识、活动物资",
		outcomes: []catalog.Outcome{oc("睦邻点常态开放", "每周开放天数", "≥ 3 天"), oc("邻里关系改善", "居民认识邻居数量", "提升 50%")},
		risks:    []catalog.Risk{rk("场地不稳定", "与物业和社区签订场地使用约定")}},
	{key: "mealtable", projects: []string{"demo-p04"}, title: "社区老年餐桌与送餐上门", cat: "elderly",
		problem: "高龄、独居老人做饭难、吃饭不规律，社区缺少可负担的助餐服务。",
		summary: "依托社区养老服务驿站开设老年餐桌，堂食与送餐上门结合，志愿者送餐时顺带探访。",
		tags:    "助餐、老年餐桌、送餐上门", pop: "高龄老人、独居老人、失能老人", types: anyEstate,
		steps: []catalog.Step{std("需求摸底与餐标确定", "登记用餐老人，与街道确定补贴标准", 20), st("餐食供应商遴选与食品安全培训", 20),
			std("堂食与送餐上门试运营", "每日午餐，送餐志愿者顺带探访", 60), std("正式运营与满意度回访", "每月回访，调整菜品", 200)},
		staff: 4, vols: 20, material: "保温餐箱、送餐车、餐具消毒设备",
		outcomes: []catalog.Outcome{oc("老人按时吃上热饭", "每日供餐份数", "≥ 80 份"), oc("老人满意", "用餐老人满意度", "≥ 90%")},
		risks: []catalog.Risk{rk("食品安全事故", "供应商资质审查、留样和每日检查"),
			rk("送餐人手不足", "志愿者排班与骑手驿站合作")}},
	{key: "visits", projects: []string{"demo-p05"}, title: "高龄独居老人定期巡访", cat: "elderly",
		problem: "独居、高龄老人突发疾病或意外无人知晓，家属不在身边。",
		tags:    "巡访、独居老人、健康档案", pop: "80岁以上独居老人、空巢老人", types: anyEstate,
		steps: []catalog.Step{st("名册核实与风险分级", 15), std("每周上门或电话巡访", "高风险老人每周上门", 160), st("建立巡访台账和紧急联络机制", 10), st("季度评估", 15)},
		staff: 2, vols: 15,
		outcomes: []catalog.Outcome{oc("老人安全有人知", "按期巡访率", "≥ 95%"), oc("紧急情况及时处置", "处置响应时间", "≤ 30 分钟")},
		risks:    []catalog.Risk{rk("老人拒绝上门", "先电话建立信任，请熟悉的邻居陪同")}},
	{key: "phones", projects: []string{"demo-p06"}, title: "银发智能手机课堂", cat: "digital",
		problem: "不少老人不会用智能手机挂号、缴费、视频通话，容易被诈骗信息骗。",
		summary: "小班教学加一对一答疑，配套图文操作手册，课后由志愿者持续答疑。",
		tags:    "智能手机、数字素养、防诈", pop: "60岁以上老人", types: anyEstate,
		steps: []catalog.Step{st("报名与分班", 7), std("小班课堂", "每期8到10人，挂号、缴费、视频通话、识别诈骗", 62),
			st("一对一答疑", 16), st("结业测评", 5)},
		staff: 1, vols: 8, material: "教学手机、图文操作手册",
		outcomes: []catalog.Outcome{oc("老人学会常用功能", "结业测评通过率", "≥ 85%"), oc("防诈意识提升", "能识别诈骗信息的学员占比", "≥ 90%")},
		risks:    []catalog.Risk{rk("学了就忘", "编印图文手册，建立课后答疑群")}},
	{key: "showcase", projects: []string{"demo-p07"}, title: "社会组织公益项目展示交流会", cat: "capacity",
		problem: "辖区社会组织各自为战，好项目缺少展示和交流机会，居民不了解。",
		tags:    "项目展示、交流、能力建设", pop: "社会组织、社区工作者", types: anyEstate,
		steps: []catalog.Step{st("征集展示项目", 30), st("评选与辅导", 50), st("展示会与交流会", 10), st("成果汇编", 30)},
		staff: 3, vols: 10, material: "展板、场地",
		outcomes: []catalog.Outcome{oc("优秀项目得到展示", "参展项目数", "≥ 20 个")},
		risks:    []catalog.Risk{rk("参与积极性不高", "与年度评优挂钩")}},
	{key: "adoptgreen", projects: []string{"demo-p08"}, title: "公共绿地居民认养", cat: "greening",
		problem: "小区公共绿地缺管护，黄土裸露、杂草丛生，居民有意愿却无组织。",
		tags:    "绿地认养、园艺、社区营造", pop: "园艺爱好者、退休居民", types: oldEstate,
		steps: []catalog.Step{st("选定认养地块", 10), st("招募认养家庭", 20), st("补植与轮值养护", 110), st("认养成果展示", 10)},
		staff: 1, vols: 25, material: "苗木、园艺工具",
		outcomes: []catalog.Outcome{oc("绿地有人管", "认养地块养护达标率", "≥ 90%")},
		risks:    []catalog.Risk{rk("夏季养护中断", "轮值表与提醒群")}},
	{key: "sorting", projects: []string{"demo-p09"}, title: "垃圾分类宣传月与桶前值守", cat: "environment",
		problem: "居民分类意识弱，厨余垃圾混投，分出率低。",
		tags:    "垃圾分类、桶前值守、入户宣传", pop: "全体居民", types: anyEstate,
		steps: []catalog.Step{st("入户宣传", 20), std("桶前值守督导", "早晚投放高峰", 30), st("分类知识竞赛", 5), st("效果评估", 5)},
		staff: 2, vols: 30, material: "宣传册、分类指引牌",
		outcomes: []catalog.Outcome{oc("厨余垃圾分出率提升", "厨余垃圾分出率", "提高 10 个百分点")},
		risks:    []catalog.Risk{rk("宣传月后反弹", "培育常态化居民督导队")}},
	{key: "mutualaid", projects: []string{"demo-p10"}, title: "邻里互助队培育与互助积分", cat: "volunteering",
		problem: "独居老人、困难家庭的代购、陪诊、小修小补等零碎需求无人回应。",
		tags:    "邻里互助、互助积分、志愿服务", pop: "独居老人、困难家庭", types: anyEstate,
		steps: []catalog.Step{st("招募互助队员", 20), st("需求登记与配对", 20), st("开展代购陪诊维修服务", 120), st("互助积分兑换", 20)},
		staff: 1, vols: 30,
		outcomes: []catalog.Outcome{oc("零碎需求得到回应", "互助服务次数", "≥ 300 次")},
		risks:    []catalog.Risk{rk("服务安全", "为队员购买志愿者保险")}},
	{key: "incubate", projects: []string{"demo-p11"}, title: "社区社会组织孵化培育", cat: "capacity",
		problem: "社区社会组织数量少、能力弱，财务和项目管理不规范。",
		tags:    "孵化、财务管理、项目设计", pop: "社区社会组织骨干", types: anyEstate,
		steps: []catalog.Step{st("需求评估", 20), st("分类培训", 90), st("项目陪伴", 130), st("评估出壳", 30)},
		staff: 3, vols: 5,
		outcomes: []catalog.Outcome{oc("社区社会组织成长", "孵化组织数", "≥ 6 家")},
		risks:    []catalog.Risk{rk("骨干时间不足", "培训安排在周末，线上线下结合")}},
	{key: "mediation", projects: []string{"demo-p12"}, title: "人民调解志愿者培训与驻点调解", cat: "legal",
		problem: "邻里噪音、漏水、宠物等纠纷频发，小矛盾容易激化。",
		tags:    "人民调解、普法、矛盾纠纷", pop: "全体居民", types: anyEstate,
		steps: []catalog.Step{st("调解志愿者招募", 20), st("调解技能培训", 30), st("驻点调解", 120), st("普法讲座", 30)},
		staff: 2, vols: 12,
		outcomes: []catalog.Outcome{oc("纠纷就地化解", "调解成功率", "≥ 85%")},
		risks:    []catalog.Risk{rk("调解失当", "疑难纠纷转介律师和司法所")}},
	{key: "rehab", projects: []string{"demo-p13"}, title: "残疾人康复互助小组", cat: "disability",
		problem: "社区残疾人康复训练缺乏持续性，家属照护压力大，辅助器具不会选。",
		tags:    "康复、互助小组、辅助器具", pop: "肢体残疾人、残疾人家属", types: anyEstate,
		steps: []catalog.Step{st("入户评估", 20), std("每周康复训练", "康复师带领小组训练", 120), st("心理疏导与家属支持", 30), st("辅助器具适配", 10)},
		staff: 2, vols: 10, material: "康复器材",
		outcomes: []catalog.Outcome{oc("康复训练常态化", "参与训练人数", "≥ 30 人"), oc("生活自理能力提高", "自评改善比例", "≥ 60%")},
		risks:    []catalog.Risk{rk("训练受伤", "康复师评估后分级训练")}},
	{key: "respite", projects: []string{"demo-p14"}, title: "心智障碍者家庭喘息服务", cat: "disability",
		problem: "心智障碍者家属长期全天照护，身心俱疲，缺少喘息机会。",
		tags:    "喘息服务、心智障碍、家长互助", pop: "心智障碍者家庭", types: anyEstate,
		steps: []catalog.Step{st("家庭评估", 20), std("每周半天托养陪伴", "专业人员带领", 180), st("家长互助沙龙", 30), st("服务评估", 10)},
		staff: 3, vols: 8,
		outcomes: []catalog.Outcome{oc("照护者得到喘息", "每户每月喘息时长", "≥ 16 小时")},
		risks:    []catalog.Risk{rk("托养安全", "一对一陪伴，配备应急预案")}},
	{key: "chronic", projects: []string{"demo-p15"}, title: "慢病自我管理小组", cat: "health",
		problem: "社区高血压、糖尿病老人多，用药和饮食管理不规范。",
		tags:    "慢病管理、高血压、糖尿病", pop: "慢病老人", types: anyEstate,
		steps: []catalog.Step{st("招募组员并建档", 15), std("健康讲座与自测指导", "联合社区卫生服务站", 120), st("同伴互助打卡", 30), st("效果评估", 15)},
		staff: 1, vols: 6, material: "血压计、血糖仪",
		outcomes: []catalog.Outcome{oc("慢病控制改善", "血压达标率", "提高 15%")},
		risks:    []catalog.Risk{rk("医疗风险", "医学问题转介社区卫生服务站")}},
	{key: "mental", projects: []string{"demo-p16"}, title: "青少年心理健康支持", cat: "health",
		problem: "青少年学业压力大，情绪问题多，家长不知如何应对。",
		tags:    "心理健康、团体辅导、家庭教育", pop: "青少年、家长", types: bigEstate,
		steps: []catalog.Step{st("心理健康讲座", 30), st("团体辅导", 90), st("个案咨询", 60), st("危机转介机制", 20)},
		staff: 3, vols: 4,
		outcomes: []catalog.Outcome{oc("心理求助渠道畅通", "求助后48小时内响应率", "100%")},
		risks:    []catalog.Risk{rk("危机个案", "与学校、医院建立转介流程")}},
	{key: "picturebook", projects: []string{"demo-p17"}, title: "亲子绘本共读", cat: "reading",
		problem: "双职工家庭亲子陪伴少，社区书屋利用率低。",
		tags:    "绘本、亲子阅读、社区书屋", pop: "3到8岁儿童家庭", types: anyEstate,
		steps: []catalog.Step{st("招募故事妈妈", 20), st("故事妈妈培训", 20), std("每周末共读活动", "每场一本绘本加手工", 100), st("阅读成果展", 10)},
		staff: 1, vols: 10, material: "绘本、手工材料",
		outcomes: []catalog.Outcome{oc("书屋热起来", "共读活动场次", "≥ 40 场")},
		risks:    []catalog.Risk{rk("故事妈妈流失", "建立轮值和积分激励")}},
	{key: "elderschool", projects: []string{"demo-p18"}, title: "社区老年学堂", cat: "reading",
		problem: "退休老人学习需求旺盛，老年大学名额紧张、距离远。",
		tags:    "老年教育、书法、终身学习", pop: "退休老人", types: anyEstate,
		steps: []catalog.Step{st("课程需求调查", 15), st("聘请讲师与排课", 15), std("每学期16周授课", "书法、历史文化、健康养生", 225), st("学习成果展", 15)},
		staff: 4, vols: 6,
		outcomes: []catalog.Outcome{oc("老人就近上学", "学员人数", "≥ 100 人")},
		risks:    []catalog.Risk{rk("场地冲突", "与社区活动室统一排期")}},
	{key: "serviceday", projects: []string{"demo-p19"}, title: "社区便民服务日", cat: "convenience",
		problem: "小区周边维修、理发等便民网点少，老人出门不便。",
		tags:    "便民服务、家电维修、理发", pop: "老人、全体居民", types: anyEstate,
		steps: []catalog.Step{st("商户和志愿者招募", 20), std("每月一次便民服务日", "维修、磨刀、理发、修鞋", 270), st("满意度调查", 10)},
		staff: 2, vols: 15,
		outcomes: []catalog.Outcome{oc("便民服务可及", "年服务人次", "≥ 2000 人次")},
		risks:    []catalog.Risk{rk("维修纠纷", "事先告知免责与保修范围")}},
	{key: "repairs", projects: []string{"demo-p20"}, title: "便民维修进楼门", cat: "convenience",
		problem: "高龄老人和困难家庭水电、门窗坏了没人修，请师傅贵。",
		tags:    "便民维修、上门服务、退休技工", pop: "高龄老人、困难家庭", types: oldEstate,
		steps: []catalog.Step{st("组建退休技工维修队", 20), st("需求登记", 10), st("上门维修", 140), st("回访", 10)},
		staff: 1, vols: 10, material: "维修工具、常用配件",
		outcomes: []catalog.Outcome{oc("小修小补有人管", "上门维修次数", "≥ 200 次")},
		risks:    []catalog.Risk{rk("维修安全", "带电作业由持证电工，购买保险")}},
	{key: "parking", projects: []string{"demo-p21"}, title: "停车自治管理", cat: "traffic",
		problem: "小区车位远少于车辆，夜间占用消防通道，邻里为车位争吵。",
		summary: "车位摸底加居民协商，制定停车自治公约，挖潜临时车位，推动错时共享停车。",
		tags:    "停车、车位、自治公约、错时停车", pop: "有车居民", types: oldEstate,
		steps: []catalog.Step{std("车位与车辆摸底", "逐栋登记", 30), st("议事会协商停车办法", 40), st("施划临时车位与消防通道标识", 30),
			st("对接周边单位错时共享", 60), st("自治管理运行", 80)},
		staff: 2, vols: 12, material: "地面标线、指示牌",
		outcomes: []catalog.Outcome{oc("消防通道畅通", "夜间占道车辆数", "下降 80%"), oc("停车纠纷减少", "停车类投诉", "下降 50%")},
		risks:    []catalog.Risk{rk("部分车主不配合", "公约公示并由楼门长劝导")}},
	{key: "bikes", projects: []string{"demo-p22"}, title: "非机动车停放治理", cat: "traffic",
		problem: "电动车、自行车在楼道和消防通道乱停乱放，既挡路又有火灾隐患。",
		tags:    "非机动车、车棚、文明停放", pop: "全体居民", types: anyEstate,
		steps: []catalog.Step{st("乱停点位排查", 10), st("车棚选址与建设", 60), st("志愿者劝导", 40), st("长效管理", 10)},
		staff: 1, vols: 15, material: "车棚、充电设施",
		outcomes: []catalog.Outcome{oc("楼道无车", "楼道停放车辆", "清零")},
		risks:    []catalog.Risk{rk("车棚选址争议", "事先公示征求意见")}},
	{key: "dogs", projects: []string{"demo-p23"}, title: "文明养犬公约共建", cat: "pets",
		problem: "遛狗不拴绳、粪便不清理，养犬与不养犬居民矛盾多。",
		tags:    "文明养犬、养宠公约、拴绳", pop: "养犬居民、全体居民", types: anyEstate,
		steps: []catalog.Step{st("意见征集", 20), st("协商制定养犬公约", 30), st("犬只登记宣传", 30), st("拴绳遛狗劝导", 40)},
		staff: 1, vols: 10, material: "宠物便便箱、宣传牌",
		outcomes: []catalog.Outcome{oc("文明养犬", "养犬类投诉", "下降 50%")},
		risks:    []catalog.Risk{rk("劝导冲突", "两人一组，避免争执，必要时联系民警")}},
	{key: "cats", projects: []string{"demo-p24"}, title: "流浪猫绝育与文明喂养", cat: "pets",
		problem: "小区流浪猫越来越多，夜间叫声扰民，随意投喂引发矛盾。",
		tags:    "流浪猫、绝育放归、科学喂养", pop: "爱心居民、全体居民", types: anyEstate,
		steps: []catalog.Step{st("数量摸底", 15), st("捕捉绝育放归", 120), st("设立固定喂养点", 25), st("喂养志愿者培训", 20)},
		staff: 2, vols: 10,
		outcomes: []catalog.Outcome{oc("流浪猫数量稳定", "绝育覆盖率", "≥ 80%")},
		risks:    []catalog.Risk{rk("居民反对喂养点", "选址协商，定时清理")}},
	{key: "hoa", projects: []string{"demo-p25"}, title: "业委会组建全流程指导", cat: "property",
		problem: "小区长期没有业委会，物业问题无人牵头，维修资金用不起来。",
		summary: "业委会指导员依法依规陪伴：申请、筹备、选举、备案，一步不落。",
		tags:    "业委会、物业治理、业主大会", pop: "业主", types: []string{"old_estate", "commercial"},
		steps: []catalog.Step{std("宣传动员与业主摸底", "核实业主身份和专有部分面积", 60), st("向街道申请成立筹备组", 30),
			std("筹备组工作", "拟定议事规则和管理规约草案，推选候选人", 110), std("业主大会选举", "线上线下投票，过双半", 60), st("备案与交接", 40)},
		staff: 2, vols: 10, material: "选票箱、公示栏",
		outcomes: []catalog.Outcome{oc("业委会依法成立", "完成备案", "1 个"), oc("业主参与", "投票率", "≥ 50%")},
		risks:    []catalog.Risk{rk("投票率不达标", "楼门长逐户动员，线上投票"), rk("选举争议", "全程公示，街道现场监督")}},
	{key: "survey", projects: []string{"demo-p26"}, title: "物业服务满意度测评与三方协商", cat: "property", leave: catalog.InReview,
		problem: "业主对物业服务不满意，物业觉得收费难，双方缺少沟通渠道。",
		tags:    "物业服务、满意度测评、三方协商", pop: "业主", types: anyEstate,
		steps: []catalog.Step{st("测评方案设计", 10), st("入户调查", 40), st("三方协商会", 20), st("整改跟踪", 20)},
		staff: 2, vols: 8,
		outcomes: []catalog.Outcome{oc("问题清单化", "整改事项完成率", "≥ 70%")},
		risks:    []catalog.Risk{rk("测评公正性存疑", "由第三方实施并公示方法")}},
	{key: "renewal", projects: []string{"demo-p27"}, title: "老旧小区改造居民议事", cat: "renovation",
		problem: "老旧小区改造中居民意见难收集，施工扰民引发投诉。",
		tags:    "老旧小区改造、居民议事、意见征集", pop: "老旧小区居民", types: oldEstate,
		steps: []catalog.Step{st("改造意见征集", 30), st("议事会讨论方案", 40), st("施工期间协调", 100), st("改造成果验收参与", 30)},
		staff: 2, vols: 10,
		outcomes: []catalog.Outcome{oc("居民意见进方案", "采纳意见条数", "≥ 50 条")},
		risks:    []catalog.Risk{rk("期望过高", "说明改造范围和资金边界")}},
	{key: "agefriendly", projects: []string{"demo-p28"}, title: "居家适老化改造", cat: "renovation",
		problem: "高龄、失能老人家中易跌倒，卫生间、卧室缺少安全设施。",
		summary: "入户评估后按需安装扶手、防滑地面、夜灯和紧急呼叫设备，改造后回访。",
		tags:    "适老化改造、防跌倒、扶手", pop: "高龄老人、失能老人", types: oldEstate,
		steps: []catalog.Step{std("入户评估", "评估师填写评估表，家属确认", 30), st("改造方案与报价", 20), st("施工安装", 110), st("回访与使用指导", 20)},
		staff: 3, vols: 4, material: "扶手、防滑地胶、感应夜灯、紧急呼叫器",
		outcomes: []catalog.Outcome{oc("跌倒风险降低", "改造户跌倒事件", "下降 50%"), oc("改造质量合格", "验收合格率", "100%")},
		risks:    []catalog.Risk{rk("施工质量", "选择有资质的施工方，逐户验收")}},
	{key: "flood", projects: []string{"demo-p29"}, title: "社区防汛应急演练", cat: "emergency",
		problem: "低洼楼栋汛期易积水，居民不知道如何转移，应急物资不清楚。",
		tags:    "防汛、应急演练、应急物资", pop: "低洼楼栋居民、老人", types: anyEstate,
		steps: []catalog.Step{st("编制防汛预案", 25), st("组建应急小分队", 15), st("转移演练", 5), st("物资清点与补充", 15)},
		staff: 2, vols: 20, material: "沙袋、抽水泵、应急灯",
		outcomes: []catalog.Outcome{oc("居民会转移", "演练参与人数", "≥ 200 人")},
		risks:    []catalog.Risk{rk("演练安全", "安排医护和安全员")}},
	{key: "crafts", projects: []string{"demo-p30"}, title: "巧手妈妈居家就业", cat: "employment",
		problem: "全职妈妈想增加收入，却无法离家坐班。",
		tags:    "居家就业、手工编织、技能培训", pop: "全职妈妈、困难家庭", types: anyEstate,
		steps: []catalog.Step{st("招募与技能评估", 20), st("手工和网店技能培训", 60), st("对接订单", 140), st("收入跟踪", 20)},
		staff: 2, vols: 5, material: "手工材料",
		outcomes: []catalog.Outcome{oc("妈妈们增收", "月均增收", "≥ 500 元")},
		risks:    []catalog.Risk{rk("订单不稳", "对接多个渠道，发展社区市集")}},
	{key: "riders", projects: []string{"demo-p31"}, title: "骑手驿站共建", cat: "newcomers",
		problem: "外卖骑手、快递员没处歇脚充电，与社区疏离。",
		tags:    "骑手驿站、新就业群体、志愿巡查", pop: "外卖骑手、快递员", types: bigEstate,
		steps: []catalog.Step{st("选址与布置", 30), st("开放休息充电饮水服务", 150), st("组织骑手志愿巡查", 40), st("骑手议事", 20)},
		staff: 1, vols: 10, material: "充电柜、饮水机、休息桌椅",
		outcomes: []catalog.Outcome{oc("骑手有处歇脚", "驿站月服务人次", "≥ 500 人次")},
		risks:    []catalog.Risk{rk("充电安全", "使用合规充电柜，专人巡查")}},
	{key: "ebikes", projects: []string{"demo-p32"}, title: "电动自行车充电安全治理", cat: "safety",
		problem: "居民把电动自行车推进楼道、飞线充电，火灾隐患大。",
		summary: "隐患排查、集中充电设施建设和入户宣传三管齐下，杜绝进楼入户充电。",
		tags:    "电动自行车、充电桩、消防安全", pop: "电动车车主、全体居民", types: anyEstate,
		steps: []catalog.Step{st("楼道隐患排查", 15), st("集中充电桩选址与安装", 60), st("入户消防宣传", 50), st("夜间巡查", 25)},
		staff: 2, vols: 15, material: "充电桩、灭火器、宣传页",
		outcomes: []catalog.Outcome{oc("杜绝飞线充电", "楼道充电点位", "清零"), oc("集中充电可及", "新增充电端口", "≥ 40 个")},
		risks:    []catalog.Risk{rk("充电收费争议", "价格公示，议事会协商")}},
	{key: "opera", projects: []string{"demo-p33"}, title: "戏曲进社区", cat: "culture",
		problem: "老年居民喜爱戏曲，社区缺少演出和学唱机会。",
		tags:    "戏曲、文化活动、票友", pop: "老年居民", types: anyEstate,
		steps: []catalog.Step{st("组建戏曲社", 20), st("每月演出与教唱", 150), st("戏曲擂台赛", 10)},
		staff: 1, vols: 20,
		outcomes: []catalog.Outcome{oc("文化生活丰富", "演出场次", "≥ 10 场")},
		risks:    []catalog.Risk{rk("噪音扰民", "固定时段、室内为主")}},
	{key: "elevator", projects: []string{"demo-p34"}, title: "老楼加装电梯协商陪伴", cat: "participation",
		problem: "老楼加装电梯意愿强烈，但低层住户顾虑多，单元内意见难统一。",
		summary: "社工陪伴每个单元征集意见、协商议事、调解矛盾，推动签署加装协议。",
		tags:    "加装电梯、协商议事、矛盾调解", pop: "老楼住户、高龄老人", types: oldEstate,
		steps: []catalog.Step{st("单元意愿摸底", 30), std("单元协商会", "每单元至少两次", 100), std("低层住户顾虑调解", "采光、噪音、补偿", 60),
			st("签署加装协议", 50), st("施工期协调", 60)},
		staff: 3, vols: 8,
		outcomes: []catalog.Outcome{oc("单元达成协议", "签约单元数", "≥ 5 个")},
		risks:    []catalog.Risk{rk("补偿分歧", "引入调解员，参考周边案例"), rk("施工扰民", "施工公示和每日沟通")}},
	{key: "afterschool", projects: []string{"demo-p35"}, title: "四点半课堂", cat: "childcare",
		problem: "双职工家庭小学生放学后无人看管，作业没人辅导。",
		tags:    "四点半课堂、课后托管、作业辅导", pop: "小学生、双职工家庭", types: anyEstate,
		steps: []catalog.Step{st("报名与安全协议", 10), std("放学后作业辅导", "志愿者轮值", 160), st("兴趣活动", 20), st("家长反馈", 10)},
		staff: 2, vols: 20, material: "桌椅、文具",
		outcomes: []catalog.Outcome{oc("孩子放学有去处", "每日服务儿童", "≥ 30 人")},
		risks:    []catalog.Risk{rk("儿童安全", "签到签退，家长接送确认")}},
	{key: "timebank", projects: []string{"demo-p36"}, title: "志愿服务时间银行", cat: "volunteering",
		problem: "志愿者积极性难持续，互助服务缺少记录与回馈。",
		tags:    "时间银行、志愿服务、互助", pop: "志愿者、老人", types: anyEstate,
		steps: []catalog.Step{st("规则制定", 20), st("志愿者注册", 30), st("服务记录与存储", 220), st("时长兑换", 30)},
		staff: 1, vols: 30,
		outcomes: []catalog.Outcome{oc("互助常态化", "年互助服务时长", "≥ 2000 小时")},
		risks:    []catalog.Risk{rk("兑换兑现难", "与积分制和商户合作兑换")}},
}

// tenderSolutions are distilled from tenders finished in the demo, at its end.
var tenderSolutions = []solutionSpec{
	{key: "firstaid", projects: []string{"龙腾苑社区应急救护培训"}, title: "社区应急救护培训", cat: "emergency",
		problem: "突发心脏骤停等急症时，居民不会心肺复苏，错过黄金抢救时间。",
		tags:    "应急救护、心肺复苏、AED", pop: "居民、楼门长", types: anyEstate,
		steps: []catalog.Step{st("招募学员", 5), std("心肺复苏与AED实操培训", "持证导师授课", 20), st("考核发证", 6)},
		staff: 2, vols: 6, material: "训练假人、AED训练机",
		outcomes: []catalog.Outcome{oc("居民会救护", "取证人数", "≥ 100 人")},
		risks:    []catalog.Risk{rk("培训流于形式", "实操考核合格方可发证")}},
	{key: "gardens", projects: []string{"龙锦苑四区社区花园营造", "上坡佳园社区花园营造"}, title: "社区花园参与式营造", cat: "greening",
		problem: "小区闲置边角地杂乱，居民希望有一块能一起种、一起管的花园。",
		summary: "从居民共同设计到共同建造、共同养护，把边角地变成社区花园。",
		tags:    "社区花园、参与式设计、共建共治", pop: "亲子家庭、园艺爱好者", types: anyEstate,
		steps: []catalog.Step{st("选址与意见征集", 7), st("参与式设计工作坊", 10), st("共建日", 3), st("养护公约与认养", 20)},
		staff: 2, vols: 30, material: "苗木、土壤、园艺工具",
		outcomes: []catalog.Outcome{oc("花园建成并有人养护", "养护志愿者", "≥ 20 人")},
		risks:    []catalog.Risk{rk("建成后无人管", "签订养护公约，家庭认养")}},
	{key: "newcitizens", projects: []string{"融泽嘉园社区新市民融入计划"}, title: "新市民融入计划", cat: "newcomers", leave: catalog.InReview,
		problem: "新入住的租户和随迁家庭与社区联系少，不知道去哪办事。",
		tags:    "新市民、社区融入、办事指南", pop: "新市民、随迁家庭", types: bigEstate,
		steps: []catalog.Step{st("新市民摸底", 10), st("编印办事指南", 10), st("融入活动", 20)},
		staff: 2, vols: 10,
		outcomes: []catalog.Outcome{oc("新市民融入", "参与活动的新市民", "≥ 150 人")}},
	{key: "antifraud", projects: []string{"龙锦苑一区反诈宣传进楼门"}, title: "反诈宣传进楼门", cat: "safety", leave: catalog.Draft,
		problem: "老人频繁接到诈骗电话，保健品、养老投资骗局屡禁不止。",
		tags:    "反诈、防诈骗、楼门宣传", pop: "老年居民", types: anyEstate,
		steps:    []catalog.Step{st("楼门宣传员培训", 5), st("逐楼门宣讲", 25)},
		outcomes: []catalog.Outcome{oc("老人识骗", "宣讲覆盖楼门", "100%")}},
	{key: "lonelyvisits", projects: []string{"王府公寓社区独居老人探访"}, title: "独居老人探访关爱", cat: "elderly", leave: catalog.InReview,
		problem: "独居老人突发疾病或意外无人知晓，生活需求无人回应。",
		tags:    "探访、独居老人、关爱", pop: "独居老人", types: anyEstate,
		steps: []catalog.Step{st("名册核实", 5), st("定期上门探访", 25), st("建立探访台账", 5)},
		staff: 2, vols: 15,
		outcomes: []catalog.Outcome{oc("独居老人有人关心", "按期探访率", "≥ 95%")}},
}

// fitSteps returns steps whose days add up to a total within [lo, hi]:
// unchanged when they do already (or nothing is known), else each scaled
// in proportion, the rounding left to the longest.
func fitSteps(steps []catalog.Step, lo, hi int) []catalog.Step {
	total := 0
	for _, st := range steps {
		total += st.Days
	}
	if hi == 0 || total == 0 || total >= lo && total <= hi {
		return steps
	}
	target := min(max(total, lo), hi)
	out := slices.Clone(steps)
	sum, longest := 0, 0
	for i := range out {
		if out[i].Days == 0 {
			continue
		}
		out[i].Days = max(1, int(math.Round(float64(out[i].Days)*float64(target)/float64(total))))
		sum += out[i].Days
		if out[i].Days > out[longest].Days {
			longest = i
		}
	}
	out[longest].Days += target - sum
	return out
}

// seedSolutions proposes, submits and publishes specs; projectIDs maps a
// spec's project references to need ids, providerOf a need id to its
// delivering organization's key.
func (w *world) seedSolutions(specs []solutionSpec, projectIDs map[string]string, providerOf map[string]string) error {
	if w.solutionIDs == nil {
		w.solutionIDs = map[string]string{}
	}
	for _, sp := range specs {
		var needs []string
		for _, ref := range sp.projects {
			id := projectIDs[ref]
			if id == "" {
				return fmt.Errorf("demo: solution %q: no completed project %q", sp.title, ref)
			}
			needs = append(needs, id)
		}
		// The delivering organization proposes when it has an account here;
		// else the platform's operations officer does, in the platform's name.
		// (An organization proposes from its own projects only.)
		author, orgID := w.ppl.platform, ""
		key, same := providerOf[needs[0]], true
		for _, id := range needs {
			same = same && providerOf[id] == key
		}
		if same && w.ppl.admins[key] != nil {
			author, orgID = w.ppl.admins[key], w.orgs[key].ID
		}
		// The cycle shown (周期) is what the projects took, their contract
		// terms, filled in by the store; the steps tell a typical project
		// in stages and must add up to it. The demo's tenders run weeks,
		// not months, and their terms come from the plan's dice: the steps
		// are scaled into the cycle.
		pre, err := w.s.SolutionPrefill(w.as(author), orgID, needs)
		if err != nil {
			return fmt.Errorf("demo: solution %q: prefill: %w", sp.title, err)
		}
		v := catalog.Version{Title: sp.title, Problem: sp.problem, Summary: sp.summary, Category: sp.cat,
			Tags: catalog.SplitWords(sp.tags), Suits: catalog.Suits{CommunityTypes: sp.types, Population: catalog.SplitWords(sp.pop)},
			Steps: fitSteps(sp.steps, pre.DurationMinDays, pre.DurationMaxDays), Inputs: catalog.Inputs{Staff: sp.staff, Volunteers: sp.vols, Materials: catalog.SplitWords(sp.material)},
			Outcomes: sp.outcomes, Risks: sp.risks}
		w.tick()
		sol, err := w.s.CreateSolution(w.as(author), store.SolutionProposal{OrgID: orgID, NeedIDs: needs, Version: v})
		if err != nil {
			return fmt.Errorf("demo: solution %q: %w", sp.title, err)
		}
		w.solutionIDs[sp.key] = sol.ID
		if sp.leave == catalog.Draft {
			continue
		}
		w.tick()
		if _, err := w.s.SubmitSolution(w.as(author), sol.ID); err != nil {
			return fmt.Errorf("demo: solution %q: submit: %w", sp.title, err)
		}
		if sp.leave == catalog.InReview {
			continue
		}
		w.tick()
		if _, err := w.s.PublishSolution(w.as(w.ppl.coordinator), sol.ID); err != nil {
			return fmt.Errorf("demo: solution %q: publish: %w", sp.title, err)
		}
	}
	return nil
}

// seedPastSolutions builds the catalog of the platform's first day from the
// imported past projects.
func (w *world) seedPastSolutions(ctx context.Context) error {
	projects, err := w.s.MatchProjects(ctx)
	if err != nil {
		return fmt.Errorf("demo: projects: %w", err)
	}
	ids, provider := map[string]string{}, map[string]string{}
	for _, p := range projects {
		ids[p.Key] = p.ID
		provider[p.ID] = w.keyOf[p.OrgID]
	}
	return w.seedSolutions(pastSolutions, ids, provider)
}

// seedTenderSolutions proposes solutions from tenders the demo finished.
func (w *world) seedTenderSolutions() error {
	ids, provider := map[string]string{}, map[string]string{}
	for _, t := range w.tenders {
		if t.need == nil || t.award == nil {
			continue
		}
		ids[t.sp.Title] = t.need.ID
		provider[t.need.ID] = w.keyOf[t.award.OrgID]
	}
	return w.seedSolutions(tenderSolutions, ids, provider)
}

// platformStaff is the platform's operations officer, who writes up
// solutions of organizations without an account here.
var platformStaff = struct{ phone, name string }{"13700000401", "孔令辉"}

// createPlatformStaff makes the operations officer's account and finds the
// coordinator (the platform admin login).
func (w *world) createPlatformStaff(hash string, logins map[string]*accounts.User) error {
	w.ppl.coordinator = logins["13800000001"]
	if w.ppl.coordinator == nil {
		return fmt.Errorf("demo: no platform admin login")
	}
	u := &accounts.User{Phone: platformStaff.phone, Name: platformStaff.name, PasswordHash: hash,
		Grants: []accounts.Grant{{Role: accounts.PlatformAdmin}}}
	w.tick()
	if err := w.s.CreateUser(accounts.WithActor(w.base, accounts.System()), u); err != nil {
		return fmt.Errorf("demo: user %s: %w", u.Name, err)
	}
	w.ppl.platform = u
	return nil
}
