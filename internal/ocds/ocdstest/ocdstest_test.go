package ocdstest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReferenceSchemasAreLocal(t *testing.T) {
	v := Load(t)
	if v == nil {
		t.Skip("no reference schemas")
	}
	// Every $ref in the reference schemas resolves to a local copy or
	// within the file; the compile would have failed otherwise.
	for _, name := range schemaFiles {
		b, err := os.ReadFile(filepath.Join(v.dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range strings.Split(string(b), `"$ref": "`)[1:] {
			ref, _, _ := strings.Cut(part, `"`)
			if strings.HasPrefix(ref, "#") {
				continue
			}
			file, _, _ := strings.Cut(strings.TrimPrefix(ref, schemaBase), "#")
			found := false
			for _, f := range schemaFiles {
				found = found || f == file
			}
			if !found {
				t.Errorf("%s refers to %s, which is not a local copy", name, ref)
			}
		}
	}
}

func TestPersonalData(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]int{
		`{"description":"咨询电话13812345678"}`:             1,
		`{"description":"咨询 138-1234-5678。"}`:           1,
		`{"id":"01a21959-b4c2-72d3-bbdb-13812345678a"}`: 0, // inside an id
		`{"amount":138123456789}`:                       0,
		`{"name":"王芳"}`:                                 1,
		`{"contactPoint":{}}`:                           1,
		`{"name":"回龙观街道办事处"}`:                           0,
	} {
		if got := PersonalData([]byte(text), "王芳"); len(got) != want {
			t.Errorf("%s: %v, want %d problems", text, got, want)
		}
	}
}
