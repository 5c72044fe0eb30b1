// Package i18ntest helps tests check what users read: messages in words,
// never codes.
package i18ntest

import (
	"regexp"
	"sync"
	"testing"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
)

var catalog = sync.OnceValues(i18n.Load)

var latin = regexp.MustCompile(`[A-Za-z]`)

// RefusalInWords fails t when err is a conflict (a refused step) whose
// Chinese message has Latin letters (a state or action code left in it:
// 当前状态（awarded）下不能执行“award”) or whose English message matches
// codes. Other errors pass: only refusals are checked. It reports whether
// err was a refusal, so a caller can make sure some were tried.
func RefusalInWords(t testing.TB, what string, err error, codes *regexp.Regexp) bool {
	t.Helper()
	if errs.CodeOf(err) != errs.Conflict {
		return false
	}
	c, lerr := catalog()
	if lerr != nil {
		t.Fatal(lerr)
	}
	e := errs.As(err)
	if zh := c.T(i18n.ZH, e.Key, e.Args...); latin.MatchString(zh) {
		t.Errorf("%s: %q", what, zh)
	}
	if en := c.T(i18n.EN, e.Key, e.Args...); codes.MatchString(en) {
		t.Errorf("%s: %q", what, en)
	}
	return true
}
