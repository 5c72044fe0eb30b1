package registry

import (
	"encoding/hex"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// SortKey returns a key that orders Chinese names the way people expect: by
// pinyin (the CLDR zh collation), the same on SQLite and PostgreSQL because
// it is plain ASCII compared byte by byte.
func SortKey(name string) string {
	var buf collate.Buffer
	return hex.EncodeToString(collate.New(language.Chinese).KeyFromString(&buf, name))
}
