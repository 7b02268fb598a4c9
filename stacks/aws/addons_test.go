package aws_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// The CNI's permissions come through Pod Identity, not the node role; the
// add-ons the nodes need exist before the node groups, CoreDNS after them;
// and the load balancer controller may register targets in infra's target
// groups and nowhere else (review items 10 and 23).
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

		var tgs []any
		for _, tg := range res["aws:lb/targetGroup:TargetGroup"] {
			tgs = append(tgs, p.Stack(id).Outputs["ingressTargetGroupArns"].(map[string]any)[strings.TrimPrefix(tg.Name, id+"-ingress-tg-")])
		}
		var doc struct{ Statement []map[string]any }
		pol := res["aws:iam/rolePolicy:RolePolicy"][id+"-lbc-register-targets"]
		if err := json.Unmarshal([]byte(pol.Inputs["policy"].(string)), &doc); err != nil {
			t.Fatal(err)
		}
		for _, s := range doc.Statement {
			acts, _ := s["Action"].([]any)
			for _, a := range acts {
				write := !strings.Contains(a.(string), ":Describe")
				if write && !sameSet(s["Resource"].([]any), tgs) {
					t.Errorf("%s: the controller may %s on %v, want only the target groups %v", id, a, s["Resource"], tgs)
				}
			}
		}
		assoc := res["aws:eks/podIdentityAssociation:PodIdentityAssociation"][id+"-lbc-identity"]
		if assoc == nil || assoc.Inputs["namespace"] != "kube-system" || assoc.Inputs["serviceAccount"] != "aws-load-balancer-controller" {
			t.Errorf("%s: controller identity %v", id, assoc)
		}
	}
}

func sameSet(a, b []any) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
