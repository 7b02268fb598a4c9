package aws_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/plan"
	"infra/provider"
)

// The ingress load balancer's targets are the nodes, on the node ports of
// the ingress controller infra installs through the EKS API where
// cluster.apiAccess lets it reach the API (review item 10): instance
// target groups on the node ports, attached to every node group's Auto
// Scaling group; the controller's objects pass the provider's offline
// check and expose exactly those node ports; the credentials are secret.
// A cluster without apiAccess keeps its endpoint private and gets no
// objects.
func TestIngressTargetsTheControllersNodePorts(t *testing.T) {
	p := planOfExample(t, "../../examples/multicloud.yaml")
	id := "aws-us-east-1-prod"
	res := byType(p.Stack(id))

	tgPorts := map[string]string{} // target group ARN → port
	for _, tg := range res["aws:lb/targetGroup:TargetGroup"] {
		if tg.Inputs["targetType"] != "instance" {
			t.Errorf("%s: target type %v, want instance", tg.Name, tg.Inputs["targetType"])
		}
		tgPorts[tg.ID] = fmt.Sprint(tg.Inputs["port"]) // a target group's id is its ARN
	}
	if len(tgPorts) != 2 || !slices.Contains(mapValues(tgPorts), "30080") || !slices.Contains(mapValues(tgPorts), "30443") {
		t.Fatalf("target group ports %v, want 30080 and 30443", tgPorts)
	}
	// EKS names a node group's Auto Scaling group eks-<node group>-<uuid>.
	groups := map[string]bool{}
	for _, ng := range res["aws:eks/nodeGroup:NodeGroup"] {
		groups[fmt.Sprint(ng.Inputs["nodeGroupName"])] = true
	}
	attached := map[string]int{}
	asgs := map[string]bool{}
	for _, a := range res["aws:autoscaling/attachment:Attachment"] {
		asg := fmt.Sprint(a.Inputs["autoscalingGroupName"])
		ng := strings.TrimPrefix(asg[:max(0, len(asg)-37)], "eks-")
		if !groups[ng] {
			t.Errorf("%s attaches %v, not a node group's Auto Scaling group (node groups %v)", a.Name, asg, groups)
		}
		asgs[asg] = true
		attached[fmt.Sprint(a.Inputs["lbTargetGroupArn"])]++
	}
	if len(asgs) != len(groups) {
		t.Errorf("attached to %d Auto Scaling groups, want the %d node groups'", len(asgs), len(groups))
	}
	for arn := range tgPorts {
		if attached[arn] != len(asgs) {
			t.Errorf("target group %s attached to %d groups, want all %d", arn, attached[arn], len(asgs))
		}
	}

	vpc := res["aws:eks/cluster:Cluster"][id+"-eks"].Inputs["vpcConfig"].(map[string]any)
	if vpc["endpointPublicAccess"] != true || fmt.Sprint(vpc["publicAccessCidrs"]) != "[203.0.113.0/24]" {
		t.Errorf("prod endpoint = %v, want public to apiAccess only", vpc)
	}
	m := res["infra:kubernetes:Manifests"][id+"-ingress-controller"]
	if m == nil {
		t.Fatal("no ingress controller manifests")
	}
	if m.Inputs["token"] != plan.Redacted {
		t.Errorf("token = %v, want it secret", m.Inputs["token"])
	}
	if ca, _ := m.Inputs["caCert"].(string); !strings.HasPrefix(ca, "-----BEGIN CERTIFICATE-----") {
		t.Errorf("caCert = %.40q, want the cluster's PEM", ca)
	}
	if srv, _ := m.Inputs["server"].(string); !strings.HasPrefix(srv, "https://") {
		t.Errorf("server = %v", m.Inputs["server"])
	}
	objects, _ := m.Inputs["objects"].(string)
	inputs := resource.PropertyMap{"objects": resource.NewStringProperty(objects), "server": resource.NewStringProperty(m.Inputs["server"].(string))}
	var ids []resource.PropertyValue
	for _, v := range m.Inputs["ids"].([]any) {
		ids = append(ids, resource.NewStringProperty(v.(string)))
	}
	inputs["ids"] = resource.NewArrayProperty(ids)
	l, _ := provider.LocalType(provider.ManifestsType)
	if f := l.Check(inputs); len(f) != 0 {
		t.Errorf("the provider refuses the controller's objects: %v", f)
	}
	var objs []map[string]any
	if err := json.Unmarshal([]byte(objects), &objs); err != nil {
		t.Fatal(err)
	}
	var nodePorts []string
	for _, o := range objs {
		switch o["kind"] {
		case "Service":
			for _, port := range o["spec"].(map[string]any)["ports"].([]any) {
				nodePorts = append(nodePorts, fmt.Sprint(port.(map[string]any)["nodePort"]))
			}
		case "Deployment":
			c := o["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
			if img := c["image"].(string); !strings.Contains(img, ":v") || !strings.Contains(img, "@sha256:") {
				t.Errorf("controller image %s is not pinned by tag and digest", img)
			}
		}
	}
	slices.Sort(nodePorts)
	if fmt.Sprint(nodePorts) != "[30080 30254 30443]" {
		t.Errorf("the Service's node ports = %v, want the target groups' and the health check's", nodePorts)
	}
	var health []string
	for _, tg := range res["aws:lb/targetGroup:TargetGroup"] {
		hc := tg.Inputs["healthCheck"].(map[string]any)
		health = append(health, fmt.Sprint(hc["port"], hc["path"]))
	}
	if fmt.Sprint(health) != "[30254/healthz 30254/healthz]" {
		t.Errorf("health checks %v, want the controller's health node port", health)
	}

	staging := byType(p.Stack("aws-us-east-1-staging"))
	if len(staging["infra:kubernetes:Manifests"]) != 0 {
		t.Error("staging has no apiAccess, yet infra plans to reach its API")
	}
	if v := staging["aws:eks/cluster:Cluster"]["aws-us-east-1-staging-eks"].Inputs["vpcConfig"].(map[string]any); v["endpointPublicAccess"] != false {
		t.Errorf("staging endpoint = %v, want private", v)
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
