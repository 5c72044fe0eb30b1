package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// TestPublicPagesSpeakPlainly: pages for residents and staff say what
// they mean in plain words. A command line appears only in the audit
// heads page's small note for operators, never in the sentences the
// public reads; the privacy centre shows the mask the site really uses
// (张桂兰 → 张**), the reader's own name as it appears in public.
func TestPublicPagesSpeakPlainly(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		anon := f.browser(t)
		outsideNote := func(body string) string {
			return regexp.MustCompile(`(?s)<p class="hint" id="operator-note">.*?</p>`).ReplaceAllString(body, "")
		}

		heads := mustGet(t, anon, "/audit/heads")
		if !strings.Contains(heads, `id="operator-note">运维人员：`) || !strings.Contains(heads, "huitian audit verify --heads") {
			t.Error("the operators' note with its command is gone from /audit/heads")
		}
		if main := outsideNote(heads); strings.Contains(main, "huitian") || !strings.Contains(main, "交给审计机构或平台运维人员") {
			t.Error("/audit/heads: a command in the public text, or no plain sentence on checking a saved copy")
		}

		admin := f.browser(t)
		admin.login(f.admin)
		code, _, h := admin.post("/grants/funds", url.Values{"name": {"回天社区治理基金"}, "kind": {"general"}})
		if code != http.StatusSeeOther {
			t.Fatalf("fund: %d", code)
		}
		fund := mustGet(t, anon, h.Get("Location"))
		if strings.Contains(fund, "huitian") || strings.Contains(fund, " verify") ||
			!strings.Contains(fund, "可以下载 CSV 或 XLSX 逐笔核对") {
			t.Error("/grants/funds/{id}: a command instead of a plain sentence")
		}

		res := residentBrowser(t, f, "13700007201", false)
		consent := regexp.MustCompile(`(?s)<section class="card" id="consent">.*?</section>`)
		if code, _, _ := res.post("/me/privacy/name", url.Values{"name": {"张桂兰"}}); code != http.StatusSeeOther {
			t.Fatalf("name: %d", code)
		}
		c := consent.FindString(mustGet(t, res, "/me/privacy"))
		if !strings.Contains(c, "您的姓名显示为“"+accounts.MaskName("张桂兰")+"”") || strings.Contains(c, "“张*”") {
			t.Errorf("consent: %s", c)
		}
	})
}
