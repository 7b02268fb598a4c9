package aws_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// Every managed node group launches from the cluster's launch template,
// which requires IMDSv2 with a PUT response hop limit of 1, so pods on the
// pod network get no metadata token and with it no node-role credentials.
// The template sets nothing else: EKS fills in the AMI, the user data and
// the security groups, and refuses a template that sets the subnet or the
// instance profile (EKS User Guide, "Customize managed nodes with launch
// templates").
func TestNodeGroupsLaunchWithIMDSv2HopLimit1(t *testing.T) {
	_, _, p := planOf(t)
	groups := 0
	for _, s := range p.Stacks {
		if !strings.HasPrefix(s.Name, "aws-") {
			continue
		}
		res := byType(s)
		nodeGroups := res["aws:eks/nodeGroup:NodeGroup"]
		if len(nodeGroups) == 0 {
			continue
		}
		lts := res["aws:ec2/launchTemplate:LaunchTemplate"]
		lt := lts[s.Name+"-nodes-lt"]
		if len(lts) != 1 || lt == nil {
			t.Fatalf("%s: launch templates %v, want %s-nodes-lt only", s.Name, slices.Sorted(maps.Keys(lts)), s.Name)
		}
		md, _ := lt.Inputs["metadataOptions"].(map[string]any)
		if md["httpTokens"] != "required" || md["httpPutResponseHopLimit"] != 1.0 || md["httpEndpoint"] != "enabled" {
			t.Errorf("%s: metadata options %v, want IMDSv2 required, hop limit 1, endpoint enabled", s.Name, md)
		}
		if keys := slices.Sorted(maps.Keys(lt.Inputs)); !slices.Equal(keys, []string{"description", "metadataOptions", "name", "tags"}) {
			t.Errorf("%s: the launch template sets %v; EKS owns everything but the metadata options", s.Name, keys)
		}
		for _, ng := range nodeGroups {
			groups++
			ref, _ := ng.Inputs["launchTemplate"].(map[string]any)
			if ref["id"] != lt.ID || ref["version"] != "1" || ref["name"] != nil {
				t.Errorf("%s: launch template %v, want id %s at its latest version (1)", ng.Name, ref, lt.ID)
			}
			if !slices.Contains(ng.DependsOn, lt.Name) {
				t.Errorf("%s does not wait for %s", ng.Name, lt.Name)
			}
		}
	}
	if groups == 0 {
		t.Fatal("no node groups in the plan")
	}
}
