package ocds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// omitWhenMerged are the release fields the compiled release replaces.
var omitWhenMerged = []string{"id", "date", "tag"}

// wholeListMerge names the arrays the 1.1 schema marks to be replaced
// whole rather than merged by id.
var wholeListMerge = map[string]bool{"additionalIdentifiers": true, "additionalClassifications": true}

// Compile merges the releases of one process into its compiled release,
// following the OCDS 1.1 merge routine over plain JSON values: releases in
// date order; each field takes its latest value; a field a release omits
// keeps its earlier value and a null removes it; objects merge field by
// field; arrays of objects that all carry an id merge item by item on the
// id (new ids appended in order); any other array (strings such as roles,
// objects without ids, wholeListMerge fields) is replaced whole. The
// compiled release gets tag ["compiled"], the latest date, and id
// "<ocid>-<date>".
//
// Simplified from the reference implementation: merge rules come from
// field names (above), not from reading the schema; duplicate ids within
// one array of one release merge into one item; ids 1 and "1" are
// different; no versioned release is produced.
func Compile(releases []Release) (map[string]any, error) {
	if len(releases) == 0 {
		return nil, errors.New("ocds: no release to compile")
	}
	sorted := slices.Clone(releases)
	slices.SortStableFunc(sorted, func(x, y Release) int { return x.Date.Compare(y.Date) })
	compiled := map[string]any{}
	ocid := sorted[0].OCID
	for _, r := range sorted {
		if r.OCID != ocid {
			return nil, fmt.Errorf("ocds: cannot compile releases of %s and %s together", ocid, r.OCID)
		}
		doc, err := toJSONObject(r)
		if err != nil {
			return nil, err
		}
		for _, k := range omitWhenMerged {
			delete(doc, k)
		}
		mergeObject(compiled, doc)
	}
	date := sorted[len(sorted)-1].Date.Format(time.RFC3339Nano)
	compiled["ocid"] = ocid
	compiled["id"] = ocid + "-" + date
	compiled["date"] = date
	compiled["tag"] = []any{"compiled"}
	return compiled, nil
}

// toJSONObject turns a value into plain JSON values, numbers kept exact.
func toJSONObject(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("ocds: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("ocds: %w", err)
	}
	return m, nil
}

func mergeObject(dst, src map[string]any) {
	for k, v := range src {
		switch v := v.(type) {
		case nil:
			delete(dst, k)
		case map[string]any:
			d, ok := dst[k].(map[string]any)
			if !ok {
				d = map[string]any{}
			}
			mergeObject(d, v)
			dst[k] = d
		case []any:
			old, _ := dst[k].([]any)
			if wholeListMerge[k] || !identified(v) || (len(old) > 0 && !identified(old)) {
				dst[k] = v
			} else {
				dst[k] = mergeByID(old, v)
			}
		default:
			dst[k] = v
		}
	}
}

// identified reports whether every item is an object with an id.
func identified(items []any) bool {
	if len(items) == 0 {
		return false
	}
	for _, it := range items {
		m, ok := it.(map[string]any)
		if !ok || m["id"] == nil {
			return false
		}
	}
	return true
}

func mergeByID(old, items []any) []any {
	out := slices.Clone(old)
	at := map[string]int{}
	for i, it := range out {
		at[idKey(it.(map[string]any)["id"])] = i
	}
	for _, it := range items {
		m := it.(map[string]any)
		key := idKey(m["id"])
		if i, ok := at[key]; ok {
			mergeObject(out[i].(map[string]any), m)
			continue
		}
		fresh := map[string]any{}
		mergeObject(fresh, m)
		at[key] = len(out)
		out = append(out, fresh)
	}
	return out
}

func idKey(id any) string {
	if n, ok := id.(json.Number); ok {
		return "n:" + n.String()
	}
	return fmt.Sprintf("%T:%v", id, id)
}
