package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestShort runs the bench for a second on SQLite (and on the PostgreSQL at
// HUITIAN_BENCH_POSTGRES with pgbench, when set), so it cannot rot
// unnoticed: the last line must be the JSON figures, positive where
// measured (the run itself fails if a balance differs from its postings).
func TestShort(t *testing.T) {
	if testing.Short() {
		t.Skip("posts for real")
	}
	bin := filepath.Join(t.TempDir(), "ledgerbench")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatal(err)
	}
	only := "sqlite"
	if os.Getenv("HUITIAN_BENCH_POSTGRES") != "" {
		only = "sqlite,postgres,pgbench"
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "-seconds", "1", "-accounts", "100", "-only", only)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var res result
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("last line is not the JSON figures: %v\n%s", err, out.String())
	}
	if res.SQLiteTPS <= 0 || res.P99ms <= 0 {
		t.Fatalf("figures: %+v", res)
	}
	if only != "sqlite" && (res.PostgresTPS <= 0 || res.PgbenchTPS <= 0) {
		t.Fatalf("figures: %+v", res)
	}
}
