package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/orgfile"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// importLines reads JSON Lines (one argument a line) the way an upload is read.
func importLines(t *testing.T, lines ...string) []registry.ImportRow {
	t.Helper()
	rows, err := orgfile.Read(strings.NewReader(strings.Join(lines, "\n")), orgfile.JSONL)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// validCreditCode completes 17 characters with their check character.
func validCreditCode(t *testing.T, first17 string) string {
	t.Helper()
	c, ok := registry.CreditCheckChar(first17)
	if !ok {
		t.Fatalf("%s: not in the credit code alphabet", first17)
	}
	return first17 + string(c)
}

// importProblem is a Problem without its message arguments.
type importProblem struct {
	Line  int
	Field string
	Key   string
}

func importProblems(rep *registry.ImportReport) []importProblem {
	if rep == nil {
		return nil
	}
	out := []importProblem{}
	for _, p := range rep.Problems {
		out = append(out, importProblem{p.Line, p.Field, p.Key})
	}
	return out
}

// dbSnapshot counts what an import may touch.
type dbSnapshot struct {
	Orgs, Streets, Communities, Audit int
	StreetNames                       string
}

func snapshot(t *testing.T, s *store.Store) dbSnapshot {
	t.Helper()
	ctx := context.Background()
	_, orgs, err := s.FindOrganizations(ctx, registry.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	streets, err := s.FindStreets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	comms, err := s.FindCommunities(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	_, n, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, st := range streets {
		names = append(names, st.Name)
	}
	return dbSnapshot{Orgs: orgs, Streets: len(streets), Communities: len(comms), Audit: n, StreetNames: strings.Join(names, ",")}
}

func auditCount(t *testing.T, s *store.Store, action string) int {
	t.Helper()
	_, n, err := s.FindAuditEntries(storetest.Admin(), audit.Filter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportCreatesPlaces(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, c1, _ := seed(t, s)
		code1 := validCreditCode(t, "52110114MJ0000001")
		rows := importLines(t,
			`{"key":"k1","name":"回龙观惠民社工中心","registration":"registered","credit_code":"`+code1+`","domains":["养老服务"],"street":"回龙观街道","community":"龙锦苑二区社区","staff":3}`,
			`{"key":"k2","name":"霍营舞蹈队","street":"霍营街道","community":"华龙苑中里社区"}`,
			``,
			`{"key":"k3","name":"霍营读书会","street":"霍营街道","community":"华龙苑中里社区","party_form":"联合组建"}`,
			`{"key":"k4","name":"龙泽园合唱团","street":"龙泽园街道"}`,
			`{"key":"k5","name":"回龙观新社区志愿队","street":"回龙观街道","community":"回龙观新社区"}`,
		)
		var progress []int
		rep, err := s.ImportOrganizations(storetest.Admin(), rows, false, func(n int) { progress = append(progress, n) })
		if err != nil {
			t.Fatalf("%v %+v", err, rep)
		}
		if rep.Rows != 5 || rep.Created != 5 || rep.Updated != 0 || rep.Skipped != 0 || !rep.Committed || len(rep.Problems) != 0 {
			t.Fatalf("report %+v", rep)
		}
		if !reflect.DeepEqual(rep.CreatedStreets, []string{"霍营街道", "龙泽园街道"}) ||
			!reflect.DeepEqual(rep.CreatedCommunities, []string{"华龙苑中里社区", "回龙观新社区"}) {
			t.Fatalf("created places: %v %v", rep.CreatedStreets, rep.CreatedCommunities)
		}
		if !reflect.DeepEqual(progress, []int{1, 2, 3, 4, 5}) {
			t.Fatalf("progress %v", progress)
		}
		ctx := context.Background()
		k1, err := s.FindOrganizationByKey(ctx, "k1")
		if err != nil || k1.StreetID != st.ID || k1.CommunityID != c1.ID || k1.CreditCode != code1 || k1.Staff != 3 {
			t.Fatalf("k1: %+v %v", k1, err)
		}
		k2, _ := s.FindOrganizationByKey(ctx, "k2")
		k3, _ := s.FindOrganizationByKey(ctx, "k3")
		if k2 == nil || k3 == nil || k2.CommunityID == "" || k2.CommunityID != k3.CommunityID || k2.StreetName != "霍营街道" ||
			k3.PartyForm != registry.PartyJoint {
			t.Fatalf("k2 %+v k3 %+v", k2, k3)
		}
		k4, _ := s.FindOrganizationByKey(ctx, "k4")
		if k4 == nil || k4.StreetName != "龙泽园街道" || k4.CommunityID != "" {
			t.Fatalf("k4 %+v", k4)
		}
		if snap := snapshot(t, s); snap.Streets != 3 || snap.Communities != 4 || snap.Orgs != 5 {
			t.Fatalf("after import %+v", snap)
		}
		// Every created place and organization is audited, plus one entry for the import.
		for action, want := range map[string]int{"street.create": 3, "community.create": 4, "organization.create": 5,
			"organization.import": 1} {
			if got := auditCount(t, s, action); got != want {
				t.Errorf("%s: %d audit entries, want %d", action, got, want)
			}
		}
	})
}

func TestImportUpdatesByKey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		admin := storetest.Admin()
		first := importLines(t,
			`{"key":"k1","name":"霍营舞蹈队","street":"霍营街道","community":"华龙苑中里社区","volunteers":10}`,
			`{"key":"k2","name":"霍营读书会","street":"霍营街道"}`,
		)
		if _, err := s.ImportOrganizations(admin, first, false, nil); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, s)
		second := importLines(t,
			`{"key":"k1","name":"霍营舞蹈队","street":"霍营街道","community":"华龙苑中里社区","volunteers":25}`,
			`{"key":"k2","name":"霍营街道读书会","street":"霍营街道","community":"华龙苑中里社区"}`,
			`{"key":"k3","name":"霍营棋社","street":"霍营街道"}`,
		)
		rep, err := s.ImportOrganizations(admin, second, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 1 || rep.Updated != 2 || len(rep.CreatedStreets) != 0 || len(rep.CreatedCommunities) != 0 {
			t.Fatalf("report %+v", rep)
		}
		after := snapshot(t, s)
		if after.Orgs != before.Orgs+1 || after.Streets != before.Streets || after.Communities != before.Communities {
			t.Fatalf("before %+v after %+v", before, after)
		}
		ctx := context.Background()
		k1, _ := s.FindOrganizationByKey(ctx, "k1")
		k2, _ := s.FindOrganizationByKey(ctx, "k2")
		if k1 == nil || k1.Volunteers != 25 || k2 == nil || k2.Name != "霍营街道读书会" || k2.CommunityName != "华龙苑中里社区" {
			t.Fatalf("k1 %+v k2 %+v", k1, k2)
		}
		if n := auditCount(t, s, "organization.update"); n != 2 {
			t.Fatalf("%d update entries", n)
		}
	})
}

func TestImportOneBadRowImportsNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		seed(t, s)
		before := snapshot(t, s)
		bad := "52110114Y4CL12TH3E" // wrong check character
		long := strings.Repeat("街", 61)
		rows := importLines(t,
			`{"key":"k1","name":"霍营舞蹈队","street":"霍营街道","community":"华龙苑中里社区"}`,
			`{"key":"k2","name":"回龙观社工中心","registration":"registered","credit_code":"`+bad+`","street":"回龙观街道"}`,
			``,
			`{"key":"k4","name":"龙锦苑合唱团","street":"回龙观街道","staff":"很多"}`,
			`{"key":"k5","name":"超长街道名的组织","street":"`+long+`"}`,
			`{"key":"k6","name":"新龙城棋社","street":"回龙观街道","community":"新龙城社区"}`,
		)
		rep, err := s.ImportOrganizations(storetest.Admin(), rows, false, nil)
		if e := errs.As(err); err == nil || e.Code != errs.Invalid || e.Key != "import.has_problems" {
			t.Fatalf("want import.has_problems, got %v", err)
		}
		if rep == nil || rep.Committed {
			t.Fatalf("report %+v", rep)
		}
		want := []importProblem{{2, "credit_code", "credit_code.checksum"}, {4, "staff", "number.invalid"},
			{5, "street", "field.too_long"}}
		if got := importProblems(rep); !reflect.DeepEqual(got, want) {
			t.Fatalf("problems\n got %v\nwant %v", got, want)
		}
		if after := snapshot(t, s); after != before {
			t.Fatalf("a failed import changed the database:\nbefore %+v\nafter  %+v", before, after)
		}
		if _, err := s.FindStreetByName(context.Background(), "霍营街道"); code(t, err) != errs.NotFound {
			t.Fatalf("street of a rolled-back import: %v", err)
		}
	})
}

func TestImportSkipInvalid(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		admin := storetest.Admin()
		taken := validCreditCode(t, "52110114MJ0000003")
		holder := &registry.Organization{Name: "已登记的组织", Registration: registry.Registered, CreditCode: taken, StreetID: st.ID}
		if err := s.CreateOrganization(admin, holder); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, s)
		rows := importLines(t,
			// 1 good: a new street and community
			`{"key":"k1","name":"霍营舞蹈队","street":"霍营街道","community":"华龙苑中里社区"}`,
			// 2 bad after its places were created: a street and community only it names
			`{"key":"k2","name":"东小口社工站","registration":"registered","credit_code":"`+taken+`","street":"东小口镇","community":"兰各庄社区"}`,
			// 3 bad the same way, in a street that a later good row names again
			`{"key":"k3","name":"北七家社工站","registration":"registered","credit_code":"`+taken+`","street":"北七家镇","community":"平西府社区"}`,
			// 4 good: must create 北七家镇 afresh
			`{"key":"k4","name":"王府街合唱团","street":"北七家镇","community":"王府街社区"}`,
			// 5 bad before any place is touched
			`{"key":"k5","name":"","street":"史各庄街道"}`,
			// 6 good: the community of row 1 again, after the rollbacks
			`{"key":"k6","name":"华龙苑读书会","street":"霍营街道","community":"华龙苑中里社区"}`,
		)
		rep, err := s.ImportOrganizations(admin, rows, true, nil)
		if err != nil {
			t.Fatalf("%v %+v", err, rep)
		}
		if !rep.Committed || rep.Rows != 6 || rep.Created != 3 || rep.Skipped != 3 {
			t.Fatalf("report %+v", rep)
		}
		want := []importProblem{{2, "credit_code", "credit_code.duplicate"}, {3, "credit_code", "credit_code.duplicate"},
			{5, "name", "field.required"}}
		if got := importProblems(rep); !reflect.DeepEqual(got, want) {
			t.Fatalf("problems\n got %v\nwant %v", got, want)
		}
		if !reflect.DeepEqual(rep.CreatedStreets, []string{"霍营街道", "北七家镇"}) ||
			!reflect.DeepEqual(rep.CreatedCommunities, []string{"华龙苑中里社区", "王府街社区"}) {
			t.Fatalf("created places: %v %v", rep.CreatedStreets, rep.CreatedCommunities)
		}
		ctx := context.Background()
		for _, name := range []string{"东小口镇", "史各庄街道"} {
			if _, err := s.FindStreetByName(ctx, name); code(t, err) != errs.NotFound {
				t.Errorf("street %s left behind by a bad row: %v", name, err)
			}
		}
		for _, name := range []string{"兰各庄社区", "平西府社区"} {
			if _, err := s.FindCommunityByName(ctx, "", name); code(t, err) != errs.NotFound {
				t.Errorf("community %s left behind by a bad row: %v", name, err)
			}
		}
		for _, key := range []string{"k2", "k3", "k5"} {
			if _, err := s.FindOrganizationByKey(ctx, key); code(t, err) != errs.NotFound {
				t.Errorf("bad row %s imported: %v", key, err)
			}
		}
		k1, _ := s.FindOrganizationByKey(ctx, "k1")
		k6, _ := s.FindOrganizationByKey(ctx, "k6")
		if k1 == nil || k6 == nil || k1.CommunityID == "" || k1.CommunityID != k6.CommunityID {
			t.Fatalf("k1 %+v k6 %+v", k1, k6)
		}
		after := snapshot(t, s)
		if after.Orgs != before.Orgs+3 || after.Streets != before.Streets+2 || after.Communities != before.Communities+2 {
			t.Fatalf("before %+v after %+v", before, after)
		}
		// Nothing of the bad rows reached the audit log either.
		entries, _, err := s.FindAuditEntries(admin, audit.Filter{PerPage: 200})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			for _, gone := range []string{"东小口", "兰各庄", "平西府", "k2", "k3"} {
				if strings.Contains(e.Data, gone) {
					t.Errorf("audit entry %d (%s) mentions %s: %s", e.Seq, e.Action, gone, e.Data)
				}
			}
		}
		if got := auditCount(t, s, "street.create"); got != 3 {
			t.Errorf("%d street.create entries, want 3", got)
		}
		if b, _, err := s.VerifyAudit(ctx); err != nil || b != nil {
			t.Fatalf("audit chain after savepoint rollbacks: %+v %v", b, err)
		}
	})
}

func TestImportDuplicateCreditCodesInFile(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		admin := storetest.Admin()
		cc := validCreditCode(t, "52110114MJ0000004")
		rows := importLines(t,
			`{"key":"k1","name":"回龙观社工中心","registration":"registered","credit_code":"`+cc+`","street":"回龙观街道"}`,
			`{"key":"k2","name":"霍营社工中心","registration":"registered","credit_code":"`+strings.ToLower(cc)+`","street":"霍营街道"}`,
		)
		rep, err := s.ImportOrganizations(admin, rows, false, nil)
		if code(t, err) != errs.Invalid {
			t.Fatalf("want invalid, got %v", err)
		}
		if got := importProblems(rep); !reflect.DeepEqual(got, []importProblem{{2, "credit_code", "credit_code.duplicate"}}) {
			t.Fatalf("problems %v", got)
		}
		if args := rep.Problems[0].Args; len(args) != 1 || args[0] != "回龙观社工中心" {
			t.Fatalf("the message should name the holder: %v", args)
		}
		if snap := snapshot(t, s); snap.Orgs != 0 || snap.Streets != 0 {
			t.Fatalf("after failed import %+v", snap)
		}
		// Skipping: the first holder lands, the second is reported.
		rep, err = s.ImportOrganizations(admin, rows, true, nil)
		if err != nil || rep.Created != 1 || rep.Skipped != 1 {
			t.Fatalf("%+v %v", rep, err)
		}
		if _, err := s.FindStreetByName(context.Background(), "霍营街道"); code(t, err) != errs.NotFound {
			t.Fatalf("street of the skipped row: %v", err)
		}
	})
}

func TestImportNeedsAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		st, _, _ := seed(t, s)
		rows := importLines(t, `{"key":"k1","name":"回龙观舞蹈队","street":"回龙观街道"}`)
		before := snapshot(t, s)
		cases := []struct {
			ctx  context.Context
			want errs.Code
		}{
			{as(&accounts.User{ID: "u1", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: st.ID}}}), errs.Forbidden},
			{as(&accounts.User{ID: "u2", Grants: []accounts.Grant{{Role: accounts.Auditor}}}), errs.Forbidden},
			{context.Background(), errs.Unauthorized},
		}
		for _, c := range cases {
			rep, err := s.ImportOrganizations(c.ctx, rows, true, nil)
			if code(t, err) != c.want || rep != nil {
				t.Errorf("want %s, got %v %+v", c.want, err, rep)
			}
		}
		if after := snapshot(t, s); after != before {
			t.Fatalf("refused import changed data: %+v %+v", before, after)
		}
	})
}

// An export leaves contact data out; importing it back must not erase it.
func TestImportKeepsContactsAFileLacks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Admin()
		with := `{"key":"c1","name":"龙锦苑助老服务队","registration":"filed","street":"回龙观街道","contact_name":"王芳","contact_phone":"13812345678"}`
		without := `{"key":"c1","name":"龙锦苑助老服务队","registration":"filed","street":"回龙观街道","description":"新的简介"}`
		for _, line := range []string{with, without} {
			if _, err := s.ImportOrganizations(ctx, importLines(t, line), false, nil); err != nil {
				t.Fatal(err)
			}
		}
		o, err := s.FindOrganizationByKey(ctx, "c1")
		if err != nil {
			t.Fatal(err)
		}
		if o.ContactName != "王芳" || o.ContactPhone != "13812345678" || o.Description != "新的简介" {
			t.Fatalf("re-import: %+v", o)
		}
	})
}
