package rules

import (
	"fmt"
	"net/netip"
	"strings"
)

// Hetzner sells server types per location (clouds.md §3.2: since
// 2025-09-24 availability is per location, server_type.locations[]), and
// creating a server of a type a location lacks fails with "unsupported
// location for server type". The families known to be absent somewhere:
var hetznerNotSold = []struct {
	prefix    string   // the family's type names start with it
	locations []string // where it is not sold
	source    string
}{
	// CX (shared Intel): EU only. Hetzner staff: "CX-Servers with INTEL CPU
	// are not offered in our US-Locations" (trailofbits/algo #14562); the
	// 2026-09 price list prices CX23-CX53 in no US location nor Singapore
	// (review hetzner-ovh-mesh.md item 8).
	{"cx", []string{"ash", "hil", "sin"}, "Hetzner staff, trailofbits/algo #14562; Hetzner price list 2026-09 (no CX price in ash, hil, sin)"},
	// CAX (Arm64): cax11 rejected in ash, "unsupported location for server
	// type" (clouds.md §3.2, 2025-12-30); hil and sin not verified.
	{"cax", []string{"ash"}, "clouds.md §3.2: cax11 in ash rejected \"unsupported location for server type\" (2025-12-30)"},
}

// HetznerServerTypeSold reports whether Hetzner sells a server type in a
// location, as far as the sources tell: a type the table does not rule out
// passes (Hetzner's API is the authority).
func HetznerServerTypeSold(typ, location string) bool {
	_, ok := hetznerUnsold(typ, location)
	return !ok
}

func hetznerUnsold(typ, location string) (source string, unsold bool) {
	for _, f := range hetznerNotSold {
		// "cx" must not catch "cpx" or "ccx": the family is the letters before the digits
		if family := strings.TrimRight(typ, "0123456789"); family != f.prefix {
			continue
		}
		for _, l := range f.locations {
			if l == location {
				return f.source, true
			}
		}
	}
	return "", false
}

// checkHetznerServer refuses a server type in a location that lacks it.
func (c *checker) checkHetznerServer(inputs map[string]any) {
	t, ok1 := inputs["serverType"].(string)
	loc, ok2 := inputs["location"].(string)
	if !ok1 || !ok2 || unknown(t) || unknown(loc) {
		return
	}
	if src, unsold := hetznerUnsold(t, loc); unsold {
		c.add(Error, "serverType", RuleCloudLimit, src, "unsupported location for server type: %s is not sold in %s", t, loc)
	}
}

// hetznerNetworkSource is where the rules of a Hetzner network's subnets
// and routes are stated.
const hetznerNetworkSource = "clouds.md §3.3; Hetzner Cloud API, Add a route to a Network: the destination \"Must be a subnet of the ip_range of the Network. Must not overlap with an existing ip_range in any subnets or with any destinations in other routes or with the first IP of the networks ip_range or with 172.31.1.1\""

// checkHetznerRoutes applies the network rules that span resources: a
// route's destination lies inside its network's ip_range and overlaps
// neither a subnet of that network, nor another of its routes, nor the
// network's first IP, nor 172.31.1.1. Hetzner
// refuses such a route at creation, so a summary route that holds the
// region's own subnet (the whole RFC 1918 block, as AWS route tables take)
// fails to deploy (review hetzner-ovh-mesh.md item 29). Resources are
// joined by network id, which a plan knows across stacks.
func checkHetznerRoutes(resources []Resource) []Violation {
	const (
		networkType = "hcloud:index/network:Network"
		subnetType  = "hcloud:index/networkSubnet:NetworkSubnet"
		routeType   = "hcloud:index/networkRoute:NetworkRoute"
	)
	type member struct {
		r      *Resource
		prefix netip.Prefix
	}
	netRange := map[string]netip.Prefix{}
	subnets, routes := map[string][]member{}, map[string][]member{}
	prefix := func(r *Resource, key string) (netip.Prefix, bool) {
		s, ok := r.Inputs[key].(string)
		if !ok || unknown(s) {
			return netip.Prefix{}, false
		}
		p, err := netip.ParsePrefix(s)
		return p.Masked(), err == nil
	}
	network := func(r *Resource) (string, bool) {
		id, ok := r.Inputs["networkId"]
		if !ok || id == nil || unknown(id) {
			return "", false
		}
		if f, ok := number(id); ok {
			return num(f), true // a float64 from JSON: 1717950, not 1.71795e+06
		}
		return fmt.Sprint(id), true
	}
	for i := range resources {
		r := &resources[i]
		switch r.Type {
		case networkType:
			if p, ok := prefix(r, "ipRange"); ok && r.ID != "" {
				netRange[r.ID] = p
			}
		case subnetType, routeType:
			key := "ipRange"
			into := subnets
			if r.Type == routeType {
				key, into = "destination", routes
			}
			p, ok1 := prefix(r, key)
			nid, ok2 := network(r)
			if ok1 && ok2 {
				into[nid] = append(into[nid], member{r, p})
			}
		}
	}
	var out []Violation
	add := func(r *Resource, format string, args ...any) {
		out = append(out, Violation{Type: r.Type, Resource: r.Name, Property: "destination", Rule: RuleCloudLimit,
			Source: hetznerNetworkSource, Severity: Error, Message: fmt.Sprintf(format, args...)})
	}
	for _, nid := range sortedKeys(routes) {
		rs := routes[nid]
		for i, rt := range rs {
			if within, ok := netRange[nid]; ok {
				if !within.Contains(rt.prefix.Addr()) || rt.prefix.Bits() < within.Bits() {
					add(rt.r, "route destination %s is outside network %s's ip_range %s", rt.prefix, nid, within)
				}
				// the network's first IP is its gateway (10.0.0.1 in 10.0.0.0/8)
				if gw := within.Masked().Addr().Next(); rt.prefix.Contains(gw) {
					add(rt.r, "route destination %s holds %s, the first IP (gateway) of network %s", rt.prefix, gw, nid)
				}
			}
			if pub := netip.MustParseAddr("172.31.1.1"); rt.prefix.Contains(pub) {
				add(rt.r, "route destination %s holds 172.31.1.1, the servers' public gateway", rt.prefix)
			}
			for _, sn := range subnets[nid] {
				if rt.prefix.Overlaps(sn.prefix) {
					add(rt.r, "route destination %s overlaps subnet %s (%s) of network %s", rt.prefix, sn.prefix, sn.r.Name, nid)
				}
			}
			for _, other := range rs[:i] {
				if rt.prefix.Overlaps(other.prefix) {
					add(rt.r, "route destination %s overlaps route %s (%s) of network %s", rt.prefix, other.prefix, other.r.Name, nid)
				}
			}
		}
	}
	return out
}
