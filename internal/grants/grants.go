// Package grants is the community foundation (回天社区公益基金会) and its
// micro-venture grants (微创投): funds and donations, rounds with a budget
// and a match ratio, applications, reviews with conflict-of-interest
// declarations, awards, agreements paid in tranches against accepted
// milestones, and expenses with receipts that a second person approves.
// Money is integer fen and moves only as postings of a double-entry ledger
// (internal/ledger, the engine the points ledger runs on). No SQL, no HTTP.
package grants

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/ledger"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/text"
)

// Zone is where dates are reckoned (Beijing, UTC+8, no daylight saving).
var Zone = time.FixedZone("CST", 8*3600)

// MaxFen bounds every amount: 10^12 fen (ten billion yuan).
const MaxFen = ledger.MaxAmount

// ParseAmount reads an amount typed in yuan ("8000", "1.5万", "1,234.56")
// into fen: positive, at most two decimals, at most MaxFen. "12.345" or
// "-5" is a clear error on field.
func ParseAmount(field, s string) (int64, error) {
	fen, err := procurement.ParseYuan(field, s)
	if err != nil {
		return 0, err
	}
	return fen, CheckAmount(field, fen)
}

// CheckAmount checks an amount already in fen.
func CheckAmount(field string, fen int64) error {
	if fen <= 0 {
		return errs.Field(field, "grants.amount_positive")
	}
	if fen > MaxFen {
		return errs.Field(field, "grants.amount_too_large")
	}
	return nil
}

// FormatFen shows fen as yuan: 123456 → "1,234.56".
func FormatFen(fen int64) string { return procurement.FormatFen(fen) }

// AccountKind says what a money account holds.
type AccountKind string

const (
	Donor   AccountKind = "donor"   // the outside world giving to one fund: the only kind that goes negative
	Fund    AccountKind = "fund"    // money held by a fund, not yet reserved
	Round   AccountKind = "round"   // a round's budget not yet awarded
	Award   AccountKind = "award"   // awarded to an application, not yet paid
	Grantee AccountKind = "grantee" // paid to the organization, not yet spent
	Spent   AccountKind = "spent"   // the organization's approved expenses
)

// AccountID is "kind:owner" (owner: a fund, round or application id).
func AccountID(kind AccountKind, owner string) string { return string(kind) + ":" + owner }

// PostingKind classifies a money posting.
type PostingKind string

const (
	PostDonation PostingKind = "donation" // donor → fund
	PostReserve  PostingKind = "reserve"  // fund → round: a round's budget
	PostAward    PostingKind = "award"    // round → award
	PostTranche  PostingKind = "tranche"  // award → grantee: a tranche paid
	PostExpense  PostingKind = "expense"  // grantee → spent: an approved expense
	PostRelease  PostingKind = "release"  // award → round or round → fund: money not needed goes back
)

// Manages reports whether u runs grants for a round or fund of street
// (""): the foundation's staff and the coordinators everywhere, a street's
// staff its own street's.
func Manages(u *accounts.User, streetID string) bool {
	if u == nil || u.Disabled {
		return false
	}
	if u.Has(accounts.PlatformAdmin) || u.Has(accounts.FoundationStaff) {
		return true
	}
	return streetID != "" && u.Holds(accounts.StreetStaff, accounts.Resource{StreetID: streetID})
}

// MayProposeTopic is the first check on a topic proposed for a round of
// streetID ("" for the district), before its form is read: the grant
// managers, the round's street staff (any street's for a district round)
// and community staff. Which community is the form's; the store then
// checks the proposer holds it.
func MayProposeTopic(u *accounts.User, streetID string) bool {
	if Manages(u, streetID) {
		return true
	}
	if u == nil || u.Disabled {
		return false
	}
	return u.Has(accounts.CommunityStaff) || (streetID == "" && u.Has(accounts.StreetStaff))
}

// FundKind is what a fund may be spent on.
type FundKind string

const (
	General    FundKind = "general"    // 非限定
	Restricted FundKind = "restricted" // 限定用途
	StreetFund FundKind = "street"     // 街道专项
)

// FundKinds lists the kinds.
var FundKinds = []FundKind{General, Restricted, StreetFund}

// FundFigures are a fund's money, each a sum of postings.
type FundFigures struct {
	Balance   int64 `json:"balance_fen"`   // held, not reserved for a round
	Donations int64 `json:"donations_fen"` // received
	Reserved  int64 `json:"reserved_fen"`  // put into rounds (net of releases)
	Awarded   int64 `json:"awarded_fen"`   // awarded to applications (net of releases)
	Disbursed int64 `json:"disbursed_fen"` // paid in tranches
	Spent     int64 `json:"spent_fen"`     // approved expenses
}

// FundRecord is one fund.
type FundRecord struct {
	ID          string
	Name        string
	Kind        FundKind
	Purpose     string // what a restricted fund is for
	StreetID    string // a street fund's street
	StreetName  string
	Description string
	CreatedAt   time.Time
	FundFigures
}

// Resource is the fund's authorization view.
func (f *FundRecord) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindFund, ID: f.ID, StreetID: f.StreetID}
}

// Validate normalizes a new fund.
func (f *FundRecord) Validate() error {
	var l errs.List
	f.Name = strings.TrimSpace(f.Name)
	textField(&l, "name", f.Name, 2, 60)
	f.Purpose, f.Description = strings.TrimSpace(f.Purpose), strings.TrimSpace(f.Description)
	switch f.Kind {
	case General:
		f.StreetID, f.Purpose = "", ""
	case Restricted:
		textField(&l, "purpose", f.Purpose, 2, 200)
	case StreetFund:
		if f.StreetID == "" {
			l.Add("street", "field.required")
		}
	default:
		l.Add("kind", "grants.fund_kind_invalid")
	}
	if f.Kind != StreetFund {
		f.StreetID = ""
	}
	if utf8.RuneCountInString(f.Description) > 1000 {
		l.Add("description", "field.too_long", 1000)
	}
	return l.Err()
}

// Channels a donation arrives by.
var Channels = []string{"bank", "wechat", "alipay", "cash", "other"}

// Donation is money given to a fund.
type Donation struct {
	ID           string
	FundID       string
	FundName     string
	DonorName    string // kept for the receipt; shown publicly only if not Anonymous
	Anonymous    bool
	Amount       int64
	Channel      string
	Restriction  string // what the donor restricted it to, if anything
	ReceiptNo    string
	ReceiptToken string // the donor's receipt link
	DonatedOn    string // 2026-11-20, Beijing
	PostingID    string
	CreatedAt    time.Time
}

// PublicName is the name on the public thank-you list: the donor's choice.
func (d *Donation) PublicName() string {
	if d.Anonymous {
		return ""
	}
	return d.DonorName
}

// Validate normalizes a new donation.
func (d *Donation) Validate() error {
	var l errs.List
	d.DonorName = strings.TrimSpace(d.DonorName)
	textField(&l, "donor_name", d.DonorName, 1, 60)
	if err := CheckAmount("amount", d.Amount); err != nil {
		l = append(l, errs.As(err))
	}
	ok := false
	for _, c := range Channels {
		ok = ok || c == d.Channel
	}
	if !ok {
		l.Add("channel", "grants.channel_invalid")
	}
	d.Restriction = strings.TrimSpace(d.Restriction)
	if utf8.RuneCountInString(d.Restriction) > 200 {
		l.Add("restriction", "field.too_long", 200)
	}
	checkDay(&l, "donated_on", d.DonatedOn)
	if d.FundID == "" {
		l.Add("fund", "field.required")
	}
	return l.Err()
}

// CheckDayOn refuses a donation dated after now's day: the receipt would
// acknowledge money not yet received (and carry a year to come).
func (d *Donation) CheckDayOn(now time.Time) error {
	if t := Today(now); d.DonatedOn > t {
		if _, err := ParseDay(d.DonatedOn); err == nil {
			return errs.Field("donated_on", "grants.donated_future", t)
		}
	}
	return nil
}

// Route is how a project is paid for (资金渠道).
type Route string

const (
	RouteProcurement Route = "procurement"      // 政府购买服务
	RouteGrant       Route = "foundation_grant" // 基金会资助
	RouteMatch       Route = "micro_venture"    // 微创投配套
)

// Eligibility says which organizations may apply to a round.
type Eligibility string

const (
	AnyOrg      Eligibility = "any"         // every organization on the platform
	StreetOrgs  Eligibility = "street_orgs" // organizations of the round's street (filed or registered there)
	RegisteredO Eligibility = "registered"  // registered with civil affairs
)

// RoundStatus is where a round stands.
type RoundStatus string

const (
	RoundOpen      RoundStatus = "open"      // taking applications until closes_on
	RoundReviewing RoundStatus = "reviewing" // closed, under review and award
	RoundFinished  RoundStatus = "finished"  // awards made; the rest of the budget returned
)

// RoundRecord is a call for applications with a budget.
type RoundRecord struct {
	ID          string
	FundID      string
	FundName    string
	Name        string
	Route       Route  // foundation_grant or micro_venture
	StreetID    string // the owning street; "" when the foundation owns it
	StreetName  string
	Budget      int64
	MatchPct    int // the share of a project the round pays (70: the applicant brings 30 %)
	Themes      []string
	Eligibility Eligibility
	Criteria    []string // review criteria
	Description string
	OpensOn     string
	ClosesOn    string
	Status      RoundStatus
	CreatedAt   time.Time
	// Figures, sums of postings.
	Available    int64 `json:"available_fen"` // budget not yet awarded
	Awarded      int64 `json:"awarded_fen"`
	Disbursed    int64 `json:"disbursed_fen"`
	Spent        int64 `json:"spent_fen"`
	Applications int
}

// Resource is the round's authorization view.
func (r *RoundRecord) Resource() accounts.Resource {
	return accounts.Resource{Kind: accounts.KindGrantRound, ID: r.ID, StreetID: r.StreetID}
}

// Validate normalizes a new round.
func (r *RoundRecord) Validate() error {
	var l errs.List
	r.Name = strings.TrimSpace(r.Name)
	textField(&l, "name", r.Name, 2, 80)
	if r.Route != RouteGrant && r.Route != RouteMatch {
		l.Add("route", "grants.route_invalid")
	}
	if err := CheckAmount("budget", r.Budget); err != nil {
		l = append(l, errs.As(err))
	}
	if r.Route == RouteGrant && r.MatchPct == 0 {
		r.MatchPct = 100
	}
	if r.MatchPct < 1 || r.MatchPct > 100 {
		l.Add("match_pct", "grants.match_pct_invalid")
	}
	for i, t := range r.Themes {
		code, ok := registry.ParseCategory(t)
		if !ok {
			l.Add("themes", "grants.theme_invalid", t)
			continue
		}
		r.Themes[i] = code
	}
	switch r.Eligibility {
	case AnyOrg, RegisteredO:
	case StreetOrgs:
		if r.StreetID == "" {
			l.Add("eligibility", "grants.eligibility_needs_street")
		}
	default:
		l.Add("eligibility", "grants.eligibility_invalid")
	}
	var crit []string
	for _, c := range r.Criteria {
		if c = strings.TrimSpace(c); c != "" {
			crit = append(crit, c)
		}
	}
	r.Criteria = crit
	if len(crit) > 10 {
		l.Add("criteria", "grants.too_many", 10)
	}
	r.Description = strings.TrimSpace(r.Description)
	if utf8.RuneCountInString(r.Description) > 2000 {
		l.Add("description", "field.too_long", 2000)
	}
	o, err1 := ParseDay(r.OpensOn)
	c, err2 := ParseDay(r.ClosesOn)
	switch {
	case err1 != nil:
		checkDay(&l, "opens_on", r.OpensOn)
	case err2 != nil:
		checkDay(&l, "closes_on", r.ClosesOn)
	case c.Before(o):
		l.Add("closes_on", "grants.dates_order")
	}
	if r.FundID == "" {
		l.Add("fund", "field.required")
	}
	return l.Err()
}

// CheckDaysOn refuses a new round whose call has already closed on now:
// it would be opened as taking applications no one can send.
func (r *RoundRecord) CheckDaysOn(now time.Time) error {
	if d := Today(now); r.ClosesOn < d {
		if _, err := ParseDay(r.ClosesOn); err == nil {
			return errs.Field("closes_on", "grants.closes_past", d)
		}
	}
	return nil
}

// Today is the day now falls on where dates are reckoned, as 2026-11-20.
func Today(now time.Time) string { return now.In(Zone).Format(time.DateOnly) }

// AcceptsOn reports whether the round takes applications at now.
func (r *RoundRecord) AcceptsOn(now time.Time) bool {
	d := now.In(Zone).Format("2006-01-02")
	return r.Status == RoundOpen && d >= r.OpensOn && d <= r.ClosesOn
}

// OrgFacts is what eligibility looks at.
type OrgFacts struct {
	StreetID   string
	Registered bool
}

// CheckEligible says why an organization may not apply, or nil.
func (r *RoundRecord) CheckEligible(o OrgFacts) error {
	switch r.Eligibility {
	case StreetOrgs:
		if o.StreetID != r.StreetID {
			return errs.E(errs.Forbidden, "grants.not_eligible_street")
		}
	case RegisteredO:
		if !o.Registered {
			return errs.E(errs.Forbidden, "grants.not_eligible_registered")
		}
	}
	return nil
}

// Topic is a governance micro-project a community posts into a round.
type Topic struct {
	ID            string
	RoundID       string
	CommunityID   string
	CommunityName string
	Title         string
	Description   string
	CreatedAt     time.Time
}

// Validate normalizes a topic.
func (t *Topic) Validate() error {
	var l errs.List
	t.Title, t.Description = strings.TrimSpace(t.Title), strings.TrimSpace(t.Description)
	textField(&l, "title", t.Title, 4, 80)
	textField(&l, "description", t.Description, 10, 1000)
	if t.CommunityID == "" {
		l.Add("community", "field.required")
	}
	return l.Err()
}

func textField(l *errs.List, field, s string, min, max int) {
	switch c := utf8.RuneCountInString(s); {
	case c == 0:
		l.Add(field, "field.required")
	case text.Len(s) < min:
		l.Add(field, "grants.too_short", min)
	case c > max:
		l.Add(field, "field.too_long", max)
	}
}

// The years a donation, an expense, a round or a milestone may fall on:
// year 0 or 9999 is a typo or an attack (and would print on a receipt).
const minYear, maxYear = 2000, 2199

// errDayRange is a well-formed day outside [minYear, maxYear].
var errDayRange = errors.New("grants: day out of range")

// ParseDay reads a day written 2026-11-20 within the years allowed.
func ParseDay(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return t, err
	}
	if y := t.Year(); y < minYear || y > maxYear {
		return t, errDayRange
	}
	return t, nil
}

// checkDay adds to l what is wrong with the day s of field.
func checkDay(l *errs.List, field, s string) {
	switch _, err := ParseDay(s); {
	case strings.TrimSpace(s) == "":
		l.Add(field, "field.required")
	case errors.Is(err, errDayRange):
		l.Add(field, "date.out_of_range", minYear, maxYear)
	case err != nil:
		l.Add(field, "grants.date_invalid")
	}
}
