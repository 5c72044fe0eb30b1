package demo

import (
	"time"

	"github.com/huitian/huitian/internal/coordination"
)

// PlanMeetings is the year of meetings the demo lays out when its today is
// now, as the store would hold them (StreetName is the convening street),
// for tests over many todays without seeding a database for each.
func PlanMeetings(now time.Time) []*coordination.Meeting {
	var out []*coordination.Meeting
	for _, mp := range planMeetings(midnight(now)) {
		m := &coordination.Meeting{Title: mp.title, HeldAt: mp.held, StreetName: mp.street, Agenda: mp.agenda,
			Minutes: mp.minutes, Summary: mp.summary}
		for _, r := range mp.resolutions {
			m.Resolutions = append(m.Resolutions, &coordination.Resolution{Text: r})
		}
		for _, ip := range mp.items {
			m.Actions = append(m.Actions, &coordination.Action{Title: ip.title, Due: midnight(mp.held).AddDate(0, 0, ip.due)})
		}
		out = append(out, m)
	}
	return out
}
