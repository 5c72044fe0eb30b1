package store

import (
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

var allowedDocumentTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true, "application/pdf": true,
	docxType: true, xlsxType: true}

// FuzzSniffDocument: whatever bytes are uploaded, the type decided is one
// of the allowlist or none; markup a browser would run (HTML, SVG, XML,
// script) is never given a type, whatever it starts with after whitespace.
func FuzzSniffDocument(f *testing.F) {
	for _, s := range []string{"%PDF-1.7\n%%EOF", "\x89PNG\r\n\x1a\n\x00", "\xff\xd8\xff\xe0", "RIFF\x00\x00\x00\x00WEBPVP8 ",
		"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>", "<!DOCTYPE html><script>alert(1)</script>",
		"  <html>", "<?xml version=\"1.0\"?><svg/>", "GIF89a<script>", "PK\x03\x04", "MZ\x90\x00", "\xef\xbb\xbf<svg/>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		typ := sniffDocument(b)
		if typ == "" {
			return
		}
		if !allowedDocumentTypes[typ] {
			t.Fatalf("%q: type %q outside the allowlist", b, typ)
		}
		switch http.DetectContentType(b) {
		case "text/html; charset=utf-8", "text/xml; charset=utf-8", "image/svg+xml":
			if strings.HasPrefix(typ, "image/") {
				t.Fatalf("%q: markup let through as %s", b, typ)
			}
		}
	})
}

// FuzzCleanDocumentName: a stored file name is valid UTF-8 text with no
// path, control character or bidirectional override, at most 200
// characters, never "." or "..", and cleaning it again changes nothing.
func FuzzCleanDocumentName(f *testing.F) {
	for _, s := range []string{"需求说明.pdf", `C:\Users\a\报价.xlsx`, "../../etc/passwd", "a\x00b.pdf", "x\u202efdp.exe", " . ",
		"\xff\xfe.pdf", strings.Repeat("长", 201), `"><img src=x onerror=alert(1)>.png`, "a/", "..\u200f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cleanDocumentName(s)
		if got == "" {
			return
		}
		if !utf8.ValidString(got) || strings.ContainsAny(got, `/\`) || got == "." || got == ".." ||
			utf8.RuneCountInString(got) > 200 || got != strings.TrimSpace(got) {
			t.Fatalf("%q → %q", s, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError {
				t.Fatalf("%q → %q holds %U", s, got, r)
			}
		}
		if again := cleanDocumentName(got); again != got {
			t.Fatalf("not stable: %q → %q → %q", s, got, again)
		}
	})
}
