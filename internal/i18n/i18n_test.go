package i18n

import (
	"github.com/huitian/huitian/internal/errs"
	"sort"
	"strings"
	"testing"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	zh, en := c.Keys(ZH), c.Keys(EN)
	sort.Strings(zh)
	sort.Strings(en)
	if strings.Join(zh, "\n") != strings.Join(en, "\n") {
		missing := map[string]bool{}
		for _, k := range zh {
			missing[k] = true
		}
		for _, k := range en {
			if missing[k] {
				delete(missing, k)
			} else {
				t.Errorf("only in en: %s", k)
			}
		}
		for k := range missing {
			t.Errorf("only in zh-CN: %s", k)
		}
	}
	for _, k := range zh {
		if strings.Count(c.T(ZH, k), "%") != strings.Count(c.T(EN, k), "%") {
			t.Errorf("%s: placeholders differ between languages", k)
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"": ZH, "en-US,en;q=0.9": EN, "zh-CN,zh;q=0.9,en;q=0.8": ZH, "fr": ZH, "en": EN} {
		if got := Parse(in); got != want {
			t.Errorf("%q: %s, want %s", in, got, want)
		}
	}
}

// An errs.Msg argument is shown translated: a refused step names the
// need's status and the action in words, not their codes.
func TestMsgArgs(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	args := []any{errs.Msg("need_status.published"), errs.Msg("need.act.edit")}
	if got := c.T(ZH, "need.bad_transition", args...); got != "需求当前状态（征集中）不能进行“修改需求”操作" {
		t.Errorf("zh: %q", got)
	}
	if got := c.T(EN, "need.bad_transition", args...); strings.Contains(got, "published") || !strings.Contains(got, "Edit the need") {
		t.Errorf("en: %q", got)
	}
	if args[0] != errs.Msg("need_status.published") {
		t.Error("T changed its caller's arguments")
	}
}
