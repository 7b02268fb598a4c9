package landingzone

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"infra/topology"
	"infra/topology/topologytest"
)

// The seeds' seven accounts: the management account is the organisation,
// the six members go to Security, Infrastructure and Workloads/<Env>.
func TestAWSOrgFromSeedAccounts(t *testing.T) {
	spec := topologytest.Load(t, "../examples/multicloud.yaml")
	o := Derive(spec).AWS
	if o == nil {
		t.Fatal("no AWS organisation")
	}
	var ous []string
	for _, u := range o.OUs {
		ous = append(ous, u.Path+"<"+u.Parent+">"+strings.Join(u.Guardrails, ","))
	}
	all := "allowed-regions,deny-public-buckets,deny-root-account,protect-security-services,require-encryption"
	want := []string{
		"Security<>" + all,
		"Infrastructure<>" + all,
		"Workloads<>" + all + ",require-tags",
		"Workloads/Dev<Workloads>",
		"Workloads/Staging<Workloads>",
		"Workloads/Prod<Workloads>",
	}
	if !slices.Equal(ous, want) {
		t.Errorf("OUs:\n got %q\nwant %q", ous, want)
	}
	src, err := os.ReadFile("../examples/multicloud.yaml")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	var accounts []string
	for _, a := range o.Accounts {
		accounts = append(accounts, a.Name+" "+a.Email+" "+a.OU+" "+a.Environment)
		// Each account points at its entry in landingZone.aws.accounts.
		if p := a.Pos; p.Line < 1 || p.Line > len(lines) || !strings.HasPrefix(lines[p.Line-1][p.Col-1:], a.Name) {
			t.Errorf("%s: position %s is not its entry", a.Name, p)
		}
	}
	wantAccounts := []string{
		"security aws+security@acme.example Security ",
		"log-archive aws+log-archive@acme.example Security ",
		"shared-services aws+shared-services@acme.example Infrastructure ",
		"dev aws+dev@acme.example Workloads/Dev dev",
		"staging aws+staging@acme.example Workloads/Staging staging",
		"prod aws+prod@acme.example Workloads/Prod prod",
	}
	if !slices.Equal(accounts, wantAccounts) {
		t.Errorf("accounts:\n got %q\nwant %q", accounts, wantAccounts)
	}
	if o.HomeRegion != "us-east-1" || o.LogArchive != "log-archive" || o.Trail != "acme-platform-org-trail" {
		t.Errorf("home %s, log archive %q, trail %s", o.HomeRegion, o.LogArchive, o.Trail)
	}
	if got := o.Targets(topology.GuardrailRequireTags); !slices.Equal(got, []string{"Workloads"}) {
		t.Errorf("require-tags targets %v", got)
	}
	if got := o.Targets(topology.GuardrailDenyRootAccount); !slices.Equal(got, []string{"Security", "Infrastructure", "Workloads"}) {
		t.Errorf("deny-root-account targets %v", got)
	}
	if a := o.EnvironmentAccount("staging"); a == nil || a.Name != "staging" {
		t.Errorf("staging account = %+v", a)
	}
	if got := o.Account("staging").RoleARN("aws", "111122223333"); got != "arn:aws:iam::111122223333:role/infra-deployer" {
		t.Errorf("RoleARN = %s", got)
	}
}

// Advisory guardrails attach no SCP; without a log-archive account the trail
// stays in the management account; with no AWS region the home region is
// the first allowed one.
func TestAWSOrgChoices(t *testing.T) {
	spec := topologytest.Parse(t, `name: acme
clouds:
  ibm:
    regions: [{region: us-south, environment: prod}]
landingZone:
  aws: {accounts: [audit, network, sandbox]}
  guardrails:
    - deny-root-account
    - require-encryption: {}
      enforcement: advisory
    - allowed-regions: {aws: [eu-west-1, eu-central-1]}
`)
	o := Derive(spec).AWS
	if o.HomeRegion != "eu-west-1" || o.LogArchive != "" {
		t.Errorf("home %s, log archive %q", o.HomeRegion, o.LogArchive)
	}
	if o.Account("audit").OU != SecurityOU || o.Account("network").OU != InfrastructureOU || o.Account("sandbox").OU != "Workloads/Sandbox" {
		t.Errorf("accounts %+v %+v %+v", o.Account("audit"), o.Account("network"), o.Account("sandbox"))
	}
	if g := o.OU(SecurityOU).Guardrails; !slices.Equal(g, []string{topology.GuardrailAllowedRegions, topology.GuardrailDenyRootAccount}) {
		t.Errorf("Security guardrails %v", g)
	}
	if !strings.Contains(strings.Join(o.Notes, "\n"), "no log-archive account is listed") {
		t.Errorf("notes %q", o.Notes)
	}
	if Derive(topologytest.Parse(t, "name: acme\nclouds:\n  aws:\n    regions: [{region: us-east-1, environment: prod}]\n")).AWS != nil {
		t.Error("an organisation without landingZone.aws")
	}
}

// IBM grants are scoped to the environment's resource group, and to the
// allowed regions when the guardrail is mandatory; Key Protect comes with
// require-encryption.
func TestIBMAccount(t *testing.T) {
	spec := topologytest.Parse(t, `name: acme
clouds:
  ibm:
    regions:
      - {region: us-south, environment: prod}
      - {region: eu-de, environment: prod}
      - {region: us-east, environment: dev}
landingZone:
  guardrails:
    - allowed-regions: {ibm: [us-south, eu-de, us-east]}
    - require-encryption
`)
	a := Derive(spec).IBM
	if len(a.Environments) != 2 {
		t.Fatalf("environments %d", len(a.Environments))
	}
	prod := a.Environments[0]
	if prod.Name != "prod" || prod.ResourceGroup != "acme-prod" || prod.AccessGroup != "acme-prod-deployers" ||
		!slices.Equal(prod.Regions, []string{"us-south", "eu-de"}) || prod.Pos.String() != "t.yaml:5:41" {
		t.Errorf("prod = %+v", prod)
	}
	var grants []string
	for _, g := range prod.Grants {
		grants = append(grants, strings.TrimSpace(strings.Join(g.Roles, "+")+" "+g.Attributes["resourceGroup"]+g.Attributes["resource"]+" "+
			g.Attributes["serviceName"]+" "+g.Attributes["region"]))
	}
	// Region-scoped grants for regional services; the cluster create's
	// Administrator, the gateway's IP spoofing and the global services
	// (CIS, transit) unscoped by region, which they do not have.
	want := []string{"Viewer acme-prod",
		"Editor+Manager acme-prod  us-south", "Editor+Manager acme-prod  eu-de", "Editor+Manager acme-prod  us-east",
		"Administrator acme-prod containers-kubernetes us-south", "Administrator acme-prod containers-kubernetes eu-de",
		"Administrator acme-prod containers-kubernetes us-east",
		"IPSpoofingOperator acme-prod is us-south", "IPSpoofingOperator acme-prod is eu-de", "IPSpoofingOperator acme-prod is us-east",
		"Editor+Manager acme-prod internet-svcs", "Editor acme-prod transit"}
	if !slices.Equal(grants, want) {
		t.Errorf("grants:\n got %q\nwant %q", grants, want)
	}
	if kp := prod.KeyProtect; kp == nil || kp.Region != "us-south" || kp.Instance != "acme-prod-kms" || kp.RootKey != "acme-prod-cluster-secrets" {
		t.Errorf("Key Protect = %+v", kp)
	}
	// Without the guardrails: unscoped grants, no Key Protect.
	a = Derive(topologytest.Parse(t, "name: acme\nclouds:\n  ibm:\n    regions: [{region: us-south, environment: prod}]\n")).IBM
	if e := a.Environments[0]; len(e.Grants) != 4 || e.Grants[1].Attributes["region"] != "" || e.KeyProtect != nil ||
		e.ServiceID != "acme-prod-deployer" {
		t.Errorf("plain environment = %+v", e)
	}
}

// OVH has one identity group per environment; Hetzner has only projects,
// and the model says nothing exists at organisation level there.
func TestOVHAndHetzner(t *testing.T) {
	spec := topologytest.Parse(t, `name: acme
clouds:
  hetzner:
    regions:
      - {region: nbg1, environment: prod}
      - {region: fsn1, environment: prod}
      - {region: hel1, environment: dev}
  ovh:
    project: abc123
    regions:
      - {region: GRA11, environment: prod}
`)
	m := Derive(spec)
	if m.AWS != nil || m.IBM != nil {
		t.Errorf("unexpected clouds: %+v", m)
	}
	if m.OVH.Project != "abc123" || len(m.OVH.Groups) != 1 || m.OVH.Groups[0].Name != "acme-prod" || m.OVH.Groups[0].Policy != "acme-prod-deployers" {
		t.Errorf("OVH = %+v", m.OVH)
	}
	var projects []string
	for _, p := range m.Hetzner.Projects {
		projects = append(projects, p.Name+" "+strings.Join(p.Locations, ","))
	}
	if !slices.Equal(projects, []string{"acme-prod nbg1,fsn1", "acme-dev hel1"}) {
		t.Errorf("projects %q", projects)
	}
	if !strings.HasPrefix(m.Hetzner.Notes[0], "Hetzner Cloud has no organisation level") {
		t.Errorf("notes %q", m.Hetzner.Notes)
	}
}

// TestOVHUnset: a deployment needs the OVH project and vRack from the spec
// or the environment; each one missing is an error at clouds.ovh, and a
// spec without OVH needs neither.
func TestOVHUnset(t *testing.T) {
	const ovhSpec = `name: p
clouds:
  ovh:
%s    regions:
      - {region: GRA11, environment: prod, cidr: 10.30.0.0/16, cluster: {flavor: b3-8, nodes: 3}}
`
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name, settings string
		getenv         func(string) string
		want           []string // rules
	}{
		{"nothing set", "", env(), []string{"topology/ovh-project", "topology/ovh-vrack"}},
		{"environment", "", env(OVHProjectEnv, "abc", OVHVrackEnv, "pn-1"), nil},
		{"spec", "    project: abc\n    vrack: pn-1\n", env(), nil},
		{"project only", "    project: abc\n", env(), []string{"topology/ovh-vrack"}},
		{"vrack from the environment", "    project: abc\n", env(OVHVrackEnv, "pn-1"), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds := OVHUnset(topologytest.Parse(t, fmt.Sprintf(ovhSpec, tc.settings)), tc.getenv)
			var got []string
			for _, d := range ds {
				if d.Severity != topology.Error || d.Pos.Line != 4 {
					t.Errorf("%s: severity %v at line %d, want an error at clouds.ovh's mapping (line 4)", d.Rule, d.Severity, d.Pos.Line)
				}
				got = append(got, d.Rule)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("rules = %v, want %v", got, tc.want)
			}
		})
	}
	if ds := OVHUnset(topologytest.Parse(t, "name: p\nclouds:\n  hetzner:\n    regions:\n      - {region: nbg1, environment: prod, cidr: 10.20.0.0/16, cluster: {serverType: cx23, workers: 1, apiAccess: [203.0.113.0/24]}}\n"), env()); ds != nil {
		t.Errorf("a spec without OVH: %v", ds)
	}
}

// The account quota counts the management account with the members.
func TestAccountsNeededCountsTheManagementAccount(t *testing.T) {
	spec := topologytest.Load(t, "../examples/multicloud.yaml")
	o := Derive(spec).AWS
	if n := o.AccountsNeeded(); n != 7 || n > DefaultAccountQuota {
		t.Errorf("multicloud needs %d accounts, want 7 (six members and the management account) within %d", n, DefaultAccountQuota)
	}
	if got := o.CreatedDeployRoles(); len(got) != 1 || got[0] != DeployRole {
		t.Errorf("created deploy roles %v, want [%s]", got, DeployRole)
	}
	if got := o.PipelineRoleARN("aws", "123456789012"); got != "" {
		t.Errorf("no pipelineRole: %q, want the caller's (empty)", got)
	}
	o.PipelineRole = "aws-reserved/ci/infra-pipeline"
	if got := o.PipelineRoleARN("aws", "123456789012"); got != "arn:aws:iam::123456789012:role/aws-reserved/ci/infra-pipeline" {
		t.Errorf("pipeline ARN %q", got)
	}
	if got := o.TrailBucketName("123456789012"); got != "acme-platform-org-trail-123456789012" || len(got) > 63 {
		t.Errorf("trail bucket %q", got)
	}
}
