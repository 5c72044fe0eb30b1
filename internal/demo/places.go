package demo

import "strings"

// streetPlan is one street office or town of the demo geography. Area is the
// short place word that local organizations put in their names.
type streetPlan struct {
	Name        string
	Area        string
	Communities []communityPlan
}

// communityPlan is one community with its residential complexes.
type communityPlan struct {
	Name      string
	Complexes []string
}

// c builds a community from its name and "|"-separated complex names.
func c(name, complexes string) communityPlan {
	return communityPlan{Name: name, Complexes: strings.Split(complexes, "|")}
}

// geography is the demo's Huitian: the eight streets and towns of DESIGN.md
// in display order, with community names of the area (the assignment of a
// community to a street follows the 2019 reorganization as far as we know
// it; it is demo data, not a gazetteer).
var geography = []streetPlan{
	{"回龙观街道", "回龙观", []communityPlan{
		c("龙锦苑一区社区", "龙锦苑一区|龙锦苑一区北院"),
		c("龙锦苑二区社区", "龙锦苑二区|龙锦苑二区东院|龙锦苑二区南院"),
		c("龙锦苑四区社区", "龙锦苑四区|龙锦苑五区"),
		c("新龙城社区", "新龙城一期|新龙城二期|新龙城三期"),
		c("流星花园社区", "流星花园一区|流星花园二区|流星花园三区"),
		c("龙禧苑社区", "龙禧苑一区|龙禧苑二区|龙禧苑三区"),
		c("金域华府社区", "金域华府东区|金域华府西区"),
	}},
	{"龙泽园街道", "龙泽园", []communityPlan{
		c("龙泽苑社区", "龙泽苑东区|龙泽苑西区"),
		c("龙跃苑东社区", "龙跃苑东区|龙跃苑东里"),
		c("龙跃苑一区社区", "龙跃苑一区|龙跃苑二区"),
		c("龙腾苑社区", "龙腾苑二区|龙腾苑三区|龙腾苑四区"),
		c("龙华园社区", "龙华园一区|龙华园二区"),
		c("云趣园社区", "云趣园一区|云趣园二区|云趣园三区"),
	}},
	{"史各庄街道", "史各庄", []communityPlan{
		c("领秀慧谷社区", "领秀慧谷A区|领秀慧谷B区|领秀慧谷C区"),
		c("冠庭园社区", "冠庭园|冠庭园北区"),
		c("北店嘉园社区", "北店嘉园|北店时代家园"),
		c("融泽嘉园社区", "融泽嘉园东区|融泽嘉园西区"),
		c("风雅园社区", "风雅园一区|风雅园二区|风雅园三区"),
	}},
	{"霍营街道", "霍营", []communityPlan{
		c("华龙苑社区", "华龙苑南里|华龙苑北里|华龙苑中里"),
		c("紫金新干线社区", "紫金新干线一期|紫金新干线二期"),
		c("龙回苑社区", "龙回苑东区|龙回苑西区"),
		c("蓝天园社区", "蓝天园|蓝天园北区"),
		c("旗胜家园社区", "旗胜家园东区|旗胜家园西区"),
	}},
	{"天通苑北街道", "天通苑", []communityPlan{
		c("天通北苑第一社区", "天通北苑一区|天通北苑一区东院"),
		c("天通北苑第二社区", "天通北苑二区|天通北苑二区北院"),
		c("天通北苑第三社区", "天通北苑三区|天通北苑三区南院"),
		c("天通东苑第一社区", "天通东苑一区|天通东苑二区"),
		c("太平家园社区", "太平家园东区|太平家园西区"),
		c("佳运园社区", "佳运园|佳运园北区"),
	}},
	{"天通苑南街道", "天通苑", []communityPlan{
		c("天通西苑第一社区", "天通西苑一区|天通西苑二区"),
		c("天通西苑第三社区", "天通西苑三区|天通西苑四区"),
		c("天通中苑第一社区", "天通中苑一区|天通中苑一区北院"),
		c("天通中苑第二社区", "天通中苑二区|天通中苑三区"),
		c("天通东苑第三社区", "天通东苑三区|天通东苑四区"),
		c("溪城家园社区", "溪城家园一期|溪城家园二期"),
	}},
	{"东小口镇", "东小口", []communityPlan{
		c("森林大第社区", "森林大第东区|森林大第西区|森林大第北区"),
		c("上坡佳园社区", "上坡佳园|上坡佳园南区"),
		c("太阳新城社区", "太阳新城东区|太阳新城西区"),
		c("清友园社区", "清友园|清友园东区"),
	}},
	{"北七家镇", "北七家", []communityPlan{
		c("名流花园社区", "名流花园|名流花园南区"),
		c("宏福苑社区", "宏福苑一区|宏福苑二区|宏福苑三区"),
		c("王府公寓社区", "王府公寓|王府温馨公寓"),
		c("名佳花园社区", "名佳花园一区|名佳花园二区|名佳花园三区"),
	}},
}
