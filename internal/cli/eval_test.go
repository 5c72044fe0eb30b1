package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
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

func TestEvalCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	o, p, q := filepath.Join(dir, "orgs.jsonl"), filepath.Join(dir, "projects.jsonl"), filepath.Join(dir, "queries.jsonl")
	os.WriteFile(o, []byte(evalOrgs), 0o644)
	os.WriteFile(p, []byte(evalProjects), 0o644)
	os.WriteFile(q, []byte(evalQueries), 0o644)
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

// TestEvalDevelopmentSet runs the real development set when it is present.
func TestEvalDevelopmentSet(t *testing.T) {
	t.Parallel()
	d := "/work/shared/eval"
	if _, err := os.Stat(filepath.Join(d, "queries.jsonl")); err != nil {
		t.Skip("development set absent")
	}
	code, out, stderr := run(t, "", "eval", "--orgs", filepath.Join(d, "orgs.jsonl"), "--projects", filepath.Join(d, "projects.jsonl"),
		"--queries", filepath.Join(d, "queries.jsonl"))
	if code != 0 {
		t.Fatalf("eval: %d %s %s", code, out, stderr)
	}
	t.Log(out)
}
