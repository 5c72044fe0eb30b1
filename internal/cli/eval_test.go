package cli_test

import (
	"context"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/huitian/huitian/internal/cli"
	"github.com/huitian/huitian/internal/match"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

const evalOrgs = `{"key":"e1","name":"回龙观助老服务中心","registration":"registered","credit_code":"52110114Y4CL12TH3D","domains":["养老服务"],"street":"回龙观街道","community":"","description":"为老人提供上门探访和助餐。"}
{"key":"e2","name":"天通苑儿童成长中心","registration":"registered","credit_code":"52110114J1XG612DD0","domains":["儿童服务"],"street":"天通苑北街道","community":"","description":"暑期儿童托管和四点半课堂。"}
`

const evalProjects = `{"key":"q1p","title":"独居老人上门探访","description":"定期上门探访独居老人。","street":"回龙观街道","community":"龙禧苑社区","org":"e1","budget_fen":1000000,"duration_days":100,"rating":4.8,"completed":"2024-06-30"}
{"key":"q2p","title":"暑期儿童托管营","description":"六周托管。","street":"天通苑北街道","community":"","org":"e2","budget_fen":1000000,"duration_days":42,"rating":4.5,"completed":"2023-08-25"}
`

const evalQueries = `{"key":"k1","street":"回龙观街道","community":"","text":"独居老人需要有人定期上门探访","relevant_orgs":{"e1":2},"relevant_projects":{"q1p":2}}
{"key":"k2","street":"","community":"","text":"孩子暑假没人管","relevant_orgs":{"e2":2},"relevant_projects":{"q2p":2}}
`

// devSet is the folder of the development set (../shared/eval beside the
// project), or "" when this checkout has none beside it.
func devSet() string {
	d := filepath.Join("..", "..", "..", "shared", "eval")
	if _, err := os.Stat(filepath.Join(d, "queries.jsonl")); err != nil {
		return ""
	}
	return d
}

// fixtureFiles writes the three evaluation files into a fresh folder.
func fixtureFiles(t *testing.T, orgs, projects, queries string) cli.EvalFiles {
	t.Helper()
	dir := t.TempDir()
	f := cli.EvalFiles{Orgs: filepath.Join(dir, "orgs.jsonl"), Projects: filepath.Join(dir, "projects.jsonl"),
		Queries: filepath.Join(dir, "queries.jsonl")}
	for path, body := range map[string]string{f.Orgs: orgs, f.Projects: projects, f.Queries: queries} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func TestEvalCommand(t *testing.T) {
	t.Parallel()
	f := fixtureFiles(t, evalOrgs, evalProjects, evalQueries)
	o, p, q := f.Orgs, f.Projects, f.Queries
	code, out, stderr := run(t, "", "eval", "--orgs", o, "--projects", p, "--queries", q, "-v")
	if code != 0 {
		t.Fatalf("eval: %d %s %s", code, out, stderr)
	}
	for _, want := range []string{"queries: 2, organizations: 2, projects: 2", "k1 独居老人", "ours 1.000: e1**"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	m := regexp.MustCompile(`(?m)^organizations\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no organizations line:\n%s", out)
	}
	if v, _ := strconv.ParseFloat(m[1], 64); v != 1 {
		t.Errorf("organizations nDCG@5 = %v, want 1", v)
	}
	if code, _, _ := run(t, "", "eval", "--orgs", o); code != 2 {
		t.Errorf("missing flags: exit %d, want 2", code)
	}
}

// TestEvalBadCreditCode: an evaluation file whose registered organization
// has a code failing its check is still measured (the organization filed
// without it, with a notice), where the registry's import refuses the row.
func TestEvalBadCreditCode(t *testing.T) {
	t.Parallel()
	f := fixtureFiles(t, strings.Replace(evalOrgs, "52110114Y4CL12TH3D", "52110114Y4CL12TH3X", 1), evalProjects, evalQueries)
	o, p, q := f.Orgs, f.Projects, f.Queries
	code, out, stderr := run(t, "", "eval", "--orgs", o, "--projects", p, "--queries", q)
	if code != 0 || !strings.Contains(stderr, "1 organizations with a missing or invalid credit code") {
		t.Fatalf("eval: %d %s %s", code, out, stderr)
	}
	if !regexp.MustCompile(`(?m)^organizations\s+1\.0000`).MatchString(out) {
		t.Errorf("the organization with the bad code is not ranked:\n%s", out)
	}
	db := filepath.Join(t.TempDir(), "h.db")
	if code, out, stderr := run(t, "", "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s %s", out, stderr)
	}
	if code, out, stderr := run(t, "", "import", "organizations", o, "--db", db); code == 0 || !strings.Contains(out+stderr, "校验位") {
		t.Errorf("the registry's import took a bad code: %d %s %s", code, out, stderr)
	}
}

// TestEvalRefusedQuery: a query the API would refuse (only emoji) counts
// as no results, with a notice, and the run goes on; a BOM before the first
// query (a file saved by Notepad) is no query's problem.
func TestEvalRefusedQuery(t *testing.T) {
	t.Parallel()
	f := fixtureFiles(t, evalOrgs, evalProjects,
		"\ufeff"+evalQueries+`{"key":"k3","street":"","community":"","text":"😀😀","relevant_orgs":{"e1":2},"relevant_projects":{"q1p":2}}`+"\n")
	o, p, q := f.Orgs, f.Projects, f.Queries
	code, out, stderr := run(t, "", "eval", "--orgs", o, "--projects", p, "--queries", q)
	if code != 0 || !strings.Contains(stderr, "k3: ") || !strings.Contains(stderr, "match.text_no_words") {
		t.Fatalf("eval: %d %s %s", code, out, stderr)
	}
	if !strings.Contains(out, "queries: 3") || !regexp.MustCompile(`(?m)^organizations\s+0\.6667`).MatchString(out) {
		t.Errorf("want 3 queries, one of them scoring nothing:\n%s", out)
	}
}

// TestEvalBothDatabases imports a fixture, and the development set when it
// is present, into each database through the real importers and checks the
// matcher's quality there; SQLite and PostgreSQL must agree.
func TestEvalBothDatabases(t *testing.T) {
	t.Parallel()
	fixture := fixtureFiles(t, evalOrgs, evalProjects, evalQueries)
	sets := []struct {
		name  string
		files cli.EvalFiles
		// minimum nDCG@5 of organizations and projects, and the margin over
		// the FTS5 baseline both must keep
		orgs, projects, margin float64
	}{{"fixture", fixture, 1, 1, 0}}
	if d := devSet(); d != "" {
		sets = append(sets, struct {
			name                   string
			files                  cli.EvalFiles
			orgs, projects, margin float64
		}{"development", cli.EvalFiles{Orgs: filepath.Join(d, "orgs.jsonl"), Projects: filepath.Join(d, "projects.jsonl"),
			Queries: filepath.Join(d, "queries.jsonl")}, 0.93, 0.92, 0.05})
	}
	for _, set := range sets {
		t.Run(set.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			reports := map[string]*cli.EvalReport{}
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				env := cli.Env{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
				rep, err := cli.Evaluate(context.Background(), env, s, set.files, match.DefaultWeights(), nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s: organizations nDCG@5 %.4f recall@5 %.4f (FTS5 %.4f %.4f); projects %.4f %.4f (FTS5 %.4f %.4f)",
					t.Name(), rep.Ours[0], rep.Ours[1], rep.FTS5[0], rep.FTS5[1], rep.Ours[2], rep.Ours[3], rep.FTS5[2], rep.FTS5[3])
				if rep.Ours[0] < set.orgs || rep.Ours[2] < set.projects {
					t.Errorf("nDCG@5 organizations %.4f (want ≥ %v), projects %.4f (want ≥ %v)", rep.Ours[0], set.orgs, rep.Ours[2], set.projects)
				}
				if rep.Ours[0] < rep.FTS5[0]+set.margin || rep.Ours[2] < rep.FTS5[2]+set.margin {
					t.Errorf("not %.2f above FTS5: %v vs %v", set.margin, rep.Ours, rep.FTS5)
				}
				mu.Lock()
				reports[t.Name()] = rep
				mu.Unlock()
			})
			if len(reports) == 2 {
				var a, b *cli.EvalReport
				for _, r := range reports {
					a, b = b, r
				}
				for i := range a.Ours {
					if math.Abs(a.Ours[i]-b.Ours[i]) > 0.01 {
						t.Errorf("SQLite and PostgreSQL disagree: %v vs %v", a.Ours, b.Ours)
						break
					}
				}
			}
		})
	}
}

// TestEvalDevelopmentSet runs the command on the development set when it is
// present.
func TestEvalDevelopmentSet(t *testing.T) {
	t.Parallel()
	d := devSet()
	if d == "" {
		t.Skip("development set absent")
	}
	code, out, stderr := run(t, "", "eval", "--orgs", filepath.Join(d, "orgs.jsonl"), "--projects", filepath.Join(d, "projects.jsonl"),
		"--queries", filepath.Join(d, "queries.jsonl"))
	if code != 0 {
		t.Fatalf("eval: %d %s %s", code, out, stderr)
	}
	t.Log(out)
}
