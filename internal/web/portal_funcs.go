package web

import (
	"html/template"
	"time"

	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/portal"
)

// portalFuncs are the resident portal's template helpers.
func (a *app) portalFuncs() template.FuncMap {
	return template.FuncMap{
		// weekday names the day plainly: 今天, 明天, 周三 (Asia/Shanghai).
		"weekday": func(l i18n.Lang, t time.Time) string {
			now := a.Store.Now().In(a.loc)
			d := t.In(a.loc)
			y1, m1, d1 := now.Date()
			y2, m2, d2 := d.Date()
			days := int(time.Date(y2, m2, d2, 0, 0, 0, 0, a.loc).Sub(time.Date(y1, m1, d1, 0, 0, 0, 0, a.loc)).Hours() / 24)
			switch days {
			case 0:
				return a.Catalog.T(l, "portal.today")
			case 1:
				return a.Catalog.T(l, "portal.tomorrow")
			}
			return a.Catalog.T(l, "portal.weekday_"+d.Weekday().String()[:3]) + " " + d.Format("1/2")
		},
		"statuses": func() []portal.Status { return portal.Statuses },
		// div10 turns minutes into tenths of an hour (for tenths).
		"div10": func(minutes int) int { return (minutes + 3) / 6 },
		// short cuts a text to n characters.
		"short": func(s string, n int) string {
			r := []rune(s)
			if len(r) <= n {
				return s
			}
			return string(r[:n]) + "…"
		},
	}
}
