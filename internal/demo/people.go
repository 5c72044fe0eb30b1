package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/huitian/huitian/internal/accounts"
)

// people are the accounts the demo's tenders are run by, beyond the printed
// logins (which they include): staff of every street and community,
// administrators of the organizations that bid, reviewers and residents.
// Their phones are 1370000xxxx; staff sign in with the demo password.
type people struct {
	street    map[string]*accounts.User // street id → its staff
	community map[string]*accounts.User // community id → its staff
	admins    map[string]*accounts.User // organization key → its administrator
	reviewers []*accounts.User          // [0] is the demo reviewer
	residents []*accounts.User          // [0] is the demo resident
	// coordinator publishes solutions (the platform admin login); platform
	// is the operations officer who writes some up (solutions.go).
	coordinator, platform *accounts.User
}

// reviewerNames are the review panel pool; the first is the demo login.
var reviewerNames = []string{"赵文博", "郑雅琴", "韩立军", "何佳慧", "梁振宇"}

// residentNames are the residents who rate projects; the first is the demo login.
var residentNames = []string{"张桂兰", "刘秀英", "王德明", "陈淑珍", "杨建军", "黄丽娟", "周志刚", "吴秀梅",
	"徐国华", "孙玉兰", "马文涛", "朱红霞", "胡建平", "郭美玲", "林小峰"}

// residentHomes is where each of residentNames lives: the community they
// confirm on the portal or at their first sign-up, and the one the
// activities open to a street or community check (demoActivities and
// portalSuggestions keep to it).
var residentHomes = []string{"天通北苑第一社区", "天通北苑第一社区", "天通北苑第一社区", "天通北苑第一社区",
	"天通北苑第一社区", "龙锦苑二区社区", "龙锦苑二区社区", "龙锦苑二区社区", "龙锦苑二区社区", "天通北苑第一社区",
	"天通北苑第一社区", "天通北苑第一社区", "龙腾苑社区", "龙腾苑社区", "领秀慧谷社区"}

// createPeople makes the accounts, reusing the demo logins (by phone) where
// they hold the role: 李晓燕 is 回龙观街道's staff, 王建华 龙锦苑二区's,
// 陈思雨 惠民社工's administrator, 赵文博 a reviewer, 张桂兰 a resident.
func (w *world) createPeople(hash string, logins map[string]*accounts.User) error {
	ctx := accounts.WithActor(w.base, accounts.System())
	w.ppl = people{street: map[string]*accounts.User{}, community: map[string]*accounts.User{},
		admins: map[string]*accounts.User{}}
	used := map[string]bool{}
	for _, l := range logins {
		used[l.Name] = true
	}
	r := rand.New(rand.NewPCG(1949, 1001))
	name := func() string {
		for {
			n := string(surnames[r.IntN(len(surnames))]) + givenNames[r.IntN(len(givenNames))]
			if !used[n] {
				used[n] = true
				return n
			}
		}
	}
	create := func(phone, name string, g accounts.Grant, password bool) (*accounts.User, error) {
		if u := logins[phone]; u != nil {
			return u, nil
		}
		u := &accounts.User{Phone: phone, Name: name, Grants: []accounts.Grant{g}}
		if password {
			u.PasswordHash = hash
		}
		w.tick()
		if err := w.s.CreateUser(ctx, u); err != nil {
			return nil, fmt.Errorf("demo: user %s (%s): %w", name, g.Role, err)
		}
		return u, nil
	}
	ci := 0
	for si, sp := range geography {
		phone, who := fmt.Sprintf("137000001%02d", si+1), name()
		if sp.Name == "回龙观街道" {
			phone, who = "13800000002", "李晓燕"
		}
		u, err := create(phone, who, accounts.Grant{Role: accounts.StreetStaff, ScopeID: w.streetIDs[sp.Name]}, true)
		if err != nil {
			return err
		}
		w.ppl.street[w.streetIDs[sp.Name]] = u
		for _, cp := range sp.Communities {
			ci++
			phone, who := fmt.Sprintf("13700002%03d", ci), name()
			if cp.Name == "龙锦苑二区社区" {
				phone, who = "13800000003", "王建华"
			}
			u, err := create(phone, who, accounts.Grant{Role: accounts.CommunityStaff, ScopeID: w.communityIDs[cp.Name]}, true)
			if err != nil {
				return err
			}
			w.ppl.community[w.communityIDs[cp.Name]] = u
		}
	}
	for _, k := range w.orgKeys() {
		var num int
		fmt.Sscanf(k, "demo-o%d", &num)
		phone := fmt.Sprintf("13700010%03d", num)
		if k == orgAdminKey {
			phone = "13800000004"
		}
		u, err := create(phone, w.rows[k].Org.ContactName, accounts.Grant{Role: accounts.OrgAdmin, ScopeID: w.orgs[k].ID}, true)
		if err != nil {
			return err
		}
		w.ppl.admins[k] = u
	}
	for i, n := range reviewerNames {
		phone := fmt.Sprintf("137000003%02d", i)
		if i == 0 {
			phone = "13800000006"
		}
		u, err := create(phone, n, accounts.Grant{Role: accounts.Reviewer}, true)
		if err != nil {
			return err
		}
		w.ppl.reviewers = append(w.ppl.reviewers, u)
	}
	for i, n := range residentNames {
		phone := fmt.Sprintf("137000005%02d", i)
		if i == 0 {
			phone = "13800000010"
		}
		u, err := create(phone, n, accounts.Grant{Role: accounts.Resident}, false)
		if err != nil {
			return err
		}
		w.ppl.residents = append(w.ppl.residents, u)
	}
	return nil
}
