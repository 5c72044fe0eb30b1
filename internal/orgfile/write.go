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
// option asks for them; what Write produces, Read reads back.
func Write(w io.Writer, format Format, orgs []*registry.Organization, opts ...WriteOptions) error {
	var opt WriteOptions
	if len(opts) > 0 {
		opt = opts[0]
	}
	switch format {
	case JSONL:
		return writeJSONL(w, orgs, opt)
	case CSV:
		return writeCSV(w, orgs, opt)
	case XLSX:
		return writeXLSX(w, orgs, opt)
	}
	return errs.E(errs.Invalid, "import.bad_format")
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

func writeJSONL(w io.Writer, orgs []*registry.Organization, opt WriteOptions) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false) // keep < > & readable in descriptions
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
	return errs.Wrap(bw.Flush(), "write jsonl")
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

func writeCSV(w io.Writer, orgs []*registry.Organization, opt WriteOptions) error {
	cols := exported(opt)
	if _, err := io.WriteString(w, bom); err != nil {
		return errs.Wrap(err, "write csv")
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	rec := make([]string, len(cols))
	for i, c := range cols {
		rec[i] = c.zh
	}
	if err := cw.Write(rec); err != nil {
		return errs.Wrap(err, "write csv")
	}
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
	cw.Flush()
	return errs.Wrap(cw.Error(), "write csv")
}

// SheetName is the name of the exported worksheet.
const SheetName = "社会组织"

// textFields are kept as text in Excel: codes and phone numbers must not
// turn into numbers (leading zeros, 18-digit precision).
var textFields = map[string]bool{"key": true, "credit_code": true, "founded": true, "contact_phone": true}

func writeXLSX(w io.Writer, orgs []*registry.Organization, opt WriteOptions) error {
	cols := exported(opt)
	f := excelize.NewFile()
	defer f.Close()
	fail := func(err error) error { return errs.Wrap(err, "write xlsx") }
	if err := f.SetSheetName("Sheet1", SheetName); err != nil {
		return fail(err)
	}
	headStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#DDE6F2"}},
		Alignment: &excelize.Alignment{Vertical: "center"},
	})
	if err != nil {
		return fail(err)
	}
	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return fail(err)
	}
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, columnWidth(c, orgs)); err != nil {
			return fail(err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return fail(err)
	}
	row := make([]any, len(cols))
	for i, c := range cols {
		row[i] = excelize.Cell{StyleID: headStyle, Value: c.zh}
	}
	if err := sw.SetRow("A1", row, excelize.RowOpts{Height: 20}); err != nil {
		return fail(err)
	}
	n := 1
	for _, o := range orgs {
		if o == nil {
			continue
		}
		n++
		for i, c := range cols {
			switch {
			case c.field == "staff":
				row[i] = o.Staff
			case c.field == "volunteers":
				row[i] = o.Volunteers
			case textFields[c.field]:
				row[i] = excelize.Cell{StyleID: textStyle, Value: cellText(o, c.field)}
			default:
				row[i] = cellText(o, c.field)
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return fail(err)
		}
		if err := sw.SetRow(cell, row); err != nil {
			return fail(err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fail(err)
	}
	last, err := excelize.CoordinatesToCellName(len(cols), n)
	if err != nil {
		return fail(err)
	}
	if err := f.AutoFilter(SheetName, "A1:"+last, nil); err != nil {
		return fail(err)
	}
	return fail(f.Write(w))
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
