package aws_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/policies"
	awsstack "infra/stacks/aws"
	"infra/topology"
)

// orgMocks answer as a management account that already runs an
// organization: trusted services and policy types of its own, and members.
type orgMocks struct {
	mu         sync.Mutex
	registered map[string]pulumi.MockResourceArgs
}

func (m *orgMocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	m.registered[args.Name] = args
	m.mu.Unlock()
	id := args.ID
	if id == "" {
		id = args.Name + "-id"
	}
	out := args.Inputs.Copy()
	switch args.TypeToken {
	case "aws:organizations/organization:Organization":
		out["arn"] = resource.NewProperty("arn:aws:organizations::999988887777:organization/" + id)
		out["roots"] = resource.NewProperty([]resource.PropertyValue{resource.NewProperty(resource.PropertyMap{"id": resource.NewProperty("r-ab12")})})
	case "aws:organizations/account:Account":
		if args.ID == "" {
			id = "444455556666"
		}
	}
	return id, out, nil
}

func (m *orgMocks) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	switch args.Token {
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{"accountId": "999988887777", "arn": "arn:aws:iam::999988887777:user/t", "userId": "AIDA"}), nil
	case "aws:iam/getSessionContext:getSessionContext":
		return resource.NewPropertyMapFromMap(map[string]any{"arn": args.Args["arn"].StringValue(), "issuerArn": args.Args["arn"].StringValue()}), nil
	case "aws:organizations/getOrganization:getOrganization":
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": "o-existing123", "featureSet": "ALL", "masterAccountId": "999988887777",
			"awsServiceAccessPrincipals": []any{"sso.amazonaws.com", "config.amazonaws.com", "cloudtrail.amazonaws.com"},
			"enabledPolicyTypes":         []any{"TAG_POLICY"},
			"accounts": []any{
				map[string]any{"id": "999988887777", "email": "root@acme.example", "name": "management"},
				map[string]any{"id": "222233334444", "email": "Ops+Staging@acme.example", "name": "Staging Workloads"},
			},
		}), nil
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		return resource.NewPropertyMapFromMap(map[string]any{
			"names": []any{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"}, "zoneIds": []any{"use1-az1", "use1-az2", "use1-az3", "use1-az4"},
		}), nil
	}
	return nil, fmt.Errorf("no mock for %s", args.Token)
}

const adopting = `name: t
tags: {Owner: me}
clouds:
  aws:
    regions:
      - {region: eu-west-1, environment: prod}
      - {region: eu-west-1, environment: staging}
landingZone:
  aws:
    organization: existing
    accounts:
      - {name: prod, id: "111122223333", role: PlatformDeploy}
      - {name: staging, existing: true, email: ops+staging@acme.example}
      - log-archive
  guardrails: [deny-root-account]
`

func runLandingZone(t *testing.T, src string, m *orgMocks) error {
	t.Helper()
	spec, diags, err := topology.Parse("t.yaml", []byte(src))
	if err != nil || diags.HasErrors() {
		t.Fatalf("%v %v", err, diags)
	}
	org := landingzone.Derive(spec).AWS
	scps := policies.SCPs(spec, policies.SCPOptions{Targets: org.Targets, DeployRoles: []string{landingzone.DeployRole}})
	return pulumi.RunErr(func(ctx *pulumi.Context) error {
		return awsstack.LandingZone(ctx, awsstack.LandingZoneArgs{Spec: spec, Org: org, SCPs: scps})
	}, pulumi.WithMocks("t", "landingzone-aws", m))
}

// Adopting imports the organization and the existing accounts, keeps what
// the organization has enabled, adds what infra needs, and never deletes
// any of them.
func TestLandingZoneAdoptsTheExistingOrganization(t *testing.T) {
	m := &orgMocks{registered: map[string]pulumi.MockResourceArgs{}}
	if err := runLandingZone(t, adopting, m); err != nil {
		t.Fatal(err)
	}
	org := m.registered["landingzone-aws-organization"]
	if org.RegisterRPC.GetImportId() != "o-existing123" || !org.RegisterRPC.GetRetainOnDelete() {
		t.Errorf("organization import %q retain %v, want o-existing123 retained", org.RegisterRPC.GetImportId(), org.RegisterRPC.GetRetainOnDelete())
	}
	strs := func(v resource.PropertyValue) []string {
		var out []string
		for _, e := range v.ArrayValue() {
			out = append(out, e.StringValue())
		}
		return out
	}
	if got := strs(org.Inputs["awsServiceAccessPrincipals"]); !slices.Equal(got, []string{"cloudtrail.amazonaws.com", "config-multiaccountsetup.amazonaws.com", "config.amazonaws.com", "guardduty.amazonaws.com", "iam.amazonaws.com", "ram.amazonaws.com", "securityhub.amazonaws.com", "sso.amazonaws.com"}) {
		t.Errorf("trusted services %v: want the existing ones kept and GuardDuty, IAM, RAM and Security Hub added", got)
	}
	if got := strs(org.Inputs["enabledPolicyTypes"]); !slices.Equal(got, []string{"RESOURCE_CONTROL_POLICY", "SERVICE_CONTROL_POLICY", "TAG_POLICY"}) {
		t.Errorf("policy types %v: want TAG_POLICY kept and SCPs and RCPs added", got)
	}

	for name, want := range map[string]string{"prod": "111122223333", "staging": "222233334444", "log-archive": ""} {
		a := m.registered["landingzone-aws-account-"+name].RegisterRPC
		if a.GetImportId() != want {
			t.Errorf("account %s imports %q, want %q", name, a.GetImportId(), want)
		}
		if !a.GetRetainOnDelete() {
			t.Errorf("account %s is deleted on destroy", name)
		}
		ignored := a.GetIgnoreChanges()
		if want != "" && (!slices.Contains(ignored, "roleName") || !slices.Contains(ignored, "email")) {
			t.Errorf("adopted account %s ignores %v: roleName and email cannot change without replacing it", name, ignored)
		}
		if _, set := m.registered["landingzone-aws-account-"+name].Inputs["roleName"]; set == (want != "") {
			t.Errorf("account %s: roleName set %v, want only on accounts infra creates", name, set)
		}
	}
	if got := m.registered["landingzone-aws-ram-sharing"].TypeToken; got != "aws:ram/sharingWithOrganization:SharingWithOrganization" {
		t.Errorf("no RAM sharing with the organization (%q)", got)
	}
	// The log-archive account is reached through its own role.
	prov := m.registered["landingzone-aws-provider-log-archive"].Inputs
	if role := prov["assumeRole"].ObjectValue()["roleArn"]; !strings.HasSuffix(fmt.Sprint(role.V), ":role/infra-deployer") {
		t.Errorf("log-archive provider assumes %v", role)
	}
}

// The organization read from the account must be the one the spec names,
// with all features; an account adopted by e-mail must be in it.
func TestLandingZoneRefusesAnOrganizationItCannotAdopt(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"other organization": {strings.Replace(adopting, "organization: existing", "organization: existing\n    organizationId: o-someoneelse1", 1), "organization o-existing123"},
		"unknown e-mail":     {strings.Replace(adopting, "ops+staging@", "nobody@", 1), "no account with the e-mail address nobody@acme.example: give its id"},
	} {
		t.Run(name, func(t *testing.T) {
			err := runLandingZone(t, tc.src, &orgMocks{registered: map[string]pulumi.MockResourceArgs{}})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "t.yaml:") {
				t.Errorf("error %v, want one at the spec naming %q", err, tc.want)
			}
		})
	}
}

// CloudTrail's key policy has the three sections its guide requires:
// DescribeKey conditioned on the trail only (the call carries no encryption
// context), GenerateDataKey* with the context, and Decrypt for the S3
// Bucket Key.
func TestTrailKeyPolicyHasCloudTrailSections(t *testing.T) {
	m := &orgMocks{registered: map[string]pulumi.MockResourceArgs{}}
	if err := runLandingZone(t, adopting, m); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Sid       string
			Action    any
			Principal map[string]string
			Condition map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(m.registered["landingzone-aws-trail-key"].Inputs["policy"].StringValue()), &doc); err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, s := range doc.Statement {
		if s.Principal["Service"] != "cloudtrail.amazonaws.com" {
			continue
		}
		action := fmt.Sprint(s.Action)
		found[action] = true
		if s.Condition["StringEquals"]["aws:SourceArn"] == "" {
			t.Errorf("%s: %s not limited to the trail", s.Sid, action)
		}
		_, context := s.Condition["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"]
		if action == "kms:DescribeKey" && context {
			t.Errorf("%s: DescribeKey carries no encryption context, so a condition on it never matches", s.Sid)
		}
		if action == "kms:GenerateDataKey*" && !context {
			t.Errorf("%s: GenerateDataKey* without the trail's encryption context", s.Sid)
		}
	}
	for _, a := range []string{"kms:DescribeKey", "kms:GenerateDataKey*", "kms:Decrypt"} {
		if !found[a] {
			t.Errorf("no statement allows CloudTrail %s (have %v)", a, found)
		}
	}
}

// destroy must not disable EBS default encryption: the require-encryption
// SCP denies it, so the resource is left in place.
func TestEBSDefaultEncryptionOutlivesDestroy(t *testing.T) {
	spec, g, _ := planOf(t)
	r := spec.Clouds.AWS.Regions[0]
	m := &orgMocks{registered: map[string]pulumi.MockResourceArgs{}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		return awsstack.Regional(ctx, awsstack.RegionalArgs{Spec: spec, Region: r, Net: g.Net.Region(r.ID())})
	}, pulumi.WithMocks("t", r.ID(), m))
	if err != nil {
		t.Fatal(err)
	}
	ebs := m.registered[r.ID()+"-ebs-encryption"]
	if ebs.TypeToken != "aws:ebs/encryptionByDefault:EncryptionByDefault" || !ebs.RegisterRPC.GetRetainOnDelete() {
		t.Errorf("%s (%s) is deleted on destroy", r.ID()+"-ebs-encryption", ebs.TypeToken)
	}
}

// Each account infra creates is probed before use, in the regions whose
// stacks deploy into it: the environment's AWS regions, none for an account
// no regional stack uses. Adopted accounts are not probed.
func TestNewAccountsAreProbedWhereTheyDeploy(t *testing.T) {
	// adopting, with prod new and deployed to two regions
	src := strings.NewReplacer(
		"      - {region: eu-west-1, environment: prod}\n", "      - {region: us-east-1, environment: prod}\n      - {region: eu-west-1, environment: prod}\n",
		`{name: prod, id: "111122223333", role: PlatformDeploy}`, "prod",
	).Replace(adopting)
	m := &orgMocks{registered: map[string]pulumi.MockResourceArgs{}}
	if err := runLandingZone(t, src, m); err != nil {
		t.Fatal(err)
	}
	for account, want := range map[string][]string{"prod": {"eu-west-1", "us-east-1"}, "log-archive": nil} {
		r, ok := m.registered["landingzone-aws-account-ready-"+account]
		if !ok || r.TypeToken != awsstack.AccountReadyType {
			t.Errorf("account %s is not probed", account)
			continue
		}
		var got []string
		if v, set := r.Inputs["regions"]; set {
			for _, e := range v.ArrayValue() {
				got = append(got, e.StringValue())
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("account %s probed in %v, want %v", account, got, want)
		}
		if r.Inputs["region"].StringValue() != "us-east-1" {
			t.Errorf("account %s: home region %v", account, r.Inputs["region"])
		}
	}
	if _, ok := m.registered["landingzone-aws-account-ready-staging"]; ok {
		t.Error("the adopted account staging is probed")
	}
}
