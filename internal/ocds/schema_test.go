package ocds_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/ocds/ocdstest"
)

// TestChecksCatchMistakes makes sure the schema and codelist checks of
// ocdstest can fail: each mistake spoiled into a valid package must be
// reported.
func TestChecksCatchMistakes(t *testing.T) {
	t.Parallel()
	v := ocdstest.Load(t)
	if v == nil {
		t.Skip("no reference schemas")
	}
	cfg := testConfig()
	rs := ocds.Releases(life("closed"), cfg)
	pkg := ocds.ReleasePackage(rs, cfg, time.Time{})
	if p := v.ReleasePackage(pkg); len(p) > 0 {
		t.Fatalf("the package to spoil is not valid: %v", p)
	}
	rec, err := ocds.RecordPackage(rs[0].OCID, rs, cfg, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if p := v.RecordPackage(rec); len(p) > 0 {
		t.Fatalf("a valid record package: %v", p)
	}
	valid, err := json.Marshal(pkg)
	if err != nil {
		t.Fatal(err)
	}
	release := func(doc any) map[string]any { return doc.(map[string]any)["releases"].([]any)[12].(map[string]any) }
	tender := func(doc any) map[string]any { return release(doc)["tender"].(map[string]any) }
	for name, spoil := range map[string]func(doc any){
		"closed codelist":        func(doc any) { tender(doc)["status"] = "evaluating" },
		"open codelist":          func(doc any) { tender(doc)["documents"].([]any)[0].(map[string]any)["documentType"] = "proposal" },
		"deprecated code":        func(doc any) { tender(doc)["awardCriteria"] = "bestProposal" },
		"party role":             func(doc any) { release(doc)["parties"].([]any)[0].(map[string]any)["roles"] = []any{"buyer", "payee2"} },
		"undeclared property":    func(doc any) { tender(doc)["budgetFen"] = 4800050 },
		"extension codelist":     func(doc any) { tender(doc)["serviceCategory"].(map[string]any)["code"] = "unknown" },
		"extension type":         func(doc any) { tender(doc)["community"] = "龙泽苑社区" },
		"amount as text":         func(doc any) { tender(doc)["value"].(map[string]any)["amount"] = "48000.50" },
		"bad hash":               func(doc any) { tender(doc)["documents"].([]any)[0].(map[string]any)["sha256"] = "abc" },
		"missing required field": func(doc any) { delete(release(doc), "initiationType") },
		"date not RFC 3339":      func(doc any) { release(doc)["date"] = "2026-03-03 10:00" },
		"empty releases": func(doc any) {
			p := doc.(map[string]any)
			p["releases"], p["x"] = []any{}, p["releases"]
		},
	} {
		d := json.NewDecoder(bytes.NewReader(valid))
		d.UseNumber() // exact amounts, as the validator reads them
		var doc any
		if err := d.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		spoil(doc)
		spoilt, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		if p := v.ReleasePackage(spoilt); len(p) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
}
