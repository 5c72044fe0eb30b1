// Package ocdstest lets the tests of other packages check OCDS output the
// way internal/ocds checks its own: a release or record package is validated
// against the OCDS 1.1 schemas of the shared reference folder with Huitian's
// extension merged in, every property must be declared by the core schema or
// the extension, and every value of a field with a codelist — closed or
// open, core or extension — must be a non-deprecated code of it. Nothing is
// fetched over the network.
//
// The reference folder is ../shared/reference/ocds-1.1 from the repository
// root (or HUITIAN_OCDS_SCHEMA_DIR). Without it a test skips the schema
// checks locally and fails under CI=true.
package ocdstest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/huitian/huitian/internal/ocds"
)

// schemaBase is the URL the OCDS 1.1 schemas reference each other by.
const schemaBase = "https://standard.open-contracting.org/schema/1__1__5/"

// schemaFiles are every schema the packages reference.
var schemaFiles = []string{"release-schema.json", "release-package-schema.json", "record-package-schema.json",
	"versioned-release-validation-schema.json"}

// Validator holds the compiled schemas and the codelists.
type Validator struct {
	dir            string
	releasePackage *jsonschema.Schema
	recordPackage  *jsonschema.Schema
	release        map[string]any // release-schema.json with the extension merged in
	codelists      map[string]codelist
	checked        sync.Map // codelist file name → true once a value was checked against it
}

type codelist struct {
	codes      map[string]bool
	deprecated map[string]bool
}

var (
	once      sync.Once
	validator *Validator
	loadErr   error
)

// Load returns the validator. When the reference folder is missing it
// returns nil and logs why (the caller's other checks still run), except
// under CI=true, where it fails the test.
func Load(t testing.TB) *Validator {
	t.Helper()
	once.Do(func() { validator, loadErr = compile() })
	if loadErr != nil {
		if errors.Is(loadErr, fs.ErrNotExist) && os.Getenv("CI") != "true" {
			t.Logf("OCDS reference schemas not found (%v): no schema validation outside CI", loadErr)
			return nil
		}
		t.Fatalf("OCDS reference schemas: %v", loadErr)
	}
	return validator
}

// Dir is the reference folder the schemas were read from.
func (v *Validator) Dir() string { return v.dir }

// ReleasePackage reports every problem of a release package given as JSON
// bytes or as a value to encode.
func (v *Validator) ReleasePackage(pkg any) []string {
	doc, err := asJSON(pkg)
	if err != nil {
		return []string{err.Error()}
	}
	if err := v.releasePackage.Validate(doc); err != nil {
		return []string{"not valid OCDS 1.1 with the extension: " + err.Error()}
	}
	var problems []string
	for i, r := range doc.(map[string]any)["releases"].([]any) {
		v.walk(&problems, fmt.Sprintf("releases[%d]", i), r, v.release)
	}
	return problems
}

// RecordPackage reports every problem of a record package (its releases and
// compiled release walked too).
func (v *Validator) RecordPackage(pkg any) []string {
	doc, err := asJSON(pkg)
	if err != nil {
		return []string{err.Error()}
	}
	if err := v.recordPackage.Validate(doc); err != nil {
		return []string{"not valid OCDS 1.1 with the extension: " + err.Error()}
	}
	var problems []string
	for i, rec := range doc.(map[string]any)["records"].([]any) {
		rec := rec.(map[string]any)
		if rs, ok := rec["releases"].([]any); ok {
			for j, r := range rs {
				if m, ok := r.(map[string]any); ok && m["ocid"] != nil {
					v.walk(&problems, fmt.Sprintf("records[%d].releases[%d]", i, j), r, v.release)
				}
			}
		}
		if cr, ok := rec["compiledRelease"]; ok {
			v.walk(&problems, fmt.Sprintf("records[%d].compiledRelease", i), cr, v.release)
		}
	}
	return problems
}

// CheckedCodelists lists the codelists some value has been checked against
// so far, sorted: a test can make sure its output exercised them.
func (v *Validator) CheckedCodelists() []string {
	var out []string
	v.checked.Range(func(k, _ any) bool { out = append(out, k.(string)); return true })
	sort.Strings(out)
	return out
}

// phoneRE finds a mainland mobile number, also written with spaces or
// dashes between the digits.
var phoneRE = regexp.MustCompile(`1[3-9][0-9](?:[ -]?[0-9]){8}`)

// PersonalData reports what looks like personal data in OCDS output given
// as JSON bytes or a value to encode: a mainland mobile number (also written
// with spaces or dashes; not when it runs on into ASCII letters or digits,
// as inside an id, a hash or a longer number), any
// of the given strings (people's names, user ids, phone numbers), and the
// OCDS fields that carry a contact person.
func PersonalData(out any, forbidden ...string) []string {
	b, ok := out.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(out); err != nil {
			return []string{err.Error()}
		}
	}
	s := string(b)
	var problems []string
	for i := 0; i < len(s); {
		loc := phoneRE.FindStringIndex(s[i:])
		if loc == nil {
			break
		}
		start, end := i+loc[0], i+loc[1]
		i = start + 1 // overlapping: a digit run may hide a number further on
		if (start > 0 && isAlnum(s[start-1])) || (end < len(s) && isAlnum(s[end])) {
			continue // part of an amount, an id or a hash, not a phone number
		}
		problems = append(problems, fmt.Sprintf("a phone number %q", s[start:end]))
		i = end
	}
	for _, f := range forbidden {
		if f != "" && strings.Contains(s, f) {
			problems = append(problems, fmt.Sprintf("%q", f))
		}
	}
	for _, key := range []string{`"contactPoint"`, `"telephone"`, `"email"`, `"faxNumber"`} {
		if strings.Contains(s, key) {
			problems = append(problems, key)
		}
	}
	return problems
}

// isAlnum reports an ASCII letter or digit: a phone number in text stands
// apart from them, while hex ids and hashes are made of them.
func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// SchemaDir finds ocds-1.1 in the shared reference folder beside the
// repository (or HUITIAN_OCDS_SCHEMA_DIR).
func SchemaDir() (string, error) {
	if d := os.Getenv("HUITIAN_OCDS_SCHEMA_DIR"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	var tried []string
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			dir := filepath.Join(filepath.Dir(d), "shared", "reference", "ocds-1.1")
			if _, err := os.Stat(filepath.Join(dir, "release-schema.json")); err == nil {
				return dir, nil
			}
			tried = append(tried, dir)
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", &os.PathError{Op: "find", Path: strings.Join(tried, ", "), Err: os.ErrNotExist}
}

type noNetwork struct{}

func (noNetwork) Load(url string) (any, error) {
	return nil, fmt.Errorf("schema %s is not among the local copies and nothing is fetched over the network", url)
}

func compile() (*Validator, error) {
	dir, err := SchemaDir()
	if err != nil {
		return nil, err
	}
	v := &Validator{dir: dir, codelists: map[string]codelist{}}
	c := jsonschema.NewCompiler()
	c.UseLoader(noNetwork{})
	c.AssertFormat()
	for _, name := range schemaFiles {
		doc, err := readJSON(os.DirFS(dir), name)
		if err != nil {
			return nil, err
		}
		if name == "release-schema.json" {
			patch, err := readJSON(ocds.ExtensionFiles, "extension/release-schema.json")
			if err != nil {
				return nil, err
			}
			doc = mergePatch(doc, patch)
			v.release = doc.(map[string]any)
		}
		if err := c.AddResource(schemaBase+name, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	if v.releasePackage, err = c.Compile(schemaBase + "release-package-schema.json"); err != nil {
		return nil, err
	}
	if v.recordPackage, err = c.Compile(schemaBase + "record-package-schema.json"); err != nil {
		return nil, err
	}
	for _, src := range []struct {
		fsys fs.FS
		dir  string
	}{{os.DirFS(dir), "codelists"}, {ocds.ExtensionFiles, "extension/codelists"}} {
		files, err := fs.Glob(src.fsys, src.dir+"/*.csv")
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, &os.PathError{Op: "glob", Path: src.dir + "/*.csv", Err: os.ErrNotExist}
		}
		for _, f := range files {
			cl, err := readCodelist(src.fsys, f)
			if err != nil {
				return nil, err
			}
			v.codelists[path.Base(f)] = cl
		}
	}
	return v, nil
}

func readJSON(fsys fs.FS, name string) (any, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}

func readCodelist(fsys fs.FS, name string) (codelist, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return codelist{}, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		return codelist{}, fmt.Errorf("%s: not a codelist: %v", name, err)
	}
	code, dep := -1, -1
	for i, h := range rows[0] {
		switch h {
		case "Code":
			code = i
		case "Deprecated":
			dep = i
		}
	}
	if code < 0 {
		return codelist{}, fmt.Errorf("%s: no Code column", name)
	}
	cl := codelist{codes: map[string]bool{}, deprecated: map[string]bool{}}
	for _, r := range rows[1:] {
		cl.codes[r[code]] = true
		if dep >= 0 && strings.TrimSpace(r[dep]) != "" {
			cl.deprecated[r[code]] = true
		}
	}
	return cl, nil
}

// mergePatch applies an RFC 7386 JSON Merge Patch, as OCDS applies an
// extension's release-schema.json to the core schema.
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(t, k)
			continue
		}
		t[k] = mergePatch(t[k], v)
	}
	return t
}

// asJSON turns bytes or a value into the validator's JSON values (exact numbers).
func asJSON(v any) (any, error) {
	var r io.Reader
	switch x := v.(type) {
	case []byte:
		r = bytes.NewReader(x)
	case json.RawMessage:
		r = bytes.NewReader(x)
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	return jsonschema.UnmarshalJSON(r)
}

// walk goes through a release beside its schema: every property must be
// declared (by the core schema or the extension), and every value of a
// field with a codelist must be a non-deprecated code of that codelist.
func (v *Validator) walk(problems *[]string, at string, val any, sch map[string]any) {
	bad := func(format string, args ...any) {
		*problems = append(*problems, at+": "+fmt.Sprintf(format, args...))
	}
	for {
		ref, ok := sch["$ref"].(string)
		if !ok {
			break
		}
		name, ok := strings.CutPrefix(ref, "#/definitions/")
		if !ok {
			bad("unexpected $ref %s", ref)
			return
		}
		sch = v.release["definitions"].(map[string]any)[name].(map[string]any)
	}
	if name, ok := sch["codelist"].(string); ok {
		v.checked.Store(name, true)
		cl, ok := v.codelists[name]
		if !ok {
			bad("codelist %s is not available", name)
			return
		}
		values, ok := val.([]any)
		if !ok {
			values = []any{val}
		}
		for _, x := range values {
			code, _ := x.(string)
			if !cl.codes[code] {
				bad("%v is not in %s", x, name)
			}
			if cl.deprecated[code] {
				bad("%v is deprecated in %s", x, name)
			}
		}
		return
	}
	switch val := val.(type) {
	case map[string]any:
		props, _ := sch["properties"].(map[string]any)
		keys := make([]string, 0, len(val))
		for k := range val {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p, ok := props[k].(map[string]any)
			if !ok {
				bad("%s is declared neither by OCDS 1.1 nor by the extension", k)
				continue
			}
			v.walk(problems, at+"."+k, val[k], p)
		}
	case []any:
		items, ok := sch["items"].(map[string]any)
		if !ok {
			bad("array without items in the schema")
			return
		}
		for i, it := range val {
			v.walk(problems, fmt.Sprintf("%s[%d]", at, i), it, items)
		}
	}
}
