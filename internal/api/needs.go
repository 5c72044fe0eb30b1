package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

// needJSON is a need as the API shows it. status is the effective status
// (the clock decides between published and evaluating); proposals is the
// public count of live proposals, shown even while they are sealed. The
// fields marked "detail" are present only on one need (GET /needs/{id} and
// the answers to changes), never in lists.
type needJSON struct {
	ID          string `json:"id"`
	OCID        string `json:"ocid,omitempty"`
	Title       string `json:"title"`
	Description string `json:"description"`
	StreetID    string `json:"street_id"`
	Street      string `json:"street"`
	CommunityID string `json:"community_id"`
	Community   string `json:"community"`
	Category    string `json:"category"`
	// CategorySource is "staff" (chosen or corrected) or "auto" (guessed
	// from the text with CategoryConfidence percent).
	CategorySource     procurement.CategorySource  `json:"category_source"`
	CategoryConfidence int                         `json:"category_confidence"`
	BudgetFen          int64                       `json:"budget_fen"`
	Deadline           string                      `json:"deadline,omitempty"`
	QACutoff           string                      `json:"qa_cutoff,omitempty"`
	Procedure          procurement.Procedure       `json:"procedure"`
	Qualifications     []procurement.Qualification `json:"qualifications"`
	Justification      string                      `json:"justification"`
	Status             procurement.Status          `json:"status"`
	Sealed             bool                        `json:"sealed"`
	Proposals          int                         `json:"proposals"`
	ObjectionDays      int                         `json:"objection_days"`
	ObjectionEnds      string                      `json:"objection_ends,omitempty"`
	AwardedAt          string                      `json:"awarded_at,omitempty"`
	AwardedOrgID       string                      `json:"awarded_org_id,omitempty"`
	RetenderOf         string                      `json:"retender_of,omitempty"`
	PublishedAt        string                      `json:"published_at,omitempty"`
	CreatedAt          string                      `json:"created_at"`
	UpdatedAt          string                      `json:"updated_at"`
	ReturnComment      *string                     `json:"return_comment,omitempty"` // detail, for those who see the draft
	Criteria           *[]criterionJSON            `json:"criteria,omitempty"`       // detail
	Invited            *[]orgRefJSON               `json:"invited,omitempty"`        // detail
	Actions            *[]procurement.Action       `json:"actions,omitempty"`        // detail: what the caller may do now
	Events             *[]eventJSON                `json:"events,omitempty"`         // detail: the public timeline
	Questions          *[]questionJSON             `json:"questions,omitempty"`      // detail
	Attachments        *[]documentJSON             `json:"attachments,omitempty"`    // detail: the need's files with their hashes
}

type criterionJSON struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Weight int    `json:"weight"`
}

type orgRefJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// eventJSON is one line of the timeline: who acted is named by their unit
// (street, community, organization), never as a person or an account.
type eventJSON struct {
	ID     string             `json:"id"`
	At     string             `json:"at"`
	Action string             `json:"action"`
	From   procurement.Status `json:"from"`
	To     procurement.Status `json:"to"`
	Actor  string             `json:"actor"`
	Note   string             `json:"note"`
	// OrgWithheld: the acting organization (an asker) is sealed until the
	// proposals are opened; actor and note are empty.
	OrgWithheld bool `json:"org_withheld,omitempty"`
}

type needList struct {
	Items   []needJSON `json:"items"`
	Total   int        `json:"total"`
	Page    int        `json:"page"`
	PerPage int        `json:"per_page"`
	// TotalExact is false when the count stopped at needCountUpTo: total
	// is then needCountUpTo+1, "more than needCountUpTo".
	TotalExact bool `json:"total_exact"`
}

// needCountUpTo is as far as the list of needs counts (as the board does):
// a city's million completed projects are not counted on every request.
const needCountUpTo = 1000

// needOut is the list view of a need.
func (a *API) needOut(n *procurement.Need) needJSON {
	now := a.now()
	out := needJSON{ID: n.ID, Title: n.Title, Description: n.Description, StreetID: n.StreetID, Street: n.StreetName,
		CommunityID: n.CommunityID, Community: n.CommunityName, Category: n.Category, CategorySource: n.CategorySource,
		CategoryConfidence: n.CategoryConfidence, BudgetFen: n.BudgetFen, Deadline: optTime(n.Deadline), QACutoff: optTime(n.QACutoff), Procedure: n.Procedure,
		Qualifications: n.Qualifications, Justification: n.Justification, Status: n.EffectiveStatus(now),
		Sealed: n.Sealed(now), Proposals: n.Proposals, ObjectionDays: n.ObjectionDays, AwardedAt: optTime(n.AwardedAt),
		AwardedOrgID: n.AwardedOrgID, RetenderOf: n.RetenderOf, PublishedAt: optTime(n.PublishedAt),
		CreatedAt: rfc3339(n.CreatedAt), UpdatedAt: rfc3339(n.UpdatedAt)}
	if out.Qualifications == nil {
		out.Qualifications = []procurement.Qualification{}
	}
	if !n.AwardedAt.IsZero() {
		out.ObjectionEnds = rfc3339(n.ObjectionEnds())
	}
	if n.Status.Public() && (!n.PublishedAt.IsZero() || !n.AwardedAt.IsZero()) {
		out.OCID = a.ocds.OCID(n.ID)
	}
	return out
}

// needDetail is one need with its criteria, invitations, the caller's
// possible actions, the public timeline and the questions.
func (a *API) needDetail(ctx context.Context, n *procurement.Need) (needJSON, error) {
	actor := accounts.ActorFrom(ctx)
	out := a.needOut(n)
	if procurement.CanViewPrivate(n, actor) {
		out.ReturnComment = &n.ReturnComment
	}
	crit := make([]criterionJSON, 0, len(n.Criteria))
	for _, c := range n.Criteria {
		crit = append(crit, criterionJSON{ID: c.ID, Name: c.Name, Weight: c.Weight})
	}
	out.Criteria = &crit
	invited := []orgRefJSON{}
	for _, id := range n.InvitedOrgIDs {
		o, err := a.store.FindOrganizationByID(ctx, id)
		if err != nil {
			return out, err
		}
		invited = append(invited, orgRefJSON{ID: o.ID, Name: o.Name})
	}
	out.Invited = &invited
	actions := procurement.Actions(n, actor, a.now())
	if actions == nil {
		actions = []procurement.Action{}
	}
	out.Actions = &actions
	events, err := a.store.FindNeedEvents(ctx, n.ID)
	if err != nil {
		return out, err
	}
	evs := make([]eventJSON, 0, len(events))
	for _, e := range events {
		evs = append(evs, eventJSON{ID: e.ID, At: rfc3339(e.At), Action: e.Action, From: e.From, To: e.To,
			Actor: e.Actor, Note: maskPhones(e.Note), OrgWithheld: e.Withheld})
	}
	out.Events = &evs
	qs, err := a.store.FindQuestions(ctx, n.ID)
	if err != nil {
		return out, err
	}
	questions := make([]questionJSON, 0, len(qs))
	for _, q := range qs {
		questions = append(questions, questionOut(q))
	}
	out.Questions = &questions
	docs, err := a.store.FindNeedAttachments(ctx, n.ID)
	if err != nil {
		return out, err
	}
	attachments := documentsOut(docs)
	out.Attachments = &attachments
	return out, nil
}

// writeNeed answers with the need as it is now.
func (a *API) writeNeed(w http.ResponseWriter, r *http.Request, status int, id string) error {
	n, err := a.store.FindNeedByID(r.Context(), id)
	if err != nil {
		return err
	}
	out, err := a.needDetail(r.Context(), n)
	if err != nil {
		return err
	}
	return writeJSON(w, status, out)
}

// listNeeds: GET /api/v1/needs — the public notice board, plus the drafts
// and submissions in the caller's own street or community. Newest change first.
func (a *API) listNeeds(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := readParams(r.URL, "q", "street", "community", "category", "status", "procedure", "min_fen", "max_fen",
		"page", "per_page")
	maxFen := int(a.rules.MaxBudgetFen)
	f := procurement.Filter{
		Query:     p.str("q"),
		MinFen:    int64(p.int("min_fen", 0, 0, maxFen, "api.fen_range")),
		MaxFen:    int64(p.int("max_fen", 0, 0, maxFen, "api.fen_range")),
		Page:      p.int("page", 1, 1, maxPage, "api.page_range"),
		PerPage:   p.int("per_page", defaultPerPage, 1, procurement.MaxPerPage, "api.per_page_range"),
		CountUpTo: needCountUpTo,
	}
	if f.MaxFen > 0 && f.MinFen > f.MaxFen {
		p.l.Add("min_fen", "api.fen_order")
	}
	if s := p.str("street"); s != "" {
		st, err := a.resolveStreet(ctx, s)
		if err := p.add(err); err != nil {
			return err
		}
		if st != nil {
			f.StreetID = st.ID
		}
	}
	if s := p.str("community"); s != "" {
		cm, err := a.resolveCommunity(ctx, f.StreetID, s)
		if err := p.add(err); err != nil {
			return err
		}
		if cm != nil {
			f.CommunityID = cm.ID
		}
	}
	if s := p.str("category"); s != "" {
		code, ok := registry.ParseCategory(s)
		if !ok {
			p.l.Add("category", "category.invalid")
		}
		f.Category = code
	}
	if s := p.str("status"); s != "" {
		if f.Status = procurement.Status(s); !slices.Contains(procurement.Statuses, f.Status) {
			p.l.Add("status", "api.status_invalid", joinStrings(procurement.Statuses))
		}
	}
	if s := p.str("procedure"); s != "" {
		if f.Procedure = procurement.Procedure(s); !slices.Contains(procurement.Procedures, f.Procedure) {
			p.l.Add("procedure", "need.procedure_invalid")
		}
	}
	if err := p.l.Err(); err != nil {
		return err
	}
	needs, total, err := a.store.FindNeeds(ctx, f)
	if err != nil {
		return err
	}
	out := needList{Items: make([]needJSON, 0, len(needs)), Total: total, Page: f.Page, PerPage: f.PerPage,
		TotalExact: total <= needCountUpTo}
	for _, n := range needs {
		out.Items = append(out.Items, a.needOut(n))
	}
	return writeJSON(w, http.StatusOK, out)
}

func joinStrings[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}

// getNeed: GET /api/v1/needs/{id}. A draft the caller may not see is not
// found, like one that does not exist.
func (a *API) getNeed(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	return a.writeNeed(w, r, http.StatusOK, id)
}

type criterionIn struct {
	Name   string `json:"name"`
	Weight int    `json:"weight"`
}

// needCreate is the POST body. community is an id or an exact name (within
// street when given); street alone names the street of a street-wide need.
// criteria left out take procurement.DefaultCriteria(); invited takes
// organization ids, exact names or source keys.
type needCreate struct {
	Title          string                      `json:"title"`
	Description    string                      `json:"description"`
	Street         string                      `json:"street"`
	Community      string                      `json:"community"`
	Category       string                      `json:"category"`
	BudgetFen      int64                       `json:"budget_fen"`
	Deadline       string                      `json:"deadline"`
	QACutoff       string                      `json:"qa_cutoff"`
	Procedure      procurement.Procedure       `json:"procedure"`
	Qualifications []procurement.Qualification `json:"qualifications"`
	Criteria       []criterionIn               `json:"criteria"`
	Justification  string                      `json:"justification"`
	Invited        []string                    `json:"invited"`
}

// createNeed: POST /api/v1/needs → 201 and the draft.
func (a *API) createNeed(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	var in needCreate
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	n := &procurement.Need{Title: in.Title, Description: in.Description, BudgetFen: in.BudgetFen,
		Procedure: in.Procedure, Qualifications: in.Qualifications, Justification: in.Justification,
		Criteria: procurement.DefaultCriteria()}
	// Problems of references and times are reported with every other
	// problem of the body, so a client fixes them all in one round.
	var refs errs.List
	n.Category = a.category(&refs, in.Category)
	if s := strings.TrimSpace(in.Street); s != "" {
		st, err := a.resolveStreet(ctx, s)
		if err := addField(&refs, err); err != nil {
			return err
		}
		if st != nil {
			n.StreetID, n.StreetName = st.ID, st.Name
		}
	}
	if s := strings.TrimSpace(in.Community); s != "" {
		cm, err := a.resolveCommunity(ctx, n.StreetID, s)
		if err := addField(&refs, err); err != nil {
			return err
		}
		if cm != nil {
			n.CommunityID = cm.ID
		}
	}
	n.Deadline = parseTime(&refs, "deadline", in.Deadline)
	n.QACutoff = parseTime(&refs, "qa_cutoff", in.QACutoff)
	if in.Criteria != nil {
		n.Criteria = criteriaIn(in.Criteria)
	}
	invited, err := a.resolveInvited(ctx, &refs, in.Invited)
	if err != nil {
		return err
	}
	n.InvitedOrgIDs = invited
	if len(refs) > 0 {
		check := *n
		if check.CommunityID == "" && strings.TrimSpace(in.Community) != "" {
			check.CommunityID = "unresolved" // already reported in refs
		}
		for _, e := range errs.Fields(check.Validate(a.rules)) {
			if !slices.ContainsFunc(refs, func(r *errs.Error) bool { return r.Field == e.Field }) {
				refs = append(refs, e)
			}
		}
		return refs.Err()
	}
	if err := a.store.CreateNeed(ctx, n, a.rules); err != nil {
		return err
	}
	w.Header().Set("Location", Prefix+"/needs/"+n.ID)
	return a.writeNeed(w, r, http.StatusCreated, n.ID)
}

// category reads a taxonomy code or its Chinese name; "" lets the domain guess.
func (a *API) category(l *errs.List, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	code, ok := registry.ParseCategory(s)
	if !ok {
		l.Add("category", "category.invalid")
		return s
	}
	return code
}

func criteriaIn(in []criterionIn) []procurement.Criterion {
	out := make([]procurement.Criterion, 0, len(in))
	for _, c := range in {
		out = append(out, procurement.Criterion{Name: c.Name, Weight: c.Weight})
	}
	return out
}

// resolveInvited turns organization ids, exact names or source keys into
// ids; an unknown one is reported against "invited".
func (a *API) resolveInvited(ctx context.Context, l *errs.List, refs []string) ([]string, error) {
	var ids []string
	for _, ref := range refs {
		ref = strings.TrimSpace(ref)
		if ref == "" {
			continue
		}
		id, err := a.store.ResolveScope(ctx, accounts.OrgAdmin, ref)
		switch errs.CodeOf(err) {
		case "":
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		case errs.Invalid, errs.NotFound, errs.Conflict:
			l.Add("invited", "need.invited_unknown", ref)
		default:
			return nil, err
		}
	}
	return ids, nil
}

// needPatch is the PATCH body: absent or null leaves a field as it is.
// A deadline of "" clears it (a draft may leave it to the street).
type needPatch struct {
	Title          *string                      `json:"title"`
	Description    *string                      `json:"description"`
	Category       *string                      `json:"category"`
	BudgetFen      *int64                       `json:"budget_fen"`
	Deadline       *string                      `json:"deadline"`
	QACutoff       *string                      `json:"qa_cutoff"`
	Procedure      *procurement.Procedure       `json:"procedure"`
	Qualifications *[]procurement.Qualification `json:"qualifications"`
	Criteria       *[]criterionIn               `json:"criteria"`
	Justification  *string                      `json:"justification"`
	Invited        *[]string                    `json:"invited"`
}

// updateNeed: PATCH /api/v1/needs/{id}. Editing a published need that has
// proposals pushes its deadline back and asks the bidders to re-confirm.
func (a *API) updateNeed(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	var in needPatch
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	ctx := r.Context()
	var l errs.List
	u := store.NeedUpdate{Title: in.Title, Description: in.Description, BudgetFen: in.BudgetFen, Procedure: in.Procedure,
		Qualifications: in.Qualifications, Justification: in.Justification}
	if in.Category != nil {
		c := a.category(&l, *in.Category)
		u.Category = &c
	}
	if in.Deadline != nil {
		t := parseTime(&l, "deadline", *in.Deadline)
		u.Deadline = &t
	}
	if in.QACutoff != nil {
		t := parseTime(&l, "qa_cutoff", *in.QACutoff)
		u.QACutoff = &t
	}
	if in.Criteria != nil {
		c := criteriaIn(*in.Criteria)
		u.Criteria = &c
	}
	if in.Invited != nil {
		ids, err := a.resolveInvited(ctx, &l, *in.Invited)
		if err != nil {
			return err
		}
		if ids == nil {
			ids = []string{}
		}
		u.InvitedOrgIDs = &ids
	}
	if err := l.Err(); err != nil {
		return err
	}
	if _, err := a.store.UpdateNeed(ctx, id, u, a.rules); err != nil {
		return err
	}
	return a.writeNeed(w, r, http.StatusOK, id)
}

// stepBody is the body of a simple transition: return takes a comment,
// cancel and fail a reason; the others take nothing (an empty body or {}).
type stepBody struct {
	Comment *string `json:"comment"`
	Reason  *string `json:"reason"`
	// Deadline, on publish only: the street sets (or moves) the proposal
	// deadline as it publishes.
	Deadline *time.Time `json:"deadline"`
}

// stepNote names the body field a transition's note comes in.
var stepNote = map[procurement.Action]string{procurement.ActReturn: "comment", procurement.ActCancel: "reason",
	procurement.ActFail: "reason"}

// needStep handles POST /api/v1/needs/{id}/{action} for submit, return,
// publish, cancel, fail and close: the state machine decides who may, when.
func needStep(action procurement.Action) func(a *API, w http.ResponseWriter, r *http.Request) error {
	return func(a *API, w http.ResponseWriter, r *http.Request) error {
		if _, err := requireActor(r); err != nil {
			return err
		}
		id, err := pathID(r, "id", "need")
		if err != nil {
			return err
		}
		var in stepBody
		if err := a.decodeOptional(w, r, &in); err != nil {
			return err
		}
		note := ""
		switch want := stepNote[action]; {
		case in.Comment != nil && want != "comment":
			return errs.Field("comment", "api.body_unknown_field", "comment")
		case in.Reason != nil && want != "reason":
			return errs.Field("reason", "api.body_unknown_field", "reason")
		case in.Comment != nil:
			note = *in.Comment
		case in.Reason != nil:
			note = *in.Reason
		}
		if in.Deadline != nil && action != procurement.ActPublish {
			return errs.Field("deadline", "api.body_unknown_field", "deadline")
		}
		if in.Deadline != nil {
			_, err = a.store.PublishNeed(r.Context(), id, *in.Deadline, note, a.rules)
		} else {
			_, err = a.store.TransitionNeed(r.Context(), id, action, note, a.rules)
		}
		if err != nil {
			return err
		}
		return a.writeNeed(w, r, http.StatusOK, id)
	}
}

// questionJSON is a public question and its answer; the asking
// organization is named (once the proposals are opened, or to the need's
// staff and the asker itself before), the person is not.
type questionJSON struct {
	ID          string `json:"id"`
	NeedID      string `json:"need_id"`
	OrgID       string `json:"org_id"`
	Org         string `json:"org"`
	OrgWithheld bool   `json:"org_withheld,omitempty"`
	Text        string `json:"text"`
	Answer      string `json:"answer"`
	AskedAt     string `json:"asked_at"`
	AnsweredAt  string `json:"answered_at,omitempty"`
}

func questionOut(q *procurement.Question) questionJSON {
	return questionJSON{ID: q.ID, NeedID: q.NeedID, OrgID: q.OrgID, Org: q.OrgName, OrgWithheld: q.Withheld, Text: q.Text,
		Answer: q.Answer, AskedAt: rfc3339(q.AskedAt), AnsweredAt: optTime(q.AnsweredAt)}
}

type questionList struct {
	Items []questionJSON `json:"items"`
	Total int            `json:"total"`
}

// listQuestions: GET /api/v1/needs/{id}/questions, oldest first.
func (a *API) listQuestions(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	qs, err := a.store.FindQuestions(r.Context(), id)
	if err != nil {
		return err
	}
	out := questionList{Items: make([]questionJSON, 0, len(qs)), Total: len(qs)}
	for _, q := range qs {
		out.Items = append(out.Items, questionOut(q))
	}
	return writeJSON(w, http.StatusOK, out)
}

// questionAsk is the POST body; org_id picks the organization the caller
// asks for when they belong to more than one.
type questionAsk struct {
	Text  string `json:"text"`
	OrgID string `json:"org_id"`
}

// askQuestion: POST /api/v1/needs/{id}/questions → 201, before the Q&A cut-off.
func (a *API) askQuestion(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "need")
	if err != nil {
		return err
	}
	var in questionAsk
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	q, err := a.store.AskQuestion(r.Context(), id, in.OrgID, in.Text)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, questionOut(q))
}

type answerBody struct {
	Answer string `json:"answer"`
}

// answerQuestion: POST /api/v1/questions/{id}/answer — the buyer answers publicly.
func (a *API) answerQuestion(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "question")
	if err != nil {
		return err
	}
	var in answerBody
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	q, err := a.store.AnswerQuestion(r.Context(), id, in.Answer)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, questionOut(q))
}
