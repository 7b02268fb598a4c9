package adr

import (
	"strings"
	"testing"

	"infra/landingzone"
	"infra/policies"
	"infra/topology"
)

// fence renders a record's generated text.
func fence(t *testing.T, recs []Record, key string) string {
	t.Helper()
	for _, r := range recs {
		if r.Key == key {
			_, _, f := render(&r, state{Number: 1, Date: day1, Status: status{Kind: "accepted"}}, Nygard)
			return strings.Join(f, "\n")
		}
	}
	t.Fatalf("no record %s", key)
	return ""
}

// The landing-zone and guardrail records state what landingzone.Derive and
// policies produce: OU placement of foundational accounts, the trail's home
// without a log-archive account, advisory
// guardrails without an SCP, and the packed SCPs' sizes.
func TestLandingZoneReadsTheModel(t *testing.T) {
	src := []byte(`name: acme
clouds:
  aws:
    regions:
      - {region: eu-west-1, environment: prod}
  ibm:
    regions: [{region: eu-de, environment: prod}]
  ovh:
    project: abc123
    regions: [{region: GRA11, environment: prod}]
landingZone:
  aws: {accounts: [audit, network, prod], emailPattern: "aws+{account}@acme.example"}
  guardrails:
    - deny-root-account
    - allowed-regions: {aws: [eu-west-1], ibm: [eu-de], ovh: [GRA11]}
    - require-tags: [Owner]
      enforcement: advisory
`)
	recs := derive(t, "t.yaml", src)
	spec, _, err := topology.Parse("t.yaml", src)
	if err != nil {
		t.Fatal(err)
	}
	lz := landingzone.Derive(spec)
	scps := policies.SCPs(spec, policies.SCPOptions{Targets: lz.AWS.Targets, DeployRoles: lz.AWS.DeployRoles(), TrailBucket: lz.AWS.TrailBucketPattern(), TrailKeyAlias: lz.AWS.TrailKeyAlias})

	text := fence(t, recs, "landing-zone")
	for _, a := range lz.AWS.Accounts {
		if row := "| " + a.Name + " | " + a.OU + " | " + a.Email + " |"; !strings.Contains(text, row) {
			t.Errorf("landing-zone: no row %q", row)
		}
	}
	for _, w := range []string{
		"| audit | Security |", "| network | Infrastructure |", "`infra-deployer`",
		"in the management account", // no log-archive account
		"access group `acme-prod-deployers` (granted in eu-de only)",
		"project `abc123`", "identity group `acme-prod`",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("landing-zone: missing %q in\n%s", w, text)
		}
	}
	if strings.Contains(text, "Workloads/Audit") || strings.Contains(text, "Key Protect") {
		t.Errorf("landing-zone: states what is not built:\n%s", text)
	}

	text = fence(t, recs, "guardrails")
	for _, p := range scps.Policies {
		row := "| " + p.Name + " | " + strings.Join(p.Guardrails, ", ") + " | " + strings.Join(p.Targets, ", ") + " | " + thousands(p.Size) + " | " + thousands(p.Headroom) + " |"
		if !strings.Contains(text, row) {
			t.Errorf("guardrails: no SCP row %q in\n%s", row, text)
		}
	}
	for _, w := range []string{
		"| require-tags | advisory | Owner | plan-time | plan-time | plan-time |", // advisory: no SCP anywhere
		"IAM grants in the allowed regions only + plan-time",
		"IAM deny of 1 action + plan-time",
		"Advisory guardrails (require-tags) get no SCP",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("guardrails: missing %q in\n%s", w, text)
		}
	}
	if strings.Contains(text, "SCP RequireTags") {
		t.Errorf("guardrails: an SCP for an advisory guardrail:\n%s", text)
	}
}
