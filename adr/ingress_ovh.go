package adr

import (
	"infra/topology"
)

// ingressOVH is the decision of how the OVHcloud MKS clusters serve their
// region's ingress address: none when the topology has no OVH region.
func (m *model) ingressOVH() []Record {
	ids := m.regionCodes(topology.OVH)
	if len(ids) == 0 {
		return nil
	}
	context := paras(
		sf("Each OVH region (%s) reserves a public floating IP, %s, which the stack exports as its ingress address: the region's origin for the global load balancer, known before the cluster runs anything.", and(ids), code("<region>-ingress-ip")),
		"MKS runs no ingress controller, and nothing claims the address by itself: a region whose origin is that address never turns healthy. MKS does run OVHcloud's cloud controller manager, which makes a Public Cloud Load Balancer (OpenStack Octavia) for a Service of type LoadBalancer, behind the subnet's OVHcloud Gateway. The MKS API server is public, open to every address unless the cluster has IP restrictions.",
	)
	decision := paras(
		sf("infra installs ingress-nginx (%s, pinned by tag and digest, the same objects as on EKS) as one %s, applied over the MKS API with the admin client certificate OVHcloud returns for the cluster (%s). The controller's Service is of type LoadBalancer with %s set to the region's floating IP, so the cloud controller manager attaches that address to the load balancer it makes, and the annotations %s (the Public Cloud Load Balancer, the default from Kubernetes 1.31) and %s (the address is the stack's, not the Service's).", code("v1.13.2"), code("infra:kubernetes:Manifests"), code("kubeconfigAttributes"), code("spec.loadBalancerIP"), code("loadbalancer.ovhcloud.com/class: octavia"), code("loadbalancer.openstack.org/keep-floatingip: \"true\"")),
		"The Service carries ports 80 and 443 only; the controller's health endpoint, which also serves metrics, stays on a cluster-internal Service that infra's health-check Ingress routes to.",
	)
	alts := []Alternative{
		{"A load balancer of infra's (ovh_cloud_project_loadbalancer) with the nodes as members", "MKS adds and replaces nodes by itself, and infra would have to follow every node pool's members from outside the cluster; the cloud controller manager already does"},
		{"Let the cloud controller manager pick the floating IP", "the address would exist only after a Kubernetes deploy and change with every new load balancer, so the global load balancer could not name the origin in the same run, nor keep it across a flavor change"},
		{"The Octavia ingress controller", "it makes a load balancer per Ingress and needs OpenStack credentials in the cluster; ingress-nginx is what the EKS clusters run, one set of objects for both"},
	}
	pos := []string{
		"the origin's address exists from the first regional deploy, and the controller claims it in the same run: the global load balancer's health check passes on a fresh deploy",
		"the same controller and health route as on EKS, from one package: an Ingress of the user's behaves the same in either cloud",
		"no OpenStack credential in the cluster: the cloud controller manager is OVHcloud's",
	}
	neg := []string{
		"the load balancer is the cloud controller manager's, not the stack's: it is billed by flavor (small, the default) and is absent from the plan and the cost estimate",
		"spec.loadBalancerIP is deprecated in Kubernetes (since 1.24), though OVHcloud's guide and the OpenStack cloud controller manager still honour it",
		"a destroy waits, up to the apply timeout, for the cloud controller manager to remove the load balancer and free the floating IP before the stack deletes the address; a cloud controller that never does fails the destroy there",
		"the MKS API is open to every address: the topology has no apiAccess for OVH clusters, so infra sets no IP restrictions",
	}
	items := []string{
		sf("the ingress controller's objects (namespace %s, its service account, cluster role and role with their bindings, configuration, ingress class %s, the LoadBalancer Service on the floating IP, a ClusterIP Service for the health endpoint, and a Deployment of two replicas spread over nodes), as the Manifests resource %s, after the node pools", code("ingress-nginx"), code("nginx"), code("<region>-ingress-controller")),
		sf("for a member of a global load balancer pool whose health check probes %s, the Ingress %s with them", code(topology.HealthPath), code("glb-health")),
	}
	return []Record{{
		Key:            "ingress/ovh",
		Title:          "Ingress of the OVH MKS clusters: an ingress controller infra installs, on the region's floating IP",
		Context:        context,
		Chosen:         "infra applies ingress-nginx over the MKS API, its LoadBalancer Service on the floating IP the stack reserves",
		Decision:       decision,
		Alternatives:   alts,
		Positive:       pos,
		Negative:       neg,
		Implementation: stacksCreate("OVH", ids, items),
	}}
}
