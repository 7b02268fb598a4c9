package network

import (
	"fmt"
	"strings"

	"infra/topology"
)

// GLB is the global load balancer of a spec with its pool membership
// resolved: which regions serve each pool, the order pools fail over in,
// and, for Route 53, how CIS region codes and member locations translate
// into geolocation and latency records.
type GLB struct {
	Hostname string
	// Zone is the DNS zone the hostname is published in: the hostname
	// without its first label, or the hostname itself when it has only two.
	Zone        string
	Provider    string
	Steering    string
	HealthCheck topology.HealthCheck
	// Pools in spec order: CIS's default pools.
	Pools    []*GLBPool
	Fallback *GLBPool
	// Origins are the distinct member regions, in order of first appearance.
	Origins []*Origin
}

// GLBPool is one origin pool.
type GLBPool struct {
	Name    string
	Members []*Origin
	// Geo are the CIS region codes steered to the pool.
	Geo []string
	Pos topology.Pos
}

// LatencyRegion is the AWS region the pool's Route 53 latency record
// names: that of its first member, which leads the pool.
func (p *GLBPool) LatencyRegion() string {
	if len(p.Members) == 0 {
		return ""
	}
	return p.Members[0].LatencyRegion()
}

// Origin is a member region, whose ingress load balancer serves the pools.
type Origin struct {
	// ID is the region ID; its regional stack exports ingressAddress.
	ID     string
	Cloud  topology.Cloud
	Region string
}

// LatencyRegion is the AWS region a Route 53 latency record of the origin
// names: its own region on AWS; elsewhere the AWS region its location's
// traffic is closest to. "" for a location the table does not know.
func (o *Origin) LatencyRegion() string {
	if o.Cloud == topology.AWS {
		return o.Region
	}
	return nearestAWS[o.Cloud][o.Region]
}

// nearestAWS maps the other clouds' locations to an AWS region: the one in
// the same country where AWS has one, otherwise the nearest major hub
// (straight-line distance alone would send Dallas to Mexico and Warsaw to
// Stockholm). Locations are those of topology's catalog; a test keeps them
// in step.
var nearestAWS = map[topology.Cloud]map[string]string{
	topology.IBM: {
		"au-syd": "ap-southeast-2", "br-sao": "sa-east-1", "ca-mon": "ca-central-1", "ca-tor": "ca-central-1",
		"eu-de": "eu-central-1", "eu-es": "eu-south-2", "eu-gb": "eu-west-2", "in-che": "ap-south-2",
		"in-mum": "ap-south-1", "jp-osa": "ap-northeast-3", "jp-tok": "ap-northeast-1",
		"us-east": "us-east-1", "us-south": "us-east-2",
	},
	topology.Hetzner: {
		"fsn1": "eu-central-1", "nbg1": "eu-central-1", "hel1": "eu-north-1",
		"ash": "us-east-1", "hil": "us-west-2", "sin": "ap-southeast-1",
	},
	topology.OVH: {
		"GRA5": "eu-west-3", "GRA7": "eu-west-3", "GRA9": "eu-west-3", "GRA11": "eu-west-3",
		"EU-WEST-RBX": "eu-west-3", "EU-WEST-PAR": "eu-west-3", "SBG5": "eu-central-1", "DE1": "eu-central-1",
		"WAW1": "eu-central-1", "UK1": "eu-west-2", "EU-SOUTH-MIL": "eu-south-1", "BHS5": "ca-central-1",
		"SGP1": "ap-southeast-1",
		"SYD1": "ap-southeast-2", "AP-SOUTH-MUM": "ap-south-1",
	},
}

// BuildGLB resolves the spec's global load balancer; nil when it has none.
// Members that do not resolve to exactly one region were reported by
// topology validation and are left out here.
func BuildGLB(spec *topology.Spec) *GLB {
	g := spec.Network.GlobalLoadBalancer
	if g == nil {
		return nil
	}
	out := &GLB{
		Hostname: g.Hostname, Zone: zoneOf(g.Hostname), Provider: g.Provider,
		Steering: g.Steering, HealthCheck: g.HealthCheck,
	}
	// Members resolve like spec.Lookup, through an index built once, so
	// that resolving is linear in members rather than members × regions.
	byRef := map[string][]*topology.Region{}
	for _, r := range spec.Regions() {
		short := string(r.Cloud) + "/" + r.Name
		byRef[short] = append(byRef[short], r)
		byRef[r.Ref()] = append(byRef[r.Ref()], r)
	}
	origins := map[string]*Origin{}
	for _, p := range g.Pools {
		if p == nil {
			continue
		}
		pool := &GLBPool{Name: p.Name, Geo: p.Geo, Pos: p.Pos}
		for _, m := range p.Members {
			rs := byRef[m]
			if len(rs) != 1 {
				continue
			}
			r := rs[0]
			o := origins[r.ID()]
			if o == nil {
				o = &Origin{ID: r.ID(), Cloud: r.Cloud, Region: r.Name}
				origins[o.ID] = o
				out.Origins = append(out.Origins, o)
			}
			pool.Members = append(pool.Members, o)
		}
		out.Pools = append(out.Pools, pool)
		if p.Name == g.Fallback {
			out.Fallback = pool
		}
	}
	return out
}

func zoneOf(hostname string) string {
	if labels := strings.Split(hostname, "."); len(labels) > 2 {
		return strings.Join(labels[1:], ".")
	}
	return hostname
}

// FailoverOrder is the order pools take traffic in when steering is off:
// spec order, with the fallback pool last.
func (g *GLB) FailoverOrder() []*GLBPool {
	var out []*GLBPool
	for _, p := range g.Pools {
		if p != g.Fallback {
			out = append(out, p)
		}
	}
	if g.Fallback != nil {
		out = append(out, g.Fallback)
	}
	return out
}

// Geolocation is one Route 53 geolocation record: a location and the pool
// it is steered to. A nil Pool means the default pools in failover order.
type Geolocation struct {
	Pool *GLBPool
	// Code is the CIS region code the location stands for; "" for the
	// default record ("*"), which answers every location no other matches.
	Code                            string
	Continent, Country, Subdivision string
}

// Key names the location for logical names: continent-eu, pl, us-ca or
// default (a continent and a country can share a code: AF, SA).
func (l Geolocation) Key() string {
	switch {
	case l.Subdivision != "":
		return strings.ToLower(l.Country + "-" + l.Subdivision)
	case l.Country != "":
		return strings.ToLower(l.Country)
	case l.Continent != "":
		return "continent-" + strings.ToLower(l.Continent)
	}
	return "default"
}

// cisArea is how a CIS region code translates into Route 53 geolocations.
// Six codes take a whole continent; the other seven are a list of countries
// (or US states) inside one of those continents. Route 53 answers with the
// most specific match, so a country record carves its area out of the
// continent's. Cloudflare publishes its own country lists only through its
// Regions API (clouds.md §2.4), so these are infra's translation: UN M49
// sub-regions for EEU, NAF, ME (Western Asia), SAS and SEAS, the US Census
// Bureau's West region for WNAM, and the Southern Cone for SSAM.
type cisArea struct {
	continent string   // set for a continent-wide code
	within    string   // the continent a country list lies in
	countries []string // ISO 3166-1 alpha-2
	usStates  []string // ISO 3166-2:US, without the US- prefix
}

var cisAreas = map[string]cisArea{
	"ENAM": {continent: "NA"},
	"WNAM": {within: "NA", usStates: strings.Fields("AK AZ CA CO HI ID MT NM NV OR UT WA WY")},
	"NSAM": {continent: "SA"},
	"SSAM": {within: "SA", countries: strings.Fields("AR CL PY UY")},
	"WEU":  {continent: "EU"},
	"EEU":  {within: "EU", countries: strings.Fields("BG BY CZ HU MD PL RO RU SK UA")},
	"SAF":  {continent: "AF"},
	"NAF":  {within: "AF", countries: strings.Fields("DZ EG EH LY MA SD TN")},
	"NEAS": {continent: "AS"},
	"ME":   {within: "AS", countries: strings.Fields("AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE")},
	"SAS":  {within: "AS", countries: strings.Fields("AF BD BT IN IR LK MV NP PK")},
	"SEAS": {within: "AS", countries: strings.Fields("BN ID KH LA MM MY PH SG TH TL VN")},
	"OC":   {continent: "OC"},
}

// narrowOrder lists the country-list codes in a fixed order.
var narrowOrder = []string{"WNAM", "SSAM", "EEU", "NAF", "ME", "SAS", "SEAS"}

func (a cisArea) locations(code string, pool *GLBPool) []Geolocation {
	if a.continent != "" {
		return []Geolocation{{Pool: pool, Code: code, Continent: a.continent}}
	}
	var out []Geolocation
	for _, c := range a.countries {
		out = append(out, Geolocation{Pool: pool, Code: code, Country: c})
	}
	for _, s := range a.usStates {
		out = append(out, Geolocation{Pool: pool, Code: code, Country: "US", Subdivision: s})
	}
	return out
}

// Geolocations are the Route 53 geolocation records of geo steering: every
// pool's CIS codes in pool and geo order; then, where a continent is steered
// but a country list inside it is not, that list sent to the default pools,
// as CIS sends a region no pool claims; then the default record.
func (g *GLB) Geolocations() []Geolocation {
	var out []Geolocation
	claimed := map[string]bool{}
	continents := map[string]bool{}
	for _, p := range g.Pools {
		for _, code := range p.Geo {
			a, ok := cisAreas[code]
			if !ok || claimed[code] {
				continue
			}
			claimed[code] = true
			if a.continent != "" {
				continents[a.continent] = true
			}
			out = append(out, a.locations(code, p)...)
		}
	}
	for _, code := range narrowOrder {
		if a := cisAreas[code]; !claimed[code] && continents[a.within] {
			out = append(out, a.locations(code, nil)...)
		}
	}
	return append(out, Geolocation{})
}

// validateGLB checks what Route 53 cannot express: a record at the zone
// apex cannot be a CNAME, and latency records need one AWS region per pool.
func validateGLB(spec *topology.Spec) topology.Diagnostics {
	g := BuildGLB(spec)
	if g == nil || g.Provider != "route53" {
		return nil
	}
	lb := spec.Network.GlobalLoadBalancer
	var ds topology.Diagnostics
	if g.Zone == g.Hostname {
		ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: "network/load-balancer", Pos: lb.At("hostname"),
			Message: fmt.Sprintf("route53 cannot steer %s: it is a zone apex, where a record cannot be a CNAME to the pools", g.Hostname),
			Hint:    "use a name below the zone, e.g. www." + g.Hostname})
	}
	if g.Steering != "dynamic_latency" {
		return ds
	}
	seen := map[string]*GLBPool{}
	for i, p := range g.Pools {
		if len(p.Members) == 0 {
			continue
		}
		o, region := p.Members[0], p.LatencyRegion()
		pos := lb.Pools[i].At("members[0]")
		if region == "" {
			ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: "network/load-balancer", Pos: pos,
				Message: fmt.Sprintf("route53 latency steering: no AWS region is known to be near %s/%s", o.Cloud, o.Region),
				Hint:    "use steering: geo or off, or provider: ibm-cis"})
			continue
		}
		if prev := seen[region]; prev != nil {
			ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: "network/load-balancer", Pos: pos,
				Message: fmt.Sprintf("route53 latency steering: pools %s and %s are both nearest to %s, and latency records tell pools apart by AWS region", prev.Name, p.Name, region),
				Hint:    "merge the two pools, or lead each with a member in a different part of the world",
				Related: []topology.Related{{Pos: prev.Pos, Message: "pool " + prev.Name}}})
			continue
		}
		seen[region] = p
	}
	return ds
}
