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

// TestSmall runs the benchmark end to end on a small corpus so the tool
// cannot rot unnoticed: the last line must be the JSON figures, all positive.
func TestSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three indexes")
	}
	bin := filepath.Join(t.TempDir(), "searchbench")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "-docs", "2000", "-queries", "50", "-dir", t.TempDir())
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	var res map[string]float64
	if err := json.Unmarshal([]byte(last), &res); err != nil {
		t.Fatalf("last line is not the JSON figures: %v\n%s", err, last)
	}
	for _, key := range []string{"docs", "ours_p50_ms", "ours_p99_ms", "fts5_p50_ms", "fts5_p99_ms",
		"bleve_p50_ms", "bleve_p99_ms", "ours_index_docs_per_s", "fts5_index_docs_per_s",
		"bleve_index_docs_per_s", "ours_heap_mb", "ours_overlap_at20"} {
		if v, ok := res[key]; !ok || !(v > 0) {
			t.Errorf("%s = %v (present %v), want > 0", key, v, ok)
		}
	}
	if res["docs"] != 2000 {
		t.Errorf("docs = %v, want 2000", res["docs"])
	}
}
