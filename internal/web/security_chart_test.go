package web

import (
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/dashboard"
)

// Attack: a stored name with markup drawn into a dashboard chart (an SVG
// document of its own when opened directly). Rule: every label is text.
func TestChartLabelsAreEscaped(t *testing.T) {
	svg, err := barChartSVG([]dashboard.Count{{Key: "a", Name: `<script>__x(1)</script>"><svg onload=__x(3)>`, N: 3},
		{Key: "b", Name: "养老&助餐", N: 1}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	for _, bad := range []string{"<script>", "<svg onload", "养老&助餐"} {
		if strings.Contains(s, bad) {
			t.Errorf("chart holds raw %q", bad)
		}
	}
	if !strings.Contains(s, ">&lt;scri…<") || !strings.Contains(s, "养老&amp;助餐") { // long names are shortened under a bar
		t.Errorf("labels missing or not escaped: %s", s)
	}
}
