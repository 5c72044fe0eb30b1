package api

import (
	"net/http"
	"strconv"

	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/grants"
)

// Grants: the foundation's funds (figures are sums of postings), rounds,
// applications, awards, tranche payments and expenses with receipts. The
// store checks role and scope and runs the state machines.

type fundJSON struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Purpose      string `json:"purpose"`
	StreetID     string `json:"street_id"`
	Street       string `json:"street"`
	Description  string `json:"description"`
	BalanceFen   int64  `json:"balance_fen"`
	DonationsFen int64  `json:"donations_fen"`
	ReservedFen  int64  `json:"reserved_fen"`
	AwardedFen   int64  `json:"awarded_fen"`
	DisbursedFen int64  `json:"disbursed_fen"`
	SpentFen     int64  `json:"spent_fen"`
	CreatedAt    string `json:"created_at"`
}

type donationJSON struct {
	ID          string `json:"id"`
	Donor       string `json:"donor"` // empty when the donor chose anonymity (public view)
	Anonymous   bool   `json:"anonymous"`
	AmountFen   int64  `json:"amount_fen"`
	Channel     string `json:"channel"`
	Restriction string `json:"restriction"`
	ReceiptNo   string `json:"receipt_no"`
	DonatedOn   string `json:"donated_on"`
	PostingID   string `json:"posting_id"`
}

// fundDetail is a fund's figures at the top level (as the list has them)
// and its thank-you list.
type fundDetail struct {
	ID           string         `json:"id"`
	Name         string         `json:"name"`
	Kind         string         `json:"kind"`
	Purpose      string         `json:"purpose"`
	StreetID     string         `json:"street_id"`
	Street       string         `json:"street"`
	Description  string         `json:"description"`
	BalanceFen   int64          `json:"balance_fen"`
	DonationsFen int64          `json:"donations_fen"`
	ReservedFen  int64          `json:"reserved_fen"`
	AwardedFen   int64          `json:"awarded_fen"`
	DisbursedFen int64          `json:"disbursed_fen"`
	SpentFen     int64          `json:"spent_fen"`
	CreatedAt    string         `json:"created_at"`
	Donations    []donationJSON `json:"donations"`
}

type fundList struct {
	Items []fundJSON `json:"items"`
	Total int        `json:"total"`
}

func fundOut(f *grants.FundRecord) fundJSON {
	return fundJSON{ID: f.ID, Name: f.Name, Kind: string(f.Kind), Purpose: f.Purpose, StreetID: f.StreetID, Street: f.StreetName,
		Description: f.Description, BalanceFen: f.Balance, DonationsFen: f.Donations, ReservedFen: f.Reserved,
		AwardedFen: f.Awarded, DisbursedFen: f.Disbursed, SpentFen: f.Spent, CreatedAt: rfc3339(f.CreatedAt)}
}

func donationOut(d *grants.Donation) donationJSON {
	return donationJSON{ID: d.ID, Donor: d.DonorName, Anonymous: d.Anonymous, AmountFen: d.Amount, Channel: d.Channel,
		Restriction: d.Restriction, ReceiptNo: d.ReceiptNo, DonatedOn: d.DonatedOn, PostingID: d.PostingID}
}

// listFunds: GET /api/v1/funds — every fund with its figures.
func (a *API) listFunds(w http.ResponseWriter, r *http.Request) error {
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	funds, err := a.store.FindFunds(r.Context())
	if err != nil {
		return err
	}
	out := fundList{Items: make([]fundJSON, 0, len(funds)), Total: len(funds)}
	for _, f := range funds {
		out.Items = append(out.Items, fundOut(f))
	}
	return writeJSON(w, http.StatusOK, out)
}

// getFund: GET /api/v1/funds/{id} — a fund, its figures and its donations
// (the public thank-you list: names as the donors chose).
func (a *API) getFund(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "fund")
	if err != nil {
		return err
	}
	f, err := a.store.FindFundByID(r.Context(), id)
	if err != nil {
		return err
	}
	ds, err := a.store.FindDonations(r.Context(), id, 500)
	if err != nil {
		return err
	}
	j := fundOut(f)
	out := fundDetail{ID: j.ID, Name: j.Name, Kind: j.Kind, Purpose: j.Purpose, StreetID: j.StreetID, Street: j.Street,
		Description: j.Description, BalanceFen: j.BalanceFen, DonationsFen: j.DonationsFen, ReservedFen: j.ReservedFen,
		AwardedFen: j.AwardedFen, DisbursedFen: j.DisbursedFen, SpentFen: j.SpentFen, CreatedAt: j.CreatedAt,
		Donations: make([]donationJSON, 0, len(ds))}
	for _, d := range ds {
		out.Donations = append(out.Donations, donationOut(d))
	}
	return writeJSON(w, http.StatusOK, out)
}

type donationIn struct {
	Donor          string `json:"donor"`
	Anonymous      bool   `json:"anonymous"`
	AmountFen      int64  `json:"amount_fen"`
	Channel        string `json:"channel"`
	Restriction    string `json:"restriction"`
	DonatedOn      string `json:"donated_on"`
	IdempotencyKey string `json:"idempotency_key"`
}

// createDonation: POST /api/v1/funds/{id}/donations — the foundation's
// staff record money received; the same key again returns the first.
func (a *API) createDonation(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "fund")
	if err != nil {
		return err
	}
	var in donationIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	d := &grants.Donation{FundID: id, DonorName: in.Donor, Anonymous: in.Anonymous, Amount: in.AmountFen, Channel: in.Channel,
		Restriction: in.Restriction, DonatedOn: in.DonatedOn}
	if err := a.store.RecordDonation(r.Context(), d, in.IdempotencyKey); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, donationOut(d))
}

type roundJSON struct {
	ID           string   `json:"id"`
	FundID       string   `json:"fund_id"`
	Fund         string   `json:"fund"`
	Name         string   `json:"name"`
	Route        string   `json:"route"`
	StreetID     string   `json:"street_id"`
	Street       string   `json:"street"`
	BudgetFen    int64    `json:"budget_fen"`
	MatchPct     int      `json:"match_pct"`
	Themes       []string `json:"themes"`
	Eligibility  string   `json:"eligibility"`
	Criteria     []string `json:"criteria"`
	Description  string   `json:"description"`
	OpensOn      string   `json:"opens_on"`
	ClosesOn     string   `json:"closes_on"`
	Status       string   `json:"status"`
	AvailableFen int64    `json:"available_fen"`
	AwardedFen   int64    `json:"awarded_fen"`
	DisbursedFen int64    `json:"disbursed_fen"`
	SpentFen     int64    `json:"spent_fen"`
	Applications int      `json:"applications"`
}

type roundList struct {
	Items []roundJSON `json:"items"`
	Total int         `json:"total"`
}

func roundOut(x *grants.RoundRecord) roundJSON {
	themes, crit := x.Themes, x.Criteria
	if themes == nil {
		themes = []string{}
	}
	if crit == nil {
		crit = []string{}
	}
	return roundJSON{ID: x.ID, FundID: x.FundID, Fund: x.FundName, Name: x.Name, Route: string(x.Route), StreetID: x.StreetID,
		Street: x.StreetName, BudgetFen: x.Budget, MatchPct: x.MatchPct, Themes: themes, Eligibility: string(x.Eligibility),
		Criteria: crit, Description: x.Description, OpensOn: x.OpensOn, ClosesOn: x.ClosesOn, Status: string(x.Status),
		AvailableFen: x.Available, AwardedFen: x.Awarded, DisbursedFen: x.Disbursed, SpentFen: x.Spent, Applications: x.Applications}
}

// listRounds: GET /api/v1/rounds — every round with its figures.
func (a *API) listRounds(w http.ResponseWriter, r *http.Request) error {
	if err := readParams(r.URL).l.Err(); err != nil {
		return err
	}
	rounds, err := a.store.FindRounds(r.Context())
	if err != nil {
		return err
	}
	out := roundList{Items: make([]roundJSON, 0, len(rounds)), Total: len(rounds)}
	for _, x := range rounds {
		out.Items = append(out.Items, roundOut(x))
	}
	return writeJSON(w, http.StatusOK, out)
}

type grantLineJSON struct {
	ID        string `json:"id"`
	Category  string `json:"category"`
	Item      string `json:"item"`
	AmountFen int64  `json:"amount_fen"`
	SpentFen  int64  `json:"spent_fen"`
}

type grantMilestoneJSON struct {
	Title string `json:"title"`
	Due   string `json:"due"`
	Pct   int    `json:"pct"`
}

type applicationIn struct {
	OrgID           string               `json:"org_id"`
	TopicID         string               `json:"topic_id"`
	Title           string               `json:"title"`
	Problem         string               `json:"problem"`
	Plan            string               `json:"plan"`
	Team            string               `json:"team"`
	Lines           []grantLineJSON      `json:"budget_lines"`
	Milestones      []grantMilestoneJSON `json:"milestones"`
	RequestFen      int64                `json:"request_fen"`
	MatchCashFen    int64                `json:"match_cash_fen"`
	MatchHours      int64                `json:"match_hours"`
	MatchHoursValue int64                `json:"match_hours_value_fen"`
}

type applicationJSON struct {
	ID              string               `json:"id"`
	RoundID         string               `json:"round_id"`
	OrgID           string               `json:"org_id"`
	Org             string               `json:"org"`
	TopicID         string               `json:"topic_id"`
	Title           string               `json:"title"`
	Problem         string               `json:"problem"`
	Plan            string               `json:"plan"`
	Lines           []grantLineJSON      `json:"budget_lines"`
	Milestones      []grantMilestoneJSON `json:"milestones"`
	RequestFen      int64                `json:"request_fen"`
	MatchCashFen    int64                `json:"match_cash_fen"`
	MatchHours      int64                `json:"match_hours"`
	MatchHoursValue int64                `json:"match_hours_value_fen"`
	Status          string               `json:"status"`
	AwardFen        int64                `json:"award_fen"`
	Reason          string               `json:"reason"`
	CreatedAt       string               `json:"created_at"`
}

func applicationOut(x *grants.Application) applicationJSON {
	out := applicationJSON{ID: x.ID, RoundID: x.RoundID, OrgID: x.OrgID, Org: x.OrgName, TopicID: x.TopicID, Title: x.Title,
		Problem: x.Problem, Plan: x.Plan, Lines: []grantLineJSON{}, Milestones: []grantMilestoneJSON{}, RequestFen: x.Request,
		MatchCashFen: x.MatchCash, MatchHours: x.MatchHours, MatchHoursValue: x.MatchHoursValue, Status: string(x.Status),
		AwardFen: x.Award, Reason: x.Reason, CreatedAt: rfc3339(x.CreatedAt)}
	for _, l := range x.Lines {
		out.Lines = append(out.Lines, grantLineJSON{ID: l.ID, Category: l.Category, Item: l.Item, AmountFen: l.Amount, SpentFen: l.Spent})
	}
	for _, m := range x.Milestones {
		out.Milestones = append(out.Milestones, grantMilestoneJSON(m))
	}
	return out
}

// createApplication: POST /api/v1/rounds/{id}/applications — an
// organization's people apply to an open round they are eligible for.
func (a *API) createApplication(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "round")
	if err != nil {
		return err
	}
	var in applicationIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	x := &grants.Application{RoundID: id, OrgID: in.OrgID, TopicID: in.TopicID, Title: in.Title, Problem: in.Problem,
		Plan: in.Plan, Team: in.Team, Request: in.RequestFen, MatchCash: in.MatchCashFen, MatchHours: in.MatchHours,
		MatchHoursValue: in.MatchHoursValue}
	for _, l := range in.Lines {
		x.Lines = append(x.Lines, grants.BudgetLine{Category: l.Category, Item: l.Item, Amount: l.AmountFen})
	}
	for _, m := range in.Milestones {
		x.Milestones = append(x.Milestones, grants.Milestone(m))
	}
	if err := a.store.CreateApplication(r.Context(), x); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, applicationOut(x))
}

type grantTransitionIn struct {
	Action string `json:"action"`
	Note   string `json:"note"`
}

// stepApplication: POST /api/v1/applications/{id}/transitions — review
// (staff start reviewing), withdraw (the organization), decline (staff,
// with a published reason in note).
func (a *API) stepApplication(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	var in grantTransitionIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	x, err := a.store.StepApplication(r.Context(), id, grants.Action(in.Action), in.Note)
	if err != nil {
		return err
	}
	full, err := a.store.FindApplicationByID(r.Context(), x.ID)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, applicationOut(full))
}

type reviewIn struct {
	Conflict     bool   `json:"conflict"`
	ConflictNote string `json:"conflict_note"`
	Score        *int   `json:"score"` // required unless conflict
	Comment      string `json:"comment"`
}

// reviewApplication: POST /api/v1/applications/{id}/reviews — a
// reviewer's score, or their declared conflict of interest (no score).
func (a *API) reviewApplication(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	var in reviewIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	v := &grants.Review{ApplicationID: id, Conflict: in.Conflict, ConflictNote: in.ConflictNote, Comment: in.Comment}
	// A missing score is not a 0: it goes to the store as -1, refused
	// there once it has checked who may review.
	var perr error
	if in.Score != nil {
		v.Score = *in.Score
	} else if !in.Conflict {
		v.Score, perr = -1, errs.Field("score", "field.required")
	}
	if err := errs.Unparsed(a.store.ReviewApplication(r.Context(), v), perr); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type awardIn struct {
	AmountFen int64  `json:"amount_fen"`
	Reason    string `json:"reason"`
}

type trancheJSON struct {
	ID        string `json:"id"`
	Position  int    `json:"position"`
	Milestone string `json:"milestone"`
	DueOn     string `json:"due_on"`
	AmountFen int64  `json:"amount_fen"`
	Status    string `json:"status"`
	Report    string `json:"report"`
	Note      string `json:"note"`
	PostingID string `json:"posting_id"`
	PaidAt    string `json:"paid_at"`
}

type agreementJSON struct {
	ID            string          `json:"id"`
	ApplicationID string          `json:"application_id"`
	RoundID       string          `json:"round_id"`
	Route         string          `json:"route"`
	OrgID         string          `json:"org_id"`
	Org           string          `json:"org"`
	AmountFen     int64           `json:"amount_fen"`
	DisbursedFen  int64           `json:"disbursed_fen"`
	SpentFen      int64           `json:"spent_fen"`
	Status        string          `json:"status"`
	Tranches      []trancheJSON   `json:"tranches"`
	Lines         []grantLineJSON `json:"budget_lines"`
}

func trancheOut(t *grants.Tranche) trancheJSON {
	out := trancheJSON{ID: t.ID, Position: t.Position, Milestone: t.Milestone, DueOn: t.DueOn, AmountFen: t.Amount,
		Status: string(t.Status), Report: t.Report, Note: t.Note, PostingID: t.PostingID}
	if !t.PaidAt.IsZero() {
		out.PaidAt = rfc3339(t.PaidAt)
	}
	return out
}

func agreementOut(g *grants.Agreement) agreementJSON {
	out := agreementJSON{ID: g.ID, ApplicationID: g.ApplicationID, RoundID: g.RoundID, Route: string(g.Route), OrgID: g.OrgID,
		Org: g.OrgName, AmountFen: g.Amount, DisbursedFen: g.Disbursed, SpentFen: g.Spent, Status: string(g.Status),
		Tranches: []trancheJSON{}, Lines: []grantLineJSON{}}
	for _, t := range g.Tranches {
		out.Tranches = append(out.Tranches, trancheOut(t))
	}
	for _, l := range g.Lines {
		out.Lines = append(out.Lines, grantLineJSON{ID: l.ID, Category: l.Category, Item: l.Item, AmountFen: l.Amount, SpentFen: l.Spent})
	}
	return out
}

// awardApplication: POST /api/v1/applications/{id}/award — staff award an
// application under review (amount ≤ request, within the round's budget
// even under concurrent awards) with a published reason → the agreement.
func (a *API) awardApplication(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "application")
	if err != nil {
		return err
	}
	var in awardIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	g, err := a.store.AwardApplication(r.Context(), id, grants.Decision{Amount: in.AmountFen, Reason: in.Reason})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, agreementOut(g))
}

// getAgreement: GET /api/v1/agreements/{id} — an agreement with its
// tranches and budget lines (public: it is an award).
func (a *API) getAgreement(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id", "agreement")
	if err != nil {
		return err
	}
	g, err := a.store.FindAgreementByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, agreementOut(g))
}

// stepTranche: POST /api/v1/tranches/{id}/transitions — report (the
// organization, its milestone done), accept or return (staff), cancel.
func (a *API) stepTranche(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "tranche")
	if err != nil {
		return err
	}
	var in grantTransitionIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	t, err := a.store.StepTranche(r.Context(), id, grants.Action(in.Action), in.Note)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, trancheOut(t))
}

type payIn struct {
	IdempotencyKey string `json:"idempotency_key"`
}

// payTranche: POST /api/v1/tranches/{id}/pay — pays a tranche whose
// milestone was accepted, once: pressing again (any key, any node) returns
// the paid tranche.
func (a *API) payTranche(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "tranche")
	if err != nil {
		return err
	}
	var in payIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	t, err := a.store.PayTranche(r.Context(), id, in.IdempotencyKey)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, trancheOut(t))
}

type grantFileJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
	Personal bool   `json:"personal"`
}

type expenseJSON struct {
	ID              string          `json:"id"`
	AgreementID     string          `json:"agreement_id"`
	LineID          string          `json:"line_id"`
	Category        string          `json:"category"`
	Description     string          `json:"description"`
	Payee           string          `json:"payee"`
	AmountFen       int64           `json:"amount_fen"`
	SpentOn         string          `json:"spent_on"`
	Status          string          `json:"status"`
	ApprovalsNeeded int             `json:"approvals_needed"`
	Approvals       int             `json:"approvals"`
	Note            string          `json:"note"`
	PostingID       string          `json:"posting_id"`
	Files           []grantFileJSON `json:"files"`
}

func expenseOut(e *grants.Expense) expenseJSON {
	out := expenseJSON{ID: e.ID, AgreementID: e.AgreementID, LineID: e.LineID, Category: e.Category, Description: e.Description,
		Payee: e.PublicPayee(), AmountFen: e.Amount, SpentOn: e.SpentOn, Status: string(e.Status),
		ApprovalsNeeded: e.ApprovalsNeeded, Approvals: len(e.Approvals), Note: e.Note, PostingID: e.PostingID, Files: []grantFileJSON{}}
	for _, f := range e.Files {
		out.Files = append(out.Files, grantFileJSON{ID: f.ID, Name: f.Name, Type: f.Type, Size: f.Size, SHA256: f.SHA256, Personal: f.Personal})
	}
	return out
}

// createExpense: POST /api/v1/expenses — multipart/form-data: agreement_id,
// line_id, description, payee, payee_personal (true when a person),
// amount (yuan, at most two decimals), spent_on, personal_receipt, and one
// or more "files" (the receipts).
func (a *API) createExpense(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	multipart, err := bodyKind(r)
	if err != nil {
		return err
	}
	if !multipart {
		return unsupportedType()
	}
	v, files, err := a.readMultipart(w, r, "agreement_id", "line_id", "description", "payee", "payee_personal", "amount",
		"spent_on", "personal_receipt")
	if err != nil {
		return err
	}
	amount, err := grants.ParseAmount("amount", v["amount"])
	if err != nil {
		return err
	}
	boolField := func(name string) (bool, error) {
		if v[name] == "" {
			return false, nil
		}
		b, err := strconv.ParseBool(v[name])
		if err != nil {
			return false, errs.Field(name, "grants.boolean_invalid")
		}
		return b, nil
	}
	personalPayee, err := boolField("payee_personal")
	if err != nil {
		return err
	}
	personalReceipt, err := boolField("personal_receipt")
	if err != nil {
		return err
	}
	e := &grants.Expense{AgreementID: v["agreement_id"], LineID: v["line_id"], Description: v["description"], Payee: v["payee"],
		PayeePersonal: personalPayee, Amount: amount, SpentOn: v["spent_on"]}
	if err := a.store.CreateExpense(r.Context(), e, files, personalReceipt); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, expenseOut(e))
}

type grantDecideIn struct {
	Note string `json:"note"`
}

// approveExpense: POST /api/v1/expenses/{id}/approve — a staff approval
// (never by the expense's author; from 2,000 yuan two approvers).
func (a *API) approveExpense(w http.ResponseWriter, r *http.Request) error {
	return a.decideExpense(w, r, true)
}

// rejectExpense: POST /api/v1/expenses/{id}/reject — with a note.
func (a *API) rejectExpense(w http.ResponseWriter, r *http.Request) error {
	return a.decideExpense(w, r, false)
}

func (a *API) decideExpense(w http.ResponseWriter, r *http.Request, approve bool) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "expense")
	if err != nil {
		return err
	}
	var in grantDecideIn
	if err := a.decodeOptional(w, r, &in); err != nil {
		return err
	}
	if _, err := a.store.DecideExpense(r.Context(), id, approve, in.Note); err != nil {
		return err
	}
	e, err := a.store.FindExpenseByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, expenseOut(e))
}

type terminateIn struct {
	Reason string `json:"reason"`
}

// terminateAgreement: POST /api/v1/agreements/{id}/terminate — staff end
// an active agreement early: open tranches are cancelled and the unpaid
// rest of the award goes back to the round.
func (a *API) terminateAgreement(w http.ResponseWriter, r *http.Request) error {
	if _, err := requireActor(r); err != nil {
		return err
	}
	id, err := pathID(r, "id", "agreement")
	if err != nil {
		return err
	}
	var in terminateIn
	if err := a.decode(w, r, &in); err != nil {
		return err
	}
	if err := a.store.TerminateAgreement(r.Context(), id, in.Reason); err != nil {
		return err
	}
	g, err := a.store.FindAgreementByID(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, agreementOut(g))
}
