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

// TestSmall loads 2,000 needs and measures the start end to end, so the tool
// cannot rot unnoticed: the last line must be the JSON figures, and the index
// must hold what the database does.
func TestSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a database and builds the indexes")
	}
	bin := filepath.Join(t.TempDir(), "readybench")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "huitian.db")
	runOnce := func() result {
		var out bytes.Buffer
		cmd := exec.Command(bin, "-docs", "2000", "-keep", db)
		cmd.Stdout, cmd.Stderr = &out, os.Stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%v\n%s", err, out.String())
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		last := lines[len(lines)-1]
		var res result
		if err := json.Unmarshal([]byte(last), &res); err != nil {
			t.Fatalf("last line is not the JSON figures: %v\n%s", err, last)
		}
		return res
	}
	check := func(res result, loaded bool) {
		t.Helper()
		if res.Docs != 2000 || res.Orgs != 10 || !res.CountsMatch {
			t.Errorf("docs %d, orgs %d, counts match %v; want 2000, 10, true", res.Docs, res.Orgs, res.CountsMatch)
		}
		if res.Orgs != res.WantOrgs || res.Projects != res.WantProjects || res.Needs != res.WantNeeds {
			t.Errorf("indexed %d/%d/%d, database %d/%d/%d", res.Orgs, res.Projects, res.Needs, res.WantOrgs,
				res.WantProjects, res.WantNeeds)
		}
		// Most needs are completed projects; all but drafts are on the board.
		if !(res.Projects > 1400 && res.Projects < res.Needs && res.Needs < 2000) {
			t.Errorf("projects %d, board needs %d of 2000", res.Projects, res.Needs)
		}
		if !(res.ReadyS > 0 && res.ReadS > 0 && res.ReadyS >= res.BuildS && res.BuildS >= res.ReadS && res.HeapMB > 0 && res.CPUS > 0) {
			t.Errorf("figures: %+v", res)
		}
		if loaded != (res.LoadS > 0) {
			t.Errorf("load_s %v, loaded %v", res.LoadS, loaded)
		}
	}
	check(runOnce(), true)
	// The kept database is reused, not loaded again.
	check(runOnce(), false)
}
