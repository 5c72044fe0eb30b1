package web

import (
	"io/fs"
	"slices"
	"testing"
)

// Every template file must be registered (parsed at start), so a page cannot
// exist on disk and fail only when first visited.
func TestEveryTemplateIsRegistered(t *testing.T) {
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := f[len("templates/"):]
		if !slices.Contains(pageFiles, name) && !slices.Contains(partialFiles, name) {
			t.Errorf("%s is not in pageFiles or partialFiles", name)
		}
	}
	if len(files) != len(pageFiles)+len(partialFiles) {
		t.Errorf("%d files on disk, %d registered", len(files), len(pageFiles)+len(partialFiles))
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"": "/", "/admin": "/admin", "//evil.example": "/", "https://evil": "/", "/\\evil": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}
