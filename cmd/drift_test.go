package cmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"infra/provider/sim"
)

// TestDriftCommand: a load balancer deleted behind infra's back is reported
// by `infra drift` on the terminal, in the markdown and JSON reports, with
// exit 2 under --detailed-exitcode; the state stays byte for byte.
func TestDriftCommand(t *testing.T) {
	env := map[string]string{"INFRA_SIMULATE": "1"}
	file, dir := upPair(t, env, "p", "hetzner-nbg1-dev")
	state := filepath.Join(dir, ".infra", "state", ".pulumi", "stacks", "pair", "hetzner-nbg1-dev.json")
	before, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	if r := run(t, false, env, "drift", "-f", file, "--detailed-exitcode"); r.code != ExitOK || !strings.Contains(r.out, "Drift of pair: none") {
		t.Errorf("drift with none: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	lb := lbURN(t, dir, "hetzner-nbg1-dev")
	gone := func(srv *sim.Server) { srv.Cloud().Remove(lb) }
	md, js := filepath.Join(dir, "drift.md"), filepath.Join(dir, "drift.json")
	r := runHooked(t, false, "", env, gone, "drift", "-f", file, "--detailed-exitcode", "--markdown", md, "--json-report", js)
	if r.code != ExitChanges || !strings.Contains(r.out, lb.Name()+" ("+string(lb.Type())+"): deleted outside infra") {
		t.Errorf("drift: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	m, _ := os.ReadFile(md)
	if !strings.Contains(string(m), "| `hetzner-nbg1-dev` | 0 | 1 | **drifted** |") || !strings.Contains(string(m), "`"+lb.Name()+"`") {
		t.Errorf("markdown report:\n%s", m)
	}
	var doc struct {
		Kind    string `json:"kind"`
		Drifted bool   `json:"drifted"`
		Stacks  []struct {
			Name     string `json:"name"`
			Vanished []struct {
				URN string `json:"urn"`
			} `json:"vanished"`
		} `json:"stacks"`
	}
	data, _ := os.ReadFile(js)
	if err := json.Unmarshal(data, &doc); err != nil || doc.Kind != "drift" || !doc.Drifted {
		t.Fatalf("JSON report: %v\n%s", err, data)
	}
	vanished := false
	for _, s := range doc.Stacks {
		vanished = vanished || s.Name == "hetzner-nbg1-dev" && len(s.Vanished) == 1 && s.Vanished[0].URN == string(lb)
	}
	if !vanished {
		t.Errorf("JSON report lacks the vanished load balancer:\n%s", data)
	}
	if after, _ := os.ReadFile(state); !bytes.Equal(before, after) {
		t.Errorf("drift wrote the state")
	}
}
