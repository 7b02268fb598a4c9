package adr

import (
	"infra/topology"
)

// ingressAWS is the decision of how the EKS clusters' ingress load
// balancers get healthy targets (review aws.md item 10): none when the
// topology has no AWS region.
func (m *model) ingressAWS() []Record {
	sites := m.sitesOf(topology.AWS)
	if len(sites) == 0 {
		return nil
	}
	var ids []string
	for _, s := range sites {
		ids = append(ids, code(s.r.ID()))
	}
	probe := "a TCP connect on the listener port"
	if g := m.spec.Network.GlobalLoadBalancer; g != nil {
		h := g.HealthCheck
		probe = sf("%s on port %d, path %s, as the global load balancer probes the region", h.Protocol, h.Port, code(h.Path))
	}
	context := paras(
		sf("Each AWS region (%s) has an internet-facing network load balancer that infra creates, with a listener and a target group on ports 80 and 443 whose targets are pod IPs; its DNS name is the region's origin. It health-checks its targets with %s.", and(ids), probe),
		"EKS runs no ingress controller and registers no target by itself, so without something in the cluster the target groups stay empty and the region's origin never turns healthy. Regional stacks reach the cluster only through the AWS API: the cluster's API endpoint is private.",
	)
	decision := paras(
		"The AWS Load Balancer Controller keeps the ingress controller's pods registered in infra's target groups, through one TargetGroupBinding per port; infra, not the controller, owns the load balancer, its listeners, target groups and security groups.",
		sf("infra gives the controller's service account (%s in %s) an IAM role through EKS Pod Identity that may register and deregister targets in those target groups and nowhere else, and admits the load balancer's security group to the cluster security group on the target and health-check ports. The regional stack exports the target groups' ARNs as %s, for the bindings.", code("aws-load-balancer-controller"), code("kube-system"), code("ingressTargetGroupArns")),
	)
	alts := []Alternative{
		{"Service type LoadBalancer (the controller creates its own NLB)", "the load balancer, its name and its DNS name would appear only after a Kubernetes deploy, so the global load balancer could not name its origin in the same run, and the controller would need the permission to create and delete load balancers and security groups"},
		{"Instance targets: the node groups' Auto Scaling groups attached to the target groups, the ingress controller on fixed node ports", "EKS manages those Auto Scaling groups and has no supported way to attach target groups to them (aws/containers-roadmap#728); every request crosses kube-proxy and a second node"},
		{"EKS Auto Mode, whose built-in load balancing replaces the controller", "it replaces the managed node groups this topology sizes per zone, and still needs the Kubernetes objects"},
	}
	pos := []string{
		"the load balancer and its DNS name exist from the first regional deploy, so the global load balancer's origin does too",
		"the controller's AWS permissions are the two target groups' registration and read-only calls: it cannot create, delete or open anything",
		"the targets are pods, so traffic goes straight to the ingress controller without a second hop through kube-proxy",
	}
	neg := []string{
		sf("the controller (Helm chart %s), the ingress controller and the two TargetGroupBindings are Kubernetes objects that infra does not apply: the API is private, and infra holds no Kubernetes provider. Until they are installed, from a host that reaches the API (%s writes its kubeconfig), the origin stays unhealthy", code("eks/aws-load-balancer-controller"), code("infra kubeconfig")),
	}
	items := []string{
		"the EKS add-ons eks-pod-identity-agent, vpc-cni (its permissions through Pod Identity, not the node role) and kube-proxy before the node groups, and coredns after them",
		"an IAM role for the controller with an inline policy naming the target groups, and its Pod Identity association",
		"ingress rules on the cluster security group from the load balancer's security group, on the target and health-check ports",
	}
	return []Record{{
		Key:            "ingress/aws",
		Title:          "Ingress targets of the EKS clusters registered by the AWS Load Balancer Controller",
		Context:        context,
		Chosen:         "the AWS Load Balancer Controller binding pods to infra's target groups",
		Decision:       decision,
		Alternatives:   alts,
		Positive:       pos,
		Negative:       neg,
		Implementation: paras(sf("Each AWS regional stack (%s) creates:", and(ids)), bullets(items)),
	}}
}
