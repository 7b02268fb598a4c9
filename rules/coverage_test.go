package rules

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// Cloud packages whose types the rules must cover: the bridged providers'
// type tokens start with these. infra:* (the project's own, IBM included:
// they call the SDKs, see the ibm objects) and pulumi:* (providers, stacks)
// are not provider resources.
var coveredPackages = []string{"aws:", "hcloud:", "ovh:"}

// uncoveredKnown are types the golden plans use that neither the reference
// nor additions.json covers yet (issue 13): the reference was trimmed before
// the stacks used them. It is empty now; the list may only shrink: the test fails when one of
// them gains rules (drop it here) or leaves the plans, and fails on any other
// uncovered type. Add a new type to additions.json, not here.
var uncoveredKnown = map[string]bool{}

// goldenTypes reads every resource type of every golden plan, with the plans
// that use it.
func goldenTypes(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "golden", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden plans in ../golden: %v", err)
	}
	used := map[string][]string{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Stacks []struct {
				Resources []struct {
					Type string `json:"type"`
				} `json:"resources"`
			} `json:"stacks"`
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		seen := map[string]bool{}
		for _, s := range p.Stacks {
			for _, r := range s.Resources {
				if r.Type == "" {
					t.Fatalf("%s: a resource without a type", f)
				}
				if !seen[r.Type] {
					seen[r.Type] = true
					used[r.Type] = append(used[r.Type], filepath.Base(f))
				}
			}
		}
	}
	return used
}

// Every cloud resource type the golden plans use has rules (force-new paths,
// constraints, import id) and a schema, from the reference or additions.json,
// and every infra:ibm type its IBM object, from the reference or
// corrections.json: without them the plan and the simulator would never
// replace it nor check its inputs.
func TestGoldenTypesHaveRules(t *testing.T) {
	d, err := decode()
	if err != nil {
		t.Fatal(err)
	}
	used := goldenTypes(t)
	var missing []string
	for typ, plans := range used {
		if strings.HasPrefix(typ, "infra:ibm:") && d.ibmObject(typ) == nil {
			t.Errorf("no IBM object for %s (in %s): add it to rules/data/corrections.json (\"added\": true) with its sources", typ, strings.Join(plans, ", "))
		}
		if !hasAnyPrefix(typ, coveredPackages) {
			continue
		}
		covered := d.resources[typ] != nil && d.schemaRes[typ] != nil
		switch {
		case covered && uncoveredKnown[typ]:
			t.Errorf("%s now has rules and a schema: drop it from uncoveredKnown", typ)
		case !covered && !uncoveredKnown[typ]:
			missing = append(missing, typ+" (rules "+yesNo(d.resources[typ] != nil)+", schema "+yesNo(d.schemaRes[typ] != nil)+"; in "+strings.Join(plans, ", ")+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no rules for %s: add it to rules/data/additions.json with its sources", m)
	}
	for typ := range uncoveredKnown {
		if used[typ] == nil {
			t.Errorf("%s is in uncoveredKnown but no golden plan uses it: drop it", typ)
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// The Auto Scaling attachment (additions.json): every argument forces a new
// attachment, exactly one of elb and lbTargetGroupArn is set, and the group
// name is required (terraform-provider-aws attachment.go:32-47).
func TestAutoscalingAttachment(t *testing.T) {
	const typ = "aws:autoscaling/attachment:Attachment"
	for _, p := range []string{"autoscalingGroupName", "elb", "lbTargetGroupArn"} {
		if r, because, _ := ForceNew(typ, []string{p}); !r || len(because) != 1 || because[0] != p {
			t.Errorf("%s: replace %v because %v, want a replacement", p, r, because)
		}
	}
	old := map[string]any{"autoscalingGroupName": "eks-nodes-a", "lbTargetGroupArn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg/1"}
	if r, because, _ := Replace(typ, old, with(old, "autoscalingGroupName", "eks-nodes-b")); !r || len(because) != 1 || because[0] != "autoscalingGroupName" {
		t.Errorf("a new node group: replace %v because %v, want a replacement", r, because)
	}
	if r, _, _ := Replace(typ, old, old); r {
		t.Error("no change replaces")
	}
	if vs := Check(typ, old); len(vs) != 0 {
		t.Fatalf("valid attachment fails: %v", vs)
	}
	for name, tc := range map[string]struct {
		inputs   map[string]any
		property string
		rule     string
	}{
		"both targets":  {with(old, "elb", "classic"), "elb", "exactlyOneOf"},
		"no target":     {map[string]any{"autoscalingGroupName": "eks-nodes-a"}, "elb", "exactlyOneOf"},
		"no group":      {map[string]any{"elb": "classic"}, "autoscalingGroupName", RuleRequired},
		"unknown input": {with(old, "tags", map[string]any{"a": "b"}), "tags", RuleUnknownProperty},
	} {
		wantError(t, name, typ, tc.inputs, tc.property, tc.rule)
	}
}

// The log group and the inline role policy (additions.json): a new name,
// class or role replaces, a new policy or retention updates in place, and
// retention takes only the days CloudWatch Logs offers.
func TestLogGroupAndRolePolicy(t *testing.T) {
	const (
		logGroup   = "aws:cloudwatch/logGroup:LogGroup"
		rolePolicy = "aws:iam/rolePolicy:RolePolicy"
	)
	wantForceNew(t, []forceNewCase{
		{logGroup, "name", true}, {logGroup, "namePrefix", true}, {logGroup, "logGroupClass", true},
		{logGroup, "retentionInDays", false}, {logGroup, "kmsKeyId", false}, {logGroup, "tags.Owner", false},
		{rolePolicy, "name", true}, {rolePolicy, "role", true}, {rolePolicy, "policy", false},
	})
	group := map[string]any{"name": "/infra/flow-logs", "retentionInDays": 90.0, "tags": map[string]any{"Owner": "me"}}
	if vs := Check(logGroup, group); len(vs) != 0 {
		t.Fatalf("valid log group fails: %v", vs)
	}
	// The program names the group itself: the provider deletes it first.
	if r, because, dbr := Replace(logGroup, group, with(group, "name", "/infra/other")); !r || len(because) != 1 || because[0] != "name" || !dbr {
		t.Errorf("a renamed log group: replace %v because %v, delete first %v", r, because, dbr)
	}
	policy := map[string]any{"role": "flow-logs", "policy": `{"Version":"2012-10-17","Statement":[]}`}
	if vs := Check(rolePolicy, policy); len(vs) != 0 {
		t.Fatalf("valid role policy fails: %v", vs)
	}
	wantErrors(t, map[string]errorCase{
		"retention of 2 days": {logGroup, with(group, "retentionInDays", 2.0), "retentionInDays", "oneOf"},
		"unknown class":       {logGroup, with(group, "logGroupClass", "COLD"), "logGroupClass", "oneOf"},
		"name and prefix":     {logGroup, with(group, "namePrefix", "/infra/"), "name", "conflictsWith"},
		"no role":             {rolePolicy, map[string]any{"policy": policy["policy"]}, "role", RuleRequired},
	})
}

// The organization-wide designations and the account's S3 public access
// block (additions.json): the account they name is fixed at create, and it
// must be a 12-digit account ID.
func TestOrganizationAdditions(t *testing.T) {
	for _, tc := range []struct {
		typ, account string
		inputs       map[string]any
		updatable    string
	}{
		{"aws:organizations/delegatedAdministrator:DelegatedAdministrator", "accountId", map[string]any{"accountId": "123456789012", "servicePrincipal": "config.amazonaws.com"}, ""},
		{"aws:guardduty/organizationAdminAccount:OrganizationAdminAccount", "adminAccountId", map[string]any{"adminAccountId": "123456789012"}, ""},
		{"aws:securityhub/organizationAdminAccount:OrganizationAdminAccount", "adminAccountId", map[string]any{"adminAccountId": "123456789012"}, ""},
		{"aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "accountId", map[string]any{"accountId": "123456789012", "blockPublicAcls": true}, "blockPublicAcls"},
	} {
		if vs := Check(tc.typ, tc.inputs); len(vs) != 0 {
			t.Errorf("%s: valid inputs fail: %v", tc.typ, vs)
		}
		if r, _, _ := ForceNew(tc.typ, []string{tc.account}); !r {
			t.Errorf("%s: a new %s updates in place", tc.typ, tc.account)
		}
		if tc.updatable != "" {
			if r, _, _ := ForceNew(tc.typ, []string{tc.updatable}); r {
				t.Errorf("%s: a new %s replaces", tc.typ, tc.updatable)
			}
		}
		wantError(t, "an account id that is no account id", tc.typ, with(tc.inputs, tc.account, "security"), tc.account, "format")
	}
}

// The organization's IAM root access features (additions.json) update in
// place and take only the two features IAM has.
func TestOrganizationsFeatures(t *testing.T) {
	const typ = "aws:iam/organizationsFeatures:OrganizationsFeatures"
	ok := map[string]any{"enabledFeatures": []any{"RootCredentialsManagement", "RootSessions"}}
	if vs := Check(typ, ok); len(vs) != 0 {
		t.Fatalf("valid features fail: %v", vs)
	}
	if r, _, _ := ForceNew(typ, []string{"enabledFeatures"}); r {
		t.Error("a new feature list replaces")
	}
	wantError(t, "an unknown feature", typ, map[string]any{"enabledFeatures": []any{"RootSessions", "RootPasswords"}}, "enabledFeatures[1]", "oneOf")
}

// An EKS add-on (additions.json) is replaced for another add-on or cluster
// only; PRESERVE is no answer to conflicts at create.
func TestEKSAddon(t *testing.T) {
	const typ = "aws:eks/addon:Addon"
	for path, replace := range map[string]bool{
		"addonName": true, "clusterName": true, "addonVersion": false,
		"podIdentityAssociations[0].roleArn": false, "resolveConflictsOnUpdate": false,
	} {
		if r, _, _ := ForceNew(typ, []string{path}); r != replace {
			t.Errorf("%s: replace %v, want %v", path, r, replace)
		}
	}
	addon := map[string]any{
		"addonName": "vpc-cni", "clusterName": "hello", "addonVersion": "v1.19.2-eksbuild.1",
		"resolveConflictsOnCreate": "OVERWRITE", "resolveConflictsOnUpdate": "PRESERVE",
		"podIdentityAssociations": []any{map[string]any{"roleArn": "arn:aws:iam::123456789012:role/cni", "serviceAccount": "aws-node"}},
	}
	if vs := Check(typ, addon); len(vs) != 0 {
		t.Fatalf("valid add-on fails: %v", vs)
	}
	for name, tc := range map[string]struct {
		inputs         map[string]any
		property, rule string
	}{
		"preserve at create": {with(addon, "resolveConflictsOnCreate", "PRESERVE"), "resolveConflictsOnCreate", "oneOf"},
		"version without v":  {with(addon, "addonVersion", "1.19.2"), "addonVersion", "pattern"},
	} {
		wantError(t, name, typ, tc.inputs, tc.property, tc.rule)
	}
}

// A VPC flow log (additions.json) changes only its tags in place; it logs
// exactly one source, at one of the two aggregation intervals.
func TestFlowLog(t *testing.T) {
	const typ = "aws:ec2/flowLog:FlowLog"
	for path, replace := range map[string]bool{
		"trafficType": true, "logDestination": true, "vpcId": true, "destinationOptions.fileFormat": true, "tags.Owner": false,
	} {
		if r, _, _ := ForceNew(typ, []string{path}); r != replace {
			t.Errorf("%s: replace %v, want %v", path, r, replace)
		}
	}
	flow := map[string]any{
		"vpcId": "vpc-1", "trafficType": "ALL", "logDestinationType": "cloud-watch-logs",
		"logDestination": "arn:aws:logs:eu-west-1:123456789012:log-group:/infra/flow-logs",
		"iamRoleArn":     "arn:aws:iam::123456789012:role/flow-logs",
	}
	if vs := Check(typ, flow); len(vs) != 0 {
		t.Fatalf("valid flow log fails: %v", vs)
	}
	for name, tc := range map[string]struct {
		inputs         map[string]any
		property, rule string
	}{
		"two sources":     {with(flow, "subnetId", "subnet-1"), "vpcId", "exactlyOneOf"},
		"5 minute window": {with(flow, "maxAggregationInterval", 300.0), "maxAggregationInterval", "oneOf"},
		"unknown traffic": {with(flow, "trafficType", "DROPPED"), "trafficType", "oneOf"},
	} {
		wantError(t, name, typ, tc.inputs, tc.property, tc.rule)
	}
}

// A security group ingress rule (additions.json) moves to another group only
// by replacement and is edited in place otherwise; it has one source.
func TestSecurityGroupIngressRule(t *testing.T) {
	const typ = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	for path, replace := range map[string]bool{"securityGroupId": true, "cidrIpv4": false, "fromPort": false, "description": false} {
		if r, _, _ := ForceNew(typ, []string{path}); r != replace {
			t.Errorf("%s: replace %v, want %v", path, r, replace)
		}
	}
	rule := map[string]any{"securityGroupId": "sg-1", "ipProtocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrIpv4": "10.0.0.0/16"}
	if vs := Check(typ, rule); len(vs) != 0 {
		t.Fatalf("valid rule fails: %v", vs)
	}
	for name, tc := range map[string]struct {
		inputs         map[string]any
		property, rule string
	}{
		"two sources":    {with(rule, "referencedSecurityGroupId", "sg-2"), "cidrIpv4", "exactlyOneOf"},
		"host bits set":  {with(rule, "cidrIpv4", "10.0.0.1/16"), "cidrIpv4", "format"},
		"port too large": {with(rule, "toPort", 70000.0), "toPort", "range"},
		"no group":       {map[string]any{"ipProtocol": "-1", "cidrIpv4": "10.0.0.0/16"}, "securityGroupId", RuleRequired},
	} {
		wantError(t, name, typ, tc.inputs, tc.property, tc.rule)
	}
}

// EKS access entries and access policy associations (additions.json): an
// entry keeps its cluster, principal and type and edits its groups in place;
// an association has no update, so any change replaces it.
func TestEKSAccess(t *testing.T) {
	const (
		entry = "aws:eks/accessEntry:AccessEntry"
		assoc = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
	)
	wantForceNew(t, []forceNewCase{
		{entry, "principalArn", true}, {entry, "type", true}, {entry, "kubernetesGroups", false}, {entry, "userName", false},
		{assoc, "accessScope.namespaces", true}, {assoc, "policyArn", true}, {assoc, "clusterName", true},
	})
	a := map[string]any{
		"clusterName": "hello", "accessScope": map[string]any{"type": "cluster"},
		"policyArn":    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
		"principalArn": "arn:aws:iam::123456789012:role/admin",
	}
	if vs := Check(assoc, a); len(vs) != 0 {
		t.Fatalf("valid association fails: %v", vs)
	}
	wantError(t, "an access scope of type account", assoc, with(a, "accessScope", map[string]any{"type": "account"}), "accessScope.type", "oneOf")
	if vs := Check(entry, map[string]any{"clusterName": "hello", "principalArn": "admin"}); len(vs) == 0 {
		t.Error("an access entry whose principal is no ARN passes")
	}
}

// A VPC endpoint (additions.json) keeps its VPC, service and type; its
// subnets, route tables and security groups change in place.
func TestVPCEndpoint(t *testing.T) {
	const typ = "aws:ec2/vpcEndpoint:VpcEndpoint"
	for path, replace := range map[string]bool{
		"vpcId": true, "serviceName": true, "vpcEndpointType": true,
		"subnetIds": false, "routeTableIds": false, "securityGroupIds": false, "privateDnsEnabled": false,
	} {
		if r, _, _ := ForceNew(typ, []string{path}); r != replace {
			t.Errorf("%s: replace %v, want %v", path, r, replace)
		}
	}
	ep := map[string]any{"vpcId": "vpc-1", "serviceName": "com.amazonaws.eu-west-1.s3", "vpcEndpointType": "Gateway", "routeTableIds": []any{"rtb-1"}}
	if vs := Check(typ, ep); len(vs) != 0 {
		t.Fatalf("valid endpoint fails: %v", vs)
	}
	wantError(t, "a lower-case endpoint type", typ, with(ep, "vpcEndpointType", "gateway"), "vpcEndpointType", "oneOf")
}

// Security Hub (additions.json): switching the default standards on or off
// re-enables the hub, the organization configuration changes in place.
func TestSecurityHub(t *testing.T) {
	const (
		account = "aws:securityhub/account:Account"
		org     = "aws:securityhub/organizationConfiguration:OrganizationConfiguration"
	)
	wantForceNew(t, []forceNewCase{
		{account, "enableDefaultStandards", true}, {account, "autoEnableControls", false},
		{org, "autoEnable", false}, {org, "organizationConfiguration.configurationType", false},
	})
	central := map[string]any{"autoEnable": false, "autoEnableStandards": "NONE", "organizationConfiguration": map[string]any{"configurationType": "CENTRAL"}}
	if vs := Check(org, central); len(vs) != 0 {
		t.Fatalf("valid organization configuration fails: %v", vs)
	}
	wantError(t, "a GLOBAL configuration type", org, with(central, "organizationConfiguration", map[string]any{"configurationType": "GLOBAL"}), "organizationConfiguration.configurationType", "oneOf")
}

// An AWS Config delivery channel (additions.json) is recreated for a new
// name only, and delivers snapshots at the frequencies Config offers.
func TestConfigDeliveryChannel(t *testing.T) {
	const typ = "aws:cfg/deliveryChannel:DeliveryChannel"
	if r, _, _ := ForceNew(typ, []string{"name"}); !r {
		t.Error("a renamed channel updates in place")
	}
	if r, _, _ := ForceNew(typ, []string{"s3BucketName"}); r {
		t.Error("a new bucket replaces the channel")
	}
	ch := map[string]any{"name": "default", "s3BucketName": "logs", "snapshotDeliveryProperties": map[string]any{"deliveryFrequency": "Six_Hours"}}
	if vs := Check(typ, ch); len(vs) != 0 {
		t.Fatalf("valid channel fails: %v", vs)
	}
	if vs := Check(typ, with(ch, "snapshotDeliveryProperties", map[string]any{"deliveryFrequency": "Two_Hours"})); len(vs) == 0 {
		t.Error("a two-hour snapshot frequency passes")
	}
}

// Starting or stopping the AWS Config recorder (additions.json) is an update.
func TestConfigRecorderStatus(t *testing.T) {
	const typ = "aws:cfg/recorderStatus:RecorderStatus"
	if r, _, _ := ForceNew(typ, []string{"isEnabled"}); r {
		t.Error("stopping the recorder replaces its status")
	}
	if vs := Check(typ, map[string]any{"name": "default"}); len(vs) == 0 {
		t.Error("a recorder status without isEnabled passes")
	}
}

// Every addition says where its facts come from: the rules entry, each of its
// constraints, its import id, and the schema package it was copied from.
func TestAdditionsCiteSources(t *testing.T) {
	raw, err := data.ReadFile("data/additions.json")
	if err != nil {
		t.Fatal(err)
	}
	var af struct {
		Resources map[string]struct {
			resourceRules
			ImportIDSource string `json:"importIdSource"`
		} `json:"resources"`
		Schemas map[string]struct {
			Source    string                     `json:"source"`
			Resources map[string]json.RawMessage `json:"resources"`
		} `json:"schemas"`
	}
	if err := json.Unmarshal(raw, &af); err != nil {
		t.Fatal(err)
	}
	if len(af.Resources) == 0 || len(af.Schemas) == 0 {
		t.Fatalf("additions.json: %d resources, %d schema packages", len(af.Resources), len(af.Schemas))
	}
	inSchema := map[string]bool{}
	for pkg, s := range af.Schemas {
		if s.Source == "" {
			t.Errorf("schemas.%s has no source", pkg)
		}
		for typ := range s.Resources {
			inSchema[typ] = true
		}
	}
	for typ, r := range af.Resources {
		if r.Source == "" || r.ImportIDSource == "" || r.TerraformResource == "" {
			t.Errorf("%s: source %q, importIdSource %q, terraformResource %q", typ, r.Source, r.ImportIDSource, r.TerraformResource)
		}
		for _, k := range r.Constraints {
			if k.Source == "" {
				t.Errorf("%s: the %s rule on %s has no source", typ, k.Rule, k.Property)
			}
		}
		if !inSchema[typ] {
			t.Errorf("%s has rules but no schema entry in additions.json", typ)
		}
	}
}

// forceNewCase says whether changing one input path replaces a resource.
type forceNewCase struct {
	typ, path string
	replace   bool
}

// wantForceNew fails on each case ForceNew answers otherwise.
func wantForceNew(t *testing.T, cases []forceNewCase) {
	t.Helper()
	for _, tc := range cases {
		if r, _, _ := ForceNew(tc.typ, []string{tc.path}); r != tc.replace {
			t.Errorf("%s %s: replace %v, want %v", tc.typ, tc.path, r, tc.replace)
		}
	}
}

// errorCase is inputs that must fail one rule on one property.
type errorCase struct {
	typ            string
	inputs         map[string]any
	property, rule string
}

// wantErrors runs wantError over named cases.
func wantErrors(t *testing.T, cases map[string]errorCase) {
	t.Helper()
	for name, tc := range cases {
		wantError(t, name, tc.typ, tc.inputs, tc.property, tc.rule)
	}
}

// wantError fails unless Check reports an error with its source, of the
// given rule, on the given property.
func wantError(t *testing.T, name, typ string, inputs map[string]any, property, rule string) {
	t.Helper()
	vs := Check(typ, inputs)
	for _, v := range vs {
		if v.Rule == rule && v.Property == property && v.Severity == Error && v.Source != "" {
			return
		}
	}
	t.Errorf("%s: want a %s error on %s, got %v", name, rule, property, vs)
}
