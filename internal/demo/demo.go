// Package demo fills an empty database with believable Huitian data — the
// eight streets and towns of 回天, their communities and complexes, about
// 200 organizations and one sign-in per role — for `huitian demo`.
// Everything is generated deterministically, so the logins printed on the
// console are the same on every machine and every run.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/places"
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
}

// demoLogin is a Login and the object its role is bound to: a street or
// community name, or an organization key.
type demoLogin struct {
	Login
	Scope string
}

// logins has one account per role. There is no merchant login yet: a
// merchant grant must name a merchant, and merchants arrive with the points
// scheme; 13800000007 is kept free for it.
var logins = []demoLogin{
	{Login{accounts.PlatformAdmin, "13800000001", Password, "周明远", "回天地区社会组织综合党委 平台管理员"}, ""},
	{Login{accounts.StreetStaff, "13800000002", Password, "李晓燕", "回龙观街道办事处工作人员"}, "回龙观街道"},
	{Login{accounts.CommunityStaff, "13800000003", Password, "王建华", "龙锦苑二区社区居委会工作人员"}, "龙锦苑二区社区"},
	{Login{accounts.OrgAdmin, "13800000004", Password, "陈思雨", "昌平区回龙观惠民社会工作服务中心 负责人"}, orgAdminKey},
	{Login{accounts.OrgMember, "13800000005", Password, "刘子涵", "昌平区回龙观惠民社会工作服务中心 社工"}, orgAdminKey},
	{Login{accounts.Reviewer, "13800000006", Password, "赵文博", "评审专家（社会工作方向）"}, ""},
	{Login{accounts.FoundationStaff, "13800000008", Password, "孙丽君", "回天社区公益基金会工作人员"}, ""},
	{Login{accounts.Auditor, "13800000009", Password, "吴国庆", "审计人员（只读，不见个人信息）"}, ""},
	{Login{accounts.Resident, "13800000010", "", "张桂兰", "天通北苑第一社区居民（短信验证码登录）"}, ""},
}

// Seed fills an empty database with the demo data, as the system actor. If
// the database already has streets it changes nothing and reports what is
// there, with the demo logins that exist. now bounds the founding dates.
// Seed is not one transaction (places, the organization import and each
// user commit separately): after a failure, start again from an empty
// database.
func Seed(ctx context.Context, s *store.Store, now time.Time) (*Result, error) {
	ctx = accounts.WithActor(ctx, accounts.System())
	streets, err := s.FindStreets(ctx)
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

	res := &Result{Created: true}
	streetIDs := map[string]string{}
	communityIDs := map[string]string{}
	for _, sp := range geography {
		st := &places.Street{Name: sp.Name}
		if err := s.CreateStreet(ctx, st); err != nil {
			return nil, fmt.Errorf("demo: street %s: %w", sp.Name, err)
		}
		streetIDs[st.Name] = st.ID
		res.Streets++
		for _, cp := range sp.Communities {
			cm := &places.Community{StreetID: st.ID, Name: cp.Name}
			if err := s.CreateCommunity(ctx, cm); err != nil {
				return nil, fmt.Errorf("demo: community %s: %w", cp.Name, err)
			}
			communityIDs[cm.Name] = cm.ID
			res.Communities++
			for _, name := range cp.Complexes {
				if err := s.CreateComplex(ctx, &places.Complex{CommunityID: cm.ID, Name: name}); err != nil {
					return nil, fmt.Errorf("demo: complex %s: %w", name, err)
				}
				res.Complexes++
			}
		}
	}

	rows := organizations(now)
	rep, err := s.ImportOrganizations(ctx, rows, false, nil)
	if err != nil {
		if rep != nil && len(rep.Problems) > 0 {
			p := rep.Problems[0]
			return nil, fmt.Errorf("demo: organization %q: %s %s: %w", rows[p.Line-1].Org.Name, p.Field, p.Key, err)
		}
		return nil, fmt.Errorf("demo: organizations: %w", err)
	}
	res.Organizations = rep.Created
	org, err := s.FindOrganizationByKey(ctx, orgAdminKey)
	if err != nil {
		return nil, fmt.Errorf("demo: organization %s: %w", orgAdminKey, err)
	}

	h := <-hashc
	if h.err != nil {
		return nil, fmt.Errorf("demo: hash password: %w", h.err)
	}
	for _, l := range logins {
		g := accounts.Grant{Role: l.Role}
		switch accounts.ScopeKindOf(l.Role) {
		case accounts.ScopeStreet:
			g.ScopeID = streetIDs[l.Scope]
		case accounts.ScopeCommunity:
			g.ScopeID = communityIDs[l.Scope]
		case accounts.ScopeOrganization:
			g.ScopeID = org.ID
		}
		u := &accounts.User{Phone: l.Phone, Name: l.Name, Grants: []accounts.Grant{g}}
		if l.Password != "" {
			u.PasswordHash = h.hash
		}
		if err := s.CreateUser(ctx, u); err != nil {
			return nil, fmt.Errorf("demo: user %s (%s): %w", l.Name, l.Role, err)
		}
		res.Logins = append(res.Logins, l.Login)
	}
	return res, nil
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
