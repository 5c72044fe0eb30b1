// Package demo fills an empty database with believable Huitian data — the
// eight streets and towns of 回天, their communities and complexes, about
// 200 organizations, one sign-in per role, needs in every state of the
// procurement lifecycle with their proposals, scores, awards, contracts,
// progress reports and ratings, and a catalog of same-style solutions built
// from the completed projects — for `huitian demo`.
// Everything is generated deterministically, so the logins printed on the
// console are the same on every machine and every run.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/catalog"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/store"
)

// Password is the one password of every demo staff login.
const Password = "huitian-demo"

// Login is one demo account, for the console banner.
type Login struct {
	Role     accounts.Role
	Phone    string
	Password string // "" for the resident, who signs in with a one-time code
	Name     string
	Note     string // who this person is, in Chinese
}

// Result says what Seed made (or found) and how to sign in.
type Result struct {
	Created       bool // false when the database already had streets and Seed left it alone
	Logins        []Login
	Streets       int
	Communities   int
	Complexes     int
	Organizations int
	Needs         int // tenders in every state, and the imported past projects
	Merchants     int
	Solutions     int // published solutions in the catalog (同款方案)
	Activities    int // published, running and finished volunteer activities (志愿活动)
}

// demoLogin is a Login and the object its role is bound to: a street or
// community name, or an organization key.
type demoLogin struct {
	Login
	Scope string
}

// logins has one account per role.
var logins = []demoLogin{
	{Login{accounts.PlatformAdmin, "13800000001", Password, "周明远", "回天地区社会组织综合党委 平台管理员"}, ""},
	{Login{accounts.StreetStaff, "13800000002", Password, "李晓燕", "回龙观街道办事处工作人员"}, "回龙观街道"},
	{Login{accounts.CommunityStaff, "13800000003", Password, "王建华", "龙锦苑二区社区居委会工作人员"}, "龙锦苑二区社区"},
	{Login{accounts.OrgAdmin, "13800000004", Password, "陈思雨", "昌平区回龙观惠民社会工作服务中心 负责人"}, orgAdminKey},
	{Login{accounts.OrgMember, "13800000005", Password, "刘子涵", "昌平区回龙观惠民社会工作服务中心 社工"}, orgAdminKey},
	{Login{accounts.Reviewer, "13800000006", Password, "赵文博", "评审专家（社会工作方向）"}, ""},
	{Login{accounts.Merchant, "13800000007", Password, "马国强", merchantLoginScope + " 店长"}, merchantLoginScope},
	{Login{accounts.FoundationStaff, "13800000008", Password, "孙丽君", "回天社区公益基金会工作人员"}, ""},
	{Login{accounts.Auditor, "13800000009", Password, "吴国庆", "审计人员（只读，不见个人信息）"}, ""},
	{Login{accounts.Resident, "13800000010", "", "张桂兰", "天通北苑第一社区居民（短信验证码登录）"}, ""},
}

// Seed fills an empty database with the demo data. If the database already
// has streets it changes nothing and reports what is there, with the demo
// logins that exist. now is the demo's today: the platform "went live"
// months before it, and the needs' stories run from then to the day before
// (tenders still open close after it), on a demo clock that Seed installs
// as the store's clock while it runs and then puts back. Seed is not one
// transaction (every step commits on its own): after a failure, start again
// from an empty database.
func Seed(ctx context.Context, s *store.Store, now time.Time) (*Result, error) {
	ctx = accounts.WithActor(ctx, accounts.System())
	streets, err := s.FindStreetsCounted(ctx) // existing reports their organizations
	if err != nil {
		return nil, fmt.Errorf("demo: list streets: %w", err)
	}
	if len(streets) > 0 {
		return existing(ctx, s, streets)
	}

	// argon2id takes a while: hash the one shared password beside the inserts.
	type hashed struct {
		hash string
		err  error
	}
	hashc := make(chan hashed, 1)
	go func() {
		h, err := accounts.HashPassword(Password)
		hashc <- hashed{h, err}
	}()

	// Plan every story before anything is written, then go back in time.
	rows := organizations(liveSince(now))
	w := newWorld(s, now, rows)
	if err := w.plan(); err != nil {
		return nil, err
	}
	realClock := s.Now
	s.Now = w.Now
	defer func() { s.Now = realClock }()
	w.base = accounts.WithActor(ctx, nil)

	res := &Result{Created: true}
	w.streetIDs = map[string]string{}
	w.communityIDs = map[string]string{}
	for _, sp := range geography {
		w.tick() // places are listed in the order they were made
		st := &places.Street{Name: sp.Name}
		if err := s.CreateStreet(ctx, st); err != nil {
			return nil, fmt.Errorf("demo: street %s: %w", sp.Name, err)
		}
		w.streetIDs[st.Name] = st.ID
		res.Streets++
		for _, cp := range sp.Communities {
			w.tick()
			cm := &places.Community{StreetID: st.ID, Name: cp.Name}
			if err := s.CreateCommunity(ctx, cm); err != nil {
				return nil, fmt.Errorf("demo: community %s: %w", cp.Name, err)
			}
			w.communityIDs[cm.Name] = cm.ID
			res.Communities++
			for _, name := range cp.Complexes {
				if err := s.CreateComplex(ctx, &places.Complex{CommunityID: cm.ID, Name: name}); err != nil {
					return nil, fmt.Errorf("demo: complex %s: %w", name, err)
				}
				res.Complexes++
			}
		}
	}

	w.tick()
	rep, err := s.ImportOrganizations(ctx, rows, false, nil)
	if err != nil {
		if rep != nil && len(rep.Problems) > 0 {
			p := rep.Problems[0]
			return nil, fmt.Errorf("demo: organization %q: %s %s: %w", rows[p.Line-1].Org.Name, p.Field, p.Key, err)
		}
		return nil, fmt.Errorf("demo: organizations: %w", err)
	}
	res.Organizations = rep.Created
	for _, k := range w.orgKeys() {
		o, err := s.FindOrganizationByKey(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("demo: organization %s: %w", k, err)
		}
		w.orgs[k], w.keyOf[o.ID] = o, k
	}
	org, err := s.FindOrganizationByKey(ctx, orgAdminKey)
	if err != nil {
		return nil, fmt.Errorf("demo: organization %s: %w", orgAdminKey, err)
	}

	w.tick()
	merchantIDs, err := createMerchants(ctx, s, w.streetIDs, w.communityIDs)
	if err != nil {
		return nil, err
	}
	res.Merchants = len(merchantIDs)

	h := <-hashc
	if h.err != nil {
		return nil, fmt.Errorf("demo: hash password: %w", h.err)
	}
	made := map[string]*accounts.User{}
	for _, l := range logins {
		g := accounts.Grant{Role: l.Role}
		switch accounts.ScopeKindOf(l.Role) {
		case accounts.ScopeStreet:
			g.ScopeID = w.streetIDs[l.Scope]
		case accounts.ScopeCommunity:
			g.ScopeID = w.communityIDs[l.Scope]
		case accounts.ScopeOrganization:
			g.ScopeID = org.ID
		case accounts.ScopeMerchant:
			g.ScopeID = merchantIDs[l.Scope]
		}
		u := &accounts.User{Phone: l.Phone, Name: l.Name, Grants: []accounts.Grant{g}}
		if l.Password != "" {
			u.PasswordHash = h.hash
		}
		w.tick()
		if err := s.CreateUser(ctx, u); err != nil {
			return nil, fmt.Errorf("demo: user %s (%s): %w", l.Name, l.Role, err)
		}
		made[u.Phone] = u
		res.Logins = append(res.Logins, l.Login)
	}
	if err := w.createPeople(h.hash, made); err != nil {
		return nil, err
	}
	if err := w.createPlatformStaff(h.hash, made); err != nil {
		return nil, err
	}
	if err := w.planCoordination(ctx); err != nil {
		return nil, err
	}
	w.tick()
	if _, err := w.importHistory(ctx); err != nil {
		return nil, err
	}
	if err := w.seedPastSolutions(ctx); err != nil {
		return nil, err
	}
	if err := w.planActivities(now, h.hash); err != nil {
		return nil, err
	}
	if err := w.planPoints(ctx, merchantIDs, made); err != nil {
		return nil, err
	}
	if err := w.planIncubation(ctx); err != nil {
		return nil, err
	}
	if err := w.planGrants(ctx, made); err != nil {
		return nil, err
	}
	w.planPortal()
	if err := w.run(); err != nil {
		return nil, err
	}
	if err := w.seedTenderSolutions(); err != nil {
		return nil, err
	}
	if err := w.markAbnormal(ctx); err != nil {
		return nil, err
	}
	if err := w.settlePoints(ctx, merchantIDs); err != nil {
		return nil, err
	}
	if err := w.seedVisits(); err != nil {
		return nil, err
	}
	if res.Needs, err = countNeeds(ctx, s); err != nil {
		return nil, err
	}
	if res.Solutions, err = countSolutions(ctx, s); err != nil {
		return nil, err
	}
	if res.Activities, err = countActivities(ctx, s); err != nil {
		return nil, err
	}
	return res, nil
}

// countActivities counts the public volunteer activities.
func countActivities(ctx context.Context, s *store.Store) (int, error) {
	_, n, err := s.FindActivities(ctx, activities.Filter{PerPage: 1})
	if err != nil {
		return 0, fmt.Errorf("demo: count activities: %w", err)
	}
	return n, nil
}

// countSolutions counts the published solutions of the catalog.
func countSolutions(ctx context.Context, s *store.Store) (int, error) {
	_, n, err := s.FindSolutions(ctx, catalog.Filter{PerPage: 1})
	if err != nil {
		return 0, fmt.Errorf("demo: count solutions: %w", err)
	}
	return n, nil
}

// countNeeds counts every need, drafts included (ctx is the system actor).
func countNeeds(ctx context.Context, s *store.Store) (int, error) {
	_, n, err := s.FindNeeds(ctx, procurement.Filter{PerPage: 1})
	if err != nil {
		return 0, fmt.Errorf("demo: count needs: %w", err)
	}
	return n, nil
}

// existing reports the data already in the database and the demo logins
// found there (a database seeded by Seed has all of them).
func existing(ctx context.Context, s *store.Store, streets []*places.Street) (*Result, error) {
	res := &Result{Streets: len(streets)}
	for _, st := range streets {
		res.Communities += st.Communities
		res.Organizations += st.Organizations
	}
	communities, err := s.FindCommunities(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("demo: list communities: %w", err)
	}
	for _, cm := range communities {
		res.Complexes += cm.Complexes
	}
	n, err := countNeeds(ctx, s)
	if err != nil {
		return nil, err
	}
	res.Needs = n
	if res.Solutions, err = countSolutions(ctx, s); err != nil {
		return nil, err
	}
	if res.Activities, err = countActivities(ctx, s); err != nil {
		return nil, err
	}
	ms, err := s.FindMerchants(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("demo: list merchants: %w", err)
	}
	res.Merchants = len(ms)
	for _, l := range logins {
		u, err := s.FindUserByPhone(ctx, l.Phone)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("demo: user %s: %w", l.Name, err)
		}
		if u.Has(l.Role) {
			res.Logins = append(res.Logins, l.Login)
		}
	}
	return res, nil
}
