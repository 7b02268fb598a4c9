package rules

import (
	"fmt"
	"slices"
)

// eksZoneSource is where AWS lists the Availability Zones EKS refuses.
const eksZoneSource = "EKS User Guide, Network requirements (awsdocs/amazon-eks-user-guide latest/ug/networking/network-reqs.adoc): cluster subnets can't reside in use1-az3, usw1-az2 or cac1-az3; CreateCluster answers UnsupportedAvailabilityZoneException"

// eksUnsupportedZoneIDs are the AZ IDs, by region, that EKS does not take
// for cluster subnets (source above; ../shared/reference/clouds.md §1.2).
// They are IDs, not names: which letter is use1-az3 differs per account.
var eksUnsupportedZoneIDs = map[string][]string{
	"us-east-1":    {"use1-az3"},
	"us-west-1":    {"usw1-az2"},
	"ca-central-1": {"cac1-az3"},
}

// EKSUnsupportedZoneIDs are the AZ IDs of a region where an EKS cluster may
// not have subnets, sorted; none for most regions.
func EKSUnsupportedZoneIDs(region string) []string {
	return slices.Clone(eksUnsupportedZoneIDs[region])
}

// eksUnsupported says whether an AZ ID is one EKS refuses, in any region
// (an AZ ID names its region: use1 is us-east-1).
func eksUnsupported(zoneID string) bool {
	for _, ids := range eksUnsupportedZoneIDs {
		if slices.Contains(ids, zoneID) {
			return true
		}
	}
	return false
}

// checkEKSZones finds EKS clusters whose vpcConfig.subnetIds name a subnet
// of the deployment placed, by AZ ID, in a zone EKS refuses. A subnet placed
// by name only (availabilityZone) cannot be judged offline, since the name
// to ID mapping is per account.
func checkEKSZones(resources []Resource) []Violation {
	subnets := map[string]*Resource{}
	for i := range resources {
		r := &resources[i]
		if r.Type == "aws:ec2/subnet:Subnet" && r.ID != "" {
			subnets[r.ID] = r
		}
	}
	var out []Violation
	for i := range resources {
		r := &resources[i]
		if r.Type != "aws:eks/cluster:Cluster" {
			continue
		}
		vpc, _ := r.Inputs["vpcConfig"].(map[string]any)
		ids, _ := vpc["subnetIds"].([]any)
		for j, id := range ids {
			s, ok := id.(string)
			if !ok || unknown(s) {
				continue
			}
			sub := subnets[s]
			if sub == nil {
				continue
			}
			az, ok := sub.Inputs["availabilityZoneId"].(string)
			if !ok || unknown(az) || !eksUnsupported(az) {
				continue
			}
			out = append(out, Violation{Type: r.Type, Resource: r.Name, Property: fmt.Sprintf("vpcConfig.subnetIds[%d]", j),
				Rule: RuleEKSZone, Source: eksZoneSource, Severity: Error,
				Message: fmt.Sprintf("UnsupportedAvailabilityZoneException: subnet %s (%s) is in %s, where EKS cannot create cluster resources", sub.Name, s, az)})
		}
	}
	return out
}
