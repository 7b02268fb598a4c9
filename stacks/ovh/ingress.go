package ovh

import (
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/ovh/pulumi-ovh/sdk/v2/go/ovh/cloudproject"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/kubernetes"
	"infra/stacks/kubernetes/ingressnginx"
	"infra/topology"
)

// ingressIPValue is the Manifests value (kubernetes.Placeholder) the
// region's ingress floating IP fills in: OVHcloud assigns the address.
const ingressIPValue = "ingressIP"

// lbAnnotations configure the load balancer MKS's cloud controller
// manager makes for the controller's Service ("Expose your applications
// using OVHcloud Public Cloud Load Balancer", docs.ovh.com guide
// public_cloud/containers_orchestration/managed_kubernetes/
// expose_your_applications_using_a_load_balancer, "Supported service
// annotations"):
//   - the Public Cloud Load Balancer (Octavia), which is the default from
//     Kubernetes 1.31 on and must be asked for before ("not required for
//     cluster running kubernetes versions >= 1.31");
//   - keep-floatingip: the floating IP is the stack's (ingress-ip), so the
//     controller manager must not release it with the Service ("If 'true',
//     the floating IP will NOT be deleted upon load balancer deletion").
//
// The flavor is the default, small.
var lbAnnotations = map[string]any{
	"loadbalancer.ovhcloud.com/class":            "octavia",
	"loadbalancer.openstack.org/keep-floatingip": "true",
}

// controllerService is how the controller's Service exposes it in MKS: a
// LoadBalancer on the region's floating IP. The address is
// spec.loadBalancerIP, the way the guide moves a load balancer's floating
// IP to a new Service ("Resize your LoadBalancer": "loadBalancerIP: Use
// the IP address from the previous service"; the controller manager
// attaches an existing floating IP of the project to the load balancer it
// makes). The Octavia health monitor probes the node ports, so the health
// endpoint stays inside the cluster.
func controllerService() ingressnginx.Service {
	return ingressnginx.Service{Type: "LoadBalancer", LoadBalancerIP: kubernetes.Placeholder(ingressIPValue), Annotations: lbAnnotations}
}

// ingressObjects are the objects applied to the cluster: the controller
// and, when the region is an origin of the global load balancer and its
// health check probes infra's path, the Ingress that answers it for the
// hostname (the Host header CIS and Route 53 send to an address origin).
func ingressObjects(spec *topology.Spec, r *topology.Region) []kubernetes.Object {
	svc := controllerService()
	objs := svc.Objects()
	if g := spec.Network.GlobalLoadBalancer; g != nil && g.HealthCheck.Path == topology.HealthPath && spec.PoolMember(r) {
		objs = append(objs, svc.HealthIngress(g.Hostname))
	}
	return objs
}

// ingressController installs the ingress controller in the cluster over
// its API, with the admin client certificate OVHcloud returns for the
// cluster (kubeconfigAttributes, base64 PEM: terraform-provider-ovh
// examples/resources/cloud_managed_kubernetes/example_4.tf decodes them
// for the helm provider). The MKS API server is public, open to every
// address unless the cluster has IP restrictions
// (ovh_cloud_project_kube_iprestrictions), which infra sets none of: the
// topology has no apiAccess for OVH clusters. after is what must run
// first: the node pools, for the controller's pods to be scheduled.
func (p *program) ingressController(kube *cloudproject.Kube, ip pulumi.StringOutput, after []pulumi.Resource) error {
	_, err := kubernetes.NewManifests(p.ctx, p.name("ingress-controller"), &kubernetes.ManifestsArgs{
		Cluster:    p.id,
		Server:     kube.Url.ApplyT(apiURL).(pulumi.StringOutput),
		CACert:     p.credential(kube, "clusterCaCertificate", func(a cloudproject.KubeKubeconfigAttribute) *string { return a.ClusterCaCertificate }),
		ClientCert: p.credential(kube, "clientCertificate", func(a cloudproject.KubeKubeconfigAttribute) *string { return a.ClientCertificate }),
		ClientKey:  p.credential(kube, "clientKey", func(a cloudproject.KubeKubeconfigAttribute) *string { return a.ClientKey }),
		Objects:    ingressObjects(p.spec, &p.r.Region),
		Values:     pulumi.StringMap{ingressIPValue: ip},
	}, pulumi.DependsOn(after))
	return err
}

// credential is one of the cluster's kubeconfigAttributes, the base64 of
// a PEM certificate or key, decoded.
func (p *program) credential(kube *cloudproject.Kube, key string, pick func(cloudproject.KubeKubeconfigAttribute) *string) pulumi.StringOutput {
	return kube.KubeconfigAttributes.ApplyT(func(as []cloudproject.KubeKubeconfigAttribute) (string, error) {
		if len(as) == 0 || pick(as[0]) == nil {
			return "", fmt.Errorf("%s: OVHcloud returned no kubeconfigAttributes.%s for the cluster", p.id, key)
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(*pick(as[0])))
		if err != nil {
			return "", fmt.Errorf("%s: the cluster's kubeconfigAttributes.%s: %w", p.id, key, err)
		}
		return string(b), nil
	}).(pulumi.StringOutput)
}
