package hetzner

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/kubernetes"
	"infra/topology"
)

// healthRoutePriority ranks infra's health route above the user's routes
// for the hostname, whatever their length (Traefik ranks routes by the
// length of their rule unless a priority is set: doc.traefik.io, routing,
// routers, priority).
const healthRoutePriority = 1000000

// healthRoute answers the global load balancer's health check in the k3s
// cluster, whose ingress is the Traefik k3s packages (docs.k3s.io,
// networking, Traefik Ingress Controller), behind the ingress load
// balancer. Traefik answers 404 for a route it lacks, so a fresh cluster
// would fail the check: this IngressRoute sends GET /healthz for the
// hostname to Traefik's own ping handler, ping@internal, which answers 200
// OK while Traefik runs (the Traefik chart enables it, --ping=true in
// traefik-helm-chart templates/_podtemplate.tpl, and routes to it the same
// way in templates/healthcheck-ingressroute.yaml; traefik pkg/ping/ping.go
// answers whatever the path). The route listens on the entry point of the
// health check's protocol: web (port 80) for http, websecure (443) for
// https. Nothing when the region is no origin, or the health check probes
// a path of the user's.
func (p *program) healthRoute(ca *ClusterCA, publics []pulumi.StringOutput, after []pulumi.Resource) error {
	obj, ok := healthRouteObject(p.spec, &p.r.Region)
	if !ok {
		return nil
	}
	args := p.clusterAPI(ca, publics)
	args.Objects = []kubernetes.Object{obj}
	_, err := kubernetes.NewManifests(p.ctx, p.name("glb-health"), args, pulumi.DependsOn(append(after, p.net)))
	return err
}

// healthRouteObject is the IngressRoute healthRoute applies, if the
// region needs one.
func healthRouteObject(spec *topology.Spec, r *topology.Region) (kubernetes.Object, bool) {
	g := spec.Network.GlobalLoadBalancer
	if g == nil || g.HealthCheck.Path != topology.HealthPath || !spec.PoolMember(r) {
		return nil, false
	}
	route := map[string]any{
		"match":    fmt.Sprintf("Host(`%s`) && Path(`%s`)", g.Hostname, topology.HealthPath),
		"kind":     "Rule",
		"priority": healthRoutePriority,
		"services": []any{map[string]any{"name": "ping@internal", "kind": "TraefikService"}},
	}
	rs := map[string]any{"entryPoints": []any{"web"}, "routes": []any{route}}
	if g.HealthCheck.Protocol == "https" {
		rs["entryPoints"] = []any{"websecure"}
		rs["tls"] = map[string]any{}
	}
	return kubernetes.Object{
		"apiVersion": "traefik.io/v1alpha1", "kind": "IngressRoute",
		// kube-system: where k3s runs Traefik, a namespace every cluster has.
		"metadata": map[string]any{"name": "glb-health", "namespace": "kube-system",
			"labels": map[string]any{"app.kubernetes.io/managed-by": "infra"}},
		"spec": rs,
	}, true
}
