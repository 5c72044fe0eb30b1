package corpus

import (
	"slices"
	"strings"
	"testing"
)

func TestSeeded(t *testing.T) {
	a, b := New(7).Docs(200), New(7).Docs(200)
	if !slices.Equal(a, b) {
		t.Fatal("the same seed gave different documents")
	}
	if slices.Equal(a, New(8).Docs(200)) {
		t.Fatal("different seeds gave the same documents")
	}
	cats := map[string]bool{}
	for _, d := range New(1).Docs(5000) {
		if d.Title == "" || d.Description == "" || d.Tags == "" || !strings.HasSuffix(d.Community, "社区") {
			t.Fatalf("incomplete document %+v", d)
		}
		cats[d.Category] = true
	}
	if len(cats) < 18 {
		t.Errorf("5,000 documents cover %d categories", len(cats))
	}
}

func TestGrams(t *testing.T) {
	for _, c := range []struct {
		text  string
		query bool
		want  string
	}{
		{"养老驿站 WiFi", false, "养 老 驿 站 养老 老驿 驿站 wifi"},
		{"养老驿站，养老", true, `"养老" OR "老驿" OR "驿站"`},
		{"电梯", true, `"电梯"`},
		{"乱 5G", true, `"乱" OR "5g"`},
	} {
		var b strings.Builder
		Grams(&b, c.text, c.query)
		if b.String() != c.want {
			t.Errorf("Grams(%q, %v) = %q, want %q", c.text, c.query, b.String(), c.want)
		}
	}
}
