package aws

import (
	"infra/stacks/kubernetes"
	"infra/topology"
)

// healthIngress is the Ingress that answers the global load balancer's
// health check in an EKS cluster: GET /healthz for the hostname (the Host
// header CIS sends) and for the region's origin name (the one Route 53
// probes a load balancer's DNS name by, OriginName) goes to the
// controller's own health endpoint, which answers 200 while nginx runs.
// ingress-nginx's default server already answers /healthz for a host no
// Ingress routes (rootfs/etc/nginx/template/nginx.tmpl, server "_":
// "health checks in cloud providers require the use of port 80"), but
// once an Ingress of the user's routes the hostname, its server takes the
// path: this Ingress keeps it the controller's. An exact path beats the
// user's prefixes, as nginx matches "location = /healthz" first. None
// when the region is no origin, or the health check probes another path.
func (p *program) healthIngress() (kubernetes.Object, bool) {
	g := p.spec.Network.GlobalLoadBalancer
	if g == nil || g.HealthCheck.Path != topology.HealthPath || !p.spec.PoolMember(&p.r.Region) {
		return nil, false
	}
	path := map[string]any{"path": topology.HealthPath, "pathType": "Exact", "backend": map[string]any{"service": map[string]any{
		"name": controllerName + "-controller", "port": map[string]any{"number": controllerHealthPort}}}}
	var rules []any
	for _, host := range []string{g.Hostname, OriginName(g.Hostname, p.id)} {
		rules = append(rules, map[string]any{"host": host, "http": map[string]any{"paths": []any{path}}})
	}
	m := meta("glb-health", controllerNS)
	// No redirect to HTTPS once an Ingress of the user's gives the host TLS
	// ("By default the controller redirects (308) to HTTPS if TLS is
	// enabled for that ingress", ingress-nginx docs, annotations,
	// Server-side HTTPS enforcement through redirect; the host's server is
	// shared by every Ingress that names it): CIS expects 2xx and infra's
	// monitor follows no redirect.
	m["annotations"] = map[string]any{"nginx.ingress.kubernetes.io/ssl-redirect": "false"}
	return kubernetes.Object{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": m,
		"spec": map[string]any{"ingressClassName": "nginx", "rules": rules}}, true
}
