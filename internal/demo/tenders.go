package demo

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
)

// The demo's tenders are told as they would have happened: every step goes
// through the store's own methods, as the person who would take it, on a
// demo clock that starts months ago and moves forward step by step. So the
// state machine checks every step, and the timelines, the audit chain and
// the notifications are the real ones. Everything is planned first (which
// step, which day, as whom), then the steps of all needs run in time order.

// lookbackDays is how long before today the platform went live in the demo:
// places, organizations and people are created then, and the oldest tender
// starts after it.
const lookbackDays = 280

// beijing is the zone the demo's working days are in.
var beijing = time.FixedZone("CST", 8*60*60)

// world is the demo's running state.
type world struct {
	s     *store.Store
	base  context.Context // no actor: each step adds its own
	rules procurement.Rules
	day0  time.Time // midnight, Beijing time, of the demo's today
	start time.Time // the platform goes live
	clock time.Time

	rows  map[string]*registry.ImportRow // organization key → its import row (for planning)
	keys  []string                       // organization keys in order
	orgs  map[string]*registry.Organization
	keyOf map[string]string // organization id → key

	streetIDs, communityIDs map[string]string
	ppl                     people

	tenders []*tender
	events  []*event

	solutionIDs map[string]string // catalog solution key → id
}

// midnight is the start of now's day in Beijing.
func midnight(now time.Time) time.Time {
	y, m, d := now.In(beijing).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, beijing).UTC()
}

// liveSince is when the demo platform went live: 09:00 lookbackDays ago.
func liveSince(now time.Time) time.Time {
	return midnight(now).AddDate(0, 0, -lookbackDays).Add(9 * time.Hour)
}

// newWorld starts a demo whose today is now.
func newWorld(s *store.Store, now time.Time, rows []registry.ImportRow) *world {
	w := &world{s: s, base: context.Background(), rules: procurement.DefaultRules(), day0: midnight(now),
		start: liveSince(now), rows: map[string]*registry.ImportRow{},
		orgs: map[string]*registry.Organization{}, keyOf: map[string]string{}}
	w.clock = w.start
	for i := range rows {
		w.rows[rows[i].Org.Key] = &rows[i]
		w.keys = append(w.keys, rows[i].Org.Key)
	}
	slices.Sort(w.keys)
	return w
}

// Now is the demo clock, installed as the store's clock while Seed runs.
func (w *world) Now() time.Time { return w.clock }

// tick moves the clock on a second, while the platform is set up.
func (w *world) tick() { w.clock = w.clock.Add(time.Second) }

// as is a context acting as u.
func (w *world) as(u *accounts.User) context.Context { return accounts.WithActor(w.base, u) }

// event is one step of the story.
type event struct {
	at   time.Time
	t    *tender
	what string
	do   func() error
}

// item is a step planned on a day (relative to today, before the tender's
// shift); minute < 0 picks a time in working hours.
type item struct {
	day, minute int
	what        string
	do          func() error
	t           *tender
}

// tender is one need's story: its plan and, as it runs, what it made.
type tender struct {
	w      *world
	sp     needSpec
	n      int // number, for keys and seeds
	rng    *rand.Rand
	agenda *[]item // shared with a re-tender
	parent *tender
	child  *tender

	// the calendar, in days relative to the plan (then shifted)
	pub, dl    int
	stoneDays  []int // planned report day of each milestone
	futureDays int   // a tender still open closes at least this many days after today
	shift      time.Duration
	deadline   time.Time

	invite  []string // organization keys
	bidders []string
	winner  string
	quality map[string]int
	offers  map[string]*procurement.Proposal
	panel   []int // reviewer indexes
	raters  []int // resident indexes

	// as it runs
	need      *procurement.Need
	props     map[string]*procurement.Proposal // live proposal by organization key
	questions []string
	objection string
	award     *procurement.Award
	stones    []procurement.Milestone
}

func (t *tender) r(lo, hi int) int { return lo + t.rng.IntN(hi-lo+1) }

// on plans a step on a day.
func (t *tender) on(day int, what string, do func() error) {
	*t.agenda = append(*t.agenda, item{day: day, minute: -1, what: what, do: do, t: t})
}

// onAt plans a step at a minute of a day.
func (t *tender) onAt(day, minute int, what string, do func() error) {
	*t.agenda = append(*t.agenda, item{day: day, minute: minute, what: what, do: do, t: t})
}

// abs turns a planned day and minute into the demo clock's time.
func (t *tender) abs(day, minute int) time.Time {
	return t.w.day0.Add(time.Duration(day)*24*time.Hour + time.Duration(minute)*time.Minute + t.shift)
}

// plan plans every tender and orders all steps in time. It checks every
// story fits between the platform's start and today.
func (w *world) plan() error {
	for i := range needSpecs {
		sp := needSpecs[i]
		agenda := []item{}
		t := &tender{w: w, sp: sp, n: i + 1, rng: rand.New(rand.NewPCG(uint64(i+1), 2019)), agenda: &agenda}
		t.choose()
		t.story()
		w.tenders = append(w.tenders, t)
		if t.child != nil {
			w.tenders = append(w.tenders, t.child)
		}
		// Times in working hours, each step after the one before.
		slices.SortStableFunc(agenda, func(a, b item) int { return cmp.Compare(a.day, b.day) })
		var evs []*event
		var last time.Time
		for _, it := range agenda {
			min := it.minute
			if min < 0 {
				min = 9*60 + t.rng.IntN(8*60+30)
			}
			at := w.day0.Add(time.Duration(it.day)*24*time.Hour + time.Duration(min)*time.Minute)
			if !at.After(last) {
				at = last.Add(time.Duration(3+t.rng.IntN(40)) * time.Minute)
			}
			last = at
			evs = append(evs, &event{at: at, t: it.t, what: it.what, do: it.do})
		}
		// The last step happened sp.Ago days before today.
		lastDay := int(math.Floor(last.Sub(w.day0).Hours() / 24))
		shift := time.Duration(-sp.Ago-lastDay) * 24 * time.Hour
		for _, tt := range []*tender{t, t.child} {
			if tt == nil {
				continue
			}
			tt.shift = shift
			tt.deadline = tt.abs(tt.dl, 17*60)
			if tt.futureDays > 0 {
				if min := w.day0.Add(time.Duration(tt.futureDays)*24*time.Hour + 17*time.Hour); tt.deadline.Before(min) {
					tt.deadline = min
				}
			}
		}
		for _, e := range evs {
			e.at = e.at.Add(shift)
			if !e.at.After(w.start.Add(time.Hour)) || !e.at.Before(w.day0) {
				return fmt.Errorf("demo: need %q: step %s at %s is outside the demo's past", sp.Title, e.what, e.at)
			}
		}
		w.events = append(w.events, evs...)
	}
	slices.SortStableFunc(w.events, func(a, b *event) int { return a.at.Compare(b.at) })
	return nil
}

// run takes every planned step in time order on the demo clock.
func (w *world) run() error {
	for _, e := range w.events {
		if e.at.Before(w.clock) {
			return fmt.Errorf("demo: clock would go back to %s", e.at)
		}
		w.clock = e.at
		if err := e.do(); err != nil {
			if e.t == nil { // a step of no tender (an activity, points, incubation, coordination)
				return fmt.Errorf("demo: %s: %w", e.what, err)
			}
			return fmt.Errorf("demo: need %q: %s: %w", e.t.sp.Title, e.what, err)
		}
		if err := w.drainOutbox(); err != nil {
			return err
		}
	}
	return nil
}

// drainOutbox marks the text messages a step queued as sent, as the
// outbox sender of `huitian serve` would have seconds later: they belong
// to the past and must not reach the developer inbox of today's demo.
func (w *world) drainOutbox() error {
	for {
		msgs, err := w.s.PendingOutbox(w.base, "sms", 100)
		if err != nil {
			return fmt.Errorf("demo: outbox: %w", err)
		}
		if len(msgs) == 0 {
			return nil
		}
		for _, m := range msgs {
			if _, err := w.s.MarkOutbox(w.base, m.ID, true); err != nil {
				return fmt.Errorf("demo: outbox: %w", err)
			}
		}
	}
}

// orgKeys are the organizations the demo's tenders involve (each gets an
// administrator account).
func (w *world) orgKeys() []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range w.tenders {
		for _, k := range append(append([]string{}, t.invite...), t.bidders...) {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	slices.Sort(out)
	return out
}

// related are the categories whose organizations also bid on a need of a
// category when its own has too few.
var related = map[string][]string{
	"elderly": {"health", "volunteering", "renovation"}, "childcare": {"reading", "culture"},
	"disability": {"health", "volunteering"}, "health": {"elderly"}, "legal": {"participation"},
	"property": {"participation"}, "environment": {"greening", "volunteering"}, "greening": {"environment", "participation"},
	"safety": {"emergency", "volunteering"}, "digital": {"reading", "elderly"}, "culture": {"reading"},
	"reading": {"culture"}, "convenience": {"volunteering"}, "employment": {"newcomers"},
	"newcomers": {"employment", "volunteering"}, "participation": {"property", "volunteering"},
	"traffic": {"participation", "safety"}, "pets": {"participation", "volunteering"}, "capacity": {"participation"},
	"volunteering": {"participation"}, "emergency": {"safety"}, "renovation": {"participation", "elderly"},
}

// eligible reports whether an organization may bid under the need's rules.
func (t *tender) eligible(key string) bool {
	row := t.w.rows[key]
	for _, q := range t.sp.Quals {
		switch q {
		case procurement.RegisteredOnly:
			if row.Org.Registration != registry.Registered {
				return false
			}
		case procurement.LocalOnly:
			if row.StreetName != t.sp.Street {
				return false
			}
		}
	}
	return true
}

// pick chooses n eligible organizations for the need: its category first
// (the need's own street before others), then related categories.
func (t *tender) pick(n int, first string) []string {
	var out []string
	taken := map[string]bool{}
	if first != "" {
		out, taken[first] = append(out, first), true
	}
	for _, cat := range append([]string{t.sp.Cat}, related[t.sp.Cat]...) {
		var cands []string
		for _, k := range t.w.keys {
			if !taken[k] && t.w.rows[k].Org.Category == cat && t.eligible(k) {
				cands = append(cands, k)
			}
		}
		t.rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		slices.SortStableFunc(cands, func(a, b string) int {
			return cmp.Compare(t.away(a), t.away(b))
		})
		for _, k := range cands {
			if len(out) >= n {
				return out
			}
			out, taken[k] = append(out, k), true
		}
	}
	return out
}

// away is 0 for an organization of the need's street, else 1.
func (t *tender) away(key string) int {
	if t.w.rows[key].StreetName == t.sp.Street {
		return 0
	}
	return 1
}

// choose decides who is invited, who bids, who should win and what each offers.
func (t *tender) choose() {
	sp := t.sp
	switch {
	case sp.Proc == procurement.Direct:
		t.invite = sp.Invite
		t.bidders = sp.Invite
	case sp.Proc == procurement.Invited:
		t.invite = t.pick(sp.Bids+1, sp.Winner)
		t.bidders = t.invite[:sp.Bids]
	default:
		t.bidders = t.pick(sp.Bids, sp.Winner)
	}
	if len(t.bidders) == 0 {
		return
	}
	t.winner = sp.Winner
	if t.winner == "" {
		t.winner = t.bidders[t.rng.IntN(len(t.bidders))]
	}
	t.quality = map[string]int{}
	for _, k := range t.bidders {
		t.quality[k] = t.r(64, 77)
	}
	t.quality[t.winner] = t.r(86, 92)
}

// offer writes an organization's proposal (round > 0: a revised one).
func (t *tender) offer(key string, round int, days int) *procurement.Proposal {
	row := t.w.rows[key]
	budget := t.sp.Yuan
	pct := int64(t.r(84, 98)) - int64(3*round)
	price := budget * pct / 100 / 100 * 100 // whole hundreds of yuan
	steps := planSteps[t.rng.IntN(len(planSteps))]
	summary := fmt.Sprintf("%s承接“%s”的服务方案：%s", row.Org.Name, t.sp.Title, approaches[t.rng.IntN(len(approaches))])
	if round > 0 {
		summary += "（修订版：根据答疑内容调整了服务安排和报价）"
	}
	return &procurement.Proposal{
		Summary:      summary,
		Plan:         "一、" + fmt.Sprintf(steps[0], t.sp.Title) + "\n二、" + steps[1] + "\n三、" + steps[2],
		Team:         fmt.Sprintf(teams[t.rng.IntN(len(teams))], row.Org.ContactName),
		PriceFen:     price * 100,
		DurationDays: days,
	}
}

// story plans the need's steps up to its stage.
func (t *tender) story() {
	sp := t.sp
	d := 0
	t.dl = 14 // a need not yet published plans to close two weeks on
	t.on(d, "create", t.create)
	switch {
	case sp.Stage == stDraft:
		t.futureDays = t.r(12, 25)
		if sp.Tw.Edit {
			t.on(d+1, "edit the draft", t.editDraft)
		}
		return
	case sp.Stage == stCancelled && sp.Tw.From == stDraft:
		t.on(d+t.r(2, 5), "withdraw the draft", t.transition(procurement.ActCancel, sp.Tw.Comment, t.communityStaff))
		return
	}
	d += t.r(1, 3)
	t.on(d, "submit", t.transition(procurement.ActSubmit, "", t.communityStaff))
	switch {
	case sp.Stage == stSubmitted:
		t.futureDays = t.r(12, 25)
		return
	case sp.Stage == stReturned:
		t.futureDays = t.r(12, 25)
		t.on(d+t.r(1, 2), "return", t.transition(procurement.ActReturn, sp.Tw.Comment, t.streetStaff))
		return
	case sp.Stage == stCancelled && sp.Tw.From == stSubmitted:
		t.on(d+t.r(2, 4), "withdraw", t.transition(procurement.ActCancel, sp.Tw.Comment, t.communityStaff))
		return
	}
	d += t.r(1, 3)
	t.on(d, "publish", t.transition(procurement.ActPublish, "", t.streetStaff))
	t.tenderPhase(d)
}

// tenderPhase plans the tender from its publication on day pub.
func (t *tender) tenderPhase(pub int) {
	sp := t.sp
	t.pub = pub
	length := t.r(9, 15)
	if sp.Proc == procurement.Direct {
		length = 5
	}
	t.dl = pub + length
	open := sp.Stage == stPublished
	if open {
		t.futureDays = t.r(3, 12)
	}

	// The work after the award, planned now so proposals can offer its duration.
	award := t.dl + t.r(4, 6)
	if sp.Proc == procurement.Direct {
		award = t.dl + 1
	}
	contract := award + 6 + t.r(0, 2)
	stones := 3
	if sp.Yuan < 50000 {
		stones = 2
	}
	gap := t.r(9, 16)
	day := contract + t.r(4, 7)
	for range stones {
		t.stoneDays = append(t.stoneDays, day)
		day += gap
	}
	duration := day - contract + t.r(5, 20)

	// Questions and proposals.
	t.offers = map[string]*procurement.Proposal{}
	last := pub
	for i := 0; i < sp.Tw.Questions && len(t.bidders) > 0; i++ {
		ask := pub + 1 + i
		t.on(ask, "ask a question", t.ask(i, t.bidders[i%len(t.bidders)]))
		if !(open && i == sp.Tw.Questions-1 && sp.Tw.Questions > 1) {
			t.on(ask+1, "answer a question", t.answer(i))
		}
	}
	for i, k := range t.bidders {
		var day int
		if open || sp.Stage == stCancelled {
			day = pub + 1 + i
		} else {
			day = pub + 1 + i*(length-2)/len(t.bidders)
		}
		t.offers[k] = t.offer(k, 0, duration)
		t.on(day, "propose", t.propose(k, t.offers[k], 0))
		last = max(last, day)
	}
	if sp.Tw.Resubmit {
		k := t.bidders[0]
		t.on(last+1, "propose again", t.propose(k, t.offer(k, 1, duration), 1))
		last++
	}
	if sp.Tw.EditAfterBid {
		t.on(last+1, "edit the published need", t.editPublished)
		t.on(last+2, "reconfirm", t.reconfirm(t.bidders[0]))
		last += 2
	}
	if open {
		return
	}
	if sp.Stage == stCancelled {
		t.on(last+1, "cancel", t.transition(procurement.ActCancel, sp.Tw.Comment, t.streetStaff))
		return
	}
	// The deadline passes; the sweeper writes it down.
	t.onAt(t.dl, 17*60+1, "deadline", t.w.sweep)
	if sp.Stage == stFailed {
		fail := t.dl + t.r(1, 3)
		t.on(fail, "fail", t.transition(procurement.ActFail, sp.Tw.Comment, t.streetStaff))
		if sp.Tw.Retender {
			t.retender(fail + 1)
		}
		return
	}
	if sp.Proc != procurement.Direct {
		if sp.Tw.NoPanel {
			return
		}
		e := t.dl + 1
		t.choosePanel()
		t.on(e, "assign the panel", t.assignPanel)
		for j, r := range t.panel {
			if sp.Tw.ReviewerPending && r == 0 {
				continue
			}
			conflicted := sp.Tw.Conflict && j == len(t.panel)-1
			t.on(e+j/2, "declare interests", t.declare(r, conflicted))
			if !conflicted {
				t.on(e+1+j/2, "score", t.score(r))
			}
		}
		if sp.Stage == stEvaluating {
			return
		}
	}
	t.on(award, "award", t.awardBest)
	if sp.Tw.Objection {
		t.on(award+1, "object", t.object)
		t.on(award+2, "answer the objection", t.answerObjection)
	}
	if sp.Stage == stAwarded {
		return
	}
	t.on(contract, "sign the contract", t.sign)
	if sp.Stage == stContracted {
		return
	}
	var accepted int
	for i, day := range t.stoneDays {
		if sp.Stage == stInProgress && i == sp.Tw.Done {
			if sp.Tw.Waiting {
				t.on(day, "report", t.report(i, false))
			}
			return
		}
		t.on(day, "report", t.report(i, false))
		if sp.Tw.ReturnStone && i == 0 {
			t.on(day+2, "return the milestone", t.returnStone(i))
			t.on(day+3, "report again", t.report(i, true))
			day += 3
		}
		accepted = day + t.r(1, 3)
		t.on(accepted, "accept the milestone", t.acceptStone(i))
	}
	if sp.Stage == stInProgress {
		return
	}
	deliver := accepted + t.r(1, 2)
	t.on(deliver, "deliver", t.deliver)
	if sp.Stage == stDelivered {
		return
	}
	acceptance := deliver + t.r(2, 4)
	t.on(acceptance, "accept the work", t.acceptWork)
	t.chooseRaters()
	for j, r := range t.raters {
		t.on(acceptance+1+j, "rate", t.rate(r))
	}
	if sp.Stage == stAccepted {
		return
	}
	t.on(acceptance+len(t.raters)+t.r(2, 5), "close", t.transition(procurement.ActClose, "项目资料已归档，款项已按合同拨付完毕。", t.streetStaff))
}

// retender plans the street's second try at a failed need, from day d:
// looser rules, a little more money, and bidders this time.
func (t *tender) retender(d int) {
	sp := t.sp
	sp.Title += "（重新征集）"
	sp.Desc += retenderNote
	sp.Yuan = sp.Yuan * 12 / 10 / 1000 * 1000
	sp.Quals = nil
	sp.Stage, sp.Bids, sp.Tw = stPublished, 2, twists{Questions: 1}
	c := &tender{w: t.w, sp: sp, n: t.n + 100, rng: t.rng, agenda: t.agenda, parent: t}
	t.child = c
	c.choose()
	c.on(d, "create the re-tender", c.create)
	c.on(d, "publish the re-tender", c.transition(procurement.ActPublish, "", c.streetStaff))
	c.tenderPhase(d)
}

// choosePanel names three of the reviewers; the demo reviewer (index 0)
// sits on the panel he has yet to declare on.
func (t *tender) choosePanel() {
	idx := t.rng.Perm(len(reviewerNames))[:3]
	if t.sp.Tw.ReviewerPending && !slices.Contains(idx, 0) {
		idx[0] = 0
	}
	if t.sp.Tw.Conflict {
		// The conflicted reviewer (the last) is not the demo reviewer.
		if i := slices.Index(idx, 0); i == len(idx)-1 {
			idx[0], idx[i] = idx[i], idx[0]
		}
	}
	t.panel = idx
}

// chooseRaters picks the residents who rate the project: three to six,
// the demo resident only where her rating belongs.
func (t *tender) chooseRaters() {
	k := t.r(3, 6)
	perm := t.rng.Perm(len(residentNames))
	var out []int
	if t.sp.Tw.LoginRates {
		out = append(out, 0)
	}
	for _, r := range perm {
		if len(out) >= k {
			break
		}
		if r != 0 {
			out = append(out, r)
		}
	}
	t.raters = out
}

// --- the steps ---

func (t *tender) communityStaff() *accounts.User {
	return t.w.ppl.community[t.w.communityIDs[t.sp.Community]]
}

func (t *tender) streetStaff() *accounts.User { return t.w.ppl.street[t.w.streetIDs[t.sp.Street]] }

func (t *tender) admin(key string) *accounts.User { return t.w.ppl.admins[key] }

func (t *tender) create() error {
	sp := t.sp
	n := &procurement.Need{Title: sp.Title, Description: sp.Desc, CommunityID: t.w.communityIDs[sp.Community],
		Category: sp.Cat, BudgetFen: sp.Yuan * 100, Deadline: t.deadline, Procedure: cmp.Or(sp.Proc, procurement.Open),
		Qualifications: sp.Quals, Criteria: procurement.DefaultCriteria(), Justification: sp.Why}
	for _, k := range t.invite {
		n.InvitedOrgIDs = append(n.InvitedOrgIDs, t.w.orgs[k].ID)
	}
	if t.parent != nil {
		again, err := t.w.s.RetenderNeed(t.w.as(t.streetStaff()), t.parent.need.ID, t.w.rules)
		if err != nil {
			return err
		}
		// The street rewrites the copied draft for the second try.
		deadline, quals := t.deadline, n.Qualifications
		t.need, err = t.w.s.UpdateNeed(t.w.as(t.streetStaff()), again.ID, store.NeedUpdate{Title: &n.Title,
			Description: &n.Description, Deadline: &deadline, Qualifications: &quals, Procedure: &n.Procedure,
			InvitedOrgIDs: &n.InvitedOrgIDs, Justification: &n.Justification, BudgetFen: &n.BudgetFen}, t.w.rules)
		return err
	}
	if sp.Adopt != "" {
		return t.adopt(n)
	}
	if err := t.w.s.CreateNeed(t.w.as(t.communityStaff()), n, t.w.rules); err != nil {
		return err
	}
	t.need = n
	return nil
}

// adopt starts the need from a catalog solution (采用同款): the draft comes
// pre-filled from the solution, and the community writes its own situation,
// deadline and rules into it.
func (t *tender) adopt(n *procurement.Need) error {
	ctx := t.w.as(t.communityStaff())
	draft, err := t.w.s.AdoptSolution(ctx, t.w.solutionIDs[t.sp.Adopt], catalog.Adoption{CommunityID: n.CommunityID,
		Procedure: n.Procedure, OrgIDs: n.InvitedOrgIDs, BudgetFen: n.BudgetFen}, t.w.rules)
	if err != nil {
		return err
	}
	desc := []rune(n.Description + "\n\n" + draft.Description)
	if len(desc) > 5000 {
		desc = desc[:5000]
	}
	title, text, deadline, quals := n.Title, string(desc), n.Deadline, n.Qualifications
	t.need, err = t.w.s.UpdateNeed(ctx, draft.ID, store.NeedUpdate{Title: &title, Description: &text, Deadline: &deadline,
		Qualifications: &quals}, t.w.rules)
	return err
}

func (t *tender) editDraft() error {
	desc := t.need.Description + "\n\n居民代表座谈会已召开，大家普遍支持，希望尽快启动。"
	_, err := t.w.s.UpdateNeed(t.w.as(t.communityStaff()), t.need.ID, store.NeedUpdate{Description: &desc}, t.w.rules)
	return err
}

func (t *tender) editPublished() error {
	desc := t.need.Description + editNote
	n, err := t.w.s.UpdateNeed(t.w.as(t.streetStaff()), t.need.ID, store.NeedUpdate{Description: &desc}, t.w.rules)
	if err == nil {
		t.need = n
	}
	return err
}

// transition takes a simple step as the person who takes it.
func (t *tender) transition(a procurement.Action, note string, who func() *accounts.User) func() error {
	return func() error {
		n, err := t.w.s.TransitionNeed(t.w.as(who()), t.need.ID, a, note, t.w.rules)
		if err == nil {
			t.need = n
		}
		return err
	}
}

func (t *tender) ask(i int, key string) func() error {
	return func() error {
		q, err := t.w.s.AskQuestion(t.w.as(t.admin(key)), t.need.ID, t.w.orgs[key].ID, qa[(t.n+i)%len(qa)][0])
		if err == nil {
			t.questions = append(t.questions, q.ID)
		}
		return err
	}
}

func (t *tender) answer(i int) func() error {
	return func() error {
		_, err := t.w.s.AnswerQuestion(t.w.as(t.communityStaff()), t.questions[i], qa[(t.n+i)%len(qa)][1])
		return err
	}
}

func (t *tender) propose(key string, offer *procurement.Proposal, round int) func() error {
	return func() error {
		p := *offer
		p.OrgID = t.w.orgs[key].ID
		p.IdempotencyKey = fmt.Sprintf("demo-%03d-%s-%d", t.n, key, round)
		out, err := t.w.s.SubmitProposal(t.w.as(t.admin(key)), t.need.ID, &p)
		if err != nil {
			return err
		}
		if t.props == nil {
			t.props = map[string]*procurement.Proposal{}
		}
		t.props[key] = out
		return nil
	}
}

func (t *tender) reconfirm(key string) func() error {
	return func() error {
		_, err := t.w.s.ReconfirmProposal(t.w.as(t.admin(key)), t.props[key].ID)
		return err
	}
}

func (t *tender) assignPanel() error {
	var ids []string
	for _, r := range t.panel {
		ids = append(ids, t.w.ppl.reviewers[r].ID)
	}
	return t.w.s.AssignPanel(t.w.as(t.streetStaff()), t.need.ID, ids)
}

func (t *tender) declare(r int, conflicted bool) func() error {
	return func() error {
		statement := ""
		if conflicted {
			statement = fmt.Sprintf("本人曾为投标机构%s提供项目督导服务，申请回避本项目评审。", t.w.rows[t.bidders[0]].Org.Name)
		}
		return t.w.s.DeclareInterest(t.w.as(t.w.ppl.reviewers[r]), t.need.ID, conflicted, statement)
	}
}

// score hands in a reviewer's sheet: each proposal near its quality.
func (t *tender) score(r int) func() error {
	return func() error {
		var sheet []procurement.Score
		for _, k := range t.bidders {
			p := t.props[k]
			for ci, c := range t.need.Criteria {
				pts := t.quality[k] + t.r(-4, 4)
				sc := procurement.Score{ProposalID: p.ID, CriterionID: c.ID, Points: min(100, pts)}
				if ci == 0 && k == t.winner {
					sc.Comment = "方案针对性强，实施步骤清楚，有本地服务经验。"
				}
				sheet = append(sheet, sc)
			}
		}
		return t.w.s.SubmitScores(t.w.as(t.w.ppl.reviewers[r]), t.need.ID, sheet)
	}
}

// awardBest awards the best-ranked proposal (the only one of a direct commission).
func (t *tender) awardBest() error {
	ctx := t.w.as(t.streetStaff())
	var a *procurement.Award
	var err error
	if t.sp.Proc == procurement.Direct {
		a, err = t.w.s.AwardNeed(ctx, t.need.ID, t.props[t.bidders[0]].ID,
			"小额直接委托：该机构具备相应服务经验，方案可行，报价在预算范围内，同意委托。")
	} else {
		ranked, rerr := t.w.s.Ranking(ctx, t.need.ID)
		if rerr != nil {
			return rerr
		}
		if len(ranked) == 0 {
			return fmt.Errorf("no proposal to award")
		}
		top := ranked[0]
		a, err = t.w.s.AwardNeed(ctx, t.need.ID, top.Proposal.ID, fmt.Sprintf(
			"经评审小组评审，该方案综合得分%.1f分，排名第一：方案针对性强，团队经验丰富，报价合理，确定为中标方案。", top.Total))
	}
	if err == nil {
		t.award = a
	}
	return err
}

// object: a bidder that lost files an objection.
func (t *tender) object() error {
	for _, k := range t.bidders {
		if t.w.orgs[k].ID != t.award.OrgID {
			o, err := t.w.s.FileObjection(t.w.as(t.admin(k)), t.need.ID, objectionText)
			if err == nil {
				t.objection = o.ID
			}
			return err
		}
	}
	return fmt.Errorf("no losing bidder to object")
}

func (t *tender) answerObjection() error {
	_, err := t.w.s.AnswerObjection(t.w.as(t.streetStaff()), t.objection, objectionAnswer)
	return err
}

// sign publishes the contract: the award's amount, milestones due a few
// days after their planned reports, paid 30/40/30 (or half and half).
func (t *tender) sign() error {
	amount := t.award.AmountFen
	now := t.w.Now()
	y, m, d := now.In(beijing).Date()
	start := time.Date(y, m, d+1, 0, 0, 0, 0, beijing)
	titles := milestonePlans[len(t.stoneDays)]
	shares := []int64{30, 40, 30}
	if len(t.stoneDays) == 2 {
		shares = []int64{50, 50}
	}
	k := &procurement.Contract{AmountFen: amount, Start: start}
	var end time.Time
	for i, day := range t.stoneDays {
		due := t.abs(day+4, 18*60)
		end = due
		k.Milestones = append(k.Milestones, procurement.Milestone{Title: titles[i], Due: due,
			AmountFen: amount * shares[i] / 100 / 100 * 100})
	}
	k.End = end.AddDate(0, 0, 7)
	if err := t.w.s.SignContract(t.w.as(t.streetStaff()), t.need.ID, k); err != nil {
		return err
	}
	t.stones = k.Milestones
	return nil
}

func (t *tender) supplier() *accounts.User { return t.admin(t.w.keyOf[t.award.OrgID]) }

// report is the supplier's progress report on milestone i, with a photo
// and a sign-in sheet (and the final report on the last milestone).
func (t *tender) report(i int, again bool) func() error {
	return func() error {
		text := reReport
		switch last := i == len(t.stones)-1; {
		case again:
		case last:
			text = fmt.Sprintf(reportTexts[2], t.r(300, 1200), t.r(12, 36))
		case i == 0:
			text = fmt.Sprintf(reportTexts[0], t.r(80, 300), t.r(2, 5))
		default:
			text = fmt.Sprintf(reportTexts[1], t.r(4, 12), t.r(120, 480))
		}
		seed := fmt.Sprintf("%s/%d/%v", t.need.ID, i, again)
		when := t.w.Now().In(beijing).Format("2006-01-02")
		files := []store.Upload{
			{Name: fmt.Sprintf("活动照片-%d.png", i+1), Type: "image/png", Content: photoPNG(seed)},
			{Name: fmt.Sprintf("签到表-%d.pdf", i+1), Type: "application/pdf", Content: sheetPDF("Huitian - sign-in sheet",
				[]string{"Need: " + t.need.ID, fmt.Sprintf("Milestone %d of %d", i+1, len(t.stones)), "Date: " + when,
					fmt.Sprintf("Participants: %d", t.r(12, 60))})},
		}
		if i == len(t.stones)-1 && !again {
			files = append(files, store.Upload{Name: "项目总结报告.pdf", Type: "application/pdf", Content: sheetPDF(
				"Huitian - final project report", []string{"Need: " + t.need.ID, "Date: " + when,
					"Summary of services, resident feedback and hand-over."})})
		}
		_, err := t.w.s.ReportProgress(t.w.as(t.supplier()), t.need.ID, t.stones[i].ID, text, files)
		return err
	}
}

func (t *tender) acceptStone(i int) func() error {
	return func() error { return t.w.s.AcceptMilestone(t.w.as(t.communityStaff()), t.need.ID, t.stones[i].ID) }
}

func (t *tender) returnStone(i int) func() error {
	return func() error {
		return t.w.s.ReturnMilestone(t.w.as(t.communityStaff()), t.need.ID, t.stones[i].ID, stoneReturn)
	}
}

func (t *tender) deliver() error { return t.w.s.Deliver(t.w.as(t.supplier()), t.need.ID) }

func (t *tender) acceptWork() error {
	return t.w.s.AcceptDelivery(t.w.as(t.communityStaff()), t.need.ID, acceptComments[t.n%len(acceptComments)],
		t.beneficiaries())
}

// beneficiaries is what the community reports the project reached: about
// one person per ¥150–¥550 of budget; one project in five reports nothing.
func (t *tender) beneficiaries() int {
	if t.n%5 == 4 {
		return 0
	}
	return max(12, int(t.need.BudgetFen/100)/(150+t.n*53%400))
}

// rate is a resident's satisfaction: mostly four or five stars.
func (t *tender) rate(r int) func() error {
	return func() error {
		stars := []int{5, 5, 5, 4, 4, 4, 3, 5, 4, 2}[t.rng.IntN(10)]
		comments := ratingComments[stars-1]
		return t.w.s.RateNeed(t.w.as(t.w.ppl.residents[r]), t.need.ID, stars, comments[t.rng.IntN(len(comments))])
	}
}

// sweep is the deadline sweeper of `huitian serve`, run when a deadline passes.
func (w *world) sweep() error {
	_, err := w.s.SweepDeadlines(w.base)
	return err
}
