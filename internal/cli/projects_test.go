package cli_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huitian/huitian/internal/projectfile"
	"github.com/huitian/huitian/internal/store"
	"github.com/huitian/huitian/internal/store/storetest"
)

// projectsFile: two projects of organization t1 (orgsJSONL), then one of an
// organization nobody imported.
const projectsFile = `{"key":"p1","title":"龙锦苑二区困境老人帮扶","description":"逐户评估困境老人需求，建立一人一档。","street":"回龙观街道","community":"龙锦苑二区社区","org":"t1","budget_fen":12000000,"duration_days":365,"rating":4.7,"completed":"2024-06-30"}
{"key":"p2","title":"暑期儿童托管营","description":"六周暑期托管，作业辅导和安全教育。","street":"回龙观街道","community":"金域华府社区","org":"t1","budget_fen":4500000,"duration_days":42,"rating":4.6,"completed":"2023-08-25"}
{"key":"p3","title":"垃圾分类宣传","description":"入户宣传。","street":"霍营街道","community":"霍营社区","org":"t9","budget_fen":3000000,"duration_days":60,"rating":4.2,"completed":"2024-01-15"}
`

func TestImportProjectsCommand(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			dir := t.TempDir()
			orgs, projects := filepath.Join(dir, "orgs.jsonl"), filepath.Join(dir, "projects.jsonl")
			os.WriteFile(orgs, []byte(orgsJSONL), 0o644)
			os.WriteFile(projects, []byte(projectsFile), 0o644)
			if code, out, stderr := run(t, "", "import", "projects", projects, "--db", dsn); code != 1 || !strings.Contains(stderr, "huitian migrate") {
				t.Fatalf("import before migrate: %d %s %s", code, out, stderr)
			}
			if code, out, _ := run(t, "", "migrate", "--db", dsn); code != 0 {
				t.Fatalf("migrate: %d %s", code, out)
			}
			if code, out, _ := run(t, "", "import", "organizations", orgs, "--db", dsn, "--skip-invalid"); code != 0 {
				t.Fatalf("import organizations: %d %s", code, out)
			}
			code, out, _ := run(t, "", "import", "projects", projects, "--db", dsn)
			if code != 1 || !strings.Contains(out, "第 3 行") || !strings.Contains(out, "t9") || !strings.Contains(out, "未导入任何数据") {
				t.Fatalf("import with a bad line: %d %s", code, out)
			}
			code, out, _ = run(t, "", "import", "projects", "--skip-invalid", projects, "--db", dsn)
			if code != 0 || !strings.Contains(out, "新增 2") || !strings.Contains(out, "跳过 1") || !strings.Contains(out, "金域华府社区") ||
				strings.Contains(out, "霍营街道") {
				t.Fatalf("import --skip-invalid: %d %s", code, out)
			}
			code, out, _ = run(t, "", "import", "projects", projects, "--db", dsn, "--skip-invalid")
			if code != 0 || !strings.Contains(out, "新增 0, 更新 2") {
				t.Fatalf("re-import: %d %s", code, out)
			}
			if code, _, stderr := run(t, "", "import", "projects", "--db", dsn); code != 1 || !strings.Contains(stderr, "usage") {
				t.Fatalf("no file: %d %s", code, stderr)
			}
			if code, out, _ := run(t, "", "help"); code != 0 || !strings.Contains(out, "import projects") {
				t.Fatalf("usage lacks the command: %s", out)
			}
		})
	}
}

// evalDir holds the shared evaluation data (DESIGN.md "Import formats"),
// beside the repository; HUITIAN_EVAL_DIR points elsewhere.
func evalDir() string {
	if d := os.Getenv("HUITIAN_EVAL_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "..", "shared", "eval")
}

// TestImportEvalData imports the evaluation organizations and projects into
// a fresh database: every line must go in, and re-importing changes nothing
// but counts as updates. Skipped when the files are not there.
func TestImportEvalData(t *testing.T) {
	t.Parallel()
	orgs, projects := filepath.Join(evalDir(), "orgs.jsonl"), filepath.Join(evalDir(), "projects.jsonl")
	for _, f := range []string{orgs, projects} {
		if _, err := os.Stat(f); err != nil {
			t.Skipf("no evaluation data: %v", err)
		}
	}
	pf, err := os.Open(projects)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := projectfile.Read(pf)
	pf.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			dsn := storetest.DSN(t, d)
			if code, out, _ := run(t, "", "migrate", "--db", dsn); code != 0 {
				t.Fatalf("migrate: %d %s", code, out)
			}
			if code, out, _ := run(t, "", "import", "organizations", orgs, "--db", dsn); code != 0 || !strings.Contains(out, "跳过 0") {
				t.Fatalf("import organizations: %d %s", code, out)
			}
			code, out, _ := run(t, "", "import", "projects", projects, "--db", dsn)
			if code != 0 || !strings.Contains(out, "跳过 0") || !strings.Contains(out, "更新 0") {
				t.Fatalf("import projects: %d %s", code, out)
			}
			if code, out, _ := run(t, "", "import", "projects", projects, "--db", dsn); code != 0 || !strings.Contains(out, "新增 0") {
				t.Fatalf("re-import projects: %d %s", code, out)
			}
			// Each organization's track record shows the file's averages exactly.
			s, err := store.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			want := map[string][]float64{}
			for _, r := range rows {
				want[r.Org] = append(want[r.Org], r.Rating)
			}
			for key, ratings := range want {
				o, err := s.FindOrganizationByKey(context.Background(), key)
				if err != nil {
					t.Fatalf("%s: %v", key, err)
				}
				tr, err := s.OrgTrackRecord(context.Background(), o.ID)
				if err != nil {
					t.Fatal(err)
				}
				sum := 0.0
				for _, r := range ratings {
					sum += r
				}
				if tr.Completed != len(ratings) || tr.Rated != len(ratings) || math.Abs(tr.AvgStars-sum/float64(len(ratings))) > 1e-9 {
					t.Fatalf("%s: %+v, want %d projects averaging %.3f", key, tr, len(ratings), sum/float64(len(ratings)))
				}
			}
		})
	}
}
