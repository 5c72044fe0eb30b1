package match

import (
	"slices"
	"strings"
	"testing"
)

func TestNamesFirst(t *testing.T) {
	rs := []Result{{ID: "a", Name: "回龙观社区文体活动协会"}, {ID: "b", Name: "晨曦邻里互助服务中心分队"},
		{ID: "c", Name: "昌平区老年服务中心"}, {ID: "d", Name: "晨曦邻里互助服务中心"}}
	got := namesFirst(slices.Clone(rs), " 晨曦邻里互助服务中心 ")
	var ids []string
	for _, r := range got {
		ids = append(ids, r.ID)
	}
	if strings.Join(ids, "") != "dbac" {
		t.Fatalf("order %v, want d b a c: names containing the query first, shortest first, the rest as ranked", ids)
	}
	if got := namesFirst(slices.Clone(rs), "晨"); got[0].ID != "a" {
		t.Fatalf("a one-character query reordered the ranking: %v", got)
	}
}
