package web

import (
	"html/template"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/incubation"
)

// incubationFuncs are the template helpers of the incubation and academy pages.
func (a *app) incubationFuncs() template.FuncMap {
	return template.FuncMap{
		"clock":        func(t time.Time) string { return t.In(incubation.Zone).Format("15:04") },
		"weekdayKey":   func(t time.Time) string { return "inc.weekday." + t.In(incubation.Zone).Weekday().String() },
		"spaceKinds":   func() []incubation.SpaceKind { return incubation.SpaceKinds },
		"audiences":    func() []incubation.Audience { return incubation.Audiences },
		"courseTopics": func() []incubation.Topic { return incubation.Topics },
		"minCourses":   func() int { return incubation.MinCourses },
		"halfHours":    func(n int) float64 { return float64(n) / 2 },
		"percent":      func(a, b int) int { return percentOf(a, b) },
	}
}

// percentOf is a as a whole percentage of b, rounded to the nearest (7 of
// 16 is 44%, not 43%), half up; 0 when b is.
func percentOf(a, b int) int {
	if b == 0 {
		return 0
	}
	return (200*a + b) / (2 * b)
}

func countsUpTo(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// localDay parses a YYYY-MM-DD day in Shanghai; "" or a bad value is today.
func localDay(s string, now time.Time) time.Time {
	if d, err := time.ParseInLocation("2006-01-02", s, incubation.Zone); err == nil {
		return d
	}
	n := now.In(incubation.Zone)
	return time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, incubation.Zone)
}

// localTime parses a day and an HH:MM clock time in Shanghai.
func localTime(day, clock string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, incubation.Zone)
	return t, err == nil && timeInRange(t)
}

// actorOrgs lists the organizations the actor belongs to (admins first
// when admin is false, only those they administer when admin is true).
func actorOrgs(u *accounts.User, adminOnly bool) []orgChoice {
	if u == nil {
		return nil
	}
	var out []orgChoice
	seen := map[string]bool{}
	for _, g := range u.Grants {
		if g.ScopeID == "" || seen[g.ScopeID] {
			continue
		}
		if g.Role == accounts.OrgAdmin || (!adminOnly && g.Role == accounts.OrgMember) {
			seen[g.ScopeID] = true
			out = append(out, orgChoice{g.ScopeID, g.ScopeName})
		}
	}
	return out
}
