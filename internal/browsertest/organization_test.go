package browsertest

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/huitian/huitian/internal/registry"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// freshCreditCode returns a valid unified social credit code no demo
// organization uses, and the same code with a wrong check character.
func freshCreditCode(t *testing.T, s *store.Store) (valid, broken string) {
	t.Helper()
	// 5 民政, 2 社会服务机构, 110114 昌平区, then a made-up organization code.
	for i := range 100 {
		first17 := fmt.Sprintf("52110114MA0BT%04d", 7100+i)
		check, ok := registry.CreditCheckChar(first17)
		if !ok {
			t.Fatalf("%s is outside the credit-code alphabet", first17)
		}
		valid = first17 + string(check)
		_, n, err := s.FindOrganizations(context.Background(), registry.Filter{CreditCode: valid})
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			continue
		}
		wrong := byte('0')
		if check == '0' {
			wrong = '1'
		}
		return valid, first17 + string(wrong)
	}
	t.Fatal("no unused credit code")
	return "", ""
}

// TestRegisterOrganization is the platform admin's journey: sign in, register
// an organization with a mistyped credit code, read the error beside the
// field, correct it, land on the profile, and find the organization in the
// public directory once signed out. It runs on every database.
func TestRegisterOrganization(t *testing.T) {
	needBrowser(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newSite(t, st)
		ctx := newTab(t)
		const name = "回龙观街道晨曦邻里互助服务中心"
		if _, n, err := st.FindOrganizations(context.Background(), registry.Filter{Query: name}); err != nil || n != 0 {
			t.Fatalf("demo data already has %s (%d, %v)", name, n, err)
		}
		valid, broken := freshCreditCode(t, st)
		street := s.street(t, "回龙观街道")
		communities, err := st.FindCommunities(context.Background(), street.ID)
		if err != nil || len(communities) == 0 {
			t.Fatalf("communities of %s: %v", street.Name, err)
		}
		community := communities[0]

		visit(t, ctx, s, "/", ".hero")
		shot(t, ctx, s, "home.png")
		visit(t, ctx, s, "/organizations", ".grid .org-card")
		shot(t, ctx, s, "directory.png")

		signIn(t, ctx, s, "13800000001", "周明远", "login-password.png")
		visit(t, ctx, s, "/admin", `a[href="/admin/audit"]`)
		shot(t, ctx, s, "admin-home.png")
		visit(t, ctx, s, "/admin/users", "table.table")
		shot(t, ctx, s, "admin-users.png")
		visit(t, ctx, s, "/admin/streets", "table.table")
		shot(t, ctx, s, "admin-streets.png")
		visit(t, ctx, s, "/admin/audit?verify=1", "#audit-status")
		contains(t, "audit chain check", text(t, ctx, "#audit-status"), "日志链完整")
		shot(t, ctx, s, "admin-audit.png")

		visit(t, ctx, s, "/organizations/new", "form #credit_code")
		run(t, ctx, "fill the new organization",
			chromedp.SetValue(chromedp.CSS("#name"), name),
			chromedp.Click(chromedp.CSS(`input[name="registration"][value="registered"]`)),
			chromedp.SendKeys(chromedp.CSS("#credit_code"), broken),
			chromedp.SetValue(chromedp.CSS("#domains"), "邻里互助、为老服务、志愿服务"),
			chromedp.SetValue(chromedp.CSS("#description"), "由回龙观街道居民发起，组织低龄老人结对看望高龄独居老人，开展邻里互助和志愿服务。"),
			chromedp.SetValue(chromedp.CSS("#street"), street.ID),
			chromedp.SetValue(chromedp.CSS("#community"), community.ID),
			chromedp.SetValue(chromedp.CSS("#founded"), "2019-03-15"),
			chromedp.SetValue(chromedp.CSS("#volunteers"), "45"),
			chromedp.SetValue(chromedp.CSS("#contact_name"), "刘玉兰"),
			chromedp.SetValue(chromedp.CSS("#contact_phone"), "13912345678"),
		)
		run(t, ctx, "submit with a wrong credit code",
			chromedp.Click(chromedp.CSS("#save")),
			chromedp.WaitVisible(chromedp.CSS("#credit_code-error")))
		// The message sits in the field's own block, under the label that
		// names the field (messages do not repeat the label), and the input
		// points screen readers at it.
		contains(t, "credit code error", text(t, ctx, "#credit_code-error"), "校验位不正确")
		block := get(t, ctx, "read the credit code field", chromedp.Evaluate[string](`(() => {
			const input = document.getElementById("credit_code"), err = document.getElementById("credit_code-error");
			const field = input.closest(".field");
			if (!field.contains(err) || input.getAttribute("aria-invalid") !== "true" ||
				input.getAttribute("aria-describedby") !== "credit_code-error") return "";
			return field.querySelector('label[for="credit_code"]').innerText + "\n" + err.innerText;
		})()`))
		contains(t, "credit code field", block, "统一社会信用代码\n校验位不正确")
		if got := get(t, ctx, "read the kept name", chromedp.Value(chromedp.CSS("#name"))); got != name {
			t.Fatalf("the form lost the name: %q", got)
		}
		run(t, ctx, "scroll to the error", chromedp.ScrollIntoView(chromedp.CSS("#name")))
		shot(t, ctx, s, "org-form-error.png")

		run(t, ctx, "correct the credit code",
			chromedp.Clear(chromedp.CSS("#credit_code")),
			chromedp.SendKeys(chromedp.CSS("#credit_code"), valid),
			chromedp.Click(chromedp.CSS("#save")),
			chromedp.WaitVisible(chromedp.CSS("dl.facts")))
		loc := get(t, ctx, "read the location", chromedp.Location())
		if !regexp.MustCompile(`/organizations/[^/]+$`).MatchString(loc) {
			t.Fatalf("after saving the browser is at %s, want the profile", loc)
		}
		if got := text(t, ctx, "main h1"); got != name {
			t.Fatalf("profile heading %q, want %q", got, name)
		}
		contains(t, "flash", text(t, ctx, ".flash"), "组织已登记")
		contains(t, "profile", text(t, ctx, "dl.facts"), valid)
		contains(t, "profile", text(t, ctx, "dl.facts"), community.Name)
		shot(t, ctx, s, "org-profile.png")
		profile := loc[strings.LastIndex(loc, "/organizations/"):]

		signOut(t, ctx)
		visit(t, ctx, s, "/organizations", "#q")
		run(t, ctx, "search the directory",
			chromedp.SetValue(chromedp.CSS("#q"), name),
			chromedp.Click(chromedp.CSS(".filter-actions button")),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#q[value=%q]`, name))))
		// The search is ranked: the organization searched by its full name comes first.
		contains(t, "result count", text(t, ctx, ".result-count"), "按相关程度排序")
		if got := get(t, ctx, "read the first card's link", chromedp.Evaluate[string](
			`document.querySelector(".org-card h3 a").getAttribute("href")`)); got != profile {
			t.Fatalf("first directory card %q, want %q", got, profile)
		}
		if got := text(t, ctx, fmt.Sprintf(`.org-card a[href=%q]`, profile)); got != name {
			t.Fatalf("directory card %q, want %q", got, name)
		}
		// The public sees neither the contact person nor the phone.
		visit(t, ctx, s, profile, "dl.facts")
		if facts := text(t, ctx, "dl.facts"); strings.Contains(facts, "联系电话") || strings.Contains(facts, "刘玉兰") {
			t.Fatalf("the public profile shows contact data: %q", facts)
		}
	})
}

// TestOwnProfile: an organization's admin sees its own contact phone whole,
// edits the profile and saves; street staff see the phone masked.
func TestOwnProfile(t *testing.T) {
	needBrowser(t)
	s := newSite(t, storetest.Open(t, store.SQLite))
	orgs, n, err := s.Store.FindOrganizations(context.Background(), registry.Filter{Query: "昌平区回龙观惠民社会工作服务中心"})
	if err != nil || n != 1 {
		t.Fatalf("demo organization of 13800000004: %d found, %v", n, err)
	}
	path := "/organizations/" + orgs[0].ID

	ctx := newTab(t)
	signIn(t, ctx, s, "13800000004", "陈思雨", "")
	visit(t, ctx, s, path, "dl.facts")
	contains(t, "own profile", text(t, ctx, "dl.facts"), "13911062815")
	shot(t, ctx, s, "org-own-profile.png")
	run(t, ctx, "edit the profile",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="%s/edit"]`, path))),
		chromedp.WaitVisible(chromedp.CSS("form #description")))
	shot(t, ctx, s, "org-edit.png")
	run(t, ctx, "save the profile",
		chromedp.SetValue(chromedp.CSS("#volunteers"), "320"),
		chromedp.Click(chromedp.CSS("#save")),
		chromedp.WaitVisible(chromedp.CSS("dl.facts")))
	contains(t, "flash", text(t, ctx, ".flash"), "修改已保存")
	contains(t, "saved profile", text(t, ctx, "dl.facts"), "志愿者 320 人")
	// The street select offers only the organization's own street.
	visit(t, ctx, s, path+"/edit", "#street")
	if n := get(t, ctx, "count streets", chromedp.Evaluate[int](`document.querySelectorAll("#street option").length`)); n != 1 {
		t.Errorf("an organization admin is offered %d streets, want its own only", n)
	}

	staff := newTab(t)
	signIn(t, staff, s, "13800000002", "李晓燕", "")
	visit(t, staff, s, path, "dl.facts")
	facts := text(t, staff, "dl.facts")
	contains(t, "street staff view", facts, "139****2815")
	if strings.Contains(facts, "13911062815") {
		t.Fatalf("street staff see the whole phone: %q", facts)
	}
}
