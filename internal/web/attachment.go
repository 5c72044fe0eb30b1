package web

import (
	"strings"
)

// attachment is the Content-Disposition of a download named name (Chinese,
// say): fallback, an ASCII name, for the clients that read only filename,
// and name itself as RFC 5987 filename* (UTF-8, percent-encoded), which
// the others prefer (RFC 6266).
func attachment(fallback, name string) string {
	var b strings.Builder
	b.WriteString(`attachment; filename="`)
	for _, r := range fallback {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			r = '_'
		}
		b.WriteRune(r)
	}
	b.WriteString(`"`)
	if name != "" && name != fallback {
		b.WriteString("; filename*=UTF-8''")
		const hex = "0123456789ABCDEF"
		for _, c := range []byte(name) {
			if isAttrChar(c) {
				b.WriteByte(c)
			} else {
				b.WriteByte('%')
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			}
		}
	}
	return b.String()
}

// isAttrChar reports whether c may stand as itself in an RFC 5987 value
// (attr-char).
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
