package accounts

import (
	"sort"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/errs"
)

// allKinds and allActions list every Kind and Action; the matrix covers
// their full product, so a new one must be added here (and a test fails
// until it is).
var (
	allKinds = []Kind{KindStreet, KindCommunity, KindComplex, KindOrganization, KindUser, KindAudit, KindNeed, KindMerchant, KindSolution, KindThesaurus,
		KindActivity, KindSignup, KindHours, KindActivityFlag,
		KindPoints, KindGood, KindRedemption, KindSettlement, KindPointsRule, KindAward,
		KindSpace, KindBooking, KindIncubation, KindCourse, KindEnrollment, KindCertificate,
		KindMeeting, KindAction, KindParty, KindDashboard, KindFund, KindGrantRound, KindGrantApplication,
		KindSuggestion, KindNotice, KindAssisted}
	allActions = []Action{View, ViewPrivate, ViewPersonal, Create, Update, Import, Export, ManageRoles, SetCredit}
)

// matrix is the expected policy, written out by hand so that changing the
// policy means changing this table too. allow lists the actors that may; all
// others must be refused. Actor names:
//
//	anonymous        not signed in
//	owner            a signed-in resident who owns the resource
//	ROLE             holds ROLE scoped to the resource (its street, community, organization)
//	ROLE/other       holds ROLE scoped to some other street, community, organization
//	ROLE/*           both of the above
//	*                everyone, signed in or not
//
// Pairs of kind and action that are not listed allow nobody.
var matrix = []struct {
	kind   Kind
	action Action
	allow  string
}{
	{KindStreet, View, "*"},
	{KindStreet, Create, "platform_admin/*"},
	{KindStreet, Update, "platform_admin/*"},

	{KindCommunity, View, "*"},
	{KindCommunity, Create, "platform_admin/* street_staff"},
	{KindCommunity, Update, "platform_admin/* street_staff"},

	{KindComplex, View, "*"},
	{KindComplex, Create, "platform_admin/* street_staff community_staff"},
	{KindComplex, Update, "platform_admin/* street_staff community_staff"},

	{KindOrganization, View, "*"},
	{KindOrganization, ViewPrivate, "platform_admin/* street_staff community_staff org_admin org_member"},
	{KindOrganization, Create, "platform_admin/* street_staff"},
	{KindOrganization, Update, "platform_admin/* street_staff org_admin"},
	{KindOrganization, Import, "platform_admin/*"},
	{KindOrganization, Export, "platform_admin/* auditor/*"},
	{KindOrganization, SetCredit, "platform_admin/*"},

	{KindUser, View, "platform_admin/* owner"},
	{KindUser, ViewPrivate, "platform_admin/* owner"},
	{KindUser, Create, "platform_admin/*"},
	{KindUser, Update, "platform_admin/* owner"},
	{KindUser, ManageRoles, "platform_admin/*"},

	{KindAudit, View, "platform_admin/* auditor/*"},
	{KindAudit, ViewPrivate, "platform_admin/*"},

	{KindMerchant, View, "*"},
	{KindMerchant, Create, "platform_admin/* street_staff"},
	{KindMerchant, Update, "platform_admin/* street_staff"},

	{KindNeed, ViewPrivate, "platform_admin/* auditor/* street_staff community_staff"},
	{KindNeed, Create, "platform_admin/* street_staff community_staff"},
	{KindNeed, Update, "platform_admin/* street_staff community_staff"},

	{KindSolution, View, "*"},
	{KindSolution, ViewPrivate, "platform_admin/* auditor/* org_admin org_member"},
	{KindSolution, Create, "platform_admin/* org_admin"},
	{KindSolution, Update, "platform_admin/* org_admin"},

	{KindThesaurus, View, "platform_admin/*"},
	{KindThesaurus, Update, "platform_admin/*"},

	{KindActivity, View, "*"},
	{KindActivity, ViewPrivate, "platform_admin/* street_staff community_staff org_admin org_member"},
	{KindActivity, Create, "platform_admin/* org_admin org_member"},
	{KindActivity, Update, "platform_admin/* org_admin org_member"},
	{KindActivity, Export, "auditor/*"},

	{KindSignup, Create, "resident/* owner"}, // the owner is a resident
	{KindSignup, Update, "owner"},

	{KindHours, View, "platform_admin/* owner"},

	{KindActivityFlag, View, "platform_admin/* street_staff"},
	{KindActivityFlag, Update, "platform_admin/* street_staff"},
	{KindPoints, View, "platform_admin/* auditor/* street_staff org_admin merchant owner"},
	{KindPoints, Create, "platform_admin/* street_staff"},

	{KindGood, View, "*"},
	{KindGood, Create, "platform_admin/* street_staff merchant"},
	{KindGood, Update, "platform_admin/* street_staff merchant"},

	{KindRedemption, View, "platform_admin/* auditor/* street_staff merchant owner"},
	{KindRedemption, Create, "owner"},
	{KindRedemption, Update, "merchant"},

	{KindSettlement, View, "platform_admin/* auditor/* street_staff merchant"},
	{KindSettlement, Create, "platform_admin/* street_staff"},
	{KindSettlement, Update, "platform_admin/* street_staff"},

	{KindPointsRule, View, "*"},
	{KindPointsRule, Create, "platform_admin/*"},
	{KindPointsRule, Update, "platform_admin/*"},

	{KindAward, View, "*"},
	{KindAward, Create, "platform_admin/* street_staff"},
	{KindAward, Update, "platform_admin/* street_staff"},
	{KindSpace, View, "*"},
	{KindSpace, Create, "platform_admin/* street_staff"},
	{KindSpace, Update, "platform_admin/* street_staff"},

	{KindBooking, ViewPrivate, "platform_admin/* street_staff org_admin org_member owner"},
	{KindBooking, Create, "platform_admin/* street_staff org_admin org_member owner"},
	{KindBooking, Update, "platform_admin/* street_staff org_admin owner"},

	{KindIncubation, View, "*"},
	{KindIncubation, ViewPrivate, "platform_admin/* street_staff org_admin org_member"},
	{KindIncubation, Create, "platform_admin/* org_admin"},
	{KindIncubation, Update, "platform_admin/* street_staff"},

	{KindCourse, View, "*"},
	{KindCourse, Create, "platform_admin/* street_staff"},
	{KindCourse, Update, "platform_admin/* street_staff"},

	{KindEnrollment, ViewPrivate, "platform_admin/* street_staff org_admin org_member"},
	{KindEnrollment, Create, "platform_admin/* org_admin org_member"},
	{KindEnrollment, Update, "platform_admin/* street_staff"},

	{KindCertificate, View, "*"},
	{KindCertificate, ViewPrivate, "platform_admin/* org_admin org_member"},

	{KindMeeting, View, "*"},
	{KindMeeting, ViewPrivate, "platform_admin/* auditor/* street_staff"},
	{KindMeeting, Create, "platform_admin/* street_staff"},
	{KindMeeting, Update, "platform_admin/* street_staff"},

	{KindAction, View, "platform_admin/* auditor/* street_staff community_staff org_admin org_member owner"},
	{KindAction, ViewPrivate, "platform_admin/* auditor/* street_staff"},
	{KindAction, Update, "platform_admin/* street_staff community_staff org_admin owner"},

	{KindParty, View, "*"},
	{KindParty, Create, "platform_admin/* street_staff owner"},
	{KindParty, Update, "platform_admin/* street_staff"},

	{KindDashboard, View, "platform_admin/* auditor/* street_staff"},
	{KindDashboard, Export, "platform_admin/* auditor/* street_staff"},

	{KindFund, View, "*"},
	{KindFund, ViewPrivate, "platform_admin/* foundation_staff/* auditor/*"},
	{KindFund, ViewPersonal, "platform_admin/* foundation_staff/*"},
	{KindFund, Create, "platform_admin/* foundation_staff/*"},
	{KindFund, Update, "platform_admin/* foundation_staff/*"},

	{KindGrantRound, View, "*"},
	{KindGrantRound, Create, "platform_admin/* foundation_staff/* street_staff"},
	{KindGrantRound, Update, "platform_admin/* foundation_staff/* street_staff"},

	{KindGrantApplication, ViewPrivate, "platform_admin/* foundation_staff/* auditor/* reviewer/* street_staff org_admin org_member"},
	{KindGrantApplication, ViewPersonal, "platform_admin/* foundation_staff/* street_staff org_admin org_member"},
	{KindGrantApplication, Create, "org_admin org_member"},

	{KindSuggestion, View, "*"},
	{KindSuggestion, ViewPrivate, "platform_admin/* street_staff community_staff owner"},
	{KindSuggestion, Create, "resident/* owner"},
	{KindSuggestion, Update, "platform_admin/* street_staff community_staff"},
	{KindNotice, View, "*"},
	{KindNotice, Create, "platform_admin/* street_staff community_staff"},
	{KindAssisted, Create, "platform_admin/* community_staff"},
}

// The resource every case acts on sits in street s1, community c1,
// organization o1 and belongs to the user "owner".
var matrixResource = Resource{ID: "r1", StreetID: "s1", CommunityID: "c1", OrgID: "o1", OwnerID: "owner", MerchantID: "m1"}

// matrixActors returns every actor the matrix names, by name.
func matrixActors() map[string]*User {
	own := map[ScopeKind]string{ScopeStreet: "s1", ScopeCommunity: "c1", ScopeOrganization: "o1", ScopeMerchant: "m1"}
	m := map[string]*User{
		"anonymous": nil,
		"owner":     {ID: "owner", Name: "owner", Grants: []Grant{{Role: Resident}}},
	}
	for _, r := range Roles {
		m[string(r)] = &User{ID: "u-" + string(r), Grants: []Grant{{Role: r, ScopeID: own[ScopeKindOf(r)]}}}
		// For unscoped roles the "other" scope is junk a grant should never carry: it must not matter.
		m[string(r)+"/other"] = &User{ID: "u-" + string(r) + "-other", Grants: []Grant{{Role: r, ScopeID: "elsewhere"}}}
	}
	return m
}

// expand turns an allow list into the set of actor names it allows.
func expand(t *testing.T, allow string, actors map[string]*User) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, tok := range strings.Fields(allow) {
		switch {
		case tok == "*":
			for name := range actors {
				out[name] = true
			}
		case strings.HasSuffix(tok, "/*"):
			r := strings.TrimSuffix(tok, "/*")
			out[r], out[r+"/other"] = true, true
		default:
			out[tok] = true
		}
	}
	for name := range out {
		if _, ok := actors[name]; !ok {
			t.Fatalf("matrix names unknown actor %q", name)
		}
	}
	return out
}

func TestCanMatrix(t *testing.T) {
	t.Parallel()
	actors := matrixActors()
	names := make([]string, 0, len(actors))
	for n := range actors {
		names = append(names, n)
	}
	sort.Strings(names)
	type pair struct {
		k Kind
		a Action
	}
	listed := map[pair]string{}
	for _, row := range matrix {
		p := pair{row.kind, row.action}
		if _, dup := listed[p]; dup {
			t.Fatalf("%s/%s listed twice", row.kind, row.action)
		}
		listed[p] = row.allow
	}
	for _, k := range allKinds {
		for _, a := range allActions {
			allowed := expand(t, listed[pair{k, a}], actors)
			res := matrixResource
			res.Kind = k
			for _, name := range names {
				actor := actors[name]
				err := Can(actor, a, res)
				switch {
				case allowed[name] && err != nil:
					t.Errorf("%s %s/%s: refused (%v), want allowed", name, k, a, err)
				case !allowed[name] && err == nil:
					t.Errorf("%s %s/%s: allowed, want refused", name, k, a)
				case !allowed[name] && actor == nil && errs.CodeOf(err) != errs.Unauthorized:
					t.Errorf("%s %s/%s: %v, want unauthorized (sign in first)", name, k, a, err)
				case !allowed[name] && actor != nil && errs.CodeOf(err) != errs.Forbidden:
					t.Errorf("%s %s/%s: %v, want forbidden", name, k, a, err)
				}
				if Allowed(actor, a, res) != (err == nil) {
					t.Errorf("%s %s/%s: Allowed disagrees with Can", name, k, a)
				}
			}
		}
	}
}

// TestMatrixCoversPolicy fails when the policy gains or loses a kind, an
// action or a (kind, action) pair the matrix does not list.
func TestMatrixCoversPolicy(t *testing.T) {
	t.Parallel()
	known := func(k Kind, a Action) bool {
		for _, row := range matrix {
			if row.kind == k && row.action == a {
				return true
			}
		}
		return false
	}
	for k, actions := range policy {
		if !containsKind(allKinds, k) {
			t.Errorf("kind %s is in the policy but not in allKinds", k)
		}
		for a, rules := range actions {
			if !containsAction(allActions, a) {
				t.Errorf("action %s is in the policy but not in allActions", a)
			}
			if !known(k, a) {
				t.Errorf("%s/%s is in the policy but not in the matrix", k, a)
			}
			if len(rules) == 0 {
				t.Errorf("%s/%s has an empty rule list: drop it or list who may", k, a)
			}
		}
	}
	for _, row := range matrix {
		if _, ok := policy[row.kind][row.action]; !ok {
			t.Errorf("%s/%s is in the matrix but not in the policy", row.kind, row.action)
		}
	}
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func containsAction(as []Action, a Action) bool {
	for _, x := range as {
		if x == a {
			return true
		}
	}
	return false
}

func TestCanEdgeCases(t *testing.T) {
	t.Parallel()
	org := Resource{Kind: KindOrganization, ID: "o1", StreetID: "s1", CommunityID: "c1", OrgID: "o1"}
	cases := []struct {
		name   string
		actor  *User
		action Action
		res    Resource
		want   errs.Code // "" allowed
	}{
		{"disabled admin refused", &User{ID: "a", Disabled: true, Grants: []Grant{{Role: PlatformAdmin}}},
			Update, org, errs.Forbidden},
		{"disabled user still sees public data", &User{ID: "a", Disabled: true}, View, org, ""},
		{"empty scope never matches an empty street", &User{ID: "a", Grants: []Grant{{Role: StreetStaff}}},
			Update, Resource{Kind: KindOrganization, ID: "o1"}, errs.Forbidden},
		{"empty owner is nobody's", &User{ID: ""}, View, Resource{Kind: KindUser}, errs.Forbidden},
		{"second grant counts", &User{ID: "a", Grants: []Grant{{Role: StreetStaff, ScopeID: "s2"},
			{Role: CommunityStaff, ScopeID: "c1"}}}, Update,
			Resource{Kind: KindComplex, StreetID: "s1", CommunityID: "c1"}, ""},
		{"org scope is not a street scope", &User{ID: "a", Grants: []Grant{{Role: OrgAdmin, ScopeID: "s1"}}},
			Update, org, errs.Forbidden},
		{"unknown kind", &User{ID: "a", Grants: []Grant{{Role: PlatformAdmin}}}, View, Resource{Kind: "nope"}, errs.Forbidden},
		{"system actor is an admin", System(), Import, Resource{Kind: KindOrganization}, ""},
	}
	for _, c := range cases {
		if got := errs.CodeOf(Can(c.actor, c.action, c.res)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// AllowedSomewhere agrees with Can on an object within the actor's own
// scope, for every kind, action and role; a disabled actor, or one with no
// role, gets only what anyone gets.
func TestAllowedSomewhere(t *testing.T) {
	t.Parallel()
	mine := func(k Kind) Resource {
		return Resource{Kind: k, ID: "x", StreetID: "x", CommunityID: "x", OrgID: "x", MerchantID: "x", OwnerID: "someone else"}
	}
	for _, k := range allKinds {
		for _, a := range allActions {
			for _, r := range Roles {
				u := &User{ID: "u", Grants: []Grant{{Role: r, ScopeID: "x"}}}
				if got, want := AllowedSomewhere(u, a, k), Allowed(u, a, mine(k)); got != want {
					t.Errorf("%s %s %s: %v, Can in its own scope says %v", r, a, k, got, want)
				}
				u.Disabled = true
				if got, want := AllowedSomewhere(u, a, k), Allowed(nil, a, mine(k)); got != want {
					t.Errorf("disabled %s %s %s: %v, anyone may: %v", r, a, k, got, want)
				}
			}
			if got, want := AllowedSomewhere(nil, a, k), Allowed(nil, a, mine(k)); got != want {
				t.Errorf("anonymous %s %s: %v, want %v", a, k, got, want)
			}
		}
	}
	if !AllowedSomewhere(&User{Grants: []Grant{{Role: CommunityStaff, ScopeID: "c"}}}, Create, KindNeed) ||
		AllowedSomewhere(&User{Grants: []Grant{{Role: Auditor}}}, Create, KindNeed) {
		t.Error("community staff draft needs, auditors do not")
	}
}
