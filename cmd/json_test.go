package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every offline command's --json output is a document that validates
// against its published schema (run checks each one, see checkDocument);
// the engine's kinds (run, up, outputs) are checked the same way by the
// simulated workflow test.
func TestOfflineJSONOutputsFollowTheirSchemas(t *testing.T) {
	dir := t.TempDir()
	multi := "../examples/multicloud.yaml"
	bad := writeFile(t, "bad.yaml", broken)
	for _, tc := range []struct {
		kind string
		code int
		args []string
	}{
		{"validate", ExitOK, []string{"validate", "-f", multi, "--json"}},
		{"validate", ExitError, []string{"validate", "-f", bad, "--json"}},
		{"plan", ExitOK, []string{"plan", "-f", multi, "--json"}},
		{"plan", ExitOK, []string{"plan", "-f", multi, "--format", "json", "--stack", "global"}},
		{"guardrails", ExitOK, []string{"guardrails", "check", "-f", multi, "--json"}},
		{"guardrails-render", ExitOK, []string{"guardrails", "render", "--cloud", "aws", "-f", multi, "--json"}},
		{"guardrails-render", ExitOK, []string{"guardrails", "render", "--cloud", "ibm", "-f", multi, "--json"}},
		{"adr", ExitOK, []string{"adr", "-f", multi, "-o", filepath.Join(dir, "adr"), "--date", "2026-01-02", "--json"}},
		{"mesh-config", ExitOK, []string{"mesh", "config", "-f", multi, "--node", "aws/us-east-1/prod", "--json"}},
		{"version", ExitOK, []string{"version", "--json"}},
		{"doctor", ExitError, []string{"doctor", "-f", multi, "--json", "--pulumi", "/nonexistent/pulumi"}},
		{"error", ExitUsage, []string{"graph", "-f", multi, "--json"}},
		{"validate", ExitError, []string{"plan", "-f", filepath.Join(dir, "none.yaml"), "--json"}}, // an invalid topology: its diagnostics
		{"error", ExitUsage, []string{"plan", "-f", multi, "--stack", "nope", "--json"}},
	} {
		r := run(t, false, map[string]string{"INFRA_PASSPHRASE": "p"}, tc.args...)
		if r.code != tc.code {
			t.Errorf("infra %s: exit %d, want %d\n%s", strings.Join(tc.args, " "), r.code, tc.code, r.err)
		}
		if !strings.HasPrefix(r.out, "{\n  \"kind\": \""+tc.kind+"\",\n  \"version\": 1,") {
			t.Errorf("infra %s: stdout does not start with the %s envelope:\n%.300s", strings.Join(tc.args, " "), tc.kind, r.out)
		}
	}
}

// infra schema --output prints each kind's published schema; an unknown
// kind is a usage error.
func TestSchemaOutput(t *testing.T) {
	r := run(t, false, nil, "schema", "--output", "run")
	want, _ := os.ReadFile("../ui/schema/run.json")
	if r.code != ExitOK || r.out != string(want) || len(want) == 0 {
		t.Errorf("schema --output run: exit %d, %d bytes (want %d)", r.code, len(r.out), len(want))
	}
	r = run(t, false, nil, "schema", "--output", "nope")
	if r.code != ExitUsage || !strings.Contains(r.err, "no JSON output kind") {
		t.Errorf("schema --output nope: exit %d %s", r.code, r.err)
	}
}
