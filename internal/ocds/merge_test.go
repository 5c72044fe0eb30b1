package ocds

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	t.Parallel()
	parse := func(s string) map[string]any {
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, tc := range []struct{ name, a, b, want string }{
		{"latest value wins", `{"x":1,"y":"a"}`, `{"x":2}`, `{"x":2,"y":"a"}`},
		{"null removes", `{"x":1,"y":2}`, `{"x":null}`, `{"y":2}`},
		{"objects merge", `{"t":{"a":1,"b":2}}`, `{"t":{"b":3,"c":4}}`, `{"t":{"a":1,"b":3,"c":4}}`},
		{"arrays of objects merge by id", `{"p":[{"id":"a","n":1,"r":["x"]},{"id":"b","n":2}]}`,
			`{"p":[{"id":"b","n":3},{"id":"c","n":4},{"id":"a","r":["y","z"]}]}`,
			`{"p":[{"id":"a","n":1,"r":["y","z"]},{"id":"b","n":3},{"id":"c","n":4}]}`},
		{"nested ids", `{"c":[{"id":"1","m":[{"id":"m1","s":"scheduled"}]}]}`, `{"c":[{"id":"1","m":[{"id":"m1","s":"met"},{"id":"m2"}]}]}`,
			`{"c":[{"id":"1","m":[{"id":"m1","s":"met"},{"id":"m2"}]}]}`},
		{"arrays without ids are replaced", `{"tag":["a","b"],"o":[{"k":1}]}`, `{"tag":["c"],"o":[{"k":2}]}`, `{"tag":["c"],"o":[{"k":2}]}`},
		{"whole list merge", `{"additionalIdentifiers":[{"id":"1","s":"a"}]}`, `{"additionalIdentifiers":[{"id":"2"}]}`,
			`{"additionalIdentifiers":[{"id":"2"}]}`},
		{"omitted keeps", `{"x":{"y":[{"id":1,"v":1}]}}`, `{}`, `{"x":{"y":[{"id":1,"v":1}]}}`},
		{"number and string ids differ", `{"a":[{"id":1,"v":1}]}`, `{"a":[{"id":"1","v":2}]}`, `{"a":[{"id":1,"v":1},{"id":"1","v":2}]}`},
	} {
		dst := map[string]any{}
		mergeObject(dst, parse(tc.a))
		mergeObject(dst, parse(tc.b))
		if !reflect.DeepEqual(dst, parse(tc.want)) {
			got, _ := json.Marshal(dst)
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}
