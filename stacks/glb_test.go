package stacks_test

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"testing"

	"infra/plan"
	"infra/stacks"
	"infra/topology"
)

const (
	cisPool    = "infra:ibm:CisOriginPool"
	cisLB      = "infra:ibm:CisGlobalLoadBalancer"
	r53Record  = "aws:route53/record:Record"
	r53Health  = "aws:route53/healthCheck:HealthCheck"
	r53Zone    = "aws:route53/zone:Zone"
	glbRegions = `name: t
tags: {Owner: me}
clouds:
  aws:
    regions:
      - {region: us-east-1, environment: prod}
      - {region: eu-west-1, environment: prod}
  hetzner:
    regions:
      - {region: nbg1, environment: prod}
      - {region: hel1, environment: prod}
network:
  globalLoadBalancer:
    hostname: www.example.net
`
)

func TestCISOfMulticloud(t *testing.T) {
	p, g := planOf(t, "../examples/multicloud.yaml")
	inst := named(t, g, "ibm-cis")
	if in(inst, "plan") != "standard-next" || in(inst, "resourceGroup") != "acme-platform-prod" {
		t.Errorf("CIS instance %v", inst.Inputs)
	}
	if d := named(t, g, "ibm-cis-domain"); in(d, "domain") != "example.com" {
		t.Errorf("domain %v", d.Inputs)
	}
	// The monitor is the spec's health check: HTTP on 80 by default, which
	// every origin answers (ADR glb/health-check); certificates would be
	// validated over HTTPS.
	hc := named(t, g, "ibm-cis-health-check")
	for k, want := range map[string]string{"type": "http", "port": "80", "allowInsecure": "false", "path": "/healthz", "interval": "60", "timeout": "5", "retries": "3", "header": "map[Host:[app.example.com]]"} {
		if in(hc, k) != want {
			t.Errorf("health check %s = %s, want %s", k, in(hc, k), want)
		}
	}
	// One pool per spec pool, its origins the members' ingress addresses.
	pools := map[string][]string{"us": {"ibm-us-south-prod", "aws-us-east-1-prod"}, "eu": {"ovh-gra11-prod", "hetzner-nbg1-prod", "hetzner-fsn1-prod"}}
	checks := map[string]string{"us": "[WNAM ENAM]", "eu": "[WEU]"}
	if n := len(ofType(g, cisPool)); n != 2 {
		t.Errorf("%d origin pools, want 2", n)
	}
	for name, members := range pools {
		pool := named(t, g, "ibm-cis-pool-"+name)
		origins := pool.Inputs["origins"].([]any)
		if len(origins) != len(members) {
			t.Fatalf("pool %s has %d origins, want %v", name, len(origins), members)
		}
		for i, m := range members {
			o := origins[i].(map[string]any)
			want := output(t, p, m, "ingressAddress")
			if o["name"] != m || o["address"] != want || want == "" {
				t.Errorf("pool %s origin %d = %v, want %s at %v", name, i, o, m, want)
			}
		}
		if in(pool, "checkRegions") != checks[name] || in(pool, "monitor") == "" {
			t.Errorf("pool %s: %v", name, pool.Inputs)
		}
	}
	lb := named(t, g, "ibm-cis-glb")
	us, eu := poolID(t, g, 0), poolID(t, g, 1)
	if got := in(lb, "defaultPools"); got != fmt.Sprint([]string{us, eu}) {
		t.Errorf("default pools %s, want us then eu", got)
	}
	if in(lb, "fallbackPool") != eu || in(lb, "steeringPolicy") != "dynamic_latency" || in(lb, "name") != "app.example.com" || in(lb, "proxied") != "false" {
		t.Errorf("load balancer %v", lb.Inputs)
	}
	if got, want := in(lb, "regionPools"), fmt.Sprintf("map[ENAM:[%s] WEU:[%s] WNAM:[%s]]", us, eu, us); got != want {
		t.Errorf("region pools %s, want %s", got, want)
	}
	if ns := g.Outputs[stacks.GLBNameServersOutput]; fmt.Sprint(ns) == plan.Unknown || len(ns.([]any)) == 0 {
		t.Errorf("name servers %v", ns)
	}
}

// poolID is the id of the i-th pool in spec order, as the load balancer's
// default pools list them.
func poolID(t *testing.T, g *plan.Stack, i int) string {
	t.Helper()
	return fmt.Sprint(named(t, g, "ibm-cis-glb").Inputs["defaultPools"].([]any)[i])
}

func TestCISWithoutIBMRegions(t *testing.T) {
	_, g := planOf(t, glbRegions+`    pools:
      - {name: a, members: [aws/us-east-1], geo: [ENAM]}
      - {name: b, members: [hetzner/nbg1, aws/eu-west-1], geo: [WEU]}
    fallback: a
`)
	if rg := in(named(t, g, "ibm-cis"), "resourceGroup"); rg != "Default" {
		t.Errorf("CIS instance in group %s, want the account's Default", rg)
	}
	if lb := named(t, g, "ibm-cis-glb"); in(lb, "fallbackPool") != poolID(t, g, 0) {
		t.Errorf("fallback %s", in(lb, "fallbackPool"))
	}
}

// records lists a stack's Route 53 records at name as "setIdentifier>target".
func records(g *plan.Stack, name string) []string {
	var out []string
	for _, r := range ofType(g, r53Record) {
		if in(r, "name") == name {
			out = append(out, fmt.Sprintf("%v>%v", r.Inputs["setIdentifier"], r.Inputs["records"].([]any)[0]))
		}
	}
	sort.Strings(out)
	return out
}

func TestRoute53Geo(t *testing.T) {
	p, g := planOf(t, "../examples/ipam.yaml")
	zone := ofType(g, r53Zone)
	if len(zone) != 1 || in(zone[0], "name") != "acme-platform.net" {
		t.Fatalf("zones %v", names(zone))
	}
	// A health check per member, a calculated one per pool.
	if n := len(ofType(g, r53Health)); n != 7+2 {
		t.Errorf("%d health checks, want 9", n)
	}
	// IP origins get an A record and are probed by address, presenting
	// the hostname; DNS-name origins get a CNAME under the hostname and are
	// probed by that name, not by the load balancer's own.
	hc := named(t, g, "route53-health-hetzner-nbg1-prod")
	if in(hc, "ipAddress") != output(t, p, "hetzner-nbg1-prod", "ingressAddress") || in(hc, "fqdn") != "edge.acme-platform.net" || in(hc, "requestInterval") != "30" || in(hc, "failureThreshold") != "3" ||
		in(hc, "type") != "HTTP" || in(hc, "port") != "80" || in(hc, "resourcePath") != "/healthz" {
		t.Errorf("Hetzner health check %v", hc.Inputs)
	}
	if hc := named(t, g, "route53-health-ovh-de1-prod"); in(hc, "ipAddress") != output(t, p, "ovh-de1-prod", "ingressAddress") || in(hc, "fqdn") != "edge.acme-platform.net" {
		t.Errorf("OVH health check %v", hc.Inputs)
	}
	if hc := named(t, g, "route53-health-aws-eu-west-1-prod"); in(hc, "fqdn") != "aws-eu-west-1-prod.origin.edge.acme-platform.net" || hc.Inputs["ipAddress"] != nil {
		t.Errorf("AWS health check %v", hc.Inputs)
	}
	if c := named(t, g, "route53-origin-aws-eu-west-1-prod"); in(c, "type") != "CNAME" || in(c, "name") != "aws-eu-west-1-prod.origin.edge.acme-platform.net" ||
		fmt.Sprint(c.Inputs["records"]) != fmt.Sprint([]any{output(t, p, "aws-eu-west-1-prod", "ingressAddress")}) {
		t.Errorf("AWS origin record %v", c.Inputs)
	}
	a := named(t, g, "route53-origin-hetzner-nbg1-prod")
	if in(a, "type") != "A" || in(a, "name") != "hetzner-nbg1-prod.origin.edge.acme-platform.net" {
		t.Errorf("origin record %v", a.Inputs)
	}
	if got := records(g, "central.pool.edge.acme-platform.net"); !slices.Equal(got, []string{
		"aws-eu-central-1-prod>" + fmt.Sprint(output(t, p, "aws-eu-central-1-prod", "ingressAddress")),
		"hetzner-nbg1-prod>hetzner-nbg1-prod.origin.edge.acme-platform.net",
		"ibm-eu-de-prod>" + fmt.Sprint(output(t, p, "ibm-eu-de-prod", "ingressAddress")),
		"ovh-de1-prod>ovh-de1-prod.origin.edge.acme-platform.net",
	}) {
		t.Errorf("pool central records %v", got)
	}
	// central is steered EEU (countries), west WEU (the rest of Europe),
	// and everything else gets the pools in failover order.
	got := records(g, "edge.acme-platform.net")
	want := []string{"continent-eu>west.pool.edge.acme-platform.net", "default>failover.edge.acme-platform.net"}
	for _, c := range strings.Fields("bg by cz hu md pl ro ru sk ua") {
		want = append(want, c+">central.pool.edge.acme-platform.net")
	}
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("geo records\n got %v\nwant %v", got, want)
	}
	if got := records(g, "failover.edge.acme-platform.net"); !slices.Equal(got, []string{"central>central.pool.edge.acme-platform.net", "rest>west.pool.edge.acme-platform.net"}) {
		t.Errorf("failover chain %v", got)
	}
	pl := named(t, g, "route53-geo-pl")
	if in(pl, "geolocationRoutingPolicies") != "[map[country:PL]]" || in(pl, "healthCheckId") != in(named(t, g, "route53-failover-0-primary"), "healthCheckId") {
		t.Errorf("PL record %v", pl.Inputs)
	}
	if ns := g.Outputs[stacks.GLBNameServersOutput].([]any); len(ns) != 4 {
		t.Errorf("name servers %v", ns)
	}
}

func TestRoute53Off(t *testing.T) {
	// The fallback is listed first: it still comes last in the chain.
	_, g := planOf(t, glbRegions+`    provider: route53
    steering: "off"
    pools:
      - {name: c, members: [hetzner/hel1]}
      - {name: a, members: [aws/us-east-1]}
      - {name: b, members: [hetzner/nbg1, aws/eu-west-1]}
    fallback: c
`)
	if got := records(g, "www.example.net"); !slices.Equal(got, []string{"a>a.pool.www.example.net", "rest>failover-1.www.example.net"}) {
		t.Errorf("first level %v", got)
	}
	if got := records(g, "failover-1.www.example.net"); !slices.Equal(got, []string{"b>b.pool.www.example.net", "rest>c.pool.www.example.net"}) {
		t.Errorf("second level %v", got)
	}
	sec := named(t, g, "route53-failover-1-secondary")
	if _, ok := sec.Inputs["healthCheckId"]; ok || in(sec, "failoverRoutingPolicies") != "[map[type:SECONDARY]]" {
		t.Errorf("the last resort is health-checked or not secondary: %v", sec.Inputs)
	}
	calc := named(t, g, "route53-health-pool-b")
	if in(calc, "type") != "CALCULATED" || in(calc, "childHealthThreshold") != "1" || len(calc.Inputs["childHealthchecks"].([]any)) != 2 {
		t.Errorf("pool b's check %v", calc.Inputs)
	}
	if n := len(ofType(g, "infra:ibm:CisGlobalLoadBalancer")); n != 0 {
		t.Errorf("route53 declares %d CIS load balancers", n)
	}
}

func TestRoute53Latency(t *testing.T) {
	_, g := planOf(t, glbRegions+`    provider: route53
    steering: dynamic_latency
    healthCheck: {protocol: http, port: 80, interval: 10s}
    pools:
      - {name: us, members: [aws/us-east-1]}
      - {name: eu, members: [hetzner/nbg1, aws/eu-west-1]}
      - {name: north, members: [hetzner/hel1]}
    fallback: us
`)
	regions := map[string]string{}
	for _, r := range ofType(g, r53Record) {
		if in(r, "name") == "latency.www.example.net" {
			regions[in(r, "setIdentifier")] = in(r, "latencyRoutingPolicies")
		}
	}
	want := map[string]string{"us": "[map[region:us-east-1]]", "eu": "[map[region:eu-central-1]]", "north": "[map[region:eu-north-1]]"}
	if fmt.Sprint(regions) != fmt.Sprint(want) {
		t.Errorf("latency records %v, want %v", regions, want)
	}
	if got := records(g, "www.example.net"); !slices.Equal(got, []string{"fallback>us.pool.www.example.net", "latency>latency.www.example.net"}) {
		t.Errorf("top records %v", got)
	}
	hc := named(t, g, "route53-health-hetzner-nbg1-prod")
	if in(hc, "type") != "HTTP" || in(hc, "requestInterval") != "10" || in(hc, "port") != "80" {
		t.Errorf("health check %v", hc.Inputs)
	}
	if _, ok := hc.Inputs["enableSni"]; ok {
		t.Errorf("SNI on a plain HTTP check: %v", hc.Inputs)
	}
}

// hostnameIngress must say what each cloud's regional program exports: a
// DNS name or an IPv4 address. A wrong guess would make Route 53 CNAME an IP.
func TestIngressKindsMatchTheRegionalPrograms(t *testing.T) {
	p, _ := planOf(t, "../examples/multicloud.yaml")
	for _, s := range p.Stacks {
		if s.Kind != string(stacks.Regional) {
			continue
		}
		addr := fmt.Sprint(s.Outputs["ingressAddress"])
		_, err := netip.ParseAddr(addr)
		isIP := err == nil
		if got := stacks.HostnameIngress(topology.Cloud(s.Cloud)); got == isIP {
			t.Errorf("%s exports ingressAddress %q, but HostnameIngress(%s) = %v", s.Name, addr, s.Cloud, got)
		}
	}
}

// The DNS zone stays out of the management account: the hub account when
// the landing zone has one, else the first environment's.
func TestRoute53Account(t *testing.T) {
	src := glbRegions + `    provider: route53
    steering: "off"
    pools: [{name: a, members: [aws/us-east-1]}]
    fallback: a
landingZone:
  aws: {accounts: [%s]}
`
	for accounts, want := range map[string]string{
		"security, prod":          "aws-provider-us-east-1-prod",
		"prod, network":           "aws-provider-us-east-1-network",
		"shared-services, prod":   "aws-provider-us-east-1-shared-services",
		"prod, networking, audit": "aws-provider-us-east-1-networking",
	} {
		_, g := planOf(t, fmt.Sprintf(src, accounts))
		if zone := named(t, g, "route53-zone"); zone.Provider != want {
			t.Errorf("accounts [%s]: zone by %s, want %s", accounts, zone.Provider, want)
		}
		// A single pool: one plain record, no failover.
		if got := records(g, "www.example.net"); !slices.Equal(got, []string{"<nil>>a.pool.www.example.net"}) {
			t.Errorf("records %v", got)
		}
	}
}
