package procurement

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

var allActions = []Action{ActEdit, ActSubmit, ActReturn, ActPublish, ActCancel, ActAssignPanel, ActAward, ActFail,
	ActRetender, ActAnswer, ActContract, ActReport, ActAcceptStone, ActReturnStone, ActDeliver, ActAccept, ActRejectWork, ActClose}

// expected is the state machine written out by hand, independently of
// Transitions: status → action → the actors who may. Actor names:
// community (staff of the need's community), street (staff of its street),
// supplier (admin of the awarded organization). Everyone else — other
// communities, streets and organizations, org members, reviewers, platform
// admins, residents — may do nothing.
var expected = map[Status]map[Action]string{
	Draft:      {ActEdit: "community street", ActSubmit: "community", ActPublish: "street", ActCancel: "community street"},
	Submitted:  {ActReturn: "street", ActPublish: "street", ActCancel: "community street"},
	Published:  {ActEdit: "street", ActAssignPanel: "street", ActAnswer: "community street", ActCancel: "street"},
	Evaluating: {ActAssignPanel: "street", ActAward: "street", ActFail: "street", ActCancel: "street"},
	Failed:     {ActRetender: "street"},
	Awarded:    {ActAnswer: "street", ActContract: "street", ActCancel: "street"},
	Contracted: {ActReport: "supplier"},
	InProgress: {ActReport: "supplier", ActAcceptStone: "community", ActReturnStone: "community", ActDeliver: "supplier"},
	Delivered:  {ActAccept: "community", ActRejectWork: "community"},
	Accepted:   {ActClose: "street"},
	Closed:     {},
	Cancelled:  {},
}

// expectedCommunityDraft is what differs for a need its community's staff
// wrote: a street takes up a community's draft only once it is submitted.
var expectedCommunityDraft = map[Status]map[Action]string{
	Draft: {ActEdit: "community", ActSubmit: "community", ActCancel: "community"},
}

func machineActors() map[string]*accounts.User {
	g := func(r accounts.Role, scope string) *accounts.User {
		return &accounts.User{ID: string(r) + scope, Grants: []accounts.Grant{{Role: r, ScopeID: scope}}}
	}
	return map[string]*accounts.User{
		"community":       g(accounts.CommunityStaff, "c1"),
		"street":          g(accounts.StreetStaff, "s1"),
		"supplier":        g(accounts.OrgAdmin, "o1"),
		"community/other": g(accounts.CommunityStaff, "c2"),
		"street/other":    g(accounts.StreetStaff, "s2"),
		"supplier/other":  g(accounts.OrgAdmin, "o2"),
		"supplier/member": g(accounts.OrgMember, "o1"),
		"reviewer":        g(accounts.Reviewer, ""),
		"platform_admin":  g(accounts.PlatformAdmin, ""),
		"resident":        g(accounts.Resident, ""),
		"anonymous":       nil,
	}
}

func TestStateMachineEveryCombination(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	for _, byCommunity := range []bool{false, true} {
		for _, st := range Statuses {
			want := expected[st]
			if e, ok := expectedCommunityDraft[st]; ok && byCommunity {
				want = e
			}
			for _, act := range allActions {
				for name, actor := range machineActors() {
					n := &Need{ID: "n1", StreetID: "s1", CommunityID: "c1", AwardedOrgID: "o1", Status: st,
						Deadline: now.Add(time.Hour), CommunityDrafted: byCommunity}
					if st == Evaluating { // stored as published, past its deadline
						n.Status, n.Deadline = Published, now.Add(-time.Minute)
					}
					checkStep(t, n, st, act, name, actor, now, strings.Contains(" "+want[act]+" ", " "+name+" "))
				}
			}
		}
	}
	// Every row of the table is expected, and every expectation is a row.
	for _, tr := range Transitions {
		if expected[tr.From][tr.Action] == "" {
			t.Errorf("transition %s --%s--> %s is not in the expectation table", tr.From, tr.Action, tr.To)
		}
	}
}

func checkStep(t *testing.T, n *Need, st Status, act Action, name string, actor *accounts.User, now time.Time, allowed bool) {
	t.Helper()
	if n.CommunityDrafted {
		name += " (a community's draft)"
	}
	tr, err := Step(n, act, actor, now)
	if allowed {
		if err != nil {
			t.Errorf("%s %s by %s: refused (%v), want allowed", st, act, name, err)
		}
		return
	}
	if err == nil {
		t.Errorf("%s %s by %s: allowed (→ %s), want refused", st, act, name, tr.To)
		return
	}
	code := errs.CodeOf(err)
	switch {
	case actor == nil && code != errs.Unauthorized:
		t.Errorf("%s %s anonymous: %v, want unauthorized", st, act, err)
	case actor != nil && code != errs.Forbidden && code != errs.Conflict:
		t.Errorf("%s %s by %s: %v, want forbidden or conflict", st, act, name, err)
	}
}

func TestWrongMomentIsConflictWrongScopeIsForbidden(t *testing.T) {
	t.Parallel()
	now := time.Now()
	n := &Need{StreetID: "s1", CommunityID: "c1", Status: Draft, Deadline: now.Add(time.Hour)}
	street := machineActors()["street"]
	if _, err := Step(n, ActAward, street, now); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("award a draft: %v", err)
	}
	if _, err := Step(n, ActAward, machineActors()["street/other"], now); errs.CodeOf(err) != errs.Forbidden {
		t.Fatalf("other street: %v", err)
	}
}

func TestDeadlineIsTheClock(t *testing.T) {
	t.Parallel()
	d := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	n := &Need{Status: Published, Deadline: d}
	if n.EffectiveStatus(d.Add(-time.Nanosecond)) != Published || !n.Sealed(d.Add(-time.Nanosecond)) {
		t.Fatal("before the deadline the need is open and sealed")
	}
	if n.EffectiveStatus(d) != Evaluating || n.Sealed(d) {
		t.Fatal("at the deadline the need is being evaluated and unsealed")
	}
	if err := CheckSubmit(n, d); errs.CodeOf(err) != errs.Conflict {
		t.Fatalf("submit at the deadline: %v", err)
	}
	if err := CheckSubmit(n, d.Add(-time.Nanosecond)); err != nil {
		t.Fatalf("submit just before: %v", err)
	}
}

func TestEditExtendsDeadline(t *testing.T) {
	t.Parallel()
	r := DefaultRules()
	old := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if got := ExtendForEdit(old, old, r); !got.Equal(old.Add(72 * time.Hour)) {
		t.Fatalf("extension: %v", got)
	}
	later := old.AddDate(0, 0, 10)
	if got := ExtendForEdit(old, later, r); !got.Equal(later) {
		t.Fatalf("a later asked deadline wins: %v", got)
	}
}

// TestStreetWaitsForTheCommunitysSubmission: a community's draft is not the
// street's to edit, publish or withdraw — it is asked to wait for the
// submission (a conflict: the right person, the wrong moment, said as
// need.community_draft); a draft the street wrote (a need of the whole
// street, a re-tender) it edits and publishes at once.
func TestStreetWaitsForTheCommunitysSubmission(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	street := machineActors()["street"]
	n := &Need{StreetID: "s1", CommunityID: "c1", Status: Draft, Deadline: now.Add(96 * time.Hour), CommunityDrafted: true}
	for _, act := range []Action{ActEdit, ActPublish, ActCancel} {
		if _, err := Step(n, act, street, now); errs.CodeOf(err) != errs.Conflict || errs.As(err).Key != "need.community_draft" {
			t.Errorf("the street takes %s on a community's draft: %v", act, err)
		}
	}
	if got := Actions(n, street, now); len(got) != 0 {
		t.Errorf("the street's steps on a community's draft: %v", got)
	}
	if _, err := Step(n, ActEdit, machineActors()["community"], now); err != nil {
		t.Errorf("the community edits its own draft: %v", err)
	}
	n.Status = Submitted
	if got := Actions(n, street, now); len(got) != 3 || !slices.Contains(got, ActReturn) || !slices.Contains(got, ActPublish) ||
		!slices.Contains(got, ActCancel) {
		t.Errorf("the street's steps on a submission: %v", got)
	}
	own := &Need{StreetID: "s1", CommunityID: "c1", Status: Draft, Deadline: now.Add(96 * time.Hour)}
	for _, act := range []Action{ActEdit, ActPublish} {
		if _, err := Step(own, act, street, now); err != nil {
			t.Errorf("the street takes %s on its own draft: %v", act, err)
		}
	}
}

// TestDraftedByCommunity: a need is its community's draft when its author
// writes it as that community's staff and not also as its street's.
func TestDraftedByCommunity(t *testing.T) {
	t.Parallel()
	a := machineActors()
	both := &accounts.User{ID: "both", Grants: append(slices.Clone(a["community"].Grants), a["street"].Grants...)}
	n := &Need{StreetID: "s1", CommunityID: "c1"}
	streetWide := &Need{StreetID: "s1"}
	for _, c := range []struct {
		n      *Need
		author *accounts.User
		want   bool
	}{
		{n, a["community"], true}, {n, a["street"], false}, {n, both, false}, {n, a["community/other"], false},
		{n, a["platform_admin"], false}, {n, nil, false}, {streetWide, a["community"], false},
	} {
		if got := DraftedByCommunity(c.n, c.author); got != c.want {
			t.Errorf("need of community %q by %v: %v, want %v", c.n.CommunityID, c.author, got, c.want)
		}
	}
}
