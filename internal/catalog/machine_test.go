package catalog

import (
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
)

// expected is the state machine written out by hand, independently of
// Transitions: status → action → the actors who may. Actor names: author
// (admin of the proposing organization), coordinator (platform admin).
// Everyone else — the organization's members, other organizations, street
// and community staff, auditors, residents — may do nothing.
var expected = map[Status]map[Action]string{
	Draft:     {ActEdit: "author coordinator", ActSubmit: "author coordinator", ActArchive: "coordinator", ActMerge: "coordinator"},
	InReview:  {ActReturn: "coordinator", ActPublish: "coordinator", ActArchive: "coordinator", ActMerge: "coordinator"},
	Published: {ActRevise: "author coordinator", ActArchive: "coordinator", ActMerge: "coordinator"},
	Archived:  {ActMerge: "coordinator"},
	Merged:    {},
}

func machineActors() map[string]*accounts.User {
	g := func(r accounts.Role, scope string) *accounts.User {
		return &accounts.User{ID: string(r) + scope, Grants: []accounts.Grant{{Role: r, ScopeID: scope}}}
	}
	return map[string]*accounts.User{
		"author":          g(accounts.OrgAdmin, "o1"),
		"coordinator":     g(accounts.PlatformAdmin, ""),
		"author/member":   g(accounts.OrgMember, "o1"),
		"author/other":    g(accounts.OrgAdmin, "o2"),
		"street":          g(accounts.StreetStaff, "s1"),
		"community":       g(accounts.CommunityStaff, "c1"),
		"auditor":         g(accounts.Auditor, ""),
		"reviewer":        g(accounts.Reviewer, ""),
		"resident":        g(accounts.Resident, ""),
		"foundation":      g(accounts.FoundationStaff, ""),
		"disabled_author": {ID: "d", Disabled: true, Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: "o1"}}},
		"anonymous":       nil,
	}
}

func TestStateMachineEveryCombination(t *testing.T) {
	t.Parallel()
	for _, st := range Statuses {
		if _, ok := expected[st]; !ok {
			t.Fatalf("status %s missing from the expected table", st)
		}
		for _, act := range Actions {
			for name, actor := range machineActors() {
				s := &Solution{ID: "s1", OrgID: "o1", Status: st, PublishedVersion: 1, LatestVersion: 1}
				tr, err := Check(s, act, actor)
				allowed := strings.Contains(" "+expected[st][act]+" ", " "+name+" ")
				if allowed {
					if err != nil {
						t.Errorf("%s %s by %s: refused (%v), want allowed", st, act, name, err)
					}
					continue
				}
				if err == nil {
					t.Errorf("%s %s by %s: allowed (→ %s), want refused", st, act, name, tr.To)
					continue
				}
				code := errs.CodeOf(err)
				mayEver := false
				for _, other := range Statuses {
					mayEver = mayEver || strings.Contains(" "+expected[other][act]+" ", " "+name+" ")
				}
				switch {
				case actor == nil && code != errs.Unauthorized:
					t.Errorf("%s %s anonymous: %v, want unauthorized", st, act, err)
				case actor != nil && mayEver && code != errs.Conflict:
					t.Errorf("%s %s by %s: %v, want conflict (right person, wrong moment)", st, act, name, err)
				case actor != nil && !mayEver && code != errs.Forbidden:
					t.Errorf("%s %s by %s: %v, want forbidden", st, act, name, err)
				}
			}
		}
	}
}

func TestTransitionsTargets(t *testing.T) {
	t.Parallel()
	want := map[Action]Status{ActEdit: Draft, ActSubmit: InReview, ActReturn: Draft, ActPublish: Published,
		ActRevise: Draft, ActArchive: Archived, ActMerge: Merged}
	for _, tr := range Transitions {
		if want[tr.Action] != tr.To {
			t.Errorf("%s %s → %s, want → %s", tr.From, tr.Action, tr.To, want[tr.Action])
		}
	}
}

func TestSolutionWithoutOrganizationIsThePlatformsOwn(t *testing.T) {
	t.Parallel()
	s := &Solution{ID: "s1", Status: Draft}
	anyOrg := &accounts.User{ID: "a", Grants: []accounts.Grant{{Role: accounts.OrgAdmin, ScopeID: "o1"}}}
	if _, err := Check(s, ActEdit, anyOrg); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("an organization edits the platform's draft: %v", err)
	}
	if CanViewPrivate(s, anyOrg) {
		t.Fatal("an organization sees the platform's draft")
	}
}

func TestVisibility(t *testing.T) {
	t.Parallel()
	actors := machineActors()
	draft := &Solution{ID: "s1", OrgID: "o1", Status: Draft, CreatedBy: "creator", LatestVersion: 1}
	for name, want := range map[string]bool{"author": true, "author/member": true, "coordinator": true, "auditor": true,
		"author/other": false, "street": false, "community": false, "resident": false, "anonymous": false} {
		if got := CanView(draft, actors[name]); got != want {
			t.Errorf("draft seen by %s: %v, want %v", name, got, want)
		}
	}
	creator := &accounts.User{ID: "creator", Grants: []accounts.Grant{{Role: accounts.Resident}}}
	if !CanView(draft, creator) {
		t.Error("the author does not see their own draft")
	}
	pub := &Solution{ID: "s2", OrgID: "o1", Status: Draft, PublishedVersion: 1, LatestVersion: 2}
	if !CanView(pub, nil) || !pub.Listed() {
		t.Error("a published solution with a revision in draft is not public")
	}
	arch := &Solution{ID: "s3", Status: Archived, PublishedVersion: 1}
	if !arch.Public() || arch.Listed() {
		t.Error("an archived solution: readable, not listed")
	}
	merged := &Solution{ID: "s4", Status: Merged, PublishedVersion: 1, MergedInto: "s2"}
	if merged.Public() || merged.Listed() {
		t.Error("a merged solution is neither public nor listed (it redirects)")
	}
}

func TestCanPropose(t *testing.T) {
	t.Parallel()
	a := machineActors()
	for name, want := range map[string]bool{"author": true, "coordinator": true, "author/member": false,
		"author/other": false, "community": false, "anonymous": false} {
		if got := CanPropose(a[name], "o1") == nil; got != want {
			t.Errorf("%s proposes for o1: %v, want %v", name, got, want)
		}
	}
	if CanPropose(a["coordinator"], "") != nil {
		t.Error("platform staff cannot propose in the platform's name")
	}
	if CanPropose(a["author"], "") == nil {
		t.Error("an organization proposes in the platform's name")
	}
}
