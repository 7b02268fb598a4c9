package adr

import (
	"infra/topology"
)

// ingressAWS is the decision of how the EKS clusters' ingress load
// balancers get healthy targets (review aws.md item 10): none when the
// topology has no AWS region.
func (m *model) ingressAWS() []Record {
	ids := m.regionCodes(topology.AWS)
	if len(ids) == 0 {
		return nil
	}
	context := paras(
		sf("Each AWS region (%s) has an internet-facing network load balancer that infra creates, with a listener and a target group on ports 80 and 443; its DNS name is the region's origin for the global load balancer.", and(ids)),
		"EKS runs no ingress controller and registers no target by itself, so without something in the cluster the target groups stay empty and the region's origin never turns healthy. The cluster's API endpoint is private unless the topology names, in cluster.apiAccess, the networks infra runs from.",
	)
	decision := paras(
		sf("infra installs the ingress controller itself: ingress-nginx (%s, pinned by tag and digest), as Kubernetes objects written in Go and applied by infra's own resource %s over the EKS API with server-side apply, authenticated with a token of the deploy role that created the cluster (EKS made it cluster admin). The controller's Service is of type NodePort with fixed node ports: %s for HTTP, %s for HTTPS and %s for its health endpoint.", code("v1.13.2"), code("infra:kubernetes:Manifests"), code("30080"), code("30443"), code("30254")),
		"The target groups take instance targets on those node ports and are attached to every managed node group's Auto Scaling group, so EKS registers the nodes it launches and deregisters those it drains; they health-check the controller's /healthz on its node port. The cluster security group, which the nodes carry, admits the load balancer's security group on the three node ports and nothing else.",
	)
	alts := []Alternative{
		{"The AWS Load Balancer Controller binding pods to infra's target groups (TargetGroupBinding)", "a second controller to install and upgrade, with an IAM role through Pod Identity, and the TargetGroupBinding custom resources; the pod targets save a hop, but the controller is the more moving parts for the same outcome"},
		{"Service type LoadBalancer (a controller creates its own NLB)", "the load balancer, its name and its DNS name would appear only after a Kubernetes deploy, so the global load balancer could not name its origin in the same run, and the controller would need the permission to create and delete load balancers and security groups"},
		{"EKS Auto Mode, whose built-in load balancing replaces the controller", "it replaces the managed node groups this topology sizes per zone, and still needs the Kubernetes objects"},
	}
	pos := []string{
		"the load balancer and its DNS name exist from the first regional deploy, and the controller behind it from the same run, so its targets turn healthy on a fresh deploy and the controller answers the global load balancer's probe of /healthz",
		"no AWS permission for anything in the cluster: no OIDC provider, Pod Identity role or custom resource",
		"the objects are in the plan: kinds, names, namespaces, ports and the image digest show in a preview, and the simulator refuses objects the API would",
	}
	neg := []string{
		sf("infra must reach the EKS API: a cluster without %s keeps its endpoint private and gets no controller (validation warns where the global load balancer sends it traffic)", code("apiAccess")),
		"every request crosses kube-proxy, and may cross to a second node, before it reaches a controller pod",
		"TLS ends at the controller, which serves its own self-signed certificate until one for the hostname is installed: a health check over HTTPS that validates certificates fails until then",
		"attaching target groups to the Auto Scaling groups of EKS managed node groups is infra's doing, not an EKS feature (aws/containers-roadmap#728): a replaced node group gets a new attachment in the same run, as the attachment follows its Auto Scaling group's name",
		"the EKS token lasts 15 minutes and only the newest is used: a destroy long after the last deploy leaves the objects to the cluster's deletion",
	}
	items := []string{
		sf("where cluster.apiAccess lists networks, the ingress controller's objects (namespace %s, its service account, cluster role and role with their bindings, configuration, ingress class %s, NodePort Service, and a Deployment of two replicas spread over nodes), as one %s", code("ingress-nginx"), code("nginx"), code("infra:kubernetes:Manifests")),
		"per listener port, an instance target group on the node port, attached to each node group's Auto Scaling group",
		"ingress rules on the cluster security group from the load balancer's security group, on the three node ports",
		"a public API endpoint limited to cluster.apiAccess, when the topology lists networks there",
	}
	return []Record{{
		Key:            "ingress/aws",
		Title:          "Ingress of the EKS clusters: an ingress controller infra installs, on node ports the load balancer targets",
		Context:        context,
		Chosen:         "infra applies ingress-nginx over the EKS API and targets its node ports through the node groups' Auto Scaling groups",
		Decision:       decision,
		Alternatives:   alts,
		Positive:       pos,
		Negative:       neg,
		Implementation: stacksCreate("AWS", ids, items),
	}}
}

// regionCodes are the IDs of the cloud's regions, as code.
func (m *model) regionCodes(c topology.Cloud) []string {
	var ids []string
	for _, s := range m.sitesOf(c) {
		ids = append(ids, code(s.r.ID()))
	}
	return ids
}

// stacksCreate is an implementation section: what each regional stack of
// the cloud (ids, as code) creates.
func stacksCreate(cloud string, ids, items []string) string {
	return paras(sf("Each %s regional stack (%s) creates:", cloud, and(ids)), bullets(items))
}
