package dashboard

import "testing"

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{nil, -1},
		{[]float64{5}, 5},
		{[]float64{9, 1, 5}, 5},
		{[]float64{10, 2, 4, 8}, 6},
	} {
		if got := Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestTallyOrder(t *testing.T) {
	got := Tally(map[string]int{"b": 2, "a": 2, "c": 5})
	want := []string{"c", "a", "b"}
	for i, k := range want {
		if got[i].Key != k {
			t.Fatalf("Tally order = %v, want %v", got, want)
		}
	}
}

func TestShares(t *testing.T) {
	m := StreetMatch{Published: 4, Proposals: 6, NoProposal: 1}
	if m.PerNeed() != 1.5 || m.NoProposalShare() != 0.25 {
		t.Fatalf("PerNeed %v NoProposalShare %v", m.PerNeed(), m.NoProposalShare())
	}
	if (StreetMatch{}).PerNeed() != 0 {
		t.Fatal("no needs: ratio should be 0")
	}
}
