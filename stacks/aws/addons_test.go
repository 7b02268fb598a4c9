package aws_test

import (
	"slices"
	"strings"
	"testing"
)

// The CNI's permissions come through Pod Identity, not the node role; the
// add-ons the nodes need exist before the node groups, CoreDNS after them
// (review item 23).
func TestAddonsAndPodIdentity(t *testing.T) {
	_, _, p := planOf(t)
	for _, id := range []string{"aws-us-east-1-prod", "aws-us-east-1-staging"} {
		res := byType(p.Stack(id))
		for name, a := range res["aws:iam/rolePolicyAttachment:RolePolicyAttachment"] {
			if strings.HasPrefix(name, id+"-eks-node-role") && strings.Contains(a.Inputs["policyArn"].(string), "CNI") {
				t.Errorf("%s: the node role carries %v: every pod on the node could use it", id, a.Inputs["policyArn"])
			}
		}
		addons := res["aws:eks/addon:Addon"]
		for _, ng := range res["aws:eks/nodeGroup:NodeGroup"] {
			for _, a := range []string{"eks-pod-identity-agent", "vpc-cni", "kube-proxy"} {
				if !slices.Contains(ng.DependsOn, id+"-addon-"+a) {
					t.Errorf("%s: node group %s does not wait for %s", id, ng.Name, a)
				}
			}
			if !slices.Contains(addons[id+"-addon-coredns"].DependsOn, ng.Name) {
				t.Errorf("%s: coredns does not wait for node group %s", id, ng.Name)
			}
		}
		cni := addons[id+"-addon-vpc-cni"]
		ids, _ := cni.Inputs["podIdentityAssociations"].([]any)
		if len(ids) != 1 || ids[0].(map[string]any)["serviceAccount"] != "aws-node" {
			t.Errorf("%s: vpc-cni identities %v, want aws-node's", id, ids)
		}

	}
}
