package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

// The propose/edit form of a solution. Rows of steps, outcomes and risks
// are a fixed number of blank inputs; "再加几行" (more rows) submits the form
// and comes back with more, so nothing needs JavaScript.
const (
	minStepRows    = 5
	minOutcomeRows = 3
	minRiskRows    = 2
	moreRows       = 3
	// candidateProjects bounds the projects offered to platform staff (an
	// organization sees all of its own).
	candidateProjects = 40
)

type solutionFormData struct {
	S           *catalog.Solution // nil when proposing
	StepRows    []int
	OutcomeRows []int
	RiskRows    []int
	Orgs        []orgChoice // organizations the actor may propose for
	Staff       bool        // platform staff: may propose in the platform's name
	Projects    []projectChoice
	Providers   []orgChoice // candidate providers: the version's and the chosen projects'
	Docs        []catalog.Attachment
}

// projectChoice is a completed project a solution may be proposed from.
type projectChoice struct {
	ID, Title, Where, OrgName string
	Chosen                    bool
}

func rowsOf(n, least, most int) []int {
	n = min(max(n, least), most)
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// solutionValues fills the form from a version.
func solutionValues(v *catalog.Version) url.Values {
	f := url.Values{}
	f.Set("title", v.Title)
	f.Set("problem", v.Problem)
	f.Set("summary", v.Summary)
	f.Set("category", v.Category)
	f.Set("tags", strings.Join(v.Tags, "、"))
	f["community_types"] = slices.Clone(v.Suits.CommunityTypes)
	f.Set("population", strings.Join(v.Suits.Population, "、"))
	for i, s := range v.Steps {
		k := strconv.Itoa(i)
		f.Set("step_title_"+k, s.Title)
		f.Set("step_detail_"+k, s.Detail)
		if s.Days > 0 {
			f.Set("step_days_"+k, strconv.Itoa(s.Days))
		}
	}
	if v.Inputs.Staff > 0 {
		f.Set("staff", strconv.Itoa(v.Inputs.Staff))
	}
	if v.Inputs.Volunteers > 0 {
		f.Set("volunteers", strconv.Itoa(v.Inputs.Volunteers))
	}
	f.Set("materials", strings.Join(v.Inputs.Materials, "、"))
	yuan := func(fen int64) string {
		if fen <= 0 {
			return ""
		}
		return strings.ReplaceAll(procurement.FormatFen(fen), ",", "")
	}
	f.Set("budget_min", yuan(v.BudgetMinFen))
	f.Set("budget_max", yuan(v.BudgetMaxFen))
	if v.DurationMinDays > 0 {
		f.Set("duration_min", strconv.Itoa(v.DurationMinDays))
	}
	if v.DurationMaxDays > 0 {
		f.Set("duration_max", strconv.Itoa(v.DurationMaxDays))
	}
	for i, o := range v.Outcomes {
		k := strconv.Itoa(i)
		f.Set("outcome_text_"+k, o.Text)
		f.Set("outcome_indicator_"+k, o.Indicator)
		f.Set("outcome_target_"+k, o.Target)
	}
	for i, r := range v.Risks {
		k := strconv.Itoa(i)
		f.Set("risk_text_"+k, r.Text)
		f.Set("risk_mitigation_"+k, r.Mitigation)
	}
	f["providers"] = slices.Clone(v.ProviderIDs)
	for _, a := range v.Attachments {
		f.Add("attachments", a.DocumentID)
	}
	f.Set("step_rows", strconv.Itoa(len(v.Steps)+2))
	f.Set("outcome_rows", strconv.Itoa(len(v.Outcomes)+1))
	f.Set("risk_rows", strconv.Itoa(len(v.Risks)+1))
	return f
}

// versionFromForm reads the form into a version's content; parse problems
// are reported per field and merged with the domain's validation by the
// caller. docs are the attachments offered (ticked ones are kept).
func (a *app) versionFromForm(r *http.Request, docs []catalog.Attachment) (catalog.Version, error) {
	f := r.PostForm
	var l errs.List
	v := catalog.Version{Title: f.Get("title"), Problem: f.Get("problem"), Summary: f.Get("summary"),
		Category: f.Get("category"), Tags: catalog.SplitWords(f.Get("tags")), Note: f.Get("note")}
	v.Suits = catalog.Suits{CommunityTypes: f["community_types"], Population: catalog.SplitWords(f.Get("population"))}
	num := func(field, s string) int {
		n, ok := atoi(s)
		if !ok || n < 0 {
			l.Add(field, "sol.number")
		}
		return n
	}
	rows := func(key string) int { n, _ := atoi(f.Get(key)); return min(max(n, 0), 50) }
	for i := range rows("step_rows") {
		k := strconv.Itoa(i)
		st := catalog.Step{Title: strings.TrimSpace(f.Get("step_title_" + k)), Detail: strings.TrimSpace(f.Get("step_detail_" + k))}
		days := strings.TrimSpace(f.Get("step_days_" + k))
		if st.Title == "" && st.Detail == "" && days == "" {
			continue
		}
		st.Days = num("steps", days)
		v.Steps = append(v.Steps, st)
	}
	v.Inputs = catalog.Inputs{Staff: num("staff", f.Get("staff")), Volunteers: num("volunteers", f.Get("volunteers")),
		Materials: catalog.SplitWords(f.Get("materials"))}
	var err error
	if v.BudgetMinFen, err = procurement.ParseYuan("budget", f.Get("budget_min")); err != nil {
		l = append(l, errs.As(err))
	} else if v.BudgetMaxFen, err = procurement.ParseYuan("budget", f.Get("budget_max")); err != nil {
		l = append(l, errs.As(err))
	}
	v.DurationMinDays = num("duration", f.Get("duration_min"))
	v.DurationMaxDays = num("duration", f.Get("duration_max"))
	for i := range rows("outcome_rows") {
		k := strconv.Itoa(i)
		o := catalog.Outcome{Text: f.Get("outcome_text_" + k), Indicator: f.Get("outcome_indicator_" + k), Target: f.Get("outcome_target_" + k)}
		if strings.TrimSpace(o.Text+o.Indicator+o.Target) != "" {
			v.Outcomes = append(v.Outcomes, o)
		}
	}
	for i := range rows("risk_rows") {
		k := strconv.Itoa(i)
		rk := catalog.Risk{Text: f.Get("risk_text_" + k), Mitigation: f.Get("risk_mitigation_" + k)}
		if strings.TrimSpace(rk.Text+rk.Mitigation) != "" {
			v.Risks = append(v.Risks, rk)
		}
	}
	v.ProviderIDs = slices.Clone(f["providers"])
	for _, name := range splitNames(f.Get("providers_more")) {
		id, err := a.Store.ResolveScope(r.Context(), accounts.OrgAdmin, name)
		if err != nil {
			l.Add("providers_more", "sol.providers_unknown", name)
			continue
		}
		v.ProviderIDs = append(v.ProviderIDs, id)
	}
	for _, id := range f["attachments"] {
		if i := slices.IndexFunc(docs, func(d catalog.Attachment) bool { return d.DocumentID == id }); i >= 0 {
			v.Attachments = append(v.Attachments, docs[i])
		}
	}
	return v, l.Err()
}

// formRows sets the data's row counts from the form, with more rows where
// the "more" button asked for them.
func (d *solutionFormData) formRows(f url.Values) {
	n := func(key string) int { v, _ := atoi(f.Get(key)); return v }
	steps, outcomes, risks := n("step_rows"), n("outcome_rows"), n("risk_rows")
	switch f.Get("more") {
	case "steps":
		steps += moreRows
	case "outcomes":
		outcomes += moreRows
	case "risks":
		risks += moreRows
	}
	d.StepRows = rowsOf(steps, minStepRows, catalog.MaxSteps)
	d.OutcomeRows = rowsOf(outcomes, minOutcomeRows, catalog.MaxOutcomes)
	d.RiskRows = rowsOf(risks, minRiskRows, catalog.MaxRisks)
}

// solutionFormData builds the form's choices: the organizations the actor
// proposes for, the completed projects to start from (from: the chosen),
// and the candidate providers and documents of v.
func (a *app) solutionFormData(r *http.Request, s *catalog.Solution, from []string, v *catalog.Version) (*solutionFormData, error) {
	ctx := r.Context()
	u, err := actor(r)
	if err != nil {
		return nil, err
	}
	d := &solutionFormData{S: s}
	if s == nil {
		d.Staff = catalog.CanPropose(u, "") == nil
		for _, id := range u.OrgIDs() {
			if catalog.CanPropose(u, id) != nil {
				continue
			}
			if o, err := a.Store.FindOrganizationByID(ctx, id); err == nil {
				d.Orgs = append(d.Orgs, orgChoice{ID: o.ID, Name: o.Name})
			}
		}
		if !d.Staff && len(d.Orgs) == 0 {
			return nil, errs.E(errs.Forbidden, "auth.forbidden")
		}
		projects, err := a.Store.MatchProjects(ctx)
		if err != nil {
			return nil, err
		}
		var rest []projectChoice
		names := map[string]string{}
		for _, p := range projects {
			mine := slices.ContainsFunc(d.Orgs, func(o orgChoice) bool { return o.ID == p.OrgID })
			chosen := slices.Contains(from, p.ID)
			if !mine && !chosen && !d.Staff {
				continue
			}
			if !chosen && !mine && len(rest) >= candidateProjects {
				continue
			}
			pc := projectChoice{ID: p.ID, Title: p.Title, Where: strings.TrimSpace(p.StreetName + " " + p.CommunityName), Chosen: chosen}
			if name, ok := names[p.OrgID]; ok {
				pc.OrgName = name
			} else if o, err := a.Store.FindOrganizationByID(ctx, p.OrgID); err == nil {
				pc.OrgName, names[p.OrgID] = o.Name, o.Name
			}
			if chosen {
				d.Projects = append(d.Projects, pc)
			} else {
				rest = append(rest, pc)
			}
		}
		d.Projects = append(d.Projects, rest...)
	}
	if v != nil {
		for _, id := range v.ProviderIDs {
			if o, err := a.Store.FindOrganizationByID(ctx, id); err == nil {
				d.Providers = append(d.Providers, orgChoice{ID: o.ID, Name: o.Name})
			}
		}
		d.Docs = v.Attachments
	}
	return d, nil
}

func (a *app) solutionNew(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p, err := a.solutionNewPage(w, r, q["from"], q.Get("org"), nil)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "solution_form.html", http.StatusOK, p)
}

// solutionNewPage builds the propose form: pre-filled from the chosen
// projects when there are some (form: what was typed, kept instead).
func (a *app) solutionNewPage(w http.ResponseWriter, r *http.Request, from []string, org string, form url.Values) (*page, error) {
	d, err := a.solutionFormData(r, nil, from, nil)
	if err != nil {
		return nil, err
	}
	// An organization's admin proposes for their organization unless they
	// chose another of theirs.
	if org == "" && !d.Staff && len(d.Orgs) > 0 {
		org = d.Orgs[0].ID
	}
	var v *catalog.Version
	if len(from) > 0 {
		pv, err := a.Store.SolutionPrefill(r.Context(), org, from)
		switch {
		case err == nil:
			v = pv
			withV, err := a.solutionFormData(r, nil, from, v)
			if err != nil {
				return nil, err
			}
			d.Providers, d.Docs = withV.Providers, withV.Docs
		case errs.CodeOf(err) == errs.Invalid || errs.CodeOf(err) == errs.NotFound:
			// Projects that cannot be used: the form says so when saved.
		default:
			return nil, err
		}
	}
	p := a.newPage(w, r, "sol.new", d)
	switch {
	case form != nil:
		p.Form = form
	case v != nil:
		p.Form = solutionValues(v)
	default:
		p.Form = url.Values{}
	}
	p.Form["from"] = from
	p.Form.Set("org", org)
	d.formRows(p.Form)
	return p, nil
}

func (a *app) solutionCreate(w http.ResponseWriter, r *http.Request) {
	if _, err := actor(r); err != nil {
		a.fail(w, r, err)
		return
	}
	f := r.PostForm
	from, org := f["from"], f.Get("org")
	if len(from) == 0 {
		from = nil
	}
	if f.Get("prefill") != "" {
		p, err := a.solutionNewPage(w, r, from, org, nil)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.render(w, r, "solution_form.html", http.StatusOK, p)
		return
	}
	p, err := a.solutionNewPage(w, r, from, org, f)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := p.Data.(*solutionFormData)
	if f.Get("more") != "" {
		a.render(w, r, "solution_form.html", http.StatusOK, p)
		return
	}
	docs := d.Docs
	if pv, err := a.Store.SolutionPrefill(r.Context(), org, from); err == nil {
		docs = pv.Attachments
	}
	v, perr := a.versionFromForm(r, docs)
	if perr != nil {
		probe := v
		a.formFailed(w, r, "solution_form.html", p, errs.Merge(perr, probe.Validate()))
		return
	}
	s, err := a.Store.CreateSolution(r.Context(), store.SolutionProposal{OrgID: org, NeedIDs: from, Version: v})
	if err != nil {
		a.formFailed(w, r, "solution_form.html", p, err)
		return
	}
	a.redirect(w, r, "/solutions/"+s.ID, "flash.solution_created")
}

// solutionEditPage builds the edit form of the solution in the path (its
// latest version, a draft).
func (a *app) solutionEditPage(w http.ResponseWriter, r *http.Request) (*page, *catalog.Solution, error) {
	s, err := a.Store.FindSolutionByID(r.Context(), r.PathValue("id"), 0)
	if err == nil {
		_, err = catalog.Check(s, catalog.ActEdit, accounts.ActorFrom(r.Context()))
	}
	if err != nil {
		return nil, nil, err
	}
	d, err := a.solutionFormData(r, s, nil, &s.Version)
	if err != nil {
		return nil, nil, err
	}
	p := a.newPage(w, r, "sol.edit_title", d)
	p.Form = solutionValues(&s.Version)
	p.Form.Set("note", s.Version.Note)
	return p, s, nil
}

func (a *app) solutionEdit(w http.ResponseWriter, r *http.Request) {
	p, _, err := a.solutionEditPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p.Data.(*solutionFormData).formRows(p.Form)
	a.render(w, r, "solution_form.html", http.StatusOK, p)
}

func (a *app) solutionUpdate(w http.ResponseWriter, r *http.Request) {
	p, s, err := a.solutionEditPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := p.Data.(*solutionFormData)
	d.formRows(r.PostForm)
	if r.PostFormValue("more") != "" {
		p.Form = r.PostForm
		a.render(w, r, "solution_form.html", http.StatusOK, p)
		return
	}
	v, perr := a.versionFromForm(r, s.Version.Attachments)
	if perr != nil {
		probe := v
		a.formFailed(w, r, "solution_form.html", p, errs.Merge(perr, probe.Validate()))
		return
	}
	u := store.SolutionUpdate{Title: &v.Title, Problem: &v.Problem, Summary: &v.Summary, Category: &v.Category,
		Tags: &v.Tags, Suits: &v.Suits, Steps: &v.Steps, Inputs: &v.Inputs, BudgetMinFen: &v.BudgetMinFen,
		BudgetMaxFen: &v.BudgetMaxFen, DurationMinDays: &v.DurationMinDays, DurationMaxDays: &v.DurationMaxDays,
		Outcomes: &v.Outcomes, Risks: &v.Risks, Attachments: &v.Attachments, ProviderIDs: &v.ProviderIDs, Note: &v.Note}
	if _, err := a.Store.UpdateSolution(r.Context(), s.ID, u); err != nil {
		a.formFailed(w, r, "solution_form.html", p, err)
		return
	}
	a.redirect(w, r, "/solutions/"+s.ID, "flash.solution_saved")
}

// splitNames splits a typed list of organization names (commas, 、, ；,
// newlines; a name may hold spaces).
func splitNames(s string) []string {
	var out []string
	for _, n := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(",，、;；\n\r", r) }) {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}
