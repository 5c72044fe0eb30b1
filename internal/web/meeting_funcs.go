package web

import (
	"html/template"
	"slices"

	"github.com/huitian/huitian/internal/coordination"
)

// coordinationFuncs are the template helpers of the meeting and party pages.
func (a *app) coordinationFuncs() template.FuncMap {
	return template.FuncMap{
		// actionOverdue: the item is live and its due day has passed.
		// meetingHas: v is among the submitted values (re-checking boxes after an error).
		"meetingHas":    func(vals []string, v string) bool { return slices.Contains(vals, v) },
		"actionOverdue": func(x *coordination.Action) bool { return x.Overdue(a.Store.Now()) },
	}
}
