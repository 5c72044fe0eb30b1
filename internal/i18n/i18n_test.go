package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/errs"
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
	// Every key the JSON API names in its source is in both catalogs: a
	// missing one reaches a client as the raw key ("api.param_range").
	t.Run("api", func(t *testing.T) {
		for _, k := range sourceKeys(t, "../api") {
			for _, l := range Langs {
				if _, ok := c.msgs[l][k.key]; !ok {
					t.Errorf("%s: %q is not in the %s catalog", k.pos, k.key, l)
				}
			}
		}
	})
}

// notKeys are dotted literals in the API's source that name something other
// than a message: the shared rate limiters' buckets.
var notKeys = map[string]bool{"api.checkin_code": true, "api.redeem": true, "api.match": true}

var keyLiteral = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

type sourceKey struct {
	key string
	pos token.Position
}

// sourceKeys returns every string literal shaped like a catalog key in the
// non-test Go files of dir, but the prefix of a key built by + (its endings
// vary) and notKeys.
func sourceKeys(t *testing.T, dir string) []sourceKey {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []sourceKey
	for _, p := range pkgs {
		for _, f := range p.Files {
			prefixes := map[*ast.BasicLit]bool{}
			ast.Inspect(f, func(n ast.Node) bool {
				if b, ok := n.(*ast.BinaryExpr); ok && b.Op == token.ADD {
					if lit, ok := b.X.(*ast.BasicLit); ok {
						prefixes[lit] = true
					}
				}
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING || prefixes[lit] {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err == nil && keyLiteral.MatchString(s) && !notKeys[s] {
					out = append(out, sourceKey{s, fset.Position(lit.Pos())})
				}
				return true
			})
		}
	}
	if len(out) < 50 {
		t.Fatalf("only %d keys found in %s: is the walk broken?", len(out), dir)
	}
	return out
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

// English counts agree with their number: "1 proposal received".
func TestSingularForms(t *testing.T) {
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		l    Lang
		key  string
		args []any
		want string
	}{
		{EN, "need.proposal_count", []any{1}, "1 proposal received"},
		{EN, "need.proposal_count", []any{2}, "2 proposals received"},
		{EN, "need.proposal_count", []any{0}, "0 proposals received"},
		{EN, "need.proposal_count", []any{int64(1)}, "1 proposal received"},
		{ZH, "need.proposal_count", []any{1}, "已收到 1 份方案"},
		// The first integer counts, after any text argument.
		{EN, "hours.total", []any{"2", 1}, "2 confirmed hours over 1 activity"},
		// A share of a whole agrees with the whole, given first: “0 of 1 seat”.
		{EN, "inc.seats_left", []any{1, 0}, "0 of 1 seat left"},
		{EN, "inc.seats_left", []any{20, 1}, "1 of 20 seats left"},
		{ZH, "inc.seats_left", []any{1, 0}, "剩余 0 / 1 个名额"},
	} {
		if got := c.T(tc.l, tc.key, tc.args...); got != tc.want {
			t.Errorf("%s %s %v: %q, want %q", tc.l, tc.key, tc.args, got, tc.want)
		}
	}
	for _, l := range Langs {
		for k, v := range c.one[l] {
			if strings.Count(v, "%") != strings.Count(c.msgs[l][k], "%") {
				t.Errorf("%s%s: placeholders differ from %s", k, oneSuffix, k)
			}
		}
	}
	// Every English message whose first integer is followed by a plural
	// noun has a singular form, but limits ("at most %d characters") and
	// counts of a whole ("%d of %d places").
	count := regexp.MustCompile(`^[^%]*(?:%[^d%][^%]*)*%d ([A-Za-z'-]+)`)
	limit := regexp.MustCompile(`(?i)(at most|at least|more than|up to|first) $`)
	fixed := map[string]bool{"login.code_sent": true, "login.sms": true} // the code's lifetime, a constant
	for k, v := range c.msgs[EN] {
		m := count.FindStringSubmatchIndex(v)
		if m == nil || fixed[k] {
			continue
		}
		noun := strings.TrimSuffix(v[m[2]:m[3]], "'")
		verb := noun == "has" || noun == "is" || noun == "needs" // "File %d has no name": an ordinal
		if !strings.HasSuffix(noun, "s") && noun != "people" || verb || limit.MatchString(v[:m[2]-3]) {
			continue
		}
		if _, ok := c.one[EN][k]; !ok {
			t.Errorf("%s: %q has no singular form (%s%s)", k, v, k, oneSuffix)
		}
	}
}
