package orgfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
)

const bom = "\ufeff"

// Read parses an organization file. Problems in a row (bad JSON, a word
// where a number belongs, an unknown registration, party form or category)
// go into that row's Problems with its line or spreadsheet row number;
// problems with the whole file (no name or street column, not UTF-8, a
// broken workbook) are returned as an Invalid *errs.Error. Blank lines and
// rows are skipped. Organizations are not validated here: the store does
// that when it imports the rows.
func Read(r io.Reader, format Format) ([]registry.ImportRow, error) {
	switch format {
	case JSONL:
		return readJSONL(r)
	case CSV:
		return readCSV(r)
	case XLSX:
		return readXLSX(r)
	}
	return nil, errs.E(errs.Invalid, "import.bad_format")
}

// builder fills one ImportRow cell by cell.
type builder struct{ row registry.ImportRow }

func newBuilder(line int) *builder {
	return &builder{row: registry.ImportRow{Line: line}}
}

func (b *builder) problem(field, key string, args ...any) {
	b.row.Problems = append(b.row.Problems, registry.Problem{Line: b.row.Line, Field: field, Key: key, Args: args})
}

// set stores the text of one field, parsing enums and numbers; v is trimmed.
func (b *builder) set(field, v string) {
	v = strings.TrimSpace(v)
	o := &b.row.Org
	switch field {
	case "key":
		o.Key = v
	case "name":
		o.Name = v
	case "registration":
		reg, ok := registry.ParseRegistration(v)
		if !ok {
			b.problem(field, "registration.invalid")
		}
		o.Registration = reg
	case "credit_code":
		o.CreditCode = v
	case "category":
		cat, ok := registry.ParseCategory(v)
		if !ok {
			b.problem(field, "category.invalid")
		}
		o.Category = cat
	case "domains":
		o.Domains = splitDomains(v)
	case "street":
		b.row.StreetName, o.StreetName = v, v
	case "community":
		b.row.CommunityName, o.CommunityName = v, v
	case "description":
		o.Description = v
	case "founded":
		o.Founded = normalizeDate(v)
	case "party_form":
		pf, ok := registry.ParsePartyForm(v)
		if !ok {
			b.problem(field, "party_form.invalid")
		}
		o.PartyForm = pf
	case "staff", "volunteers":
		n, ok := parseCount(v)
		if !ok {
			b.problem(field, "number.invalid")
		}
		if field == "staff" {
			o.Staff = n
		} else {
			o.Volunteers = n
		}
	case "contact_name":
		o.ContactName = v
	case "contact_phone":
		o.ContactPhone = v
	}
}

// splitDomains splits a cell of tags on 、 , ; (half or full width) and new lines.
func splitDomains(s string) []string {
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return strings.ContainsRune("、,，;；\n", r)
	})
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseCount reads a head count. Spreadsheets store every number as a
// float, so "28.0" and "28" are both 28; "28.5" and "二十" are not counts.
func parseCount(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e9 {
		return 0, false
	}
	return int(f), true
}

var dateRE = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$`)

// normalizeDate turns the spellings Excel and people use (2016/5/18,
// 2016.5.18, 2016年5月18日, "2016/5/18 0:00") into 2016-05-18; anything
// else is returned as is for validation to reject.
func normalizeDate(s string) string {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	return fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
}

// --- JSON Lines ---

func readJSONL(r io.Reader) ([]registry.ImportRow, error) {
	br := bufio.NewReader(r)
	var rows []registry.ImportRow
	for line := 1; ; line++ {
		text, err := br.ReadString('\n')
		if err != nil && err != io.EOF {
			return nil, errs.Wrap(err, "read jsonl line %d", line)
		}
		if line == 1 {
			text = strings.TrimPrefix(text, bom)
		}
		if strings.TrimSpace(text) != "" {
			rows = append(rows, jsonlRow(line, text))
		}
		if err == io.EOF {
			return rows, nil
		}
	}
}

func jsonlRow(line int, text string) registry.ImportRow {
	b := newBuilder(line)
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil || m == nil {
		b.problem("", "import.bad_json")
		return b.row
	}
	for _, c := range columns {
		raw, ok := m[c.field]
		if !ok {
			continue
		}
		if c.field == "domains" {
			tags, ok := jsonTags(raw)
			if !ok {
				b.problem(c.field, "invalid.value")
				continue
			}
			b.row.Org.Domains = tags
			continue
		}
		v, ok := jsonScalar(raw)
		if !ok {
			b.problem(c.field, "invalid.value")
			continue
		}
		b.set(c.field, v)
	}
	return b.row
}

// jsonScalar returns the text of a JSON string or number ("" for null);
// ok is false for booleans, arrays and objects.
func jsonScalar(raw json.RawMessage) (string, bool) {
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

// jsonTags accepts an array of strings or one string of separated tags.
func jsonTags(raw json.RawMessage) ([]string, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, false
		}
		out := make([]string, 0, len(items))
		for _, it := range items {
			s, ok := jsonScalar(it)
			if !ok {
				return nil, false
			}
			out = append(out, splitDomains(s)...)
		}
		return out, true
	}
	s, ok := jsonScalar(raw)
	if !ok {
		return nil, false
	}
	return splitDomains(s), true
}

// --- tables (CSV and XLSX) ---

// record is one spreadsheet row: its 1-based row number and cells.
type record struct {
	num   int
	cells []string
}

func (r record) blank() bool {
	for _, c := range r.cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// table is a sheet of records and how its cells are encoded.
type table struct {
	recs []record
	// csv cells may carry the apostrophe that Write puts before a leading
	// = + - @ so Excel does not run them as formulas.
	csv bool
	// xlsx date cells arrive as day serials (raw values).
	serialDates, date1904 bool
}

var headerFields = func() map[string]string {
	m := map[string]string{}
	for _, c := range columns {
		m[c.field] = c.field
		m[normalizeHeader(c.zh)] = c.field
		for _, a := range c.aliases {
			m[normalizeHeader(a)] = c.field
		}
	}
	return m
}()

// normalizeHeader folds the ways a header gets written: "名称*",
// "街道（乡镇）", " Credit Code ".
func normalizeHeader(h string) string {
	h = strings.TrimSpace(strings.TrimPrefix(h, bom))
	if i := strings.IndexAny(h, "(（"); i > 0 {
		h = h[:i]
	}
	h = strings.TrimSpace(strings.Trim(h, "*＊"))
	h = strings.ToLower(h)
	return strings.NewReplacer(" ", "_", "-", "_").Replace(h)
}

// headerMap maps each recognized field to its cell index (the first, if a
// column is given twice; dup then names the repeated header).
func headerMap(cells []string) (m map[string]int, dup string) {
	m = map[string]int{}
	for i, c := range cells {
		f, ok := headerFields[normalizeHeader(c)]
		if !ok {
			continue
		}
		if _, seen := m[f]; seen {
			if dup == "" {
				dup = strings.TrimSpace(c)
			}
			continue
		}
		m[f] = i
	}
	return m, dup
}

func missingColumns(m map[string]int) []string {
	var out []string
	for _, f := range requiredColumns {
		if _, ok := m[f]; !ok {
			out = append(out, columnByField(f).zh+" ("+f+")")
		}
	}
	return out
}

// maxTitleRows is how far down a header row is looked for: templates often
// put a title or a note above it.
const maxTitleRows = 10

func (t table) rows() ([]registry.ImportRow, error) {
	var header map[string]int
	start, firstMissing := -1, []string(nil)
	seen := 0
	for i, rec := range t.recs {
		if rec.blank() {
			continue
		}
		if seen++; seen > maxTitleRows {
			break
		}
		m, dup := headerMap(rec.cells)
		missing := missingColumns(m)
		if seen == 1 {
			firstMissing = missing
		}
		if len(missing) > 0 {
			continue
		}
		if dup != "" {
			return nil, &errs.Error{Code: errs.Invalid, Key: "orgfile.duplicate_column", Args: []any{dup}}
		}
		header, start = m, i
		break
	}
	if header == nil {
		if firstMissing == nil {
			firstMissing = missingColumns(nil)
		}
		return nil, errs.E(errs.Invalid, "import.bad_header", strings.Join(firstMissing, "、"))
	}
	var out []registry.ImportRow
	for _, rec := range t.recs[start+1:] {
		if rec.blank() {
			continue
		}
		b := newBuilder(rec.num)
		for _, c := range columns { // fixed order, so problems come in column order
			if i, ok := header[c.field]; ok && i < len(rec.cells) {
				b.set(c.field, t.cell(c.field, rec.cells[i]))
			}
		}
		out = append(out, b.row)
	}
	return out, nil
}

// cell undoes the encoding of one cell for field f.
func (t table) cell(f, v string) string {
	if t.csv {
		v = unguardFormula(v)
	}
	if t.serialDates && f == "founded" {
		v = serialDate(strings.TrimSpace(v), t.date1904)
	}
	return v
}

// formulaStarts are the characters Excel treats as the start of a formula.
const formulaStarts = "=+-@\t\r"

// guardFormula prefixes an apostrophe to text Excel would run as a formula
// when it opens a CSV file (OWASP "CSV injection").
func guardFormula(s string) string {
	if s != "" && strings.IndexByte(formulaStarts, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

func unguardFormula(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(formulaStarts, s[1]) >= 0 {
		return s[1:]
	}
	return s
}

// serialDate turns an Excel day serial into YYYY-MM-DD. Whole numbers below
// 3653 (1910) stay as typed: they are years or mistakes, not dates.
func serialDate(v string, date1904 bool) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 3653 || f > 2958465 {
		return v
	}
	tm, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil {
		return v
	}
	return tm.Format("2006-01-02")
}

// --- CSV ---

func readCSV(r io.Reader) ([]registry.ImportRow, error) {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(len(bom)); string(b) == bom {
		_, _ = br.Discard(len(bom))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	// Strict quotes: with lazy quoting one unclosed quote would silently
	// swallow every row after it into a single cell.
	t := table{csv: true}
	// encoding/csv skips empty lines and lets quoted cells span lines; a
	// spreadsheet shows the first as empty rows and the second as one row,
	// so the row number is counted from the lines each record covers.
	row, prevEnd := 0, 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &errs.Error{Code: errs.Invalid, Key: "orgfile.bad_csv", Args: []any{pe.StartLine}, Err: err}
			}
			return nil, errs.Wrap(err, "read csv")
		}
		start, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		row += max(1, start-prevEnd)
		prevEnd = last + strings.Count(rec[len(rec)-1], "\n")
		for _, c := range rec {
			if !utf8.ValidString(c) {
				return nil, errs.E(errs.Invalid, "orgfile.not_utf8")
			}
		}
		t.recs = append(t.recs, record{num: row, cells: rec})
	}
	return t.rows()
}

// --- XLSX ---

// Workbooks are zip files; these bound what a hostile one may unpack to.
const (
	xlsxUnzipLimit    = 256 << 20
	xlsxUnzipXMLLimit = 64 << 20
)

func readXLSX(r io.Reader) (rows []registry.ImportRow, err error) {
	// The workbook parser is a large third-party library fed with uploads;
	// a panic on a malformed file must become a bad-file error, not a crash.
	defer func() {
		if p := recover(); p != nil {
			rows, err = nil, &errs.Error{Code: errs.Invalid, Key: "orgfile.bad_xlsx", Err: fmt.Errorf("panic: %v", p)}
		}
	}()
	bad := func(err error) error { return &errs.Error{Code: errs.Invalid, Key: "orgfile.bad_xlsx", Err: err} }
	f, err := excelize.OpenReader(r, excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxUnzipXMLLimit})
	if err != nil {
		return nil, bad(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, bad(errors.New("no sheets"))
	}
	data, err := f.GetRows(sheets[0], excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, bad(err)
	}
	t := table{serialDates: true}
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		t.date1904 = *props.Date1904
	}
	t.recs = make([]record, len(data))
	for i, cells := range data {
		t.recs[i] = record{num: i + 1, cells: cells} // GetRows pads skipped rows, so index i is row i+1
	}
	return t.rows()
}
