package demo_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/activities"
	"github.com/huitian/huitian/internal/demo"
	"github.com/huitian/huitian/internal/places"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/procurement"
	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

var now = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

func TestSeed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.Now = func() time.Time { return now } // the demo's today is the store's
		start := time.Now()
		res, err := demo.Seed(ctx, s, now)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seeded in %s", time.Since(start))
		if !res.Created {
			t.Error("first run: Created is false")
		}
		if got := s.Now(); !got.Equal(now) {
			t.Errorf("the store's clock is not put back: %s", got)
		}

		streets, err := s.FindStreetsCounted(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"回龙观街道", "龙泽园街道", "史各庄街道", "霍营街道", "天通苑北街道", "天通苑南街道", "东小口镇", "北七家镇"}
		var got []string
		communities, orgs := 0, 0
		for _, st := range streets {
			got = append(got, st.Name)
			communities += st.Communities
			orgs += st.Organizations
			if st.Communities < 3 {
				t.Errorf("%s has only %d communities", st.Name, st.Communities)
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("streets in order: got %v, want %v", got, want)
		}
		if communities < 35 || communities > 45 || communities != res.Communities {
			t.Errorf("communities: %d in database, %d reported", communities, res.Communities)
		}
		if orgs < 180 || orgs > 220 || orgs != res.Organizations {
			t.Errorf("organizations: %d in database, %d reported", orgs, res.Organizations)
		}
		if res.Streets != 8 || res.Complexes < 2*res.Communities {
			t.Errorf("counts: %+v", res)
		}

		checkOrganizations(t, s, orgs)
		checkLogins(t, s, res.Logins)
		checkTenders(t, s, now, res.Needs)
		checkWork(t, s, now)
		checkCatalog(t, s)
		checkActivities(t, s, now, res.Activities)
		checkCoordination(t, s, now)
		checkUndated(t, s)
		_, entries, err := s.VerifyAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}

		// A second run changes nothing and prints the same logins.
		again, err := demo.Seed(ctx, s, now.Add(24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if again.Created {
			t.Error("second run: Created is true")
		}
		res.Created = false
		if !reflect.DeepEqual(again, res) {
			t.Errorf("second run:\n got %+v\nwant %+v", again, res)
		}
		_, total, err := s.FindOrganizations(ctx, registry.Filter{})
		if err != nil || total != orgs {
			t.Errorf("after second run: %d organizations (%v), want %d", total, err, orgs)
		}
		if _, again, err := s.VerifyAudit(ctx); err != nil || again != entries {
			t.Errorf("after second run: %d audit entries (%v), want %d", again, err, entries)
		}
	})
}

// checkOrganizations reads every organization back and checks the mix.
func checkOrganizations(t *testing.T, s *store.Store, total int) {
	t.Helper()
	ctx := context.Background()
	var all []*registry.Organization
	for page := 1; len(all) < total; page++ {
		list, _, err := s.FindOrganizations(ctx, registry.Filter{Page: page, PerPage: registry.MaxPerPage, Sort: "name"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 0 {
			break
		}
		all = append(all, list...)
	}
	if len(all) != total {
		t.Fatalf("read %d organizations, want %d", len(all), total)
	}
	codes, names, keys := map[string]bool{}, map[string]bool{}, map[string]bool{}
	forms, cats := map[registry.PartyForm]int{}, map[string]int{}
	registered := 0
	for _, o := range all {
		forms[o.PartyForm]++
		cats[o.Category]++
		if names[o.Name] {
			t.Errorf("name used twice: %s", o.Name)
		}
		names[o.Name] = true
		if !strings.HasPrefix(o.Key, "demo-o") || keys[o.Key] {
			t.Errorf("%s: key %q", o.Name, o.Key)
		}
		keys[o.Key] = true
		n := len([]rune(o.Description))
		if n < 20 || n > 200 || len(o.Domains) < 2 || o.Founded == "" || o.ContactName == "" || o.ContactPhone == "" {
			t.Errorf("%s: thin record %+v", o.Name, o)
		}
		switch o.Registration {
		case registry.Registered:
			registered++
			if err := registry.ValidateCreditCode(o.CreditCode); err != nil || o.CreditCode[0] != '5' {
				t.Errorf("%s: credit code %q: %v", o.Name, o.CreditCode, err)
			}
			if codes[o.CreditCode] {
				t.Errorf("%s: credit code %s used twice", o.Name, o.CreditCode)
			}
			codes[o.CreditCode] = true
		case registry.Filed:
			if o.CreditCode != "" {
				t.Errorf("%s: filed with a code", o.Name)
			}
		}
	}
	// An organization listed for a missed annual report missed the last
	// one due (by May 31 of the year after): not a year yet to come.
	reports := 0
	for _, o := range all {
		c, err := s.FindOrganizationCredit(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m := annualReport.FindStringSubmatch(c.Note); m != nil {
			reports++
			y, _ := strconv.Atoi(m[1])
			due := func(y int) time.Time { return time.Date(y+1, 6, 1, 0, 0, 0, 0, time.UTC) }
			if !due(y).Before(now) || due(y+1).Before(now) {
				t.Errorf("%s on %s: %q", o.Name, now.Format("2006-01-02"), c.Note)
			}
		}
	}
	if reports != 1 {
		t.Errorf("%d organizations listed for a missed annual report, want 1", reports)
	}
	if registered < total/4 || registered > total/2 {
		t.Errorf("%d of %d registered, want about a third", registered, total)
	}
	for _, p := range registry.PartyForms {
		if forms[p] == 0 {
			t.Errorf("no organization with party form %s", p)
		}
	}
	for _, c := range registry.Categories {
		if cats[c.Code] == 0 {
			t.Errorf("no organization in category %s (%s)", c.Code, c.Name)
		}
	}
}

// checkLogins signs every demo login in the way the web will.
func checkLogins(t *testing.T, s *store.Store, logins []demo.Login) {
	t.Helper()
	ctx := context.Background()
	byRole := map[accounts.Role]demo.Login{}
	verified := map[string]bool{}
	for _, l := range logins {
		byRole[l.Role] = l
	}
	for _, r := range accounts.Roles {
		l, ok := byRole[r]
		if !ok {
			t.Errorf("no login for %s", r)
			continue
		}
		u, err := s.FindUserByPhone(ctx, l.Phone)
		if err != nil {
			t.Errorf("%s %s: %v", r, l.Phone, err)
			continue
		}
		if !u.Has(r) || u.Name != l.Name || l.Note == "" {
			t.Errorf("%s: user %+v, login %+v", r, u, l)
		}
		if r == accounts.Merchant && (len(u.Grants) != 1 || u.Grants[0].ScopeName == "") {
			t.Errorf("the merchant login is not scoped to a real merchant: %+v", u.Grants)
		}
		if r == accounts.Resident {
			if l.Password != "" || u.PasswordHash != "" {
				t.Errorf("resident has a password")
			}
			continue
		}
		// argon2id is slow on purpose: verify each distinct hash once.
		if _, done := verified[u.PasswordHash]; !done {
			verified[u.PasswordHash] = accounts.CheckPassword(u.PasswordHash, demo.Password)
		}
		if l.Password != demo.Password || !verified[u.PasswordHash] {
			t.Errorf("%s: password does not match", r)
		}
		scope := map[accounts.Role]string{accounts.StreetStaff: "回龙观街道", accounts.CommunityStaff: "龙锦苑二区社区",
			accounts.OrgAdmin: "昌平区回龙观惠民社会工作服务中心", accounts.OrgMember: "昌平区回龙观惠民社会工作服务中心"}[r]
		if scope != "" && (len(u.Grants) != 1 || u.Grants[0].ScopeName != scope) {
			t.Errorf("%s: grants %+v, want scope %s", r, u.Grants, scope)
		}
	}
}

// TestSeedLeavesOtherDataAlone: a database with streets of its own is not
// touched, and no demo login is claimed that does not exist.
func TestSeedLeavesOtherDataAlone(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	if err := s.CreateStreet(storetest.Admin(), &places.Street{Name: "回龙观街道"}); err != nil {
		t.Fatal(err)
	}
	res, err := demo.Seed(context.Background(), s, now)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || res.Streets != 1 || res.Communities != 0 || res.Organizations != 0 || len(res.Logins) != 0 ||
		res.Needs != 0 {
		t.Fatalf("got %+v", res)
	}
	if _, n, err := s.FindNeeds(storetest.Admin(), procurement.Filter{}); err != nil || n != 0 {
		t.Fatalf("%d needs (%v)", n, err)
	}
}

// TestSeedDeterministic: two databases seeded apart hold the same
// organizations and the same needs, at the same stage of the same story;
// and none of their text is out of date (checkWording).
func TestSeedDeterministic(t *testing.T) {
	t.Parallel()
	var seen []map[string]string
	for i := range 2 {
		s, path := storetest.OpenDSN(t, store.SQLite)
		if _, err := demo.Seed(context.Background(), s, now); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			checkWording(t, path)
		}
		m := map[string]string{}
		for page := 1; ; page++ {
			list, _, err := s.FindOrganizations(context.Background(), registry.Filter{Page: page, PerPage: registry.MaxPerPage})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) == 0 {
				break
			}
			for _, o := range list {
				m[o.Key] = strings.Join([]string{o.Name, o.CreditCode, o.StreetName, o.CommunityName, o.Description,
					o.Founded, string(o.PartyForm), o.ContactPhone, strings.Join(o.Domains, ",")}, "|")
			}
		}
		for _, n := range allNeeds(t, s) {
			m[n.Title] = strings.Join([]string{string(n.Status), string(n.Procedure), n.CommunityName, n.AwardedOrgID,
				n.Deadline.String(), n.UpdatedAt.String(), fmt.Sprint(n.BudgetFen, n.Proposals)}, "|")
			if n.AwardedOrgID != "" {
				o, err := s.FindOrganizationByID(context.Background(), n.AwardedOrgID)
				if err != nil {
					t.Fatal(err)
				}
				m[n.Title] = strings.Replace(m[n.Title], n.AwardedOrgID, o.Key, 1)
			}
		}
		seen = append(seen, m)
	}
	if !reflect.DeepEqual(seen[0], seen[1]) {
		t.Error("two seeds differ")
	}
}

// TestSeedPoints: the demo resident has a balance equal to her history, the
// merchants offer goods, the merchant login's shop has redemptions (one
// flagged) and last month's statement; every balance equals its postings.
func TestSeedPoints(t *testing.T) {
	t.Parallel()
	s := storetest.Open(t, store.SQLite)
	s.Now = func() time.Time { return now }
	if _, err := demo.Seed(context.Background(), s, now); err != nil {
		t.Fatal(err)
	}
	ctx := accounts.WithActor(context.Background(), accounts.System())
	u, err := s.FindUserByPhone(ctx, "13800000010")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := s.FindPointsAccount(ctx, points.AccountID(points.Resident, u.ID))
	if err != nil || acct.Balance <= 0 {
		t.Fatalf("张桂兰's points: %+v %v", acct, err)
	}
	entries, err := s.FindPointsEntries(ctx, acct.ID, 100)
	var sum int64
	for _, e := range entries {
		sum += e.Delta
		if e.Reason == "" {
			t.Errorf("a posting without a reason: %+v", e)
		}
	}
	if err != nil || len(entries) < 6 || sum != acct.Balance {
		t.Fatalf("history: %d entries, sum %d, balance %d, %v", len(entries), sum, acct.Balance, err)
	}
	goods, err := s.FindGoods(ctx, points.GoodFilter{ActiveOnly: true})
	if err != nil || len(goods) < 13 {
		t.Fatalf("goods: %d %v", len(goods), err)
	}
	m, err := s.FindUserByPhone(ctx, "13800000007")
	if err != nil {
		t.Fatal(err)
	}
	shop := m.Grants[0].ScopeID
	reds, err := s.FindRedemptions(ctx, points.RedemptionFilter{MerchantID: shop})
	flagged := 0
	for _, r := range reds {
		if len(r.Flags) > 0 {
			flagged++
		}
	}
	if err != nil || len(reds) < 5 || flagged != 1 {
		t.Fatalf("redemptions %d, flagged %d, %v", len(reds), flagged, err)
	}
	sts, err := s.FindSettlements(ctx, shop)
	if err != nil || len(sts) != 1 || sts[0].Status != points.SettlementDraft || sts[0].Total == 0 {
		t.Fatalf("settlements %+v %v", sts, err)
	}
	if mm, _, err := s.VerifyPoints(ctx); mm != nil || err != nil {
		t.Fatalf("verify: %+v %v", mm, err)
	}
	noticed, err := s.FindAwards(ctx, store.AwardFilter{Statuses: []points.AwardStatus{points.AwardNoticed}})
	if err != nil || len(noticed) < 4 || noticed[0].RecipientName == "" || strings.Contains(noticed[0].RecipientName, "桂兰") {
		t.Fatalf("awards on notice: %d %v", len(noticed), err)
	}
}

// outdated are words of the pandemic years that no resident needs in 2026
// (the health code, PCR tests): demo text with them reads as stale.
var outdated = []string{"健康码", "行程码", "核酸", "疫情", "防疫", "新冠"}

// checkWording reads every byte the seed wrote to the SQLite database at
// path (its write-ahead log too: text is stored as UTF-8, so whatever
// table a text went to, it is found) for outdated words.
func checkWording(t *testing.T, path string) {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	if len(all) < 1<<20 {
		t.Fatalf("read %d bytes of %s: not the seeded database", len(all), path)
	}
	for _, w := range outdated {
		if i := bytes.Index(all, []byte(w)); i >= 0 {
			t.Errorf("the demo data says %s: …%s…", w, strings.ToValidUTF8(string(all[max(0, i-60):min(len(all), i+60)]), ""))
		}
	}
}

var annualReport = regexp.MustCompile(`(\d{4})年度工作报告`)

// dated are words that tie a text to a time of year. The demo dates its
// needs, activities and notices relative to the day it is made, so such a
// word in them contradicts their date on most days.
var dated = regexp.MustCompile(`端午|中秋|春节|元宵|重阳|七一|国庆|元旦|暑期|暑假|寒假|春季|夏季|秋季|冬季|年底|年初`)

// checkUndated reads the needs, the public activities (cancelled ones too)
// and the communities' notices for dated words.
func checkUndated(t *testing.T, s *store.Store) {
	t.Helper()
	var texts []string
	for _, n := range allNeeds(t, s) {
		texts = append(texts, n.Title, n.Description, n.Justification)
	}
	for _, st := range []activities.Status{activities.Published, activities.Cancelled, activities.Finished} {
		list, _, err := s.FindActivities(storetest.Admin(), activities.Filter{Status: st, PerPage: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			texts = append(texts, a.Title, a.Description)
		}
	}
	communities, err := s.FindCommunities(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range communities {
		ns, err := s.FindNotices(context.Background(), c.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			texts = append(texts, n.Title, n.Body)
		}
	}
	if len(texts) < 150 {
		t.Fatalf("only %d texts read", len(texts))
	}
	for _, x := range texts {
		if w := dated.FindString(x); w != "" {
			t.Errorf("%q says %s whatever day the demo is made", x, w)
		}
	}
}
