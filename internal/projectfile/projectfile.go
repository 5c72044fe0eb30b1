// Package projectfile reads files of completed past projects (JSON Lines,
// DESIGN.md "Import formats") into rows the store imports as closed needs
// with their award, contract, acceptance and rating. Like orgfile it knows
// nothing of SQL: a problem in a line stays with that line, and the store
// validates the project itself.
package projectfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
)

// ProjectRow is one completed project read from a file.
type ProjectRow struct {
	Line         int    // 1-based line number in the file
	Key          string // the source system's identifier; a re-import updates by it
	Title        string
	Description  string
	Street       string // street or town, by name
	Community    string // by name, within the street
	Org          string // the delivering organization's source key
	BudgetFen    int64
	DurationDays int
	// Rating is the source's average resident satisfaction (1–5, e.g. 4.7);
	// 0 when the file gives none.
	Rating float64
	// Completed is the acceptance day, at midnight Beijing time.
	Completed time.Time
	// Published is the day the need was put out to tender, at midnight
	// Beijing time; zero when the file gives none (the dashboard still
	// counts the project as tendered and contracted, store.tendered).
	Published time.Time
	// Problems found while reading the line (bad JSON, a word where a
	// number belongs, a bad date) before the project itself is validated.
	Problems []registry.Problem
}

// beijing is the zone completion dates are read in (China keeps no summer
// time, so a fixed offset needs no zone database).
var beijing = time.FixedZone("CST", 8*60*60)

// fields lists the keys of a line, in the order of DESIGN.md.
var fields = []string{"key", "title", "description", "street", "community", "org", "budget_fen", "duration_days",
	"rating", "completed", "published"}

const bom = "\ufeff"

// Read parses a projects file. Problems in a line go into that row's
// Problems with its line number; a key given twice marks the later line.
// Blank lines are skipped. Only a failing reader is an error.
func Read(r io.Reader) ([]ProjectRow, error) {
	br := bufio.NewReader(r)
	var rows []ProjectRow
	seen := map[string]int{} // key → first line
	for line := 1; ; line++ {
		text, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return nil, errs.Wrap(err, "read projects line %d", line)
		}
		if line == 1 {
			text = strings.TrimPrefix(text, bom)
		}
		if strings.TrimSpace(text) != "" {
			row := parseLine(line, text)
			if row.Key != "" {
				if first, dup := seen[row.Key]; dup {
					row.problem("key", "project.duplicate_key", first)
				} else {
					seen[row.Key] = line
				}
			}
			rows = append(rows, row)
		}
		if err == io.EOF {
			return rows, nil
		}
	}
}

func (p *ProjectRow) problem(field, key string, args ...any) {
	p.Problems = append(p.Problems, registry.Problem{Line: p.Line, Field: field, Key: key, Args: args})
}

func parseLine(line int, text string) ProjectRow {
	row := ProjectRow{Line: line}
	if !utf8.ValidString(text) {
		row.problem("", "project.not_utf8")
		return row
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil || m == nil {
		row.problem("", "import.bad_json")
		return row
	}
	for _, f := range fields {
		raw, ok := m[f]
		if !ok {
			continue
		}
		v, ok := scalar(raw)
		if !ok {
			row.problem(f, "invalid.value")
			continue
		}
		row.set(f, strings.TrimSpace(v))
	}
	return row
}

// set stores the text of one field, parsing numbers and the date.
func (p *ProjectRow) set(field, v string) {
	switch field {
	case "key":
		p.Key = v
	case "title":
		p.Title = v
	case "description":
		p.Description = v
	case "street":
		p.Street = v
	case "community":
		p.Community = v
	case "org":
		p.Org = v
	case "budget_fen":
		n, ok := parseInt(v)
		if !ok {
			p.problem(field, "number.invalid")
		}
		p.BudgetFen = n
	case "duration_days":
		n, ok := parseInt(v)
		if !ok {
			p.problem(field, "number.invalid")
		} else if n < 1 || n > MaxDurationDays {
			p.problem(field, "number.range", 1, MaxDurationDays)
		}
		p.DurationDays = int(n)
	case "rating":
		if v == "" {
			return
		}
		f, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil || math.IsNaN(f):
			p.problem(field, "invalid.value")
		case f < 1 || f > 5:
			p.problem(field, "number.range", 1, 5)
		default:
			p.Rating = f
		}
	case "completed":
		p.Completed = p.day(field, v)
	case "published":
		p.Published = p.day(field, v)
	}
}

// day parses a date field; zero when empty or wrong (a problem then).
func (p *ProjectRow) day(field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	d, err := time.ParseInLocation("2006-01-02", v, beijing)
	if err != nil {
		p.problem(field, "date.invalid")
		return time.Time{}
	}
	if d.Year() < minYear || d.Year() > maxYear {
		p.problem(field, "date.out_of_range", minYear, maxYear)
		return time.Time{}
	}
	return d
}

// The years a completion or publication date may fall in: year 1 or 9999 is a typo (the
// store refuses dates still to come).
const minYear, maxYear = 1990, 2199

// MaxDurationDays bounds a project's duration (ten years).
const MaxDurationDays = 3660

// scalar returns the text of a JSON string or number ("" for null); ok is
// false for booleans, arrays and objects.
func scalar(raw json.RawMessage) (string, bool) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", true
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err == nil
	case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
		return string(raw), true
	}
	return "", false
}

// parseInt reads a whole number; "12000000", "1.2e7" and "12000000.0" are
// all 12000000, "12.5" is not a whole number of fen. Empty is 0 (the store
// then says the field is required or must be positive).
func parseInt(s string) (int64, bool) {
	if s == "" {
		return 0, true
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e15 {
		return 0, false
	}
	return int64(f), true
}
