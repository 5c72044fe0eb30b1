package procurement

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"
)

// TestReceiptCoversFiles: a proposal without files hashes exactly as
// before files existed (receipts already handed out stay valid); each
// file's name and hash change the receipt, their order does not.
func TestReceiptCoversFiles(t *testing.T) {
	p := &Proposal{NeedID: "n1", OrgID: "o1", Summary: "以居民议事会为抓手", Plan: "三阶段推进", Team: "社工 3 名",
		PriceFen: 6_000_000, DurationDays: 120, SubmittedAt: time.Date(2026, 11, 26, 2, 0, 0, 123000, time.UTC)}
	h := sha256.New()
	for _, f := range []string{"n1", "o1", p.Summary, p.Plan, p.Team, "6000000", "120", "2026-11-26T02:00:00.000123Z"} {
		fmt.Fprintf(h, "%d:%s", len(f), f)
	}
	if legacy := hex.EncodeToString(h.Sum(nil)); p.ComputeReceipt() != legacy {
		t.Fatalf("a proposal without files: %s, before files existed %s", p.ComputeReceipt(), legacy)
	}
	bare := p.ComputeReceipt()
	a := Document{Name: "方案.pdf", SHA256: "aa" + fmt.Sprintf("%062d", 0)}
	b := Document{Name: "照片.png", SHA256: "bb" + fmt.Sprintf("%062d", 0)}
	p.Files = []Document{a, b}
	both := p.ComputeReceipt()
	p.Files = []Document{b, a}
	if p.ComputeReceipt() != both || both == bare {
		t.Fatalf("files in another order: %s vs %s (bare %s)", p.ComputeReceipt(), both, bare)
	}
	for name, files := range map[string][]Document{
		"a file changed":  {a, {Name: b.Name, SHA256: "cc" + b.SHA256[2:]}},
		"a file renamed":  {a, {Name: "照片2.png", SHA256: b.SHA256}},
		"a file left out": {a},
		"a file repeated": {a, b, b},
	} {
		p.Files = files
		if p.ComputeReceipt() == both {
			t.Errorf("%s: same receipt", name)
		}
	}
}
