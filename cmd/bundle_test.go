package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanBundleThroughTheCLI: preview --out writes a bundle that show
// renders in its three forms, up --plan applies it, and the same bundle
// applied again is refused (every stack was deployed since), exit 1, with
// the stacks named and nothing run.
func TestPlanBundleThroughTheCLI(t *testing.T) {
	needCLI(t)
	file, dir := pairSpec(t)
	env := map[string]string{"INFRA_PASSPHRASE": "bundle-test", "INFRA_SIMULATE": "1"}
	bundle := filepath.Join(dir, "plan.infra")
	step := stepper(t, env)
	step(ExitOK, "preview", "-f", file, "--out", bundle)
	data, err := os.ReadFile(bundle)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `"plaintext"`) || strings.Contains(string(data), "PRIVATE KEY") {
		t.Errorf("the bundle holds a secret in plaintext")
	}
	r := step(ExitOK, "show", bundle)
	for _, want := range []string{"Plan bundle of pair", "Preview of pair: 62 to create", "nothing (not deployed)"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("show lacks %q:\n%s", want, r.out)
		}
	}
	r = step(ExitOK, "show", bundle, "--markdown")
	if !strings.Contains(r.out, "| `mesh` | nothing (not deployed) | 12 to create |") {
		t.Errorf("show --markdown:\n%s", r.out)
	}
	r = step(ExitOK, "show", bundle, "--json")
	var doc struct {
		Kind    string         `json:"kind"`
		Changes map[string]int `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || doc.Kind != "plan-bundle" || doc.Changes["create"] != 62 {
		t.Errorf("show --json: %v %+v", err, doc)
	}

	r = step(ExitOK, "up", "-f", file, "--plan", bundle, "--yes")
	if !strings.Contains(r.out, "Update of pair: 62 created") {
		t.Errorf("up --plan:\n%s", r.out)
	}
	r = step(ExitError, "up", "-f", file, "--plan", bundle, "--yes")
	for _, want := range []string{"hetzner-nbg1-dev refused", "mesh refused", "the stack was deployed since", "nothing applied"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("second up --plan lacks %q:\n%s", want, r.err)
		}
	}
	if strings.Contains(r.out, "Update of pair") {
		t.Errorf("a refused bundle ran an update:\n%s", r.out)
	}
}
