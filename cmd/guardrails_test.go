package cmd

import (
	"encoding/json"
	"strings"
	"testing"

	"infra/plan"
	"infra/policies"
)

// Every example keeps its guardrails: check passes, and the multicloud one
// reports the six seed SCPs with their sizes.
func TestGuardrailsCheckExamples(t *testing.T) {
	for _, f := range examples(t) {
		r := run(t, false, nil, "guardrails", "check", "-f", f)
		// Warnings (SCP merges, hcloud primary IPs) may show; errors may not.
		if r.code != ExitOK || !strings.Contains(r.out, "✓ every mandatory guardrail holds") || strings.Contains(r.err, "error[") {
			t.Errorf("%s: exit %d\nstdout:\n%s\nstderr:\n%s", f, r.code, r.out, r.err)
		}
	}
	r := run(t, false, nil, "guardrails", "check", "-f", "../examples/multicloud.yaml")
	for _, want := range []string{
		"Guardrails acme-platform: 6 guardrails over ",
		"  allowed-regions            mandatory ",
		"SCPs (minified; at most 5120 characters each, 5 attached per target with FullAWSAccess)",
		"  DenyPublicS3+DenyRootAccountUsage+RequireEncryption  deny-public-buckets, deny-root-account, require-encryption ",
		"  RequireTags                                          require-tags ",
		"attached per OU: Infrastructure 4/5, Security 4/5, Workloads 5/5",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
}

func TestGuardrailsCheckJSON(t *testing.T) {
	r := run(t, false, nil, "guardrails", "check", "-f", "../examples/multicloud.yaml", "--json")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	var res struct {
		Passed    bool
		Resources int
		Results   []policies.Result
		Native    map[string][]string
		SCPs      struct {
			Policies []struct {
				Name           string
				Size, Headroom int
				Targets        []string
			}
		}
		Diagnostics []struct{ Severity, Message string }
	}
	if err := json.Unmarshal([]byte(r.out), &res); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	// Warnings (SCP merges, hcloud primary IPs) are fine; errors are not.
	for _, d := range res.Diagnostics {
		if d.Severity == "error" {
			t.Errorf("error: %s", d.Message)
		}
	}
	if !res.Passed || res.Resources == 0 || len(res.Results) != 6 || len(res.SCPs.Policies) != 4 {
		t.Errorf("result: %+v", res)
	}
	for _, p := range res.SCPs.Policies {
		if p.Size <= 0 || p.Size+p.Headroom != policies.SCPMaxSize || len(p.Targets) == 0 {
			t.Errorf("%s: size %d, headroom %d, targets %v", p.Name, p.Size, p.Headroom, p.Targets)
		}
	}
	if got := strings.Join(res.Native["allowed-regions"], ","); got != "ibm,aws,ovh" {
		t.Errorf("allowed-regions enforced natively by %s", got)
	}
}

// An advisory guardrail the topology contradicts: the plan-time check warns
// about the resources it concerns, and the check passes.
func TestGuardrailsCheckAdvisoryViolation(t *testing.T) {
	f := writeFile(t, "topology.yaml", `name: acme
tags: {Owner: me}
clouds:
  aws:
    regions:
      - {region: eu-west-1, environment: dev}
landingZone:
  guardrails:
    - allowed-regions: {aws: [eu-central-1]}
      enforcement: advisory
`)
	r := run(t, false, nil, "guardrails", "check", "-f", f)
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.err)
	}
	// The load warns about the spec, the check about the provider that
	// deploys the region's resources.
	for _, want := range []string{
		"warning[topology/landing-zone]: region eu-west-1 is not in the guardrail's allowed regions for aws\n  --> " + f + ":6:18\n",
		"warning[guardrail/allowed-regions]: allowed-regions: pulumi:providers:aws \"aws-eu-west-1-dev-provider\" in stack aws-eu-west-1-dev deploys 73 resources to eu-west-1, which is not an allowed aws region\n" +
			"  --> " + f + ":6:18\n" +
			"    |\n" +
			"  6 |       - {region: eu-west-1, environment: dev}\n" +
			"    |                  ^^^^^^^^^\n" +
			"  --> " + f + ":9:7: guardrail allowed-regions is set here\n",
		"  hint: add eu-west-1 to allowed-regions.aws, or deploy elsewhere\n",
	} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	if !strings.Contains(r.out, "  allowed-regions  advisory           1           1  plan only\n") ||
		!strings.Contains(r.out, "✓ every mandatory guardrail holds, 2 warnings\n") { // the topology's and the check's: both shown, both counted
		t.Errorf("stdout:\n%s", r.out)
	}
}

// SCPs that cannot fit the limits fail the check before anything is
// applied: too many required tags split RequireTags into more policies
// than an OU may have attached.
func TestGuardrailsCheckSCPsDoNotFit(t *testing.T) {
	f := scpOverflowSpec(t)
	r := run(t, false, nil, "guardrails", "check", "-f", f)
	if r.code != ExitError {
		t.Fatalf("exit %d, want %d\n%s", r.code, ExitError, r.err)
	}
	if !strings.Contains(r.out, "Guardrails acme: 2 guardrails over 0 planned resources") {
		t.Errorf("stdout:\n%s", r.out)
	}
	for _, want := range []string{
		"SCPs attached, over the limit of 5 (FullAWSAccess included), and no two of its policies fit one document\n  --> " + f + ":8:8\n",
		"warning[scp/size]: SCP RequireTags is ",
		"characters, over the 5120 limit: split into RequireTags-1, RequireTags-2,",
	} {
		if !strings.Contains(r.err, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.err)
		}
	}
	r = run(t, false, nil, "guardrails", "check", "-f", f, "--json")
	var res struct {
		Passed      bool
		Diagnostics []struct{ Severity, Message string }
	}
	if err := json.Unmarshal([]byte(r.out), &res); err != nil || r.code != ExitError || res.Passed || len(res.Diagnostics) < 3 {
		t.Errorf("exit %d, %v: %+v", r.code, err, res)
	}
}

func TestGuardrailsRenderAWS(t *testing.T) {
	r := run(t, false, nil, "guardrails", "render", "--cloud", "aws", "-f", "../examples/multicloud.yaml")
	// Packing to 5 per OU merges three SCPs, with a warning for each merge.
	if r.code != ExitOK || strings.Contains(r.err, "error") || !strings.Contains(r.err, "warning[scp/attachments]: Workloads would have more than 5 SCPs attached: merged ") {
		t.Fatalf("exit %d\n%s", r.code, r.err)
	}
	for _, name := range []string{"RequireRegions", "DenyPublicS3+DenyRootAccountUsage+RequireEncryption", "RequireTags", "PreventSecurityChanges"} {
		if !strings.Contains(r.out, "# scp "+name+" ") {
			t.Errorf("no SCP %s:\n%s", name, r.out)
		}
	}
	if !strings.Contains(r.out, "SCPs (minified; at most 5120 characters each") || !strings.Contains(r.out, "attached per OU: Infrastructure 4/5, Security 4/5, Workloads 5/5") {
		t.Errorf("no size report:\n%s", r.out)
	}

	r = run(t, false, nil, "guardrails", "render", "--cloud", "aws", "-f", "../examples/multicloud.yaml", "--json")
	var res struct {
		Documents []struct {
			Kind, Name string
			Body       json.RawMessage
		}
		SCPs struct {
			Policies []struct {
				Name           string
				Size, Headroom int
			}
		}
		Notes []string
	}
	if err := json.Unmarshal([]byte(r.out), &res); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if len(res.Documents) != 4 || len(res.SCPs.Policies) != 4 || len(res.Notes) == 0 {
		t.Fatalf("render: %+v", res)
	}
	for i, d := range res.Documents {
		if errs := policies.ValidateSCP(d.Body); len(errs) > 0 {
			t.Errorf("%s: %v", d.Name, errs)
		}
		if s := res.SCPs.Policies[i]; s.Name != d.Name || policies.Size(d.Body) != s.Size || s.Size > policies.SCPMaxSize {
			t.Errorf("%s: size report %+v, document %d characters", d.Name, s, policies.Size(d.Body))
		}
	}
}

func TestGuardrailsRenderOtherClouds(t *testing.T) {
	for _, tc := range []struct {
		cloud, file string
		want        []string
	}{
		{"ibm", "../examples/ipam.yaml", []string{
			"# iam-policy edge-fleet-prod-deployers-2 prod",
			`"role_id": "crn:v1:bluemix:public:iam::::serviceRole:Manager"`,
			`"value": "<resource-group:edge-fleet-prod>"`,
			"# key-protect edge-fleet-prod-kms require-encryption · prod",
			"# cbr-rule prod-cos deny-public-buckets · prod",
			`"enforcement_mode": "enabled"`,
			"note: IBM IAM has no deny policies",
		}},
		{"ovh", "../examples/multicloud.yaml", []string{
			"# iam-policy acme-platform-staging-deployers allowed-regions, deny-public-buckets, protect-security-services · staging",
			`"action": "publicCloudProject:apiovh:region/create"`,
			`"urn": "urn:v1:eu:resource:publicCloudProject:${OVH_CLOUD_PROJECT_SERVICE}"`,
			"note: the account owner (NIC handle) bypasses IAM",
		}},
		{"hetzner", "../examples/multicloud.yaml", []string{
			"# project acme-platform-dev dev",
			"note: Hetzner Cloud has no organisation level: nothing is created there by a landing zone, and no landingzone-hetzner stack exists",
		}},
	} {
		r := run(t, false, nil, "guardrails", "render", "--cloud", tc.cloud, "-f", tc.file)
		if r.code != ExitOK {
			t.Errorf("%s: exit %d\n%s", tc.cloud, r.code, r.err)
		}
		for _, w := range tc.want {
			if !strings.Contains(r.out, w) {
				t.Errorf("%s: output lacks %q:\n%s", tc.cloud, w, r.out)
			}
		}
	}
	for _, args := range [][]string{{"--cloud", "gcp"}, {}} {
		r := run(t, false, nil, append([]string{"guardrails", "render", "-f", "../examples/minimal.yaml"}, args...)...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, r.code, ExitUsage, r.err)
		}
	}
}

// infra plan appends the guardrail results to its table and markdown views;
// its JSON is still the golden plan, byte for byte.
func TestPlanShowsGuardrails(t *testing.T) {
	r := run(t, false, nil, "plan", "-f", "../examples/multicloud.yaml")
	if r.code != ExitOK || !strings.Contains(r.out, "\nGuardrails acme-platform: 6 guardrails over ") || !strings.Contains(r.out, "landingzone-aws  landingzone · aws") {
		t.Errorf("exit %d\n%s", r.code, r.out)
	}
	r = run(t, false, nil, "plan", "-f", "../examples/multicloud.yaml", "--format", "markdown")
	if !strings.Contains(r.out, "### Guardrails\n\n✅ every mandatory guardrail holds") || !strings.Contains(r.out, "| `require-tags` | mandatory |") {
		t.Errorf("markdown:\n%s", r.out)
	}
	r = run(t, false, nil, "plan", "-f", "../examples/multicloud.yaml", "--format", "json")
	if _, err := plan.Parse([]byte(r.out)); err != nil || strings.Contains(r.out, "Guardrails") {
		t.Errorf("plan --format json is not just the plan: %v", err)
	}
	// A topology without guardrails has no section.
	r = run(t, false, nil, "plan", "-f", "../examples/minimal.yaml")
	if strings.Contains(r.out, "Guardrails") {
		t.Errorf("minimal:\n%s", r.out)
	}
}

// An advisory require-tags the default tags do not satisfy: every taggable
// resource the programs make is reported, as warnings, and the check passes.
func TestGuardrailsCheckAdvisoryTags(t *testing.T) {
	f := writeFile(t, "topology.yaml", `name: acme
tags: {Owner: me}
clouds:
  hetzner:
    regions:
      - {region: nbg1, environment: prod, cluster: {apiAccess: [203.0.113.0/24]}}
landingZone:
  guardrails:
    - require-tags: [Owner, CostCenter]
      enforcement: advisory
`)
	r := run(t, false, nil, "guardrails", "check", "-f", f, "--json")
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.err)
	}
	var res struct {
		Passed      bool
		Results     []policies.Result
		Diagnostics []struct {
			Severity, Message, Rule string
			Pos                     struct{ Line, Column int }
		}
	}
	if err := json.Unmarshal([]byte(r.out), &res); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	if !res.Passed || len(res.Results) != 1 || res.Results[0].Checked == 0 || res.Results[0].Violations != res.Results[0].Checked {
		t.Fatalf("result %+v", res)
	}
	// Every violation, and the topology's own warning about the tag.
	violations, topo := 0, 0
	for _, d := range res.Diagnostics {
		switch {
		case d.Rule == "topology/landing-zone" && strings.Contains(d.Message, "CostCenter is not among the default tags"):
			topo++
		case d.Severity != "warning" || d.Pos.Line != 6 || !strings.HasSuffix(d.Message, " lacks the required labels CostCenter"):
			t.Errorf("diagnostic %+v", d)
		default:
			violations++
		}
	}
	if violations != res.Results[0].Violations || topo != 1 {
		t.Errorf("%d violations (want %d) and %d topology warnings (want 1) in the JSON", violations, res.Results[0].Violations, topo)
	}
	if want := `require-tags: hcloud:index/firewall:Firewall "hetzner-nbg1-prod-api-firewall" in stack hetzner-nbg1-prod lacks the required labels CostCenter`; res.Diagnostics[0].Message != want {
		t.Errorf("first diagnostic %q, want %q", res.Diagnostics[0].Message, want)
	}
}
