package gen

// StreetPlan is one street office or town of 回天 with its communities.
// Area is the short place word local organizations put in their names.
type StreetPlan struct {
	Name        string
	Area        string
	Communities []string
}

// Geography is 回天 as the generated data sees it: the eight streets and
// towns, with the demo's communities (same names, so gen on a demo database
// reuses them) and more of the area's estates. It is generated data, not a
// gazetteer.
var Geography = []StreetPlan{
	{"回龙观街道", "回龙观", []string{"龙锦苑一区社区", "龙锦苑二区社区", "龙锦苑四区社区", "新龙城社区", "流星花园社区",
		"龙禧苑社区", "金域华府社区", "通达园社区", "龙腾苑社区"}},
	{"龙泽园街道", "龙泽园", []string{"龙泽苑社区", "龙跃苑东社区", "龙跃苑一区社区", "龙腾苑社区", "龙华园社区", "云趣园社区",
		"田园风光雅苑社区", "西三旗社区"}},
	{"史各庄街道", "史各庄", []string{"领秀慧谷社区", "冠庭园社区", "北店嘉园社区", "融泽嘉园社区", "风雅园社区",
		"朱辛庄社区", "富力桃园社区"}},
	{"霍营街道", "霍营", []string{"华龙苑社区", "紫金新干线社区", "龙回苑社区", "蓝天园社区", "旗胜家园社区",
		"上坡佳园社区", "霍营社区"}},
	{"天通苑北街道", "天通苑", []string{"天通北苑第一社区", "天通北苑第二社区", "天通北苑第三社区", "天通东苑第一社区",
		"太平家园社区", "佳运园社区", "溪城家园北社区"}},
	{"天通苑南街道", "天通苑", []string{"天通西苑第一社区", "天通西苑第三社区", "天通中苑第一社区", "天通中苑第二社区",
		"天通东苑第三社区", "溪城家园社区", "清水园社区", "奥北社区"}},
	{"东小口镇", "东小口", []string{"森林大第社区", "上坡佳园社区", "太阳新城社区", "清友园社区", "魏窑社区", "半截塔社区",
		"贺村社区"}},
	{"北七家镇", "北七家", []string{"名流花园社区", "宏福苑社区", "王府公寓社区", "名佳花园社区", "东沙各庄社区",
		"八仙庄社区"}},
}

// Places are the ids the database gave Geography: StreetIDs[s] is street
// s's, CommunityIDs[s][c] its community c's.
type Places struct {
	StreetIDs    []string
	CommunityIDs [][]string
}
