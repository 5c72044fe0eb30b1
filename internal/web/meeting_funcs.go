package web

import (
	"html/template"
	"slices"

	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/store"
)

// coordinationFuncs are the template helpers of the meeting and party pages.
func (a *app) coordinationFuncs() template.FuncMap {
	return template.FuncMap{
		// actionOverdue: the item is live and its due day has passed.
		// meetingHas: v is among the submitted values (re-checking boxes after an error).
		"meetingHas": func(vals []string, v string) bool { return slices.Contains(vals, v) },
		// actionLink is where an action-item notification leads ("" for other kinds).
		"actionLink": func(n store.Notification) string {
			if n.Kind != "action_assigned" || len(n.Args) < 4 {
				return ""
			}
			id, _ := n.Args[3].(string)
			if id == "" {
				return ""
			}
			return "/actions/" + id
		},
		"actionOverdue": func(x *coordination.Action) bool { return x.Overdue(a.Store.Now()) },
	}
}
