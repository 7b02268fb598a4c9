package stacks

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	ibmstack "infra/stacks/ibm"
	"infra/topology/topologytest"
)

const withLandingZones = `
name: t
tags: {Owner: me}
clouds:
  ibm:
    regions: [{region: us-south, environment: prod}]
  aws:
    regions:
      - {region: us-east-1, environment: prod}
      - {region: us-east-1, environment: staging}
  hetzner:
    regions: [{region: nbg1, environment: prod}]
  ovh:
    regions: [{region: GRA11, environment: prod}]
landingZone:
  aws: {accounts: [security, log-archive, prod, staging]}
  guardrails: [deny-root-account, require-encryption]
network:
  mesh: {}
`

// Landing zones come first, each cloud's regional stacks after their own
// (Hetzner has none), the mesh last: it reads the landing zones of its AWS
// and IBM gateways' deploy roles and API keys.
func TestLandingZoneStacksInGraph(t *testing.T) {
	g := buildLandingZones(t)
	want := "landingzone-aws landingzone-ibm landingzone-ovh ibm-us-south-prod aws-us-east-1-prod aws-us-east-1-staging hetzner-nbg1-prod ovh-gra11-prod mesh"
	if got := strings.Join(g.Names(), " "); got != want {
		t.Fatalf("stacks = %s\nwant %s", got, want)
	}
	deps := map[string]string{
		"ibm-us-south-prod": "landingzone-ibm", "aws-us-east-1-prod": "landingzone-aws",
		"aws-us-east-1-staging": "landingzone-aws", "hetzner-nbg1-prod": "", "ovh-gra11-prod": "landingzone-ovh",
		"mesh": "aws-us-east-1-prod aws-us-east-1-staging hetzner-nbg1-prod ibm-us-south-prod landingzone-aws landingzone-ibm ovh-gra11-prod",
	}
	for name, dep := range deps {
		if got := strings.Join(g.Stack(name).DependsOn, " "); got != dep {
			t.Errorf("%s depends on %q, want %q", name, got, dep)
		}
	}
	for _, s := range g.Stacks[:3] {
		if s.Kind != LandingZone || s.Region != nil || s.Cloud == "" {
			t.Errorf("%s = %+v", s.Name, s)
		}
	}
	if l := g.Levels(); len(l) != 3 || len(l[0]) != 4 || len(l[1]) != 4 {
		t.Errorf("levels %d: %d, %d", len(l), len(l[0]), len(l[1]))
	}
}

// buildLandingZones builds the graph of withLandingZones.
func buildLandingZones(t *testing.T) *Graph {
	t.Helper()
	spec := topologytest.Parse(t, withLandingZones)
	g, err := Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// providerMocks records the inputs of AWS providers.
type providerMocks struct{ roles map[string]string }

func (m *providerMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken == "pulumi:providers:aws" {
		if ar, ok := args.Inputs["assumeRole"]; ok && ar.IsObject() {
			m.roles[args.Name] = ar.ObjectValue()["roleArn"].StringValue()
		} else {
			m.roles[args.Name] = ""
		}
	}
	return args.Name + "-id", args.Inputs, nil
}

func (m *providerMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

// An AWS regional stack assumes the deploy role of its environment's account,
// read from the landing zone's outputs.
func TestAWSRegionalAssumesDeployRole(t *testing.T) {
	g := buildLandingZones(t)
	s := g.Stack("aws-us-east-1-staging")
	up := g.Upstream(s, map[string]Outputs{"landingzone-aws": {"deployRoleArns": {Value: map[string]any{
		"prod": "arn:aws:iam::111111111111:role/infra-deployer", "staging": "arn:aws:iam::222222222222:role/infra-deployer",
	}}}})
	m := &providerMocks{roles: map[string]string{}}
	err := pulumi.RunErr(s.Program(up), pulumi.WithMocks("t", s.Name, m), func(ri *pulumi.RunInfo) { ri.DryRun = true })
	if err != nil {
		t.Fatal(err)
	}
	if got := m.roles["aws-us-east-1-staging-provider"]; got != "arn:aws:iam::222222222222:role/infra-deployer" {
		t.Errorf("provider assumes %q", got)
	}

	// A landing zone that lacks the environment's role fails the program.
	up = g.Upstream(s, map[string]Outputs{"landingzone-aws": {"deployRoleArns": {Value: map[string]any{"prod": "x"}}}})
	err = pulumi.RunErr(s.Program(up), pulumi.WithMocks("t", s.Name, &providerMocks{roles: map[string]string{}}))
	if err == nil || !strings.Contains(err.Error(), "stack landingzone-aws exports no deployRoleArns for staging") {
		t.Errorf("err = %v", err)
	}
}

// The IBM regional program names the resource group the landing zone makes.
func TestIBMResourceGroupNamesAgree(t *testing.T) {
	spec := topologytest.Parse(t, withLandingZones)
	for _, e := range landingzone.Derive(spec).IBM.Environments {
		if got := ibmstack.ResourceGroupName(spec, e.Name); got != e.ResourceGroup {
			t.Errorf("%s: regional program uses %s, landing zone makes %s", e.Name, got, e.ResourceGroup)
		}
	}
}
