package adr

import (
	"strings"

	"infra/topology"
)

// glbHealth is the decision of what the global load balancer's health
// check asks of the origins, and what answers it on each cloud: none when
// the topology has no global load balancer.
func (m *model) glbHealth() []Record {
	g := m.spec.Network.GlobalLoadBalancer
	if g == nil {
		return nil
	}
	h := g.HealthCheck
	byCloud := map[topology.Cloud][]string{}
	for _, o := range m.glbm.Origins {
		byCloud[o.Cloud] = append(byCloud[o.Cloud], code(o.ID))
	}
	var answer []string
	if ids := byCloud[topology.AWS]; len(ids) > 0 {
		answer = append(answer, sf("AWS (%s): an Ingress of infra's sends %s for the hostname, and for the region's origin name Route 53 probes by, to ingress-nginx's own health endpoint (port 10254), which answers 200 while nginx runs; it needs the cluster's %s, as the controller does", and(ids), code("GET /healthz"), code("apiAccess")))
	}
	if ids := byCloud[topology.Hetzner]; len(ids) > 0 {
		answer = append(answer, sf("Hetzner (%s): a Traefik IngressRoute of infra's, applied over the k3s API as the hcloud Secret is, sends %s for the hostname to Traefik's ping handler (%s), which answers 200 while Traefik runs", and(ids), code("GET /healthz"), code("ping@internal")))
	}
	if ids := byCloud[topology.IBM]; len(ids) > 0 {
		answer = append(answer, sf("IBM (%s): the cluster's Ingress ALB, IBM's build of ingress-nginx, answers %s on its default server for a hostname no Ingress routes; infra applies nothing in IKS clusters", and(ids), code("/healthz")))
	}
	if ids := byCloud[topology.OVH]; len(ids) > 0 {
		answer = append(answer, sf("OVH (%s): the same Ingress of infra's as on AWS, for the hostname, in front of the ingress-nginx infra installs on the region's floating IP (ADR %s)", and(ids), code("ingress/ovh")))
	}
	provider := map[string]string{
		"ibm-cis": "CIS monitors validate the origin's certificate over HTTPS (allow_insecure false)",
		"route53": "Route 53 judges only the status code over HTTPS: it retries a handshake whose certificate lacks the name without SNI, and does not fail it",
	}[g.Provider]
	context := paras(
		sf("The global load balancer (%s) probes every origin with %s %s on port %d, sending %s as the Host header. %s.", code(g.Provider), strings.ToUpper(h.Protocol), code(h.Path), h.Port, code(g.Hostname), provider),
		"On a fresh deploy no origin serves a certificate for the hostname: infra installs none, and the ingress controllers present their own self-signed one. The origins are load balancers that pass TCP on ports 80 and 443 to the clusters' ingress controllers, which answer by Host header and path: ingress-nginx's default server answers /healthz for a host no Ingress routes, and Traefik answers 404 for any route it lacks. The first default, HTTPS on port 443, left every origin unhealthy behind CIS.",
	)
	decision := paras(
		sf("The health check defaults to plain HTTP on port 80 and path %s, and infra makes every origin it can answer it on the first deploy:", code(topology.HealthPath)),
		bullets(answer),
		sf("%s on the hostname is infra's on the clusters it routes it in. A check of the application instead is a path of the user's (healthCheck.path), which infra does not route and the user's Ingress must serve in every member region; validation warns about it, about a port other than 80 for HTTP or 443 for HTTPS (an error: nothing listens there), and about HTTPS through CIS while no origin has a certificate.", code(topology.HealthPath)),
	)
	alts := []Alternative{
		{"HTTPS with a certificate from ACM on a TLS listener of each AWS network load balancer", "covers the AWS origins only (IBM's and Hetzner's have no ACM), moves TLS off the ingress controller for every client, and ACM's DNS validation needs records in the zone of the hostname before the first deploy"},
		{"cert-manager with ACME HTTP-01 in every cluster", "the challenge for the hostname is fetched by the CA through the global load balancer's DNS steering, which can send its validators (several vantage points) to another region's origin, which lacks that region's token: issuance fails at random; DNS-01 would put credentials for the CIS or Route 53 zone in every cluster"},
		{"Cloudflare origin certificates from CIS", "only Cloudflare's proxy trusts them; this load balancer answers in DNS only (not proxied), so clients reach the origins directly and would reject them"},
		{"allowInsecure: true on the CIS monitor", "the check would pass on any certificate, including a wrong or forged one, while the configuration reads as a validated HTTPS check; infra never sets it silently"},
		{"A TCP check on port 443", "proves the load balancer accepts connections, not that an ingress controller answers behind it (Hetzner's load balancer accepts them itself)"},
	}
	pos := []string{
		"every origin is healthy on a fresh deploy, with no certificate to issue or renew",
		"the check goes the clients' way: load balancer, node, ingress controller; a region whose load balancer, nodes or controller is down fails it",
		"infra's routes keep answering once the user's Ingress routes the hostname (an exact path on ingress-nginx, a higher priority on Traefik)",
	}
	neg := []string{
		"the probe is plain HTTP: an origin whose certificate for the hostname is missing, expired or wrong still passes it",
		"the check measures the region's ingress, not the application: set healthCheck.path to a path the application serves to steer on its health",
		sf("on IBM, once an Ingress of the user's routes the hostname, %s is the user's to serve there: infra applies nothing in IKS clusters", code(topology.HealthPath)),
		"a redirect of all HTTP to HTTPS at the controller (a Traefik entry-point redirection, ingress-nginx's ssl-redirect in its ConfigMap) fails the check: the monitor expects 2xx and follows no redirect",
	}
	var items []string
	for _, o := range m.glbm.Origins {
		switch o.Cloud {
		case topology.AWS:
			if x := topology.EntryOf(m.spec.Clouds.AWS.Regions, m.region(o.ID)); x == nil || len(x.Cluster.APIAccess) == 0 {
				continue // no controller either: validation warned
			}
			items = append(items, sf("%s: the Ingress %s in namespace %s, with the ingress controller's objects", code(o.ID), code("glb-health"), code("ingress-nginx")))
		case topology.OVH:
			items = append(items, sf("%s: the Ingress %s in namespace %s, with the ingress controller's objects", code(o.ID), code("glb-health"), code("ingress-nginx")))
		case topology.Hetzner:
			items = append(items, sf("%s: the IngressRoute %s in namespace %s, as the Manifests resource %s", code(o.ID), code("glb-health"), code("kube-system"), code(o.ID+"-glb-health")))
		}
	}
	impl := sf("The %s stack's monitor or health checks probe %s %s on port %d with Host %s.", code("glb"), strings.ToUpper(h.Protocol), code(h.Path), h.Port, code(g.Hostname))
	if h.Path == topology.HealthPath && len(items) > 0 {
		impl = paras(impl, "Regional stacks create:", bullets(items))
	}
	chosen := sf("%s on port %d, path %s, routed by infra to the ingress controllers' health endpoints", strings.ToUpper(h.Protocol), h.Port, h.Path)
	if h.Path != topology.HealthPath {
		chosen = sf("%s on port %d, path %s, served by the user's Ingress", strings.ToUpper(h.Protocol), h.Port, h.Path)
	}
	title := sf("Health check of the global load balancer's origins: %s to %s, answered by each region's ingress", strings.ToUpper(h.Protocol), h.Path)
	return []Record{{Key: "glb/health-check", Title: title, Context: context, Chosen: chosen, Decision: decision,
		Alternatives: alts, Positive: pos, Negative: neg, Implementation: impl}}
}

// region is the spec's region of a region ID.
func (m *model) region(id string) *topology.Region {
	for _, s := range m.sites {
		if s.r.ID() == id {
			return s.r
		}
	}
	return nil
}
