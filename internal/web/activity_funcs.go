package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/registry"
)

// activityFuncs are the template functions of the activity pages.
func (a *app) activityFuncs() template.FuncMap {
	return template.FuncMap{
		"activity_types":         func() []activities.Type { return activities.Types },
		"list_org_kinds":         func() []registry.Kind { return registry.Kinds },
		"activity_eligibilities": func() []activities.Eligibility { return activities.Eligibilities },
		"hours":                  activities.FormatHours,
		"maskName":               accounts.MaskName,
		"clock":                  func(t time.Time) string { return t.In(a.loc).Format("15:04") },
		"formTime":               func(t time.Time) string { return t.In(a.loc).Format(formTime) },
		"hasConfirm":             func(f url.Values, id string) bool { return slices.Contains(f["confirm"], id) },
		"tenths":                 func(n int) string { return strconv.FormatFloat(float64(n)/10, 'f', -1, 64) },
		"reasonDetail":           points.ReasonDetail,
	}
}

// publicBase is the site's address as a phone outside sees it: the
// configured base URL, else the address this request came to.
func (a *app) publicBase(r *http.Request) string {
	if a.Config.BaseURL != "" {
		return a.Config.PublicURL()
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
