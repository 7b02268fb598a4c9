package sim

import (
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The simulator applies the rules the reference lacked (rules/data
// additions.json and corrections.json): for each type, the plans' inputs
// pass Check, a planted violation fails it in the provider's words, and a
// change the real provider cannot make in place replaces the resource.
func TestSimulatorAppliesAddedRules(t *testing.T) {
	p := testProvider()
	const vpcCRN = "crn:v1:bluemix:public:is:us-south:a/0123456789abcdef0123456789abcdef::vpc:r006-1"
	role := str("arn:aws:iam::123456789012:role/config")
	obj := func(m resource.PropertyMap) resource.PropertyValue { return resource.NewObjectProperty(m) }
	arr := func(vs ...resource.PropertyValue) resource.PropertyValue { return resource.NewArrayProperty(vs) }
	set := func(m resource.PropertyMap, k string, v resource.PropertyValue) resource.PropertyMap {
		out := m.Copy()
		out[resource.PropertyKey(k)] = v
		return out
	}
	for _, tc := range []struct {
		typ              string
		valid            resource.PropertyMap
		bad              resource.PropertyMap
		property, reason string
		replaceKey       string
		replaceWith      resource.PropertyValue
		updateKey        string
		updateWith       resource.PropertyValue
	}{
		{typ: "infra:ibm:AccessGroupMember",
			valid: resource.PropertyMap{"accessGroup": str("AccessGroupId-1"), "iamId": str("iam-ServiceId-2"), "type": str("service")},
			bad:   resource.PropertyMap{"accessGroup": str("AccessGroupId-1"), "iamId": str("iam-ServiceId-2"), "type": str("group")}, property: "type", reason: "profile",
			replaceKey: "iamId", replaceWith: str("iam-ServiceId-3")},
		{typ: "infra:ibm:CbrZoneAddresses",
			valid: resource.PropertyMap{"zone": str("z1"), "name": str("ibm-us-south-prod"), "vpcs": arr(str(vpcCRN))},
			bad:   resource.PropertyMap{"zone": str("z1"), "name": str("ibm-us-south-prod"), "vpcs": arr(str("r006-1"))}, property: "vpcs[0]", reason: "crn:v1",
			replaceKey: "zone", replaceWith: str("z2"), updateKey: "ipAddresses", updateWith: arr(str("203.0.113.0/24"))},
		{typ: "infra:ibm:ServiceId",
			valid: resource.PropertyMap{"name": str("acme-prod-deployer")},
			bad:   resource.PropertyMap{"description": str("no name")}, property: "name", reason: "required",
			updateKey: "name", updateWith: str("acme-prod-deployer-2")},
		{typ: "aws:cfg/configurationAggregator:ConfigurationAggregator",
			valid: resource.PropertyMap{"name": str("org"), "organizationAggregationSource": obj(resource.PropertyMap{"allRegions": resource.NewBoolProperty(true), "roleArn": role})},
			bad:   resource.PropertyMap{"name": str("org")}, property: "accountAggregationSource", reason: "one of",
			replaceKey: "name", replaceWith: str("org2")},
		{typ: "aws:cfg/recorder:Recorder",
			valid: resource.PropertyMap{"name": str("default"), "roleArn": role},
			bad:   resource.PropertyMap{"name": str("default"), "roleArn": role, "recordingMode": obj(resource.PropertyMap{"recordingFrequency": str("HOURLY")})}, property: "recordingMode.recordingFrequency", reason: "DAILY",
			replaceKey: "name", replaceWith: str("other"), updateKey: "roleArn", updateWith: str("arn:aws:iam::123456789012:role/config2")},
		{typ: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
			valid: resource.PropertyMap{"vpcId": str("vpc-1")},
			bad: resource.PropertyMap{"vpcId": str("vpc-1"), "ingress": arr(obj(resource.PropertyMap{"description": str("the team's"), "protocol": str("tcp"),
				"fromPort": resource.NewNumberProperty(443), "toPort": resource.NewNumberProperty(443)}))}, property: "ingress[0].description", reason: "must match",
			replaceKey: "vpcId", replaceWith: str("vpc-2")},
		{typ: "aws:ec2/networkInterface:NetworkInterface",
			valid: resource.PropertyMap{"subnetId": str("subnet-1"), "sourceDestCheck": resource.NewBoolProperty(false)},
			bad:   resource.PropertyMap{"subnetId": str("subnet-1"), "interfaceType": str("virtio")}, property: "interfaceType", reason: "efa",
			replaceKey: "subnetId", replaceWith: str("subnet-2"), updateKey: "sourceDestCheck", updateWith: resource.NewBoolProperty(true)},
		{typ: "aws:guardduty/detector:Detector",
			valid: resource.PropertyMap{"enable": resource.NewBoolProperty(true)},
			bad:   resource.PropertyMap{"findingPublishingFrequency": str("TWO_HOURS")}, property: "findingPublishingFrequency", reason: "SIX_HOURS",
			updateKey: "enable", updateWith: resource.NewBoolProperty(false)},
		{typ: "aws:guardduty/organizationConfiguration:OrganizationConfiguration",
			valid: resource.PropertyMap{"detectorId": str("d1"), "autoEnableOrganizationMembers": str("ALL")},
			bad:   resource.PropertyMap{"detectorId": str("d1"), "autoEnableOrganizationMembers": str("SOME")}, property: "autoEnableOrganizationMembers", reason: "NONE",
			replaceKey: "detectorId", replaceWith: str("d2"), updateKey: "autoEnableOrganizationMembers", updateWith: str("NEW")},
		{typ: "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2",
			valid: resource.PropertyMap{"bucket": str("trail"), "rule": obj(resource.PropertyMap{"defaultRetention": obj(resource.PropertyMap{"days": resource.NewNumberProperty(365), "mode": str("GOVERNANCE")})})},
			bad: resource.PropertyMap{"bucket": str("trail"), "rule": obj(resource.PropertyMap{"defaultRetention": obj(resource.PropertyMap{"days": resource.NewNumberProperty(1),
				"years": resource.NewNumberProperty(1), "mode": str("GOVERNANCE")})})}, property: "rule.defaultRetention.days", reason: "only one of",
			replaceKey: "bucket", replaceWith: str("other")},
	} {
		olds, failures := checkRPC(t, p, tc.typ, "x", nil, tc.valid)
		if len(failures) != 0 {
			t.Errorf("%s: valid inputs fail: %v", tc.typ, failures)
			continue
		}
		_, failures = checkRPC(t, p, tc.typ, "x", nil, tc.bad)
		found := false
		for _, f := range failures {
			found = found || f.GetProperty() == tc.property && strings.Contains(f.GetReason(), tc.reason)
		}
		if !found {
			t.Errorf("%s: failures %v, want one on %s mentioning %q", tc.typ, failures, tc.property, tc.reason)
		}
		if tc.replaceKey != "" {
			news, _ := checkRPC(t, p, tc.typ, "x", olds, set(tc.valid, tc.replaceKey, tc.replaceWith))
			if d := diffRPC(t, tc.typ, olds, news); !slices.Contains(d.Replaces, tc.replaceKey) {
				t.Errorf("%s: a new %s replaces %v, want a replacement", tc.typ, tc.replaceKey, d.Replaces)
			}
		}
		if tc.updateKey != "" {
			news, _ := checkRPC(t, p, tc.typ, "x", olds, set(tc.valid, tc.updateKey, tc.updateWith))
			if d := diffRPC(t, tc.typ, olds, news); len(d.Replaces) != 0 || !slices.Contains(d.Diffs, tc.updateKey) {
				t.Errorf("%s: a new %s: diffs %v, replaces %v; want an update in place", tc.typ, tc.updateKey, d.Diffs, d.Replaces)
			}
		}
	}
}
