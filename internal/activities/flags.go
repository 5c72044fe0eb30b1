package activities

import (
	"sort"
	"time"
)

// FlagKind names why an attendance needs a second look by staff.
type FlagKind string

const (
	// FlagOverlap: the same resident checked in at two activities in
	// different places at overlapping times.
	FlagOverlap FlagKind = "overlap"
	// FlagAboveNorm: far more check-ins in a week than the resident's own
	// weekly average.
	FlagAboveNorm FlagKind = "above_norm"
)

// Presence is one check-in as the fraud checks see it.
type Presence struct {
	SignupID   string
	ActivityID string
	Title      string
	Address    string
	StreetID   string
	UserID     string
	UserName   string
	In, Out    time.Time // Out zero: never checked out
	Method     Method
}

// Flag is one finding for staff review.
type Flag struct {
	Kind     FlagKind
	UserID   string
	UserName string
	StreetID string // where the (later) check-in happened, for scoping
	At       time.Time
	// Presences are the check-ins involved (two for an overlap; the week's
	// for above-norm).
	Presences []Presence
	// Week and Norm are the week's count and the usual weekly count
	// (above-norm only; Norm is in tenths to stay an integer).
	Week, NormTenths int
}

// Norm thresholds: a week with at least NormMinWeek check-ins and at least
// NormFactor times the resident's average of the NormWeeks weeks before.
const (
	NormMinWeek = 5
	NormFactor  = 3
	NormWeeks   = 8
)

// openEnd is how long an attendance without a check-out is assumed to last
// when looking for overlaps.
const openEnd = 2 * time.Hour

// Flags finds overlaps and weeks far above a resident's norm among ps,
// looking at the week ending at now for the latter. Check-ins recorded by
// the organizer's list count for overlaps too (the list may be wrong).
func Flags(ps []Presence, now time.Time) []Flag {
	byUser := map[string][]Presence{}
	var users []string
	for _, p := range ps {
		if _, ok := byUser[p.UserID]; !ok {
			users = append(users, p.UserID)
		}
		byUser[p.UserID] = append(byUser[p.UserID], p)
	}
	sort.Strings(users)
	var out []Flag
	for _, u := range users {
		list := byUser[u]
		sort.Slice(list, func(i, j int) bool { return list[i].In.Before(list[j].In) })
		end := func(p Presence) time.Time {
			if p.Out.IsZero() {
				return p.In.Add(openEnd)
			}
			return p.Out
		}
		for i := range list {
			for j := i + 1; j < len(list); j++ {
				a, b := list[i], list[j]
				if !b.In.Before(end(a)) {
					break // sorted by check-in: no later one overlaps a
				}
				if a.ActivityID == b.ActivityID || a.Address == b.Address {
					continue
				}
				out = append(out, Flag{Kind: FlagOverlap, UserID: u, UserName: b.UserName, StreetID: b.StreetID,
					At: b.In, Presences: []Presence{a, b}})
			}
		}
		weekStart := now.Add(-7 * 24 * time.Hour)
		normStart := weekStart.Add(-NormWeeks * 7 * 24 * time.Hour)
		var week []Presence
		before := 0
		for _, p := range list {
			switch {
			case !p.In.Before(weekStart) && !p.In.After(now):
				week = append(week, p)
			case !p.In.Before(normStart) && p.In.Before(weekStart):
				before++
			}
		}
		normTenths := before * 10 / NormWeeks
		if len(week) >= NormMinWeek && len(week)*10 >= NormFactor*normTenths {
			last := week[len(week)-1]
			out = append(out, Flag{Kind: FlagAboveNorm, UserID: u, UserName: last.UserName, StreetID: last.StreetID,
				At: last.In, Presences: week, Week: len(week), NormTenths: normTenths})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out
}

// Key names the flag stably across reads, so staff can dismiss it: the two
// check-ins of an overlap; the resident and the latest check-in of a week
// above the norm (a further check-in makes a new finding).
func (f Flag) Key() string {
	if len(f.Presences) == 0 {
		return ""
	}
	if f.Kind == FlagOverlap && len(f.Presences) == 2 {
		return "activity:overlap:" + f.Presences[0].SignupID + ":" + f.Presences[1].SignupID
	}
	return "activity:" + string(f.Kind) + ":" + f.UserID + ":" + f.Presences[len(f.Presences)-1].SignupID
}
