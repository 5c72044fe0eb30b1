package web

import (
	"html/template"

	"github.com/huitian/huitian/internal/i18n"
)

// grantsFuncs are the template helpers of the grants pages.
func (a *app) grantsFuncs() template.FuncMap {
	return template.FuncMap{
		// list2 pairs a label key with an amount: list2 "k1" 10 "k2" 20.
		"list2": func(kv ...any) [][]any {
			var out [][]any
			for i := 0; i+1 < len(kv); i += 2 {
				out = append(out, []any{kv[i], kv[i+1]})
			}
			return out
		},
		"sub100": func(n int) int { return 100 - n },
		// flabel names a form field in an error list ("" when unnamed).
		"flabel": func(l i18n.Lang, field string) string {
			if field == "amount" { // field.amount names points elsewhere
				return a.Catalog.T(l, "grants.col_amount")
			}
			if a.Catalog.Has("field." + field) {
				return a.Catalog.T(l, "field."+field)
			}
			return ""
		},
	}
}
