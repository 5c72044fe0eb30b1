package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

// maxCriteriaRows is how many criterion rows the form offers.
const maxCriteriaRows = 6

type needFormData struct {
	Need        *procurement.Need // nil when drafting
	Communities []*places.Community
	Streets     []*places.Street // where the actor may draft a need for the whole street
	Rows        []int
	Threshold   string
	// Attachments are the need's files (edit only): they are added and
	// removed on the need's page, each upload stored at once.
	Attachments []procurement.Document
	// Suggest holds similar solutions and past projects ("查找同款");
	// Adopted the offer of a need that adopted a solution (edit only).
	Suggest *suggestions
	Adopted *adoptedOffer
}

const formTime = "2006-01-02T15:04"

func (a *app) needFormValues(n *procurement.Need) url.Values {
	v := url.Values{}
	if n == nil {
		v.Set("procedure", "open")
		for i, c := range procurement.DefaultCriteria() {
			v.Set("criteria_name_"+strconv.Itoa(i), c.Name)
			v.Set("criteria_weight_"+strconv.Itoa(i), strconv.Itoa(c.Weight))
		}
		return v
	}
	v.Set("title", n.Title)
	v.Set("description", n.Description)
	v.Set("community", n.CommunityID)
	v.Set("category", n.Category)
	v.Set("budget", strings.ReplaceAll(procurement.FormatFen(n.BudgetFen), ",", ""))
	if !n.Deadline.IsZero() {
		v.Set("deadline", n.Deadline.In(a.loc).Format(formTime))
	}
	if !n.QACutoff.IsZero() {
		v.Set("qa_cutoff", n.QACutoff.In(a.loc).Format(formTime))
	}
	v.Set("procedure", string(n.Procedure))
	v.Set("justification", n.Justification)
	for _, q := range n.Qualifications {
		v.Add("qualifications", string(q))
	}
	for i, c := range n.Criteria {
		v.Set("criteria_name_"+strconv.Itoa(i), c.Name)
		v.Set("criteria_weight_"+strconv.Itoa(i), strconv.Itoa(c.Weight))
	}
	return v
}

// needFromForm reads the form into an update; parse problems are reported
// per field and merged with the domain's own validation by the caller.
func (a *app) needFromForm(r *http.Request) (store.NeedUpdate, string, error) {
	f := r.PostForm
	var l errs.List
	str := func(k string) *string { v := strings.TrimSpace(f.Get(k)); return &v }
	u := store.NeedUpdate{Title: str("title"), Description: str("description"), Category: str("category"),
		Justification: str("justification")}
	budget, err := procurement.ParseYuan("budget_fen", f.Get("budget"))
	if err != nil {
		l = append(l, errs.As(err))
	}
	u.BudgetFen = &budget
	parseTime := func(field, v string, required bool) *time.Time {
		var t time.Time
		v = strings.TrimSpace(v)
		if v == "" {
			if required {
				l.Add(field, "field.required")
			}
			return &t
		}
		t, err := time.ParseInLocation(formTime, v, a.loc)
		if err != nil {
			l.Add(field, "date.invalid_time")
		} else if !timeInRange(t) {
			l.Add(field, "date.out_of_range", minYear, maxYear)
		}
		t = t.UTC()
		return &t
	}
	u.Deadline = parseTime("deadline", f.Get("deadline"), false)
	u.QACutoff = parseTime("qa_cutoff", f.Get("qa_cutoff"), false)
	proc := procurement.Procedure(f.Get("procedure"))
	u.Procedure = &proc
	var quals []procurement.Qualification
	for _, q := range f["qualifications"] {
		quals = append(quals, procurement.Qualification(q))
	}
	u.Qualifications = &quals
	var crit []procurement.Criterion
	for i := 0; i < maxCriteriaRows; i++ {
		name := strings.TrimSpace(f.Get("criteria_name_" + strconv.Itoa(i)))
		weight := strings.TrimSpace(f.Get("criteria_weight_" + strconv.Itoa(i)))
		if name == "" && weight == "" {
			continue
		}
		w, err := strconv.Atoi(weight)
		if err != nil {
			l.Add("criteria", "need.criterion_weight")
		}
		crit = append(crit, procurement.Criterion{Name: name, Weight: w})
	}
	u.Criteria = &crit
	var invited []string
	for _, line := range strings.FieldsFunc(f.Get("invited"), func(r rune) bool { return r == '\n' || r == '、' || r == ',' || r == '，' }) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		id, err := a.Store.ResolveScope(r.Context(), accounts.OrgAdmin, line)
		if err != nil {
			l.Add("invited", "need.invited_unknown", line)
			continue
		}
		invited = append(invited, id)
	}
	u.InvitedOrgIDs = &invited
	return u, strings.TrimSpace(f.Get("community")), l.Err()
}

func (a *app) needFormData(r *http.Request, n *procurement.Need) (*needFormData, error) {
	actor := accounts.ActorFrom(r.Context())
	all, err := a.Store.FindCommunities(r.Context(), "")
	if err != nil {
		return nil, err
	}
	d := &needFormData{Need: n, Threshold: procurement.FormatFen(a.Config.Rules().DirectThresholdFen)}
	for _, c := range all {
		if accounts.Allowed(actor, accounts.Create, accounts.Resource{Kind: accounts.KindNeed, StreetID: c.StreetID, CommunityID: c.ID}) {
			d.Communities = append(d.Communities, c)
		}
	}
	streets, err := a.Store.FindStreets(r.Context())
	if err != nil {
		return nil, err
	}
	for _, st := range streets {
		if accounts.Allowed(actor, accounts.Create, accounts.Resource{Kind: accounts.KindNeed, StreetID: st.ID}) {
			d.Streets = append(d.Streets, st)
		}
	}
	for i := 0; i < maxCriteriaRows; i++ {
		d.Rows = append(d.Rows, i)
	}
	if n != nil {
		if d.Attachments, err = a.Store.FindNeedAttachments(r.Context(), n.ID); err != nil {
			return nil, err
		}
		if d.Adopted, err = a.adoptedOfferFor(r, n); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func (a *app) needNew(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.needFormData(r, nil)
	if err == nil && len(d.Communities) == 0 && len(d.Streets) == 0 {
		err = errs.E(errs.Forbidden, "auth.forbidden")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.newPage(w, r, "need.new", d)
	p.Form = a.needFormValues(nil)
	if len(d.Communities) == 1 {
		p.Form.Set("community", d.Communities[0].ID)
	}
	a.render(w, r, "need_form.html", http.StatusOK, p)
}

func (a *app) needCreate(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.needFormData(r, nil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.newPage(w, r, "need.new", d)
	if r.PostFormValue("find_similar") != "" {
		a.needSuggestAgain(w, r, p)
		return
	}
	u, community, perr := a.needFromForm(r)
	n := &procurement.Need{CommunityID: community}
	// "street:ID" is a need of the whole street, with no single community.
	if id, ok := strings.CutPrefix(community, "street:"); ok {
		n.CommunityID, n.StreetID = "", id
	}
	u.Apply(n)
	if perr != nil {
		a.formFailed(w, r, "need_form.html", p, errs.Merge(perr, n.Validate(a.Config.Rules())))
		return
	}
	if err := a.Store.CreateNeed(r.Context(), n, a.Config.Rules()); err != nil {
		a.formFailed(w, r, "need_form.html", p, err)
		return
	}
	a.redirect(w, r, "/needs/"+n.ID, "flash.need_created")
}

func (a *app) needEdit(w http.ResponseWriter, r *http.Request) {
	p, err := a.needEditPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "need_form.html", http.StatusOK, p)
}

// needEditPage builds the edit form of the need in the path, filled from it.
func (a *app) needEditPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	n, err := a.Store.FindNeedByID(r.Context(), r.PathValue("id"))
	if err == nil {
		_, err = procurement.Step(n, procurement.ActEdit, accounts.ActorFrom(r.Context()), a.Store.Now())
	}
	if err != nil {
		return nil, err
	}
	d, err := a.needFormData(r, n)
	if err != nil {
		return nil, err
	}
	p := a.newPage(w, r, "need.edit", d)
	p.Form = a.needFormValues(n)
	var names []string
	for _, id := range n.InvitedOrgIDs {
		if o, err := a.Store.FindOrganizationByID(r.Context(), id); err == nil {
			names = append(names, o.Name)
		}
	}
	p.Form.Set("invited", strings.Join(names, "\n"))
	return p, nil
}

func (a *app) needUpdate(w http.ResponseWriter, r *http.Request) {
	n, err := a.Store.FindNeedByID(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d, err := a.needFormData(r, n)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := a.newPage(w, r, "need.edit", d)
	if r.PostFormValue("find_similar") != "" {
		a.needSuggestAgain(w, r, p)
		return
	}
	u, _, perr := a.needFromForm(r)
	if perr != nil {
		probe := *n
		u.Apply(&probe)
		a.formFailed(w, r, "need_form.html", p, errs.Merge(perr, probe.Validate(a.Config.Rules())))
		return
	}
	if _, err := a.Store.UpdateNeed(r.Context(), n.ID, u, a.Config.Rules()); err != nil {
		a.formFailed(w, r, "need_form.html", p, err)
		return
	}
	a.redirect(w, r, "/needs/"+n.ID, "flash.need_saved")
}
