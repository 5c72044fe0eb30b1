package web

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

// needShowData is the need page: the hub of a tender. Every part holds only
// what this viewer may see (the store decides) and every Can* only what the
// state machine lets them do now (procurement.Actions and the domain checks).
type needShowData struct {
	Need *procurement.Need
	// PublishDeadline fills the deadline field of the publish form (the
	// need's, in local time, "" when the community left it to the street);
	// MinTenderHours is the shortest tender the rules allow.
	PublishDeadline string
	MinTenderHours  int
	Status          procurement.Status
	Events          []procurement.Event
	Actions         []procurement.Action // simple transitions this actor may take now
	All             []procurement.Action // every transition this actor may take now
	CanEdit         bool
	Private         bool // the viewer sees internal parts (return comment)
	// The street's return comment is the community's task while the need is
	// back in draft (ReturnOpen); once resubmitted it is the previous
	// return, of ReturnedAt (kept for the street until it publishes).
	ReturnOpen bool
	ReturnedAt time.Time
	Invited    []string
	Adopted    store.AdoptionInfo // the same-style solution this need adopted, if any
	Sealed     bool
	Opened     bool
	Now        time.Time
	// Failed names the form whose errors the page shows ("" for the
	// one-button transitions), so each error sits beside its own form.
	Failed string

	// Attachments (the need's own files, with their hashes)
	Attachments []procurement.Document
	CanAttach   bool // add files: whoever may edit the need now
	CanDetach   bool // remove files: the same people, while it is a draft

	// Q&A
	Questions []*procurement.Question
	CanAsk    bool
	CanAnswer bool // answer questions (the need's street or community, while open)
	Orgs      []orgChoice

	// Proposals
	Own        []*procurement.Proposal // the viewer's organizations' own, withdrawn ones included
	Others     []*procurement.Proposal // others' proposals, once opened, for the buyer, community, admins and panel
	CanPropose bool
	NewKey     string // idempotency key of this rendering of the proposal form

	// Evaluation and award
	Panel        []procurement.PanelMember // nil when the viewer may not see it
	Me           *procurement.PanelMember  // the viewer's own seat on the panel
	CanAssign    bool
	Reviewers    []store.Reviewer
	CanDeclare   bool
	CanScore     bool
	Ranking      []procurement.Ranked
	RankingLater bool // a reviewer sees the ranking once their own scores are in
	CanAward     bool
	Award        *procurement.Award
	CanRetender  bool

	// Objections
	ObjectionOpen   bool
	Objections      []*store.PublicObjection
	CanObject       bool
	CanAnswerObject bool

	// Contract and delivery
	Contract   *procurement.Contract
	CanSign    bool
	Milestones []milestoneView
	CanReport  bool
	CanDecide  bool
	CanDeliver bool
	CanAccept  bool
	CanReject  bool

	// Ratings
	Ratings  []store.PublicRating
	AvgStars float64
	Rateable bool // the need is accepted or closed
	CanRate  bool

	// Matching: recommended organizations, similar past projects and the
	// category, for the need's own staff only (nil for everyone else).
	Match *matchPanel
}

// orgChoice is an organization the viewer acts for.
type orgChoice struct {
	ID   string
	Name string
}

// milestoneView is a milestone with its progress reports.
type milestoneView struct {
	procurement.Milestone
	Reports []procurement.Report
}

// simpleActions are the transitions made by one button (with an optional note).
var simpleActions = map[procurement.Action]bool{procurement.ActSubmit: true, procurement.ActReturn: true,
	procurement.ActPublish: true, procurement.ActCancel: true, procurement.ActFail: true, procurement.ActClose: true}

// noteRequired lists the actions that need a written reason.
var noteRequired = map[procurement.Action]bool{procurement.ActReturn: true, procurement.ActCancel: true, procurement.ActFail: true}

// newKey returns a fresh idempotency key for one rendering of a form.
func newKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// optional drops the errors that only mean "you may not see this part".
func optional(err error) error {
	switch errs.CodeOf(err) {
	case errs.NotFound, errs.Forbidden, errs.Unauthorized, errs.Conflict:
		return nil
	}
	return err
}

// needPageFor builds the need page with the errors of the named form.
func (a *app) needPageFor(form string) func(http.ResponseWriter, *http.Request) (*page, error) {
	return func(w http.ResponseWriter, r *http.Request) (*page, error) {
		p, err := a.needPage(w, r)
		if err == nil {
			if d := p.Data.(*needShowData); d.shows(form) {
				d.Failed = form
			}
		}
		return p, err
	}
}

// shows reports whether the page still shows form after its failure (a
// form refused because its moment passed is gone; its error then goes to
// the top of the page).
func (d *needShowData) shows(form string) bool {
	kind, _, _ := strings.Cut(form, ":")
	switch kind {
	case "attach":
		return d.CanAttach || d.CanDetach
	case "question":
		return d.CanAsk
	case "answer":
		return d.CanAnswer
	case "proposal":
		return d.CanPropose
	case "own":
		return len(d.Own) > 0
	case "panel":
		return d.CanAssign
	case "declare":
		return d.CanDeclare
	case "award":
		return d.CanAward
	case "retender":
		return d.CanRetender
	case "objection":
		if strings.Contains(form, ":") {
			return d.CanAnswerObject
		}
		return d.CanObject
	case "report":
		return d.CanReport
	case "stone":
		return d.CanDecide
	case "deliver":
		return d.CanDeliver
	case "accept":
		return d.CanAccept
	case "reject":
		return d.CanReject
	case "rating":
		return d.CanRate
	case "invite", "category":
		return d.Match != nil
	}
	return false
}

func (a *app) needPage(w http.ResponseWriter, r *http.Request) (*page, error) {
	// Its sections each ask about the need: read it once.
	r = r.WithContext(store.ReadOnce(r.Context()))
	ctx := r.Context()
	n, err := a.Store.FindNeedByID(ctx, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	events, err := a.Store.FindNeedEvents(ctx, n.ID)
	if err != nil {
		return nil, err
	}
	actor := accounts.ActorFrom(ctx)
	now := a.Store.Now()
	d := &needShowData{Need: n, Status: n.EffectiveStatus(now), Events: events, Sealed: n.Sealed(now), Opened: n.Opened(now),
		Now: now, Private: procurement.CanViewPrivate(n, actor), NewKey: newKey()}
	d.All = procurement.Actions(n, actor, now)
	if d.Private && n.ReturnComment != "" {
		d.ReturnOpen = n.Status == procurement.Draft
		for _, e := range events {
			if e.Action == string(procurement.ActReturn) {
				d.ReturnedAt = e.At
			}
		}
	}
	if !n.Deadline.IsZero() {
		d.PublishDeadline = n.Deadline.In(a.loc).Format(formTime)
	}
	d.MinTenderHours = int(a.Config.Rules().MinTenderPeriod.Hours())
	for _, act := range d.All {
		if simpleActions[act] {
			d.Actions = append(d.Actions, act)
		}
	}
	can := func(act procurement.Action) bool { return slices.Contains(d.All, act) }
	d.CanEdit = can(procurement.ActEdit)
	d.CanAttach = d.CanEdit
	d.CanDetach = d.CanEdit && n.Status == procurement.Draft
	if d.Attachments, err = a.Store.FindNeedAttachments(ctx, n.ID); err != nil {
		return nil, err
	}
	if d.Adopted, err = a.Store.FindNeedAdoption(ctx, n.ID); err != nil {
		return nil, err
	}
	names, err := a.Store.FindOrganizationNames(ctx, n.InvitedOrgIDs)
	if err != nil {
		return nil, err
	}
	for _, id := range n.InvitedOrgIDs {
		if name, ok := names[id]; ok {
			d.Invited = append(d.Invited, name)
		}
	}
	if actor != nil {
		for _, g := range actor.Grants {
			if (g.Role == accounts.OrgAdmin || g.Role == accounts.OrgMember) && g.ScopeID != "" &&
				!slices.ContainsFunc(d.Orgs, func(o orgChoice) bool { return o.ID == g.ScopeID }) {
				d.Orgs = append(d.Orgs, orgChoice{ID: g.ScopeID, Name: g.ScopeName})
			}
		}
	}
	if n.Status.Public() {
		if err := a.loadTender(r, d, actor, now, can); err != nil {
			return nil, err
		}
		if err := a.loadDelivery(r, d, actor, can); err != nil {
			return nil, err
		}
	}
	a.loadMatch(r, d, d.CanEdit)
	p := a.newPage(w, r, "", d)
	p.Title = n.Title
	return p, nil
}

// loadTender fills the Q&A, proposals, panel, ranking, award and objections.
func (a *app) loadTender(r *http.Request, d *needShowData, actor *accounts.User, now time.Time, can func(procurement.Action) bool) error {
	ctx := r.Context()
	n := d.Need
	var err error
	if d.Questions, err = a.Store.FindQuestions(ctx, n.ID); err != nil {
		return err
	}
	// A question's own checks answer Conflict when the Q&A is closed, and a
	// field error (the empty text) when it is open.
	d.CanAsk = len(d.Orgs) > 0 && errs.CodeOf(procurement.CheckQuestion(n, "", now)) != errs.Conflict
	d.CanAnswer = can(procurement.ActAnswer) && d.Status == procurement.Published

	props, _, err := a.Store.FindProposals(ctx, n.ID)
	if err != nil {
		return err
	}
	for _, p := range props {
		if procurement.CanSubmitFor(actor, p.OrgID) {
			d.Own = append(d.Own, p)
		} else {
			d.Others = append(d.Others, p)
		}
	}
	d.CanPropose = len(d.Orgs) > 0 && procurement.CheckSubmit(n, now) == nil

	if d.Panel, err = a.Store.FindPanel(ctx, n.ID); optional(err) != nil {
		return err
	}
	for i := range d.Panel {
		if actor != nil && d.Panel[i].UserID == actor.ID {
			d.Me = &d.Panel[i]
		}
	}
	d.CanAssign = can(procurement.ActAssignPanel)
	if d.CanAssign {
		if d.Reviewers, err = a.Store.FindReviewers(ctx); optional(err) != nil {
			return err
		}
	}
	d.CanDeclare = d.Me != nil && !d.Me.Declared && (d.Status == procurement.Published || d.Status == procurement.Evaluating)
	d.CanScore = procurement.CanReview(n, d.Panel, actor, now) == nil
	if d.Opened && actor != nil {
		if d.Ranking, err = a.Store.Ranking(ctx, n.ID); optional(err) != nil {
			return err
		}
		d.RankingLater = err != nil && errs.As(err).Key == "eval.ranking_after_scores"
	}
	d.CanAward = can(procurement.ActAward)
	d.CanRetender = can(procurement.ActRetender)
	if !n.AwardedAt.IsZero() {
		if d.Award, err = a.Store.FindAward(ctx, n.ID); optional(err) != nil {
			return err
		}
		if d.Objections, err = a.Store.FindObjections(ctx, n.ID); err != nil {
			return err
		}
		// Open while the domain says "file your text", closed when it says Conflict.
		d.ObjectionOpen = errs.CodeOf(procurement.CheckObjection(n, "", now)) != errs.Conflict
		d.CanObject = d.ObjectionOpen && actor != nil
		d.CanAnswerObject = can(procurement.ActAnswer) && n.Status == procurement.Awarded &&
			actor.Holds(accounts.StreetStaff, n.Resource())
	}
	return nil
}

// loadDelivery fills the contract, milestones with their reports, and ratings.
func (a *app) loadDelivery(r *http.Request, d *needShowData, actor *accounts.User, can func(procurement.Action) bool) error {
	ctx := r.Context()
	n := d.Need
	var err error
	d.CanSign = can(procurement.ActContract)
	if d.Contract, err = a.Store.FindContract(ctx, n.ID); optional(err) != nil {
		return err
	}
	if d.Contract != nil {
		reports, err := a.Store.FindReports(ctx, n.ID)
		if err != nil {
			return err
		}
		for _, m := range d.Contract.Milestones {
			v := milestoneView{Milestone: m}
			for _, rp := range reports {
				if rp.MilestoneID == m.ID {
					v.Reports = append(v.Reports, rp)
				}
			}
			d.Milestones = append(d.Milestones, v)
		}
	}
	d.CanReport = can(procurement.ActReport)
	d.CanDecide = can(procurement.ActAcceptStone)
	d.CanDeliver = can(procurement.ActDeliver)
	d.CanAccept = can(procurement.ActAccept)
	d.CanReject = can(procurement.ActRejectWork)
	d.Rateable = n.Status == procurement.Accepted || n.Status == procurement.Closed
	if d.Rateable {
		if d.Ratings, err = a.Store.FindRatings(ctx, n.ID); err != nil {
			return err
		}
		sum := 0
		for _, rt := range d.Ratings {
			sum += rt.Stars
		}
		if len(d.Ratings) > 0 {
			d.AvgStars = float64(sum) / float64(len(d.Ratings))
		}
		// The supplier's own people may not rate their own work (the store refuses it too).
		res := n.Resource()
		supplier := res.OrgID != "" && (actor.Holds(accounts.OrgAdmin, res) || actor.Holds(accounts.OrgMember, res))
		d.CanRate = actor != nil && !supplier
	}
	return nil
}

func (a *app) needShow(w http.ResponseWriter, r *http.Request) {
	p, err := a.needPage(w, r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, "need_show.html", http.StatusOK, p)
}

// needAction takes one simple transition (submit, return, publish, cancel,
// fail, close) with its note.
func (a *app) needAction(w http.ResponseWriter, r *http.Request) {
	id, act := r.PathValue("id"), procurement.Action(r.PathValue("action"))
	if !simpleActions[act] {
		a.fail(w, r, errs.E(errs.NotFound, "error.not_found_page"))
		return
	}
	var err error
	if act == procurement.ActPublish {
		// The street sets the deadline as it publishes (the community may
		// leave it open); an empty field keeps the need's own.
		var deadline time.Time
		if v := strings.TrimSpace(r.PostFormValue("deadline")); v != "" {
			if deadline, err = time.ParseInLocation(formTime, v, a.loc); err != nil || !timeInRange(deadline) {
				a.formAgain(w, r, "need_show.html", a.needPage, errs.Field("deadline", "date.invalid_time"))
				return
			}
		}
		_, err = a.Store.PublishNeed(r.Context(), id, deadline, r.PostFormValue("note"), a.Config.Rules())
	} else {
		_, err = a.Store.TransitionNeed(r.Context(), id, act, r.PostFormValue("note"), a.Config.Rules())
	}
	if err != nil {
		a.formAgain(w, r, "need_show.html", a.needPage, err)
		return
	}
	a.redirect(w, r, "/needs/"+id, "flash.need_"+string(act))
}
