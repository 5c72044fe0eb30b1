package points

import "time"

// Fraud flags put a redemption in front of the street's staff; they never
// block it (the resident is standing at the counter).
const (
	FlagRepeat       = "repeat_resident" // the same merchant redeemed for the same resident often lately
	FlagOutsideHours = "outside_hours"   // confirmed while the merchant says it is closed
)

// RepeatWindow and RepeatLimit: the RepeatLimit-th redemption of one
// resident at one merchant within RepeatWindow, and every one after, is
// flagged.
const (
	RepeatWindow = 7 * 24 * time.Hour
	RepeatLimit  = 3
)

// Hours are a merchant's opening hours on the Beijing wall clock, "HH:MM";
// Closes before Opens means open past midnight.
type Hours struct {
	Opens, Closes string
}

func minutes(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// Validate reports malformed hours.
func (h Hours) Validate() error {
	_, ok1 := minutes(h.Opens)
	_, ok2 := minutes(h.Closes)
	if !ok1 || !ok2 || h.Opens == h.Closes {
		return fieldErr("opening_hours", "points.hours_invalid")
	}
	return nil
}

// OpenAt reports whether t (any zone) falls within the hours in loc.
func (h Hours) OpenAt(t time.Time, loc *time.Location) bool {
	o, ok1 := minutes(h.Opens)
	c, ok2 := minutes(h.Closes)
	if !ok1 || !ok2 {
		return true // unknown hours flag nothing
	}
	lt := t.In(loc)
	m := lt.Hour()*60 + lt.Minute()
	if o < c {
		return m >= o && m < c
	}
	return m >= o || m < c
}

// Flags returns the fraud flags of a redemption confirmed at at: hours is
// nil when the merchant gave none; recent counts this resident's earlier
// redemptions at this merchant within RepeatWindow.
func Flags(at time.Time, loc *time.Location, hours *Hours, recent int) []string {
	var out []string
	if recent+1 >= RepeatLimit {
		out = append(out, FlagRepeat)
	}
	if hours != nil && !hours.OpenAt(at, loc) {
		out = append(out, FlagOutsideHours)
	}
	return out
}
