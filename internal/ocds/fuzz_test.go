package ocds_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/ocds"
)

// FuzzReleaseRoundTrip: with any text in a need's title and description,
// the buyer's and supplier's names and any budget and award amount, every
// release and the record package marshal to JSON that unmarshals back to the
// same value (marshal → unmarshal → marshal is byte-identical), and the
// compiled release builds.
func FuzzReleaseRoundTrip(f *testing.F) {
	f.Add("龙锦苑二区业委会组建指导", "社区希望依法依规组建业主委员会。", "回龙观街道办事处", "回龙观惠民社工", int64(8_000_000), int64(7_500_000))
	f.Add(`"><script>alert(1)</script>`, "\u2028\u2029\x00", "", "\ufeff", int64(0), int64(-1))
	f.Add("a", "\\\"", "{{.}}", "</script>", int64(1<<62), int64(1))
	f.Fuzz(func(t *testing.T, title, desc, buyer, supplier string, budget, amount int64) {
		for _, s := range []string{title, desc, buyer, supplier} {
			if !utf8.ValidString(s) {
				return // text in the store is UTF-8 (the web and API refuse the rest)
			}
		}
		cfg := testConfig()
		p := life("closed")
		p.Need.Title, p.Need.Description, p.Need.BudgetFen = title, desc, budget
		p.Buyer.Name = buyer
		if p.Supplier != nil {
			p.Supplier.Name = supplier
		}
		if p.Award != nil {
			p.Award.OrgName, p.Award.AmountFen = supplier, amount
		}
		releases := ocds.Releases(p, cfg)
		if len(releases) == 0 {
			t.Fatal("a closed need has no releases")
		}
		for _, r := range releases {
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatalf("marshal release %s: %v", r.ID, err)
			}
			var back ocds.Release
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("unmarshal release %s: %v\n%s", r.ID, err, b)
			}
			again, _ := json.Marshal(back)
			if !bytes.Equal(b, again) {
				t.Fatalf("release %s changed in a round trip:\n%s\n%s", r.ID, b, again)
			}
		}
		pkg, err := ocds.RecordPackage(cfg.OCID(p.Need.ID), releases, cfg, p.Now)
		if err != nil {
			t.Fatalf("record package: %v", err)
		}
		b, err := json.Marshal(pkg)
		if err != nil || !json.Valid(b) {
			t.Fatalf("record package: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(m)
		var m2 map[string]any
		if err := json.Unmarshal(again, &m2); err != nil {
			t.Fatal(err)
		}
		if b2, _ := json.Marshal(m2); !bytes.Equal(again, b2) {
			t.Fatal("record package not stable through a generic round trip")
		}
	})
}
