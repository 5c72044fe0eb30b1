package catalog

import (
	"testing"
)

func TestSimilarityAndDuplicates(t *testing.T) {
	t.Parallel()
	a := &Version{SolutionID: "a", Title: "独居老人助餐配送", Problem: "社区独居老人做饭难，吃饭没有保障", Category: "elderly",
		Steps: []Step{{Title: "摸底独居老人"}, {Title: "对接助餐点"}}}
	b := &Version{SolutionID: "b", Title: "独居老人助餐送餐", Problem: "独居老人做饭难吃饭没保障", Category: "elderly",
		Steps: []Step{{Title: "摸底独居老人"}, {Title: "志愿者送餐"}}}
	c := &Version{SolutionID: "c", Title: "楼道电动车充电隐患治理", Problem: "电动车进楼充电，消防隐患大", Category: "safety",
		Steps: []Step{{Title: "隐患排查"}}}
	if s := Similarity(a, b); s < DuplicateThreshold {
		t.Fatalf("near-duplicates scored %v", s)
	}
	if s := Similarity(a, c); s > 0.1 {
		t.Fatalf("unrelated scored %v", s)
	}
	ps := Duplicates([]*Version{c, b, a}, DuplicateThreshold)
	if len(ps) != 1 || ps[0].A != "a" || ps[0].B != "b" {
		t.Fatalf("duplicates %+v", ps)
	}
}

func TestClusterProjects(t *testing.T) {
	t.Parallel()
	ps := []ProjectText{
		{ID: "p1", Category: "elderly", Text: "龙泽园社区独居老人助餐服务项目"},
		{ID: "p2", Category: "elderly", Text: "回龙观社区独居老人助餐配送项目"},
		{ID: "p3", Category: "elderly", Text: "老年人智能手机培训"},
		{ID: "p4", Category: "safety", Text: "独居老人助餐服务"}, // another category: not clustered with p1
		{ID: "p5", Category: "safety", Text: "电动车充电桩安装"},
	}
	cs := ClusterProjects(ps, ClusterThreshold)
	if len(cs) != 1 || cs[0].Category != "elderly" || len(cs[0].ProjectIDs) != 2 || cs[0].ProjectIDs[0] != "p1" || cs[0].ProjectIDs[1] != "p2" {
		t.Fatalf("clusters %+v", cs)
	}
}

func TestBigramsNormalize(t *testing.T) {
	t.Parallel()
	b := Bigrams("ＷｉＦｉ覆蓋 5G")
	for _, want := range []string{"wifi", "覆盖", "5g"} {
		if !b[want] {
			t.Errorf("missing %q in %v", want, b)
		}
	}
}
