package plan

import (
	"fmt"
	"testing"
)

// infra plan reports the rules the reference lacked (rules/data
// additions.json and corrections.json) as findings: one planted violation
// per new type, and the cross-resource limit on an IBM identity's access
// groups.
func TestCheckAppliesAddedRules(t *testing.T) {
	bad := []*Resource{
		{Type: "infra:ibm:AccessGroupMember", Name: "member", Inputs: map[string]any{"accessGroup": "g", "iamId": "i", "type": "group"}},
		{Type: "infra:ibm:CbrZoneAddresses", Name: "addresses", Inputs: map[string]any{"zone": "z", "name": "n", "ipAddresses": []any{"10.0.0.0/33"}}},
		{Type: "infra:ibm:ServiceId", Name: "deployer", Inputs: map[string]any{"description": "no name"}},
		{Type: "aws:cfg/configurationAggregator:ConfigurationAggregator", Name: "aggregator", Inputs: map[string]any{"name": "org"}},
		{Type: "aws:cfg/recorder:Recorder", Name: "recorder", Inputs: map[string]any{"name": "default", "roleArn": "config"}},
		{Type: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", Name: "default-sg", Inputs: map[string]any{"vpcId": "vpc-1",
			"egress": []any{map[string]any{"description": "the team's", "protocol": "-1", "fromPort": 0.0, "toPort": 0.0}}}},
		{Type: "aws:ec2/networkInterface:NetworkInterface", Name: "eni", Inputs: map[string]any{"subnetId": "subnet-1", "ipv6Addresses": []any{"10.0.0.1"}}},
		{Type: "aws:guardduty/detector:Detector", Name: "detector", Inputs: map[string]any{"findingPublishingFrequency": "DAILY"}},
		{Type: "aws:guardduty/organizationConfiguration:OrganizationConfiguration", Name: "org-config", Inputs: map[string]any{"detectorId": "d"}},
		{Type: "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2", Name: "lock", Inputs: map[string]any{"bucket": "trail",
			"rule": map[string]any{"defaultRetention": map[string]any{"days": 30.0, "mode": "STRICT"}}}},
	}
	for i := 1; i <= 51; i++ {
		bad = append(bad, &Resource{Type: "infra:ibm:AccessGroupMember", Name: fmt.Sprintf("m%02d", i),
			Inputs: map[string]any{"accessGroup": fmt.Sprintf("g%d", i), "iamId": "iam-ServiceId-a", "type": "service"}})
	}
	p := &Plan{Stacks: []*Stack{{Name: "s", Resources: bad}}}
	found := map[string]string{}
	for _, f := range p.Check() {
		if f.Severity == "error" && f.Source != "" {
			found[f.Resource] += f.Rule + " "
		}
	}
	for _, name := range []string{"member", "addresses", "deployer", "aggregator", "recorder", "default-sg", "eni", "detector", "org-config", "lock", "m51"} {
		if found[name] == "" {
			t.Errorf("%s: no finding with its source", name)
		}
	}
	if found["m50"] != "" {
		t.Errorf("the 50th membership is a finding: %s", found["m50"])
	}
}
