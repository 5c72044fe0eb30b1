package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/accounts"
	"github.com/huitian/huitian/internal/audit"
	"github.com/huitian/huitian/internal/errs"
	"github.com/huitian/huitian/internal/search"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

func TestThesaurusVersions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := storetest.Admin()
		text, _, ok, err := s.CurrentThesaurus(context.Background())
		if err != nil || ok || text != search.DefaultThesaurusText() {
			t.Fatalf("no version yet: ok=%v err=%v default=%v", ok, err, text == search.DefaultThesaurusText())
		}

		// Only platform admins save or see the history.
		staff := &accounts.User{ID: "u", Name: "街道干部", Grants: []accounts.Grant{{Role: accounts.StreetStaff, ScopeID: "s"}}}
		if _, err := s.SaveThesaurus(as(staff), "甲方 乙方", ""); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("street staff saved: %v", err)
		}
		if _, err := s.SaveThesaurus(context.Background(), "甲方 乙方", ""); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("anonymous saved: %v", err)
		}
		if _, err := s.ThesaurusHistory(as(staff), 10); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("street staff read the history: %v", err)
		}

		first := search.DefaultThesaurusText() + "\n暖心饭堂 老年餐桌\n"
		v1, err := s.SaveThesaurus(ctx, first, "  加上暖心饭堂 ")
		if err != nil {
			t.Fatal(err)
		}
		def := search.DefaultThesaurus()
		if v1.Note != "加上暖心饭堂" || v1.Groups != len(def.Groups())+1 || v1.Rules != len(def.Rules()) ||
			v1.CreatedByName != "system" || v1.Lines != strings.Count(first, "\n") {
			t.Fatalf("version: %+v", v1)
		}

		// A bad text changes nothing and names its line.
		bad := "老人 老年人\n# comment\n助餐 老年餐桌\n独字\n"
		_, err = s.SaveThesaurus(ctx, bad, "坏的")
		if e := errs.As(err); e.Code != errs.Invalid || e.Field != "text" || e.Key != "thesaurus.err_one_term" ||
			len(e.Args) == 0 || e.Args[0] != 4 {
			t.Fatalf("bad text: %#v", err)
		}
		for _, c := range []struct{ text, key string }{
			{"", "thesaurus.err_empty"},
			{"# only comments\n", "thesaurus.err_empty"},
			{"老人 老年人\n老人 a老\n", "thesaurus.err_term_mixed"},
			{"孩子 + => 托管", "thesaurus.err_rule_condition"},
			{"老人 => ", "thesaurus.err_rule_add"},
			{strings.Repeat("老", 17) + " 老人", "thesaurus.err_term_long"},
			{"老人 老年人!", "thesaurus.err_term_chars"},
		} {
			if _, err := s.SaveThesaurus(ctx, c.text, ""); errs.As(err).Key != c.key {
				t.Errorf("%q: %v, want %s", c.text, err, c.key)
			}
		}
		if _, err := s.SaveThesaurus(ctx, "老人 老年人", strings.Repeat("长", 201)); errs.As(err).Field != "note" {
			t.Fatalf("long note: %v", err)
		}
		text, cur, ok, err := s.CurrentThesaurus(context.Background())
		if err != nil || !ok || text != first || cur.ID != v1.ID {
			t.Fatalf("current after a bad save: ok=%v %+v %v", ok, cur, err)
		}

		// The newest version is current; the history lists newest first.
		v2, err := s.SaveThesaurus(ctx, search.DefaultThesaurusText(), "恢复默认")
		if err != nil {
			t.Fatal(err)
		}
		text, cur, _, _ = s.CurrentThesaurus(context.Background())
		if text != search.DefaultThesaurusText() || cur.ID != v2.ID || !cur.CreatedAt.Equal(v2.CreatedAt) {
			t.Fatalf("current: %+v, want %+v", cur, v2)
		}
		hist, err := s.ThesaurusHistory(ctx, 10)
		if err != nil || len(hist) != 2 || hist[0].ID != v2.ID || hist[1].ID != v1.ID || hist[1].Note != "加上暖心饭堂" {
			t.Fatalf("history: %+v %v", hist, err)
		}
		if hist, _ := s.ThesaurusHistory(ctx, 1); len(hist) != 1 {
			t.Fatalf("limit: %d", len(hist))
		}

		// One audit entry per save, with counts, not the text.
		entries, n, err := s.FindAuditEntries(ctx, audit.Filter{Action: "thesaurus.save"})
		if err != nil || n != 2 {
			t.Fatalf("audit: %d %v", n, err)
		}
		var data map[string]any
		if err := json.Unmarshal([]byte(entries[1].Data), &data); err != nil {
			t.Fatal(err)
		}
		if data["groups"] != float64(v1.Groups) || data["note"] != "加上暖心饭堂" || strings.Contains(entries[1].Data, "暖心饭堂 老年餐桌") ||
			entries[1].ObjectID != v1.ID {
			t.Fatalf("audit entry: %+v", entries[1])
		}
	})
}
