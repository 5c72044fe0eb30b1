package store_test

import (
	"bytes"
	"context"
	"slices"
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

// lastEvent is the newest line of a need's timeline as its street sees it.
func lastEvent(t *testing.T, tt *tender, needID string) procurement.Event {
	t.Helper()
	evs, err := tt.s.FindNeedEvents(as(tt.streetStaff), needID)
	if err != nil || len(evs) == 0 {
		t.Fatalf("events: %v %v", evs, err)
	}
	return evs[len(evs)-1]
}

func docNames(docs []procurement.Document) string {
	var out []string
	for _, d := range docs {
		out = append(out, d.Name)
	}
	return strings.Join(out, ",")
}

func TestAttachToNeedRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		d := newDelivery(t, s)
		n := d.draft(t)
		attach := func(u *accounts.User, files ...store.Upload) func() error {
			return func() error {
				ctx := context.Background()
				if u != nil {
					ctx = as(u)
				}
				_, err := s.AttachToNeed(ctx, n.ID, files)
				return err
			}
		}
		spec := store.Upload{Name: "需求说明.pdf", Type: "application/pdf", Content: pdfBytes}
		// A draft is its drafters' own: nobody else even finds it.
		for _, u := range []*accounts.User{d.otherStreet, d.orgAdmin, d.resident, nil} {
			refused(t, s, n.ID, errs.NotFound, "attach to a draft by an outsider", attach(u, spec))
		}
		// Same rules as a report's files: every bad file said at once, nothing written.
		refused(t, s, n.ID, errs.Invalid, "bad files", attach(d.commStaff,
			store.Upload{Name: "setup.exe", Type: "application/pdf", Content: []byte("MZ\x90\x00")},
			store.Upload{Name: "空.pdf"},
			store.Upload{Name: "big.pdf", Content: append([]byte("%PDF-"), make([]byte, store.MaxDocumentBytes)...)}))
		_, err := s.AttachToNeed(as(d.commStaff), n.ID, []store.Upload{{Name: "setup.exe", Content: []byte("MZ")}, {Name: "空.pdf"}})
		if fs := errs.Fields(err); len(fs) != 2 {
			t.Fatalf("every bad file is reported: %v", err)
		}
		refused(t, s, n.ID, errs.Invalid, "no files", attach(d.commStaff))

		// The drafters attach: the community, and its street.
		docs, err := s.AttachToNeed(as(d.commStaff), n.ID, []store.Upload{spec, {Name: `C:\fakepath\现场.png`, Content: pngBytes}})
		if err != nil {
			t.Fatal(err)
		}
		if len(docs) != 2 || docs[0].SHA256 != sha(pdfBytes) || docs[0].Type != "application/pdf" || docs[1].Name != "现场.png" ||
			docs[1].Type != "image/png" || docs[1].Size != int64(len(pngBytes)) || docs[0].Owner != n.ID {
			t.Fatalf("attached: %+v", docs)
		}
		if e := lastEvent(t, d.tender, n.ID); e.Action != "attach" || e.Note != "2" {
			t.Fatalf("timeline: %+v", e)
		}
		entries, _, err := s.FindAuditEntries(storetest.Admin(), auditFilter("need", n.ID))
		if err != nil || entries[0].Action != "need.attach" || !contains(entries[0].Data, sha(pdfBytes)) {
			t.Fatalf("audit: %+v %v", entries, err)
		}
		// A community's draft is the community's until submitted: attaching
		// is editing, and the street waits (its own drafts it edits).
		budget := store.Upload{Name: "预算.pdf", Content: []byte("%PDF-1.4 budget")}
		refused(t, s, n.ID, errs.Conflict, "the street attaches to a community's draft", attach(d.streetStaff, budget))
		if _, err := s.AttachToNeed(as(d.commStaff), n.ID, []store.Upload{budget}); err != nil {
			t.Fatal(err)
		}
		// Listing follows the draft's visibility.
		got, err := s.FindNeedAttachments(as(d.commStaff), n.ID)
		if err != nil || docNames(got) != "需求说明.pdf,现场.png,预算.pdf" {
			t.Fatalf("draft attachments: %+v %v", got, err)
		}
		for _, ctx := range []context.Context{context.Background(), as(d.otherStreet), as(d.orgAdmin)} {
			if _, err := s.FindNeedAttachments(ctx, n.ID); errs.CodeOf(err) != errs.NotFound {
				t.Fatalf("a draft's attachments listed by an outsider: %v", err)
			}
			if _, _, err := s.FindDocument(ctx, docs[0].ID); errs.CodeOf(err) != errs.NotFound {
				t.Fatalf("a draft's attachment read by an outsider: %v", err)
			}
		}
		// Removing: while a draft, by whoever may edit it; not someone else's.
		remove := func(u *accounts.User, id string) func() error {
			return func() error { return s.RemoveNeedAttachment(as(u), id) }
		}
		refused(t, s, n.ID, errs.NotFound, "remove by another street", remove(d.otherStreet, got[2].ID))
		refused(t, s, n.ID, errs.NotFound, "remove a made-up id", remove(d.commStaff, "01900000-0000-7000-8000-000000000000"))
		if err := s.RemoveNeedAttachment(as(d.commStaff), got[2].ID); err != nil {
			t.Fatal(err)
		}
		if e := lastEvent(t, d.tender, n.ID); e.Action != "detach" || e.Note != "" {
			t.Fatalf("timeline after removal: %+v", e)
		}
		// Submitted to the street: nobody edits it, so nobody attaches or removes.
		n = d.step(t, d.commStaff, n, procurement.ActSubmit, "")
		refused(t, s, n.ID, errs.Conflict, "attach to a submitted need", attach(d.commStaff, spec))
		refused(t, s, n.ID, errs.Conflict, "the street attaches to a submitted need", attach(d.streetStaff, spec))
		refused(t, s, n.ID, errs.Conflict, "remove from a submitted need", remove(d.commStaff, got[0].ID))

		// Published: public with the need; only the street attaches, until the deadline; nobody removes.
		n = d.publish(t, n)
		pub, err := s.FindNeedAttachments(context.Background(), n.ID)
		if err != nil || docNames(pub) != "需求说明.pdf,现场.png" {
			t.Fatalf("public attachments: %+v %v", pub, err)
		}
		if meta, b, err := s.FindDocument(context.Background(), pub[0].ID); err != nil || !bytes.Equal(b, pdfBytes) || meta.SHA256 != sha(b) {
			t.Fatalf("public download: %v", err)
		}
		refused(t, s, n.ID, errs.Conflict, "the community attaches to a published need", attach(d.commStaff, spec))
		refused(t, s, n.ID, errs.Forbidden, "a bidder attaches", attach(d.orgAdmin, spec))
		refused(t, s, n.ID, errs.Conflict, "remove from a published need", remove(d.streetStaff, pub[0].ID))
		wantErr(t, "remove from a published need", s.RemoveNeedAttachment(as(d.streetStaff), pub[0].ID), errs.Conflict,
			"attachment.remove_draft_only", "")
		deadline := n.Deadline
		if _, err := s.AttachToNeed(as(d.streetStaff), n.ID, []store.Upload{{Name: "答疑纪要.pdf", Content: []byte("%PDF-1.4 qa")}}); err != nil {
			t.Fatalf("the street attaches before the deadline: %v", err)
		}
		if n, _ = s.FindNeedByID(context.Background(), n.ID); !n.Deadline.Equal(deadline) {
			t.Fatalf("no proposals yet, yet the deadline moved: %v → %v", deadline, n.Deadline)
		}
		// With proposals in, new tender documents are an edit: the deadline
		// moves back and the bidders re-confirm.
		p := bidSubmit(t, s, d.orgAdmin, n, bidOffer("k-1", 5_000_000))
		if _, err := s.AttachToNeed(as(d.streetStaff), n.ID, []store.Upload{{Name: "补充说明.pdf", Content: []byte("%PDF-1.4 more")}}); err != nil {
			t.Fatal(err)
		}
		n, _ = s.FindNeedByID(context.Background(), n.ID)
		if n.Deadline.Before(deadline.Add(d.rules.ReconfirmExtension)) || !n.QACutoff.Before(n.Deadline) {
			t.Fatalf("deadline after attaching with proposals in: %v (was %v)", n.Deadline, deadline)
		}
		if own, err := s.FindProposalByID(as(d.orgAdmin), p.ID); err != nil || !own.NeedsReconfirm {
			t.Fatalf("the bidder is asked to re-confirm: %+v %v", own, err)
		}
		if notes(t, s, d.orgAdmin.ID, "need_changed") != 1 {
			t.Fatalf("the bidder is told the need changed")
		}
		// At most MaxDocuments attachments in all.
		have, _ := s.FindNeedAttachments(context.Background(), n.ID)
		var many []store.Upload
		for i := range store.MaxDocuments - len(have) + 1 {
			many = append(many, store.Upload{Name: "页" + string(rune('A'+i)) + ".pdf", Content: pdfBytes})
		}
		refused(t, s, n.ID, errs.Invalid, "too many attachments", attach(d.streetStaff, many...))
		// After the deadline the tender documents are fixed.
		d.now = n.Deadline
		refused(t, s, n.ID, errs.Conflict, "attach after the deadline", attach(d.streetStaff, spec))
	})
}

// TestSealedProposalFiles: a proposal's files are stored with it, covered
// by its receipt and sealed with it — until the deadline only its own
// organization lists or downloads them; once opened the buyer and the
// declared reviewers do.
func TestSealedProposalFiles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.openNeed(t)
		orgB := bidOrg(t, s, 2, "霍营助老服务社", registry.Filed, tt.street.ID)
		adminB := newStaff(t, s, "13900000011", "乙组织管理员", bidGrant(accounts.OrgAdmin, orgB.ID))
		memberA := newStaff(t, s, "13900000012", "甲组织成员", bidGrant(accounts.OrgMember, tt.org.ID))
		platform := newStaff(t, s, "13900000013", "平台管理员", bidGrant(accounts.PlatformAdmin, ""))
		reviewer := newStaff(t, s, "13900000014", "评审甲", bidGrant(accounts.Reviewer, ""))
		conflicted := newStaff(t, s, "13900000015", "评审乙", bidGrant(accounts.Reviewer, ""))
		if err := s.AssignPanel(as(tt.streetStaff), n.ID, []string{reviewer.ID, conflicted.ID}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclareInterest(as(reviewer), n.ID, false, ""); err != nil {
			t.Fatal(err)
		}
		if err := s.DeclareInterest(as(conflicted), n.ID, true, "本人曾在甲组织兼职"); err != nil {
			t.Fatal(err)
		}

		plan := store.Upload{Name: "实施方案.pdf", Type: "application/pdf", Content: pdfBytes}
		photo := store.Upload{Name: "往期活动.png", Content: pngBytes}
		// Bad files refuse the whole proposal, with its own mistakes, and write nothing.
		bad := bidOffer("bad", 0)
		refused(t, s, n.ID, errs.Invalid, "proposal with a bad file", func() error {
			_, err := s.SubmitProposal(as(tt.orgAdmin), n.ID, bad, store.Upload{Name: "x.exe", Content: []byte("MZ")})
			if fs := errs.Fields(err); len(fs) != 2 {
				t.Errorf("the price and the file are both reported: %v", err)
			}
			return err
		})

		first, err := s.SubmitProposal(as(tt.orgAdmin), n.ID, bidOffer("a-1", 6_000_000), plan, photo)
		if err != nil {
			t.Fatal(err)
		}
		if len(first.Files) != 2 || first.Files[0].SHA256 != sha(pdfBytes) || first.Files[1].Type != "image/png" ||
			first.Files[0].Owner != first.ID {
			t.Fatalf("files: %+v", first.Files)
		}
		// The receipt covers the files, whatever order they came in.
		if first.Receipt != first.ComputeReceipt() {
			t.Fatalf("receipt %s, recomputed %s", first.Receipt, first.ComputeReceipt())
		}
		bare := *first
		bare.Files = nil
		if bare.ComputeReceipt() == first.Receipt {
			t.Fatal("the receipt does not cover the files")
		}
		swapped := *first
		swapped.Files = []procurement.Document{first.Files[1], first.Files[0]}
		if swapped.ComputeReceipt() != first.Receipt {
			t.Fatal("the receipt depends on the order of the files")
		}
		// An idempotent repeat returns the original with its files, whatever it carries.
		again, err := s.SubmitProposal(as(tt.orgAdmin), n.ID, bidOffer("a-1", 6_000_000), store.Upload{Name: "别的.pdf", Content: []byte("%PDF-other")})
		if err != nil || again.ID != first.ID || again.Receipt != first.Receipt || len(again.Files) != 2 ||
			again.Files[0].ID != first.Files[0].ID || again.Files[1].ID != first.Files[1].ID {
			t.Fatalf("repeat: %+v %v", again, err)
		}
		// The same proposal at the same moment with one file changed: another receipt.
		changed := store.Upload{Name: "实施方案.pdf", Content: append(slices.Clone(pdfBytes), '\n')}
		pa, err := s.SubmitProposal(as(tt.orgAdmin), n.ID, bidOffer("a-2", 6_000_000), changed, photo)
		if err != nil {
			t.Fatal(err)
		}
		if pa.Receipt == first.Receipt || pa.Receipt != pa.ComputeReceipt() || !pa.SubmittedAt.Equal(first.SubmittedAt) {
			t.Fatalf("a changed file keeps the receipt: %s %s", pa.Receipt, first.Receipt)
		}
		pb := bidSubmit(t, s, adminB, n, bidOffer("b-1", 5_000_000))
		if len(pb.Files) != 0 {
			t.Fatalf("org B sent no files: %+v", pb.Files)
		}

		files := func(ctx context.Context, p *procurement.Proposal) []procurement.Document {
			ps, _, err := s.FindProposals(ctx, n.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range ps {
				if q.ID == p.ID {
					return q.Files
				}
			}
			return nil
		}
		download := func(ctx context.Context, d procurement.Document) ([]byte, error) {
			_, b, err := s.FindDocument(ctx, d.ID)
			return b, err
		}
		anon := context.Background()
		// Before the deadline: the organization's own people, nobody else.
		for _, ctx := range []context.Context{as(tt.orgAdmin), as(memberA)} {
			if got := files(ctx, pa); len(got) != 2 || got[0].SHA256 != sha(changed.Content) {
				t.Fatalf("own files listed: %+v", got)
			}
			for _, d := range append(slices.Clone(pa.Files), first.Files...) {
				if _, err := download(ctx, d); err != nil {
					t.Fatalf("own file %s: %v", d.Name, err)
				}
			}
		}
		readers := map[string]context.Context{"org B": as(adminB), "buyer": as(tt.streetStaff), "community": as(tt.commStaff),
			"admin": as(platform), "declared reviewer": as(reviewer), "conflicted reviewer": as(conflicted), "anonymous": anon}
		for name, ctx := range readers {
			if got := files(ctx, pa); got != nil {
				t.Fatalf("%s lists sealed files: %+v", name, got)
			}
			for _, d := range append(slices.Clone(pa.Files), first.Files...) {
				_, err := download(ctx, d)
				wantErr(t, name+" downloads a sealed file", err, errs.NotFound, "notfound.document", "")
			}
		}
		// Opened: the buyer and the declared reviewer get the very bytes;
		// the withdrawn first version stays the organization's own.
		tt.now = n.Deadline
		for _, name := range []string{"buyer", "declared reviewer", "community", "admin"} {
			ctx := readers[name]
			if got := files(ctx, pa); len(got) != 2 || got[1].SHA256 != sha(pngBytes) {
				t.Fatalf("%s lists the opened files: %+v", name, got)
			}
			for i, want := range [][]byte{changed.Content, pngBytes} {
				if b, err := download(ctx, pa.Files[i]); err != nil || !bytes.Equal(b, want) {
					t.Fatalf("%s downloads %s: %v", name, pa.Files[i].Name, err)
				}
			}
			if p, err := s.FindProposalByID(ctx, pa.ID); err != nil || len(p.Files) != 2 {
				t.Fatalf("%s reads the proposal with its files: %+v %v", name, p, err)
			}
			for _, d := range first.Files {
				if _, err := download(ctx, d); errs.CodeOf(err) != errs.NotFound {
					t.Fatalf("%s downloads a withdrawn proposal's file: %v", name, err)
				}
			}
		}
		for _, name := range []string{"org B", "conflicted reviewer", "anonymous"} {
			for _, d := range pa.Files {
				if _, err := download(readers[name], d); errs.CodeOf(err) != errs.NotFound {
					t.Fatalf("%s downloads an opened proposal's file: %v", name, err)
				}
			}
		}
		if b, err := download(as(tt.orgAdmin), first.Files[0]); err != nil || !bytes.Equal(b, pdfBytes) {
			t.Fatalf("the organization keeps its withdrawn files: %v", err)
		}
		// Proposal files are never a need's attachments.
		if got, err := s.FindNeedAttachments(as(tt.streetStaff), n.ID); err != nil || len(got) != 0 {
			t.Fatalf("need attachments: %+v %v", got, err)
		}
	})
}

// TestOCDSNeedAttachments: a need's attachments are published as
// biddingDocuments with their hash, from the release after they were
// attached; a proposal's files never appear.
func TestOCDSNeedAttachments(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tt := newTender(t, s)
		n := tt.draft(t)
		spec, err := s.AttachToNeed(as(tt.commStaff), n.ID, []store.Upload{{Name: "需求说明.pdf", Content: pdfBytes}})
		if err != nil {
			t.Fatal(err)
		}
		n = tt.publish(t, n)
		tt.now = tt.now.Add(time.Hour)
		later, err := s.AttachToNeed(as(tt.streetStaff), n.ID, []store.Upload{{Name: "现场照片.png", Content: pngBytes}})
		if err != nil {
			t.Fatal(err)
		}
		tt.now = tt.now.Add(time.Hour)
		p, err := s.SubmitProposal(as(tt.orgAdmin), n.ID, bidOffer("a", 5_000_000), store.Upload{Name: "方案.pdf", Content: []byte("%PDF-1.4 secret plan")})
		if err != nil {
			t.Fatal(err)
		}
		w := newOCDSWatch(t, s, "方案.pdf")
		check := func() []ocdsDoc {
			_, rs := w.check(t, n.ID)
			if len(rs) == 0 {
				t.Fatal("no releases")
			}
			var out []ocdsDoc
			for _, r := range rs {
				if r.Tender == nil {
					continue
				}
				for _, d := range r.Tender.Documents {
					out = append(out, ocdsDoc{release: strings.Join(r.Tag, "+"), id: d.ID, typ: d.DocumentType, sha: d.SHA256})
				}
			}
			return out
		}
		docs := check()
		// tender (the spec), tenderUpdate for the attachment (spec and photo).
		want := []ocdsDoc{{"tender", spec[0].ID, "biddingDocuments", sha(pdfBytes)},
			{"tenderUpdate", spec[0].ID, "biddingDocuments", sha(pdfBytes)},
			{"tenderUpdate", later[0].ID, "biddingDocuments", sha(pngBytes)}}
		if !slices.Equal(docs, want) {
			t.Fatalf("tender documents:\n%+v\nwant\n%+v", docs, want)
		}
		// After opening, still no proposal file anywhere.
		tt.now = n.Deadline.Add(time.Minute)
		for _, d := range check() {
			if d.id == p.Files[0].ID || d.sha == p.Files[0].SHA256 {
				t.Fatalf("a proposal's file is in OCDS: %+v", d)
			}
		}
	})
}

type ocdsDoc struct{ release, id, typ, sha string }
