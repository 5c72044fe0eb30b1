package search

import (
	"fmt"
	"math"
)

// MaxFields is how many fields a schema may have (the postings format keeps a
// field number in three bits).
const MaxFields = 7

// Field is one searchable field of the documents.
type Field struct {
	Name   string
	Weight float64 // how much a match here counts relative to other fields
	B      float64 // length normalization, 0 (none) to 1 (full)
}

// Schema lists the fields and the BM25F saturation K1.
type Schema struct {
	Fields []Field
	K1     float64
}

// Field names of DefaultSchema.
const (
	FieldTitle       = "title"
	FieldDescription = "description"
	FieldTags        = "tags"
)

// DefaultSchema weighs a title match three times and a domain/tag match twice
// a description match. Titles and tags are short and uniform, so they get
// little length normalization; descriptions vary from a line to a page.
func DefaultSchema() Schema {
	return Schema{
		Fields: []Field{
			{Name: FieldTitle, Weight: 3, B: 0.5},
			{Name: FieldDescription, Weight: 1, B: 0.75},
			{Name: FieldTags, Weight: 2, B: 0.3},
		},
		K1: 1.2,
	}
}

func (s Schema) validate() error {
	if len(s.Fields) == 0 || len(s.Fields) > MaxFields {
		return fmt.Errorf("search: a schema needs 1 to %d fields, has %d", MaxFields, len(s.Fields))
	}
	if !(s.K1 > 0) || math.IsInf(s.K1, 0) {
		return fmt.Errorf("search: K1 must be positive, is %v", s.K1)
	}
	seen := map[string]bool{}
	for _, f := range s.Fields {
		switch {
		case f.Name == "" || seen[f.Name]:
			return fmt.Errorf("search: field name %q empty or repeated", f.Name)
		case !(f.Weight > 0) || math.IsInf(f.Weight, 0):
			return fmt.Errorf("search: field %q: weight must be positive", f.Name)
		case !(f.B >= 0 && f.B <= 1):
			return fmt.Errorf("search: field %q: b must be within [0, 1]", f.Name)
		}
		seen[f.Name] = true
	}
	return nil
}
