package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/merchants"
	"github.com/huitian/huitian/internal/points"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestPointsPages: a resident with points picks a good and gets a code
// with a QR image; the merchant types it, sees the good and the masked
// name, confirms once; both pages show the result.
func TestPointsPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := storetest.Admin()
		shop := &merchants.Merchant{Name: "龙锦苑便民超市", StreetID: f.street.ID, Kind: "超市"}
		other := &merchants.Merchant{Name: "霍营百姓药店", StreetID: f.other.ID, Kind: "药店"}
		for _, m := range []*merchants.Merchant{shop, other} {
			if err := s.CreateMerchant(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
		hash, _ := accounts.HashPassword(password)
		cashier := &accounts.User{Phone: "13900000007", Name: "马国强", PasswordHash: hash,
			Grants: []accounts.Grant{{Role: accounts.Merchant, ScopeID: shop.ID}}}
		druggist := &accounts.User{Phone: "13900000008", Name: "药店店员", PasswordHash: hash,
			Grants: []accounts.Grant{{Role: accounts.Merchant, ScopeID: other.ID}}}
		for _, u := range []*accounts.User{cashier, druggist} {
			if err := s.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		// The resident signs in by text message.
		res := f.browser(t)
		phone := "13700005678"
		res.post("/login/code/send", url.Values{"phone": {phone}})
		sent := regexp.MustCompile(`\d{6}`).FindString(f.inbox.Last(phone))
		if code, _, _ := res.post("/login/code/verify", url.Values{"phone": {phone}, "code": {sent}}); code != 303 {
			t.Fatalf("resident login: %d", code)
		}
		if code, body, _ := res.get("/me/points"); code != 200 || !strings.Contains(body, "还没有积分记录") {
			t.Fatalf("empty points page: %d", code)
		}
		u, err := s.FindUserByPhone(ctx, phone)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PostPoints(ctx, &points.Posting{Key: "vol-1", Kind: points.KindGrant, From: points.AccountID(points.Pool, f.street.ID),
			To: points.AccountID(points.Resident, u.ID), Amount: 50, Reason: "社区绿地认养志愿服务"}); err != nil {
			t.Fatal(err)
		}

		// The merchant adds a good (bad input first: a clear message, nothing added).
		shopB := f.browser(t)
		shopB.login(cashier.Phone)
		if code, _, h := shopB.get("/merchant"); code != 303 || h.Get("Location") != "/merchant/"+shop.ID {
			t.Fatalf("merchant home: %d %s", code, h.Get("Location"))
		}
		if code, body, _ := shopB.post("/merchant/"+shop.ID+"/goods", url.Values{"name": {"鸡蛋一盒"}, "price": {"三十"}, "stock": {"5"}}); code != 400 || !strings.Contains(body, "应为整数") {
			t.Fatalf("bad price: %d", code)
		}
		if code, body, _ := shopB.post("/merchant/"+shop.ID+"/goods", url.Values{}); code != 400 || !strings.Contains(body, "有 3 处") ||
			strings.Contains(body, "应为整数") {
			t.Fatalf("an empty goods form: name, price and stock are all required, at once: %d", code)
		}
		if code, _, _ := shopB.post("/merchant/"+shop.ID+"/goods", url.Values{"name": {"鸡蛋一盒"}, "price": {"３０"}, "stock": {"5"}}); code != 303 {
			t.Fatalf("add good: %d", code)
		}
		goods, _ := s.FindGoods(ctx, points.GoodFilter{MerchantID: shop.ID})
		if len(goods) != 1 || goods[0].Price != 30 {
			t.Fatalf("goods %+v", goods)
		}
		if code, body, _ := shopB.post("/merchant/"+shop.ID+"/goods/"+goods[0].ID, url.Values{"stock": {""}}); code != 400 ||
			strings.Contains(body, "商品已更新") {
			t.Fatalf("an empty stock change was answered as saved: %d", code)
		}
		// Another merchant can neither see nor change this one's page.
		drug := f.browser(t)
		drug.login(druggist.Phone)
		if code, _, _ := drug.get("/merchant/" + shop.ID); code != 403 {
			t.Fatalf("other merchant's page: %d", code)
		}
		if code, _, _ := drug.post("/merchant/"+shop.ID+"/goods", url.Values{"name": {"x"}, "price": {"1"}, "stock": {"1"}}); code != 403 {
			t.Fatalf("other merchant adds: %d", code)
		}

		// The resident asks for a code: the answer to the form sends her on
		// to the code's page (no digits in the address), which a refresh
		// shows again instead of issuing another code.
		code, body, h := res.post("/me/points/codes", url.Values{"good_id": {goods[0].ID}})
		codePage := h.Get("Location")
		if code != http.StatusSeeOther || !regexp.MustCompile(`^/me/points/codes/[^/?#]+$`).MatchString(codePage) || strings.Contains(body, "code-digits") {
			t.Fatalf("asking for a code: %d %q", code, codePage)
		}
		code, body, _ = res.get(codePage)
		digits := regexp.MustCompile(`id="code-digits">(\d{8})<`).FindStringSubmatch(body)
		if code != 200 || digits == nil || !strings.Contains(body, `src="data:image/png;base64,`) || !strings.Contains(body, "请到“龙锦苑便民超市”出示给店员") {
			t.Fatalf("code page: %d %s", code, body)
		}
		if strings.Contains(codePage, digits[1]) {
			t.Fatal("the code is in the address")
		}
		if _, again, _ := res.get(codePage); !strings.Contains(again, `id="code-digits">`+digits[1]+`<`) {
			t.Fatal("a refresh does not show the same code")
		}
		// The page is the resident's browser's alone: not another resident's,
		// not the merchant's, not hers on another phone.
		stranger := f.browser(t)
		stranger.post("/login/code/send", url.Values{"phone": {"13700005679"}})
		stranger.post("/login/code/verify", url.Values{"phone": {"13700005679"}, "code": {regexp.MustCompile(`\d{6}`).FindString(f.inbox.Last("13700005679"))}})
		otherPhone := f.browser(t)
		otherPhone.post("/login/code/send", url.Values{"phone": {phone}})
		otherPhone.post("/login/code/verify", url.Values{"phone": {phone}, "code": {regexp.MustCompile(`\d{6}`).FindString(f.inbox.Last(phone))}})
		for who, b := range map[string]*browser{"another resident": stranger, "the merchant": shopB, "her other phone": otherPhone} {
			code, body, h := b.get(codePage)
			if strings.Contains(body, digits[1]) || code != http.StatusSeeOther || h.Get("Location") != "/me/points" {
				t.Fatalf("%s opens the code's page: %d %q", who, code, h.Get("Location"))
			}
		}
		if _, body, _ := otherPhone.get("/me/points"); !strings.Contains(body, "兑换码只在生成它的手机上显示") {
			t.Fatal("her other phone is not told where the code is")
		}
		// The other merchant learns only whose code it is, on its counter:
		// not the good, not the resident.
		if code, body, _ := drug.get("/merchant/" + other.ID + "/redeem?code=" + digits[1]); code != http.StatusBadRequest || strings.Contains(body, "鸡蛋") ||
			strings.Contains(body, `id="preview-resident"`) || !strings.Contains(body, "这个兑换码是在“龙锦苑便民超市”兑换的，不是本店的") || strings.Contains(body, "兑换码不正确") {
			t.Fatalf("other merchant preview: %d %s", code, body)
		}
		// The resident scanning her own QR code with her phone is told it
		// is for the shop to scan, not that she lacks a permission.
		if code, body, _ := res.get("/merchant/redeem?code=" + digits[1]); code != http.StatusOK || !strings.Contains(body, "这是给商户扫的码") ||
			!strings.Contains(body, "出示给店员") || strings.Contains(body, "没有权限") || !strings.Contains(body, `href="/me/points"`) {
			t.Fatalf("resident scans her own code: %d %s", code, body)
		}
		// The merchant checks it: good and masked name, never the full name or phone.
		code, body, _ = shopB.get("/merchant/" + shop.ID + "/redeem?code=" + digits[1])
		if code != 200 || !strings.Contains(body, "鸡蛋一盒") || strings.Contains(body, u.Name) || strings.Contains(body, phone) {
			t.Fatalf("preview: %d %s", code, body)
		}
		key := regexp.MustCompile(`name="idempotency_key" value="([0-9a-f]+)"`).FindStringSubmatch(body)
		if key == nil {
			t.Fatal("no idempotency key in the confirm form")
		}
		form := url.Values{"code": {digits[1]}, "idempotency_key": {key[1]}}
		for i := 0; i < 2; i++ { // a double press charges once
			if code, _, _ := shopB.post("/merchant/"+shop.ID+"/redeem", form); code != 303 {
				t.Fatalf("confirm %d: %d", i, code)
			}
		}
		if _, body, _ := shopB.get("/merchant/" + shop.ID); !strings.Contains(body, `id="merchant-balance">30<`) {
			t.Fatal("merchant balance not 30")
		}
		// The code's page, refreshed after the shop confirmed, says so.
		if code, _, h := res.get(codePage); code != http.StatusSeeOther || h.Get("Location") != "/me/points" {
			t.Fatalf("the code's page once used: %d %q", code, h.Get("Location"))
		}
		if _, body, _ := res.get("/me/points"); !strings.Contains(body, "<strong>20</strong>") || !strings.Contains(body, "兑换 鸡蛋一盒") || !strings.Contains(body, "-30") ||
			!strings.Contains(body, "这个兑换码已经兑换过了") || !strings.Contains(body, "还差 10 分") {
			t.Fatalf("resident page after redemption (20 points left, eggs at 30): %s", body)
		}
		// Used codes are refused with a clear message.
		if code, body, _ := shopB.get("/merchant/" + shop.ID + "/redeem?code=" + digits[1]); code != 409 || !strings.Contains(body, "已经核销") {
			t.Fatalf("used code: %d", code)
		}
		if code, _, _ := f.browser(t).get("/me/points"); code != http.StatusSeeOther {
			t.Fatalf("signed out: %d", code)
		}
		// A code's page past the code's five minutes says it expired.
		if _, err := s.PostPoints(ctx, &points.Posting{Key: "vol-2", Kind: points.KindGrant, From: points.AccountID(points.Pool, f.street.ID),
			To: points.AccountID(points.Resident, u.ID), Amount: 30, Reason: "社区绿地认养志愿服务"}); err != nil {
			t.Fatal(err)
		}
		_, _, h = res.post("/me/points/codes", url.Values{"good_id": {goods[0].ID}})
		clock := s.Now
		s.Now = func() time.Time { return clock().Add(points.CodeTTL + time.Second) }
		code, _, h = res.get(h.Get("Location"))
		s.Now = clock
		if _, body, _ := res.get("/me/points"); code != http.StatusSeeOther || !strings.Contains(body, "这个兑换码已过期") || !strings.Contains(body, "<strong>50</strong>") {
			t.Fatalf("an expired code's page: %d %q", code, h.Get("Location"))
		}
		// Guessing codes: after 60 checks in ten minutes a login must wait.
		for i := 0; ; i++ {
			code, body, _ := drug.get(fmt.Sprintf("/merchant/%s/redeem?code=%08d", other.ID, i))
			if code == http.StatusTooManyRequests {
				if i < 58 || !strings.Contains(body, "操作太频繁") {
					t.Fatalf("limited after %d checks: %s", i, body)
				}
				break
			}
			if i > 70 {
				t.Fatal("no limit on checking codes")
			}
		}
		f.assertNoPersonalData(t, digits[1])
	})
}

// TestSettlementPages: the street's staff draw up and approve a statement
// on the merchant's page; the merchant downloads it; flagged redemptions
// reach the staff's review page.
func TestSettlementPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		ctx := storetest.Admin()
		shop, cashier := f.shopWithCashier(t)
		resident := &accounts.User{Phone: "13700000010", Name: "张桂兰", Grants: []accounts.Grant{{Role: accounts.Resident}}}
		if err := s.CreateUser(ctx, resident); err != nil {
			t.Fatal(err)
		}
		g := &points.Good{MerchantID: shop.ID, Name: "挂面", Price: 10, Stock: 10, Active: true}
		if err := s.CreateGood(ctx, g); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PostPoints(ctx, &points.Posting{Key: "open", Kind: points.KindGrant, From: points.AccountID(points.Pool, f.street.ID),
			To: points.AccountID(points.Resident, resident.ID), Amount: 100, Reason: "开户"}); err != nil {
			t.Fatal(err)
		}
		clock := s.Now
		lastMonth := clock().AddDate(0, -1, 0)
		s.Now = func() time.Time { return lastMonth }
		for i := 0; i < points.RepeatLimit; i++ {
			c, err := s.IssueRedemptionCode(accounts.WithActor(context.Background(), resident), g.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Redeem(accounts.WithActor(context.Background(), cashier), c.Code, fmt.Sprint("k", i)); err != nil {
				t.Fatal(err)
			}
		}
		s.Now = clock
		month := lastMonth.In(points.Zone()).Format("2006-01")

		staff := f.browser(t)
		staff.login(f.staff)
		if code, body, _ := staff.get("/admin/points"); code != 200 || !strings.Contains(body, "同一居民 7 天内多次兑换") || strings.Contains(body, "张桂兰") {
			t.Fatalf("flags page: %d", code)
		}
		outsider := f.browser(t)
		outsider.login(f.outsid)
		if _, body, _ := outsider.get("/admin/points"); strings.Contains(body, "挂面") {
			t.Fatal("another street's staff see this street's flags")
		}
		if code, _, _ := outsider.post("/merchant/"+shop.ID+"/settlements", url.Values{"month": {month}}); code != 403 {
			t.Fatalf("other street draws up: %d", code)
		}
		if code, body, _ := staff.post("/merchant/"+shop.ID+"/settlements", url.Values{"month": {"下个月"}}); code != 400 || !strings.Contains(body, "月份格式") {
			t.Fatalf("bad month: %d", code)
		}
		if code, _, _ := staff.post("/merchant/"+shop.ID+"/settlements", url.Values{"month": {month}}); code != 303 {
			t.Fatalf("draw up: %d", code)
		}
		list, _ := s.FindSettlements(ctx, shop.ID)
		if len(list) != 1 || list[0].Total != 30 {
			t.Fatalf("statements %+v", list)
		}
		shopB := f.browser(t)
		shopB.login(cashier.Phone)
		if _, body, _ := shopB.get("/merchant/" + shop.ID + "/settlements"); strings.Contains(body, "/approve") {
			t.Fatal("the merchant is offered approval of its own statement")
		}
		if code, _, _ := shopB.post("/merchant/"+shop.ID+"/settlements/"+list[0].ID+"/approve", nil); code != 403 {
			t.Fatalf("merchant approves: %d", code)
		}
		if code, _, _ := staff.post("/merchant/"+shop.ID+"/settlements/"+list[0].ID+"/approve", nil); code != 303 {
			t.Fatalf("approve: %d", code)
		}
		code, body, h := shopB.get("/merchant/" + shop.ID + "/settlements/" + list[0].ID + "/statement")
		if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(body, "合计,3 笔,,30") ||
			!strings.Contains(body, "积分结算单,已审核\n") { // the status as the page names it, not "approved"
			t.Fatalf("csv: %d %s", code, body)
		}
		if code, _, h := shopB.get("/merchant/" + shop.ID + "/settlements/" + list[0].ID + "/statement?format=xlsx"); code != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("xlsx: %d", code)
		}
		if _, body, _ := shopB.get("/merchant/" + shop.ID + "/settlements"); !strings.Contains(body, "已审核") {
			t.Fatal("approved status not shown")
		}
	})
}

// TestAwardPages: a coordinator adds a rule; an attendance's award is on
// the public notice with a masked name; a resident objects, which holds
// it; the street's staff dismiss the objection and, after the notice,
// issue it.
func TestAwardPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := f.browser(t)
		admin.login(f.admin)
		if code, body, _ := admin.post("/admin/points/rules", url.Values{"name": {"志愿服务时长"}, "kind": {"per_hour"}, "points_per_hour": {"十"}}); code != 400 || !strings.Contains(body, "应为整数") {
			t.Fatalf("bad rule: %d", code)
		}
		if code, _, _ := admin.post("/admin/points/rules", url.Values{"name": {"志愿服务时长"}, "kind": {"per_hour"}, "points_per_hour": {"10"}, "daily_cap": {"50"}}); code != 303 {
			t.Fatalf("add rule: %d", code)
		}
		staff := f.browser(t)
		staff.login(f.staff)
		if code, _, _ := staff.get("/admin/points/rules"); code != 403 {
			t.Fatalf("street staff on the rules page: %d", code)
		}
		ctx := storetest.Admin()
		resident := &accounts.User{Phone: "13700000010", Name: "张桂兰", Grants: []accounts.Grant{{Role: accounts.Resident}}}
		if err := s.CreateUser(ctx, resident); err != nil {
			t.Fatal(err)
		}
		aw, err := s.AwardAttendance(ctx, points.Attendance{Key: "att-1", ResidentID: resident.ID, ResidentName: resident.Name,
			ActivityType: "greening", Minutes: 120, Date: s.Now(), StreetID: f.street.ID}, 0)
		if err != nil || len(aw) != 1 {
			t.Fatalf("award: %v %v", aw, err)
		}
		code, body, _ := f.browser(t).get("/points/notice")
		if code != 200 || !strings.Contains(body, "张**") || strings.Contains(body, "张桂兰") || !strings.Contains(body, "每小时 10 分") {
			t.Fatalf("notice page: %d %s", code, body)
		}
		// The resident sees her points on their way, not yet in her balance.
		her := residentBrowser(t, f, "13700000010", false)
		if _, body, _ := her.get("/me/points"); !regexp.MustCompile(`(?s)id="pending">\s*<h2>公示中的积分：20 分</h2>.*公示到 `).MatchString(body) ||
			!strings.Contains(body, "<strong>0</strong>") {
			t.Fatalf("pending points not shown apart from the balance: %s", body)
		}
		objector := f.browser(t)
		objector.login(f.commStaff)
		if code, body, _ := objector.post("/points/notice/"+aw[0].ID+"/objection", url.Values{"objection": {"没来"}}); code != 400 ||
			!regexp.MustCompile(`(?s)<tr id="award-`+aw[0].ID+`">.*?<details open>.*?>没来</textarea>\s*<p class="field-error" role="alert">至少要 5 个字`).MatchString(body) {
			t.Fatalf("short objection: its entry is not open again with the text and the reason: %d %s", code, body)
		}
		if code, _, _ := objector.post("/points/notice/"+aw[0].ID+"/objection", url.Values{"objection": {"😀😀😀😀😀"}}); code != 400 {
			t.Fatalf("five emoji held an award: %d", code) // they count for no word
		}
		if code, _, _ := objector.post("/points/notice/"+aw[0].ID+"/objection", url.Values{"objection": {"当天这位居民没有到场"}}); code != 303 {
			t.Fatalf("objection: %d", code)
		}
		if _, body, _ := staff.get("/admin/points"); !strings.Contains(body, "当天这位居民没有到场") {
			t.Fatal("the objection is not in front of the street's staff")
		}
		if _, body, _ := her.get("/me/points"); !strings.Contains(body, "有人提出异议，街道核实后再决定") {
			t.Fatal("a held award does not say so to its recipient")
		}
		outsider := f.browser(t)
		outsider.login(f.outsid)
		if code, _, _ := outsider.post("/admin/points/awards/"+aw[0].ID+"/decision", url.Values{"uphold": {"0"}}); code != 403 {
			t.Fatalf("another street decides: %d", code)
		}
		if code, _, _ := staff.post("/admin/points/awards/"+aw[0].ID+"/decision", url.Values{"uphold": {"0"}, "decision": {"签到记录核实无误"}}); code != 303 {
			t.Fatalf("dismiss: %d", code)
		}
		clock := s.Now
		s.Now = func() time.Time { return clock().Add(points.DefaultNotice + time.Minute) }
		staff = f.browser(t) // three days on, a new session
		staff.login(f.staff)
		if _, body, _ := staff.get("/admin/points"); !strings.Contains(body, "公示期满待发放：1 条") {
			t.Fatal("the due award is not counted")
		}
		if code, _, _ := staff.post("/admin/points/issue", nil); code != 303 {
			t.Fatalf("issue: %d", code)
		}
		a, _ := s.FindPointsAccount(ctx, points.AccountID(points.Resident, resident.ID))
		if a.Balance != 20 {
			t.Fatalf("balance %d", a.Balance)
		}
	})
}

// TestMerchantHoursCard: the merchant page's hours card is titled 营业时间
// (opening hours), not 时长 (a duration), and hours refused are marked on
// the field with their message.
func TestMerchantHoursCard(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		shop, _ := f.shopWithCashier(t)
		b := f.browser(t)
		b.login("13900000007")
		card := regexp.MustCompile(`(?s)<form[^>]* id="hours">.*?</form>`)
		hours := card.FindString(mustGet(t, b, "/merchant/"+shop.ID))
		if !strings.Contains(hours, "<h3>营业时间</h3>") || strings.Contains(hours, "时长") {
			t.Fatalf("hours card: %s", hours)
		}
		code, body, _ := b.post("/merchant/"+shop.ID+"/hours", url.Values{"opens": {"08:00"}, "closes": {"08:00"}})
		hours = card.FindString(body)
		if code != 400 || !strings.Contains(hours, "has-error") || !strings.Contains(hours, "营业时间格式应为 08:00") {
			t.Fatalf("hours refused: %d %s", code, hours)
		}
		if code, _, _ := b.post("/merchant/"+shop.ID+"/hours", url.Values{"opens": {"08:00"}, "closes": {"21:00"}}); code != 303 {
			t.Fatalf("hours saved: %d", code)
		}
	})
}

// shopWithCashier enrols 龙锦苑便民超市 in the fixture's street with its
// cashier 马国强 (13900000007, the test password).
func (f *fixture) shopWithCashier(t *testing.T) (*merchants.Merchant, *accounts.User) {
	t.Helper()
	ctx := storetest.Admin()
	shop := &merchants.Merchant{Name: "龙锦苑便民超市", StreetID: f.street.ID, Kind: "超市"}
	if err := f.s.CreateMerchant(ctx, shop); err != nil {
		t.Fatal(err)
	}
	hash, _ := accounts.HashPassword(password)
	cashier := &accounts.User{Phone: "13900000007", Name: "马国强", PasswordHash: hash,
		Grants: []accounts.Grant{{Role: accounts.Merchant, ScopeID: shop.ID}}}
	if err := f.s.CreateUser(ctx, cashier); err != nil {
		t.Fatal(err)
	}
	return shop, cashier
}
