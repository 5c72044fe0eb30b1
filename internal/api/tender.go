package api

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// Helpers shared by the procurement handlers: times, optional bodies,
// path ids and the masking of free text.

// optTime formats a time as rfc3339, or "" when it is not set (omitted).
func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return rfc3339(t)
}

// parseTime reads an RFC 3339 time for field; "" is the zero time (the
// caller or the domain decides whether it is required). A bad value is
// added to l.
func parseTime(l *errs.List, field, v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		l.Add(field, "api.time_invalid")
		return time.Time{}
	}
	if !timeInRange(t) {
		l.Add(field, "date.out_of_range", minYear, maxYear)
		return time.Time{}
	}
	return t.UTC()
}

// The years a deadline, a booking, a contract or an activity may fall in:
// year 0 or 9999 is a typo or an attack, and year 1 would read as unset.
const minYear, maxYear = 2000, 2199

func timeInRange(t time.Time) bool { y := t.UTC().Year(); return y >= minYear && y <= maxYear }

// decodeOptional is decode for actions whose body may be left out: an
// empty body reads as {}.
func (a *API) decodeOptional(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return nil
	}
	err := a.decode(w, r, dst)
	if e := asError(err); e != nil && e.Key == "api.body_empty" {
		return nil
	}
	return err
}

func asError(err error) *errs.Error {
	if err == nil {
		return nil
	}
	return errs.As(err)
}

// pathID returns the path value name if it can be an id at all; anything
// else is not found as kind.
func pathID(r *http.Request, name, kind string) (string, error) {
	id := r.PathValue(name)
	if !cleanID(id) {
		return "", errs.E(errs.NotFound, "notfound."+kind)
	}
	return id, nil
}

// mobileInText finds a mainland mobile number, also written with spaces or
// dashes between the digits.
var mobileInText = regexp.MustCompile(`1[3-9][0-9](?:[ -]?[0-9]){8}`)

// maskPhones masks mobile numbers typed into public free text (timeline
// notes, comments), as the public pages do: 138****5678.
func maskPhones(s string) string {
	return mobileInText.ReplaceAllStringFunc(s, func(m string) string {
		return accounts.MaskPhone(strings.NewReplacer(" ", "", "-", "").Replace(m))
	})
}

// now is the store's clock: effective statuses and sealing follow it.
func (a *API) now() time.Time { return a.store.Now() }
