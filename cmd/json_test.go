package cmd

import (
	"encoding/json"
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

// validate --format github prints workflow commands GitHub turns into
// annotations, and --format sarif a SARIF 2.1.0 log: each finding with its
// rule id and source range.
func TestValidateForCI(t *testing.T) {
	bad := writeFile(t, "bad.yaml", broken)
	r := run(t, false, nil, "validate", "-f", bad, "--format", "github")
	if r.code != ExitError {
		t.Errorf("--format github: exit %d", r.code)
	}
	for _, want := range []string{
		"::error file=" + bad + ",line=5,col=17,endLine=5,endColumn=26,title=topology/regions::aws has no region \"us-east-7\" — did you mean us-east-1?\n",
		"::error file=" + bad + ",line=7,col=9,endLine=7,endColumn=14,title=schema/unknown-field::unknown field \"zonez\" in clouds.aws.regions[0] — did you mean zones?\n",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("--format github lacks %q:\n%s", want, r.out)
		}
	}
	r = run(t, false, nil, "validate", "-f", bad, "--format", "sarif")
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, EndLine, EndColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(r.out), &log); err != nil || r.code != ExitError {
		t.Fatalf("--format sarif: exit %d, %v\n%s", r.code, err, r.out)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "infra" || len(log.Runs[0].Results) != 2 ||
		len(log.Runs[0].Tool.Driver.Rules) != 2 {
		t.Fatalf("sarif log: %+v", log)
	}
	res := log.Runs[0].Results[0]
	loc := res.Locations[0].PhysicalLocation
	if res.RuleID != "topology/regions" || res.Level != "error" || loc.ArtifactLocation.URI != bad ||
		loc.Region.StartLine != 5 || loc.Region.StartColumn != 17 || loc.Region.EndColumn != 26 {
		t.Errorf("first result: %+v", res)
	}
	r = run(t, false, nil, "validate", "-f", "../examples/multicloud.yaml", "--format", "github")
	if r.code != ExitOK || strings.Contains(r.out, "::error") {
		t.Errorf("a valid topology: exit %d\n%s", r.code, r.out)
	}
	if r := run(t, false, nil, "validate", "--format", "yaml"); r.code != ExitUsage {
		t.Errorf("--format yaml: exit %d", r.code)
	}
}
