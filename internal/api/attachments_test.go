package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"sort"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// multipartBody builds a multipart/form-data body: text fields, then each
// file as a "files" part (in name order).
func multipartBody(fields map[string]string, files map[string][]byte) (string, map[string]string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, k := range sortedKeys(fields) {
		_ = mw.WriteField(k, fields[k])
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="files"; filename=%q`, name))
		h.Set("Content-Type", "application/octet-stream")
		part, _ := mw.CreatePart(h)
		_, _ = part.Write(files[name])
	}
	_ = mw.Close()
	return buf.String(), map[string]string{"Content-Type": mw.FormDataContentType()}
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var (
	specPDF = []byte("%PDF-1.7\n% 服务需求说明书\n%%EOF\n")
	planPDF = []byte("%PDF-1.7\n% 实施方案（密封）\n%%EOF\n")
)

// docs checks a list of documents (items, or a need's or proposal's
// attachments): their names and hashes, saving the first id as save.
func docs(key, save string, want ...[]byte) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		items := arr(b[key])
		if len(items) != len(want) {
			t.Fatalf("%s: %d documents, want %d: %s", key, len(items), len(want), w.Body)
		}
		for i, it := range items {
			d := it.(map[string]any)
			if d["sha256"] != sha(want[i]) || num(d["size"]) != len(want[i]) || d["type"] != "application/pdf" ||
				str(d["url"]) != "/api/v1/documents/"+str(d["id"]) {
				t.Fatalf("document %d: %v", i, d)
			}
		}
		if save != "" && len(items) > 0 {
			tf.vars[save] = str(items[0].(map[string]any)["id"])
		}
	}
}

func bytesAre(want []byte) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		if !bytes.Equal(w.Body.Bytes(), want) {
			t.Fatalf("downloaded %q", w.Body.Bytes())
		}
	}
}

func TestAPIAttachmentsAndProposalFiles(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tf := newTender(t, s)
		tf.run(t, attachmentSteps())
	})
}

func attachmentSteps() []step {
	needPath := "/api/v1/needs/{need}"
	newNeed := `{"title":"龙锦苑二区老年助餐服务","description":"为辖区独居和高龄老人提供每日午餐配送与堂食服务，每周不少于5天。",
		"community":"龙锦苑二区社区","category":"elderly","budget_fen":8000000,"deadline":"{deadline}","procedure":"open",
		"criteria":[{"name":"方案针对性与可行性","weight":60},{"name":"报价合理性","weight":40}]}`
	spec, specHeader := multipartBody(nil, map[string][]byte{"需求说明.pdf": specPDF})
	bad, badHeader := multipartBody(nil, map[string][]byte{"setup.exe": []byte("MZ\x90\x00"), "空.pdf": nil})
	offer := map[string]string{"summary": "每日配送午餐并组织每周两次堂食", "plan": "第一月完成老人摸底和配送路线，之后每日配送，每月回访一次并公示菜单。",
		"team": "社工3名、志愿者20名", "price_fen": "7500000", "duration_days": "180", "idempotency_key": "o1-files"}
	proposal, proposalHeader := multipartBody(offer, map[string][]byte{"实施方案.pdf": planPDF})
	badPrice := map[string]string{}
	for k, v := range offer {
		badPrice[k] = v
	}
	badPrice["price_fen"], badPrice["idempotency_key"] = "七万五", "o1-bad"
	badPriceBody, badPriceHeader := multipartBody(badPrice, nil)
	unknown, unknownHeader := multipartBody(map[string]string{"summary": "x", "price": "1"}, nil)
	mp := func(name, as, path, body string, header map[string]string, status int) step {
		return step{name: name, as: as, method: "POST", path: path, body: body, header: header, status: status, code: codeFor[status]}
	}
	get := func(name, as, path string, status int) step {
		return step{name: name, as: as, method: "GET", path: path, status: status, code: codeFor[status]}
	}
	with := func(s step, check func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any)) step {
		s.check = check
		return s
	}
	refused := func(s step, field string) step {
		s.field, s.unchanged = field, true
		return s
	}
	sealedFile := func(who string) step {
		return get("sealed: "+who+" cannot download the proposal's file", who, "/api/v1/documents/{pfile}", 404)
	}
	return []step{
		with(step{name: "community staff draft a need", as: "community1", method: "POST", path: "/api/v1/needs", body: newNeed,
			status: 201}, saveID("need")),
		with(mp("they attach the specification", "community1", needPath+"/attachments", spec, specHeader, 201),
			docs("items", "spec", specPDF)),
		refused(mp("a bidder cannot attach to a need", "orgadmin1", needPath+"/attachments", spec, specHeader, 403), ""),
		refused(step{name: "another street cannot attach, whatever it sends", as: "street2", method: "POST", path: needPath + "/attachments",
			body: `{"files":[]}`, status: 404, code: "not_found"}, ""),
		refused(mp("bad files are refused, nothing stored", "community1", needPath+"/attachments", bad, badHeader, 400), "file"),
		refused(step{name: "attachments are multipart only", as: "community1", method: "POST", path: needPath + "/attachments",
			body: `{"files":[]}`, status: 415, code: "invalid"}, ""),
		get("the public cannot list a draft's attachments", "", needPath+"/attachments", 404),
		with(get("the drafters list them", "community1", needPath+"/attachments", 200), docs("items", "", specPDF)),
		refused(step{name: "another street cannot remove one", as: "street2", method: "DELETE",
			path: needPath + "/attachments/{spec}", status: 404, code: "not_found"}, ""),
		{name: "the community submits it to the street", as: "community1", method: "POST", path: needPath + "/submit", status: 200},
		with(step{name: "the street publishes", as: "street1", method: "POST", path: needPath + "/publish", status: 200},
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				tf.vars["ocid"] = str(b["ocid"])
			}),
		with(get("the public sees the attachment in the need", "", needPath, 200), docs("attachments", "", specPDF)),
		with(get("and downloads it", "", "/api/v1/documents/{spec}", 200), bytesAre(specPDF)),
		refused(step{name: "a published attachment stays", as: "street1", method: "DELETE",
			path: needPath + "/attachments/{spec}", status: 409, code: "conflict"}, ""),

		// A proposal with files, multipart.
		with(mp("org 1 submits with a file", "orgadmin1", needPath+"/proposals", proposal, proposalHeader, 201),
			both(saveID("p1"), docs("attachments", "pfile", planPDF),
				func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					tf.vars["receipt"] = str(b["receipt_sha256"])
					if !sha256Hex.MatchString(tf.vars["receipt"]) || num(b["price_fen"]) != 7500000 || num(b["duration_days"]) != 180 {
						t.Fatalf("proposal: %v", b)
					}
				})),
		with(mp("a repeat returns the original with its file", "orgadmin1", needPath+"/proposals", proposal, proposalHeader, 200),
			both(docs("attachments", "", planPDF), in(`"id":"{p1}"`, `"receipt_sha256":"{receipt}"`, "{pfile}"))),
		refused(mp("a price that is not a number", "orgadmin1", needPath+"/proposals", badPriceBody, badPriceHeader, 400), "price_fen"),
		refused(mp("an unknown field", "orgadmin1", needPath+"/proposals", unknown, unknownHeader, 400), "price"),
		with(step{name: "org 2 submits JSON, as before", as: "orgadmin2", method: "POST", path: needPath + "/proposals",
			body: `{"summary":"每日配送午餐并组织每周两次堂食","plan":"第一月完成老人摸底和配送路线，之后每日配送，每月回访一次并公示菜单。",
				"price_fen":7000000,"duration_days":150,"idempotency_key":"o2-json"}`, status: 201}, docs("attachments", "")),
		with(get("org 1 lists its own proposal with the file", "orgadmin1", needPath+"/proposals", 200),
			in("{pfile}", sha(planPDF))),
		with(get("the buyer sees neither the proposal nor its file", "street1", needPath+"/proposals", 200),
			notIn("{pfile}", sha(planPDF))),
		with(get("org 1 downloads its file", "member1", "/api/v1/documents/{pfile}", 200), bytesAre(planPDF)),
		sealedFile("orgadmin2"), sealedFile("street1"), sealedFile("admin"), sealedFile("reviewer"), sealedFile(""),
		with(get("the public need never lists proposal files", "", needPath+"/attachments", 200), docs("items", "", specPDF)),

		// Opened.
		with(step{name: "after the deadline the buyer reads the proposal with its file", as: "street1", method: "GET",
			path: needPath + "/proposals", status: 200, before: func(tf *tender) { tf.now = tf.now.Add(10*24*time.Hour + time.Minute) }},
			in("{pfile}", sha(planPDF))),
		with(get("and downloads the very bytes", "street1", "/api/v1/documents/{pfile}", 200), bytesAre(planPDF)),
		get("another bidder still cannot", "orgadmin2", "/api/v1/documents/{pfile}", 404),
		get("nor the public", "", "/api/v1/documents/{pfile}", 404),
		with(get("OCDS: the specification as a bidding document, no proposal file", "", "/api/v1/ocds/releases/{ocid}", 200),
			both(ocdsOK("release"), in(`"documentType":"biddingDocuments"`, sha(specPDF), "{spec}"),
				notIn("{pfile}", sha(planPDF), "实施方案"))),
		with(get("OCDS record", "", "/api/v1/ocds/records/{ocid}", 200), both(ocdsOK("record"), notIn("{pfile}", sha(planPDF)))),
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
