package topology

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (v *validator) transit() {
	t := &v.s.Network.Transit
	if ti := t.IBM; ti != nil {
		var regions []string
		if v.s.Clouds.IBM != nil {
			for _, r := range v.s.Clouds.IBM.Regions {
				if !slices.Contains(regions, r.Name) {
					regions = append(regions, r.Name)
				}
			}
		}
		switch {
		case ti.Routing != "local" && ti.Routing != "global":
			v.errorf(ti.At("routing"), "use local or global", "invalid routing %s", strconv.Quote(ti.Routing))
		case len(regions) == 0:
			v.errorf(ti.Pos, "remove transit.ibm or add an IBM region", "an IBM transit gateway needs IBM regions")
		case ti.Routing == "local" && len(regions) > 1:
			v.errorf(ti.At("routing"), "use routing: global to connect VPCs in several regions",
				"local routing cannot connect VPCs in %s", strings.Join(regions, " and "))
		}
	}
	if ta := t.AWS; ta != nil {
		n := 0
		if v.s.Clouds.AWS != nil {
			n = len(v.s.Clouds.AWS.Regions)
		}
		switch {
		case n == 0:
			v.errorf(ta.Pos, "remove transit.aws or add an AWS region", "an AWS transit gateway needs AWS regions")
		case ta.Peering && n == 1:
			v.warnf(ta.At("peering"), "peering needs a second AWS region", "peering has nothing to peer with")
		}
	}
}

func (v *validator) mesh() {
	m := v.s.Network.Mesh
	if m == nil {
		for _, r := range v.s.Regions() {
			if _, set := r.Keys["mesh"]; set && *r.Mesh {
				v.errorf(r.At("mesh"), "add network.mesh: {} to enable the mesh", "region %s asks for the mesh, but network.mesh is not set", r.Ref())
			}
		}
		return
	}
	if m.Port < 1 || m.Port > 65535 {
		v.errorf(m.At("port"), "use a UDP port such as 51820", "mesh port %d is out of range", m.Port)
	}
	// 0: omitted, derived from the clouds' paths (network.Mesh.MTU)
	if m.MTU != 0 && (m.MTU < 1280 || m.MTU > 1500) {
		v.errorf(m.At("mtu"), "omit it: infra derives it from the clouds (1440 on 1,500-byte IPv4 paths)", "mesh MTU %d must be within 1280..1500", m.MTU)
	}
	if m.Keepalive.Duration <= 0 {
		// 0 would turn keepalives off, and a gateway behind NAT would
		// drop out of the mesh once its mapping expires.
		v.errorf(m.At("keepalive"), "omit it for 25s, WireGuard's usual interval", "mesh keepalive must be positive, got %s", m.Keepalive)
	}
	gateways := 0
	perEnv := map[string][]*Region{}
	for _, r := range v.s.Regions() {
		if r.InMesh() {
			gateways++
			perEnv[r.Environment] = append(perEnv[r.Environment], r)
		}
	}
	if p, err := netip.ParsePrefix(m.Overlay); err == nil && p.Addr().Is4() {
		// network and broadcast addresses are not handed out
		if usable := (1 << (32 - p.Bits())) - 2; gateways > usable {
			v.errorf(m.At("overlay"), fmt.Sprintf("use a /%d or larger", 32-bitsFor(gateways+2)),
				"overlay %s has room for %d gateways, but %d regions join the mesh", p, max(usable, 0), gateways)
		}
	}
	if gateways == 1 {
		v.warnf(m.Pos, "add a second region, or remove network.mesh", "the mesh has a single gateway and no peers")
		return
	}
	if m.ConnectEnvironments {
		return
	}
	// Gateways peer within their environment only (network.Mesh), so a
	// region alone in its environment gets a gateway, a public address and
	// routes that carry nothing. Regions() is in file order: the warnings are too.
	for _, r := range v.s.Regions() {
		if env := perEnv[r.Environment]; len(env) == 1 && env[0] == r {
			v.warnf(r.Pos, "set mesh: false on it, add another "+r.Environment+" region to the mesh, or set network.mesh.connectEnvironments",
				"region %s is the only %s region in the mesh: its gateway would have no peer, as gateways peer within their environment", r.Ref(), r.Environment)
		}
	}
}

func bitsFor(n int) int {
	b := 0
	for (1 << b) < n {
		b++
	}
	return b
}

func (v *validator) glb() {
	g := v.s.Network.GlobalLoadBalancer
	if g == nil {
		return
	}
	// A missing key is reported by the decoder; these are the written ones
	// that say nothing.
	if g.Explicit("pools") && len(g.Pools) == 0 {
		v.errorf(g.At("pools"), "list a pool per region group, e.g. [{name: us, regions: [aws/us-east-1]}]", "the global load balancer has no pools")
	}
	if g.Explicit("fallback") && g.Fallback == "" {
		v.errorf(g.At("fallback"), "name the pool that takes traffic when every other is down", "the fallback pool is empty")
	}
	if g.Hostname != "" && (!hostnameRE.MatchString(g.Hostname) || len(g.Hostname) > 253) {
		v.errorf(g.At("hostname"), "use a lower-case fully qualified name, e.g. app.example.com", "invalid hostname %s", strconv.Quote(g.Hostname))
	}
	steering := map[string][]string{
		"ibm-cis": {"dynamic_latency", "geo", "off", "random"},
		"route53": {"dynamic_latency", "geo", "off"},
	}
	if allowed, ok := steering[g.Provider]; !ok {
		v.errorf(g.At("provider"), "use ibm-cis or route53", "unknown load-balancer provider %s", strconv.Quote(g.Provider))
	} else if !slices.Contains(allowed, g.Steering) {
		v.errorf(g.At("steering"), "use one of: "+strings.Join(allowed, ", "), "%s does not support steering %s", g.Provider, strconv.Quote(g.Steering))
	}
	h := &g.HealthCheck
	if h.Protocol != "http" && h.Protocol != "https" {
		v.errorf(h.At("protocol"), "use http or https", "invalid health-check protocol %s", strconv.Quote(h.Protocol))
	}
	if !strings.HasPrefix(h.Path, "/") {
		v.errorf(h.At("path"), "write it like /healthz", "health-check path %s must start with /", strconv.Quote(h.Path))
	}
	if h.Port < 1 || h.Port > 65535 {
		v.errorf(h.At("port"), "", "health-check port %d is out of range", h.Port)
	}
	if h.Interval.Duration < 5*time.Second || h.Interval.Duration > time.Hour {
		v.errorf(h.At("interval"), "use 5s to 1h; 60s is usual", "health-check interval %s is out of range", h.Interval)
	}
	if h.Timeout.Duration >= h.Interval.Duration {
		v.errorf(h.At("timeout"), "keep the timeout shorter than the interval", "health-check timeout %s is not shorter than the interval %s", h.Timeout, h.Interval)
	}
	if h.Retries < 0 || h.Retries > 5 {
		v.errorf(h.At("retries"), "use 0 to 5", "health-check retries %d is out of range", h.Retries)
	}
	v.healthCheckAnswered(g)
	pools := map[string]*Pool{}
	geoOwner := map[string]*Pool{}
	for _, p := range g.Pools {
		if p == nil || p.Name == "" {
			continue
		}
		if !dnsLabel.MatchString(p.Name) {
			v.errorf(p.At("name"), "use lower-case letters, digits and dashes", "pool name %s is not a DNS label", strconv.Quote(p.Name))
		}
		if prev := pools[p.Name]; prev != nil {
			d := v.errorf(p.At("name"), "give each pool its own name", "pool %s is defined twice", p.Name)
			d.Related = []Related{{Pos: prev.At("name"), Message: "first defined here"}}
			continue
		}
		pools[p.Name] = p
		for i, m := range p.Members {
			v.member(p, i, m)
		}
		for i, code := range p.Geo {
			pos := p.At(fmt.Sprintf("geo[%d]", i))
			if !IsCISRegion(code) {
				hint := "regions: " + strings.Join(cisRegions, ", ")
				if s := suggest(code, cisRegions); s != "" {
					hint = "did you mean " + s + "?"
				}
				v.errorf(pos, hint, "unknown load-balancer region %s", strconv.Quote(code))
				continue
			}
			if prev := geoOwner[code]; prev != nil && prev != p {
				d := v.errorf(pos, "steer each region to one pool", "region %s is already steered to pool %s", code, prev.Name)
				d.Related = []Related{{Pos: prev.Pos, Message: "pool " + prev.Name}}
				continue
			}
			geoOwner[code] = p
		}
	}
	if g.Fallback != "" && pools[g.Fallback] == nil {
		names := sortedKeys(pools)
		hint := "defined pools: " + strings.Join(names, ", ")
		if len(names) == 0 {
			hint = "define a pool named " + g.Fallback + " under pools"
		}
		if s := suggest(g.Fallback, names); s != "" {
			hint = "did you mean " + s + "?"
		}
		v.errorf(g.At("fallback"), hint, "fallback pool %s is not defined", strconv.Quote(g.Fallback))
	}
	if g.Steering == "geo" && len(geoOwner) == 0 {
		v.errorf(g.At("steering"), "list geo: [WNAM, ...] on the pools", "geo steering needs pools with geo regions")
	}
}

// member checks that a pool member names exactly one region entry.
func (v *validator) member(p *Pool, i int, ref string) {
	pos := p.At(fmt.Sprintf("members[%d]", i))
	matches := v.byRef[ref]
	if strings.Count(ref, "/") == 1 {
		matches = v.byName[ref]
	}
	switch {
	case len(matches) == 1:
		return
	case len(matches) > 1:
		var alts []string
		for _, r := range matches {
			alts = append(alts, r.Ref())
		}
		v.errorf(pos, "name the environment: "+strings.Join(alts, " or "), "member %s matches %d region entries", ref, len(matches))
	default:
		hint := "write cloud/region, one of: " + strings.Join(v.refs, ", ")
		if s := suggest(ref, v.refs); s != "" {
			hint = "did you mean " + s + "?"
		}
		v.errorf(pos, hint, "pool %s: member %s is not a region of this topology", p.Name, strconv.Quote(ref))
	}
}

// healthCheckAnswered checks that the health check is one the origins can
// pass on a fresh deploy (ADR glb/health-check). Every origin is a load
// balancer that listens on 80 and 443 only (the AWS network load balancer's
// listeners, the Hetzner load balancer's services, IKS's ALB), and passes
// TCP through to an ingress controller that serves HTTP on 80 and TLS on
// 443: any other port, or the other protocol, never succeeds. Over HTTPS,
// CIS validates the origin's certificate (its monitors' allow_insecure is
// false, stacks/ibm/cis.go), and no origin serves one for the hostname:
// infra installs none, and ingress-nginx and Traefik present their own
// self-signed one. Route 53 judges the status code only: a certificate
// without the name makes its checker retry the handshake without SNI, not
// fail (Route 53 API Reference, HealthCheckConfig, Type and EnableSNI).
func (v *validator) healthCheckAnswered(g *GlobalLoadBalancer) {
	h := &g.HealthCheck
	if h.Protocol != "http" && h.Protocol != "https" {
		return // reported above
	}
	at := func(key string) Pos {
		if p := h.At(key); p.Line != 0 {
			return p
		}
		return g.At("healthCheck")
	}
	want := HealthCheckPort(h.Protocol)
	if h.Port != want && h.Port >= 1 && h.Port <= 65535 {
		v.errorf(at("port"), fmt.Sprintf("use port %d, or omit it", want),
			"the origins' ingress load balancers serve %s on port %d only: a health check on port %d never succeeds", strings.ToUpper(h.Protocol), want, h.Port)
	}
	if h.Path != HealthPath && strings.HasPrefix(h.Path, "/") {
		v.warnf(at("path"), "omit path for "+HealthPath+", or serve "+h.Path+" for "+g.Hostname+" with an Ingress of yours in every member region",
			"infra answers only %s on the origins: the health check of %s fails on every origin until an Ingress of yours serves it", HealthPath, h.Path)
	}
	if h.Protocol == "https" && g.Provider == "ibm-cis" {
		v.warnf(at("protocol"), "use protocol: http, which every origin answers, until each one serves a certificate for "+g.Hostname,
			"CIS validates the certificate of an HTTPS health check, and no origin serves one for %s (infra installs none; the ingress controllers present their own self-signed certificate): every origin would stay unhealthy", g.Hostname)
	}
}

// apiAccess checks the CIDRs a cluster opens its API to: each a network
// address in CIDR form; all of the internet is allowed but warned about,
// as the API then rests on its credentials (auth) alone.
func (v *validator) apiAccess(k *Meta, cidrs []string, auth string) {
	for i, c := range cidrs {
		at := k.At(fmt.Sprintf("apiAccess[%d]", i))
		p, err := netip.ParsePrefix(c)
		switch {
		case err != nil:
			v.errorf(at, "write a CIDR such as 203.0.113.0/24, or 198.51.100.7/32 for one address", "apiAccess %s is not a CIDR", strconv.Quote(c))
		case p != p.Masked():
			v.errorf(at, "use "+p.Masked().String(), "apiAccess %s has host bits set", c)
		case p.Bits() == 0:
			v.warnf(at, "name the networks operators and CI reach the API from", "apiAccess %s opens the cluster's API to the whole internet (%s still required)", c, auth)
		}
	}
}
