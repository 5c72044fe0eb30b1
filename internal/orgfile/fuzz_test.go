package orgfile

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/registry"
)

// FuzzReadXLSX: any bytes uploaded as a workbook read without a panic into
// rows in order with their problems on their line, or an Invalid error.
func FuzzReadXLSX(f *testing.F) {
	var buf bytes.Buffer
	if err := Write(&buf, XLSX, sample(), WriteOptions{IncludeContact: true}); err != nil {
		f.Fatal(err)
	}
	good := buf.Bytes()
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("名称,街道\n甲,乙\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := Read(bytes.NewReader(b), XLSX)
		checkRows(t, rows, err)
	})
}

// cleanCell is text every format carries unchanged: valid UTF-8, no
// control characters (a workbook cannot hold them), no surrounding space
// (reading trims), no byte order mark, and not the CSV comment of a bare
// formula guard.
func cleanCell(s string) bool {
	if !utf8.ValidString(s) || s != strings.TrimSpace(s) || strings.ContainsRune(s, '\ufeff') {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// FuzzRoundTrip: an organization written in each format (with contacts)
// reads back equal, whatever its text, when the text is clean.
func FuzzRoundTrip(f *testing.F) {
	f.Add("o01", "=回龙观惠民社工", "综合性社工机构，\"回天有我\"", "养老服务", "回龙观街道", "龙锦苑二区社区", "2016-05-18", 28, 320, "王芳")
	f.Add("007", "+cmd|' /C calc'!A0", "-1+1", "@SUM(1)", "街道", "", "", 0, 0, "")
	f.Add("k,\"x", "a\"b,c", "line", "d;e", "s", "c", "2020-01-02", 1, 1, "李")
	f.Fuzz(func(t *testing.T, key, name, desc, domain, street, community, founded string, staff, volunteers int, contact string) {
		for _, s := range []string{key, name, desc, domain, street, community, founded, contact} {
			if !cleanCell(s) {
				return
			}
		}
		if name == "" || street == "" || staff < 0 || volunteers < 0 || strings.ContainsAny(domain, ",，、;；") {
			return // refused or split on reading, not carried
		}
		domains := []string{}
		if domain != "" {
			domains = []string{domain}
		}
		o := &registry.Organization{Key: key, Name: name, Registration: registry.Filed, Category: "elderly", Domains: domains,
			StreetName: street, CommunityName: community, Description: desc, Founded: founded, PartyForm: registry.PartyNone,
			Staff: staff, Volunteers: volunteers, ContactName: contact}
		for _, format := range Formats {
			var buf bytes.Buffer
			if err := Write(&buf, format, []*registry.Organization{o}, WriteOptions{IncludeContact: true}); err != nil {
				t.Fatalf("%s: write: %v", format, err)
			}
			rows, err := Read(bytes.NewReader(buf.Bytes()), format)
			if err != nil {
				t.Fatalf("%s: read back: %v\n%q", format, err, buf.String())
			}
			if len(rows) != 1 {
				t.Fatalf("%s: %d rows for one organization\n%q", format, len(rows), buf.String())
			}
			r := rows[0]
			if len(r.Problems) > 0 {
				t.Fatalf("%s: problems %+v\n%q", format, r.Problems, buf.String())
			}
			got, want := comparable(r.Org, true), comparable(*o, true)
			if !reflect.DeepEqual(got, want) || r.StreetName != street || r.CommunityName != community {
				t.Fatalf("%s:\n got %+v\nwant %+v", format, got, want)
			}
		}
	})
}
