package match_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/match"
)

// FuzzCapText: whatever the text, CapText keeps at most MaxTextRunes
// characters, a prefix of the trimmed text, valid UTF-8 where the text was,
// and reports a cut exactly when the trimmed text was longer.
func FuzzCapText(f *testing.F) {
	for _, s := range []string{"", "  老人助餐 ", strings.Repeat("楼里老人不会用手机挂号，", 60), strings.Repeat("助", 501), "\xff" + strings.Repeat("a ", 400)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got, cut := match.CapText(text)
		trimmed := strings.TrimSpace(text)
		if !strings.HasPrefix(trimmed, got) {
			t.Fatalf("not a prefix of the trimmed text: %q", got)
		}
		if n := utf8.RuneCountInString(got); n > match.MaxTextRunes {
			t.Fatalf("%d characters kept", n)
		}
		if cut != (utf8.RuneCountInString(trimmed) > match.MaxTextRunes) {
			t.Fatalf("cut = %v for %d characters", cut, utf8.RuneCountInString(trimmed))
		}
		if utf8.ValidString(text) && !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 from valid text")
		}
	})
}
