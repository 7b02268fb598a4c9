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
		{"plan", ExitOK, []string{"plan", "-f", multi, "--format", "json", "--stack", "mesh"}},
		{"guardrails", ExitOK, []string{"guardrails", "check", "-f", multi, "--json"}},
		{"guardrails-render", ExitOK, []string{"guardrails", "render", "--cloud", "aws", "-f", multi, "--json"}},
		{"guardrails-render", ExitOK, []string{"guardrails", "render", "--cloud", "ibm", "-f", multi, "--json"}},
		{"adr", ExitOK, []string{"adr", "-f", multi, "-o", filepath.Join(dir, "adr"), "--date", "2026-01-02", "--json"}},
		{"mesh-config", ExitOK, []string{"mesh", "config", "-f", multi, "--node", "aws/us-east-1/prod", "--zone", "us-east-1a", "--json"}},
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

// guardrails check and plan print their findings for CI as validate does:
// GitHub workflow commands (a budget over the limit is an error at its
// line; an advisory guardrail's violations from one region are one
// annotation naming how many more) and a SARIF log with every finding
// that --json lists; an invalid topology is annotated too.
func TestGuardrailsAndPlanForCI(t *testing.T) {
	spec := writeFile(t, "ci.yaml", `name: hello
budget:
  monthly: 100
tags: {Owner: me}
clouds:
  aws:
    regions:
      - region: eu-west-1
        environment: dev
landingZone:
  guardrails:
    - require-tags: [Owner, CostCenter]
      enforcement: advisory
`)
	for _, args := range [][]string{{"guardrails", "check"}, {"plan"}} {
		name := strings.Join(args, " ")
		r := run(t, false, nil, append(args, "-f", spec, "--format", "github")...)
		if r.code != ExitError {
			t.Errorf("%s --format github: exit %d\n%s", name, r.code, r.err)
		}
		budget := "::error file=" + spec + ",line=3,col=12,"
		if !strings.Contains(r.out, budget) || !strings.Contains(r.out, "exceeds the budget $100.00") {
			t.Errorf("%s --format github lacks the budget error %q:\n%s", name, budget, r.out)
		}
		var tags []string
		for _, l := range strings.Split(r.out, "\n") {
			if strings.HasPrefix(l, "::warning file="+spec+",line=8,col=9,title=guardrail/require-tags::") {
				tags = append(tags, l)
			}
			if l != "" && !strings.HasPrefix(l, "::") {
				t.Errorf("%s --format github: a line that is no workflow command: %q", name, l)
			}
		}
		if len(tags) != 1 || !strings.Contains(tags[0], "more from the same place:") || !strings.Contains(tags[0], "%0A- require-tags: ") {
			t.Errorf("%s: want one grouped require-tags annotation, got %d:\n%s", name, len(tags), r.out)
		}
		if !strings.Contains(r.out, "title=topology/landing-zone::required tag CostCenter is not among the default tags") {
			t.Errorf("%s --format github lacks the topology's own warning:\n%s", name, r.out)
		}
		if !strings.Contains(r.err, "✗ 1 error, ") {
			t.Errorf("%s --format github: verdict on stderr %q", name, r.err)
		}
	}

	// SARIF lists every finding the JSON document does, ungrouped.
	var doc struct {
		Diagnostics []struct {
			Rule string `json:"rule"`
		} `json:"diagnostics"`
	}
	r := run(t, false, nil, "guardrails", "check", "-f", spec, "--json")
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || len(doc.Diagnostics) < 10 {
		t.Fatalf("guardrails check --json: %v, %d diagnostics\n%s", err, len(doc.Diagnostics), r.out)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
				Level  string `json:"level"`
			} `json:"results"`
		} `json:"runs"`
	}
	r = run(t, false, nil, "guardrails", "check", "-f", spec, "--format", "sarif")
	if err := json.Unmarshal([]byte(r.out), &log); err != nil || r.code != ExitError || len(log.Runs) != 1 {
		t.Fatalf("--format sarif: exit %d, %v\n%s", r.code, err, r.out)
	}
	if got := len(log.Runs[0].Results); got != len(doc.Diagnostics) {
		t.Errorf("sarif has %d results, --json %d diagnostics", got, len(doc.Diagnostics))
	}
	for i, res := range log.Runs[0].Results {
		if res.RuleID != doc.Diagnostics[i].Rule {
			t.Errorf("sarif result %d is %s, --json diagnostic %s", i, res.RuleID, doc.Diagnostics[i].Rule)
		}
	}

	// An invalid topology is annotated, and exits 1.
	bad := writeFile(t, "bad.yaml", broken)
	for _, args := range [][]string{{"guardrails", "check"}, {"plan"}} {
		r := run(t, false, nil, append(args, "-f", bad, "--format", "github")...)
		if r.code != ExitError || !strings.Contains(r.out, "::error file="+bad+",line=7,col=9,endLine=7,endColumn=14,title=schema/unknown-field::") {
			t.Errorf("%s on an invalid topology: exit %d\n%s", strings.Join(args, " "), r.code, r.out)
		}
	}
	for _, args := range [][]string{
		{"guardrails", "check", "-f", spec, "--json", "--format", "github"},
		{"plan", "-f", spec, "--check", "plan.json", "--format", "sarif"},
		{"guardrails", "check", "-f", spec, "--format", "yaml"},
	} {
		if r := run(t, false, nil, args...); r.code != ExitUsage {
			t.Errorf("infra %s: exit %d, want %d", strings.Join(args, " "), r.code, ExitUsage)
		}
	}
}
