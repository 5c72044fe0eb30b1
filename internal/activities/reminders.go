package activities

import "time"

// beijing is the wall clock reminders are timed by.
var beijing = time.FixedZone("Asia/Shanghai", 8*3600)

// RemindFrom is the hour of the day before an activity (Beijing) from which
// its signed-up residents get a reminder: nobody is texted at night.
const RemindFrom = 9

// RemindWindow returns the start times whose activities are reminded at
// now: those starting tomorrow (Beijing), once it is RemindFrom o'clock
// today. ok is false before then.
func RemindWindow(now time.Time) (from, to time.Time, ok bool) {
	l := now.In(beijing)
	if l.Hour() < RemindFrom {
		return time.Time{}, time.Time{}, false
	}
	today := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, beijing)
	return today.AddDate(0, 0, 1).UTC(), today.AddDate(0, 0, 2).UTC(), true
}

// ReminderTime formats an activity's start for the reminder text.
func ReminderTime(t time.Time) string { return t.In(beijing).Format("1月2日 15:04") }
