package store_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// delivery is a tender with more people: a second organization, a member
// (not admin) of the supplier, and two residents.
type delivery struct {
	*tender
	otherOrg              *registry.Organization
	otherAdmin, orgMember *accounts.User
	resident, resident2   *accounts.User
}

func newDelivery(t *testing.T, s *store.Store) *delivery {
	t.Helper()
	d := &delivery{tender: newTender(t, s)}
	ctx := storetest.Admin()
	d.otherOrg = &registry.Organization{Name: "霍营邻里互助协会", Registration: registry.Filed, StreetID: d.street.ID,
		Category: "property"}
	if err := s.CreateOrganization(ctx, d.otherOrg); err != nil {
		t.Fatal(err)
	}
	mk := func(phone, name string, g accounts.Grant) *accounts.User {
		u := &accounts.User{Phone: phone, Name: name, Grants: []accounts.Grant{g}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindUserByPhone(context.Background(), phone)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	d.otherAdmin = mk("13900000011", "王五", accounts.Grant{Role: accounts.OrgAdmin, ScopeID: d.otherOrg.ID})
	d.orgMember = mk("13900000012", "赵六", accounts.Grant{Role: accounts.OrgMember, ScopeID: d.org.ID})
	d.resident = mk("13812345678", "张三丰", accounts.Grant{Role: accounts.Resident})
	d.resident2 = mk("13812340000", "李四", accounts.Grant{Role: accounts.Resident})
	return d
}

const awardFen = 7_500_000

// awarded publishes a draft and awards it to the organization as of now.
func (d *delivery) awarded(t *testing.T) *procurement.Need {
	t.Helper()
	n := d.draft(t)
	d.publish(t, n)
	if err := d.s.AwardForDeliveryTest(context.Background(), n.ID, d.org.ID, awardFen, d.now); err != nil {
		t.Fatal(err)
	}
	got, err := d.s.FindNeedByID(context.Background(), n.ID)
	if err != nil || got.Status != procurement.Awarded || got.AwardedOrgID != d.org.ID {
		t.Fatalf("awarded: %+v %v", got, err)
	}
	return got
}

func (d *delivery) contract(amount int64) *procurement.Contract {
	return &procurement.Contract{AmountFen: amount, Start: d.now, End: d.now.AddDate(0, 6, 0),
		Milestones: []procurement.Milestone{
			{Title: "成立业委会筹备组", Due: d.now.AddDate(0, 2, 0), AmountFen: amount / 2},
			{Title: "选举与备案", Due: d.now.AddDate(0, 6, 0), AmountFen: amount / 2},
		}}
}

// contracted is an awarded need past its objection period, under contract.
func (d *delivery) contracted(t *testing.T) (*procurement.Need, []procurement.Milestone) {
	t.Helper()
	n := d.awarded(t)
	d.now = d.now.AddDate(0, 0, n.ObjectionDays).Add(time.Minute)
	if err := d.s.SignContract(as(d.streetStaff), n.ID, d.contract(awardFen)); err != nil {
		t.Fatal(err)
	}
	ms, err := d.s.FindMilestones(context.Background(), n.ID)
	if err != nil || len(ms) != 2 {
		t.Fatalf("milestones: %+v %v", ms, err)
	}
	return n, ms
}

// state sums up everything a refused call must leave alone.
func state(t *testing.T, s *store.Store, needID string) string {
	t.Helper()
	var b strings.Builder
	var status string
	var updated time.Time
	if err := s.QueryRowForTest(context.Background(), `SELECT status, updated_at FROM needs WHERE id = ?`, needID).Scan(&status, &updated); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "%s %s", status, updated.UTC().Format(time.RFC3339Nano))
	for _, table := range []string{"need_events", "contracts", "milestones", "reports", "documents", "acceptances", "ratings", "notifications"} {
		var n int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM `+table+` WHERE need_id = ?`, needID, &n); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, " %s=%d", table, n)
	}
	for _, st := range []string{"pending", "reported", "accepted", "returned"} {
		var n int
		if err := s.QueryRowForTest(context.Background(), `SELECT COUNT(*) FROM milestones WHERE need_id = ? AND status = ?`,
			needID, st).Scan(&n); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, " %s=%d", st, n)
	}
	var audits int
	if err := rawCount(t, s, `SELECT COUNT(*) FROM audit_entries WHERE object_id = ?`, needID, &audits); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, " audit=%d", audits)
	return b.String()
}

// refused checks err has code and that nothing about the need changed.
func refused(t *testing.T, s *store.Store, needID string, code errs.Code, what string, f func() error) {
	t.Helper()
	before := state(t, s, needID)
	err := f()
	if errs.CodeOf(err) != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
	if after := state(t, s, needID); after != before {
		t.Fatalf("%s changed something:\n%s\n%s", what, before, after)
	}
}

func notes(t *testing.T, s *store.Store, userID, kind string) int {
	t.Helper()
	var n int
	if err := s.QueryRowForTest(context.Background(), `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = ?`,
		userID, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestContractRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newDelivery(t, s)
		n := d.awarded(t)
		sign := func(u *accounts.User, k *procurement.Contract) func() error {
			return func() error { return s.SignContract(as(u), n.ID, k) }
		}
		// Wrong people, whatever the moment.
		refused(t, s, n.ID, errs.Unauthorized, "anonymous signs", func() error {
			return s.SignContract(context.Background(), n.ID, d.contract(awardFen))
		})
		for _, u := range []*accounts.User{d.commStaff, d.otherStreet, d.orgAdmin, d.resident} {
			refused(t, s, n.ID, errs.Forbidden, "signed by "+u.Name, sign(u, d.contract(awardFen)))
		}
		// The right person too early: the objection period runs 5 days from the award.
		refused(t, s, n.ID, errs.Conflict, "sign in the objection period", sign(d.streetStaff, d.contract(awardFen)))
		if err := sign(d.streetStaff, d.contract(awardFen))(); errs.As(err).Key != "delivery.objection_period" ||
			errs.As(err).Args[0] != d.now.AddDate(0, 0, 5).In(time.FixedZone("", 8*3600)).Format("2006-01-02 15:04") {
			t.Fatalf("objection period message: %v %v", err, errs.As(err).Args)
		}
		objID, err := s.ObjectionForDeliveryTest(context.Background(), n.ID, d.resident.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		d.now = d.now.AddDate(0, 0, 5) // the period ends at this instant
		refused(t, s, n.ID, errs.Conflict, "sign with an open objection", sign(d.streetStaff, d.contract(awardFen)))
		if err := sign(d.streetStaff, d.contract(awardFen))(); errs.As(err).Key != "delivery.objections_open" {
			t.Fatalf("open objection: %v", err)
		}
		if err := s.AnswerObjectionForDeliveryTest(context.Background(), objID, "评分依据已在定标公告中公示"); err != nil {
			t.Fatal(err)
		}
		// Money: not the award without an amendment, never over the budget.
		refused(t, s, n.ID, errs.Invalid, "amount differs from the award", sign(d.streetStaff, d.contract(awardFen-100_000)))
		if err := sign(d.streetStaff, d.contract(awardFen-100_000))(); errs.As(err).Field != "amendment" {
			t.Fatalf("amendment: %v", err)
		}
		over := d.contract(8_000_100)
		over.Amendment = "增加两次业主大会的场地和印刷费用"
		refused(t, s, n.ID, errs.Invalid, "over budget", sign(d.streetStaff, over))
		if err := sign(d.streetStaff, over)(); errs.As(err).Field != "amount_fen" {
			t.Fatalf("over budget: %v", err)
		}
		if _, err := s.FindContract(context.Background(), n.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("contract before signing: %v", err)
		}

		k := d.contract(awardFen - 100_000)
		k.Amendment = "  删减一次入户宣传，金额相应减少  "
		if err := sign(d.streetStaff, k)(); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindContract(context.Background(), n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AmountFen != awardFen-100_000 || got.Amendment != "删减一次入户宣传，金额相应减少" || got.SignedBy != d.streetStaff.ID ||
			!got.Start.Equal(d.contract(0).Start) || !got.SignedAt.Equal(d.now) || len(got.Milestones) != 2 {
			t.Fatalf("contract: %+v", got)
		}
		for i, m := range got.Milestones {
			if m.Position != i+1 || m.Status != procurement.MilestonePending || m.ID == "" || m.NeedID != n.ID {
				t.Fatalf("milestone %d: %+v", i, m)
			}
		}
		if nn, _ := s.FindNeedByID(context.Background(), n.ID); nn.Status != procurement.Contracted {
			t.Fatalf("status %s", nn.Status)
		}
		if notes(t, s, d.orgAdmin.ID, "contract_signed") != 1 || notes(t, s, d.otherAdmin.ID, "contract_signed") != 0 {
			t.Fatal("the supplier's admins are told, nobody else")
		}
		events, _ := s.FindNeedEvents(context.Background(), n.ID)
		if last := events[len(events)-1]; last.Action != "contract" || last.From != procurement.Awarded || last.To != procurement.Contracted ||
			last.Actor != "回龙观街道" {
			t.Fatalf("timeline: %+v", last)
		}
		if es, _, err := s.FindAuditEntries(storetest.Admin(), auditFilter("need", n.ID)); err != nil || es[0].Action != "need.contract" {
			t.Fatalf("audit: %+v %v", es, err)
		}
		// Once is enough.
		refused(t, s, n.ID, errs.Conflict, "sign twice", sign(d.streetStaff, d.contract(awardFen)))

		// A need not awarded yet cannot be contracted.
		p := d.draft(t)
		d.publish(t, p)
		refused(t, s, p.ID, errs.Conflict, "sign a published need", sign(d.streetStaff, d.contract(awardFen)))
	})
}

// fixtures: one small file of each allowed kind, and some that are not.
var (
	pngBytes  = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image body")
	jpegBytes = []byte("\xff\xd8\xff\xe0\x00\x10JFIF fake")
	pdfBytes  = []byte("%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n")
)

func officeFile(t *testing.T, parts ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<xml/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestMilestoneFlowAndDelivery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newDelivery(t, s)
		n, ms := d.contracted(t)
		m1, m2 := ms[0], ms[1]
		report := func(u *accounts.User, m procurement.Milestone, text string, files ...store.Upload) func() error {
			return func() error { _, err := s.ReportProgress(as(u), n.ID, m.ID, text, files); return err }
		}
		for _, u := range []*accounts.User{d.commStaff, d.streetStaff, d.otherAdmin, d.orgMember, d.resident} {
			refused(t, s, n.ID, errs.Forbidden, "report by "+u.Name, report(u, m1, "筹备组已成立"))
		}
		refused(t, s, n.ID, errs.Unauthorized, "anonymous report", func() error {
			_, err := s.ReportProgress(context.Background(), n.ID, m1.ID, "筹备组已成立", nil)
			return err
		})
		// Files: only the allowed types, within the limits; everything wrong is said at once.
		docx := officeFile(t, "[Content_Types].xml", "word/document.xml")
		xlsm := officeFile(t, "[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin")
		refused(t, s, n.ID, errs.Invalid, "bad files", report(d.orgAdmin, m1, "筹备组已成立",
			store.Upload{Name: "setup.exe", Type: "image/png", Content: []byte("MZ\x90\x00")},
			store.Upload{Name: "预算.xlsm", Content: xlsm},
			store.Upload{Name: "空.pdf", Content: nil},
			store.Upload{Name: "big.pdf", Content: append([]byte("%PDF-"), make([]byte, store.MaxDocumentBytes)...)}))
		_, err := s.ReportProgress(as(d.orgAdmin), n.ID, m1.ID, "", []store.Upload{{Name: "setup.exe", Content: []byte("MZ")},
			{Name: "空.pdf"}, {Name: "big.pdf", Content: append([]byte("%PDF-"), make([]byte, store.MaxDocumentBytes)...)}})
		keys := map[string]bool{}
		for _, e := range errs.Fields(err) {
			keys[e.Field+" "+e.Key] = true
		}
		for _, k := range []string{"text field.required", "file document.type_not_allowed", "file document.empty", "file document.too_large"} {
			if !keys[k] {
				t.Errorf("missing %s in %v", k, keys)
			}
		}
		many := make([]store.Upload, store.MaxDocuments+1)
		for i := range many {
			many[i] = store.Upload{Name: fmt.Sprintf("%d.png", i), Content: pngBytes}
		}
		refused(t, s, n.ID, errs.Invalid, "too many files", report(d.orgAdmin, m1, "筹备组已成立", many...))
		refused(t, s, n.ID, errs.NotFound, "another need's milestone", func() error {
			_, err := s.ReportProgress(as(d.orgAdmin), n.ID, "nope", "筹备组已成立", nil)
			return err
		})
		// Deliver while milestones are open.
		refused(t, s, n.ID, errs.Conflict, "deliver before reporting", func() error { return s.Deliver(as(d.orgAdmin), n.ID) })

		r, err := s.ReportProgress(as(d.orgAdmin), n.ID, m1.ID, "  筹备组已成立，共 9 人，名单已公示  ", []store.Upload{
			{Name: `C:\Users\me\照片.png`, Type: "application/octet-stream", Content: pngBytes},
			{Name: "筹备组名单.docx", Content: docx},
			{Name: "公示.pdf", Content: pdfBytes},
		})
		if err != nil {
			t.Fatal(err)
		}
		if r.Text != "筹备组已成立，共 9 人，名单已公示" || len(r.Files) != 3 || r.By != d.orgAdmin.ID {
			t.Fatalf("report: %+v", r)
		}
		wantTypes := []string{"image/png", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/pdf"}
		for i, content := range [][]byte{pngBytes, docx, pdfBytes} {
			f := r.Files[i]
			if f.SHA256 != sha(content) || f.Size != int64(len(content)) || f.Type != wantTypes[i] {
				t.Fatalf("file %d: %+v", i, f)
			}
			// Anyone can fetch it and check the hash.
			meta, got, err := s.FindDocument(context.Background(), f.ID)
			if err != nil || !bytes.Equal(got, content) || meta.SHA256 != sha(got) || meta.Name != f.Name {
				t.Fatalf("document %d: %+v %v", i, meta, err)
			}
		}
		if r.Files[0].Name != "照片.png" {
			t.Fatalf("name keeps no path: %q", r.Files[0].Name)
		}
		if _, _, err := s.FindDocument(context.Background(), "nope"); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("unknown document: %v", err)
		}
		got, _ := s.FindNeedByID(context.Background(), n.ID)
		if got.Status != procurement.InProgress {
			t.Fatalf("first report starts the work: %s", got.Status)
		}
		if notes(t, s, d.commStaff.ID, "milestone_reported") != 1 {
			t.Fatal("community staff told of the report")
		}

		// The community decides; the supplier cannot.
		refused(t, s, n.ID, errs.Forbidden, "supplier accepts its own milestone", func() error {
			return s.AcceptMilestone(as(d.orgAdmin), n.ID, m1.ID)
		})
		refused(t, s, n.ID, errs.Forbidden, "street accepts a milestone", func() error {
			return s.AcceptMilestone(as(d.streetStaff), n.ID, m1.ID)
		})
		refused(t, s, n.ID, errs.Conflict, "accept an unreported milestone", func() error {
			return s.AcceptMilestone(as(d.commStaff), n.ID, m2.ID)
		})
		if err := s.AcceptMilestone(as(d.commStaff), n.ID, m1.ID); err != nil {
			t.Fatal(err)
		}
		refused(t, s, n.ID, errs.Conflict, "report on an accepted milestone", report(d.orgAdmin, m1, "补充照片"))
		refused(t, s, n.ID, errs.Conflict, "deliver with an open milestone", func() error { return s.Deliver(as(d.orgAdmin), n.ID) })

		if _, err := s.ReportProgress(as(d.orgAdmin), n.ID, m2.ID, "业主大会已召开，选举出业委会委员 7 名", nil); err != nil {
			t.Fatal(err)
		}
		refused(t, s, n.ID, errs.Invalid, "return without a comment", func() error {
			return s.ReturnMilestone(as(d.commStaff), n.ID, m2.ID, " 不行 ")
		})
		if err := s.ReturnMilestone(as(d.commStaff), n.ID, m2.ID, "请补充街道备案回执的扫描件"); err != nil {
			t.Fatal(err)
		}
		if notes(t, s, d.orgAdmin.ID, "milestone_returned") != 1 {
			t.Fatal("supplier told of the return")
		}
		stones, _ := s.FindMilestones(context.Background(), n.ID)
		if stones[0].Status != procurement.MilestoneAccepted || stones[1].Status != procurement.MilestoneReturned ||
			stones[1].Comment != "请补充街道备案回执的扫描件" {
			t.Fatalf("milestones: %+v", stones)
		}
		if _, err := s.ReportProgress(as(d.orgAdmin), n.ID, m2.ID, "已补充备案回执", []store.Upload{{Name: "回执.jpg", Content: jpegBytes}}); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptMilestone(as(d.commStaff), n.ID, m2.ID); err != nil {
			t.Fatal(err)
		}
		refused(t, s, n.ID, errs.Forbidden, "community delivers", func() error { return s.Deliver(as(d.commStaff), n.ID) })
		if err := s.Deliver(as(d.orgAdmin), n.ID); err != nil {
			t.Fatal(err)
		}
		if notes(t, s, d.commStaff.ID, "need_delivered") != 1 {
			t.Fatal("community told of the delivery")
		}

		// 验收: rejected once (the last milestone goes back), then accepted.
		refused(t, s, n.ID, errs.Forbidden, "supplier accepts its own delivery", func() error {
			return s.AcceptDelivery(as(d.orgAdmin), n.ID, "", 0)
		})
		refused(t, s, n.ID, errs.Invalid, "reject without a comment", func() error { return s.RejectDelivery(as(d.commStaff), n.ID, "") })
		if err := s.RejectDelivery(as(d.commStaff), n.ID, "备案材料与公示名单不一致"); err != nil {
			t.Fatal(err)
		}
		got, _ = s.FindNeedByID(context.Background(), n.ID)
		stones, _ = s.FindMilestones(context.Background(), n.ID)
		if got.Status != procurement.InProgress || stones[1].Status != procurement.MilestoneReturned || stones[0].Status != procurement.MilestoneAccepted {
			t.Fatalf("rejected: %s %+v", got.Status, stones)
		}
		refused(t, s, n.ID, errs.Conflict, "deliver again unchanged", func() error { return s.Deliver(as(d.orgAdmin), n.ID) })
		if _, err := s.ReportProgress(as(d.orgAdmin), n.ID, m2.ID, "已更正名单并重新公示", nil); err != nil {
			t.Fatal(err)
		}
		if err := s.AcceptMilestone(as(d.commStaff), n.ID, m2.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Deliver(as(d.orgAdmin), n.ID); err != nil {
			t.Fatal(err)
		}
		refused(t, s, n.ID, errs.Forbidden, "street accepts the delivery", func() error { return s.AcceptDelivery(as(d.streetStaff), n.ID, "", 0) })
		for _, bad := range []int{-1, procurement.MaxBeneficiaries + 1} {
			refused(t, s, n.ID, errs.Invalid, fmt.Sprintf("%d beneficiaries", bad), func() error {
				return s.AcceptDelivery(as(d.commStaff), n.ID, "", bad)
			})
		}
		if err := s.AcceptDelivery(as(d.commStaff), n.ID, "业委会已依法备案，居民满意", 240); err != nil {
			t.Fatal(err)
		}
		refused(t, s, n.ID, errs.Conflict, "accept twice", func() error { return s.AcceptDelivery(as(d.commStaff), n.ID, "", 0) })
		var result, comment string
		var people int
		if err := s.QueryRowForTest(context.Background(), `SELECT result, comment, beneficiaries FROM acceptances WHERE need_id = ?`, n.ID).Scan(&result, &comment, &people); err != nil ||
			result != "passed" || comment != "业委会已依法备案，居民满意" || people != 240 {
			t.Fatalf("acceptance: %s %s %d %v", result, comment, people, err)
		}
		if notes(t, s, d.orgAdmin.ID, "need_accepted") != 1 || notes(t, s, d.streetStaff.ID, "need_accepted") != 1 {
			t.Fatal("supplier and street told of the acceptance")
		}
		got, _ = s.FindNeedByID(context.Background(), n.ID)
		if got.Status != procurement.Accepted {
			t.Fatalf("accepted: %s", got.Status)
		}
		d.step(t, d.streetStaff, got, procurement.ActClose, "")

		// The public sees every report with its files' hashes, and the whole timeline.
		reports, err := s.FindReports(context.Background(), n.ID)
		if err != nil || len(reports) != 4 || len(reports[0].Files) != 3 || len(reports[2].Files) != 1 ||
			reports[0].Files[1].SHA256 != sha(docx) || reports[2].Files[0].SHA256 != sha(jpegBytes) {
			t.Fatalf("reports: %+v %v", reports, err)
		}
		events, _ := s.FindNeedEvents(context.Background(), n.ID)
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		want := "create submit publish contract report accept_milestone report return_milestone report accept_milestone deliver " +
			"reject_delivery report accept_milestone deliver accept close"
		if strings.Join(actions, " ") != want {
			t.Fatalf("timeline:\n%s\nwant\n%s", strings.Join(actions, " "), want)
		}
		var audits int
		if err := rawCount(t, s, `SELECT COUNT(*) FROM audit_entries WHERE object_id = ? AND action LIKE 'need.%'`, n.ID, &audits); err != nil ||
			audits != len(events) {
			t.Fatalf("one audit entry per step: %d vs %d %v", audits, len(events), err)
		}
	})
}

func TestProposalDocumentsFollowSealing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newDelivery(t, s)
		n := d.draft(t)
		n = d.publish(t, n)
		id, err := s.ProposalDocumentForDeliveryTest(context.Background(), n.ID, d.org.ID, pdfBytes)
		if err != nil {
			t.Fatal(err)
		}
		read := func(ctx context.Context) error { _, _, err := s.FindDocument(ctx, id); return err }
		if err := read(as(d.orgAdmin)); err != nil {
			t.Fatalf("own organization reads its sealed proposal: %v", err)
		}
		if err := read(as(d.orgMember)); err != nil {
			t.Fatalf("own member reads its sealed proposal: %v", err)
		}
		for _, ctx := range []context.Context{context.Background(), as(d.otherAdmin), as(d.streetStaff), as(d.commStaff), storetest.Admin()} {
			if err := read(ctx); errs.CodeOf(err) != errs.NotFound {
				t.Fatalf("sealed proposal document read: %v", err)
			}
		}
		d.now = n.Deadline
		if err := read(as(d.streetStaff)); err != nil {
			t.Fatalf("buyer after the deadline: %v", err)
		}
		for _, ctx := range []context.Context{context.Background(), as(d.otherAdmin), as(d.resident)} {
			if err := read(ctx); errs.CodeOf(err) != errs.NotFound {
				t.Fatalf("proposal document read by the public after the deadline: %v", err)
			}
		}
	})
}

func TestRatings(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newDelivery(t, s)
		n, _ := d.contracted(t)
		refused(t, s, n.ID, errs.Conflict, "rate before acceptance", func() error { return s.RateNeed(as(d.resident), n.ID, 5, "") })
		deliverAll(t, d, n)
		refused(t, s, n.ID, errs.Unauthorized, "anonymous rates", func() error { return s.RateNeed(context.Background(), n.ID, 5, "") })
		refused(t, s, n.ID, errs.Forbidden, "supplier rates itself", func() error { return s.RateNeed(as(d.orgAdmin), n.ID, 5, "") })
		refused(t, s, n.ID, errs.Forbidden, "supplier member rates", func() error { return s.RateNeed(as(d.orgMember), n.ID, 5, "") })
		refused(t, s, n.ID, errs.Invalid, "six stars", func() error { return s.RateNeed(as(d.resident), n.ID, 6, "") })
		refused(t, s, n.ID, errs.Invalid, "no stars", func() error { return s.RateNeed(as(d.resident), n.ID, 0, "") })
		if err := s.RateNeed(as(d.resident), n.ID, 5, "很好"); err != nil {
			t.Fatal(err)
		}
		d.now = d.now.Add(time.Hour)
		if err := s.RateNeed(as(d.resident), n.ID, 3, "  想了想，备案拖得有点久  "); err != nil {
			t.Fatal(err)
		}
		d.now = d.now.Add(time.Hour)
		if err := s.RateNeed(as(d.commStaff), n.ID, 4, "有问题打我电话 13912345678"); err != nil {
			t.Fatal(err)
		}
		rs, err := s.FindRatings(context.Background(), n.ID)
		if err != nil || len(rs) != 2 {
			t.Fatalf("ratings: %+v %v", rs, err)
		}
		if rs[0].Stars != 4 || rs[0].Comment != "有问题打我电话 139****5678" || rs[1].Rater != "张**" || rs[1].Stars != 3 ||
			rs[1].Comment != "想了想，备案拖得有点久" {
			t.Fatalf("ratings: %+v", rs)
		}
		dump := fmt.Sprintf("%+v", rs)
		for _, secret := range []string{"13812345678", d.resident.ID, "张三丰", "13912345678"} {
			if strings.Contains(dump, secret) {
				t.Fatalf("public ratings show %q: %s", secret, dump)
			}
		}
		if rs[0].Rater != accounts.MaskName(d.commStaff.Name) {
			t.Fatalf("staff masked too: %q", rs[0].Rater)
		}
	})
}

// deliverAll takes a contracted need through its milestones to acceptance
// (reaching nobody reported).
func deliverAll(t *testing.T, d *delivery, n *procurement.Need) {
	t.Helper()
	deliverReaching(t, d, n, 0)
}

// deliverReaching is deliverAll with the people the community reports the
// project reached.
func deliverReaching(t *testing.T, d *delivery, n *procurement.Need, people int) {
	t.Helper()
	ms, err := d.s.FindMilestones(context.Background(), n.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if _, err := d.s.ReportProgress(as(d.orgAdmin), n.ID, m.ID, "已完成", nil); err != nil {
			t.Fatal(err)
		}
		if err := d.s.AcceptMilestone(as(d.commStaff), n.ID, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.s.Deliver(as(d.orgAdmin), n.ID); err != nil {
		t.Fatal(err)
	}
	if err := d.s.AcceptDelivery(as(d.commStaff), n.ID, "", people); err != nil {
		t.Fatal(err)
	}
}
