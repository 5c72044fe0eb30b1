package ledger

import "testing"

func TestReversalAndSameContent(t *testing.T) {
	t.Parallel()
	p := &Posting{ID: "p1", Key: "k", Kind: "award", From: "a", To: "b", Amount: 5, Reason: "r", Ref: "x"}
	r := p.Reversal("reversal", "k2", "错账")
	if r.From != "b" || r.To != "a" || r.Amount != 5 || r.Reverses != "p1" || r.Kind != "reversal" {
		t.Fatalf("reversal: %+v", r)
	}
	q := *p
	if !p.SameContent(&q) {
		t.Fatal("a copy differs")
	}
	q.Amount = 6
	if p.SameContent(&q) {
		t.Fatal("another amount is the same content")
	}
	q = *p
	q.Ref = "y"
	if p.SameContent(&q) {
		t.Fatal("another ref is the same content")
	}
}
