package web

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/errs"
)

// badInput reports what is wrong with a request's text before any handler
// sees it: a path, query value or form field that is not UTF-8 or holds NUL
// (PostgreSQL refuses both in text, so they would otherwise end as a 500
// there and be stored as-is on SQLite). A bad path is simply not found.
func badInput(r *http.Request) error {
	if !cleanText(r.URL.Path) {
		return errs.E(errs.NotFound, "error.not_found_page")
	}
	for _, vs := range r.URL.Query() {
		for _, v := range vs {
			if !cleanText(v) {
				return errs.E(errs.Invalid, "input.bad_text")
			}
		}
	}
	// The session middleware has read the form of every unsafe request.
	for name, vs := range r.PostForm {
		if !cleanText(name) {
			return errs.E(errs.Invalid, "input.bad_text")
		}
		for _, v := range vs {
			if !cleanText(v) {
				return errs.E(errs.Invalid, "input.bad_text")
			}
		}
	}
	return nil
}

func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// The years a deadline, a booking or an activity may fall in: year 0 or
// 9999 is a typo or an attack (the API keeps the same bounds).
const minYear, maxYear = 2000, 2199

func timeInRange(t time.Time) bool { y := t.UTC().Year(); return y >= minYear && y <= maxYear }
