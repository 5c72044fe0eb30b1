package demo_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/coordination"
	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

// checkCoordination: a year of joint meetings, items in every state with
// some overdue on the demo's today, the street login's items on its home
// page, and party-building records with histories, pairs and visits.
func checkCoordination(t *testing.T, s *store.Store, now time.Time) {
	t.Helper()
	admin, err := s.FindUserByPhone(context.Background(), "13800000001")
	if err != nil {
		t.Fatal(err)
	}
	ctx := accounts.WithActor(context.Background(), admin)
	ms, err := s.FindMeetings(ctx, store.MeetingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) < 5 {
		t.Fatalf("%d meetings", len(ms))
	}
	if span := ms[0].HeldAt.Sub(ms[len(ms)-1].HeldAt); span < 300*24*time.Hour {
		t.Errorf("meetings span %s, want about a year", span)
	}
	public, _ := s.FindMeetings(context.Background(), store.MeetingFilter{})
	if len(public) == 0 || len(public) == len(ms) {
		t.Errorf("%d public of %d meetings: want some, not all", len(public), len(ms))
	}
	items, err := s.FindActions(ctx, store.ActionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	states, overdue := map[coordination.Status]int{}, 0
	for _, x := range items {
		states[x.Status]++
		if x.Overdue(now) {
			overdue++
		}
	}
	for _, st := range coordination.Statuses {
		if states[st] == 0 {
			t.Errorf("no item %s: %v", st, states)
		}
	}
	if overdue < 2 {
		t.Errorf("%d overdue items", overdue)
	}
	staff, err := s.FindUserByPhone(context.Background(), "13800000002")
	if err != nil {
		t.Fatal(err)
	}
	mine, err := s.FindActions(accounts.WithActor(context.Background(), staff), store.ActionFilter{Mine: true, LiveOnly: true})
	late := 0
	for _, x := range mine {
		if x.Overdue(now) {
			late++
		}
	}
	if err != nil || len(mine) == 0 || late == 0 {
		t.Errorf("the street login has %d live items, %d overdue: %v", len(mine), late, err)
	}
	// The meetings as seeded agree with their dates (TestMeetingDates tries
	// other todays).
	var full []*coordination.Meeting
	for _, m := range ms {
		f, err := s.FindMeetingByID(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		full = append(full, f)
	}
	for _, p := range meetingDateProblems(full) {
		t.Error(p)
	}
	item, err := s.FindActionByID(ctx, items[0].ID)
	if err != nil || len(item.Updates) == 0 {
		t.Errorf("item history: %v", err)
	}
	// Party building: some organization has a two-step form history, a pair with activities, visits.
	var orgs []*registry.Organization
	for page := 1; ; page++ {
		list, _, err := s.FindOrganizations(ctx, registry.Filter{Page: page, PerPage: registry.MaxPerPage})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			break
		}
		orgs = append(orgs, list...)
	}
	var histories, pairs, visits int
	for _, o := range orgs {
		rec, err := s.FindPartyRecord(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Forms) >= 2 {
			histories++
			if last := rec.Forms[len(rec.Forms)-1]; last.Form != o.PartyForm {
				t.Errorf("%s: history ends with %s, organization says %s", o.Name, last.Form, o.PartyForm)
			}
		}
		for _, p := range rec.Pairings {
			if len(p.Activities) > 0 {
				pairs++
			}
		}
		for _, in := range rec.Instructors {
			visits += len(in.Visits)
		}
	}
	t.Logf("coordination: %d meetings (%d public), items %v, %d overdue; %d histories, %d pairs, %d visits", len(ms), len(public), states, overdue, histories, pairs, visits)
	if histories < 3 || pairs < 8 || visits < 10 {
		t.Errorf("party building: %d histories, %d pairs with activities, %d visits", histories, pairs, visits)
	}
}

// TestMeetingDates: on any day the demo is made, the meetings' titles,
// texts and items name the years, quarters and dates their own dates fall
// in — not a fixed year beside a shifted date.
func TestMeetingDates(t *testing.T) {
	t.Parallel()
	bad := 0
	for day := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC); day.Year() < 2029 && bad < 5; day = day.AddDate(0, 0, 1) {
		ms := demo.PlanMeetings(day)
		if p := meetingDateProblems(ms); len(p) > 0 {
			bad++
			t.Errorf("demo made on %s: %s", day.Format("2006-01-02"), strings.Join(p, "; "))
		}
		for _, m := range ms {
			if !m.HeldAt.Before(day.AddDate(0, 0, -6)) {
				t.Fatalf("demo made on %s: %q held %s, not in the past", day.Format("2006-01-02"), m.Title, m.HeldAt)
			}
		}
	}
}

var (
	cnDigit    = map[string]int{"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6}
	meetingNth = regexp.MustCompile(`(?:(\d{4})年)?第([一二三四五六])次(?:全体)?会议`)
	periodRe   = regexp.MustCompile(`(?:(\d{4})年)?(第([一二三四])季度|上半年|度)?`)
	monthDayRe = regexp.MustCompile(`(\d{1,2})月(\d{1,2})日`)
)

// period is a stretch of time a text names: a year ("2025年", "2025年度"),
// a half ("2025年上半年") or a quarter ("2025年第三季度"), in Beijing time.
type period struct {
	name       string
	start, end time.Time
}

// periods finds the periods named in s; a quarter without its year is a
// problem (a reader cannot tell which), so it is returned as one.
func periods(s string) (out []period, problems []string) {
	cst := time.FixedZone("CST", 8*3600)
	for _, m := range periodRe.FindAllStringSubmatch(s, -1) {
		if m[0] == "" || m[1] == "" && m[2] != "第"+m[3]+"季度" {
			continue // no year, no quarter: not a period
		}
		if m[1] == "" {
			problems = append(problems, fmt.Sprintf("%q names %s without its year", s, m[0]))
			continue
		}
		y, _ := strconv.Atoi(m[1])
		p := period{name: m[0], start: time.Date(y, 1, 1, 0, 0, 0, 0, cst)}
		switch {
		case m[3] != "":
			q := cnDigit[m[3]]
			p.start = time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, cst)
			p.end = p.start.AddDate(0, 3, 0)
		case m[2] == "上半年":
			p.end = p.start.AddDate(0, 6, 0)
		default:
			p.end = p.start.AddDate(1, 0, 0)
		}
		out = append(out, p)
	}
	return out, problems
}

// meetingDateProblems checks meetings against their dates: the joint
// conference's meetings (no convening street) fall in consecutive quarters
// and are numbered within their year ("2026年第二次会议" is the year's
// second, in its second quarter or later); what a meeting reviews or
// plans is the period it is held in or the one just ended; a deadline in
// its texts comes within two months after it; an item reporting on a
// period is due after the period ends (within two months), an item
// planning one is due in the month before it starts.
func meetingDateProblems(ms []*coordination.Meeting) []string {
	var out []string
	cst := time.FixedZone("CST", 8*3600)
	var district []*coordination.Meeting
	for _, m := range ms {
		if m.StreetName == "" {
			district = append(district, m)
		}
	}
	slices.SortFunc(district, func(a, b *coordination.Meeting) int { return a.HeldAt.Compare(b.HeldAt) })
	nth := map[int]int{}
	for i, m := range district {
		held := m.HeldAt.In(cst)
		q := (int(held.Month())-1)/3 + 1
		nth[held.Year()]++
		if i > 0 {
			prev := district[i-1].HeldAt.In(cst)
			if gap := (held.Year()*12 + int(held.Month())) - (prev.Year()*12 + int(prev.Month())); gap != 3 {
				out = append(out, fmt.Sprintf("%q held %d months after the meeting before", m.Title, gap))
			}
		}
		t := meetingNth.FindStringSubmatch(m.Title)
		switch {
		case t == nil:
			out = append(out, fmt.Sprintf("%q: no number", m.Title))
		case t[1] == "" && (i > 0 || t[2] != "一"):
			out = append(out, fmt.Sprintf("%q: only the founding meeting goes without a year", m.Title))
		case t[1] != "" && t[1] != strconv.Itoa(held.Year()):
			out = append(out, fmt.Sprintf("%q held in %d", m.Title, held.Year()))
		case cnDigit[t[2]] != nth[held.Year()] || cnDigit[t[2]] > q:
			out = append(out, fmt.Sprintf("%q is meeting %d of its year, held in quarter %d", m.Title, nth[held.Year()], q))
		}
	}
	for _, m := range ms {
		held := m.HeldAt.In(cst)
		texts := append([]string{m.Title, m.Minutes, m.Summary}, m.Agenda...)
		for _, r := range m.Resolutions {
			texts = append(texts, r.Text)
		}
		for _, s := range texts {
			ps, problems := periods(s)
			out = append(out, problems...)
			for _, p := range ps {
				if p.start.After(held) || held.Sub(p.end) > 100*24*time.Hour {
					out = append(out, fmt.Sprintf("%q (held %s) names %s", s, held.Format("2006-01-02"), p.name))
				}
			}
			for _, d := range monthDayRe.FindAllStringSubmatch(s, -1) {
				mo, _ := strconv.Atoi(d[1])
				dd, _ := strconv.Atoi(d[2])
				due := time.Date(held.Year(), time.Month(mo), dd, 0, 0, 0, 0, cst)
				if due.Before(held) {
					due = due.AddDate(1, 0, 0)
				}
				if due.Sub(held) > 62*24*time.Hour {
					out = append(out, fmt.Sprintf("%q (held %s): %s is not a deadline soon after", s, held.Format("2006-01-02"), d[0]))
				}
			}
		}
		for _, x := range m.Actions {
			ps, problems := periods(x.Title)
			out = append(out, problems...)
			due := x.Due.In(cst)
			for _, p := range ps {
				var ok bool
				switch {
				case strings.Contains(x.Title, "安排") || strings.Contains(x.Title, "计划"):
					ok = due.Before(p.start) && p.start.Sub(due) <= 31*24*time.Hour
				case strings.Contains(x.Title, "报送"):
					ok = !due.Before(p.end) && due.Sub(p.end) <= 62*24*time.Hour
				}
				if !ok {
					out = append(out, fmt.Sprintf("item %q due %s", x.Title, due.Format("2006-01-02")))
				}
			}
		}
	}
	return out
}
