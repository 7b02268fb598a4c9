package network

import (
	"slices"
	"sort"

	"infra/topology"
)

// Transit is what the clouds' own transit gateways connect: an IBM Transit
// Gateway over the IBM VPCs, and an AWS Transit Gateway per AWS region over
// that region's VPCs, optionally peered across regions. Traffic between two
// regions a transit gateway joins never needs the mesh.
type Transit struct {
	// IBM is nil unless the spec sets network.transit.ibm.
	IBM *IBMTransit
	// AWS has one gateway per AWS region, in order of the region's first
	// entry in the spec; nil unless the spec sets network.transit.aws.
	AWS []*AWSTransitGateway
	// Peerings join every two AWS gateways when peering is asked for.
	Peerings []AWSPeering
	reach    map[string][]string
	// covered are the AWS VPCs attached to a gateway.
	covered []string
}

// IBMTransit is the one IBM Transit Gateway.
type IBMTransit struct {
	// Location is where the gateway lives: the first IBM region of the spec.
	// With global routing it only affects latency (clouds.md §2.6).
	Location string
	Global   bool
	// Environment is the first IBM entry's environment, whose resource
	// group holds the gateway.
	Environment string
	// VPCs are the region IDs connected, in spec order.
	VPCs []string
}

// AWSTransitGateway is the Transit Gateway of one AWS region. Every VPC of
// the region attaches to it, whatever its environment or account; which
// VPCs reach each other is decided by route tables, one per environment
// (RouteTable) unless the spec connects environments.
type AWSTransitGateway struct {
	Region string
	// VPCs are the region IDs attached, in spec order.
	VPCs []string
	// Tables are the gateway's route tables, in order of first use: one
	// per environment, or the one "shared" table when the spec connects
	// environments.
	Tables []string
	// table is the route table of each VPC (region ID).
	table map[string]string
}

// SharedTable is the name of the one route table of a gateway whose
// environments are connected.
const SharedTable = "shared"

// RouteTable is the route table a VPC (region ID) is associated with and
// propagates into.
func (g *AWSTransitGateway) RouteTable(id string) string { return g.table[id] }

// AWSPeering is a peering attachment between two regions' gateways: the
// requester's gateway asks, the accepter's accepts. Requester comes first
// in the order of Transit.AWS.
type AWSPeering struct{ Requester, Accepter string }

// Name is the stable logical name of the peering.
func (p AWSPeering) Name() string { return p.Requester + "--" + p.Accepter }

// BuildTransit derives the transit gateways of a spec. It returns an empty
// Transit (never nil) when the spec asks for none.
func BuildTransit(spec *topology.Spec) *Transit {
	t := &Transit{reach: map[string][]string{}}
	tr := spec.Network.Transit
	if tr.IBM != nil && spec.Clouds.IBM != nil && len(spec.Clouds.IBM.Regions) > 0 {
		first := spec.Clouds.IBM.Regions[0]
		t.IBM = &IBMTransit{Location: first.Name, Global: tr.IBM.Routing == "global", Environment: first.Environment}
		for _, r := range spec.Clouds.IBM.Regions {
			t.IBM.VPCs = append(t.IBM.VPCs, r.ID())
		}
		t.connect(t.IBM.VPCs)
	}
	if tr.AWS != nil && spec.Clouds.AWS != nil {
		byRegion := map[string]*AWSTransitGateway{}
		// The VPCs that reach each other: those of one route table, in one
		// region or, with peering, in every region.
		groups := map[string][]string{}
		var groupOrder []string
		for _, r := range spec.Clouds.AWS.Regions {
			g := byRegion[r.Name]
			if g == nil {
				g = &AWSTransitGateway{Region: r.Name, table: map[string]string{}}
				byRegion[r.Name] = g
				t.AWS = append(t.AWS, g)
			}
			g.VPCs = append(g.VPCs, r.ID())
			table := r.Environment
			if tr.AWS.ConnectEnvironments {
				table = SharedTable
			}
			g.table[r.ID()] = table
			if !slices.Contains(g.Tables, table) {
				g.Tables = append(g.Tables, table)
			}
			key := table
			if !tr.AWS.Peering {
				key = r.Name + "/" + table
			}
			if _, ok := groups[key]; !ok {
				groupOrder = append(groupOrder, key)
			}
			groups[key] = append(groups[key], r.ID())
			t.covered = append(t.covered, r.ID())
		}
		if tr.AWS.Peering {
			for i, a := range t.AWS {
				for _, b := range t.AWS[i+1:] {
					t.Peerings = append(t.Peerings, AWSPeering{Requester: a.Region, Accepter: b.Region})
				}
			}
		}
		for _, k := range groupOrder {
			t.connect(groups[k])
		}
	}
	return t
}

// Isolates reports whether the transit gateways keep regions a and b apart
// on purpose: both are AWS VPCs attached to gateways that could join them
// (one region, or peered regions) but in different route tables. The mesh
// must not route between them either, or it would undo the isolation.
func (t *Transit) Isolates(a, b string) bool {
	if !slices.Contains(t.covered, a) || !slices.Contains(t.covered, b) || slices.Contains(t.reach[a], b) {
		return false
	}
	ga, gb := t.gatewayOf(a), t.gatewayOf(b)
	return ga == gb || len(t.Peerings) > 0
}

// Isolated lists the regions the transit gateways keep apart from region
// id (Isolates), sorted. Their CIDRs get a route to id's transit gateway,
// which has no route onward and drops the traffic (a transit gateway drops
// a packet that matches no route in the attachment's route table: AWS
// Transit Gateway guide, "How transit gateways work", route evaluation), so
// that a wider route (the mesh's summary) cannot carry it elsewhere.
func (t *Transit) Isolated(id string) []string {
	var out []string
	for _, other := range t.covered {
		if other != id && t.Isolates(id, other) {
			out = append(out, other)
		}
	}
	sort.Strings(out)
	return out
}

func (t *Transit) gatewayOf(id string) *AWSTransitGateway {
	for _, g := range t.AWS {
		if slices.Contains(g.VPCs, id) {
			return g
		}
	}
	return nil
}

// connect makes every region of ids reach every other.
func (t *Transit) connect(ids []string) {
	for _, a := range ids {
		for _, b := range ids {
			if a != b {
				t.reach[a] = append(t.reach[a], b)
			}
		}
	}
	for _, a := range ids {
		sort.Strings(t.reach[a])
		t.reach[a] = slices.Compact(t.reach[a])
	}
}

// Reach lists the region IDs that region id reaches through a transit
// gateway, sorted. Routes to them go to the transit gateway, not the mesh.
func (t *Transit) Reach(id string) []string { return t.reach[id] }

// Gateway returns the AWS gateway of a region, or nil.
func (t *Transit) Gateway(region string) *AWSTransitGateway {
	for _, g := range t.AWS {
		if g.Region == region {
			return g
		}
	}
	return nil
}
