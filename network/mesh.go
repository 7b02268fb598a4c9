package network

import (
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"

	"infra/topology"
)

// Mesh is the cross-cloud WireGuard mesh: one gateway per region in the
// mesh, or one per zone where the cloud's gateways are per zone (PerZone,
// AWS), and one peer pair (with its own pre-shared key) per two gateways of
// different regions of one environment, or of any two environments when
// ConnectEnvironments. A region's own gateways never peer: its zones reach
// each other over its network.
//
// Environments peer only with themselves by default (review
// hetzner-ovh-mesh.md item 17): WireGuard's cryptokey routing then keeps
// them apart by itself. A gateway has no peer whose AllowedIPs hold another
// environment's networks, so it sends nothing there, and it accepts from a
// peer only the sources that peer's AllowedIPs hold (wg(8): "AllowedIPs …
// acts as … an ACL for incoming packets"), so another environment's
// traffic never arrives. The gateways' forward chain drops what would leave
// by any other way (wireguard.Firewall).
type Mesh struct {
	Port      int
	MTU       int
	Keepalive time.Duration
	Overlay   netip.Prefix
	// ConnectEnvironments peers every gateway with every other.
	ConnectEnvironments bool
	// Gateways sorted by ID.
	Gateways []*Gateway
	byID     map[string]*Gateway
}

// Gateway is one mesh node: a region's, or one zone's of a region whose
// gateways are per zone.
type Gateway struct {
	// ID is the region ID the gateway serves, or its zone's SiteID.
	ID string
	// Region is the region ID; Zone is the zone the gateway serves alone,
	// "" when it serves the whole region.
	Region, Zone string
	Cloud        topology.Cloud
	// Environment is the region's environment: gateways peer within it.
	Environment string
	// Overlay is the gateway's tunnel address.
	Overlay netip.Addr
	// AllowedIPs are what peers route to this gateway: its overlay /32 and
	// its region's CIDR, or its zone's private and public subnets. Traffic
	// to a zone then arrives through the zone's gateway, and its route
	// table sends the replies back through the same one.
	AllowedIPs []netip.Prefix
	// BehindNAT is true where the public IP is 1:1 NAT to a private one (AWS
	// Elastic IP, IBM floating IP, OVH floating IP behind its gateway), so the
	// gateway sends keepalives to hold the stateful mapping open.
	BehindNAT bool
}

// Pair is two gateways that peer; A < B by ID. Each pair has its own PSK.
type Pair struct{ A, B *Gateway }

// Name is the stable logical name of the pair, used for its PSK resource.
func (p Pair) Name() string { return p.A.ID + "--" + p.B.ID }

// AWSGatewayInstanceType is the EC2 instance type of every AWS zone's
// mesh gateway (stacks/aws says why), named here so that the ADR prices
// what the program deploys.
const AWSGatewayInstanceType = "c6in.large"

// natClouds are the clouds whose instances see a private address behind a 1:1 NAT.
var natClouds = []topology.Cloud{topology.AWS, topology.IBM, topology.OVH}

// BuildMesh derives the mesh from the spec and its address plan. It returns
// nil when the spec has no mesh. AllowedIPs of all gateways must be disjoint:
// WireGuard routes by AllowedIPs, so an overlap would silently send one
// region's traffic to another.
func BuildMesh(spec *topology.Spec, plan *AddressPlan) (*Mesh, error) {
	m := spec.Network.Mesh
	if m == nil {
		return nil, nil
	}
	mesh := &Mesh{Port: m.Port, MTU: m.MTU, Keepalive: m.Keepalive.Duration, Overlay: plan.Overlay,
		ConnectEnvironments: m.ConnectEnvironments, byID: map[string]*Gateway{}}
	for _, r := range spec.Regions() {
		if !r.InMesh() {
			continue
		}
		rn := plan.Region(r.ID())
		site := func(id, zone string, overlay netip.Addr, local ...netip.Prefix) error {
			if mesh.byID[id] != nil {
				return diag(r.At("zones"), "two mesh gateways are named %s", id)
			}
			g := &Gateway{
				ID: id, Region: rn.ID, Zone: zone, Cloud: r.Cloud, Environment: r.Environment, Overlay: overlay,
				AllowedIPs: append([]netip.Prefix{netip.PrefixFrom(overlay, 32)}, local...),
				BehindNAT:  slices.Contains(natClouds, r.Cloud),
			}
			mesh.Gateways = append(mesh.Gateways, g)
			mesh.byID[g.ID] = g
			return nil
		}
		if !PerZone(r.Cloud) {
			if err := site(rn.ID, "", rn.Overlay, rn.CIDR); err != nil {
				return nil, err
			}
			continue
		}
		for _, z := range rn.Zones {
			if err := site(SiteID(r, z.Zone), z.Zone, z.Overlay, z.Private, z.Public); err != nil {
				return nil, err
			}
		}
	}
	sort.Slice(mesh.Gateways, func(i, j int) bool { return mesh.Gateways[i].ID < mesh.Gateways[j].ID })
	if mesh.MTU == 0 {
		mesh.MTU = TunnelMTU(mesh.Gateways)
	}
	if err := checkAllowedIPs(spec, mesh.Gateways); err != nil {
		return nil, err
	}
	return mesh, nil
}

// checkAllowedIPs finds overlapping AllowedIPs with one sort and a sweep.
func checkAllowedIPs(spec *topology.Spec, gws []*Gateway) error {
	type owned struct {
		p  netip.Prefix
		id string
	}
	var all []owned
	for _, g := range gws {
		for _, p := range g.AllowedIPs {
			all = append(all, owned{p, g.ID})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if c := all[i].p.Addr().Compare(all[j].p.Addr()); c != 0 {
			return c < 0
		}
		return all[i].p.Bits() < all[j].p.Bits()
	})
	for i := 1; i < len(all); i++ {
		// prefixes nest or are disjoint, so a sorted neighbour check finds any overlap
		if all[i-1].p.Overlaps(all[i].p) {
			return diag(spec.Network.Mesh.At("overlay"), "mesh AllowedIPs overlap: %s of %s and %s of %s",
				all[i-1].p, all[i-1].id, all[i].p, all[i].id)
		}
	}
	return nil
}

// Gateway returns the gateway of an ID (a region's, or a zone's SiteID), or nil.
func (m *Mesh) Gateway(id string) *Gateway {
	if m == nil {
		return nil
	}
	return m.byID[id]
}

// Sites returns the gateways of a region ID, sorted by ID: one, or one per
// zone where gateways are per zone; none when it is not in the mesh.
func (m *Mesh) Sites(region string) []*Gateway {
	var out []*Gateway
	if m == nil {
		return nil
	}
	for _, g := range m.Gateways {
		if g.Region == region {
			out = append(out, g)
		}
	}
	return out
}

// Pairs returns every peer pair, sorted. A full mesh of n gateways has
// n(n-1)/2; with environments apart, each environment is such a mesh.
func (m *Mesh) Pairs() []Pair {
	var out []Pair
	for i, a := range m.Gateways {
		for _, b := range m.Gateways[i+1:] {
			if m.peer(a, b) {
				out = append(out, Pair{a, b})
			}
		}
	}
	return out
}

// Peers returns the gateways id peers with, sorted by ID: the other
// regions' of its environment, or of all when environments are connected.
func (m *Mesh) Peers(id string) []*Gateway {
	g := m.byID[id]
	out := make([]*Gateway, 0, len(m.Gateways))
	for _, p := range m.Gateways {
		if p.ID != id && (g == nil || m.peer(g, p)) {
			out = append(out, p)
		}
	}
	return out
}

// peer reports whether two distinct gateways peer: not two of one
// region, whose network joins them.
func (m *Mesh) peer(a, b *Gateway) bool {
	return a.Region != b.Region && (m.ConnectEnvironments || a.Environment == b.Environment)
}

// PairName names the pair of two gateways whatever the argument order.
func PairName(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "--" + b
}

// Keys supplies the key material a wg-quick config needs. Offline it returns
// placeholders; after a deployment it reads state. Private keys and PSKs are
// only ever handed to Config, never logged.
type Keys interface {
	PrivateKey(gateway string) string
	PublicKey(gateway string) string
	PresharedKey(pair string) string
	Endpoint(gateway string) string
}

// SecretPlaceholder stands in for a secret that lives only in state.
const SecretPlaceholder = "<secret: from state>"

// Config renders the wg-quick configuration of one gateway.
func (m *Mesh) Config(id string, keys Keys) (string, error) {
	g := m.Gateway(id)
	if g == nil {
		var ids []string
		for _, g := range m.Gateways {
			ids = append(ids, g.ID)
		}
		return "", fmt.Errorf("no mesh gateway %q; gateways: %s", id, strings.Join(ids, ", "))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: WireGuard mesh gateway, generated by infra\n", g.ID)
	fmt.Fprintf(&b, "[Interface]\n")
	fmt.Fprintf(&b, "Address = %s\n", netip.PrefixFrom(g.Overlay, m.Overlay.Bits()))
	fmt.Fprintf(&b, "ListenPort = %d\n", m.Port)
	fmt.Fprintf(&b, "MTU = %d\n", m.MTU)
	fmt.Fprintf(&b, "PrivateKey = %s\n", keys.PrivateKey(g.ID))
	for _, p := range m.Peers(g.ID) {
		fmt.Fprintf(&b, "\n# %s\n[Peer]\n", p.ID)
		fmt.Fprintf(&b, "PublicKey = %s\n", keys.PublicKey(p.ID))
		fmt.Fprintf(&b, "PresharedKey = %s\n", keys.PresharedKey(PairName(g.ID, p.ID)))
		var allowed []string
		for _, a := range p.AllowedIPs {
			allowed = append(allowed, a.String())
		}
		fmt.Fprintf(&b, "AllowedIPs = %s\n", strings.Join(allowed, ", "))
		fmt.Fprintf(&b, "Endpoint = %s:%d\n", keys.Endpoint(p.ID), m.Port)
		if g.BehindNAT {
			fmt.Fprintf(&b, "PersistentKeepalive = %d\n", int(m.Keepalive/time.Second))
		}
	}
	return b.String(), nil
}

// OfflineKeys are the placeholders of a plan: no key material exists offline.
type OfflineKeys struct{}

// PrivateKey is a placeholder: the real key is a secret in state.
func (OfflineKeys) PrivateKey(string) string { return SecretPlaceholder }

// PublicKey is a placeholder until the key resource exists.
func (OfflineKeys) PublicKey(id string) string { return "<public key of " + id + ">" }

// PresharedKey is a placeholder: the real key is a secret in state.
func (OfflineKeys) PresharedKey(string) string { return SecretPlaceholder }

// Endpoint is a placeholder until the gateway's public IP exists.
func (OfflineKeys) Endpoint(id string) string { return "<public ip of " + id + ">" }

// wireGuardIPv4Overhead is what WireGuard adds to a packet over IPv4: the
// outer IPv4 header (20), UDP (8) and its own header and tag (32)
// (clouds.md §5, W2). Every gateway's endpoint is an IPv4 address (stacks
// refuse any other), so the IPv6 figure, 80, never applies.
const wireGuardIPv4Overhead = 20 + 8 + 32

// underlayMTU is the largest IP packet a cloud's gateway can send to a
// peer on the internet: the MTU of the interface WireGuard's packets leave
// by, capped by the internet's 1,500 bytes.
//   - AWS: instances have 9001-byte interfaces, but "traffic that flows
//     through an internet gateway is limited to 1500 MTU" (EC2 User Guide,
//     "Network maximum transmission unit (MTU) for your EC2 instance").
//   - Hetzner: the gateway's tunnel runs over its public interface, 1500
//     bytes; the private one, where the region's traffic arrives, has 1450
//     (docs.hetzner.com/cloud/networks/technical-concepts/architecture).
//   - IBM Cloud: the gateway's tunnel leaves through its floating IP to
//     the internet, 1500 bytes whatever the VPC interface allows (the
//     interface's own MTU, 1500 by default, is not verified here against
//     an IBM page).
//   - OVHcloud: the gateway reaches the internet from its private network
//     (a VLAN on the vRack) through the OVHcloud Gateway and its floating
//     IP: again the internet's 1500 bytes (the vRack network's own MTU is
//     not verified here against an OVH page).
//
// A cloud whose path were narrower (a VXLAN underlay of 1450) would lower
// every gateway's tunnel MTU (TunnelMTU).
var underlayMTU = map[topology.Cloud]int{
	topology.AWS:     1500,
	topology.Hetzner: 1500,
	topology.IBM:     1500,
	topology.OVH:     1500,
}

// TunnelMTU is the tunnel MTU of a mesh whose spec leaves it out: the
// smallest underlay of its gateways' clouds less WireGuard's IPv4 overhead,
// so that a full tunnel packet crosses any path between two gateways
// unfragmented (1440 on today's clouds). Every gateway gets the same
// value: a packet's size on the way out is bounded by the sender's tunnel,
// and PMTU discovery within a region does the rest (the gateways clamp
// TCP's MSS to it). wg-quick's own default, 1420, assumes an IPv6 outer
// header (clouds.md §5) and wastes 20 bytes a packet here.
func TunnelMTU(gws []*Gateway) int {
	under := 1500
	for _, g := range gws {
		if m, ok := underlayMTU[g.Cloud]; ok && m < under {
			under = m
		}
	}
	return under - wireGuardIPv4Overhead
}
