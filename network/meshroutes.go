package network

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"infra/topology"
)

// Route is a destination a region's network sends to its mesh gateway.
type Route struct {
	// Name is unique among a gateway's routes and stable: "overlay", or the
	// region ID whose network the route reaches.
	Name        string
	Destination netip.Prefix
}

// Routes are the destinations region id's network sends through its mesh
// gateway: the overlay, so that replies reach the other gateways' tunnel
// addresses, and every peer's region CIDR except those a transit gateway
// reaches (t.Reach), which route there instead, and those it isolates from
// id (t.Isolates), which are not routed. Routes are named for what
// they reach, so adding a region adds routes and renames none.
func (m *Mesh) Routes(t *Transit, id string) []Route {
	out := []Route{{Name: "overlay", Destination: m.Overlay.Masked()}}
	region := id
	if g := m.Gateway(id); g != nil {
		region = g.Region
	}
	var viaTransit []string
	if t != nil {
		viaTransit = t.Reach(region)
	}
	for _, p := range m.Peers(id) {
		// A region the transit gateways reach routes there; one they keep
		// apart from this one (another environment's route table) is not
		// routed at all.
		if slices.Contains(viaTransit, p.Region) || (t != nil && t.Isolates(region, p.Region)) {
			continue
		}
		n := 0
		for _, a := range p.AllowedIPs {
			if m.Overlay.Contains(a.Addr()) && a.Bits() >= m.Overlay.Bits() {
				continue // inside the overlay route
			}
			name := p.ID
			if n++; n > 1 {
				name = fmt.Sprintf("%s-%d", p.ID, n)
			}
			out = append(out, Route{Name: name, Destination: a})
		}
	}
	return out
}

// RFC1918 are the private IPv4 blocks.
var RFC1918 = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// PrivateBlock returns the RFC 1918 block p lies in.
func PrivateBlock(p netip.Prefix) (netip.Prefix, bool) {
	for _, b := range RFC1918 {
		if b.Contains(p.Addr()) && b.Bits() <= p.Bits() {
			return b, true
		}
	}
	return netip.Prefix{}, false
}

// validateMeshRoutes checks that a Hetzner or OVH region of the mesh can
// route what its gateway serves. A Hetzner network routes only inside its
// own ip_range (clouds.md §3.3), and a mesh region's network spans the RFC
// 1918 block of its CIDR; an OVH subnet sends that same block to its gateway
// with one host route. Either way the overlay and every other region must
// lie in the block.
func validateMeshRoutes(spec *topology.Spec, m *Mesh) topology.Diagnostics {
	if m == nil {
		return nil
	}
	type region struct {
		id    string
		cidr  topology.Pos
		cloud string
	}
	var regions []region
	if spec.Clouds.Hetzner != nil {
		for _, h := range spec.Clouds.Hetzner.Regions {
			regions = append(regions, region{h.ID(), h.At("cidr"), "a Hetzner network routes only inside its range"})
		}
	}
	if spec.Clouds.OVH != nil {
		for _, o := range spec.Clouds.OVH.Regions {
			regions = append(regions, region{o.ID(), o.At("cidr"), "an OVH subnet sends only its RFC 1918 block to the gateway"})
		}
	}
	t := BuildTransit(spec)
	var ds topology.Diagnostics
	for _, h := range regions {
		g := m.Gateway(h.id)
		if g == nil || len(g.AllowedIPs) < 2 {
			continue
		}
		block, ok := PrivateBlock(g.AllowedIPs[1])
		if !ok {
			continue // topology rejects a Hetzner CIDR outside RFC 1918
		}
		for _, r := range m.Routes(t, h.id) {
			if !block.Contains(r.Destination.Addr()) || r.Destination.Bits() < block.Bits() {
				what := "region " + r.Name + "'s CIDR"
				if r.Name == "overlay" {
					what = "the mesh overlay"
				}
				ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: "network/mesh-routes", Pos: h.cidr,
					Message: fmt.Sprintf("%s cannot route %s (%s) to its mesh gateway: %s, here %s",
						h.id, what, r.Destination, h.cloud, block),
					Hint: "keep every region's CIDR and the mesh overlay in one RFC 1918 block, or leave this region out of the mesh (mesh: false)"})
			}
		}
	}
	return ds
}

// SummaryRoutes are Routes summarised for a cloud whose route tables take
// a destination wider than the network's own range, the longest prefix
// winning (AWS VPC route tables: the VPC's local route stays more specific,
// and so do transit gateway routes to peer CIDRs): one route per RFC 1918
// block that holds a destination, instead of one per peer. The gateway's
// AllowedIPs pick the peer, so a table's routes no longer grow with the
// number of regions (review hetzner-ovh-mesh.md item 29). Destinations in
// no RFC 1918 block (an overlay in 100.64.0.0/10) keep their own route.
// Names are the block's, stable as regions come and go.
//
// A region the transit gateways isolate from id (another environment's
// route table) lies inside a summary, so the transit stack gives it a more
// specific route to the transit gateway (Transit.Isolated), whose route
// table drops it: the summary never carries it to the mesh.
func (m *Mesh) SummaryRoutes(t *Transit, id string) []Route {
	var out []Route
	seen := map[netip.Prefix]bool{}
	for _, r := range m.Routes(t, id) {
		block, ok := PrivateBlock(r.Destination)
		if !ok {
			out = append(out, r)
			continue
		}
		if !seen[block] {
			seen[block] = true
			out = append(out, Route{Name: "block-" + strings.NewReplacer(".", "-", "/", "-").Replace(block.String()), Destination: block})
		}
	}
	return out
}

// SummaryRoutesAround are Routes summarised for a cloud whose network
// holds the region's own range and refuses a route that overlaps it: a
// Hetzner network spans the RFC 1918 block, and a route's destination may
// overlap neither a subnet nor another route, nor the network's first
// address (its gateway) nor 172.31.1.1 (clouds.md §3.3; Hetzner Cloud API,
// "Add a route to a Network"). So the block itself cannot be the summary,
// as it is on AWS: the block less those (hetznerUnroutable) splits into
// disjoint prefixes (10.0.0.0/8 less 10.21.0.0/16 and 10.0.0.0/31: 10.128/9,
// 10.64/10, 10.32/11, 10.8/13, 10.4/14, …, 10.0.0.2/31, 10.24/13, 10.16/14,
// 10.22/15, 10.20/16), and a route goes to each that holds a destination.
// A region's routes then stop growing with the number of regions (review
// hetzner-ovh-mesh.md item 29): the pieces are at most local's prefix
// length less the block's, plus 31 around the gateway. Names are the
// piece's, stable as regions come and go; a destination outside the block,
// or overlapping local, keeps its own route.
func (m *Mesh) SummaryRoutesAround(t *Transit, id string, local netip.Prefix) []Route {
	local = local.Masked()
	block, ok := PrivateBlock(local)
	routes := m.Routes(t, id)
	if !ok || !local.Addr().Is4() {
		return routes
	}
	pieces := cover(block, append(hetznerUnroutable(block), local))
	used := make([]bool, len(pieces))
	var out []Route
	for _, r := range routes {
		if !block.Contains(r.Destination.Addr()) || r.Destination.Bits() < block.Bits() || r.Destination.Overlaps(local) {
			out = append(out, r)
			continue
		}
		for i, p := range pieces {
			if p.Overlaps(r.Destination) {
				used[i] = true
			}
		}
	}
	for i, p := range pieces {
		if used[i] {
			out = append(out, Route{Name: "summary-" + strings.NewReplacer(".", "-", "/", "-").Replace(p.String()), Destination: p})
		}
	}
	return out
}

// hetznerUnroutable are the addresses of a Hetzner network spanning block
// that no route may hold: the network's first addresses (its gateway is
// the first usable one) and 172.31.1.1, the servers' public gateway.
func hetznerUnroutable(block netip.Prefix) []netip.Prefix {
	out := []netip.Prefix{netip.PrefixFrom(block.Masked().Addr(), 31)}
	if g := netip.MustParsePrefix("172.31.1.1/32"); block.Overlaps(g) {
		out = append(out, g)
	}
	return out
}

// cover is block less the excluded prefixes, as the fewest disjoint
// prefixes, in address order: a half that holds none of them is whole, one
// inside one of them is gone, any other splits again.
func cover(block netip.Prefix, excluded []netip.Prefix) []netip.Prefix {
	block = block.Masked()
	overlaps := false
	for _, x := range excluded {
		if x.Bits() <= block.Bits() && x.Contains(block.Addr()) {
			return nil // inside an excluded prefix
		}
		overlaps = overlaps || x.Overlaps(block)
	}
	if !overlaps {
		return []netip.Prefix{block}
	}
	if block.Bits() == 32 {
		return nil
	}
	lo := netip.PrefixFrom(block.Addr(), block.Bits()+1)
	a := block.Addr().As4()
	v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]) | 1<<(31-block.Bits())
	hi := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), block.Bits()+1)
	return append(cover(lo, excluded), cover(hi, excluded)...)
}

// CloudRoutes are the routes region id's network sends to its mesh gateway
// on the gateway's cloud: AWS route tables take one route per RFC 1918
// block (SummaryRoutes), a Hetzner network the block less the region
// (SummaryRoutesAround); IBM routing tables take one route per peer
// (Routes). OVH's subnet has one host route for the whole block instead
// (stacks/ovh), so its routes here only say what the gateway serves.
func (m *Mesh) CloudRoutes(t *Transit, id string) []Route {
	g := m.Gateway(id)
	if g == nil {
		return nil
	}
	switch g.Cloud {
	case topology.AWS:
		return m.SummaryRoutes(t, id)
	case topology.Hetzner:
		if len(g.AllowedIPs) > 1 {
			return m.SummaryRoutesAround(t, id, g.AllowedIPs[1])
		}
	}
	return m.Routes(t, id)
}
