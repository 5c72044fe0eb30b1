package web

import (
	"io/fs"
	"slices"
	"testing"

	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/registry"
)

// Every template file must be registered (parsed at start), so a page cannot
// exist on disk and fail only when first visited.
func TestEveryTemplateIsRegistered(t *testing.T) {
	files, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, ps := range pageParts {
		parts = append(parts, ps...)
	}
	for _, f := range files {
		name := f[len("templates/"):]
		if !slices.Contains(pageFiles, name) && !slices.Contains(partialFiles, name) && !slices.Contains(parts, name) {
			t.Errorf("%s is not in pageFiles, partialFiles or pageParts", name)
		}
	}
	if len(files) != len(pageFiles)+len(partialFiles)+len(parts) {
		t.Errorf("%d files on disk, %d registered", len(files), len(pageFiles)+len(partialFiles)+len(parts))
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"": "/", "/admin": "/admin", "//evil.example": "/", "https://evil": "/", "/\\evil": "/",
		// Browsers drop tabs and newlines and read a backslash as a slash.
		"/\t/evil.example": "/", "/\n/evil.example": "/", "/\r\n/evil.example": "/", "\\/evil.example": "/",
		"/x\\..\\\\evil": "/", "javascript:alert(1)": "/", "/needs?q=%E8%80%81": "/needs?q=%E8%80%81", " /admin": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

func TestEveryCategoryIsTranslated(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range registry.Categories {
		if got := cat.T(i18n.ZH, "category."+c.Code); got != c.Name {
			t.Errorf("category.%s: zh-CN %q, taxonomy says %q", c.Code, got, c.Name)
		}
		if got := cat.T(i18n.EN, "category."+c.Code); got == c.Name || got == "category."+c.Code {
			t.Errorf("category.%s has no English name", c.Code)
		}
	}
}
