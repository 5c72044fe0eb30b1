package orgfile

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/xuri/excelize/v2"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/registry"
)

// Write exports organizations in format: JSONL with the import's English
// keys and codes, CSV (UTF-8 with a BOM so Excel shows Chinese) and XLSX with
// Chinese headers and labels. Contact fields are written only when an
// option asks for them; what Write produces, Read reads back. It is a
// Writer given every organization in one batch.
func Write(w io.Writer, format Format, orgs []*registry.Organization, opts ...WriteOptions) error {
	ew, err := NewWriter(w, format, opts...)
	if err != nil {
		return err
	}
	if err := ew.Write(orgs); err != nil {
		return err
	}
	return ew.Close()
}

// Writer exports organizations a batch at a time, so that an export of a
// city (100,000 organizations) holds one batch in memory rather than all of
// them: JSONL and CSV rows go out as they are written; XLSX rows go to
// excelize's stream writer (which keeps them on disk past a few MB) and the
// workbook is written by Close. XLSX column widths fit the first batch.
// The bytes are those of Write given the same organizations in one batch
// (for XLSX: when the first batch holds them all).
type Writer struct {
	format Format
	opt    WriteOptions
	cols   []column
	jsonl  *json.Encoder
	bw     *bufio.Writer
	csv    *csv.Writer
	rec    []string
	x      *xlsxWriter
	w      io.Writer
	// started: the header (XLSX: widths and header) is written.
	started bool
}

// NewWriter starts an export in format to w; Close finishes it.
func NewWriter(w io.Writer, format Format, opts ...WriteOptions) (*Writer, error) {
	ew := &Writer{format: format, w: w}
	if len(opts) > 0 {
		ew.opt = opts[0]
	}
	ew.cols = exported(ew.opt)
	switch format {
	case JSONL:
		ew.bw = bufio.NewWriter(w)
		ew.jsonl = json.NewEncoder(ew.bw)
		ew.jsonl.SetEscapeHTML(false) // keep < > & readable in descriptions
	case CSV:
		if _, err := io.WriteString(w, bom); err != nil {
			return nil, errs.Wrap(err, "write csv")
		}
		ew.csv = csv.NewWriter(w)
		ew.csv.UseCRLF = true // what Excel writes and expects
		ew.rec = make([]string, len(ew.cols))
		for i, c := range ew.cols {
			ew.rec[i] = c.zh
		}
		if err := ew.csv.Write(ew.rec); err != nil {
			return nil, errs.Wrap(err, "write csv")
		}
	case XLSX:
		x, err := newXLSXWriter()
		if err != nil {
			return nil, err
		}
		ew.x = x
	default:
		return nil, errs.E(errs.Invalid, "import.bad_format")
	}
	return ew, nil
}

// Write adds a batch of organizations (nil entries are skipped).
func (ew *Writer) Write(orgs []*registry.Organization) error {
	switch ew.format {
	case JSONL:
		return writeJSONL(ew.jsonl, orgs, ew.opt)
	case CSV:
		return writeCSV(ew.csv, ew.rec, ew.cols, orgs)
	}
	if !ew.started {
		ew.started = true
		if err := ew.x.start(ew.cols, orgs); err != nil {
			return err
		}
	}
	return ew.x.rows(ew.cols, orgs)
}

// Close finishes the export: flushes JSONL and CSV, writes the workbook.
func (ew *Writer) Close() error {
	switch ew.format {
	case JSONL:
		return errs.Wrap(ew.bw.Flush(), "write jsonl")
	case CSV:
		ew.csv.Flush()
		return errs.Wrap(ew.csv.Error(), "write csv")
	}
	defer ew.x.f.Close()
	if !ew.started {
		ew.started = true
		if err := ew.x.start(ew.cols, nil); err != nil {
			return err
		}
	}
	return ew.x.finish(ew.w, ew.cols)
}

// jsonOrg is one JSONL line: the import format, plus contact fields only
// when exported (a nil pointer leaves the key out).
type jsonOrg struct {
	Key          string   `json:"key"`
	Name         string   `json:"name"`
	Registration string   `json:"registration"`
	CreditCode   string   `json:"credit_code"`
	Category     string   `json:"category"`
	Domains      []string `json:"domains"`
	Street       string   `json:"street"`
	Community    string   `json:"community"`
	Description  string   `json:"description"`
	Founded      string   `json:"founded"`
	PartyForm    string   `json:"party_form"`
	Staff        int      `json:"staff"`
	Volunteers   int      `json:"volunteers"`
	ContactName  *string  `json:"contact_name,omitempty"`
	ContactPhone *string  `json:"contact_phone,omitempty"`
}

func writeJSONL(enc *json.Encoder, orgs []*registry.Organization, opt WriteOptions) error {
	for _, o := range orgs {
		if o == nil {
			continue
		}
		j := jsonOrg{Key: o.Key, Name: o.Name, Registration: string(o.Registration), CreditCode: o.CreditCode,
			Category: o.Category, Domains: o.Domains, Street: o.StreetName, Community: o.CommunityName,
			Description: o.Description, Founded: o.Founded, PartyForm: string(o.PartyForm), Staff: o.Staff,
			Volunteers: o.Volunteers}
		if j.Domains == nil {
			j.Domains = []string{}
		}
		if opt.IncludeContact {
			j.ContactName, j.ContactPhone = &o.ContactName, &o.ContactPhone
		}
		if err := enc.Encode(j); err != nil {
			return errs.Wrap(err, "write jsonl")
		}
	}
	return nil
}

// cellText is how a field reads in a spreadsheet: Chinese labels for codes.
func cellText(o *registry.Organization, field string) string {
	switch field {
	case "key":
		return o.Key
	case "name":
		return o.Name
	case "registration":
		if l, ok := registry.RegistrationLabels[o.Registration]; ok {
			return l
		}
		return string(o.Registration)
	case "credit_code":
		return o.CreditCode
	case "category":
		if c := registry.CategoryByCode(o.Category); c != nil {
			return c.Name
		}
		return o.Category
	case "domains":
		return strings.Join(o.Domains, "、")
	case "street":
		return o.StreetName
	case "community":
		return o.CommunityName
	case "description":
		return o.Description
	case "founded":
		return o.Founded
	case "party_form":
		if l, ok := registry.PartyFormLabels[o.PartyForm]; ok {
			return l
		}
		return string(o.PartyForm)
	case "staff":
		return strconv.Itoa(o.Staff)
	case "volunteers":
		return strconv.Itoa(o.Volunteers)
	case "contact_name":
		return o.ContactName
	case "contact_phone":
		return o.ContactPhone
	}
	return ""
}

func writeCSV(cw *csv.Writer, rec []string, cols []column, orgs []*registry.Organization) error {
	for _, o := range orgs {
		if o == nil {
			continue
		}
		for i, c := range cols {
			rec[i] = guardFormula(cellText(o, c.field))
		}
		if err := cw.Write(rec); err != nil {
			return errs.Wrap(err, "write csv")
		}
	}
	return nil
}

// SheetName is the name of the exported worksheet.
const SheetName = "社会组织"

// textFields are kept as text in Excel: codes and phone numbers must not
// turn into numbers (leading zeros, 18-digit precision).
var textFields = map[string]bool{"key": true, "credit_code": true, "founded": true, "contact_phone": true}

// xlsxWriter is an XLSX export under way: a workbook with one streamed sheet.
type xlsxWriter struct {
	f                    *excelize.File
	sw                   *excelize.StreamWriter
	headStyle, textStyle int
	row                  []any
	n                    int // rows written, the header's included
}

func xlsxFail(err error) error { return errs.Wrap(err, "write xlsx") }

func newXLSXWriter() (*xlsxWriter, error) {
	x := &xlsxWriter{f: excelize.NewFile()}
	fail := func(err error) (*xlsxWriter, error) { x.f.Close(); return nil, xlsxFail(err) }
	if err := x.f.SetSheetName("Sheet1", SheetName); err != nil {
		return fail(err)
	}
	var err error
	x.headStyle, err = x.f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#DDE6F2"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	})
	if err != nil {
		return fail(err)
	}
	if x.textStyle, err = x.f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil { // "@": text
		return fail(err)
	}
	if x.sw, err = x.f.NewStreamWriter(SheetName); err != nil {
		return fail(err)
	}
	return x, nil
}

// start sets the column widths (fitted to orgs) and writes the header.
func (x *xlsxWriter) start(cols []column, orgs []*registry.Organization) error {
	for i, c := range cols {
		if err := x.sw.SetColWidth(i+1, i+1, columnWidth(c, orgs)); err != nil {
			return xlsxFail(err)
		}
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return xlsxFail(err)
	}
	x.row = make([]any, len(cols))
	for i, c := range cols {
		x.row[i] = excelize.Cell{StyleID: x.headStyle, Value: c.zh}
	}
	if err := x.sw.SetRow("A1", x.row, excelize.RowOpts{Height: 20}); err != nil {
		return xlsxFail(err)
	}
	x.n = 1
	return nil
}

func (x *xlsxWriter) rows(cols []column, orgs []*registry.Organization) error {
	for _, o := range orgs {
		if o == nil {
			continue
		}
		x.n++
		for i, c := range cols {
			switch {
			case c.field == "staff":
				x.row[i] = o.Staff
			case c.field == "volunteers":
				x.row[i] = o.Volunteers
			case textFields[c.field]:
				x.row[i] = excelize.Cell{StyleID: x.textStyle, Value: cellText(o, c.field)}
			default:
				x.row[i] = cellText(o, c.field)
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, x.n)
		if err != nil {
			return xlsxFail(err)
		}
		if err := x.sw.SetRow(cell, x.row); err != nil {
			return xlsxFail(err)
		}
	}
	return nil
}

// finish writes the sheet's end, the filter over every row and the workbook.
func (x *xlsxWriter) finish(w io.Writer, cols []column) error {
	if err := x.sw.Flush(); err != nil {
		return xlsxFail(err)
	}
	last, err := excelize.CoordinatesToCellName(len(cols), x.n)
	if err != nil {
		return xlsxFail(err)
	}
	if err := x.f.AutoFilter(SheetName, "A1:"+last, nil); err != nil {
		return xlsxFail(err)
	}
	return xlsxFail(x.f.Write(w))
}

// columnWidth fits a column to its widest cell (CJK characters count
// double), within the column's cap so a long description does not push
// everything off screen.
func columnWidth(c column, orgs []*registry.Organization) float64 {
	widest := displayWidth(c.zh)
	for _, o := range orgs {
		if o != nil {
			widest = max(widest, displayWidth(cellText(o, c.field)))
		}
	}
	return min(max(float64(widest)+2, 8), c.width)
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r == '\n':
		case unicode.Is(unicode.Han, r), r >= 0x3000 && r <= 0x303F, r >= 0xFF00 && r <= 0xFFEF:
			n += 2
		default:
			n++
		}
	}
	return n
}
