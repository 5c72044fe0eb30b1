package ocds_test

import (
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/ocds"
	"github.com/huitian/huitian/internal/ocds/ocdstest"
	"github.com/huitian/huitian/internal/procurement"
)

func testConfig() ocds.Config {
	c := ocds.DefaultConfig()
	c.BaseURL = "https://huitian.example.org/"
	c.IdentifierScheme = "CN-USCC-TEST" // exercised here; production chooses its scheme deliberately
	c.License = "https://creativecommons.org/licenses/by/4.0/"
	c.DocumentURL = func(d procurement.Document) string { return "https://huitian.example.org/documents/" + d.ID }
	return c
}

type scenario struct {
	name string
	p    ocds.Process
	tags [][]string // expected tags of each release, oldest first
}

func scenarios() []scenario {
	t := func(tags ...string) []string { return tags }
	tender := [][]string{t("tender"), t("tenderUpdate")}             // publish, edit
	evaluating := append(slices.Clone(tender), t("tenderUpdate"))    // + deadline
	awarded := append(slices.Clone(evaluating), t("award"))          // + award (pending)
	objectionOver := append(slices.Clone(awarded), t("awardUpdate")) // + in force
	contracted := append(slices.Clone(objectionOver), t("contract")) // + contract
	inProgress := append(slices.Clone(contracted), t("implementation"), t("implementationUpdate"),
		t("implementation"), t("implementationUpdate"), t("implementation"), t("implementationUpdate"))
	delivered := append(slices.Clone(inProgress), t("implementation"), t("implementationUpdate"), t("implementationUpdate"))
	accepted := append(slices.Clone(delivered), t("implementationUpdate"), t("implementationUpdate")) // acceptance, ratings
	closed := append(slices.Clone(accepted), t("contractTermination"))
	return []scenario{
		{"draft", life("draft"), nil},
		{"submitted", life("submitted"), nil},
		{"sealed", life("sealed"), tender},
		{"evaluating", life("evaluating"), evaluating},
		{"awarded", life("awarded"), awarded},
		{"objection-over", life("objection-over"), objectionOver},
		{"contracted", life("contracted"), contracted},
		{"in-progress", life("in-progress"), inProgress},
		{"delivered", life("delivered"), delivered},
		{"accepted", life("accepted"), accepted},
		{"closed", life("closed"), closed},
		{"cancelled-sealed", branch("cancelled-sealed"), append(slices.Clone(tender), t("tenderCancellation"))},
		{"cancelled-after-award", branch("cancelled-after-award"),
			append(slices.Clone(awarded), t("tenderCancellation", "awardCancellation"))},
		{"failed", branch("failed"), append(slices.Clone(evaluating), t("tenderUpdate"))},
		{"retender", branch("retender"), [][]string{t("tender")}},
		{"direct", branch("direct"), [][]string{t("tender"), t("tenderUpdate"), t("award"), t("awardUpdate"), t("contract")}},
		{"invited", branch("invited"), [][]string{t("tender"), t("tenderUpdate")}},
		{"imported", branch("imported"), [][]string{t("tender"), t("award"), t("contract"),
			t("implementationUpdate"), t("implementationUpdate"), t("contractTermination")}},
		{"cancelled-draft", branch("cancelled-draft"), nil},
	}
}

// TestEveryPublicState builds every state's releases, checks their tags,
// validates the release and record packages against OCDS 1.1 with the
// extension, checks every codelist value, and looks for personal data.
func TestEveryPublicState(t *testing.T) {
	t.Parallel()
	v := ocdstest.Load(t)
	cfg := testConfig()
	for _, sc := range scenarios() {
		t.Run(sc.name, func(t *testing.T) {
			rs := ocds.Releases(sc.p, cfg)
			var got [][]string
			for _, r := range rs {
				got = append(got, r.Tag)
			}
			if !reflect.DeepEqual(got, sc.tags) {
				t.Fatalf("tags = %v, want %v", got, sc.tags)
			}
			if len(rs) == 0 {
				return
			}
			checkReleases(t, rs, cfg)
			pkg := ocds.ReleasePackage(rs, cfg, time.Time{})
			if want := "https://huitian.example.org/api/v1/ocds/releases/" + rs[0].OCID; pkg.URI != want {
				t.Errorf("package uri = %s, want %s", pkg.URI, want)
			}
			rec, err := ocds.RecordPackage(rs[0].OCID, rs, cfg, sc.p.Now)
			if err != nil {
				t.Fatal(err)
			}
			noPersonalData(t, pkg, rec)
			if v == nil {
				return
			}
			for _, p := range v.ReleasePackage(pkg) {
				t.Errorf("release package %s: %s", pkg.URI, p)
			}
			for _, p := range v.RecordPackage(rec) {
				t.Errorf("record package %s: %s", rec.URI, p)
			}
		})
	}
	// One package of every process, as the feed serves it (each need once,
	// as it is now; the branches are other fates of the main need).
	var all []ocds.Release
	for _, p := range []ocds.Process{life("closed"), branch("retender"), branch("direct"), branch("invited"), branch("imported")} {
		all = append(all, ocds.Releases(p, cfg)...)
	}
	pkg := ocds.ReleasePackage(all, cfg, at(10, 1, 9))
	if pkg.URI != "https://huitian.example.org/api/v1/ocds/releases" {
		t.Errorf("feed uri = %s", pkg.URI)
	}
	noPersonalData(t, pkg)
	if v == nil {
		return
	}
	for _, p := range v.ReleasePackage(pkg) {
		t.Errorf("release package %s: %s", pkg.URI, p)
	}
	// The walk did check the codes of every codelist the output uses.
	checked := v.CheckedCodelists()
	for _, name := range []string{"releaseTag.csv", "initiationType.csv", "partyRole.csv", "tenderStatus.csv", "method.csv",
		"procurementCategory.csv", "awardCriteria.csv", "submissionMethod.csv", "awardStatus.csv", "contractStatus.csv",
		"milestoneType.csv", "milestoneStatus.csv", "currency.csv", "documentType.csv", "relatedProcess.csv",
		"relatedProcessScheme.csv", "serviceCategory.csv", "partyForm.csv"} {
		if !slices.Contains(checked, name) {
			t.Errorf("no value was checked against %s", name)
		}
	}
}

// checkReleases checks what every release must hold whatever the schema says.
func checkReleases(t *testing.T, rs []ocds.Release, cfg ocds.Config) {
	t.Helper()
	ids := map[string]bool{}
	for i, r := range rs {
		if ids[r.ID] {
			t.Errorf("release id %s twice", r.ID)
		}
		ids[r.ID] = true
		if !strings.HasPrefix(r.OCID, cfg.Prefix+"-") || !strings.HasPrefix(r.ID, r.OCID+"-") {
			t.Errorf("ocid %s / id %s do not follow the prefix", r.OCID, r.ID)
		}
		if i > 0 && r.Date.Before(rs[i-1].Date) {
			t.Errorf("release %s is older than the one before it", r.ID)
		}
		if r.InitiationType != "tender" || r.Language != "zh" || r.Buyer == nil || r.Tender == nil {
			t.Errorf("release %s lacks the basics: %+v", r.ID, r)
		}
		if r.Tender.ProcuringEntity == nil || r.Tender.ProcuringEntity.ID != r.Buyer.ID {
			t.Errorf("release %s: procuring entity is not the buyer", r.ID)
		}
		if r.Tender.Value == nil || r.Tender.Value.Currency != "CNY" || r.Tender.MainProcurementCategory != "services" {
			t.Errorf("release %s: tender value or category", r.ID)
		}
		parties := map[string][]string{}
		for _, p := range r.Parties {
			if _, dup := parties[p.ID]; dup {
				t.Errorf("release %s: party %s twice", r.ID, p.ID)
			}
			parties[p.ID] = p.Roles
		}
		refs := []ocds.OrganizationRef{*r.Buyer}
		refs = append(refs, r.Tender.Tenderers...)
		for _, a := range r.Awards {
			refs = append(refs, a.Suppliers...)
		}
		for _, ref := range refs {
			if _, ok := parties[ref.ID]; !ok {
				t.Errorf("release %s: %s is referenced but not a party", r.ID, ref.ID)
			}
		}
		if !slices.Equal(parties[r.Buyer.ID], []string{"buyer", "procuringEntity"}) {
			t.Errorf("release %s: buyer roles %v", r.ID, parties[r.Buyer.ID])
		}
	}
}

var (
	phoneRE       = regexp.MustCompile(`1[3-9][0-9]{9}`)
	spacedPhoneRE = regexp.MustCompile(`1[3-9][0-9](?:[ -]?[0-9]){8}`)
)

// noPersonalData fails if a phone number, a person's name from the
// fixtures, or anything of a proposal appears in the JSON.
func noPersonalData(t *testing.T, vs ...any) {
	t.Helper()
	for _, v := range vs {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out := string(b)
		if m := phoneRE.FindString(out); m != "" {
			t.Errorf("a phone number %s is in the output", m)
		}
		if m := spacedPhoneRE.FindString(out); m != "" {
			t.Errorf("a phone number %q is in the output", m)
		}
		for _, p := range phones {
			if strings.Contains(out, p[3:]) && strings.Contains(out, p[:3]+p[3:7]) {
				t.Errorf("phone %s is in the output", p)
			}
		}
		for _, name := range personNames {
			if strings.Contains(out, name) {
				t.Errorf("the name %s is in the output", name)
			}
		}
		for _, id := range append(slices.Clone(proposalIDs), proposalDocID, "u-chen", "u-org-admin") {
			if strings.Contains(out, id) {
				t.Errorf("%s (a proposal or a person's account) is in the output", id)
			}
		}
		for _, key := range []string{`"contactPoint"`, `"telephone"`, `"email"`} {
			if strings.Contains(out, key) {
				t.Errorf("%s is in the output", key)
			}
		}
	}
}

// TestSealing: while proposals are sealed nothing of them is published —
// no tenderer, no count, no tenderer party, no proposal document — even
// when the store passes them; from the deadline on, who bid is public.
func TestSealing(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	sealed := life("sealed")
	justBefore := sealed
	justBefore.Now = sealed.Need.Deadline.Add(-time.Nanosecond)
	atDeadline := sealed
	atDeadline.Now = sealed.Need.Deadline
	for name, tc := range map[string]struct {
		p      ocds.Process
		opened bool
	}{
		"sealed":              {sealed, false},
		"a nanosecond before": {justBefore, false},
		"at the deadline":     {atDeadline, true},
		"cancelled while sealed, read after the deadline": {branch("cancelled-sealed"), false},
		"invited, after the deadline":                     {branch("invited"), true},
	} {
		t.Run(name, func(t *testing.T) {
			rs := ocds.Releases(tc.p, cfg)
			if len(rs) == 0 {
				t.Fatal("no releases")
			}
			deadline := tc.p.Need.Deadline
			for _, r := range rs {
				b, _ := json.Marshal(r)
				out := string(b)
				shown := r.Tender.NumberOfTenderers != nil || len(r.Tender.Tenderers) > 0 ||
					strings.Contains(out, `"tenderer"`) || strings.Contains(out, "numberOfTenderers") ||
					strings.Contains(out, `"tenderers"`)
				for _, o := range tc.p.Tenderers {
					shown = shown || strings.Contains(out, o.Name) || strings.Contains(out, o.ID)
				}
				want := tc.opened && !r.Date.Before(deadline)
				if shown != want {
					t.Errorf("release %s (%s, %v): tenderers shown = %v, want %v:\n%s", r.ID, r.Date, r.Tag, shown, want, out)
				}
				if strings.Contains(out, proposalDocID) || strings.Contains(out, "工作方案") {
					t.Errorf("a proposal's document is in %s", r.ID)
				}
				if want && (r.Tender.NumberOfTenderers == nil || *r.Tender.NumberOfTenderers != len(tc.p.Tenderers)) {
					t.Errorf("release %s: numberOfTenderers = %v, want %d", r.ID, r.Tender.NumberOfTenderers, len(tc.p.Tenderers))
				}
			}
			if tc.p.Need.Sealed(tc.p.Now) {
				for _, r := range rs {
					if len(r.Awards) > 0 || len(r.Contracts) > 0 || r.Tender.Status != "active" {
						t.Errorf("sealed need's release %s goes past the tender", r.ID)
					}
				}
			}
		})
	}
}

// TestReleasesAreStable: a release once published keeps its id and its
// content as the need moves on (its date and data are "as of" the stage).
func TestReleasesAreStable(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	seen := map[string]string{}
	for _, stage := range lifeStages {
		for _, r := range ocds.Releases(life(stage), cfg) {
			b, _ := json.Marshal(r)
			if old, ok := seen[r.ID]; ok && old != string(b) {
				t.Errorf("release %s changed at stage %s:\nwas %s\nnow %s", r.ID, stage, old, b)
			}
			seen[r.ID] = string(b)
		}
	}
	again := ocds.Releases(life("closed"), cfg)
	if first := ocds.Releases(life("closed"), cfg); !reflect.DeepEqual(first, again) {
		t.Error("two builds of the same process differ")
	}
}

func find(rs []ocds.Release, tag string) []ocds.Release {
	var out []ocds.Release
	for _, r := range rs {
		if slices.Contains(r.Tag, tag) {
			out = append(out, r)
		}
	}
	return out
}

func TestTenderMapping(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	rs := ocds.Releases(life("evaluating"), cfg)
	tender := find(rs, "tender")[0]
	tn := tender.Tender
	b, _ := json.Marshal(tn)
	out := string(b)
	for _, want := range []string{
		`"id":"n-meals"`, `"status":"active"`, `"procurementMethod":"open"`, `"procurementMethodDetails":"公开征集"`,
		`"value":{"amount":48000.5,"currency":"CNY"}`, `"awardCriteria":"ratedCriteria"`,
		`"awardCriteriaDetails":"按评审标准加权评分：方案针对性与可行性 40%；团队经验与过往业绩 30%；报价合理性 20%；居民参与与可持续性 10%"`,
		`"submissionMethod":["electronicSubmission"]`, `"eligibilityCriteria":"仅限民政登记的社会组织"`,
		`"tenderPeriod":{"startDate":"2026-03-03T10:00:00+08:00","endDate":"2026-03-10T18:00:00+08:00"}`,
		`"enquiryPeriod":{"startDate":"2026-03-03T10:00:00+08:00","endDate":"2026-03-08T18:00:00+08:00"}`,
		`"community":{"id":"c-longze","name":"龙泽苑社区"}`, `"serviceCategory":{"code":"elderly","name":"为老服务"}`,
		`咨询电话 186****1111`, `"sha256":"` + sha + `"`, `"documentType":"biddingDocuments"`,
		`"url":"https://huitian.example.org/documents/d-need-brief"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("tender lacks %s:\n%s", want, out)
		}
	}
	if tender.Buyer.Name != "回龙观街道办事处" || tender.Buyer.ID != "street-st-hlg" {
		t.Errorf("buyer = %+v", tender.Buyer)
	}
	deadline := find(rs, "tenderUpdate")[1]
	if n := deadline.Tender.NumberOfTenderers; n == nil || *n != 3 || len(deadline.Tender.Tenderers) != 3 {
		t.Fatalf("deadline release: %v tenderers %v", n, deadline.Tender.Tenderers)
	}
	parties := map[string]ocds.Party{}
	for _, p := range deadline.Parties {
		parties[p.ID] = p
	}
	a := parties["org-o-sunshine"]
	if !slices.Equal(a.Roles, []string{"tenderer"}) || a.Details == nil || a.Details.PartyForm.Code != "independent" ||
		a.Details.PartyForm.Name != "单独组建" || a.Identifier == nil || a.Identifier.ID != "52110114MJ0000001A" {
		t.Errorf("tenderer party = %+v", a)
	}
	if c := parties["org-o-green"]; c.Details != nil {
		t.Errorf("an organization without a party form got details %+v", c.Details)
	}
	if p := parties["org-o-neighbors"]; p.Identifier != nil {
		t.Errorf("an organization without a credit code got an identifier %+v", p.Identifier)
	}
	noScheme := cfg
	noScheme.IdentifierScheme = ""
	for _, p := range find(ocds.Releases(life("evaluating"), noScheme), "tenderUpdate")[1].Parties {
		if p.Identifier != nil {
			t.Errorf("identifier published without a chosen scheme: %+v", p)
		}
	}

	direct := ocds.Releases(branch("direct"), cfg)[0].Tender
	if direct.ProcurementMethod != "direct" || direct.ProcurementMethodDetails != "小额直接委托" || direct.AwardCriteria != "" ||
		direct.ProcurementMethodRationale != "社区微更新急需在雨季前完工，仅该组织具备园艺改造经验，电话 139****5678" ||
		direct.EnquiryPeriod != nil || direct.EligibilityCriteria != "仅限受邀组织" {
		t.Errorf("direct tender = %+v", direct)
	}
	invited := ocds.Releases(branch("invited"), cfg)[0].Tender
	if invited.ProcurementMethod != "selective" || invited.ProcurementMethodDetails != "邀请征集" ||
		invited.EligibilityCriteria != "仅限受邀组织；仅限民政登记的社会组织；仅限本街道的社会组织" {
		t.Errorf("invited tender = %+v", invited)
	}
	retender := ocds.Releases(branch("retender"), cfg)[0]
	if len(retender.RelatedProcesses) != 1 || retender.RelatedProcesses[0].Identifier != "ocds-huitian-n-meals" ||
		retender.RelatedProcesses[0].Relationship[0] != "unsuccessfulProcess" {
		t.Errorf("re-tender related processes = %+v", retender.RelatedProcesses)
	}
	failed := ocds.Releases(branch("failed"), cfg)
	if last := failed[len(failed)-1]; last.Tender.Status != "unsuccessful" || len(last.Awards) > 0 {
		t.Errorf("failed: %+v", last.Tender)
	}
	cancelled := ocds.Releases(branch("cancelled-sealed"), cfg)
	if last := cancelled[len(cancelled)-1]; last.Tender.Status != "cancelled" {
		t.Errorf("cancelled: %+v", last.Tender)
	}
	// An imported project knows neither its deadline nor who bid: no count
	// rather than a false 0.
	for _, r := range ocds.Releases(branch("imported"), cfg) {
		if r.Tender.NumberOfTenderers != nil || !r.Tender.TenderPeriod.EndDate.IsZero() {
			t.Errorf("imported %v: %v tenderers, period %+v", r.Tag, r.Tender.NumberOfTenderers, r.Tender.TenderPeriod)
		}
	}
	if n := failed[len(failed)-1].Tender.NumberOfTenderers; n == nil || *n != 1 {
		t.Errorf("failed: numberOfTenderers %v", n)
	}
}

func TestAwardContractImplementation(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	rs := ocds.Releases(life("closed"), cfg)
	award := find(rs, "award")[0]
	if a := award.Awards[0]; a.Status != "pending" || a.Value.Amount != 4_650_000 || a.Suppliers[0].ID != "org-o-sunshine" ||
		a.ContractPeriod.DurationInDays != 180 || award.Tender.Status != "complete" {
		t.Errorf("award = %+v", a)
	}
	if a := find(rs, "awardUpdate")[0]; a.Awards[0].Status != "active" || !a.Date.Equal(at(3, 17, 10)) {
		t.Errorf("objection end = %v %+v", a.Date, a.Awards[0])
	}
	for _, p := range award.Parties {
		if p.ID == "org-o-sunshine" && !slices.Equal(p.Roles, []string{"tenderer", "supplier"}) {
			t.Errorf("supplier roles = %v", p.Roles)
		}
	}
	contract := find(rs, "contract")[0].Contracts[0]
	if contract.Status != "active" || contract.AwardID != "award-1" || contract.Value.Amount != 4_650_000 ||
		contract.Description != "" || len(contract.Documents) != 1 || contract.Documents[0].DocumentType != "contractSigned" {
		t.Errorf("contract = %+v", contract)
	}
	statuses := func(r ocds.Release) []string {
		var out []string
		for _, m := range r.Contracts[0].Implementation.Milestones {
			out = append(out, m.ID+":"+m.Status)
		}
		return out
	}
	for i, want := range [][]string{
		{"m1:scheduled", "m2:scheduled", "m3:scheduled"}, // contract
		{"m1:scheduled", "m2:scheduled", "m3:scheduled"}, // report m1
		{"m1:met", "m2:scheduled", "m3:scheduled"},       // m1 accepted
		{"m1:met", "m2:scheduled", "m3:scheduled"},       // report m2
		{"m1:met", "m2:met", "m3:scheduled"},             // m2 returned: shows its current review
		{"m1:met", "m2:scheduled", "m3:scheduled"},       // report m2 again
		{"m1:met", "m2:met", "m3:scheduled"},             // m2 accepted
		{"m1:met", "m2:met", "m3:scheduled"},             // report m3
		{"m1:met", "m2:met", "m3:met"},                   // m3 accepted
		{"m1:met", "m2:met", "m3:met"},                   // delivered
		{"m1:met", "m2:met", "m3:met", "acceptance:met"}, // 验收
		{"m1:met", "m2:met", "m3:met", "acceptance:met"}, // ratings
		{"m1:met", "m2:met", "m3:met", "acceptance:met"}, // closed
	} {
		r := rs[len(rs)-13+i]
		if got := statuses(r); !slices.Equal(got, want) {
			t.Errorf("release %d %v: milestones %v, want %v", i, r.Tag, got, want)
		}
	}
	impl := rs[len(rs)-1].Contracts[0].Implementation
	if len(impl.Documents) != 4 || impl.Documents[0].DocumentType != "physicalProgressReport" || impl.Documents[0].SHA256 != sha {
		t.Errorf("report documents = %+v", impl.Documents)
	}
	if m := impl.Milestones[3]; m.Type != "approval" || !m.DateMet.Equal(at(9, 15, 10)) {
		t.Errorf("acceptance milestone = %+v", m)
	}
	ratings := find(rs, "implementationUpdate")
	sat := ratings[len(ratings)-1]
	if s := sat.Contracts[0].Implementation.Satisfaction; s == nil || s.Average != 4.33 || s.Count != 3 {
		t.Errorf("satisfaction = %+v", s)
	}
	if !sat.Date.Equal(at(9, 20, 21)) {
		t.Errorf("satisfaction dated %v", sat.Date)
	}
	if last := rs[len(rs)-1]; last.Contracts[0].Status != "terminated" || last.Contracts[0].Implementation.Satisfaction != nil {
		t.Errorf("closing release = %+v", last.Contracts[0])
	}
	direct := ocds.Releases(branch("direct"), cfg)
	if c := direct[len(direct)-1].Contracts[0]; c.Description != "合同金额与中标金额不同的原因：经协商减少一处花池，金额相应调减。" {
		t.Errorf("amendment = %q", c.Description)
	}
	cancelled := ocds.Releases(branch("cancelled-after-award"), cfg)
	if last := cancelled[len(cancelled)-1]; last.Awards[0].Status != "cancelled" || last.Tender.Status != "cancelled" {
		t.Errorf("cancelled after award: %+v %+v", last.Awards[0], last.Tender)
	}
}

func TestCompiledRelease(t *testing.T) {
	t.Parallel()
	cfg := testConfig()
	rs := ocds.Releases(life("closed"), cfg)
	rec, err := ocds.RecordPackage(rs[0].OCID, rs, cfg, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Records) != 1 || len(rec.Records[0].Releases) != len(rs) {
		t.Fatalf("record = %+v", rec.Records)
	}
	c := rec.Records[0].CompiledRelease
	b, _ := json.Marshal(c)
	out := string(b)
	for _, want := range []string{
		`"tag":["compiled"]`, `"id":"ocds-huitian-n-meals-2026-09-30T10:00:00+08:00"`, `"date":"2026-09-30T10:00:00+08:00"`,
		`"numberOfTenderers":3`, `"status":"terminated"`, `"satisfaction":{"average":4.33,"count":3}`,
		`"amount":48000.5`, `"amount":46500`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("compiled release lacks %s", want)
		}
	}
	tender := c["tender"].(map[string]any)
	if tender["status"] != "complete" {
		t.Errorf("compiled tender status = %v", tender["status"])
	}
	if n := len(c["awards"].([]any)); n != 1 {
		t.Errorf("%d awards", n)
	}
	impl := c["contracts"].([]any)[0].(map[string]any)["implementation"].(map[string]any)
	if n := len(impl["milestones"].([]any)); n != 4 {
		t.Errorf("%d milestones", n)
	}
	if _, err := ocds.RecordPackage("ocds-huitian-nothing", rs, cfg, time.Time{}); err == nil {
		t.Error("a record of no release compiled")
	}
	if _, err := ocds.Compile(append(slices.Clone(rs), ocds.Releases(branch("direct"), cfg)...)); err == nil {
		t.Error("releases of two processes compiled together")
	}
}

func TestAmountJSON(t *testing.T) {
	t.Parallel()
	for fen, want := range map[int64]string{0: "0", 1: "0.01", 10: "0.1", 99: "0.99", 100: "1", 12345: "123.45",
		4_800_050: "48000.5", 5_000_000: "50000", 1_000_000_000_001: "10000000000.01", -250: "-2.5"} {
		b, err := json.Marshal(ocds.Amount(fen))
		if err != nil || string(b) != want {
			t.Errorf("%d fen → %s (%v), want %s", fen, b, err, want)
		}
		var back ocds.Amount
		if err := json.Unmarshal(b, &back); err != nil || int64(back) != fen {
			t.Errorf("%s → %d fen (%v), want %d", b, back, err, fen)
		}
	}
	var a ocds.Amount
	for _, bad := range []string{"1.001", `"1"`, ".5", "1e3"} {
		if err := json.Unmarshal([]byte(bad), &a); err == nil {
			t.Errorf("%s accepted as %d fen", bad, a)
		}
	}
}
