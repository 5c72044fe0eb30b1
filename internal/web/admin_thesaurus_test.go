package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestThesaurusPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		admin := f.browser(t)
		admin.login(f.admin)
		code, body, _ := admin.get("/admin/thesaurus")
		if code != 200 || !strings.Contains(body, "老人 老年人 长者") || !strings.Contains(body, "默认同义词表") {
			t.Fatalf("page: %d", code)
		}
		if _, home, _ := admin.get("/admin"); !strings.Contains(home, `href="/admin/thesaurus"`) {
			t.Fatal("no link from the admin home")
		}

		// Only platform admins see or change it.
		for _, phone := range []string{f.staff, f.commStaff, f.orgAdmin} {
			b := f.browser(t)
			b.login(phone)
			if code, _, _ := b.get("/admin/thesaurus"); code != 403 {
				t.Fatalf("%s sees the page: %d", phone, code)
			}
			if code, _, _ := b.post("/admin/thesaurus", url.Values{"text": {"甲方 乙方"}}); code != 403 {
				t.Fatalf("%s saved: %d", phone, code)
			}
			if code, _, _ := b.post("/admin/thesaurus/default", nil); code != 403 {
				t.Fatalf("%s restored: %d", phone, code)
			}
			if _, home, _ := b.get("/admin"); strings.Contains(home, `href="/admin/thesaurus"`) {
				t.Fatalf("%s has a link to the page", phone)
			}
		}
		if code, _, h := f.browser(t).get("/admin/thesaurus"); code != 303 || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Fatalf("signed out: %d", code)
		}

		// The board does not know 暖心饭堂 yet.
		street := f.browser(t)
		street.login(f.staff)
		publishNeed(t, f, street, "龙锦苑老年餐桌助餐服务", "为小区高龄独居老人提供午餐，每周五天。")
		anon := f.browser(t)
		board := func() string {
			_, body, _ := anon.get("/needs?q=" + url.QueryEscape("暖心饭堂"))
			return between(body, `class="result-count"`, "</ul>")
		}
		if strings.Contains(board(), "need-card") {
			t.Fatal("found before the synonym was added: the test would prove nothing")
		}

		// A forged token changes nothing.
		edited := search.DefaultThesaurusText() + "\n暖心饭堂 老年餐桌\n"
		if code, _, _ := admin.post("/admin/thesaurus", url.Values{"text": {edited}, "csrf_token": {"forged"}}); code != 403 {
			t.Fatalf("forged token: %d", code)
		}
		// A bad text changes nothing and names its line.
		bad := "老人 老年人\n\n# 注释\n暖心饭堂\n"
		code, body, _ = admin.post("/admin/thesaurus", url.Values{"text": {bad}, "note": {"坏的"}})
		if code != 400 || !strings.Contains(body, "第 4 行：一组同义词至少要有两个不同的词") || !strings.Contains(body, "# 注释") {
			t.Fatalf("bad text: %d %s", code, between(body, `class="alert"`, "</form>"))
		}
		if _, _, ok, _ := s.CurrentThesaurus(context.Background()); ok {
			t.Fatal("a bad text was saved")
		}

		// The trial box reads a sentence with the text being edited, unsaved.
		code, body, _ = admin.post("/admin/thesaurus/try", url.Values{"text": {edited}, "sentence": {"想找个暖心饭堂"}})
		trial := between(body, `id="trial"`, "</div>")
		if code != 200 || !strings.Contains(trial, "<strong>暖心饭堂</strong>") || !strings.Contains(trial, "<strong>老年餐桌</strong>") {
			t.Fatalf("trial: %d %s", code, trial)
		}
		// Pairs of characters are shown apart from the words, as pieces (a
		// tester read 里长、者吃、饭难 as the words searched).
		pieces := between(trial, "另外还按相邻的两个字", "</p>")
		if !strings.Contains(pieces, `<span class="mono">心饭</span>`) || strings.Contains(pieces, ">暖心饭堂<") {
			t.Fatalf("trial pieces: %s", pieces)
		}
		code, body, _ = admin.post("/admin/thesaurus/try", url.Values{"text": {"孩子 小孩 + 放学 没人管 => 托管\n"},
			"sentence": {"孩子放学没人管"}})
		if trial := between(body, `id="trial"`, "</div>"); code != 200 || !strings.Contains(trial, "情境规则补充：<strong>托管</strong>") {
			t.Fatalf("trial with a rule: %d %s", code, trial)
		}
		if code, body, _ := admin.post("/admin/thesaurus/try", url.Values{"text": {bad}, "sentence": {"老人"}}); code != 400 ||
			!strings.Contains(body, "第 4 行") {
			t.Fatalf("trial with a bad text: %d", code)
		}
		if _, _, ok, _ := s.CurrentThesaurus(context.Background()); ok {
			t.Fatal("the trial saved")
		}

		// Saved, the group takes effect in search at once.
		if code, _, h := admin.post("/admin/thesaurus", url.Values{"text": {strings.ReplaceAll(edited, "\n", "\r\n")},
			"note": {"增加暖心饭堂"}}); code != 303 || h.Get("Location") != "/admin/thesaurus" {
			t.Fatalf("save: %d", code)
		}
		if text, _, ok, _ := s.CurrentThesaurus(context.Background()); !ok || text != edited {
			t.Fatal("not saved as edited")
		}
		if !strings.Contains(board(), "龙锦苑<mark>老年餐桌</mark>助餐服务") {
			t.Fatalf("暖心饭堂 does not find the 老年餐桌 need after the save: %s", board())
		}
		_, body, _ = admin.get("/admin/thesaurus")
		if !strings.Contains(body, "已保存并生效") || !strings.Contains(body, "增加暖心饭堂") || !strings.Contains(body, "暖心饭堂 老年餐桌") ||
			!strings.Contains(between(body, `id="thesaurus-history"`, "</table>"), "管理员") {
			t.Fatal("the page does not show the saved version")
		}

		// Restore the default: a new version, and the synonym is gone.
		if code, _, _ := admin.post("/admin/thesaurus/default", nil); code != 303 {
			t.Fatalf("restore: %d", code)
		}
		text, v, ok, _ := s.CurrentThesaurus(context.Background())
		if !ok || text != search.DefaultThesaurusText() || v.Note != "恢复默认同义词表" {
			t.Fatalf("restored: %v %+v", ok, v)
		}
		if strings.Contains(board(), "need-card") {
			t.Fatal("the removed synonym still expands")
		}
		if _, body, _ = admin.get("/admin/thesaurus"); strings.Count(between(body, `id="thesaurus-history"`, "</table>"), "<tr>") != 3 {
			t.Fatal("history: want two versions and the header")
		}
	})
}
