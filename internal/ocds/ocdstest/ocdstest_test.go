package ocdstest_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/ocds/ocdstest"
	"github.com/huitian/huitian/internal/procurement"
)

// published is a need just published, as the store would pass it.
func published() ocds.Process {
	at := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	n := &procurement.Need{ID: "n-1", Title: "老年助餐服务", Description: "每日午餐配送。", StreetID: "st-1", StreetName: "回龙观街道",
		CommunityID: "c-1", CommunityName: "龙泽苑社区", Category: "elderly", BudgetFen: 4_800_050, Deadline: at.AddDate(0, 0, 10),
		QACutoff: at.AddDate(0, 0, 8), Procedure: procurement.Open, Status: procurement.Published, PublishedAt: at,
		Criteria: []procurement.Criterion{{ID: "cr-1", Name: "方案", Weight: 100}}, ObjectionDays: 5}
	return ocds.Process{Now: at.Add(time.Hour), Need: n, Events: []procurement.Event{{ID: "e1", NeedID: n.ID, At: at,
		Action: "publish", From: procurement.Submitted, To: procurement.Published}}}
}

// TestValidatorCatchesMistakes: a valid package passes; each mistake
// spoiled into it is reported.
func TestValidatorCatchesMistakes(t *testing.T) {
	v := ocdstest.Load(t)
	if v == nil {
		t.Skip("no reference schemas")
	}
	cfg := ocds.DefaultConfig()
	rs := ocds.Releases(published(), cfg)
	valid, err := json.Marshal(ocds.ReleasePackage(rs, cfg, time.Time{}))
	if err != nil {
		t.Fatal(err)
	}
	if p := v.ReleasePackage(valid); len(p) > 0 {
		t.Fatalf("a valid package: %v", p)
	}
	rec, err := ocds.RecordPackage(rs[0].OCID, rs, cfg, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if p := v.RecordPackage(rec); len(p) > 0 {
		t.Fatalf("a valid record package: %v", p)
	}
	for name, spoil := range map[string][2]string{
		"closed codelist":     {`"status":"active"`, `"status":"evaluating"`},
		"extension codelist":  {`"code":"elderly"`, `"code":"unknown"`},
		"undeclared property": {`"tender":{`, `"tender":{"budgetFen":1,`},
		"empty releases":      {`"releases":[`, `"releases":[],"x":[`},
		"amount as text":      {`"amount":48000.5`, `"amount":"48000.5"`},
	} {
		doc := strings.Replace(string(valid), spoil[0], spoil[1], 1)
		if doc == string(valid) {
			t.Fatalf("%s: nothing to spoil", name)
		}
		if p := v.ReleasePackage([]byte(doc)); len(p) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
	if got := v.CheckedCodelists(); len(got) < 5 {
		t.Errorf("codelists checked: %v", got)
	}
}

func TestPersonalData(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]int{
		`{"description":"咨询电话13812345678"}`:             1,
		`{"description":"咨询 138-1234-5678。"}`:           1,
		`{"id":"01a21959-b4c2-72d3-bbdb-13812345678a"}`: 0, // inside an id
		`{"amount":138123456789}`:                       0,
		`{"name":"王芳"}`:                                 1,
		`{"contactPoint":{}}`:                           1,
		`{"name":"回龙观街道办事处"}`:                           0,
	} {
		if got := ocdstest.PersonalData([]byte(text), "王芳"); len(got) != want {
			t.Errorf("%s: %v, want %d problems", text, got, want)
		}
	}
}
