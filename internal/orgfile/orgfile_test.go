package orgfile

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/i18n"
	"github.com/huitian/huitian/internal/registry"
)

// sample covers what tends to break files: commas, quotes and new lines in
// text, a leading "=" (formula guard), leading zeros, an empty community,
// a filed organization without code, no domains, contact data.
func sample() []*registry.Organization {
	return []*registry.Organization{
		{Key: "o01", Name: "昌平区回龙观惠民社会工作服务中心", Registration: registry.Registered,
			CreditCode: "52110114Y4CL12TH3D", Category: "elderly", Domains: []string{"养老服务", "儿童服务"},
			StreetName: "回龙观街道", Description: "综合性社工机构，\"回天有我\"项目；\n第二行",
			Founded: "2016-05-18", PartyForm: registry.PartyIndependent, Staff: 28, Volunteers: 320,
			ContactName: "王芳", ContactPhone: "13812345678"},
		{Key: "007", Name: "=龙锦苑舞蹈队", Registration: registry.Filed, Category: "culture",
			Domains: []string{"文体活动"}, StreetName: "回龙观街道", CommunityName: "龙锦苑二区社区",
			Description: "-每周三晚排练, 欢迎参加", PartyForm: registry.PartyNone, Volunteers: 15},
		{Key: "o03", Name: "天通苑北养犬协会", Registration: registry.Filed, Category: "pets", Domains: []string{},
			StreetName: "天通苑北街道", CommunityName: "天通北苑第一社区", Founded: "2020-01-02",
			PartyForm: registry.PartyFunctional, Staff: 0, Volunteers: 0, ContactPhone: "13900001111"},
	}
}

// comparable reduces an organization to what a file carries.
func comparable(o registry.Organization, contact bool) registry.Organization {
	out := registry.Organization{Key: o.Key, Name: o.Name, Registration: o.Registration, CreditCode: o.CreditCode,
		Category: o.Category, Domains: o.Domains, StreetName: o.StreetName, CommunityName: o.CommunityName,
		Description: o.Description, Founded: o.Founded, PartyForm: o.PartyForm, Staff: o.Staff, Volunteers: o.Volunteers}
	if out.Domains == nil {
		out.Domains = []string{}
	}
	if contact {
		out.ContactName, out.ContactPhone = o.ContactName, o.ContactPhone
	}
	return out
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range Formats {
		for _, contact := range []bool{false, true} {
			name := string(f)
			if contact {
				name += "/contact"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var buf bytes.Buffer
				if err := Write(&buf, f, sample(), WriteOptions{IncludeContact: contact}); err != nil {
					t.Fatal(err)
				}
				if !contact && (bytes.Contains(buf.Bytes(), []byte("13812345678")) || bytes.Contains(buf.Bytes(), []byte("王芳"))) {
					t.Fatal("contact data written without IncludeContact")
				}
				rows, err := Read(bytes.NewReader(buf.Bytes()), f)
				if err != nil {
					t.Fatal(err)
				}
				want := sample()
				if len(rows) != len(want) {
					t.Fatalf("%d rows, want %d", len(rows), len(want))
				}
				for i, r := range rows {
					if len(r.Problems) > 0 {
						t.Errorf("row %d: problems %+v", i, r.Problems)
					}
					if r.StreetName != want[i].StreetName || r.CommunityName != want[i].CommunityName {
						t.Errorf("row %d: places %q %q", i, r.StreetName, r.CommunityName)
					}
					got, exp := comparable(r.Org, contact), comparable(*want[i], contact)
					if !reflect.DeepEqual(got, exp) {
						t.Errorf("row %d:\n got %+v\nwant %+v", i, got, exp)
					}
					if !contact && (r.Org.ContactName != "" || r.Org.ContactPhone != "") {
						t.Errorf("row %d: contact read back without IncludeContact", i)
					}
				}
				// Line numbers: JSONL lines 1..3, spreadsheets rows 2..4 (row 1 is the header),
				// even though the first description spans two lines in the CSV.
				first := 1
				if f != JSONL {
					first = 2
				}
				for i, r := range rows {
					if r.Line != first+i {
						t.Errorf("row %d: line %d, want %d", i, r.Line, first+i)
					}
				}
			})
		}
	}
}

func TestWriteCSVForExcel(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Write(&buf, CSV, sample()); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(s, "\ufeff来源编号,名称,登记类型,统一社会信用代码,服务类别,服务领域,街道,社区,简介,成立日期,党组织形式,专职人员数,志愿者数\r\n") {
		t.Fatalf("header: %q", s[:min(len(s), 200)])
	}
	if strings.Contains(s, "联系") {
		t.Fatal("contact columns without IncludeContact")
	}
	for _, want := range []string{"民政登记", "为老服务", "养老服务、儿童服务", "单独组建", "未建立", "'=龙锦苑舞蹈队", "\"'-每周三晚排练, 欢迎参加\""} {
		if !strings.Contains(s, want) {
			t.Errorf("CSV lacks %q", want)
		}
	}
}

func TestWriteXLSXLayout(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Write(&buf, XLSX, sample(), WriteOptions{IncludeContact: true}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != SheetName {
		t.Fatalf("sheets %v", got)
	}
	panes, err := f.GetPanes(SheetName)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Fatalf("header row not frozen: %+v %v", panes, err)
	}
	rows, _ := f.GetRows(SheetName)
	if len(rows) != 4 || rows[0][1] != "名称" || rows[0][len(rows[0])-1] != "联系电话" {
		t.Fatalf("rows %v", rows)
	}
	nameW, _ := f.GetColWidth(SheetName, "B")
	regW, _ := f.GetColWidth(SheetName, "C")
	descW, _ := f.GetColWidth(SheetName, "I")
	if nameW <= regW || descW > 60 || regW < 8 {
		t.Fatalf("widths: name %v registration %v description %v", nameW, regW, descW)
	}
	// Counts are numbers (sortable in Excel), codes are text.
	if typ, _ := f.GetCellType(SheetName, "L2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("staff cell type %v", typ)
	}
	if v, _ := f.GetCellValue(SheetName, "A3"); v != "007" {
		t.Errorf("key with leading zeros: %q", v)
	}
}

// problem is one expected Problem.
type problem struct {
	line  int
	field string
	key   string
}

func problemsOf(rows []registry.ImportRow) []problem {
	var out []problem
	for _, r := range rows {
		for _, p := range r.Problems {
			if p.Line != r.Line {
				out = append(out, problem{-1, p.Field, "line mismatch"})
			}
			out = append(out, problem{p.Line, p.Field, p.Key})
		}
	}
	return out
}

func TestReadProblems(t *testing.T) {
	t.Parallel()
	head := "名称,街道,登记类型,党组织形式,服务类别,专职人员数,志愿者数\n"
	cases := []struct {
		name   string
		format Format
		in     string
		rows   int
		want   []problem
	}{
		{"jsonl bad json", JSONL, `{"name":"甲组织","street":"霍营街道"}` + "\n" + `{"name": "乙组织",` + "\n", 2,
			[]problem{{2, "", "import.bad_json"}}},
		{"jsonl not an object", JSONL, "\n\n[1,2]\nnull\n", 2,
			[]problem{{3, "", "import.bad_json"}, {4, "", "import.bad_json"}}},
		{"jsonl staff words", JSONL, `{"name":"甲组织","street":"霍营街道","staff":"十个"}`, 1,
			[]problem{{1, "staff", "number.invalid"}}},
		{"jsonl volunteers fraction", JSONL, "\n" + `{"name":"甲组织","street":"霍营街道","volunteers":12.5}`, 1,
			[]problem{{2, "volunteers", "number.invalid"}}},
		{"jsonl staff bool", JSONL, `{"name":"甲组织","street":"霍营街道","staff":true}`, 1,
			[]problem{{1, "staff", "invalid.value"}}},
		{"jsonl registration", JSONL, `{"name":"甲组织","street":"霍营街道","registration":"民政"}`, 1,
			[]problem{{1, "registration", "registration.invalid"}}},
		{"jsonl party form", JSONL, `{"name":"甲组织","street":"霍营街道","party_form":"党支部"}`, 1,
			[]problem{{1, "party_form", "party_form.invalid"}}},
		{"jsonl category", JSONL, `{"name":"甲组织","street":"霍营街道","category":"养老"}`, 1,
			[]problem{{1, "category", "category.invalid"}}},
		{"jsonl object in text field", JSONL, `{"name":{"zh":"甲"},"street":"霍营街道"}`, 1,
			[]problem{{1, "name", "invalid.value"}}},
		{"jsonl domains not tags", JSONL, `{"name":"甲组织","street":"霍营街道","domains":[{"a":1}]}`, 1,
			[]problem{{1, "domains", "invalid.value"}}},
		{"jsonl several in one line, column order", JSONL,
			`{"volunteers":"x","staff":"y","party_form":"z","registration":"w","name":"甲组织","street":"霍营街道"}`, 1,
			[]problem{{1, "registration", "registration.invalid"}, {1, "party_form", "party_form.invalid"},
				{1, "staff", "number.invalid"}, {1, "volunteers", "number.invalid"}}},
		{"csv staff words", CSV, head + "甲组织,霍营街道,,,,十,\n乙组织,霍营街道,,,,3.0,2\n", 2,
			[]problem{{2, "staff", "number.invalid"}}},
		{"csv blank lines count as rows", CSV, head + "\n甲组织,霍营街道,,,,,\n,,,,,,\n乙组织,霍营街道,,,,,1.5\n", 2,
			[]problem{{5, "volunteers", "number.invalid"}}},
		{"csv multi-line cell is one row", CSV, head + "\"甲\n组织\",霍营街道,,,,,\n乙组织,霍营街道,备案了,,,,\n", 2,
			[]problem{{3, "registration", "registration.invalid"}}},
		{"csv enums", CSV, head + "甲组织,霍营街道,民政登记,单独组建,为老服务,,\n乙组织,霍营街道,民政,派驻,老人,,\n", 2,
			[]problem{{3, "registration", "registration.invalid"}, {3, "category", "category.invalid"},
				{3, "party_form", "party_form.invalid"}}},
		{"csv title row above header", CSV, "回天地区社会组织名录,,\n\n" + head + "甲组织,霍营街道,,,,x,\n", 1,
			[]problem{{4, "staff", "number.invalid"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rows, err := Read(strings.NewReader(c.in), c.format)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != c.rows {
				t.Fatalf("%d rows, want %d: %+v", len(rows), c.rows, rows)
			}
			if got := problemsOf(rows); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("problems\n got %v\nwant %v", got, c.want)
			}
		})
	}
}

func TestReadXLSXProblemsAndDates(t *testing.T) {
	t.Parallel()
	f := excelize.NewFile()
	defer f.Close()
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range []string{"名称*", "街道（乡镇）", "成立日期", "志愿者数", "服务领域", "统一社会信用代码"} {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(c, h)
	}
	set("A2", "甲组织")
	set("B2", "霍营街道")
	set("C2", 42508.0) // a date cell: 2016-05-18
	set("D2", 12)
	set("E2", "养老；助餐, 探访")
	set("F2", "52110114Y4CL12TH3D")
	// row 3 left blank
	set("A4", "乙组织")
	set("B4", "霍营街道")
	set("C4", "2016/5/8")
	set("D4", "很多")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := Read(&buf, XLSX)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 {
		t.Fatalf("rows %+v", rows)
	}
	a, b := rows[0], rows[1]
	if a.Line != 2 || a.Org.Founded != "2016-05-18" || a.Org.Volunteers != 12 || a.Org.CreditCode != "52110114Y4CL12TH3D" ||
		!reflect.DeepEqual(a.Org.Domains, []string{"养老", "助餐", "探访"}) || len(a.Problems) != 0 {
		t.Errorf("row 2: %+v", a)
	}
	if b.Line != 4 || b.Org.Founded != "2016-05-08" {
		t.Errorf("row 4: %+v", b)
	}
	if got := problemsOf(rows); !reflect.DeepEqual(got, []problem{{4, "volunteers", "number.invalid"}}) {
		t.Errorf("problems %v", got)
	}
}

func TestReadFileErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		format Format
		in     string
		key    string
		arg    any // the first Arg (contained in it, for strings), if set
	}{
		{"csv empty", CSV, "", "import.bad_header", "名称 (name)、街道 (street)"},
		{"csv no street", CSV, "name,community\n甲组织,某社区\n", "import.bad_header", "街道 (street)"},
		{"csv only blank", CSV, "\n,,,\n", "import.bad_header", "名称 (name)"},
		{"csv duplicate column", CSV, "名称,街道,name\n甲组织,霍营街道,乙\n", "orgfile.duplicate_column", "name"},
		{"csv unclosed quote", CSV, "名称,街道\n\"甲组织,霍营街道\n乙组织,霍营街道\n", "orgfile.bad_csv", 2},
		{"csv bare quote", CSV, "名称,街道\n甲组织,霍营街道\n他说\"好\",霍营街道\n", "orgfile.bad_csv", 3},
		{"csv gbk", CSV, "\xc3\xfb\xb3\xc6,\xbd\xd6\xb5\xc0\nname,street\n\xbc\xd7,\xbd\xd6\n", "orgfile.not_utf8", ""},
		{"xlsx not a zip", XLSX, "名称,街道\n", "orgfile.bad_xlsx", ""},
		{"unknown format", Format("xls"), "", "import.bad_format", ""},
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rows, err := Read(strings.NewReader(c.in), c.format)
			e := errs.As(err)
			if err == nil || e.Code != errs.Invalid || e.Key != c.key {
				t.Fatalf("got %v (rows %+v), want %s", err, rows, c.key)
			}
			if c.arg != "" {
				ok := len(e.Args) > 0
				if want, isStr := c.arg.(string); isStr && ok {
					got, _ := e.Args[0].(string)
					ok = strings.Contains(got, want)
				} else if ok {
					ok = e.Args[0] == c.arg
				}
				if !ok {
					t.Fatalf("args %v, want %v", e.Args, c.arg)
				}
			}
			if cat.T(i18n.ZH, e.Key) == e.Key {
				t.Fatalf("key %s not in the catalog", e.Key)
			}
		})
	}
}

func TestReadAcceptsVariants(t *testing.T) {
	t.Parallel()
	// English headers in any case and order, a BOM, CRLF, codes instead of labels.
	csvIn := "\ufeffStreet,NAME,party_form,Registration,credit_code,domains,founded,staff\r\n" +
		"霍营街道,甲组织,joint,registered,52110114y4cl12th3d,\"养老;助餐\",2016年5月18日,28\r\n"
	rows, err := Read(strings.NewReader(csvIn), CSV)
	if err != nil || len(rows) != 1 {
		t.Fatalf("%+v %v", rows, err)
	}
	o := rows[0].Org
	if rows[0].StreetName != "霍营街道" || o.Name != "甲组织" || o.PartyForm != registry.PartyJoint ||
		o.Registration != registry.Registered || o.Founded != "2016-05-18" || o.Staff != 28 || len(o.Domains) != 2 {
		t.Fatalf("%+v", rows[0])
	}
	// JSONL: the DESIGN.md format, a BOM, numbers as strings, domains as one string, optional fields.
	jsonIn := "\ufeff" + `{"key":"o01","name":"甲组织","registration":"民政登记","credit_code":"52110114Y4CL12TH3D",` +
		`"domains":"养老、助餐","street":"霍营街道","community":"","description":"x","founded":"2016-05-18",` +
		`"party_form":"派驻党建指导员","staff":"28","volunteers":1e2,"category":"为老服务","contact_name":"王芳",` +
		`"contact_phone":"13812345678","unknown":{"ignored":true}}` + "\r\n"
	rows, err = Read(strings.NewReader(jsonIn), JSONL)
	if err != nil || len(rows) != 1 || len(rows[0].Problems) != 0 {
		t.Fatalf("%+v %v", rows, err)
	}
	o = rows[0].Org
	if o.Key != "o01" || o.Registration != registry.Registered || o.PartyForm != registry.PartyInstructor || o.Staff != 28 ||
		o.Volunteers != 100 || o.Category != "elderly" || o.ContactPhone != "13812345678" || len(o.Domains) != 2 {
		t.Fatalf("%+v", o)
	}
}

// TestReadsEvaluationStyleLine reads one line in exactly the shape of the
// evaluation data (a copy of its format, not of the file).
func TestReadsEvaluationStyleLine(t *testing.T) {
	t.Parallel()
	line, _ := json.Marshal(map[string]any{"key": "o99", "name": "昌平区测试社会工作服务中心", "registration": "registered",
		"credit_code": "52110114Y4CL12TH3D", "domains": []string{"养老服务"}, "street": "回龙观街道", "community": "",
		"description": "简介", "founded": "2016-05-18", "party_form": "independent", "staff": 28, "volunteers": 320})
	rows, err := Read(bytes.NewReader(line), JSONL)
	if err != nil || len(rows) != 1 || len(rows[0].Problems) != 0 {
		t.Fatalf("%+v %v", rows, err)
	}
	o := rows[0].Org
	if err := o.Validate(); err == nil {
		t.Fatal("validate without a street id must fail") // the store sets StreetID; make sure nothing else is wrong
	} else if fs := errs.Fields(err); len(fs) != 1 || fs[0].Field != "street" {
		t.Fatalf("unexpected validation problems: %v", fs)
	}
}

func TestFormats(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]Format{"orgs.jsonl": JSONL, "a.NDJSON": JSONL, "名录.CSV": CSV, "/tmp/x.xlsx": XLSX} {
		if got, err := FormatFromName(name); err != nil || got != want {
			t.Errorf("%s: %v %v", name, got, err)
		}
	}
	for _, name := range []string{"orgs.xls", "orgs", "orgs.json", ""} {
		if _, err := FormatFromName(name); errs.As(err).Key != "import.bad_format" {
			t.Errorf("%s: %v", name, err)
		}
	}
	for in, want := range map[string]Format{"XLSX": XLSX, ".csv": CSV, " jsonl ": JSONL} {
		if got, err := ParseFormat(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	if _, err := ParseFormat("pdf"); err == nil {
		t.Error("pdf accepted")
	}
	for _, f := range Formats {
		if f.ContentType() == "application/octet-stream" || f.Ext() != "."+string(f) {
			t.Errorf("%s: %s %s", f, f.ContentType(), f.Ext())
		}
	}
}

func TestProblemKeysAreInCatalog(t *testing.T) {
	t.Parallel()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"import.bad_json", "import.bad_header", "import.bad_format", "number.invalid",
		"invalid.value", "registration.invalid", "party_form.invalid", "category.invalid",
		"orgfile.bad_csv", "orgfile.bad_xlsx", "orgfile.duplicate_column", "orgfile.not_utf8"} {
		if cat.T(i18n.ZH, k) == k || cat.T(i18n.EN, k) == k {
			t.Errorf("%s missing from the catalog", k)
		}
	}
	for _, c := range columns {
		if cat.T(i18n.ZH, "field."+c.field) == "field."+c.field {
			t.Errorf("field.%s missing from the catalog", c.field)
		}
	}
}

// checkRows is what every read must satisfy, whatever the input.
func checkRows(t *testing.T, rows []registry.ImportRow, err error) {
	t.Helper()
	if err != nil {
		if e := errs.As(err); e.Code != errs.Invalid || e.Key == "" {
			t.Fatalf("file error is not an Invalid *errs.Error: %v", err)
		}
		return
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
	}
}

func FuzzReadJSONL(f *testing.F) {
	f.Add(`{"key":"o01","name":"甲组织","street":"霍营街道","staff":3,"domains":["a","b"]}` + "\n")
	f.Add("\ufeff{}\n\n[\n{\"staff\":1e400}\n{\"domains\":\"a、b\"}")
	f.Add(`{"name":null,"volunteers":-0.0,"party_form":"单独组建","category":"x"}`)
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := Read(strings.NewReader(in), JSONL)
		checkRows(t, rows, err)
	})
}

func FuzzReadCSV(f *testing.F) {
	f.Add("名称,街道,专职人员数\n甲组织,霍营街道,3\n")
	f.Add("\ufeffname,street\r\n\"a\nb\",c\r\n\r\n,,\n'=x,y\n")
	f.Add("名称,街道\n\"unterminated")
	f.Add("title\n\n名称,街道,成立日期,党组织形式\n甲,乙,2016年13月40日,功能型党支部\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, err := Read(strings.NewReader(in), CSV)
		checkRows(t, rows, err)
	})
}
