package web

import "testing"

// The proposal form's example price comes from the budget and never
// exceeds it: a hint that says "at most ¥55,000, write 75000" invites a
// refused proposal.
func TestPriceExampleWithinBudget(t *testing.T) {
	for _, c := range []struct {
		fen       int64
		yuan, wan string
	}{
		{5_500_000, "55000", "5.5万"},
		{8_000_000, "80000", "8万"},
		{12_345_678, "120000", "12万"},
		{100_000_000, "1000000", "100万"},
		{1_000_000, "10000", "1万"},
		{999_999, "9900", ""},
		{325_050, "3200", ""},
		{9_900, "99", ""},
		{150, "1", ""},
		{99, "", ""},
	} {
		got := priceExample(c.fen)
		if got.Yuan != c.yuan || got.Wan != c.wan {
			t.Errorf("budget %d fen: %+v, want %s / %s", c.fen, got, c.yuan, c.wan)
		}
	}
}
