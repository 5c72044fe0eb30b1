package web

import (
	"regexp"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/dashboard"
)

// TestBarChartTicks: the value axis is marked at round numbers (1, 2 or 5
// × 10ⁿ apart) from 0 past the tallest bar, not go-chart's own 145, 121,
// 97 …; a chart of days with decimals keeps whole marks when its step is
// whole.
func TestBarChartTicks(t *testing.T) {
	label := regexp.MustCompile(`<text[^>]*>([0-9.]+)</text>`)
	for _, c := range []struct {
		rows []dashboard.Count
		want string
	}{
		{[]dashboard.Count{{Name: "民政登记", N: 145}, {Name: "街道备案", N: 60}}, "0 50 100 150"},
		{[]dashboard.Count{{Name: "回龙观街道", N: 12, Value: 12.4}, {Name: "霍营街道", N: 38, Value: 38.4}}, "0 10 20 30 40"},
		{[]dashboard.Count{{Name: "回龙观街道", N: 0, Value: 0.4}}, "0.0 0.2 0.4 0.6 0.8 1.0"},
	} {
		svg, err := barChartSVG(c.rows)
		if err != nil {
			t.Fatal(err)
		}
		var ticks []string
		for _, m := range label.FindAllStringSubmatch(string(svg), -1) {
			ticks = append(ticks, m[1])
		}
		if got := strings.Join(ticks, " "); got != c.want {
			t.Errorf("%v: ticks %q, want %q", c.rows, got, c.want)
		}
	}
}

// TestBarChartLabelsFit: a name longer than a bar is wide is shortened
// under it (the table beside the chart has it whole), escaped after.
func TestBarChartLabelsFit(t *testing.T) {
	svg, err := barChartSVG([]dashboard.Count{{Name: "社区治理与议事协商", N: 3}, {Name: "养老&助餐服务中心", N: 2}, {Name: "扶老助残", N: 1}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	for _, want := range []string{">社区治理与…<", ">养老&amp;助餐…<", ">扶老助残<"} {
		if !strings.Contains(s, want) {
			t.Errorf("no label %s in %s", want, s)
		}
	}
	if strings.Contains(s, "议事协商") {
		t.Error("a long name drawn whole under its bar")
	}
}
