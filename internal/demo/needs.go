package demo

import "github.com/huitian/huitian/internal/procurement"

// stage is where a demo need is left: a status of procurement, or a draft
// the street returned with a comment.
type stage string

const (
	stDraft      stage = "draft"
	stReturned   stage = "returned" // a draft with the street's comment
	stSubmitted  stage = "submitted"
	stPublished  stage = "published"
	stEvaluating stage = "evaluating"
	stAwarded    stage = "awarded"
	stContracted stage = "contracted"
	stInProgress stage = "in_progress"
	stDelivered  stage = "delivered"
	stAccepted   stage = "accepted"
	stClosed     stage = "closed"
	stCancelled  stage = "cancelled"
	stFailed     stage = "failed"
)

// needSpec is one demo need: what the community asks for and how far its
// tender has come. Ago is how many days before today its last step was.
type needSpec struct {
	Street, Community string
	Title, Desc       string
	Cat               string
	Yuan              int64
	Proc              procurement.Procedure // "" is open
	Why               string                // the justification of a direct commission
	Quals             []procurement.Qualification
	Stage             stage
	Ago               int
	Bids              int      // proposals handed in
	Winner            string   // organization key that bids and is meant to win
	Invite            []string // invited organizations (invited procedure), or the one of a direct commission
	Tw                twists
	// Adopt names the catalog solution (solutionSpec.key) the community
	// adopts (采用同款) instead of writing the need from scratch.
	Adopt string
}

// twists are the turns a need's story takes on the way.
type twists struct {
	From            stage  // cancelled: the stage it was withdrawn from (draft, submitted, published)
	Comment         string // returned: the street's comment; cancelled and failed: the reason
	Questions       int    // questions organizations asked during the tender
	Edit            bool   // the community edited the draft
	EditAfterBid    bool   // the street edited the published need after proposals came in
	Resubmit        bool   // a bidder replaced its proposal
	Objection       bool   // a losing bidder objected to the award, and the street answered
	Conflict        bool   // a reviewer declared a conflict of interest
	ReviewerPending bool   // the demo reviewer (赵文博) has not declared or scored yet
	NoPanel         bool   // the deadline passed and the street has not named a panel yet
	ReturnStone     bool   // the community sent the first milestone back once
	Done            int    // in progress: milestones accepted
	Waiting         bool   // in progress: the next milestone is reported, awaiting the community
	Retender        bool   // failed: the street tendered it again
	LoginRates      bool   // the demo resident (张桂兰) rated it
}

var (
	regOnly   = []procurement.Qualification{procurement.RegisteredOnly}
	localOnly = []procurement.Qualification{procurement.RegisteredOnly, procurement.LocalOnly}
)

// needSpecs are the demo's needs: every state, across the eight streets.
// The demo logins find work waiting for them: 王建华 (龙锦苑二区) a draft, a
// returned draft, a milestone to check and a delivery to accept; 李晓燕
// (回龙观街道) a submission to publish, an evaluation to award, an award
// to contract and an accepted project to close; 陈思雨 (惠民社工) a sealed proposal, an open
// tender and a contract to report on; 赵文博 a panel to declare on; 张桂兰
// an accepted project in her community to rate.
var needSpecs = []needSpec{
	// 回龙观街道
	{Street: "回龙观街道", Community: "龙锦苑二区社区", Title: "龙锦苑二区楼门文化营造", Cat: "participation", Yuan: 60000,
		Stage: stDraft, Ago: 2, Tw: twists{Edit: true},
		Desc: "龙锦苑二区共有42个楼门，楼道小广告多、杂物堆放，邻里之间互不相识。希望由专业机构带动楼门长和居民共同商定楼门公约、布置楼门文化墙，每个楼门至少组织一次邻里见面会，打造10个示范楼门。"},
	{Street: "回龙观街道", Community: "龙锦苑二区社区", Title: "龙锦苑二区停车治理协商", Cat: "traffic", Yuan: 80000,
		Stage: stReturned, Ago: 1, Tw: twists{Comment: "请补充小区车位与车辆数量的摸底数据，并写明居民议事会如何参与停车方案的制定。"},
		Desc: "小区约1600户，地面车位不足600个，夜间消防通道被占用的情况突出。拟引入专业机构开展车位摸底，组织居民议事会协商停车管理办法，探索与周边单位错时共享停车。"},
	{Street: "回龙观街道", Community: "龙锦苑一区社区", Title: "智能手机助老课堂", Cat: "digital", Yuan: 30000,
		Stage: stSubmitted, Ago: 1,
		Desc: "社区60岁以上老人约1100人，不少老人不会用手机挂号、缴费和视频通话。计划开设12期小班课堂，每期8至10人，配套一对一答疑，并编印图文版操作手册。"},
	{Street: "回龙观街道", Community: "新龙城社区", Title: "新龙城社区议事厅运营与居民议事会培育", Cat: "participation", Yuan: 120000,
		Stage: stPublished, Ago: 1, Bids: 3, Winner: orgAdminKey, Tw: twists{Questions: 2},
		Desc: "新龙城社区议事厅建成一年，使用率不高。希望由专业社工机构运营议事厅，培育一支30人左右的居民议事骨干队伍，每月至少组织一次议事会，围绕环境整治、公共空间改造等议题形成可落地的议事成果。"},
	{Street: "回龙观街道", Community: "龙禧苑社区", Title: "龙禧苑社区新就业群体融入服务", Cat: "newcomers", Yuan: 70000,
		Stage: stPublished, Ago: 1, Bids: 1, Tw: twists{Questions: 1},
		Desc: "辖区内居住着大量外卖骑手、快递员等新就业群体，工作时间不固定，与社区联系少。计划设立“骑手驿站”服务点，提供休息、充电、饮水服务，组织骑手参与社区志愿服务和议事活动。"},
	{Street: "回龙观街道", Community: "流星花园社区", Title: "流星花园社区垃圾分类督导", Cat: "environment", Yuan: 150000,
		Stage: stEvaluating, Ago: 1, Bids: 3, Tw: twists{Questions: 1},
		Desc: "小区共设26个垃圾分类驿站，厨余垃圾分出率不足15%。拟通过桶前值守督导、入户宣传、“绿色积分”激励等方式，一年内把厨余垃圾分出率提升到25%以上，并培育一支常态化的居民督导志愿队。"},
	{Street: "回龙观街道", Community: "龙锦苑二区社区", Title: "龙锦苑二区老楼加装电梯协商陪伴", Cat: "participation", Yuan: 180000,
		Stage: stInProgress, Ago: 1, Bids: 3, Winner: orgAdminKey, Adopt: "elevator", Tw: twists{Done: 1, Waiting: true, Questions: 1},
		Desc: "小区共有28栋六层无电梯老楼，高龄老人上下楼困难，加装电梯的意愿强烈，但低层住户顾虑较多。希望社工机构陪伴各楼门开展意见征集、协商议事和矛盾调解，推动至少6个单元达成加装电梯协议。"},
	{Street: "回龙观街道", Community: "龙锦苑二区社区", Title: "龙锦苑二区独居老人探访", Cat: "elderly", Yuan: 90000,
		Stage: stDelivered, Ago: 1, Bids: 2,
		Desc: "社区登记在册的独居、空巢老人共136位。希望由养老服务机构组织专业人员和志愿者每周上门或电话探访，建立老人健康与需求档案，遇到紧急情况及时联系家属和社区。"},
	{Street: "回龙观街道", Community: "金域华府社区", Title: "金域华府社区业委会组建指导", Cat: "property", Yuan: 100000,
		Quals: regOnly, Stage: stContracted, Ago: 2, Bids: 2, Winner: orgAdminKey, Tw: twists{Objection: true},
		Desc: "金域华府交房八年仍未成立业主大会和业委会，物业服务纠纷较多。拟委托专业机构指导业主代表推选、筹备组组建、议事规则起草和业主大会召开的全过程，确保程序合法、公开。"},
	{Street: "回龙观街道", Community: "龙锦苑四区社区", Title: "龙锦苑四区社区花园营造", Cat: "greening", Yuan: 60000,
		Stage: stAccepted, Ago: 2, Bids: 2,
		Desc: "把小区北侧约300平方米的闲置空地改造成居民共建共享的社区花园。由专业机构带领居民参与设计、种植和日常养护，同时开展自然教育亲子活动，培育一支花园志愿者队伍。"},
	{Street: "回龙观街道", Community: "龙锦苑一区社区", Title: "龙锦苑一区反诈宣传进楼门", Cat: "safety", Yuan: 40000,
		Proc: procurement.Direct, Invite: []string{"demo-o157"}, Stage: stClosed, Ago: 40, Bids: 1,
		Why:  "该机构已在本街道开展两年反诈宣传，熟悉楼门长队伍；预算低于直接委托限额，直接委托可尽快启动。",
		Desc: "近期辖区老人接到冒充公检法、“养老投资”诈骗电话增多。计划在全部楼门张贴反诈提示，开展8场反诈情景剧进楼门活动，并帮助独居老人在手机上安装国家反诈中心App。"},
	{Street: "回龙观街道", Community: "新龙城社区", Title: "新龙城社区青少年课后托管", Cat: "childcare", Yuan: 95000,
		Stage: stClosed, Ago: 120, Bids: 3, Tw: twists{Questions: 2},
		Desc: "放学后双职工家庭孩子无人看护的问题突出。拟在社区活动中心开设课后托管班，每期六周，面向6至12岁儿童提供作业辅导、安全教育、阅读和体育活动，每期不少于40名儿童。"},
	{Street: "回龙观街道", Community: "流星花园社区", Title: "流星花园社区老旧小区微更新议事", Cat: "participation", Yuan: 140000,
		Stage: stAwarded, Ago: 6, Bids: 2,
		Desc: "流星花园一区建成二十余年，楼前空地破损、晾晒无处、休息座椅不足。希望专业机构组织居民开展微更新议事和参与式设计，形成居民认可的改造方案，并陪伴居民参与施工监督和后续管护。"},
	{Street: "回龙观街道", Community: "流星花园社区", Title: "流星花园社区文明养宠宣传", Cat: "pets", Yuan: 25000,
		Stage: stCancelled, Ago: 20, Tw: twists{From: stSubmitted, Comment: "街道已统一开展文明养宠专项行动，本社区的需求已纳入其中，撤回本需求。"},
		Desc: "小区遛狗不拴绳、犬只粪便不清理引发的邻里纠纷增多。希望开展文明养宠宣传，设置宠物便便箱，组建养宠居民自律小组，并举办一次免费犬只免疫登记活动。"},

	// 龙泽园街道
	{Street: "龙泽园街道", Community: "龙泽苑社区", Title: "龙泽苑社区居民心理健康服务", Cat: "health", Yuan: 80000,
		Stage: stPublished, Ago: 2, Bids: 2, Tw: twists{Questions: 1, EditAfterBid: true},
		Desc: "社区近年来因家庭矛盾、就业压力前来求助的居民增多。希望引入专业心理服务机构，开设每周一次的心理咨询接待日，开展6场心理健康讲座和2个减压支持小组，并为社区工作者提供心理疏导。"},
	{Street: "龙泽园街道", Community: "龙跃苑东社区", Title: "龙跃苑东社区垃圾分类“绿色账户”激励", Cat: "environment", Yuan: 110000,
		Stage: stAwarded, Ago: 1, Bids: 3, Tw: twists{Objection: true},
		Desc: "社区已推行垃圾分类三年，但居民参与热情下降。计划建立“绿色账户”积分制度，居民正确投放可积分兑换生活用品，同时开展厨余堆肥、旧物交换等活动，提升居民参与率。"},
	{Street: "龙泽园街道", Community: "龙腾苑社区", Title: "龙腾苑社区应急救护培训", Cat: "emergency", Yuan: 45000,
		Stage: stClosed, Ago: 70, Bids: 2,
		Desc: "计划为社区居民、楼门长和物业人员开展心肺复苏和AED使用培训，全年不少于10期、培训300人次，考核合格者颁发救护员证书，并在社区组建应急救护志愿队。"},
	{Street: "龙泽园街道", Community: "龙华园社区", Title: "龙华园社区绿地认养与微花园", Cat: "greening", Yuan: 35000,
		Quals: localOnly, Stage: stFailed, Ago: 2, Tw: twists{Retender: true, Comment: "报名截止时没有符合条件的机构提交方案，本次征集流标。"},
		Desc: "社区内有5块长期无人管护的公共绿地。希望由本街道登记的社会组织带领居民认养绿地，把其中一块改造成共建微花园，并建立认养积分和日常养护制度。"},
	{Street: "龙泽园街道", Community: "云趣园社区", Title: "云趣园社区老年餐桌运营评估", Cat: "elderly", Yuan: 20000,
		Stage: stDraft, Ago: 5,
		Desc: "社区老年餐桌运营两年，就餐人数逐步下降。希望委托第三方机构开展就餐老人满意度调查和成本分析，提出菜品、价格和送餐服务的改进建议。"},
	{Street: "龙泽园街道", Community: "龙跃苑一区社区", Title: "龙跃苑一区文明养犬宣传与议事", Cat: "pets", Yuan: 50000,
		Stage: stInProgress, Ago: 6, Bids: 2, Tw: twists{Done: 1, ReturnStone: true},
		Desc: "围绕小区养犬矛盾，组织养犬和不养犬的居民共同议事，制定小区文明养犬公约；开展文明养犬宣传月活动，设置宠物友好区域，培育养犬居民自律队伍。"},

	// 史各庄街道
	{Street: "史各庄街道", Community: "领秀慧谷社区", Title: "领秀慧谷社区青少年四点半课堂", Cat: "childcare", Yuan: 85000,
		Stage: stInProgress, Ago: 3, Bids: 3, Tw: twists{Waiting: true},
		Desc: "社区年轻家庭多，放学后无人接送和看护的孩子约80名。拟在社区活动室开设四点半课堂，提供作业辅导、阅读、手工和体育活动，由专业社工和大学生志愿者共同带领。"},
	{Street: "史各庄街道", Community: "冠庭园社区", Title: "冠庭园社区反诈宣传", Cat: "safety", Yuan: 30000,
		Stage: stEvaluating, Ago: 1, Bids: 3, Tw: twists{ReviewerPending: true},
		Desc: "社区老年居民多，近一年发生多起保健品、虚假投资诈骗。计划开展反诈讲座、情景剧和入户提醒，建立楼门反诈宣传员队伍，覆盖全部独居老人家庭。"},
	{Street: "史各庄街道", Community: "北店嘉园社区", Title: "北店嘉园适老化改造入户评估", Cat: "renovation", Yuan: 160000,
		Quals: regOnly, Stage: stAccepted, Ago: 3, Bids: 2,
		Desc: "社区有230户高龄、失能老人家庭提出居家适老化改造需求。需要专业机构逐户上门评估，出具“一户一策”改造建议，并协助申请市区两级适老化改造补贴。"},
	{Street: "史各庄街道", Community: "融泽嘉园社区", Title: "融泽嘉园社区新市民融入计划", Cat: "newcomers", Yuan: 75000,
		Stage: stClosed, Ago: 90, Bids: 2,
		Desc: "社区租住人口占六成以上，新市民对社区事务参与度低。计划开展新市民迎新会、邻里节和技能互助活动，邀请新市民加入楼门议事和志愿服务。"},
	{Street: "史各庄街道", Community: "风雅园社区", Title: "风雅园社区老伙伴互助网络", Cat: "elderly", Yuan: 40000,
		Proc: procurement.Invited, Stage: stPublished, Ago: 3, Bids: 2, Tw: twists{Questions: 1},
		Desc: "以低龄老人结对帮扶高龄老人的方式，建立“老伙伴”互助网络，开展日常问候、陪同就医和节日探访，首批结对50对。"},
	{Street: "史各庄街道", Community: "领秀慧谷社区", Title: "领秀慧谷社区消防安全宣传", Cat: "safety", Yuan: 55000,
		Stage: stCancelled, Ago: 8, Bids: 1, Tw: twists{From: stPublished, Comment: "区消防救援支队将于近期在本社区开展同类宣传，为避免重复投入，取消本次征集。"},
		Desc: "社区高层住宅多，楼道堆物和电动自行车入户充电问题突出。计划开展消防安全入户宣传、组织消防演练，并培训一支微型消防站志愿队伍。"},

	// 霍营街道
	{Street: "霍营街道", Community: "华龙苑社区", Title: "华龙苑社区楼门长能力提升", Cat: "property", Yuan: 65000,
		Stage: stClosed, Ago: 55, Bids: 2,
		Desc: "社区有楼门长86名，普遍年龄偏大、工作方法单一。计划开展楼门长工作坊、优秀楼门经验交流和楼门微治理项目，提升楼门长组织居民、化解矛盾的能力。"},
	{Street: "霍营街道", Community: "紫金新干线社区", Title: "紫金新干线社区智能手机助老课堂", Cat: "digital", Yuan: 28000,
		Proc: procurement.Direct, Invite: []string{"demo-o006"}, Stage: stClosed, Ago: 25, Bids: 1,
		Why:  "霍营街道银发数字助老队长期在本街道各社区开设手机课堂，居民认可度高；预算2.8万元，低于直接委托限额。",
		Desc: "面向社区老人开设智能手机课堂，教授网上挂号、医保电子凭证、移动支付、视频通话和防范电信诈骗等内容，共开设10期，每期两次课。"},
	{Street: "霍营街道", Community: "龙回苑社区", Title: "龙回苑社区残疾人康复与就业支持", Cat: "disability", Yuan: 130000,
		Quals: regOnly, Stage: stEvaluating, Ago: 2, Bids: 2, Tw: twists{Conflict: true},
		Desc: "社区持证残疾人212名。希望专业机构提供上门康复指导、辅助器具适配咨询，并为有就业意愿的残疾人提供技能培训和岗位对接，年内帮助至少10人就业。"},
	{Street: "霍营街道", Community: "蓝天园社区", Title: "蓝天园社区防汛应急演练", Cat: "emergency", Yuan: 48000,
		Stage: stContracted, Ago: 4, Bids: 2,
		Desc: "小区地势低洼，汛期地下车库和低层住户易进水。计划编制社区防汛应急预案，组织两次防汛应急演练，培训应急志愿者并配备基本防汛物资清单。"},
	{Street: "霍营街道", Community: "旗胜家园社区", Title: "旗胜家园社区读书会与老年学堂", Cat: "reading", Yuan: 38000,
		Stage: stSubmitted, Ago: 3,
		Desc: "依托社区图书室开设老年学堂和亲子读书会，每月组织4次读书分享，邀请老年大学教师开设书法、健康养生课程。"},
	{Street: "霍营街道", Community: "华龙苑社区", Title: "华龙苑社区停车自治管理", Cat: "traffic", Yuan: 70000,
		Stage: stDelivered, Ago: 2, Bids: 2,
		Desc: "协助社区成立停车自治管理委员会，制定停车自治公约，规划施划车位，建立居民志愿者巡查制度，解决无序停车问题。"},

	// 天通苑北街道
	{Street: "天通苑北街道", Community: "天通北苑第一社区", Title: "天通北苑第一社区老年助餐服务", Cat: "elderly", Yuan: 200000,
		Quals: regOnly, Stage: stAccepted, Ago: 1, Bids: 3, Winner: "demo-o003", Adopt: "mealtable",
		Desc: "社区80岁以上老人近400人，子女不在身边的老人吃饭难。希望养老服务机构运营社区老年餐桌，提供堂食和送餐上门服务，每天供餐不少于120份，并对困难老人给予优惠。"},
	{Street: "天通苑北街道", Community: "天通北苑第一社区", Title: "天通北苑第一社区健身步道文化活动", Cat: "culture", Yuan: 30000,
		Stage: stClosed, Ago: 35, Bids: 2, Tw: twists{LoginRates: true},
		Desc: "结合新建成的社区健身步道，组织健步走、八段锦和广场文艺展演等活动，全年不少于12场，带动居民养成健身习惯。"},
	{Street: "天通苑北街道", Community: "天通北苑第二社区", Title: "天通北苑第二社区口袋公园共建", Cat: "participation", Yuan: 250000,
		Quals: regOnly, Stage: stInProgress, Ago: 10, Bids: 3, Tw: twists{Done: 2, Questions: 2},
		Desc: "把社区东侧约800平方米的边角地改造成口袋公园。由社区营造机构组织居民参与式设计、方案公示和共建共管，建成后由居民自治小组负责日常维护。"},
	{Street: "天通苑北街道", Community: "天通北苑第三社区", Title: "天通北苑第三社区适老化改造入户评估", Cat: "renovation", Yuan: 120000,
		Stage: stPublished, Ago: 4, Bids: 2, Tw: twists{Questions: 2},
		Desc: "社区老旧楼房多，老人居家跌倒风险高。需要专业机构为150户老人家庭上门评估，提出扶手、防滑、照明等适老化改造建议，并跟进改造效果。"},
	{Street: "天通苑北街道", Community: "天通东苑第一社区", Title: "天通东苑第一社区困难家庭帮扶", Cat: "employment", Yuan: 60000,
		Stage: stClosed, Ago: 150, Bids: 2,
		Desc: "为社区低保、低收入家庭提供个案帮扶，链接就业培训和岗位信息，组织“巧手妈妈”手工技能培训，帮助有劳动能力的家庭成员实现就业。"},
	{Street: "天通苑北街道", Community: "太平家园社区", Title: "太平家园社区居民议事会培育", Cat: "participation", Yuan: 50000,
		Stage: stReturned, Ago: 3, Tw: twists{Comment: "预算与服务内容不匹配，请细化各项活动的费用测算后再提交。"},
		Desc: "社区居民议事会成立后议事频次低、议题少。希望专业机构帮助议事会完善议事规则，培训议事骨干，每季度围绕一个居民关心的议题开展协商。"},
	{Street: "天通苑北街道", Community: "天通北苑第二社区", Title: "天通苑北街道志愿服务队伍培育", Cat: "volunteering", Yuan: 300000,
		Quals: regOnly, Stage: stClosed, Ago: 60, Bids: 3,
		Desc: "面向街道各社区培育志愿服务队伍，建立志愿者招募、培训、激励和时间银行积分制度，全年新增注册志愿者1000人，打造5个社区志愿服务品牌项目。"},

	// 天通苑南街道
	{Street: "天通苑南街道", Community: "天通西苑第一社区", Title: "天通西苑第一社区人民调解工作室运营", Cat: "legal", Yuan: 90000,
		Stage: stClosed, Ago: 80, Bids: 2,
		Desc: "运营社区人民调解工作室，每周两天由专业调解员和律师坐班，调解邻里、物业和家庭纠纷，开展普法宣传，培育一支社区调解志愿者队伍。"},
	{Street: "天通苑南街道", Community: "天通西苑第三社区", Title: "天通西苑第三社区垃圾分类督导", Cat: "environment", Yuan: 100000,
		Stage: stEvaluating, Ago: 2, Bids: 2, Tw: twists{NoPanel: true},
		Desc: "社区有18个垃圾分类投放点，早晚高峰混投现象明显。计划开展桶前值守督导，组织垃圾分类宣传进楼门、进学校，培育居民督导员队伍。"},
	{Street: "天通苑南街道", Community: "天通中苑第一社区", Title: "天通中苑第一社区照护者支持小组", Cat: "health", Yuan: 45000,
		Stage: stInProgress, Ago: 4, Bids: 2, Tw: twists{Done: 1},
		Desc: "为长期照护失能、失智老人的家属提供照护技能培训和心理支持，组建照护者互助小组，每月开展两次小组活动，必要时提供喘息服务。"},
	{Street: "天通苑南街道", Community: "天通中苑第二社区", Title: "天通中苑第二社区时间银行互助", Cat: "volunteering", Yuan: 55000,
		Stage: stPublished, Ago: 3, Bids: 3, Tw: twists{Resubmit: true, Questions: 1},
		Desc: "建立社区“时间银行”，居民为邻里提供陪伴、代购、维修等服务可存入服务时长，需要时兑换他人服务。计划招募首批200名会员，开发简易记账小程序。"},
	{Street: "天通苑南街道", Community: "天通东苑第三社区", Title: "天通东苑第三社区便民维修服务", Cat: "convenience", Yuan: 25000,
		Proc: procurement.Direct, Invite: []string{"demo-o191"}, Stage: stAwarded, Ago: 2, Bids: 1,
		Why:  "该维修服务队由本社区居民组成，多年义务服务老人家庭，报价远低于市场价，金额低于直接委托限额。",
		Desc: "每月两次在社区广场开展便民维修服务，为老人家庭免费或低价维修小家电、更换水龙头和灯具，并为高龄独居老人上门服务。"},
	{Street: "天通苑南街道", Community: "溪城家园社区", Title: "溪城家园社区适老化改造议事", Cat: "renovation", Yuan: 85000,
		Stage: stClosed, Ago: 45, Bids: 2,
		Desc: "围绕小区公共空间适老化改造（坡道、扶手、休息座椅），组织居民议事和参与式设计，形成改造方案并提交街道纳入更新计划。"},
	{Street: "天通苑南街道", Community: "天通中苑第二社区", Title: "天通中苑第二社区邻里文化节", Cat: "culture", Yuan: 20000,
		Stage: stDraft, Ago: 1,
		Desc: "在社区广场举办为期一周的邻里文化节，组织居民才艺展演、百家宴和跳蚤市场，增进邻里交往。"},

	// 东小口镇
	{Street: "东小口镇", Community: "森林大第社区", Title: "森林大第社区法律明白人培育", Cat: "legal", Yuan: 50000,
		Stage: stContracted, Ago: 1, Bids: 2,
		Desc: "培育一支20人的社区“法律明白人”队伍，开展民法典、婚姻家庭、物业纠纷等专题培训，由法律明白人在楼门开展普法宣传和矛盾纠纷初步化解。"},
	{Street: "东小口镇", Community: "上坡佳园社区", Title: "上坡佳园社区花园营造", Cat: "greening", Yuan: 70000,
		Stage: stClosed, Ago: 30, Bids: 2,
		Desc: "带领居民把小区中心的荒地改造为社区花园，开展参与式设计、亲子种植和花园课堂，建立花园志愿者轮值养护制度。"},
	{Street: "东小口镇", Community: "太阳新城社区", Title: "太阳新城社区平安巡逻队伍建设", Cat: "safety", Yuan: 35000,
		Quals: localOnly, Stage: stFailed, Ago: 5, Tw: twists{Comment: "截止时无机构提交方案，本次征集流标，社区将调整需求后另行申报。"},
		Desc: "组建由居民志愿者参与的平安巡逻队，制定巡逻路线和排班制度，配备巡逻装备，重点时段开展治安巡逻和防火提示。"},
	{Street: "东小口镇", Community: "清友园社区", Title: "清友园社区垃圾分类与旧物改造", Cat: "environment", Yuan: 40000,
		Stage: stAccepted, Ago: 5, Bids: 2,
		Desc: "开展垃圾分类桶前督导和旧物改造工作坊，把居民闲置衣物、家具改造成社区公共用品，每月举办一次旧物交换集市。"},
	{Street: "东小口镇", Community: "森林大第社区", Title: "森林大第社区停车自治", Cat: "traffic", Yuan: 60000,
		Stage: stSubmitted, Ago: 2,
		Desc: "小区停车位紧张，外来车辆占用严重。希望协助社区成立停车自治小组，开展车辆登记、车位规划和居民协商，形成停车自治公约。"},

	// 北七家镇
	{Street: "北七家镇", Community: "名流花园社区", Title: "名流花园社区心理健康服务", Cat: "health", Yuan: 75000,
		Stage: stDelivered, Ago: 3, Bids: 2,
		Desc: "为社区青少年、老年人和困境家庭提供心理健康服务，开展心理讲座、团体辅导和个案咨询，建立心理危机发现和转介机制。"},
	{Street: "北七家镇", Community: "宏福苑社区", Title: "宏福苑社区新就业群体关爱行动", Cat: "newcomers", Yuan: 65000,
		Quals: regOnly, Stage: stPublished, Ago: 2, Bids: 1,
		Desc: "在社区设立新就业群体服务站，为快递员、外卖骑手提供休息、饮水、充电和应急药品，组织骑手参与社区安全隐患随手拍，评选“暖心骑手”。"},
	{Street: "北七家镇", Community: "王府公寓社区", Title: "王府公寓社区独居老人探访", Cat: "elderly", Yuan: 110000,
		Stage: stClosed, Ago: 15, Bids: 3,
		Desc: "为社区独居、高龄老人提供定期探访、健康监测和紧急呼叫服务，建立“一人一档”，组织低龄老人志愿者结对关爱。"},
	{Street: "北七家镇", Community: "名佳花园社区", Title: "名佳花园社区垃圾分类督导", Cat: "environment", Yuan: 90000,
		Stage: stInProgress, Ago: 2, Bids: 2, Tw: twists{Done: 2},
		Desc: "在社区12个垃圾投放点开展桶前督导，入户宣传分类知识，组织“小手拉大手”垃圾分类进校园活动，提升分类准确率。"},
	{Street: "北七家镇", Community: "宏福苑社区", Title: "宏福苑社区儿童友好空间营造", Cat: "childcare", Yuan: 150000,
		Stage: stCancelled, Ago: 10, Tw: twists{From: stDraft, Comment: "与镇级儿童友好社区试点项目内容重复，撤回草稿。"},
		Desc: "把社区活动中心一层改造为儿童友好空间，设置阅读角、游戏区和儿童议事角，组织儿童参与空间设计。"},
	{Street: "北七家镇", Community: "名佳花园社区", Title: "北七家镇社区社会组织孵化", Cat: "capacity", Yuan: 280000,
		Proc: procurement.Invited, Quals: regOnly, Stage: stEvaluating, Ago: 1, Bids: 2,
		Desc: "面向北七家镇各社区孵化培育社区社会组织，提供注册备案辅导、财务管理培训和项目设计指导，年内孵化15家社区社会组织，支持其承接社区服务。"},
}
