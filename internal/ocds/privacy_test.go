package ocds

import "testing"

func TestScrub(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"电话13812345678":                    "电话138****5678",
		"电话 138 1234 5678，或 139-8765-4321": "电话 138****5678，或 139****4321",
		"+8613812345678":                   "+86138****5678",
		"预算 913812345678 元":                "预算 913812345678 元",
		"编号 12812345678":                   "编号 12812345678",
		"  无电话  ":                          "无电话",
	} {
		if got := scrub(in); got != want {
			t.Errorf("scrub(%q) = %q, want %q", in, got, want)
		}
	}
}
