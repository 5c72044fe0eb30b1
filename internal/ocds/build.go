package ocds

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
)

// kind is a significant stage of a need, in the order stages happen (ties
// in time sort by it).
type kind int

const (
	kTender       kind = iota // published
	kTenderUpdate             // a published need was edited
	kDeadline                 // the clock closed the tender: tenderers become public
	kCancel
	kFail
	kAward
	kObjectionEnd // the objection period ended: the award is in force
	kContract
	kReport     // the supplier reported progress
	kImplUpdate // a milestone was accepted or returned, the work delivered or sent back
	kAccept     // 验收
	kClose
	kSatisfaction // residents' ratings as of their latest
)

// stage is one release to be: what happened, when, and the stable suffix of
// the release id (the timeline event's id, or a fixed name for a stage the
// clock or the domain dates decide).
type stage struct {
	kind   kind
	at     time.Time
	id     string
	action string
}

// eventKinds maps timeline actions to stages; any other action (create,
// submit, return, assign_panel, answer, retender, deadline_passed …) is not
// an OCDS stage. deadline_passed only writes down what the clock decided,
// so the deadline stage is dated by the deadline itself.
var eventKinds = map[string]kind{
	string(procurement.ActPublish):     kTender,
	string(procurement.ActEdit):        kTenderUpdate,
	"attach":                           kTenderUpdate, // new tender documents (only a published need's count)
	string(procurement.ActCancel):      kCancel,
	string(procurement.ActFail):        kFail,
	string(procurement.ActAward):       kAward,
	string(procurement.ActContract):    kContract,
	string(procurement.ActReport):      kReport,
	string(procurement.ActAcceptStone): kImplUpdate,
	string(procurement.ActReturnStone): kImplUpdate,
	string(procurement.ActDeliver):     kImplUpdate,
	string(procurement.ActRejectWork):  kImplUpdate,
	string(procurement.ActAccept):      kAccept,
	string(procurement.ActClose):       kClose,
}

// method maps a procedure to the OCDS method codelist.
var method = map[procurement.Procedure]string{
	procurement.Open: "open", procurement.Invited: "selective", procurement.Direct: "direct",
}

// methodDetails names the procedure as the platform does.
var methodDetails = map[procurement.Procedure]string{
	procurement.Open: "公开征集", procurement.Invited: "邀请征集", procurement.Direct: "小额直接委托",
}

var qualificationText = map[procurement.Qualification]string{
	procurement.RegisteredOnly: "仅限民政登记的社会组织", procurement.LocalOnly: "仅限本街道的社会组织",
}

// Fixed ids within a process: a need has at most one award and one contract.
const (
	awardID        = "award-1"
	contractID     = "contract-1"
	acceptanceID   = "acceptance"
	buyerPrefix    = "street-"
	orgPrefix      = "org-"
	currency       = "CNY"
	initiationType = "tender"
	language       = "zh"
)

// Releases returns the releases of a need's process, oldest first: one per
// significant stage, derived from the timeline (publish → tender, edit →
// tenderUpdate, the deadline → tenderUpdate with the tenderers, award →
// award, end of the objection period → awardUpdate, contract → contract,
// report → implementation, milestone reviews, delivery and acceptance →
// implementationUpdate, close → contractTermination, cancel →
// tenderCancellation, fail → tenderUpdate "unsuccessful", the latest
// ratings → implementationUpdate). Domain dates fill stages the timeline
// lacks (imported projects have none). Each release shows the process as of
// its date. Drafts, submitted and never-published needs give none.
func Releases(p Process, cfg Config) []Release {
	n := p.Need
	if n == nil || !n.Status.Public() {
		return nil
	}
	b := &builder{p: p, n: n, cfg: cfg, now: p.Now, ocid: cfg.OCID(n.ID), loc: cfg.location(), first: map[kind]time.Time{}}
	if b.now.IsZero() {
		b.now = time.Now()
	}
	b.buyer, b.community = p.Buyer, p.Community
	if b.buyer.ID == "" {
		b.buyer = Unit{ID: n.StreetID, Name: n.StreetName}
	}
	if b.community.ID == "" {
		b.community = Unit{ID: n.CommunityID, Name: n.CommunityName}
	}
	stages := b.stages()
	out := make([]Release, 0, len(stages))
	for _, s := range stages {
		out = append(out, b.release(s))
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

type builder struct {
	p                Process
	n                *procurement.Need
	cfg              Config
	now              time.Time
	ocid             string
	loc              *time.Location
	buyer, community Unit
	// first is when each stage first happened; delivered when the work
	// was; reviews when a milestone was accepted or returned.
	first     map[kind]time.Time
	delivered time.Time
	reviews   []time.Time
}

func (b *builder) stages() []stage {
	n, p := b.n, b.p
	events := slices.Clone(p.Events)
	slices.SortStableFunc(events, func(x, y procurement.Event) int { return x.At.Compare(y.At) })
	var st []stage
	seen := map[kind]bool{}
	for _, e := range events {
		k, ok := eventKinds[e.Action]
		if !ok || e.At.IsZero() || e.ID == "" {
			continue
		}
		// Only edits of a published need count: drafts are not public.
		if k == kTenderUpdate && e.From != procurement.Published && e.To != procurement.Published {
			continue
		}
		st = append(st, stage{kind: k, at: e.At, id: e.ID, action: e.Action})
		seen[k] = true
	}
	fill := func(k kind, at time.Time, id string) {
		if !seen[k] && !at.IsZero() {
			st = append(st, stage{kind: k, at: at, id: id})
			seen[k] = true
		}
	}
	fill(kTender, n.PublishedAt, "tender")
	if p.Award != nil {
		awarded := firstSet(p.Award.DecidedAt, n.AwardedAt)
		// A project imported from before the platform was tendered
		// elsewhere: its process is public from its award.
		fill(kTender, awarded, "tender")
		fill(kAward, awarded, "award")
	}
	if p.Contract != nil {
		fill(kContract, firstSet(p.Contract.SignedAt, p.Contract.Start), "contract")
	}
	if p.Acceptance != nil {
		fill(kAccept, p.Acceptance.At, "acceptance")
	}
	switch n.Status {
	case procurement.Cancelled:
		fill(kCancel, n.UpdatedAt, "cancelled")
	case procurement.Failed:
		fill(kFail, n.UpdatedAt, "failed")
	case procurement.Closed:
		fill(kClose, n.UpdatedAt, "closed")
	}

	// The process starts when the need is published: nothing before it is
	// public, nothing after the clock has happened, and a stage without the
	// data that describes it is left out.
	published := time.Time{}
	for _, s := range st {
		if s.kind == kTender && (published.IsZero() || s.at.Before(published)) {
			published = s.at
		}
	}
	if published.IsZero() {
		return nil
	}
	sealed := n.Sealed(b.now)
	st = slices.DeleteFunc(st, func(s stage) bool {
		switch {
		case s.at.Before(published), s.at.After(b.now):
			return true
		case sealed:
			return s.kind != kTender && s.kind != kTenderUpdate
		case s.kind == kAward:
			return p.Award == nil
		case s.kind >= kContract:
			return p.Contract == nil
		}
		return false
	})
	for _, s := range st {
		if f, ok := b.first[s.kind]; !ok || s.at.Before(f) {
			b.first[s.kind] = s.at
		}
		switch s.action {
		case string(procurement.ActDeliver):
			if b.delivered.IsZero() || s.at.Before(b.delivered) {
				b.delivered = s.at
			}
		case string(procurement.ActAcceptStone), string(procurement.ActReturnStone):
			b.reviews = append(b.reviews, s.at)
		}
	}

	// Stages the clock decides: dated by the rule, so their ids and
	// content do not depend on when a sweep noticed.
	if d := n.Deadline; !sealed && !d.IsZero() && d.After(published) && !d.After(b.now) &&
		!b.before(kCancel, d) && !b.before(kFail, d) {
		st = append(st, stage{kind: kDeadline, at: d, id: "deadline"})
	}
	if aw, ok := b.first[kAward]; ok && n.ObjectionDays > 0 {
		end := aw.AddDate(0, 0, n.ObjectionDays)
		if !end.After(b.now) && !b.before(kCancel, end) && !b.before(kContract, end) {
			st = append(st, stage{kind: kObjectionEnd, at: end, id: "objection-end"})
		}
	}
	if p.RatingCount > 0 && p.Contract != nil && !sealed {
		if _, ok := b.first[kAccept]; ok {
			at, id := p.RatedAt, "satisfaction-"+p.RatedAt.UTC().Format("20060102T150405.999999999Z")
			if at.IsZero() {
				at, id = b.first[kAccept], "satisfaction"
			}
			if !at.After(b.now) && !at.Before(published) {
				st = append(st, stage{kind: kSatisfaction, at: at, id: id})
			}
		}
	}
	slices.SortStableFunc(st, func(x, y stage) int {
		if c := x.at.Compare(y.at); c != 0 {
			return c
		}
		if x.kind != y.kind {
			return int(x.kind) - int(y.kind)
		}
		return strings.Compare(x.id, y.id)
	})
	return st
}

// before reports whether stage k first happened strictly before t.
func (b *builder) before(k kind, t time.Time) bool {
	f, ok := b.first[k]
	return ok && f.Before(t)
}

// has reports whether stage k had happened by at.
func (b *builder) has(k kind, at time.Time) bool {
	f, ok := b.first[k]
	return ok && !f.After(at)
}

func (b *builder) t(x time.Time) time.Time {
	if x.IsZero() {
		return x
	}
	return x.In(b.loc)
}

func (b *builder) tags(s stage) []string {
	switch s.kind {
	case kTender:
		return []string{"tender"}
	case kCancel:
		if b.has(kAward, s.at) {
			return []string{"tenderCancellation", "awardCancellation"}
		}
		return []string{"tenderCancellation"}
	case kAward:
		return []string{"award"}
	case kObjectionEnd:
		return []string{"awardUpdate"}
	case kContract:
		return []string{"contract"}
	case kReport:
		return []string{"implementation"}
	case kImplUpdate, kAccept, kSatisfaction:
		return []string{"implementationUpdate"}
	case kClose:
		return []string{"contractTermination"}
	}
	return []string{"tenderUpdate"} // edit, deadline, fail
}

func (b *builder) release(s stage) Release {
	at := s.at
	buyer := OrganizationRef{ID: buyerPrefix + b.buyer.ID, Name: b.buyer.Name}
	r := Release{OCID: b.ocid, ID: b.ocid + "-" + s.id, Date: b.t(at), Tag: b.tags(s), InitiationType: initiationType,
		Language: language, Buyer: &buyer}
	r.Parties = []Party{{ID: buyer.ID, Name: buyer.Name, Roles: []string{"buyer", "procuringEntity"}}}
	tenderers := b.tenderers(at)
	var supplier *registry.Organization
	if b.has(kAward, at) {
		supplier = b.supplier()
	}
	for _, o := range tenderers {
		roles := []string{"tenderer"}
		if supplier != nil && supplier.ID == o.ID {
			roles = append(roles, "supplier")
			supplier = nil
		}
		r.Parties = append(r.Parties, b.orgParty(o, roles))
	}
	if supplier != nil {
		r.Parties = append(r.Parties, b.orgParty(supplier, []string{"supplier"}))
	}
	r.Tender = b.tender(at, buyer, tenderers)
	if b.has(kAward, at) {
		r.Awards = []Award{b.award(at)}
	}
	if b.has(kContract, at) {
		r.Contracts = []Contract{b.contract(at, s.kind == kSatisfaction)}
	}
	if b.n.RetenderOf != "" {
		r.RelatedProcesses = []RelatedProcess{{ID: "retender-of", Relationship: []string{"unsuccessfulProcess"},
			Scheme: "ocid", Identifier: b.cfg.OCID(b.n.RetenderOf)}}
	}
	return r
}

// opened reports whether the tender had closed by at, so that who bid may
// be shown: never while sealed, never for a tender cancelled before its
// deadline (its proposals were never opened).
func (b *builder) opened(at time.Time) bool {
	n := b.n
	if n.Sealed(b.now) {
		return false
	}
	if n.Deadline.IsZero() {
		return b.has(kAward, at) || b.has(kFail, at)
	}
	return !at.Before(n.Deadline) && !b.now.Before(n.Deadline) && !b.before(kCancel, n.Deadline)
}

// tenderers returns the tenderers to show at at: none until the tender has
// closed, each organization once.
func (b *builder) tenderers(at time.Time) []*registry.Organization {
	if !b.opened(at) {
		return nil
	}
	var out []*registry.Organization
	seen := map[string]bool{}
	for _, o := range b.p.Tenderers {
		if o == nil || o.ID == "" || seen[o.ID] {
			continue
		}
		seen[o.ID] = true
		out = append(out, o)
	}
	return out
}

func (b *builder) supplier() *registry.Organization {
	if s := b.p.Supplier; s != nil && s.ID != "" {
		return s
	}
	if a := b.p.Award; a != nil && a.OrgID != "" {
		return &registry.Organization{ID: a.OrgID, Name: a.OrgName}
	}
	return nil
}

// orgParty describes an organization: its name, party form and, if the
// publisher chose a scheme, its credit code. Never its contact person or phone.
func (b *builder) orgParty(o *registry.Organization, roles []string) Party {
	p := Party{ID: orgPrefix + o.ID, Name: o.Name, Roles: roles}
	if label, ok := registry.PartyFormLabels[o.PartyForm]; ok {
		p.Details = &PartyDetails{PartyForm: &Code{Code: string(o.PartyForm), Name: label}}
	}
	if b.cfg.IdentifierScheme != "" && o.CreditCode != "" {
		p.Identifier = &Identifier{Scheme: b.cfg.IdentifierScheme, ID: o.CreditCode, LegalName: o.Name}
	}
	return p
}

func (b *builder) tenderStatus(at time.Time) string {
	switch {
	case b.has(kCancel, at):
		return "cancelled"
	case b.has(kFail, at):
		return "unsuccessful"
	case b.has(kAward, at):
		return "complete"
	}
	return "active"
}

func (b *builder) tender(at time.Time, buyer OrganizationRef, tenderers []*registry.Organization) *Tender {
	n := b.n
	published := b.first[kTender]
	t := &Tender{
		ID:                       n.ID,
		Title:                    scrub(n.Title),
		Description:              scrub(n.Description),
		Status:                   b.tenderStatus(at),
		ProcuringEntity:          &buyer,
		Value:                    &Value{Amount: Amount(n.BudgetFen), Currency: currency},
		ProcurementMethod:        method[n.Procedure],
		ProcurementMethodDetails: methodDetails[n.Procedure],
		MainProcurementCategory:  "services",
		SubmissionMethod:         []string{"electronicSubmission"},
		EligibilityCriteria:      eligibility(n),
		TenderPeriod:             &Period{StartDate: b.t(published), EndDate: b.t(n.Deadline)},
	}
	if !n.QACutoff.IsZero() {
		t.EnquiryPeriod = &Period{StartDate: b.t(published), EndDate: b.t(n.QACutoff)}
	}
	if n.Procedure == procurement.Direct {
		t.ProcurementMethodRationale = scrub(n.Justification)
	} else if len(n.Criteria) > 0 {
		t.AwardCriteria = "ratedCriteria"
		parts := make([]string, 0, len(n.Criteria))
		for _, c := range n.Criteria {
			parts = append(parts, scrub(c.Name)+" "+strconv.Itoa(c.Weight)+"%")
		}
		t.AwardCriteriaDetails = "按评审标准加权评分：" + strings.Join(parts, "；")
	}
	if b.opened(at) {
		// The count is the tenderers listed, else the need's count of live
		// proposals; a project imported without either has no known count.
		count := len(tenderers)
		if count == 0 {
			count = n.Proposals
		}
		if count > 0 || !n.Deadline.IsZero() {
			t.NumberOfTenderers = &count
		}
		for _, o := range tenderers {
			t.Tenderers = append(t.Tenderers, OrganizationRef{ID: orgPrefix + o.ID, Name: o.Name})
		}
	}
	for _, d := range b.p.Documents {
		if d.Owner == n.ID && !d.Uploaded.After(at) {
			t.Documents = append(t.Documents, b.document(d, "biddingDocuments"))
		}
	}
	if b.community.ID != "" {
		t.Community = &Community{ID: b.community.ID, Name: b.community.Name}
	}
	if c := registry.CategoryByCode(n.Category); c != nil {
		t.ServiceCategory = &Code{Code: c.Code, Name: c.Name}
	}
	return t
}

func eligibility(n *procurement.Need) string {
	var parts []string
	if n.Procedure != procurement.Open {
		parts = append(parts, "仅限受邀组织")
	}
	for _, q := range n.Qualifications {
		if s, ok := qualificationText[q]; ok {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "；")
}

func (b *builder) awardStatus(at time.Time) string {
	switch {
	case b.has(kCancel, at):
		return "cancelled"
	case b.has(kContract, at):
		return "active"
	case b.n.ObjectionDays > 0 && at.Before(b.first[kAward].AddDate(0, 0, b.n.ObjectionDays)):
		// The objection period is a cooling-off period: not in force yet.
		return "pending"
	}
	return "active"
}

func (b *builder) award(at time.Time) Award {
	a := b.p.Award
	aw := Award{ID: awardID, Description: scrub(a.Reason), Status: b.awardStatus(at), Date: b.t(b.first[kAward]),
		Value: &Value{Amount: Amount(a.AmountFen), Currency: currency}}
	if s := b.supplier(); s != nil {
		aw.Suppliers = []OrganizationRef{{ID: orgPrefix + s.ID, Name: s.Name}}
	}
	if b.p.AwardDurationDays > 0 {
		aw.ContractPeriod = &Period{DurationInDays: b.p.AwardDurationDays}
	}
	return aw
}

func (b *builder) contract(at time.Time, withSatisfaction bool) Contract {
	c := b.p.Contract
	ct := Contract{ID: contractID, AwardID: awardID, Status: "active", Period: &Period{StartDate: b.t(c.Start), EndDate: b.t(c.End)},
		Value: &Value{Amount: Amount(c.AmountFen), Currency: currency}, DateSigned: b.t(c.SignedAt)}
	if b.has(kClose, at) {
		ct.Status = "terminated" // completed: accepted and closed
	}
	if a := b.p.Award; c.Amendment != "" && (a == nil || a.AmountFen != c.AmountFen) {
		ct.Description = "合同金额与中标金额不同的原因：" + scrub(c.Amendment)
	}
	for _, d := range b.p.ContractDocuments {
		if !d.Uploaded.After(at) {
			ct.Documents = append(ct.Documents, b.document(d, "contractSigned"))
		}
	}
	impl := &Implementation{Milestones: b.milestones(at)}
	for _, r := range b.p.Reports {
		if r.At.After(at) {
			continue
		}
		for _, f := range r.Files {
			if f.Owner == "" || f.Owner == r.ID {
				if f.Uploaded.IsZero() {
					f.Uploaded = r.At
				}
				impl.Documents = append(impl.Documents, b.document(f, "physicalProgressReport"))
			}
		}
	}
	if withSatisfaction {
		impl.Satisfaction = &Satisfaction{Average: math.Round(b.p.RatingAverage*100) / 100, Count: b.p.RatingCount}
	}
	ct.Implementation = impl
	return ct
}

// milestones shows each milestone as of at. Which milestone a review on
// the timeline was about is not stored, so a milestone shows its current
// review (met, notMet) once some review followed its latest report by at —
// or once the work was delivered or accepted — and "scheduled" before. (A
// milestone returned and later accepted thus shows "met" from its first
// review on.)
func (b *builder) milestones(at time.Time) []Milestone {
	ms := b.p.Milestones
	if len(ms) == 0 {
		ms = b.p.Contract.Milestones
	}
	ms = slices.Clone(ms)
	slices.SortStableFunc(ms, func(x, y procurement.Milestone) int { return x.Position - y.Position })
	settled := (!b.delivered.IsZero() && !b.delivered.After(at)) || b.has(kAccept, at) || b.has(kClose, at)
	var out []Milestone
	for _, m := range ms {
		var reported time.Time
		for _, r := range b.p.Reports {
			if r.MilestoneID == m.ID && !r.At.After(at) && r.At.After(reported) {
				reported = r.At
			}
		}
		reviewed := false
		for _, rv := range b.reviews {
			reviewed = reviewed || (!reported.IsZero() && !rv.Before(reported) && !rv.After(at))
		}
		status := "scheduled"
		if settled || reviewed {
			switch m.Status {
			case procurement.MilestoneAccepted:
				status = "met"
			case procurement.MilestoneReturned:
				status = "notMet"
			}
		}
		out = append(out, Milestone{ID: m.ID, Title: scrub(m.Title), Type: "delivery", DueDate: b.t(m.Due), Status: status})
	}
	if a := b.p.Acceptance; a != nil && b.has(kAccept, at) {
		m := Milestone{ID: acceptanceID, Title: "项目验收", Type: "approval", Status: "notMet", Description: "验收未通过"}
		if a.Result == "passed" {
			m.Status, m.Description, m.DateMet = "met", "验收通过", b.t(a.At)
		}
		out = append(out, m)
	}
	return out
}

func (b *builder) document(d procurement.Document, typ string) Document {
	doc := Document{ID: d.ID, DocumentType: typ, Title: scrub(d.Name), DatePublished: b.t(d.Uploaded), Format: d.Type}
	if h := strings.ToLower(d.SHA256); isSHA256(h) {
		doc.SHA256 = h
	}
	if b.cfg.DocumentURL != nil {
		doc.URL = b.cfg.DocumentURL(d)
	}
	return doc
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}
