// Package orgfile reads and writes organization files — JSON Lines, CSV and
// Excel (.xlsx) — turning them into registry import rows and back. It knows
// nothing of SQL or HTTP: the store imports the rows, the web and command
// line hand it readers and writers.
package orgfile

import (
	"path/filepath"
	"strings"

	"github.com/huitian/huitian/internal/errs"
)

// Format is a file format for organization imports and exports.
type Format string

const (
	JSONL Format = "jsonl" // one JSON object a line, English keys (DESIGN.md "Import formats")
	CSV   Format = "csv"   // UTF-8 with a header row; Chinese or English column names
	XLSX  Format = "xlsx"  // Excel workbook, first sheet, header row
)

// Formats lists the supported formats in display order.
var Formats = []Format{XLSX, CSV, JSONL}

// FormatFromName picks the format from a file name's extension.
func FormatFromName(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(strings.TrimSpace(name))) {
	case ".jsonl", ".ndjson":
		return JSONL, nil
	case ".csv":
		return CSV, nil
	case ".xlsx":
		return XLSX, nil
	}
	return "", errs.E(errs.Invalid, "import.bad_format")
}

// ParseFormat accepts a format name as typed on the command line or in a
// query string ("xlsx", "CSV", "jsonl").
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimPrefix(strings.TrimSpace(s), ".")))
	switch f {
	case JSONL, CSV, XLSX:
		return f, nil
	case "ndjson":
		return JSONL, nil
	}
	return "", errs.E(errs.Invalid, "import.bad_format")
}

// Ext returns the file extension for the format, with its dot.
func (f Format) Ext() string { return "." + string(f) }

// ContentType returns the MIME type to serve a file of the format with.
func (f Format) ContentType() string {
	switch f {
	case JSONL:
		return "application/x-ndjson; charset=utf-8"
	case CSV:
		return "text/csv; charset=utf-8"
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/octet-stream"
}

// column is one organization field as it appears in files: its JSON key
// (also the Problem.Field and i18n "field.*" name), the Chinese header
// written on export, and other headers accepted on import.
type column struct {
	field   string
	zh      string
	aliases []string
	contact bool    // personal data: exported only on request
	width   float64 // widest the xlsx column grows
}

// columns is the export order; import accepts any order and subset.
var columns = []column{
	{field: "key", zh: "来源编号", aliases: []string{"编号"}, width: 14},
	{field: "name", zh: "名称", aliases: []string{"组织名称", "社会组织名称"}, width: 40},
	{field: "registration", zh: "登记类型", width: 12},
	{field: "credit_code", zh: "统一社会信用代码", aliases: []string{"信用代码"}, width: 22},
	{field: "category", zh: "服务类别", width: 20},
	{field: "domains", zh: "服务领域", width: 36},
	{field: "street", zh: "街道", aliases: []string{"街道/乡镇", "街乡", "所属街道"}, width: 16},
	{field: "community", zh: "社区", aliases: []string{"所属社区"}, width: 18},
	{field: "description", zh: "简介", aliases: []string{"组织简介"}, width: 60},
	{field: "founded", zh: "成立日期", aliases: []string{"成立时间"}, width: 12},
	{field: "party_form", zh: "党组织形式", width: 16},
	{field: "staff", zh: "专职人员数", aliases: []string{"专职人员"}, width: 12},
	{field: "volunteers", zh: "志愿者数", aliases: []string{"志愿者人数"}, width: 10},
	{field: "contact_name", zh: "联系人", contact: true, width: 10},
	{field: "contact_phone", zh: "联系电话", aliases: []string{"联系人电话"}, contact: true, width: 14},
}

// requiredColumns must be present in a CSV or XLSX header.
var requiredColumns = []string{"name", "street"}

// WriteOptions tune an export.
type WriteOptions struct {
	// IncludeContact adds the contact name and phone columns. Leave it off
	// for anything that may leave the hands of authorized staff.
	IncludeContact bool
}

// exported returns the columns an export with opt writes.
func exported(opt WriteOptions) []column {
	out := make([]column, 0, len(columns))
	for _, c := range columns {
		if !c.contact || opt.IncludeContact {
			out = append(out, c)
		}
	}
	return out
}

func columnByField(field string) column {
	for _, c := range columns {
		if c.field == field {
			return c
		}
	}
	return column{field: field}
}
