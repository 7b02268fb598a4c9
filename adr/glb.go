package adr

import (
	"strings"
	"time"

	"infra/topology"
)

// steeringMeaning is clouds.md §2.5 (CIS) with Route 53's equivalents.
func steeringMeaning(provider, s string) string {
	if provider == "route53" {
		return map[string]string{
			"dynamic_latency": "latency records: each client is answered with the lowest-latency healthy region",
			"geo":             "geolocation records: each pool serves the locations mapped to it",
			"off":             "failover records: the first healthy pool in order",
		}[s]
	}
	return map[string]string{
		"off":             "failover in pool order; the fallback pool only when all are unhealthy",
		"geo":             "region pools: clients are sent to the pool of their CIS region",
		"random":          "a random healthy pool; the fallback pool can get traffic while others are healthy",
		"dynamic_latency": "the pool with the lowest round-trip time, an EWMA measured by the health checks",
	}[s]
}

func (m *model) glb() Record {
	g := m.spec.Network.GlobalLoadBalancer
	if g == nil {
		n := len(m.sites)
		pos := []string{"no DNS zone, monitors or pools to pay for"}
		if n == 1 {
			pos = append(pos, "with one region there is nothing to steer between")
		}
		return Record{
			Key: "glb", Title: "No global load balancer",
			Context:  sf("The topology has %s and does not set `network.globalLoadBalancer`.", plural(n, "region")),
			Chosen:   "no global load balancer",
			Decision: "Each region's ingress load balancer is reached on its own address; infra manages no global hostname.",
			Alternatives: []Alternative{
				{"IBM CIS global load balancer", "one hostname over every region's ingress, with health checks and a fallback pool"},
				{"Route 53 latency or failover records", "the same on AWS's DNS"},
			},
			Positive:       pos,
			Negative:       []string{"a region's failure is not steered around: clients keep using its address until someone changes DNS"},
			Implementation: "Nothing: each regional stack's ingress load balancer stands alone.",
		}
	}
	h := g.HealthCheck
	var rows [][]string
	covered := 0
	var single []string
	for _, p := range g.Pools {
		geo := "—"
		if len(p.Geo) > 0 {
			geo = strings.Join(p.Geo, ", ")
			covered += len(p.Geo)
		}
		role := "default"
		if p.Name == g.Fallback {
			role = "default, fallback"
		}
		rows = append(rows, []string{p.Name, strings.Join(p.Members, ", "), geo, role})
		if len(p.Members) == 1 {
			single = append(single, p.Name)
		}
	}
	cis := topology.CISRegions()
	detect := secs(h.Interval.Duration + time.Duration(h.Retries+1)*h.Timeout.Duration)
	providerName := map[string]string{"ibm-cis": "IBM Cloud Internet Services (CIS)", "route53": "Amazon Route 53"}[g.Provider]
	context := paras(
		sf("The platform serves %s from %s. The topology asks for %s with %s steering (%s).", code(g.Hostname), plural(m.members(), "region"), providerName, code(g.Steering), steeringMeaning(g.Provider, g.Steering)),
		table([]string{"Pool", "Members", "Geo", "Role"}, rows),
		sf("Health check: %s on port %d, path %s, every %s, timeout %s, %s.", strings.ToUpper(h.Protocol), h.Port, code(h.Path), secs(h.Interval.Duration), secs(h.Timeout.Duration), plural(h.Retries, "retry")),
	)
	var alts []Alternative
	allowed := []string{"dynamic_latency", "geo", "off", "random"}
	if g.Provider == "route53" {
		allowed = []string{"dynamic_latency", "geo", "off"}
	}
	for _, s := range allowed {
		if s != g.Steering {
			alts = append(alts, Alternative{sf("%s steering", code(s)), steeringMeaning(g.Provider, s)})
		}
	}
	if g.Provider == "ibm-cis" {
		alts = append(alts, Alternative{"Route 53", "AWS's DNS: latency, geolocation and failover records with health checks, but no random steering"})
	} else {
		alts = append(alts, Alternative{"IBM CIS", "a Cloudflare-based global load balancer with origin pools, region pools and a fallback pool"})
	}
	alts = append(alts, Alternative{"DNS round robin", "no health checks: a failed region keeps receiving its share of clients"})

	pos := []string{
		sf("an origin that stops answering is marked unhealthy within about %s (interval %s + %d attempts × timeout %s), and traffic moves to the healthy pools", detect, secs(h.Interval.Duration), h.Retries+1, secs(h.Timeout.Duration)),
		sf("when every pool is unhealthy, traffic still goes to the fallback pool %s", code(g.Fallback)),
	}
	neg := []string{"steering happens in DNS: clients that cached an answer keep using it until its TTL expires"}
	if g.Steering == "geo" {
		pos = append(pos, sf("clients in %d of the %d geo regions (%s) are steered to a chosen pool", covered, len(cis), and(geoCodes(g.Pools))))
		neg = append(neg, sf("clients in the other %d geo regions get the default pool order, whatever their distance", len(cis)-covered))
	}
	if g.Steering == "dynamic_latency" {
		pos = append(pos, "each client gets the pool that answers it fastest, measured, not assumed from geography")
		if covered > 0 {
			neg = append(neg, sf("the pools' geo lists (%d regions) take effect only if steering is switched to geo", covered))
		}
	}
	if g.Steering == "random" {
		neg = append(neg, "the fallback pool can receive traffic while other pools are healthy")
	}
	if g.Steering == "off" {
		var order []string
		for _, p := range m.glbm.FailoverOrder() {
			order = append(order, code(p.Name))
		}
		pos = append(pos, sf("failover is predictable: pools take traffic in the order %s", strings.Join(order, " → ")))
		neg = append(neg, "every client goes to the first healthy pool, however far it is")
	}
	if len(single) > 0 {
		neg = append(neg, sf("pool %s has a single member: one regional failure empties it", and(single)))
	}
	var items []string
	if g.Provider == "ibm-cis" {
		items = []string{
			"a CIS instance and the domain of " + code(g.Hostname),
			sf("a health monitor: %s %s:%d every %s, timeout %s, %s", strings.ToUpper(h.Protocol), h.Path, h.Port, secs(h.Interval.Duration), secs(h.Timeout.Duration), plural(h.Retries, "retry")),
			sf("%s, whose origins are the member regions' ingress load balancers", plural(len(g.Pools), "origin pool")),
			sf("the global load balancer for %s: steering %s, default pools %s, fallback pool %s", code(g.Hostname), code(g.Steering), and(poolNames(g.Pools)), code(g.Fallback)),
		}
		if covered > 0 {
			items = append(items, sf("region pools for %s", and(geoCodes(g.Pools))))
		}
	} else {
		kind := map[string]string{"dynamic_latency": "latency", "geo": "geolocation", "off": "failover"}[g.Steering]
		records := kind + " records"
		if g.Steering == "geo" {
			records = plural(len(m.glbm.Geolocations()), "geolocation record") + " (one per location the pools' codes stand for, plus the default)"
		}
		items = []string{
			sf("a Route 53 health check per member region (%s, %s %s:%d every %s)", plural(m.members(), "region"), strings.ToUpper(h.Protocol), h.Path, h.Port, secs(h.Interval.Duration)),
			sf("%s for %s over the pools' ingress load balancers in zone %s, with %s as the failover target", records, code(g.Hostname), code(m.glbm.Zone), code(g.Fallback)),
		}
	}
	return Record{
		Key:            "glb",
		Title:          sf("Global load balancing of %s with %s steering", g.Hostname, g.Steering),
		Context:        context,
		Chosen:         sf("%s, %s steering, %s, fallback %s", g.Provider, g.Steering, plural(len(g.Pools), "pool"), g.Fallback),
		Decision:       sf("Serve %s through %s with %s steering over %s (%s); fall back to %s when every pool is unhealthy.", code(g.Hostname), providerName, code(g.Steering), plural(len(g.Pools), "pool"), and(poolNames(g.Pools)), code(g.Fallback)),
		Alternatives:   alts,
		Positive:       pos,
		Negative:       neg,
		Implementation: paras(sf("The %s stack, given every member region's ingress address, creates:", code("glb")), bullets(items)),
	}
}

// members counts distinct pool members.
func (m *model) members() int { return len(m.glbm.Origins) }

func poolNames(ps []*topology.Pool) []string {
	var out []string
	for _, p := range ps {
		out = append(out, code(p.Name))
	}
	return out
}

func geoCodes(ps []*topology.Pool) []string {
	var out []string
	for _, p := range ps {
		for _, c := range p.Geo {
			out = append(out, c+" → "+p.Name)
		}
	}
	return out
}

// secs renders a duration in seconds, the unit health checks are set in.
func secs(d time.Duration) string {
	if d%time.Second != 0 {
		return d.String()
	}
	return sf("%d s", int64(d/time.Second))
}
