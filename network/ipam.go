// Package network derives the address plan and connectivity from a spec:
// region CIDRs, zone subnets and mesh overlay addresses. Everything here is a
// pure function of the spec (and, for the engine, of what is already deployed).
package network

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"infra/topology"
)

// RegionBits is the prefix length of an allocated region CIDR.
const RegionBits = 16

// zoneSlots is how many zone positions a region reserves: a private and a
// public subnet each, so subnets are the region prefix plus 4 bits.
const zoneSlots = 8

// AddressPlan is the address plan of a topology: region CIDRs, zone
// subnets and mesh overlay addresses. (plan.Plan is the resource plan;
// adr.PlanFiles plans the ADR directory.)
type AddressPlan struct {
	// Regions in spec order (topology.Spec.Regions).
	Regions []*RegionNet
	// Overlay is the mesh overlay range; invalid when there is no mesh.
	Overlay netip.Prefix
	byID    map[string]*RegionNet
}

// RegionNet is the address plan of one region entry.
type RegionNet struct {
	ID string
	// CIDR is the region's network: explicit in the spec, or allocated.
	CIDR netip.Prefix
	// Allocated is true when CIDR came from the supernet rather than the spec.
	Allocated bool
	// Zones has one entry per spec zone, in spec order. A Hetzner location or a
	// single-zone OVH region has exactly one, named after the region.
	Zones []ZoneNet
	// Overlay is the mesh address of the region's gateway; invalid when the region is not in the mesh.
	Overlay netip.Addr
}

// ZoneNet is the pair of subnets of one zone.
type ZoneNet struct {
	Zone    string
	Private netip.Prefix
	Public  netip.Prefix
	// Overlay is the mesh address of the zone's own gateway, in a region
	// of the mesh whose gateways are per zone (PerZone); invalid otherwise.
	Overlay netip.Addr
}

// PerZone reports whether a cloud's regions join the mesh with one
// gateway per zone rather than one per region. AWS does: a route table
// sends a destination to one network interface, in one AZ, so a single
// gateway would be the region's single point of failure and carry the
// other zones' traffic across AZs (review aws.md item 22). Each zone's
// gateway is a mesh site of its own, whose AllowedIPs are its zone's
// subnets, and its zone's route table points at it.
func PerZone(c topology.Cloud) bool { return c == topology.AWS }

// SiteID is the ID of the mesh gateway of zone in region r where gateways
// are per zone: the region's ID and the zone's letter ("aws-us-east-1-prod-a").
func SiteID(r *topology.Region, zone string) string {
	suffix := strings.TrimPrefix(zone, r.Name)
	if suffix == "" || suffix == zone {
		suffix = zone
	}
	return r.ID() + "-" + strings.ToLower(suffix)
}

// MeshSites are the overlay addresses of a region's mesh gateways by site
// ID: the region's own ID, or one SiteID per zone where gateways are per
// zone. Empty when the region is not in the mesh.
func (rn *RegionNet) MeshSites(r *topology.Region) map[string]netip.Addr {
	out := map[string]netip.Addr{}
	if rn.Overlay.IsValid() {
		out[rn.ID] = rn.Overlay
	}
	for _, z := range rn.Zones {
		if z.Overlay.IsValid() {
			out[SiteID(r, z.Zone)] = z.Overlay
		}
	}
	return out
}

// Region returns the plan of a region entry by topology.Region.ID, or nil.
func (p *AddressPlan) Region(id string) *RegionNet { return p.byID[id] }

// Option adjusts Compute.
type Option func(*options)

type options struct {
	cidrs   map[string]netip.Prefix
	overlay map[string]netip.Addr
}

// WithPrevious honours allocations already deployed (read from stack outputs),
// so that a region keeps its CIDR and overlay address for its whole life
// whatever is added or removed around it. Keys are region IDs, and for the
// overlay the gateways' IDs (a region's, or its zones' SiteIDs).
func WithPrevious(cidrs map[string]netip.Prefix, overlay map[string]netip.Addr) Option {
	return func(o *options) { o.cidrs, o.overlay = cidrs, overlay }
}

// Compute allocates every CIDR and overlay address the spec leaves out.
//
// Allocation is keyed by region ID, never by position: each region hashes to a
// preferred slot and probes from there, regions are placed in ID order, and
// previous allocations are placed first. Reordering the spec changes nothing;
// adding or removing a region moves another only when both hash to the same
// slot and no previous allocation pins it, which the engine always provides.
func Compute(spec *topology.Spec, opts ...Option) (*AddressPlan, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	p := &AddressPlan{byID: map[string]*RegionNet{}}
	regions := spec.Regions()
	for _, r := range regions {
		rn := &RegionNet{ID: r.ID()}
		if r.CIDR != "" {
			pr, err := netip.ParsePrefix(r.CIDR)
			if err != nil {
				return nil, diag(r.At("cidr"), "invalid CIDR %q", r.CIDR)
			}
			rn.CIDR = pr
		}
		p.Regions = append(p.Regions, rn)
		p.byID[rn.ID] = rn
	}
	if err := p.allocateRegions(spec, regions, o.cidrs); err != nil {
		return nil, err
	}
	for i, r := range regions {
		rn := p.Regions[i]
		zones := r.Zones
		if len(zones) == 0 {
			zones = []string{r.Name}
		}
		for _, z := range zones {
			idx := zoneIndex(r, z)
			priv, err1 := nthSubnet(rn.CIDR, 4, idx)
			pub, err2 := nthSubnet(rn.CIDR, 4, zoneSlots+idx)
			if err1 != nil || err2 != nil {
				return nil, diag(r.At("zones"), "zone %s does not fit in %s", z, rn.CIDR)
			}
			rn.Zones = append(rn.Zones, ZoneNet{Zone: z, Private: priv, Public: pub})
		}
	}
	if m := spec.Network.Mesh; m != nil {
		ov, err := netip.ParsePrefix(m.Overlay)
		if err != nil {
			return nil, diag(m.At("overlay"), "invalid overlay %q", m.Overlay)
		}
		p.Overlay = ov
		if err := p.allocateOverlay(spec, regions, o.overlay); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// zoneIndex is the zone's position in the region's catalog zones, so that a
// zone keeps its subnets when other zones are added, removed or reordered.
func zoneIndex(r *topology.Region, zone string) int {
	if i := slices.Index(topology.ZonesOf(r.Cloud, r.Name), zone); i >= 0 && i < zoneSlots {
		return i
	}
	return 0
}

func (p *AddressPlan) allocateRegions(spec *topology.Spec, regions []*topology.Region, prev map[string]netip.Prefix) error {
	super, err := netip.ParsePrefix(spec.Network.Supernet)
	if err != nil {
		return diag(spec.Network.At("supernet"), "invalid supernet %q", spec.Network.Supernet)
	}
	var pending []*RegionNet
	for _, rn := range p.Regions {
		if !rn.CIDR.IsValid() {
			pending = append(pending, rn)
		}
	}
	if len(pending) == 0 {
		return nil
	}
	if super.Bits() > RegionBits {
		return diag(spec.Network.At("supernet"), "supernet %s is smaller than a /%d", super, RegionBits)
	}
	slots := 1 << (RegionBits - super.Bits())
	// Slots taken by explicit CIDRs or the overlay, checked lazily per slot.
	var reserved []netip.Prefix
	for _, rn := range p.Regions {
		if rn.CIDR.IsValid() {
			reserved = append(reserved, rn.CIDR)
		}
	}
	if m := spec.Network.Mesh; m != nil {
		if ov, err := netip.ParsePrefix(m.Overlay); err == nil {
			reserved = append(reserved, ov)
		}
	}
	used := map[int]bool{}
	free := func(slot int) (netip.Prefix, bool) {
		if used[slot] {
			return netip.Prefix{}, false
		}
		c, _ := nthSubnet(super, RegionBits-super.Bits(), slot)
		for _, r := range reserved {
			if r.Overlaps(c) {
				return netip.Prefix{}, false
			}
		}
		return c, true
	}
	// New regions also keep out of the clusters' pod and service networks
	// (topology.ClusterRanges); a region allocated there before keeps its
	// CIDR, as moving a deployed region is worse.
	var clusters []netip.Prefix
	for _, r := range spec.Regions() {
		clusters = append(clusters, topology.ClusterRanges[r.Cloud]...)
	}
	fresh := func(slot int) (netip.Prefix, bool) {
		c, ok := free(slot)
		for _, k := range clusters {
			ok = ok && !k.Overlaps(c)
		}
		return c, ok
	}
	sort.Slice(pending, func(i, j int) bool { return pending[i].ID < pending[j].ID })
	// previous allocations first, so a deployed region never moves
	var rest []*RegionNet
	for _, rn := range pending {
		if c, ok := prev[rn.ID]; ok && c.Bits() == RegionBits && super.Contains(c.Addr()) {
			slot := slotOf(super, c)
			if _, ok := free(slot); ok {
				used[slot] = true
				rn.CIDR, rn.Allocated = c, true
				continue
			}
		}
		rest = append(rest, rn)
	}
	for _, rn := range rest {
		start := int(hash(rn.ID) % uint64(slots))
		placed := false
		for i := 0; i < slots; i++ {
			slot := (start + i) % slots
			if c, ok := fresh(slot); ok {
				used[slot] = true
				rn.CIDR, rn.Allocated, placed = c, true, true
				break
			}
		}
		if !placed {
			return diag(spec.Network.At("supernet"), "supernet %s has no free /%d left for %s; %d regions need one",
				super, RegionBits, rn.ID, len(pending))
		}
	}
	return nil
}

func (p *AddressPlan) allocateOverlay(spec *topology.Spec, regions []*topology.Region, prev map[string]netip.Addr) error {
	hostBits := 32 - p.Overlay.Bits()
	if hostBits < 2 {
		return diag(spec.Network.Mesh.At("overlay"), "overlay %s has no host addresses", p.Overlay)
	}
	hosts := (1 << hostBits) - 2 // neither network nor broadcast
	// a member is a mesh gateway: a region, or a zone where gateways are per zone
	type member struct {
		id   string
		addr *netip.Addr
	}
	var members []member
	for i, r := range regions {
		if !r.InMesh() {
			continue
		}
		rn := p.Regions[i]
		if !PerZone(r.Cloud) {
			members = append(members, member{rn.ID, &rn.Overlay})
			continue
		}
		for j := range rn.Zones {
			members = append(members, member{SiteID(r, rn.Zones[j].Zone), &rn.Zones[j].Overlay})
		}
	}
	if len(members) > hosts {
		return diag(spec.Network.Mesh.At("overlay"), "overlay %s has room for %d gateways, %d need one", p.Overlay, hosts, len(members))
	}
	sort.Slice(members, func(i, j int) bool { return members[i].id < members[j].id })
	used := map[int]bool{}
	var rest []member
	for _, m := range members {
		if a, ok := prev[m.id]; ok && p.Overlay.Contains(a) {
			h := hostIndex(p.Overlay, a)
			if h >= 1 && h <= hosts && !used[h] {
				used[h] = true
				*m.addr = a
				continue
			}
		}
		rest = append(rest, m)
	}
	for _, m := range rest {
		start := int(hash("overlay/"+m.id) % uint64(hosts))
		for i := 0; i < hosts; i++ {
			h := 1 + (start+i)%hosts
			if !used[h] {
				used[h] = true
				*m.addr = NthAddr(p.Overlay, h)
				break
			}
		}
	}
	return nil
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// nthSubnet returns the n-th subnet of p that is extra bits longer.
func nthSubnet(p netip.Prefix, extra, n int) (netip.Prefix, error) {
	bits := p.Bits() + extra
	if bits > 32 || n < 0 || n >= 1<<extra {
		return netip.Prefix{}, fmt.Errorf("no subnet %d of %s at /%d", n, p, bits)
	}
	return netip.PrefixFrom(u32Addr(addrU32(p.Masked().Addr())+uint32(n)<<(32-bits)), bits), nil
}

func slotOf(super, c netip.Prefix) int {
	return int((addrU32(c.Addr()) - addrU32(super.Masked().Addr())) >> (32 - RegionBits))
}

func hostIndex(p netip.Prefix, a netip.Addr) int {
	return int(addrU32(a) - addrU32(p.Masked().Addr()))
}

// NthAddr is the n-th address of p, counting its network address as 0.
func NthAddr(p netip.Prefix, n int) netip.Addr {
	return u32Addr(addrU32(p.Masked().Addr()) + uint32(n))
}

func addrU32(a netip.Addr) uint32 {
	b := a.As4()
	return binary.BigEndian.Uint32(b[:])
}

func u32Addr(v uint32) netip.Addr {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

func diag(p topology.Pos, format string, args ...any) topology.Diagnostics {
	return topology.Diagnostics{{Severity: topology.Error, Pos: p, Message: fmt.Sprintf(format, args...)}}
}
