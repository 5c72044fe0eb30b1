package activities

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

// Step is the unit volunteer time is counted in: half an hour.
const Step = 30

// Minutes is the volunteer time between a check-in and a check-out: only
// the part inside the activity's own hours counts, rounded to the nearest
// half hour (a quarter hour rounds up), and never more than the activity
// lasts.
func (a *Activity) Minutes(in, out time.Time) int {
	if in.Before(a.StartsAt) {
		in = a.StartsAt
	}
	if out.After(a.EndsAt) {
		out = a.EndsAt
	}
	if !out.After(in) {
		return 0
	}
	m := int(out.Sub(in) / time.Minute)
	r := (m + Step/2) / Step * Step
	return min(r, a.MaxMinutes())
}

// MaxMinutes is the most volunteer time the activity can give: its
// duration, rounded down to the half hour.
func (a *Activity) MaxMinutes() int { return int(a.Duration()/time.Minute) / Step * Step }

// ParseHours reads hours an organizer typed ("2", "1.5", "2.5小时") into
// minutes: a multiple of half an hour between 0 and max minutes.
func ParseHours(s string, max int) (int, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "小时"))
	s = strings.TrimSuffix(s, "h")
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, errs.Field("hours", "activity.hours_invalid")
	}
	m := f * 60
	if m < 0 || m > float64(max) {
		return 0, errs.Field("hours", "activity.hours_range", FormatHours(max))
	}
	if math.Abs(m-math.Round(m/Step)*Step) > 1e-6 {
		return 0, errs.Field("hours", "activity.hours_step")
	}
	return int(math.Round(m)), nil
}

// FormatHours shows minutes as hours to a tenth: 90 → "1.5", 120 → "2".
func FormatHours(minutes int) string {
	return strconv.FormatFloat(math.Round(float64(minutes)/6)/10, 'f', -1, 64)
}
