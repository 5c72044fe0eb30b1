package web

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/procurement"
)

type auditData struct {
	Entries  []*audit.Entry
	Total    int
	Filter   audit.Filter
	Query    url.Values
	Verified bool
	Break    *audit.Break
	Checked  int64
	// Actions are the action filter's choices: every action the audit
	// page has a name for, by kind of object.
	Actions []auditActionGroup
}

// auditActionGroup is one kind of object's actions in the action filter.
type auditActionGroup struct {
	Label   string
	Actions []auditActionChoice
}

// auditActionChoice is an action code and its name.
type auditActionChoice struct{ Code, Name string }

// auditActions lists the named actions (audit.action.<code>) grouped by
// the kind before the code's dot (named kind.<kind>, or audit.group.<kind>
// for the prefixes that are no kind of object), groups and actions in code
// order; a filtered code without a name is kept as a choice of its own.
func (a *app) auditActions(l i18n.Lang, current string) []auditActionGroup {
	const prefix = "audit.action."
	var codes []string
	for _, k := range a.Catalog.Keys(i18n.ZH) {
		if code, ok := strings.CutPrefix(k, prefix); ok {
			codes = append(codes, code)
		}
	}
	if current != "" && !a.Catalog.Has(prefix+current) {
		codes = append(codes, current)
	}
	slices.Sort(codes)
	var out []auditActionGroup
	last := ""
	for _, code := range codes {
		kind, _, _ := strings.Cut(code, ".")
		if len(out) == 0 || kind != last {
			label := kind
			for _, k := range []string{"kind." + kind, "audit.group." + kind} {
				if a.Catalog.Has(k) {
					label = a.Catalog.T(l, k)
					break
				}
			}
			out = append(out, auditActionGroup{Label: label})
			last = kind
		}
		name := code
		if a.Catalog.Has(prefix + code) {
			name = a.Catalog.T(l, prefix+code)
		}
		g := &out[len(out)-1]
		g.Actions = append(g.Actions, auditActionChoice{Code: code, Name: name})
	}
	return out
}

func (a *app) adminAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := audit.Filter{Action: q.Get("action"), ObjectKind: q.Get("kind"), ObjectID: q.Get("object"), PerPage: 50}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	entries, total, err := a.Store.FindAuditEntries(r.Context(), f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := &auditData{Entries: entries, Total: total, Filter: f, Query: q}
	if q.Get("verify") == "1" {
		d.Verified = true
		if d.Break, d.Checked, err = a.Store.VerifyAudit(r.Context()); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	p := a.newPage(w, r, "admin.audit", d)
	d.Actions = a.auditActions(p.Lang, f.Action)
	a.render(w, r, "admin_audit.html", http.StatusOK, p)
}

// auditAmounts reads the amounts in an audit entry's data for people: money
// kept in fen shown in 元 (any *_fen, and a grant's amount, request, budget,
// an application's own match and what an ended agreement released), points
// as 积分 (a merchant's monthly settlement's total among them), so an auditor
// does not read a ¥6,000 payment as "amount":600000. The raw data stays
// beside it: it is what the hash covers.
func (a *app) auditAmounts(l i18n.Lang, e *audit.Entry) []string {
	var data map[string]any
	if json.Unmarshal([]byte(e.Data), &data) != nil {
		return nil
	}
	kind, _, _ := strings.Cut(e.Action, ".")
	var out []string
	for _, k := range slices.Sorted(maps.Keys(data)) {
		v, ok := data[k].(float64)
		if !ok {
			continue
		}
		switch {
		case strings.HasSuffix(k, "_fen") ||
			kind == "grants" && (k == "amount" || k == "request" || k == "budget" || k == "match" || k == "released"):
			out = append(out, a.Catalog.T(l, "audit.amount_money", k, procurement.FormatFen(int64(v))))
		case (kind == "points" || kind == "award" || kind == "good" || kind == "redemption") && (k == "amount" || k == "price"),
			kind == "settlement" && k == "total":
			out = append(out, a.Catalog.T(l, "audit.amount_points", k, int64(v)))
		}
	}
	return out
}
