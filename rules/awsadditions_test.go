package rules

import (
	"strings"
	"testing"
)

// The seven AWS types the golden plans use that the reference lacks
// (additions.json): the plans' inputs pass, a planted violation of each
// offline-checkable rule fails with its source, and the inputs the provider
// cannot change replace the resource.
func TestAWSConfigGuardDutyNetworkAdditions(t *testing.T) {
	const (
		aggregator = "aws:cfg/configurationAggregator:ConfigurationAggregator"
		recorder   = "aws:cfg/recorder:Recorder"
		defaultSG  = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
		eni        = "aws:ec2/networkInterface:NetworkInterface"
		detector   = "aws:guardduty/detector:Detector"
		orgConfig  = "aws:guardduty/organizationConfiguration:OrganizationConfiguration"
		objectLock = "aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2"
		role       = "arn:aws:iam::123456789012:role/config"
	)
	tags := map[string]any{"Owner": "platform-team"}
	// The inputs of golden/aws-existing-org.json and golden/multicloud.json.
	agg := map[string]any{"name": "acme-aws-organization", "organizationAggregationSource": map[string]any{"allRegions": true, "roleArn": role}, "tags": tags}
	rec := map[string]any{"name": "default", "recordingGroup": map[string]any{"allSupported": true, "includeGlobalResourceTypes": true}, "roleArn": role}
	sg := map[string]any{"vpcId": "vpc-578909bf461e63ced", "tags": tags}
	ni := map[string]any{"description": "WireGuard mesh gateway aws-us-east-1-prod us-east-1a", "securityGroups": []any{"sg-49780195471a67d9b"},
		"sourceDestCheck": false, "subnetId": "subnet-4a358a2b462a285ad", "tags": tags}
	det := map[string]any{"enable": true, "tags": tags}
	org := map[string]any{"autoEnableOrganizationMembers": "ALL", "detectorId": "597a87c9ec2f3714dfbcae1b39084321"}
	lock := map[string]any{"bucket": "acme-aws-org-trail-807675955547", "objectLockEnabled": "Enabled",
		"rule": map[string]any{"defaultRetention": map[string]any{"days": 365.0, "mode": "GOVERNANCE"}}}
	for typ, in := range map[string]map[string]any{aggregator: agg, recorder: rec, defaultSG: sg, eni: ni, detector: det, orgConfig: org, objectLock: lock} {
		if vs := Check(typ, in); len(vs) != 0 {
			t.Errorf("%s: the golden inputs fail: %v", typ, vs)
		}
	}
	rule := func(ingress map[string]any) map[string]any {
		return with(sg, "ingress", []any{ingress})
	}
	wantErrors(t, map[string]errorCase{
		"aggregator name of 257":      {aggregator, with(agg, "name", strings.Repeat("a", 257)), "name", "lengthBetween"},
		"aggregator of both sources":  {aggregator, with(agg, "accountAggregationSource", map[string]any{"accountIds": []any{"123456789012"}, "allRegions": true}), "accountAggregationSource", "exactlyOneOf"},
		"aggregator of no source":     {aggregator, map[string]any{"name": "a"}, "accountAggregationSource", "exactlyOneOf"},
		"aggregator role no ARN":      {aggregator, with(agg, "organizationAggregationSource", map[string]any{"allRegions": true, "roleArn": "config"}), "organizationAggregationSource.roleArn", "format"},
		"aggregated account no ID":    {aggregator, map[string]any{"name": "a", "accountAggregationSource": map[string]any{"accountIds": []any{"1234"}, "allRegions": true}}, "accountAggregationSource.accountIds[0]", "format"},
		"recorder without role":       {recorder, map[string]any{"name": "default"}, "roleArn", RuleRequired},
		"recorder hourly":             {recorder, with(rec, "recordingMode", map[string]any{"recordingFrequency": "HOURLY"}), "recordingMode.recordingFrequency", "oneOf"},
		"recording strategy unknown":  {recorder, with(rec, "recordingGroup", map[string]any{"allSupported": false, "recordingStrategies": []any{map[string]any{"useOnly": "SOME"}}}), "recordingGroup.recordingStrategies[0].useOnly", "oneOf"},
		"default rule apostrophe":     {defaultSG, rule(map[string]any{"description": "the team's", "protocol": "tcp", "fromPort": 443.0, "toPort": 443.0}), "ingress[0].description", "pattern"},
		"default rule without proto":  {defaultSG, rule(map[string]any{"fromPort": 443.0, "toPort": 443.0}), "ingress[0].protocol", RuleRequired},
		"default rule no CIDR":        {defaultSG, rule(map[string]any{"protocol": "tcp", "fromPort": 443.0, "toPort": 443.0, "cidrBlocks": []any{"10.0.0.1/8"}}), "ingress[0].cidrBlocks[0]", "format"},
		"interface without subnet":    {eni, map[string]any{"description": "x"}, "subnetId", RuleRequired},
		"interface type unknown":      {eni, with(ni, "interfaceType", "virtio"), "interfaceType", "oneOf"},
		"prefixes and a prefix count": {eni, with(with(ni, "ipv4Prefixes", []any{"10.0.1.16/28"}), "ipv4PrefixCount", 1.0), "ipv4Prefixes", "conflictsWith"},
		"IPv4 as an IPv6 address":     {eni, with(ni, "ipv6Addresses", []any{"10.0.0.1"}), "ipv6Addresses[0]", "format"},
		"a typo in an input":          {eni, with(ni, "sourceDestinationCheck", false), "sourceDestinationCheck", RuleUnknownProperty},
		"findings every two hours":    {detector, with(det, "findingPublishingFrequency", "TWO_HOURS"), "findingPublishingFrequency", "oneOf"},
		"auto-enable SOME":            {orgConfig, with(org, "autoEnableOrganizationMembers", "SOME"), "autoEnableOrganizationMembers", "oneOf"},
		"auto-enable twice":           {orgConfig, with(org, "autoEnable", true), "autoEnable", "exactlyOneOf"},
		"auto-enable neither":         {orgConfig, map[string]any{"detectorId": "d"}, "autoEnable", "exactlyOneOf"},
		"lock disabled":               {objectLock, with(lock, "objectLockEnabled", "Disabled"), "objectLockEnabled", "oneOf"},
		"retention mode STRICT":       {objectLock, with(lock, "rule", map[string]any{"defaultRetention": map[string]any{"days": 1.0, "mode": "STRICT"}}), "rule.defaultRetention.mode", "oneOf"},
		"retention days and years":    {objectLock, with(lock, "rule", map[string]any{"defaultRetention": map[string]any{"days": 1.0, "years": 1.0, "mode": "GOVERNANCE"}}), "rule.defaultRetention.days", "exactlyOneOf"},
		"retention without a period":  {objectLock, with(lock, "rule", map[string]any{"defaultRetention": map[string]any{"mode": "GOVERNANCE"}}), "rule.defaultRetention.days", "exactlyOneOf"},
		"retention without a mode":    {objectLock, with(lock, "rule", map[string]any{"defaultRetention": map[string]any{"years": 1.0}}), "rule.defaultRetention.mode", RuleRequired},
	})
	wantForceNew(t, []forceNewCase{
		{aggregator, "name", true}, {aggregator, "tags.Owner", false}, {aggregator, "organizationAggregationSource.roleArn", false},
		{recorder, "name", true}, {recorder, "roleArn", false}, {recorder, "recordingGroup.allSupported", false},
		{defaultSG, "vpcId", true}, {defaultSG, "ingress", false}, {defaultSG, "tags.Name", false},
		{eni, "subnetId", true}, {eni, "interfaceType", true}, {eni, "sourceDestCheck", false}, {eni, "securityGroups", false}, {eni, "description", false},
		{detector, "enable", false}, {detector, "findingPublishingFrequency", false},
		{orgConfig, "detectorId", true}, {orgConfig, "autoEnableOrganizationMembers", false},
		{objectLock, "bucket", true}, {objectLock, "expectedBucketOwner", true}, {objectLock, "objectLockEnabled", true}, {objectLock, "rule.defaultRetention.days", false},
	})
	// Conditional replacements.
	for name, tc := range map[string]struct {
		typ        string
		olds, news map[string]any
		because    string // "" for an update in place
	}{
		"a source where there was none": {aggregator, map[string]any{"name": agg["name"], "tags": tags}, agg, "organizationAggregationSource"},
		"another aggregator role":       {aggregator, agg, with(agg, "organizationAggregationSource", map[string]any{"allRegions": true, "roleArn": role + "2"}), ""},
		"a new primary in the list": {eni, with(with(ni, "privateIpListEnabled", true), "privateIpLists", []any{"10.0.0.5", "10.0.0.6"}),
			with(with(ni, "privateIpListEnabled", true), "privateIpLists", []any{"10.0.0.7", "10.0.0.6"}), "privateIpLists"},
		"a secondary in the list": {eni, with(with(ni, "privateIpListEnabled", true), "privateIpLists", []any{"10.0.0.5"}),
			with(with(ni, "privateIpListEnabled", true), "privateIpLists", []any{"10.0.0.5", "10.0.0.6"}), ""},
		"the primary dropped":  {eni, with(ni, "privateIps", []any{"10.0.0.5"}), with(ni, "privateIps", []any{"10.0.0.6"}), "privateIps"},
		"a secondary added":    {eni, with(ni, "privateIps", []any{"10.0.0.5"}), with(ni, "privateIps", []any{"10.0.0.5", "10.0.0.6"}), ""},
		"a retention of years": {objectLock, lock, with(lock, "rule", map[string]any{"defaultRetention": map[string]any{"years": 1.0, "mode": "COMPLIANCE"}}), ""},
	} {
		r, because, _ := Replace(tc.typ, tc.olds, tc.news)
		if tc.because == "" && r || tc.because != "" && (!r || len(because) != 1 || because[0] != tc.because) {
			t.Errorf("%s: replace %v because %v, want %q", name, r, because, tc.because)
		}
	}
}
