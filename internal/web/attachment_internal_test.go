package web

import (
	"mime"
	"testing"
)

// TestAttachment: a Chinese download name rides as RFC 5987 filename*
// beside an ASCII filename, and both read back as they were meant.
func TestAttachment(t *testing.T) {
	for _, c := range []struct{ fallback, name, want string }{
		{"dashboard-20260301.xlsx", "数据看板-回龙观街道-20260301.xlsx",
			`attachment; filename="dashboard-20260301.xlsx"; filename*=UTF-8''%E6%95%B0%E6%8D%AE%E7%9C%8B%E6%9D%BF-%E5%9B%9E%E9%BE%99%E8%A7%82%E8%A1%97%E9%81%93-20260301.xlsx`},
		{"a.csv", "a.csv", `attachment; filename="a.csv"`},
		{`q"u\o.csv`, "a b(1).csv", `attachment; filename="q_u_o.csv"; filename*=UTF-8''a%20b%281%29.csv`},
	} {
		got := attachment(c.fallback, c.name)
		if got != c.want {
			t.Errorf("attachment(%q, %q) = %s, want %s", c.fallback, c.name, got, c.want)
		}
		if _, params, err := mime.ParseMediaType(got); err != nil || params["filename"] != c.name {
			t.Errorf("%s reads back as %v (%v), want %q", got, params, err, c.name)
		}
	}
}
