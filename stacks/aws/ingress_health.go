package aws

import (
	"infra/stacks/kubernetes"
	"infra/topology"
)

// healthIngress is the Ingress that answers the global load balancer's
// health check in an EKS cluster (ingressnginx.Service.HealthIngress), for
// the hostname (the Host header CIS sends) and for the region's origin
// name (the one Route 53 probes a load balancer's DNS name by,
// OriginName). None when the region is no origin, or the health check
// probes another path.
func (p *program) healthIngress() (kubernetes.Object, bool) {
	g := p.spec.Network.GlobalLoadBalancer
	if g == nil || g.HealthCheck.Path != topology.HealthPath || !p.spec.PoolMember(&p.r.Region) {
		return nil, false
	}
	return controllerService.HealthIngress(g.Hostname, OriginName(g.Hostname, p.id)), true
}
