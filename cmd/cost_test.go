package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCostPrintsTheTable(t *testing.T) {
	r := run(t, false, nil, "cost")
	if r.code != ExitOK || !strings.Contains(r.out, "https://aws.amazon.com/eks/pricing/") || !strings.Contains(r.out, "as of ") {
		t.Fatalf("exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = run(t, false, nil, "cost", "--json")
	var doc struct {
		Kind string `json:"kind"`
		AsOf string `json:"asOf"`
		Rows []struct {
			Source, Checked, Basis string
		} `json:"rows"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || doc.Kind != "prices" || doc.AsOf == "" || len(doc.Rows) < 20 {
		t.Fatalf("%v: %s", err, r.out)
	}
	for _, row := range doc.Rows {
		if row.Source == "" || row.Checked == "" || row.Basis == "" {
			t.Errorf("row without source, date or basis: %+v", row)
		}
	}
}

func TestPlanShowsTheMonthlyEstimate(t *testing.T) {
	r := run(t, false, nil, "plan", "-f", "../examples/multicloud.yaml")
	for _, want := range []string{"Monthly estimate $", "hetzner-nbg1-prod", "per cloud: aws $", "not estimated:", "data processed per GB"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.out)
		}
	}
	r = run(t, false, nil, "plan", "-f", "../examples/multicloud.yaml", "--format", "markdown")
	if !strings.Contains(r.out, "#### Monthly estimate: $") || !strings.Contains(r.out, "| **total** |") {
		t.Errorf("markdown plan lacks the estimate:\n%s", r.out)
	}
}

func TestBudgetIsAGuardrail(t *testing.T) {
	const spec = `name: hello
budget:
  monthly: %s
clouds:
  aws:
    regions:
      - region: eu-west-1
        environment: dev
`
	over := writeFile(t, "over.yaml", strings.Replace(spec, "%s", "100", 1))
	r := run(t, false, nil, "plan", "-f", over)
	if r.code != ExitError || !strings.Contains(r.err, over+":3:12") || !strings.Contains(r.err, "exceeds the budget $100.00") {
		t.Errorf("over budget: exit %d\n%s", r.code, r.err)
	}
	if !strings.Contains(r.out, "budget") {
		t.Errorf("the guardrail table lacks the budget:\n%s", r.out)
	}
	r = run(t, false, nil, "guardrails", "check", "-f", over)
	if r.code != ExitError {
		t.Errorf("guardrails check over budget: exit %d\n%s%s", r.code, r.out, r.err)
	}
	under := writeFile(t, "under.yaml", strings.Replace(spec, "%s", "100000", 1))
	if r := run(t, false, nil, "plan", "-f", under); r.code != ExitOK {
		t.Errorf("under budget: exit %d\n%s", r.code, r.err)
	}
	zero := writeFile(t, "zero.yaml", strings.Replace(spec, "%s", "0", 1))
	if r := run(t, false, nil, "plan", "-f", zero); r.code != ExitError || !strings.Contains(r.err, "at least 1") {
		t.Errorf("zero budget: exit %d\n%s", r.code, r.err)
	}
	// The flag, with the JSON plan: stdout stays the plan, stderr says why.
	r = run(t, false, nil, "plan", "-f", "../examples/minimal.yaml", "--json", "--max-monthly-cost", "100")
	if r.code != ExitError || !strings.Contains(r.err, "--max-monthly-cost $100.00") || !json.Valid([]byte(r.out)) {
		t.Errorf("--max-monthly-cost: exit %d\n%s", r.code, r.err)
	}
	if r := run(t, false, nil, "plan", "-f", "../examples/minimal.yaml", "--max-monthly-cost", "100000"); r.code != ExitOK {
		t.Errorf("--max-monthly-cost under: exit %d\n%s", r.code, r.err)
	}
}

// The preview prices what is deployed and what the topology asks for:
// after an up, doubling a region's nodes shows the nodes' price as the
// change, in the terminal and in the comment.
func TestPreviewShowsTheChangeInCost(t *testing.T) {
	needDeploy(t, "deploys the minimal example")
	src, file, dir := copySpec(t, "../examples/minimal.yaml")
	env := map[string]string{"INFRA_PASSPHRASE": "cost-test"}
	if r := run(t, false, env, "up", "--simulate", "--yes", "-f", file); r.code != ExitOK {
		t.Fatalf("up: exit %d\n%s", r.code, r.err)
	}
	edited := strings.Replace(string(src), "environment: dev", "environment: dev\n        cluster: {nodesPerZone: {min: 2, max: 4, desired: 2}}", 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	comment := filepath.Join(dir, "comment.md")
	r := run(t, false, env, "preview", "--simulate", "-f", file, "--comment", comment)
	if r.code != ExitOK {
		t.Fatalf("preview: exit %d\n%s", r.code, r.err)
	}
	// Each of the 3 node groups (one per zone) goes from 1 to 2 t3.medium
	// in eu-west-1 at 0.0456 an hour: 33.288 → 33.29 and 66.576 → 66.58 a
	// month (lines round to the cent), so 3 × 33.29 = +99.87. The base,
	// $380.61, includes 3 interface endpoints in 3 zones at 0.011 an hour.
	if !strings.Contains(r.out, "$380.61 → $480.48") || !strings.Contains(r.out, "+$99.87 a month") {
		t.Errorf("preview lacks the change in cost:\n%s", r.out)
	}
	c, err := os.ReadFile(comment)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(c), "#### Monthly estimate: $380.61 → $480.48 (+$99.87)") {
		t.Errorf("comment lacks the change in cost:\n%s", c)
	}

	// --json carries the same change: the total and every stack, before,
	// after and delta.
	r = run(t, false, env, "preview", "--simulate", "-f", file, "--json")
	if r.code != ExitOK {
		t.Fatalf("preview --json: exit %d\n%s", r.code, r.err)
	}
	var doc struct {
		Cost *struct {
			Before, After, Delta json.Number
			Stacks               []struct {
				Stack                string
				Before, After, Delta json.Number
			}
		}
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil || doc.Cost == nil {
		t.Fatalf("preview --json has no cost (%v):\n%.2000s", err, r.out)
	}
	if c := doc.Cost; c.Before != "380.61" || c.After != "480.48" || c.Delta != "99.87" {
		t.Errorf("cost %s → %s (%s), want 380.61 → 480.48 (99.87)", c.Before, c.After, c.Delta)
	}
	var regional bool
	for _, s := range doc.Cost.Stacks {
		if s.Stack == "aws-eu-west-1-dev" {
			regional = s.Delta == "99.87"
		}
	}
	if !regional {
		t.Errorf("no stack aws-eu-west-1-dev with a delta of 99.87: %+v", doc.Cost.Stacks)
	}
}
