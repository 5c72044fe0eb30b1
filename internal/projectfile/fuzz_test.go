package projectfile

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRead: any file reads without a panic into rows in line order whose
// problems carry their row's line; a row without problems holds values in
// range (duration, rating, completion year).
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		`{"key":"p1","title":"楼门议事会","street":"回龙观街道","org":"o1","budget_fen":1.2e7,"duration_days":90,"rating":4.7,"completed":"2024-06-30"}` + "\n",
		"\ufeff{}\n\n[1]\n{\"budget_fen\":\"x\"}\n{\"rating\":\"NaN\"}\n{\"duration_days\":1e400}",
		`{"completed":"0001-01-01","budget_fen":-5,"duration_days":-1}` + "\n" + `{"key":"p1"}` + "\n" + `{"key":"p1"}`,
		"\xff\xfe\n{\"title\":\"\\u0000\"}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := Read(strings.NewReader(in))
		if err != nil {
			t.Fatalf("a string reader failed: %v", err)
		}
		prev := 0
		for _, r := range rows {
			if r.Line <= prev {
				t.Fatalf("line %d after %d", r.Line, prev)
			}
			prev = r.Line
			for _, p := range r.Problems {
				if p.Line != r.Line || p.Key == "" {
					t.Fatalf("problem %+v in row %d", p, r.Line)
				}
			}
			if len(r.Problems) > 0 {
				continue
			}
			if r.DurationDays < 0 || r.DurationDays > MaxDurationDays || r.Rating != 0 && (r.Rating < 1 || r.Rating > 5) ||
				!r.Completed.IsZero() && (r.Completed.Year() < minYear || r.Completed.Year() > maxYear) {
				t.Fatalf("row without problems out of range: %+v", r)
			}
			for _, s := range []string{r.Key, r.Title, r.Description, r.Street, r.Community, r.Org} {
				if !utf8.ValidString(s) {
					t.Fatalf("text not UTF-8: %q", s)
				}
			}
		}
	})
}

// FuzzLineRoundTrip: a project written as a JSON line reads back with the
// same (trimmed) text and numbers.
func FuzzLineRoundTrip(f *testing.F) {
	f.Add("p1", "楼门议事会", "描述\n第二行", "回龙观街道", int64(12_000_000), 90, "2024-06-30")
	f.Add(" k ", "\u2028", `"\`, "", int64(0), 1, "")
	f.Fuzz(func(t *testing.T, key, title, desc, street string, budget int64, days int, completed string) {
		for _, s := range []string{key, title, desc, street, completed} {
			if !utf8.ValidString(s) {
				return // json.Marshal would change it
			}
		}
		line, err := json.Marshal(map[string]any{"key": key, "title": title, "description": desc, "street": street,
			"budget_fen": budget, "duration_days": days, "completed": completed})
		if err != nil {
			t.Fatal(err)
		}
		rows, err := Read(strings.NewReader(string(line) + "\n"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(string(line)) == "" || len(rows) != 1 {
			t.Fatalf("%s: %d rows", line, len(rows))
		}
		r := rows[0]
		if r.Key != strings.TrimSpace(key) || r.Title != strings.TrimSpace(title) || r.Description != strings.TrimSpace(desc) ||
			r.Street != strings.TrimSpace(street) || r.BudgetFen != budget {
			t.Fatalf("%s read back as %+v", line, r)
		}
		if days >= 1 && days <= MaxDurationDays && r.DurationDays != days {
			t.Fatalf("%s: duration %d", line, r.DurationDays)
		}
		if c := strings.TrimSpace(completed); c != "" && !r.Completed.IsZero() && r.Completed.Format("2006-01-02") != c {
			t.Fatalf("%s: completed %v", line, r.Completed)
		}
	})
}
