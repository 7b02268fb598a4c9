package aws_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"infra/plan"
)

// planOfExample plans an example.
func planOfExample(t *testing.T, path string) *plan.Plan {
	t.Helper()
	_, _, p := planOfFile(t, path)
	return p
}

// AWS Config records in every account infra creates, delivering to one
// bucket that admits exactly those accounts, aggregated by the security
// account as Config's delegated administrator (review item 19).
func TestConfigRecordsEveryCreatedAccount(t *testing.T) {
	p := planOfExample(t, "../../examples/multicloud.yaml")
	res := byType(p.Stack("landingzone-aws"))
	const lz = "landingzone-aws-"
	// The management account and the six members, in us-east-1.
	for _, who := range []string{"management", "security", "log-archive", "shared-services", "dev", "staging", "prod"} {
		rec := res["aws:cfg/recorder:Recorder"][lz+"config-recorder-"+who+"-us-east-1"]
		ch := res["aws:cfg/deliveryChannel:DeliveryChannel"][lz+"config-delivery-"+who+"-us-east-1"]
		st := res["aws:cfg/recorderStatus:RecorderStatus"][lz+"config-recording-"+who+"-us-east-1"]
		if rec == nil || ch == nil || st == nil {
			t.Fatalf("%s: recorder %v, channel %v, status %v", who, rec, ch, st)
		}
		if !slices.Contains(ch.DependsOn, rec.Name) || !slices.Contains(ch.DependsOn, lz+"config-bucket-policy") || !slices.Contains(st.DependsOn, ch.Name) || st.Inputs["isEnabled"] != true {
			t.Errorf("%s: order recorder → channel (after the bucket policy) → status on: %v, %v, %v", who, ch.DependsOn, st.DependsOn, st.Inputs)
		}
	}
	bucket := res["aws:s3/bucketV2:BucketV2"][lz+"config-bucket"]
	if bucket == nil || bucket.Provider != lz+"provider-log-archive" {
		t.Fatalf("config bucket %v, want one in log-archive", bucket)
	}
	var doc struct {
		Statement []struct {
			Sid       string
			Condition map[string]map[string]any
		}
	}
	if err := json.Unmarshal([]byte(res["aws:s3/bucketPolicy:BucketPolicy"][lz+"config-bucket-policy"].Inputs["policy"].(string)), &doc); err != nil {
		t.Fatal(err)
	}
	for _, s := range doc.Statement {
		if strings.HasPrefix(s.Sid, "AWSConfig") {
			if accts, _ := s.Condition["StringEquals"]["AWS:SourceAccount"].([]any); len(accts) != 7 {
				t.Errorf("%s admits %v, want the 7 recording accounts", s.Sid, accts)
			}
		}
	}
	admin := res["aws:organizations/delegatedAdministrator:DelegatedAdministrator"][lz+"config-admin"]
	agg := res["aws:cfg/configurationAggregator:ConfigurationAggregator"][lz+"config-aggregator"]
	if admin == nil || admin.Inputs["servicePrincipal"] != "config.amazonaws.com" || agg == nil || agg.Provider != lz+"provider-security" || !slices.Contains(agg.DependsOn, admin.Name) {
		t.Errorf("delegated admin %v, aggregator %v: want the security account to aggregate after its designation", admin, agg)
	}
}

// The deploy roles of the accounts infra creates may be assumed by the
// pipeline only: a resource control policy on every top-level OU. Adopted
// accounts' roles stay as their organization uses them (review item 20).
func TestDeployRoleTrustsThePipelineOnly(t *testing.T) {
	p := planOfExample(t, "../../examples/aws-existing-org.yaml")
	res := byType(p.Stack("landingzone-aws"))
	const lz = "landingzone-aws-"
	rcp := res["aws:organizations/policy:Policy"][lz+"rcp-deploy-role-trust"]
	if rcp == nil || rcp.Inputs["type"] != "RESOURCE_CONTROL_POLICY" {
		t.Fatalf("no RCP: %v", rcp)
	}
	var doc struct {
		Statement []struct {
			Effect, Principal, Action string
			Resource                  []string
			Condition                 map[string]map[string]string
		}
	}
	if err := json.Unmarshal([]byte(rcp.Inputs["content"].(string)), &doc); err != nil {
		t.Fatal(err)
	}
	s := doc.Statement[0]
	if s.Effect != "Deny" || s.Principal != "*" || s.Action != "sts:AssumeRole" ||
		!slices.Equal(s.Resource, []string{"arn:aws:iam::*:role/infra-deployer"}) ||
		!strings.HasSuffix(s.Condition["ArnNotEquals"]["aws:PrincipalArn"], ":role/infra-pipeline") {
		t.Errorf("RCP statement %+v: want AssumeRole of infra-deployer denied to all but infra-pipeline", s)
	}
	var targets []string
	for name := range res["aws:organizations/policyAttachment:PolicyAttachment"] {
		if strings.HasPrefix(name, lz+"rcp-") {
			targets = append(targets, strings.TrimPrefix(name, lz+"rcp-deploy-role-trust-"))
		}
	}
	slices.Sort(targets)
	if !slices.Equal(targets, []string{"security", "workloads"}) {
		t.Errorf("RCP attached to %v, want the top-level OUs security and workloads", targets)
	}
}

// cluster.admins become access entries with the cluster-admin policy, a
// role name resolved in the cluster's account (review item 20).
func TestClusterAdminsGetAccessEntries(t *testing.T) {
	p := planOfExample(t, "../../examples/aws-existing-org.yaml")
	res := byType(p.Stack("aws-eu-west-1-prod"))
	var entry, assoc map[string]any
	for _, r := range res["aws:eks/accessEntry:AccessEntry"] {
		entry = r.Inputs
	}
	for _, r := range res["aws:eks/accessPolicyAssociation:AccessPolicyAssociation"] {
		assoc = r.Inputs
	}
	const want = ":role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_PlatformAdmin_0123456789abcdef"
	if arn, _ := entry["principalArn"].(string); !strings.HasPrefix(arn, "arn:aws:iam::") || !strings.HasSuffix(arn, want) {
		t.Errorf("access entry for %v, want the role in the cluster's account", entry["principalArn"])
	}
	if assoc["policyArn"] != "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy" || assoc["principalArn"] != entry["principalArn"] {
		t.Errorf("policy association %v", assoc)
	}
	if len(res["aws:eks/accessEntry:AccessEntry"]) != 1 || len(p.Stack("aws-eu-west-1-staging").Resources) == 0 {
		t.Errorf("access entries: %d in prod, want 1 (staging lists no admins)", len(res["aws:eks/accessEntry:AccessEntry"]))
	}
}
