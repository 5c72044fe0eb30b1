package ocds_test

import (
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/ocds/ocdstest"
	"github.com/huitian/huitian/internal/registry"
)

func readExtensionJSON(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := fs.ReadFile(ocds.ExtensionFiles, "extension/"+name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func readExtensionCodelist(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := ocds.ExtensionFiles.Open("extension/codelists/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if !slices.Equal(rows[0], []string{"Code", "Title", "Description"}) {
		t.Fatalf("%s: header %v", name, rows[0])
	}
	return rows[1:]
}

func TestExtensionMetadata(t *testing.T) {
	t.Parallel()
	ext := readExtensionJSON(t, "extension.json")
	for _, field := range []string{"name", "description", "documentationUrl"} {
		m, _ := ext[field].(map[string]any)
		for _, lang := range []string{"en", "zh"} {
			if s, _ := m[lang].(string); strings.TrimSpace(s) == "" {
				t.Errorf("extension.json: %s.%s is empty", field, lang)
			}
		}
	}
	if !reflectEqualJSON(ext["schemas"], []any{"release-schema.json"}) || !reflectEqualJSON(ext["compatibility"], []any{"1.1"}) {
		t.Errorf("extension.json: schemas %v, compatibility %v", ext["schemas"], ext["compatibility"])
	}
	listed := map[string]bool{}
	for _, c := range ext["codelists"].([]any) {
		listed[c.(string)] = true
		readExtensionCodelist(t, c.(string))
	}
	shipped, _ := fs.Glob(ocds.ExtensionFiles, "extension/codelists/*.csv")
	if len(shipped) != len(listed) {
		t.Errorf("extension.json lists %v, the folder holds %v", listed, shipped)
	}
	// The files on disk are the ones embedded (go:embed reads them at build).
	for _, name := range []string{"extension.json", "release-schema.json", "README.md"} {
		if _, err := os.Stat("extension/" + name); err != nil {
			t.Error(err)
		}
	}
}

func reflectEqualJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestExtensionCodelistsMatchRegistry: the codelists are the registry's
// taxonomy and party forms, code for code, in order, with their Chinese names.
func TestExtensionCodelistsMatchRegistry(t *testing.T) {
	t.Parallel()
	rows := readExtensionCodelist(t, "serviceCategory.csv")
	if len(rows) != len(registry.Categories) {
		t.Fatalf("serviceCategory.csv has %d codes, registry.Categories %d", len(rows), len(registry.Categories))
	}
	for i, c := range registry.Categories {
		if rows[i][0] != c.Code || rows[i][1] != c.Name || rows[i][2] == "" {
			t.Errorf("serviceCategory.csv row %d = %v, want %s %s", i+1, rows[i], c.Code, c.Name)
		}
	}
	rows = readExtensionCodelist(t, "partyForm.csv")
	if len(rows) != len(registry.PartyForms) {
		t.Fatalf("partyForm.csv has %d codes, registry.PartyForms %d", len(rows), len(registry.PartyForms))
	}
	for i, p := range registry.PartyForms {
		if rows[i][0] != string(p) || rows[i][1] != registry.PartyFormLabels[p] || rows[i][2] == "" {
			t.Errorf("partyForm.csv row %d = %v, want %s %s", i+1, rows[i], p, registry.PartyFormLabels[p])
		}
	}
	// The schema's enums are the codelists (plus null, as OCDS writes them).
	schema := readExtensionJSON(t, "release-schema.json")
	defs := schema["definitions"].(map[string]any)
	prop := func(path ...string) map[string]any {
		m := defs
		for _, p := range path {
			m = m[p].(map[string]any)
		}
		return m
	}
	for file, code := range map[string]map[string]any{
		"serviceCategory.csv": prop("Tender", "properties", "serviceCategory", "properties", "code"),
		"partyForm.csv":       prop("Organization", "properties", "details", "properties", "partyForm", "properties", "code"),
	} {
		var want []any
		for _, r := range readExtensionCodelist(t, file) {
			want = append(want, r[0])
		}
		want = append(want, nil)
		if code["codelist"] != file || code["openCodelist"] != false || !reflectEqualJSON(code["enum"], want) {
			t.Errorf("%s: schema codelist %v, enum %v", file, code["codelist"], code["enum"])
		}
	}
}

// TestExtensionDocumented: every property the extension adds is explained
// in its README, and patches a definition OCDS has.
func TestExtensionDocumented(t *testing.T) {
	t.Parallel()
	readme, err := fs.ReadFile(ocds.ExtensionFiles, "extension/README.md")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	var collect func(m map[string]any)
	collect = func(m map[string]any) {
		props, _ := m["properties"].(map[string]any)
		for name, p := range props {
			p := p.(map[string]any)
			if d, _ := p["description"].(string); d != "" || p["type"] != nil {
				if p["title"] == nil || p["description"] == nil {
					t.Errorf("extension property %s lacks a title or description", name)
				}
				names = append(names, name)
			}
			collect(p)
		}
	}
	schema := readExtensionJSON(t, "release-schema.json")
	for def, patch := range schema["definitions"].(map[string]any) {
		if !slices.Contains([]string{"Tender", "Organization", "Implementation", "Document"}, def) {
			t.Errorf("the extension patches %s: check it is an OCDS definition and document it", def)
		}
		collect(patch.(map[string]any))
	}
	sort.Strings(names)
	for _, name := range names {
		if !strings.Contains(string(readme), "`"+name+"`") && !strings.Contains(string(readme), "."+name+"`") {
			t.Errorf("README.md does not explain `%s`", name)
		}
	}
	for _, path := range []string{"tender.community", "tender.serviceCategory", "parties[].details.partyForm",
		"documents[].sha256", "contracts[].implementation.satisfaction"} {
		if !strings.Contains(string(readme), path) {
			t.Errorf("README.md has no section for %s", path)
		}
	}
}

// TestExtensionPatchesCore: the extension's definitions exist in the core
// schema, and merging it changes no core property, only adds.
func TestExtensionPatchesCore(t *testing.T) {
	t.Parallel()
	v := ocdstest.Load(t)
	if v == nil {
		t.Skip("no reference schemas")
	}
	b, err := os.ReadFile(filepath.Join(v.Dir(), "release-schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var core map[string]any
	if err := json.Unmarshal(b, &core); err != nil {
		t.Fatal(err)
	}
	coreDefs := core["definitions"].(map[string]any)
	schema := readExtensionJSON(t, "release-schema.json")
	for def, patch := range schema["definitions"].(map[string]any) {
		cd, ok := coreDefs[def].(map[string]any)
		if !ok {
			t.Errorf("OCDS 1.1 has no definition %s", def)
			continue
		}
		coreProps := cd["properties"].(map[string]any)
		for name := range patch.(map[string]any)["properties"].(map[string]any) {
			if _, clash := coreProps[name]; clash && name != "details" {
				t.Errorf("the extension redefines the core property %s.%s", def, name)
			}
		}
	}
}
