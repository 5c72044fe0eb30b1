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

// TestShort runs the bench for a second a target, on SQLite and (with
// HUITIAN_TEST_POSTGRES) two nodes on PostgreSQL, with every route of the
// mix weighted alike: no errors, every route hit, the JSON figures last.
func TestShort(t *testing.T) {
	if testing.Short() {
		t.Skip("builds huitian and starts servers")
	}
	bin := filepath.Join(t.TempDir(), "loadbench")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "-d", "1s", "-warm", "500ms", "-solo", "500ms", "-scale", "street", "-c", "4",
		"-orgs", "2", "-merchants", "2", "-residents", "2",
		"-mix", "board=1,need=1,search_needs=1,search_orgs=1,org=1,signin=1,proposal=1,redeem=1")
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var res result
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatalf("last line is not the JSON figures: %v\n%s", err, out.String())
	}
	if res.Errors != 0 {
		t.Errorf("%d errors\n%s", res.Errors, out.String())
	}
	if res.SQLiteRPS <= 0 || res.CeilingRPS <= 0 || res.P99ms <= 0 || res.PagesP99ms <= 0 {
		t.Errorf("figures: %+v", res)
	}
	targets := []string{"sqlite"}
	if os.Getenv("HUITIAN_TEST_POSTGRES") != "" {
		targets = append(targets, "pg_two_nodes")
		if res.PGTwoNodesRPS <= 0 {
			t.Errorf("no PostgreSQL figures: %+v", res)
		}
	}
	routes := []string{"board", "need", "search_needs", "search_orgs", "org", "signin_form", "signin",
		"proposal_form", "proposal", "redeem_code", "redeem"}
	for _, tn := range targets {
		rep := res.Targets[tn]
		if rep == nil {
			t.Fatalf("no %s target in %s", tn, lines[len(lines)-1])
		}
		for _, r := range routes {
			if rep.Routes[r] == nil || rep.Routes[r].Requests == 0 {
				t.Errorf("%s: route %s not hit", tn, r)
			}
		}
		if rep.Solo["board"] == nil || rep.Solo["need"] == nil {
			t.Errorf("%s: no board or need page alone", tn)
		}
	}
	if res.BoardPctCeiling["sqlite"] <= 0 {
		t.Errorf("no share of the ceiling: %+v", res.BoardPctCeiling)
	}
}
