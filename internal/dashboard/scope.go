package dashboard

import (
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Scope decides which street's figures u sees when asking for asked (""
// is the district). Platform admins and auditors see the district or any
// street; street staff see their own street: asking for nothing gives their
// (first) street, asking for another is forbidden.
func Scope(u *accounts.User, action accounts.Action, asked string) (string, error) {
	if asked != "" {
		if err := accounts.Can(u, action, accounts.Resource{Kind: accounts.KindDashboard, StreetID: asked}); err != nil {
			return "", err
		}
		return asked, nil
	}
	district := accounts.Can(u, action, accounts.Resource{Kind: accounts.KindDashboard})
	if district == nil {
		return "", nil
	}
	if u != nil && !u.Disabled {
		for _, g := range u.Grants {
			if g.Role == accounts.StreetStaff && g.ScopeID != "" {
				return g.ScopeID, nil
			}
		}
	}
	return "", district
}

// District reports whether u may see the whole district's figures (and so
// choose any street).
func District(u *accounts.User) bool {
	return accounts.Allowed(u, accounts.View, accounts.Resource{Kind: accounts.KindDashboard})
}

// dateLayout is how the period's bounds are written (a form's date input).
const dateLayout = "2006-01-02"

// ParseFilter reads a filter from text: street as given, from and to as
// dates in loc, both optional, to inclusive (the period ends at the next
// midnight). A malformed date or a period that ends before it starts is an
// invalid field.
func ParseFilter(street, from, to string, loc *time.Location) (Filter, error) {
	f := Filter{StreetID: strings.TrimSpace(street)}
	var err error
	if from = strings.TrimSpace(from); from != "" {
		if f.From, err = time.ParseInLocation(dateLayout, from, loc); err != nil {
			return f, errs.Field("from", "dash.err_date")
		}
	}
	if to = strings.TrimSpace(to); to != "" {
		t, err := time.ParseInLocation(dateLayout, to, loc)
		if err != nil {
			return f, errs.Field("to", "dash.err_date")
		}
		f.To = t.AddDate(0, 0, 1)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return f, errs.Field("to", "dash.err_period")
	}
	return f, nil
}

// FormDates returns the filter's bounds as the form shows them (to inclusive).
func (f Filter) FormDates(loc *time.Location) (from, to string) {
	if !f.From.IsZero() {
		from = f.From.In(loc).Format(dateLayout)
	}
	if !f.To.IsZero() {
		to = f.To.In(loc).AddDate(0, 0, -1).Format(dateLayout)
	}
	return from, to
}
