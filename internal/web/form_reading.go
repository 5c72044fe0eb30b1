package web

import (
	"errors"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/errs"
)

// readDay reads a form's date (2026-03-01) in loc; a date that is not one
// (2026-13-01, 2026-02-31, a word) or out of range adds its error under
// field to l and reads as the zero time, which the domain refuses.
func readDay(l *errs.List, field, v string, loc *time.Location) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{} // the domain says it is required
	}
	t, err := time.ParseInLocation(formDate, v, loc)
	switch {
	case err != nil:
		l.Add(field, "date.invalid")
		return time.Time{}
	case !timeInRange(t):
		l.Add(field, "date.out_of_range", minYear, maxYear)
		return time.Time{}
	}
	return t
}

// readClock reads a form's time of day (09:30, 24-hour) as the time since
// midnight; empty reads as def (a negative def: the time is required), a
// time that is not one (25:99) adds its error under field to l and reads as
// false.
func readClock(l *errs.List, field, v string, def time.Duration) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" && def < 0 {
		l.Add(field, "field.required")
		return 0, false
	}
	if v == "" {
		return def, true
	}
	t, err := time.Parse("15:04", v)
	if err != nil {
		l.Add(field, "time.invalid")
		return 0, false
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, true
}

// unreadAs is errs.Unparsed for a form whose inputs the domain knows under
// other names: the reading errors, with the domain's (or the store's)
// refusal of the zero values read in their place, so one submit names every
// problem. covers
// maps a domain field to the inputs it is read from ("held_at": held_on,
// held_time); its error gives way when one of them could not be read, which
// already says why. A refusal that is not about fields wins outright.
func unreadAs(checked error, reading errs.List, covers map[string][]string) error {
	if len(reading) == 0 {
		return checked
	}
	if checked == nil {
		return errs.Wrap(errors.New("a change was accepted with input that could not be read"), "web.unreadAs")
	}
	if errs.CodeOf(checked) != errs.Invalid || len(errs.Fields(checked)) == 0 {
		return checked
	}
	seen := map[string]bool{}
	for _, e := range reading {
		seen[e.Field] = true
	}
	for field, inputs := range covers {
		for _, in := range inputs {
			seen[field] = seen[field] || seen[in]
		}
	}
	l := append(errs.List{}, reading...)
	for _, e := range errs.Fields(checked) {
		if !seen[e.Field] {
			l = append(l, e)
		}
	}
	return l.Err()
}
