package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const planSpec = `name: clitest
tags: {Owner: cli}
clouds:
  aws:
    regions: [{region: eu-west-1, environment: dev, zones: [eu-west-1a, eu-west-1b]}]
  hetzner:
    regions: [{region: nbg1, environment: dev}]
`

func TestPlanTableGroupsByStack(t *testing.T) {
	spec := writeFile(t, "topology.yaml", planSpec)
	r := run(t, false, nil, "plan", "-f", spec)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{
		"Plan clitest: 2 stacks",
		"aws-eu-west-1-dev  regional · aws · eu-west-1 · dev",
		"+2 aws:eks/nodeGroup:NodeGroup", // one per zone
		"+4 aws:ec2/subnet:Subnet",
		"hetzner-nbg1-dev  regional · hetzner · nbg1 · dev",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	if ansi.MatchString(r.out) {
		t.Error("colour codes without a terminal")
	}
}

func TestPlanFormats(t *testing.T) {
	spec := writeFile(t, "topology.yaml", planSpec)
	md := run(t, false, nil, "plan", "-f", spec, "--format", "markdown")
	if md.code != 0 || !strings.Contains(md.out, "| `aws-eu-west-1-dev` | regional | aws | eu-west-1 | dev |") ||
		!strings.Contains(md.out, "<details><summary><code>hetzner-nbg1-dev</code>") {
		t.Errorf("markdown (exit %d):\n%s%s", md.code, md.out, md.err)
	}
	js := run(t, false, nil, "plan", "-f", spec, "--stack", "hetzner-nbg1-dev", "--json")
	var p struct {
		Stacks []struct {
			Name      string
			Resources []struct{ Type, Name string }
		}
	}
	if err := json.Unmarshal([]byte(js.out), &p); err != nil || len(p.Stacks) != 1 || p.Stacks[0].Name != "hetzner-nbg1-dev" || len(p.Stacks[0].Resources) == 0 {
		t.Errorf("--stack --json: %v\n%s%s", err, js.out, js.err)
	}
	if bad := run(t, false, nil, "plan", "-f", spec, "--format", "yaml"); bad.code != ExitUsage || !strings.Contains(bad.err, `unknown --format "yaml"`) {
		t.Errorf("--format yaml: exit %d: %s", bad.code, bad.err)
	}
	if bad := run(t, false, nil, "plan", "-f", spec, "--stack", "nope"); bad.code != ExitUsage || !strings.Contains(bad.err, "aws-eu-west-1-dev, hetzner-nbg1-dev") {
		t.Errorf("--stack nope: exit %d: %s", bad.code, bad.err)
	}
}

func TestPlanOutThenCheck(t *testing.T) {
	spec := writeFile(t, "topology.yaml", planSpec)
	saved := filepath.Join(t.TempDir(), "plan.json")
	if r := run(t, false, nil, "plan", "-f", spec, "--out", saved); r.code != 0 || !strings.Contains(r.err, "wrote "+saved) {
		t.Fatalf("--out: exit %d: %s", r.code, r.err)
	}
	if r := run(t, false, nil, "plan", "-f", spec, "--check", saved); r.code != 0 || !strings.Contains(r.err, "matches") {
		t.Fatalf("--check of a fresh plan: exit %d: %s%s", r.code, r.out, r.err)
	}
	// A changed topology fails the check with a diff naming what changed.
	changed := strings.Replace(planSpec, "zones: [eu-west-1a, eu-west-1b]", "zones: [eu-west-1a, eu-west-1b, eu-west-1c]", 1)
	if err := os.WriteFile(spec, []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, false, nil, "plan", "-f", spec, "--check", saved)
	if r.code != ExitChanges {
		t.Fatalf("--check of a changed plan: exit %d, want 2 (1 is for errors)", r.code)
	}
	if !strings.Contains(r.out, "--- "+saved) || !strings.Contains(r.out, `+          "name": "aws-eu-west-1-dev-nodes-eu-west-1c",`) {
		t.Errorf("diff lacks the new node group:\n%s", r.out)
	}
	if !strings.Contains(r.err, "the plan differs from "+saved) {
		t.Errorf("stderr: %s", r.err)
	}
	if r := run(t, false, nil, "plan", "-f", spec, "--check", filepath.Join(t.TempDir(), "missing.json")); r.code != ExitError || !strings.Contains(r.err, "--out") {
		t.Errorf("--check of a missing file: exit %d: %s", r.code, r.err)
	}
	if r := run(t, false, nil, "plan", "-f", spec, "--check", saved, "--out", saved); r.code != ExitUsage {
		t.Errorf("--check with --out: exit %d, want %d", r.code, ExitUsage)
	}
}

func TestPlanInvalidTopology(t *testing.T) {
	spec := writeFile(t, "topology.yaml", strings.Replace(planSpec, "nbg1", "nbg9", 1))
	r := run(t, false, nil, "plan", "-f", spec)
	if r.code != ExitError || !strings.Contains(r.err, spec+":7:24") {
		t.Errorf("exit %d, want 1 with file:line:col:\n%s", r.code, r.err)
	}
	if r.out != "" {
		t.Errorf("nothing belongs on stdout: %s", r.out)
	}
}

// A planned input the real provider would reject fails `infra plan` with a
// diagnostic naming the resource, property, rule and source, at the
// topology line that produced the value; warnings alone do not fail.
func TestPlanFailsOnProviderRule(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "t.yaml")
	const topo = `name: acme
clouds:
  aws:
    regions:
      - region: us-east-1
        environment: prod
landingZone:
  aws:
    accounts: [prod]
    emailPattern: "cloud-accounts+{account}@platform-engineering.infrastructure.acme-corporation.example"
`
	if err := os.WriteFile(spec, []byte(topo), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"plan"}, {"plan", "--format", "json"}} {
		r := run(t, false, nil, append(args, "-f", spec)...)
		if r.code != ExitError {
			t.Fatalf("%v: exit %d, want %d\n%s", args, r.code, ExitError, r.err)
		}
		for _, want := range []string{
			`error[provider/lengthBetween]: aws:organizations/account:Account "landingzone-aws-account-prod" in stack landingzone-aws: email: expected length of email to be in the range (6 - 64)`,
			"--> " + spec + ":10:19",
			"hint: source: hashicorp/terraform-provider-aws@5f2286d6d836 internal/service/organizations/account.go:81",
			"✗ 1 of the planned inputs would be rejected by the real providers",
		} {
			if !strings.Contains(r.err, want) {
				t.Errorf("%v: stderr lacks %q:\n%s", args, want, r.err)
			}
		}
	}
	fixed := strings.Replace(topo, "platform-engineering.infrastructure.acme-corporation.example", "acme.example", 1)
	if err := os.WriteFile(spec, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := run(t, false, nil, "plan", "-f", spec); r.code != ExitOK {
		t.Errorf("fixed topology: exit %d\n%s", r.code, r.err)
	}
}
