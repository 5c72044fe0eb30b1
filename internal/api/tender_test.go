package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/api"
	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/ocds/ocdstest"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// tender is the API fixture for the procurement lifecycle: the fixture's
// streets, organizations and users, plus the people of a tender in the
// first street — community staff, street staff, two reviewers, a
// resident — on a clock the test moves.
type tender struct {
	*fixture
	now  time.Time
	vars map[string]string // ids and values later steps refer to as {name}
	// packages counts the OCDS packages validated; people lists what no
	// OCDS output may contain (names, phones, user ids, private texts).
	packages int
	people   []string
	schemas  *ocdstest.Validator
}

// The people of the tender, with names that must never reach OCDS output.
var tenderPeople = []struct {
	key, name, phone string
	role             accounts.Role
}{
	{"community1", "陈晓燕", "13911110001", accounts.CommunityStaff},
	{"street1", "刘建华", "13911110002", accounts.StreetStaff},
	{"reviewer", "孙评审", "13911110003", accounts.Reviewer},
	{"reviewer2", "周专家", "13911110004", accounts.Reviewer},
	{"resident", "张秀兰", "13911110005", accounts.Resident},
}

// privateTexts are written by people in the scenario and are never OCDS data.
var privateTexts = []string{"预算说明不够详细", "服务对象包括哪些楼栋", "我是评审的亲属", "评分理由保密",
	"中标单位曾有投诉", "照片不清晰请补充", "验收合格居民满意", "饭菜可口", "第一阶段已完成入户走访", "交付材料缺少总结"}

func newTender(t *testing.T, s *store.Store) *tender {
	t.Helper()
	tf := &tender{now: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC), vars: map[string]string{}}
	s.Now = func() time.Time { return tf.now }
	tf.fixture = newFixture(t, s, nil)
	ctx := storetest.Admin()
	comms, err := s.FindCommunities(ctx, tf.st1.ID)
	if err != nil {
		t.Fatal(err)
	}
	var community string
	for _, c := range comms {
		if c.Name == "龙锦苑二区社区" {
			community = c.ID
		}
	}
	for _, p := range tenderPeople {
		scope := ""
		switch p.role {
		case accounts.CommunityStaff:
			scope = community
		case accounts.StreetStaff:
			scope = tf.st1.ID
		}
		u := &accounts.User{Name: p.name, Phone: p.phone, Grants: []accounts.Grant{{Role: p.role, ScopeID: scope}}}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatalf("%s: %v", p.key, err)
		}
		tok, err := s.CreateAPIToken(ctx, u.ID, store.DefaultTokenIdle)
		if err != nil {
			t.Fatal(err)
		}
		tf.tokens[p.key], tf.users[p.key] = tok, u
		tf.vars[p.key] = u.ID
		tf.people = append(tf.people, p.name, p.phone, u.ID)
	}
	for _, u := range tf.users {
		tf.people = append(tf.people, u.ID, u.Phone)
	}
	tf.people = append(tf.people, "王芳", "李雷", "13812345678", "13900001111")
	tf.people = append(tf.people, privateTexts...)
	tf.vars["o1"], tf.vars["o2"] = tf.orgs["o1"].ID, tf.orgs["o2"].ID
	tf.vars["deadline"] = tf.now.Add(10 * 24 * time.Hour).Format(time.RFC3339)
	tf.schemas = ocdstest.Load(t)
	// The OCDS settings a publisher would make.
	tf.h = api.New(api.Deps{Store: s, Catalog: catalog(t), MaxBodyBytes: maxBody,
		OCDS: ocds.Config{Prefix: "ocds-test01", BaseURL: "https://huitian.example.org/", PublisherName: "回天政购平台（测试）",
			License: "https://creativecommons.org/licenses/by/4.0/"}})
	return tf
}

// step is one API call of a scenario. {name} in path and body is replaced
// by the value a check saved in vars.
type step struct {
	name   string
	as     string
	method string
	path   string
	body   string
	header map[string]string
	before func(tf *tender) // e.g. move the clock
	status int
	code   string // error code; "" for a success
	field  string
	// unchanged: the call must change nothing about the need (its detail,
	// proposals count, questions, objections, ratings as an admin sees them).
	unchanged bool
	check     func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any)
}

func (tf *tender) expand(s string) string {
	for k, v := range tf.vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

func (tf *tender) run(t *testing.T, steps []step) {
	t.Helper()
	for _, st := range steps {
		ok := t.Run(st.name, func(t *testing.T) {
			if st.before != nil {
				st.before(tf)
			}
			path := tf.expand(st.path)
			var snapshot string
			if st.unchanged {
				snapshot = tf.snapshot(t)
			}
			w := tf.do(t, request{method: st.method, path: path, as: st.as, body: tf.expand(st.body), header: st.header})
			if w.Code != st.status {
				t.Fatalf("%s %s as %q: status %d, want %d\n%s", st.method, path, st.as, w.Code, st.status, w.Body)
			}
			var b map[string]any
			if ct := w.Header().Get("Content-Type"); strings.HasPrefix(ct, "application/json") {
				if err := json.Unmarshal(w.Body.Bytes(), &b); err != nil {
					t.Fatalf("body not a JSON object: %v\n%s", err, w.Body)
				}
			}
			e, isErr := b["error"].(map[string]any)
			switch {
			case st.code == "" && isErr:
				t.Fatalf("unexpected error %v", e)
			case st.code != "" && !isErr:
				t.Fatalf("want error %s, got %s", st.code, w.Body)
			case st.code != "":
				if e["code"] != st.code || str(e["field"]) != st.field || str(e["message"]) == "" {
					t.Fatalf("error %v, want code %s field %q", e, st.code, st.field)
				}
			}
			if st.unchanged {
				if after := tf.snapshot(t); after != snapshot {
					t.Fatalf("a refused call changed something:\nbefore %s\nafter  %s", snapshot, after)
				}
			}
			if st.check != nil {
				st.check(t, tf, w, b)
			}
		})
		if !ok {
			t.FailNow() // later steps build on this one
		}
	}
}

// snapshot is everything an admin can read about the need.
func (tf *tender) snapshot(t *testing.T) string {
	t.Helper()
	var out strings.Builder
	for _, p := range []string{"/api/v1/needs/{need}", "/api/v1/needs/{need}/proposals", "/api/v1/needs/{need}/questions",
		"/api/v1/needs/{need}/objections", "/api/v1/needs/{need}/ratings", "/api/v1/needs/{need}/contract",
		"/api/v1/needs/{need}/award"} {
		w := tf.do(t, request{method: "GET", path: tf.expand(p), as: "admin"})
		fmt.Fprintf(&out, "%d %s\n", w.Code, w.Body)
	}
	return out.String()
}

// ocdsOK validates an OCDS package answer: against the OCDS 1.1 schemas
// with the extension and the codelists, and for personal data.
func ocdsOK(kind string) func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		tf.checkOCDS(t, kind, w.Body.Bytes())
	}
}

func (tf *tender) checkOCDS(t *testing.T, kind string, body []byte) {
	t.Helper()
	if p := ocdstest.PersonalData(body, tf.people...); len(p) > 0 {
		t.Errorf("personal data in the OCDS %s package: %v", kind, p)
	}
	tf.packages++
	if tf.schemas == nil {
		return
	}
	var problems []string
	switch kind {
	case "release":
		problems = tf.schemas.ReleasePackage(body)
	case "record":
		problems = tf.schemas.RecordPackage(body)
	default:
		t.Fatalf("kind %s", kind)
	}
	for _, p := range problems {
		t.Errorf("OCDS %s package: %s", kind, p)
	}
}

// Checks used by the steps.

func saveID(name string) func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		if str(b["id"]) == "" {
			t.Fatalf("no id: %v", b)
		}
		tf.vars[name] = str(b["id"])
	}
}

func needStatus(status string, more ...func(*testing.T, map[string]any)) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		if b["status"] != status {
			t.Fatalf("status %v, want %s", b["status"], status)
		}
		for _, m := range more {
			m(t, b)
		}
	}
}

// proposals checks a proposal list: the ids listed (by var name) and the public count.
func proposals(count int, ids ...string) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		var got, want []string
		for _, it := range arr(b["items"]) {
			got = append(got, str(it.(map[string]any)["id"]))
		}
		for _, id := range ids {
			want = append(want, tf.vars[id])
		}
		slices.Sort(got)
		slices.Sort(want)
		if num(b["count"]) != count || !slices.Equal(got, want) {
			t.Fatalf("count %v items %v, want %d %v (%v)", b["count"], got, count, want, ids)
		}
	}
}

func both(fs ...func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any)) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		for _, f := range fs {
			f(t, tf, w, b)
		}
	}
}

func notIn(words ...string) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		for _, word := range words {
			if s := tf.expand(word); strings.Contains(w.Body.String(), s) {
				t.Errorf("%q is in the answer:\n%s", s, w.Body)
			}
		}
	}
}

func in(words ...string) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		for _, word := range words {
			if s := tf.expand(word); !strings.Contains(w.Body.String(), s) {
				t.Errorf("%q is not in the answer:\n%s", s, w.Body)
			}
		}
	}
}

// askerWithheld checks that the lists named hold no asking organization:
// a question_asked line or question withheld, and o1 (the asker) nowhere.
func askerWithheld(lists ...string) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		withheld := 0
		for _, l := range lists {
			for _, it := range arr(b[l]) {
				m := it.(map[string]any)
				if m["org_withheld"] == true {
					withheld++
					if str(m["org"])+str(m["org_id"])+str(m["actor"])+str(m["note"]) != "" {
						t.Errorf("a withheld asker still named: %v", m)
					}
				}
			}
		}
		if withheld != len(lists) {
			t.Errorf("%d withheld askers in %v, want %d:\n%s", withheld, lists, len(lists), w.Body)
		}
		notIn("回龙观惠民社会工作服务中心", "{o1}")(t, tf, w, b)
	}
}

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// png is a tiny file the store recognizes as a PNG image.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR progress photo")

// multipartReport builds a report with a text and one PNG file.
func multipartReport(text string) (string, map[string]string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("text", text)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="files"; filename="入户走访.png"`)
	h.Set("Content-Type", "image/png")
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(png)
	_ = mw.Close()
	return buf.String(), map[string]string{"Content-Type": mw.FormDataContentType()}
}

// codeFor is the error code an error status carries.
var codeFor = map[int]string{400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict"}

func TestAPITenderLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tf := newTender(t, s)
		tf.run(t, lifecycle())
		if tf.packages < 10 {
			t.Errorf("only %d OCDS packages checked", tf.packages)
		}
		if tf.schemas != nil {
			for _, cl := range []string{"releaseTag.csv", "partyRole.csv", "tenderStatus.csv", "method.csv", "awardStatus.csv",
				"contractStatus.csv", "milestoneStatus.csv", "currency.csv", "documentType.csv", "serviceCategory.csv"} {
				if !slices.Contains(tf.schemas.CheckedCodelists(), cl) {
					t.Errorf("no OCDS value was checked against %s", cl)
				}
			}
		}
	})
}

func lifecycle() []step {
	needPath := "/api/v1/needs/{need}"
	post := func(name, as, path, body string, status int) step {
		return step{name: name, as: as, method: "POST", path: path, body: body, status: status, code: codeFor[status]}
	}
	get := func(name, as, path string, status int) step {
		return step{name: name, as: as, method: "GET", path: path, status: status, code: codeFor[status]}
	}
	with := func(s step, check func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any)) step {
		s.check = check
		return s
	}
	refused := func(s step, code, field string) step {
		s.code, s.field, s.unchanged = code, field, true
		return s
	}
	newNeed := `{"title":"龙锦苑二区老年助餐服务","description":"为辖区独居和高龄老人提供每日午餐配送与堂食服务，每周不少于5天。",
		"community":"龙锦苑二区社区","category":"elderly","budget_fen":8000000,"deadline":"{deadline}","procedure":"open",
		"criteria":[{"name":"方案针对性与可行性","weight":40},{"name":"团队经验与过往业绩","weight":30},
		{"name":"报价合理性","weight":20},{"name":"居民参与与可持续性","weight":10}],"justification":""}`
	offer := func(key string, price int64) string {
		return fmt.Sprintf(`{"summary":"每日配送午餐并组织每周两次堂食","plan":"第一月完成老人摸底和配送路线，之后每日配送，每月回访一次并公示菜单。",
			"team":"社工3名、志愿者20名","price_fen":%d,"duration_days":180,"idempotency_key":%q}`, price, key)
	}
	report, reportHeader := multipartReport("第一阶段已完成入户走访，照片见附件")

	return []step{
		// Drafting: community staff draft; others may not.
		with(post("community staff drafts a need", "community1", "/api/v1/needs", newNeed, 201), both(saveID("need"),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if b["status"] != "draft" || b["street"] != "回龙观街道" || b["community"] != "龙锦苑二区社区" ||
					num(b["budget_fen"]) != 8000000 || len(arr(b["criteria"])) != 4 || len(arr(b["events"])) != 1 {
					t.Fatalf("draft: %v", b)
				}
				if w.Header().Get("Location") != "/api/v1/needs/"+str(b["id"]) {
					t.Fatalf("Location %q", w.Header().Get("Location"))
				}
				for i, c := range arr(b["criteria"]) {
					tf.vars[fmt.Sprintf("c%d", i+1)] = str(c.(map[string]any)["id"])
				}
				if acts := arr(b["actions"]); !slices.Contains(acts, any("submit")) || slices.Contains(acts, any("publish")) {
					t.Fatalf("actions %v", acts)
				}
			})),
		{name: "a resident may not draft", as: "resident", method: "POST", path: "/api/v1/needs", body: newNeed,
			status: 403, code: "forbidden"},
		{name: "street staff of another street may not draft here", as: "street2", method: "POST", path: "/api/v1/needs",
			body: newNeed, status: 403, code: "forbidden"},
		{name: "anonymous drafting", method: "POST", path: "/api/v1/needs", body: newNeed, status: 401, code: "unauthorized"},
		{name: "a draft with several problems", as: "community1", method: "POST", path: "/api/v1/needs",
			body: `{"title":"短","description":"x","community":"没有这个社区","budget_fen":-5,"deadline":"next week",
				"procedure":"open","criteria":[{"name":"方案","weight":50}]}`, status: 400, code: "invalid", field: "community",
			check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				fields := map[string]bool{}
				for _, d := range arr(b["error"].(map[string]any)["details"]) {
					fields[str(d.(map[string]any)["field"])] = true
				}
				for _, f := range []string{"community", "deadline", "title", "budget_fen", "criteria"} {
					if !fields[f] {
						t.Errorf("no detail for %s: %v", f, b["error"])
					}
				}
			}},
		{name: "a direct commission over the threshold", as: "community1", method: "POST", path: "/api/v1/needs",
			body: strings.Replace(newNeed, `"procedure":"open"`, `"procedure":"direct"`, 1), status: 400, code: "invalid", field: "procedure"},
		get("anonymous cannot see a draft", "", needPath, 404),
		get("nor can another street", "street2", needPath, 404),
		with(step{name: "community staff edit the draft", as: "community1", method: "PATCH", path: needPath,
			body: `{"title":"龙锦苑二区老年助餐服务（2027年度）"}`, status: 200}, needStatus("draft")),
		refused(step{name: "the street may not edit the community's draft before it is submitted", as: "street1", method: "PATCH",
			path: needPath, body: `{"title":"街道改写的标题"}`, status: 409}, "conflict", ""),
		refused(post("community staff may not publish", "community1", needPath+"/publish", "", 403), "forbidden", ""),
		refused(post("the street cannot close a draft", "street1", needPath+"/close", "", 409), "conflict", ""),
		with(post("community staff submit", "community1", needPath+"/submit", "", 200), needStatus("submitted")),
		{name: "return needs a comment", as: "street1", method: "POST", path: needPath + "/return", body: `{"comment":""}`,
			status: 400, code: "invalid", field: "comment", unchanged: true},
		{name: "return takes no reason", as: "street1", method: "POST", path: needPath + "/return", body: `{"reason":"x"}`,
			status: 400, code: "invalid", field: "reason"},
		with(post("the street returns it", "street1", needPath+"/return", `{"comment":"预算说明不够详细，请补充"}`, 200),
			needStatus("draft", func(t *testing.T, b map[string]any) {
				if b["return_comment"] != "预算说明不够详细，请补充" {
					t.Fatalf("return comment %v", b["return_comment"])
				}
			})),
		with(get("the public never sees the return comment", "", "/api/v1/needs?status=draft", 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if num(b["total"]) != 0 {
					t.Fatalf("drafts listed publicly: %v", b)
				}
			}),
		with(post("community staff submit again", "community1", needPath+"/submit", "{}", 200), needStatus("submitted")),
		{name: "submit takes no deadline", as: "community1", method: "POST", path: needPath + "/submit",
			body: `{"deadline":"2030-01-01T09:00:00Z"}`, status: 400, code: "invalid", field: "deadline"},
		{name: "a deadline too soon at publishing", as: "street1", method: "POST", path: needPath + "/publish",
			body: `{"deadline":"2020-01-01T09:00:00Z"}`, status: 400, code: "invalid", field: "deadline", unchanged: true},
		with(post("the street publishes", "street1", needPath+"/publish", "", 200), needStatus("published",
			func(t *testing.T, b map[string]any) {
				if b["sealed"] != true || str(b["ocid"]) == "" || str(b["qa_cutoff"]) == "" || str(b["published_at"]) == "" {
					t.Fatalf("published: %v", b)
				}
			})),
		with(get("the public sees it", "", needPath, 200), func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
			tf.vars["ocid"] = str(b["ocid"])
			if _, ok := b["return_comment"]; ok {
				t.Fatalf("return comment shown to the public: %v", b)
			}
			if len(arr(b["actions"])) != 0 {
				t.Fatalf("actions for anonymous: %v", b["actions"])
			}
			for _, e := range arr(b["events"]) {
				if _, ok := e.(map[string]any)["actor_id"]; ok {
					t.Fatalf("an account id on the timeline: %v", e)
				}
			}
			notIn("陈晓燕", "刘建华", "{community1}", "{street1}")(t, tf, w, b)
		}),
		with(get("OCDS from the publication", "", "/api/v1/ocds/releases/{ocid}", 200), both(ocdsOK("release"),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if b["uri"] != "https://huitian.example.org/api/v1/ocds/releases/"+tf.vars["ocid"] || len(arr(b["releases"])) != 1 {
					t.Fatalf("package: %v", b)
				}
			})),
		with(get("the board lists it by filters", "", "/api/v1/needs?street="+esc("回龙观街道")+"&category=elderly&status=published&min_fen=1000000&max_fen=8000000&procedure=open&q="+esc("助餐"), 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if num(b["total"]) != 1 || str(arr(b["items"])[0].(map[string]any)["id"]) != tf.vars["need"] {
					t.Fatalf("board: %v", b)
				}
				if _, ok := arr(b["items"])[0].(map[string]any)["events"]; ok {
					t.Fatal("a list item carries the timeline")
				}
			}),
		with(get("a filter that excludes it", "", "/api/v1/needs?status=evaluating", 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if num(b["total"]) != 0 {
					t.Fatalf("board: %v", b)
				}
			}),
		{name: "a bad status filter", method: "GET", path: "/api/v1/needs?status=open", status: 400, code: "invalid", field: "status"},
		{name: "min above max", method: "GET", path: "/api/v1/needs?min_fen=9&max_fen=1", status: 400, code: "invalid", field: "min_fen"},
		refused(post("street staff of another street may not cancel", "street2", needPath+"/cancel", `{"reason":"越权撤销需求"}`, 403),
			"forbidden", ""),
		refused(post("the street cannot close an open tender", "street1", needPath+"/close", "", 409), "conflict", ""),
		refused(post("nor fail it before the deadline", "street1", needPath+"/fail", `{"reason":"没有合格的方案"}`, 409), "conflict", ""),

		// Questions.
		with(post("an organization asks", "orgadmin1", needPath+"/questions", `{"text":"服务对象包括哪些楼栋？"}`, 201),
			both(saveID("q1"), in("回龙观惠民社会工作服务中心"), notIn("{orgadmin1}"))),
		refused(post("a resident may not answer", "resident", "/api/v1/questions/{q1}/answer", `{"answer":"全部楼栋"}`, 403),
			"forbidden", ""),
		with(post("the street answers", "street1", "/api/v1/questions/{q1}/answer", `{"answer":"龙锦苑二区全部12栋楼。"}`, 200),
			in("全部12栋楼")),
		with(get("the public reads the Q&A", "", needPath+"/questions", 200),
			both(func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if num(b["total"]) != 1 || str(arr(b["items"])[0].(map[string]any)["answered_at"]) == "" {
					t.Fatalf("questions: %v", b)
				}
			}, askerWithheld("items"))),
		// Until the deadline who asked is sealed like the bids: named to the
		// asker and the buyer, withheld from the public and other bidders.
		with(get("another organization does not learn who asked", "orgadmin2", needPath+"/questions", 200), askerWithheld("items")),
		with(get("nor does the public from the need's timeline", "", needPath, 200), askerWithheld("questions", "events")),
		with(get("the asker reads its own name", "orgadmin1", needPath+"/questions", 200), in("回龙观惠民社会工作服务中心", "{o1}")),
		with(get("the buyer reads who asked", "street1", needPath, 200), in("回龙观惠民社会工作服务中心", "{o1}")),

		// Sealed proposals: submit, idempotency, money.
		with(post("organization A submits", "orgadmin1", needPath+"/proposals", offer("a-1", 7500000), 201),
			both(saveID("pA"), func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if !sha256Hex.MatchString(str(b["receipt_sha256"])) || b["status"] != "submitted" || str(b["submitted_at"]) == "" ||
					b["org_id"] != tf.vars["o1"] || b["idempotency_key"] != "a-1" {
					t.Fatalf("receipt: %v", b)
				}
				tf.vars["receiptA"] = str(b["receipt_sha256"])
			})),
		refused(post("the same key with other content is refused", "orgadmin1", needPath+"/proposals", offer("a-1", 7400000), 409), "conflict", "idempotency_key"),
		with(post("the same key again returns the original", "orgadmin1", needPath+"/proposals", offer("a-1", 7500000), 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if b["id"] != tf.vars["pA"] || b["receipt_sha256"] != tf.vars["receiptA"] || num(b["price_fen"]) != 7500000 {
					t.Fatalf("replay: %v", b)
				}
			}),
		refused(post("a negative price", "orgadmin1", needPath+"/proposals", offer("a-neg", -1), 400), "invalid", "price_fen"),
		refused(post("a zero price", "orgadmin1", needPath+"/proposals", offer("a-zero", 0), 400), "invalid", "price_fen"),
		refused(post("a price over the budget", "orgadmin1", needPath+"/proposals", offer("a-over", 8000001), 400), "invalid", "price_fen"),
		refused(post("no idempotency key", "orgadmin1", needPath+"/proposals", offer("", 7000000), 400), "invalid", "idempotency_key"),
		refused(post("a resident cannot propose", "resident", needPath+"/proposals", offer("r-1", 7000000), 403), "forbidden", ""),
		refused(post("nor for an organization of someone else", "orgadmin2", needPath+"/proposals",
			strings.Replace(offer("b-x", 7000000), `"idempotency_key"`, `"org_id":"{o1}","idempotency_key"`, 1), 403), "forbidden", ""),
		with(post("organization B submits", "orgadmin2", needPath+"/proposals", offer("b-1", 7000000), 201), saveID("pB")),
		with(post("organization B withdraws", "orgadmin2", "/api/v1/proposals/{pB}/withdraw", "", 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if b["status"] != "withdrawn" || str(b["withdrawn_at"]) == "" {
					t.Fatalf("withdrawn: %v", b)
				}
			}),
		refused(post("A cannot withdraw B's proposal", "orgadmin1", "/api/v1/proposals/{pB}/withdraw", "", 404), "not_found", ""),
		with(post("organization B resubmits", "orgadmin2", needPath+"/proposals", offer("b-2", 7200000), 201), saveID("pB")),

		// Sealed means sealed: A's and B's proposals before the deadline.
		with(get("A reads its own only", "orgadmin1", needPath+"/proposals", 200), both(proposals(2, "pA"), notIn("7200000"))),
		with(get("B reads its own (and its withdrawn one)", "orgadmin2", needPath+"/proposals", 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if num(b["count"]) != 2 || len(arr(b["items"])) != 2 || strings.Contains(w.Body.String(), tf.vars["pA"]) {
					t.Fatalf("B: %s", w.Body)
				}
			}),
		with(get("the buyer sees the count only", "street1", needPath+"/proposals", 200), both(proposals(2), notIn("{pA}", "7500000"))),
		with(get("the community sees the count only", "community1", needPath+"/proposals", 200), proposals(2)),
		with(get("an admin sees the count only", "admin", needPath+"/proposals", 200), proposals(2)),
		with(get("anonymous sees the count only", "", needPath+"/proposals", 200), proposals(2)),
		get("B cannot open A's proposal", "orgadmin2", "/api/v1/proposals/{pA}", 404),
		get("the buyer cannot open it", "street1", "/api/v1/proposals/{pA}", 404),
		get("an admin cannot open it", "admin", "/api/v1/proposals/{pA}", 404),
		get("anonymous cannot open it", "", "/api/v1/proposals/{pA}", 404),
		with(get("A opens its own", "orgadmin1", "/api/v1/proposals/{pA}", 200), in("{receiptA}")),
		with(get("the need shows the count", "", needPath, 200), func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
			if num(b["proposals"]) != 2 || b["sealed"] != true {
				t.Fatalf("need: %v", b)
			}
			// Organization A asked a public question, so its name is on the
			// page; B's is not, and the bid shows nowhere.
			notIn("龙锦苑舞蹈队", "{pA}", "{pB}")(t, tf, w, b)
		}),
		{name: "the ranking is sealed", as: "street1", method: "GET", path: needPath + "/ranking", status: 409, code: "conflict"},
		with(get("OCDS while sealed", "", "/api/v1/ocds/releases/{ocid}", 200),
			both(ocdsOK("release"), notIn("回龙观惠民社会工作服务中心", "龙锦苑舞蹈队", "numberOfTenderers", `"tenderer"`, "{pA}"))),
		with(get("the OCDS record while sealed", "", "/api/v1/ocds/records/{ocid}", 200),
			both(ocdsOK("record"), notIn("回龙观惠民社会工作服务中心", "numberOfTenderers"))),

		// Editing a published need with proposals asks for re-confirmation.
		with(step{name: "the street edits the open tender", as: "street1", method: "PATCH", path: needPath,
			body: `{"description":"为辖区独居和高龄老人提供每日午餐配送与堂食服务，每周不少于6天。"}`, status: 200},
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				d, _ := time.Parse(time.RFC3339, str(b["deadline"]))
				old, _ := time.Parse(time.RFC3339, tf.vars["deadline"])
				if d.Before(old.Add(72 * time.Hour)) {
					t.Fatalf("deadline %v not extended from %v", d, old)
				}
				tf.vars["deadline"] = str(b["deadline"])
			}),
		with(get("A must re-confirm", "orgadmin1", "/api/v1/proposals/{pA}", 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if b["needs_reconfirm"] != true {
					t.Fatalf("needs_reconfirm: %v", b)
				}
			}),
		with(post("A re-confirms", "orgadmin1", "/api/v1/proposals/{pA}/reconfirm", "", 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if b["needs_reconfirm"] != false {
					t.Fatalf("needs_reconfirm: %v", b)
				}
			}),

		// The panel.
		{name: "the panel must be reviewers", as: "street1", method: "POST", path: needPath + "/panel",
			body: `{"reviewers":["{resident}"]}`, status: 400, code: "invalid", field: "reviewers", unchanged: true},
		refused(post("another street may not name the panel", "street2", needPath+"/panel", `{"reviewers":["{reviewer}"]}`, 403),
			"forbidden", ""),
		with(post("the street names the panel", "street1", needPath+"/panel", `{"reviewers":["{reviewer}","{reviewer2}"]}`, 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if len(arr(b["items"])) != 2 {
					t.Fatalf("panel: %v", b)
				}
			}),
		with(post("a reviewer declares no conflict", "reviewer", needPath+"/interest", `{"conflicted":false}`, 200), in(`"declared":true`)),
		with(post("the other declares a conflict", "reviewer2", needPath+"/interest",
			`{"conflicted":true,"statement":"我是评审的亲属，在投标单位工作"}`, 200), in(`"conflicted":true`)),
		{name: "a declaration is once", as: "reviewer2", method: "POST", path: needPath + "/interest", body: `{"conflicted":false}`,
			status: 409, code: "conflict"},
		get("the panel cannot read proposals before the deadline", "reviewer", "/api/v1/proposals/{pA}", 404),

		// The deadline passes: the clock decides.
		with(step{name: "after the deadline the need is evaluated", as: "", method: "GET", path: needPath, status: 200,
			before: func(tf *tender) {
				d, _ := time.Parse(time.RFC3339, tf.vars["deadline"])
				tf.now = d.Add(time.Hour)
			}}, needStatus("evaluating", func(t *testing.T, b map[string]any) {
			if b["sealed"] != false {
				t.Fatalf("still sealed: %v", b)
			}
		})),
		refused(post("a proposal after the deadline is refused", "orgadmin1", needPath+"/proposals", offer("a-late", 7000000), 409),
			"conflict", ""),
		refused(post("and a withdrawal", "orgadmin1", "/api/v1/proposals/{pA}/withdraw", "", 409), "conflict", ""),
		with(post("a repeat after the deadline still returns the original", "orgadmin1", needPath+"/proposals", offer("a-1", 7500000), 200),
			in("{pA}")),
		with(get("A still reads its own only", "orgadmin1", needPath+"/proposals", 200), proposals(2, "pA")),
		with(get("B reads its own and not A's", "orgadmin2", needPath+"/proposals", 200), notIn("{pA}", "7500000")),
		with(get("the buyer reads them all", "street1", needPath+"/proposals", 200), both(proposals(2, "pA", "pB"),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				for _, it := range arr(b["items"]) {
					m := it.(map[string]any)
					if m["status"] != "under_review" || m["idempotency_key"] != nil {
						t.Fatalf("item: %v", m)
					}
				}
			})),
		with(get("an admin reads them all", "admin", needPath+"/proposals", 200), proposals(2, "pA", "pB")),
		with(get("the panel reads them", "reviewer", needPath+"/proposals", 200), proposals(2, "pA", "pB")),
		with(get("a conflicted reviewer does not", "reviewer2", needPath+"/proposals", 200), proposals(2)),
		with(get("anonymous still sees the count only", "", needPath+"/proposals", 200), proposals(2)),
		get("the buyer opens A's proposal", "street1", "/api/v1/proposals/{pA}", 200),
		get("B still cannot", "orgadmin2", "/api/v1/proposals/{pA}", 404),
		with(get("and the public learns who asked", "", needPath+"/questions", 200), both(in("回龙观惠民社会工作服务中心", "{o1}"),
			notIn("org_withheld"))),
		with(get("OCDS names the tenderers now", "", "/api/v1/ocds/releases/{ocid}", 200),
			both(ocdsOK("release"), in("回龙观惠民社会工作服务中心", "龙锦苑舞蹈队", `"numberOfTenderers":2`), notIn("{pA}", "{pB}"))),

		// Scores and ranking.
		{name: "an incomplete sheet", as: "reviewer", method: "POST", path: needPath + "/scores",
			body: `{"scores":[{"proposal_id":"{pA}","criterion_id":"{c1}","points":90,"comment":""}]}`, status: 400, code: "invalid",
			field: "scores", unchanged: true},
		refused(post("a conflicted reviewer may not score", "reviewer2", needPath+"/scores", `{"scores":[]}`, 403), "forbidden", ""),
		refused(post("nor may a resident", "resident", needPath+"/scores", `{"scores":[]}`, 403), "forbidden", ""),
		{name: "the reviewer scores", as: "reviewer", method: "POST", path: needPath + "/scores", body: `{"scores":[
			{"proposal_id":"{pA}","criterion_id":"{c1}","points":90,"comment":"评分理由保密"},{"proposal_id":"{pA}","criterion_id":"{c2}","points":85,"comment":""},
			{"proposal_id":"{pA}","criterion_id":"{c3}","points":80,"comment":""},{"proposal_id":"{pA}","criterion_id":"{c4}","points":70,"comment":""},
			{"proposal_id":"{pB}","criterion_id":"{c1}","points":70,"comment":""},{"proposal_id":"{pB}","criterion_id":"{c2}","points":60,"comment":""},
			{"proposal_id":"{pB}","criterion_id":"{c3}","points":90,"comment":""},{"proposal_id":"{pB}","criterion_id":"{c4}","points":60,"comment":""}]}`,
			status: 200, check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if num(b["scores"]) != 8 {
					t.Fatalf("scores: %v", b)
				}
			}},
		with(get("the street sees the ranking", "street1", needPath+"/ranking", 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				items := arr(b["items"])
				first := items[0].(map[string]any)
				// A: 90*.4 + 85*.3 + 80*.2 + 70*.1 = 84.5
				if len(items) != 2 || first["proposal_id"] != tf.vars["pA"] || first["total"] != 84.5 || num(first["rank"]) != 1 ||
					len(arr(first["criteria"])) != 4 {
					t.Fatalf("ranking: %v", b)
				}
			}),
		get("anonymous may not see the ranking", "", needPath+"/ranking", 401),
		get("nor may a bidder", "orgadmin1", needPath+"/ranking", 403),

		// Award.
		refused(post("another street may not award", "street2", needPath+"/award",
			`{"proposal_id":"{pA}","reason":"方案针对性强，团队经验丰富，报价合理。"}`, 403), "forbidden", ""),
		refused(post("an award needs a reason", "street1", needPath+"/award", `{"proposal_id":"{pA}","reason":"好"}`, 400),
			"invalid", "reason"),
		refused(post("the award must be a proposal of this need", "street1", needPath+"/award",
			`{"proposal_id":"nope","reason":"方案针对性强，团队经验丰富，报价合理。"}`, 400), "invalid", "proposal_id"),
		with(post("the street awards A", "street1", needPath+"/award", `{"proposal_id":"{pA}","reason":"方案针对性强，团队经验丰富，报价合理。"}`, 201),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if b["org_id"] != tf.vars["o1"] || num(b["amount_fen"]) != 7500000 || str(b["objection_ends"]) == "" {
					t.Fatalf("award: %v", b)
				}
			}),
		refused(post("awarding twice is a conflict", "street1", needPath+"/award",
			`{"proposal_id":"{pB}","reason":"方案针对性强，团队经验丰富，报价合理。"}`, 409), "conflict", ""),
		with(get("the award is public", "", needPath+"/award", 200), in("回龙观惠民社会工作服务中心")),
		with(get("and the need shows it", "", needPath, 200), needStatus("awarded")),
		with(get("OCDS after the award", "", "/api/v1/ocds/records/{ocid}", 200), ocdsOK("record")),

		// Objections during the objection period.
		{name: "anonymous may not object", method: "POST", path: needPath + "/objections", body: `{"text":"中标单位曾有投诉记录，请复核。"}`,
			status: 401, code: "unauthorized"},
		with(post("a resident objects", "resident", needPath+"/objections", `{"text":"中标单位曾有投诉记录，请复核。"}`, 201),
			both(saveID("obj"), in(`"filer":"张**"`), notIn("张秀兰"))),
		refused(post("the contract waits for the objection period", "street1", needPath+"/contract",
			`{"amount_fen":7500000,"start":"2026-12-01T00:00:00+08:00","end":"2027-05-31T00:00:00+08:00","amendment":"",
			"milestones":[{"title":"完成老人摸底","due":"2027-01-31T00:00:00+08:00","amount_fen":3000000}]}`, 409), "conflict", ""),
		refused(post("only the street answers an objection", "community1", "/api/v1/objections/{obj}/answer",
			`{"answer":"已复核，投诉已整改。"}`, 403), "forbidden", ""),
		with(post("the street answers it", "street1", "/api/v1/objections/{obj}/answer", `{"answer":"已复核，相关投诉已整改完毕。"}`, 200),
			in("已整改完毕")),
		with(get("objections are public, the filer masked", "", needPath+"/objections", 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				it := arr(b["items"])[0].(map[string]any)
				if num(b["total"]) != 1 || it["filer"] != "张**" || it["user_id"] != nil || str(it["answered_at"]) == "" {
					t.Fatalf("objections: %v", b)
				}
			}),

		// Contract after the objection period.
		{name: "after the period no objection is taken", as: "resident", method: "POST", path: needPath + "/objections",
			body: `{"text":"再次提出异议，请复核中标结果。"}`, status: 409, code: "conflict", unchanged: true,
			before: func(tf *tender) {
				tf.now = tf.now.AddDate(0, 0, 5).Add(time.Minute)
				tf.vars["start"] = tf.now.Format(time.RFC3339)
				tf.vars["due1"] = tf.now.AddDate(0, 2, 0).Format(time.RFC3339)
				tf.vars["due2"] = tf.now.AddDate(0, 5, 0).Format(time.RFC3339)
				tf.vars["end"] = tf.now.AddDate(0, 6, 0).Format(time.RFC3339)
			}},
		refused(post("a contract amount off the award needs an amendment", "street1", needPath+"/contract",
			`{"amount_fen":7600000,"start":"{start}","end":"{end}","amendment":"","milestones":[{"title":"完成老人摸底","due":"{due1}","amount_fen":3000000}]}`, 400),
			"invalid", "amendment"),
		refused(post("a contract over the budget", "street1", needPath+"/contract",
			`{"amount_fen":8000001,"start":"{start}","end":"{end}","amendment":"增加服务天数，经双方协商一致。","milestones":[{"title":"完成老人摸底","due":"{due1}","amount_fen":3000000}]}`, 400),
			"invalid", "amount_fen"),
		refused(post("a contract with a bad date", "street1", needPath+"/contract",
			`{"amount_fen":7500000,"start":"2026-12-01","end":"{end}","milestones":[{"title":"完成老人摸底","due":"{due1}","amount_fen":3000000}]}`, 400),
			"invalid", "start"),
		with(post("the street signs the contract", "street1", needPath+"/contract",
			`{"amount_fen":7500000,"start":"{start}","end":"{end}","amendment":"","milestones":[
				{"title":"完成老人需求摸底与配送路线","due":"{due1}","amount_fen":3000000},
				{"title":"助餐服务运行满三个月","due":"{due2}","amount_fen":4500000}]}`, 201),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				ms := arr(b["milestones"])
				if num(b["amount_fen"]) != 7500000 || len(ms) != 2 {
					t.Fatalf("contract: %v", b)
				}
				tf.vars["m1"], tf.vars["m2"] = str(ms[0].(map[string]any)["id"]), str(ms[1].(map[string]any)["id"])
			}),
		with(get("the contract is public", "", needPath+"/contract", 200), in("助餐服务运行满三个月")),
		with(get("OCDS after the contract", "", "/api/v1/ocds/releases/{ocid}", 200), ocdsOK("release")),

		// Delivery.
		refused(post("only the supplier reports", "orgadmin2", needPath+"/milestones/{m1}/report", `{"text":"越权提交进展"}`, 403),
			"forbidden", ""),
		{name: "a report in an unsupported type", as: "orgadmin1", method: "POST", path: needPath + "/milestones/{m1}/report",
			body: "text=x", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 415, code: "invalid"},
		with(post("the supplier reports on milestone 1", "orgadmin1", needPath+"/milestones/{m1}/report",
			`{"text":"已完成86位老人的需求摸底，配送路线确定。"}`, 201), needStatusOf("in_progress")),
		with(post("the community accepts milestone 1", "community1", needPath+"/milestones/{m1}/accept", "", 200), in(`"status":"accepted"`)),
		{name: "the supplier reports on milestone 2 with a photo", as: "orgadmin1", method: "POST",
			path: needPath + "/milestones/{m2}/report", body: report, header: reportHeader, status: 201,
			check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				files := arr(b["files"])
				sum := sha256.Sum256(png)
				if len(files) != 1 {
					t.Fatalf("files: %v", b)
				}
				f := files[0].(map[string]any)
				if f["sha256"] != hex.EncodeToString(sum[:]) || f["type"] != "image/png" || f["name"] != "入户走访.png" {
					t.Fatalf("file: %v", f)
				}
				tf.vars["doc"] = str(f["id"])
			}},
		{name: "anyone downloads the photo", method: "GET", path: "/api/v1/documents/{doc}", status: 200,
			check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if !bytes.Equal(w.Body.Bytes(), png) || w.Header().Get("Content-Type") != "image/png" || w.Header().Get("ETag") == "" {
					t.Fatalf("document: %q %v", w.Body, w.Header())
				}
			}},
		get("an unknown document", "", "/api/v1/documents/nope", 404),
		with(post("the community returns milestone 2", "community1", needPath+"/milestones/{m2}/return", `{"comment":"照片不清晰请补充，补交总结。"}`, 200),
			in(`"status":"returned"`)),
		refused(post("delivery waits for every milestone", "orgadmin1", needPath+"/deliver", "", 409), "conflict", ""),
		with(post("the supplier reports again", "orgadmin1", needPath+"/milestones/{m2}/report", `{"text":"补充了清晰照片和阶段总结。"}`, 201),
			in(`"milestone_id":"{m2}"`)),
		with(post("the community accepts milestone 2", "community1", needPath+"/milestones/{m2}/accept", "{}", 200), in(`"status":"accepted"`)),
		with(post("the supplier delivers", "orgadmin1", needPath+"/deliver", "", 200), needStatus("delivered")),
		with(post("the community sends it back", "community1", needPath+"/reject", `{"comment":"交付材料缺少总结，请补充。"}`, 200),
			needStatus("in_progress")),
		with(post("the supplier reports the final milestone again", "orgadmin1", needPath+"/milestones/{m2}/report",
			`{"text":"补交了服务总结。"}`, 201), in(`"milestone_id":"{m2}"`)),
		with(post("the community accepts it", "community1", needPath+"/milestones/{m2}/accept", "", 200), in(`"status":"accepted"`)),
		with(post("the supplier delivers again", "orgadmin1", needPath+"/deliver", "", 200), needStatus("delivered")),
		refused(post("the supplier cannot accept its own work", "orgadmin1", needPath+"/accept", "", 403), "forbidden", ""),
		refused(post("no rating before acceptance", "resident", needPath+"/ratings", `{"stars":5,"comment":""}`, 409), "conflict", ""),
		with(post("the community accepts the work", "community1", needPath+"/accept", `{"comment":"验收合格居民满意"}`, 200),
			needStatus("accepted")),

		// Ratings.
		refused(post("stars from 1 to 5", "resident", needPath+"/ratings", `{"stars":6,"comment":""}`, 400), "invalid", "stars"),
		refused(post("the supplier may not rate its own work", "orgadmin1", needPath+"/ratings", `{"stars":5,"comment":""}`, 403),
			"forbidden", ""),
		with(post("a resident rates", "resident", needPath+"/ratings", `{"stars":5,"comment":"饭菜可口，有事请打13912345678"}`, 200),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				it := arr(b["items"])[0].(map[string]any)
				if num(b["count"]) != 1 || b["average"] != 5.0 || it["rater"] != "张**" || strings.Contains(w.Body.String(), "13912345678") ||
					!strings.Contains(str(it["comment"]), "139****5678") {
					t.Fatalf("ratings: %v", b)
				}
			}),
		with(get("ratings are public", "", needPath+"/ratings", 200), notIn("张秀兰", "{resident}")),
		with(get("OCDS after the acceptance", "", "/api/v1/ocds/records/{ocid}", 200), both(ocdsOK("record"),
			in("satisfaction", "physicalProgressReport", "{doc}"))),
		refused(post("the community may not close", "community1", needPath+"/close", "", 403), "forbidden", ""),
		with(post("the street closes the project", "street1", needPath+"/close", "", 200), needStatus("closed")),
		with(get("the record of the closed project", "", "/api/v1/ocds/records/{ocid}", 200), both(ocdsOK("record"),
			in("contractTermination", `"uri":"https://huitian.example.org/api/v1/ocds/records/{ocid}"`))),

		// The open-data feed as a harvester reads it.
		with(get("the feed", "", "/api/v1/ocds/releases", 200), both(ocdsOK("release"),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				rs := arr(b["releases"])
				if b["uri"] != "https://huitian.example.org/api/v1/ocds/releases?page=1" || len(rs) < 10 || b["links"] != nil {
					t.Fatalf("feed: uri %v, %d releases, links %v", b["uri"], len(rs), b["links"])
				}
				var last time.Time
				for _, r := range rs {
					d, err := time.Parse(time.RFC3339, str(r.(map[string]any)["date"]))
					if err != nil || d.Before(last) {
						t.Fatalf("releases not oldest first: %v", r)
					}
					last = d
				}
				latest := 0
				for _, r := range rs {
					if d, _ := time.Parse(time.RFC3339, str(r.(map[string]any)["date"])); d.Equal(last) {
						latest++
					}
				}
				tf.vars["since"], tf.vars["latest"] = esc(last.Format(time.RFC3339)), fmt.Sprint(latest)
			})),
		with(get("the feed since the last release", "", "/api/v1/ocds/releases?since={since}", 200), both(ocdsOK("release"),
			func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if fmt.Sprint(len(arr(b["releases"]))) != tf.vars["latest"] || !strings.Contains(str(b["uri"]), "since=") {
					t.Fatalf("since: %v", b)
				}
			})),
		{name: "nothing since later", method: "GET", path: "/api/v1/ocds/releases?since=2099-01-01T00:00:00Z", status: 404, code: "not_found"},
		{name: "a page past the last", method: "GET", path: "/api/v1/ocds/releases?page=2", status: 404, code: "not_found"},
		{name: "a bad since", method: "GET", path: "/api/v1/ocds/releases?since=yesterday", status: 400, code: "invalid", field: "since"},
		{name: "a page number with since", method: "GET", path: "/api/v1/ocds/releases?since=2020-01-01T00:00:00Z&page=2", status: 400, code: "invalid", field: "page"},
		{name: "after without since", method: "GET", path: "/api/v1/ocds/releases?after=x", status: 400, code: "invalid", field: "after"},
		{name: "an ocid of another publisher", method: "GET", path: "/api/v1/ocds/releases/ocds-other-{need}", status: 404, code: "not_found"},
		{name: "the extension", method: "GET", path: "/api/v1/ocds/extension/extension.json", status: 200,
			check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if b["codelists"] == nil || !strings.Contains(w.Header().Get("Cache-Control"), "public") {
					t.Fatalf("extension: %v", b)
				}
			}},
		{name: "an extension codelist", method: "GET", path: "/api/v1/ocds/extension/codelists/serviceCategory.csv", status: 200,
			check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
				if !strings.HasPrefix(w.Body.String(), "Code,Title,Description") || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
					t.Fatalf("codelist: %s", w.Body)
				}
			}},
		{name: "no such extension file", method: "GET", path: "/api/v1/ocds/extension/secrets.txt", status: 404, code: "not_found"},
	}
}

// needStatusOf checks the need behind a report or milestone answer.
func needStatusOf(status string) func(*testing.T, *tender, *httptest.ResponseRecorder, map[string]any) {
	return func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
		t.Helper()
		r := tf.do(t, request{method: "GET", path: tf.expand("/api/v1/needs/{need}")})
		var n map[string]any
		_ = json.Unmarshal(r.Body.Bytes(), &n)
		if n["status"] != status {
			t.Fatalf("need status %v, want %s", n["status"], status)
		}
	}
}

// TestAPIInvitedAndDirect drafts needs that name organizations (by id,
// exact name or source key) and checks that only the invited may propose.
func TestAPIInvitedAndDirect(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tf := newTender(t, s)
		tf.vars["o3"] = tf.orgs["o3"].ID
		invited := `{"title":"新龙城社区文体汇演组织","description":"组织社区文艺汇演一场，含彩排和演出当天的组织工作。","community":"新龙城社区",
			"street":"回龙观街道","budget_fen":3000000,"deadline":"{deadline}","procedure":"invited","qualifications":["local_only"],
			"invited":["o01","{o3}","龙锦苑舞蹈队"]}`
		direct := `{"title":"龙锦苑二区口袋花园维护","description":"社区口袋花园雨季前的修剪和补植，一次完成。","community":"龙锦苑二区社区",
			"category":"绿化与绿地认养","budget_fen":2000000,"deadline":"{deadline}","procedure":"direct",
			"justification":"雨季前必须完工，仅该组织有园艺维护经验。","invited":["o01"]}`
		offer := `{"summary":"排练四次并组织演出当天工作","plan":"第一周确定节目单，第二、三周排练，第四周彩排并演出，会后总结。","price_fen":2500000,
			"duration_days":30,"idempotency_key":"k"}`
		tf.run(t, []step{
			{name: "an unknown organization is invited", as: "street1", method: "POST", path: "/api/v1/needs",
				body: strings.Replace(invited, `"龙锦苑舞蹈队"`, `"没有这个组织"`, 1), status: 400, code: "invalid", field: "invited"},
			{name: "the street drafts an invited tender by id, name and key", as: "street1", method: "POST", path: "/api/v1/needs",
				body: invited, status: 201, check: both(saveID("need"), func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					var ids []string
					for _, o := range arr(b["invited"]) {
						ids = append(ids, str(o.(map[string]any)["id"]))
					}
					slices.Sort(ids)
					want := []string{tf.vars["o1"], tf.vars["o2"], tf.vars["o3"]}
					slices.Sort(want)
					if !slices.Equal(ids, want) || b["procedure"] != "invited" || b["category"] != "culture" {
						t.Fatalf("invited %v, want %v: %v", ids, want, b)
					}
				})},
			{name: "the street edits the invitations", as: "street1", method: "PATCH", path: "/api/v1/needs/{need}",
				body: `{"invited":["o01","龙锦苑舞蹈队"]}`, status: 200, check: func(t *testing.T, tf *tender, w *httptest.ResponseRecorder, b map[string]any) {
					if len(arr(b["invited"])) != 2 {
						t.Fatalf("invited: %v", b["invited"])
					}
				}},
			{name: "and publishes it directly", as: "street1", method: "POST", path: "/api/v1/needs/{need}/publish", status: 200,
				check: needStatus("published")},
			{name: "an invited organization proposes, naming it", as: "orgadmin1", method: "POST", path: "/api/v1/needs/{need}/proposals",
				body: strings.Replace(offer, `"idempotency_key":"k"`, `"idempotency_key":"k","org_id":"{o1}"`, 1), status: 201},
			{name: "so does the other one still invited", as: "orgadmin2", method: "POST", path: "/api/v1/needs/{need}/proposals", body: offer, status: 201},
			{name: "a direct commission names one organization", as: "community1", method: "POST", path: "/api/v1/needs",
				body: direct, status: 201, check: both(saveID("direct"), needStatus("draft"))},
			{name: "a direct commission over the threshold", as: "community1", method: "POST", path: "/api/v1/needs",
				body: strings.Replace(direct, "2000000", "5000000", 1), status: 400, code: "invalid", field: "procedure"},
			{name: "a direct commission without a justification", as: "community1", method: "POST", path: "/api/v1/needs",
				body: strings.Replace(direct, "雨季前必须完工，仅该组织有园艺维护经验。", "", 1), status: 400, code: "invalid",
				field: "justification"},
			{name: "only its community submits it", as: "street1", method: "POST", path: "/api/v1/needs/{direct}/submit",
				status: 403, code: "forbidden"},
			{name: "its community submits it", as: "community1", method: "POST", path: "/api/v1/needs/{direct}/submit", status: 200},
			{name: "the street publishes it", as: "street1", method: "POST", path: "/api/v1/needs/{direct}/publish", status: 200},
			{name: "another organization cannot propose", as: "orgadmin2", method: "POST", path: "/api/v1/needs/{direct}/proposals",
				body: strings.Replace(strings.Replace(offer, "2500000", "1500000", 1), `"k"`, `"k2"`, 1), status: 403, code: "forbidden"},
			{name: "the one named may", as: "orgadmin1", method: "POST", path: "/api/v1/needs/{direct}/proposals",
				body: strings.Replace(strings.Replace(offer, "2500000", "1500000", 1), `"k"`, `"k3"`, 1), status: 201},
			{name: "OCDS says selective and direct", method: "GET", path: "/api/v1/ocds/releases", status: 200,
				check: both(ocdsOK("release"), in(`"procurementMethod":"selective"`, `"procurementMethod":"direct"`))},
		})
	})
}
