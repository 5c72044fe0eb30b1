package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

var (
	attachPDF = []byte("%PDF-1.7\n1 0 obj << /Title (需求说明) >> endobj\n%%EOF\n")
	attachPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR fake image body")
)

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

var detachButton = regexp.MustCompile(`id="detach-([0-9a-f-]+)"`)

func TestNeedAttachmentsOnPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTenderFixture(t, s)
		comm := f.signedIn(t, f.commStaff)
		// A draft: its community uploads, sees every file's hash, and may remove one.
		draft := &procurement.Need{Title: "龙锦苑三区楼道照明改造", Description: "楼道照明老化，社区希望统一更换为感应灯具。",
			CommunityID: f.community.ID, BudgetFen: 3_000_000, Procedure: procurement.Open, Criteria: procurement.DefaultCriteria()}
		if err := s.CreateNeed(f.as(t, f.commStaff), draft, procurement.DefaultRules()); err != nil {
			t.Fatal(err)
		}
		page := "/needs/" + draft.ID
		if _, body, _ := comm.get(page); !strings.Contains(body, `id="attach-form"`) || !strings.Contains(body, `enctype="multipart/form-data"`) {
			t.Fatal("no upload form on the draft's page")
		}
		if code, body := comm.uploadFiles(page+"/attachments", nil, map[string][]byte{"setup.exe": []byte("MZ\x90\x00")}); code != 400 ||
			!strings.Contains(body, "类型不支持") || !strings.Contains(body, `id="attach-files-error"`) {
			t.Fatalf("a refused file: %d %s", code, regexpAlert(body))
		}
		if code, body := comm.uploadFiles(page+"/attachments", nil, map[string][]byte{"需求说明.pdf": attachPDF, "现场.png": attachPNG}); code != 303 {
			t.Fatalf("upload: %d %s", code, regexpAlert(body))
		}
		_, body, _ := comm.get(page)
		for _, want := range []string{"需求说明.pdf", "现场.png", hexSum(attachPDF), hexSum(attachPNG), "2 个文件"} {
			if !strings.Contains(body, want) {
				t.Fatalf("the draft's page lacks %q", want)
			}
		}
		m := detachButton.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no remove button on a draft")
		}
		if code, _, _ := comm.post(page+"/attachments/"+m[1]+"/delete", url.Values{}); code != 303 {
			t.Fatalf("remove: %d", code)
		}
		if docs, _ := s.FindNeedAttachments(f.as(t, f.commStaff), draft.ID); len(docs) != 1 {
			t.Fatalf("after removal: %+v", docs)
		}
		// The edit form lists them and sends to the page to manage them.
		if _, body, _ := comm.get(page + "/edit"); !strings.Contains(body, `id="manage-attachments"`) || strings.Count(body, `class="mono small hash"`) != 1 {
			t.Fatal("the edit form does not list the attachments")
		}
		// Another street's staff find neither the draft nor its files.
		other := f.signedIn(t, f.outsid)
		if code, _, _ := other.get(page); code != 404 {
			t.Fatalf("other street reads the draft: %d", code)
		}

		// A published need: the street adds a document; everyone sees it with its hash and downloads it.
		street := f.signedIn(t, f.staff)
		if code, body := street.uploadFiles(f.page()+"/attachments", nil, map[string][]byte{"答疑纪要.pdf": attachPDF}); code != 303 {
			t.Fatalf("street uploads to a published need: %d %s", code, regexpAlert(body))
		}
		anon := f.browser(t)
		_, body, _ = anon.get(f.page())
		if !strings.Contains(body, "答疑纪要.pdf") || !strings.Contains(body, hexSum(attachPDF)) || strings.Contains(body, `id="attach-form"`) ||
			detachButton.MatchString(body) {
			t.Fatal("the public page shows the attachment with its hash, and no upload or remove controls")
		}
		docs, _ := s.FindNeedAttachments(f.as(t, f.staff), f.need.ID)
		if code, got, h := anon.get("/documents/" + docs[0].ID); code != 200 || got != string(attachPDF) || h.Get("Content-Type") != "application/pdf" {
			t.Fatalf("public download: %d %v", code, h)
		}
		if _, body, _ := street.get(f.page()); !strings.Contains(body, `id="attach-form"`) || detachButton.MatchString(body) {
			t.Fatal("the street adds but does not remove on a published need")
		}
		if _, body, _ := comm.get(f.page()); strings.Contains(body, `id="attach-form"`) {
			t.Fatal("the community cannot add to a published need")
		}
	})
}

func TestProposalFilesOnPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newTenderFixture(t, s)
		const summary = "以居民议事会为抓手，三个月内完成业委会筹备。"
		orgA := f.signedIn(t, f.orgAdmin)
		_, body, _ := orgA.get(f.page())
		m := keyField.FindStringSubmatch(body)
		if m == nil || !strings.Contains(body, `id="p-files"`) {
			t.Fatal("no file input on the proposal form")
		}
		form := url.Values{"summary": {summary}, "plan": {"第一阶段入户走访，第二阶段召开业主大会筹备会，第三阶段完成选举与备案。"},
			"price": {"7.5万"}, "duration_days": {"180"}, "idempotency_key": {m[1]}}
		// A bad file is refused beside the file input, with nothing stored.
		if code, body := orgA.uploadFiles(f.page()+"/proposals", form, map[string][]byte{"plan.exe": []byte("MZ")}); code != 400 ||
			!strings.Contains(body, `id="p-files-error"`) || !strings.Contains(body, summary) {
			t.Fatalf("bad file: %d %s", code, regexpAlert(body))
		}
		if n := f.reload(t); n.Proposals != 0 {
			t.Fatal("a refused proposal was stored")
		}
		if code, body := orgA.uploadFiles(f.page()+"/proposals", form, map[string][]byte{"实施方案.pdf": attachPDF}); code != 303 {
			t.Fatalf("submit with a file: %d %s", code, regexpAlert(body))
		}
		own, _, err := s.FindProposals(f.as(t, f.orgAdmin), f.need.ID)
		if err != nil || len(own) != 1 || len(own[0].Files) != 1 || own[0].Receipt != own[0].ComputeReceipt() {
			t.Fatalf("stored: %+v %v", own, err)
		}
		p, file := own[0], own[0].Files[0]
		_, body, _ = orgA.get(f.page())
		if !strings.Contains(body, `id="proposal-files-`+p.ID+`"`) || !strings.Contains(body, hexSum(attachPDF)) ||
			!strings.Contains(body, p.Receipt) || !strings.Contains(body, "/documents/"+file.ID) {
			t.Fatal("the organization does not see its files with their hashes")
		}
		if code, _, _ := orgA.get("/documents/" + file.ID); code != 200 {
			t.Fatalf("own download: %d", code)
		}
		// Sealed: nobody else sees or downloads the file.
		readers := map[string]*browser{"org B": f.signedIn(t, f.orgBAdmin), "buyer": f.signedIn(t, f.staff),
			"admin": f.signedIn(t, f.admin), "anonymous": f.browser(t)}
		for who, b := range readers {
			if _, body, _ := b.get(f.page()); strings.Contains(body, hexSum(attachPDF)) || strings.Contains(body, file.ID) {
				t.Fatalf("%s sees the sealed file", who)
			}
			if code, _, _ := b.get("/documents/" + file.ID); code != 404 {
				t.Fatalf("%s downloads the sealed file: %d", who, code)
			}
		}
		// Opened: the buyer sees it in the table of proposals and downloads it.
		f.advance(97 * time.Hour)
		_, body, _ = readers["buyer"].get(f.page())
		if !strings.Contains(body, `id="opened-proposals"`) || !strings.Contains(body, hexSum(attachPDF)) {
			t.Fatal("the buyer does not see the opened proposal's file")
		}
		if code, got, _ := readers["buyer"].get("/documents/" + file.ID); code != 200 || got != string(attachPDF) {
			t.Fatalf("buyer download after the deadline: %d", code)
		}
		for _, who := range []string{"org B", "anonymous"} {
			if code, _, _ := readers[who].get("/documents/" + file.ID); code != 404 {
				t.Fatalf("%s downloads another organization's file: %d", who, code)
			}
		}
	})
}
