package network

import (
	"errors"
	"fmt"

	"infra/topology"
)

// Validate checks what only the derived network model can tell: that every
// omitted CIDR and overlay address can be allocated, that mesh AllowedIPs are
// disjoint, that Hetzner regions can route to the rest of the mesh, that
// every load-balancer pool has a member able to pass health checks, and
// that Route 53 can express the steering asked for.
// topology.Load has already checked the spec itself.
func Validate(spec *topology.Spec) topology.Diagnostics {
	var ds topology.Diagnostics
	plan, err := Compute(spec)
	if err == nil {
		ds = append(ds, checkOVHVLANs(spec, plan)...)
		var m *Mesh
		if m, err = BuildMesh(spec, plan); err == nil {
			ds = append(ds, validateMeshRoutes(spec, m)...)
		}
	}
	if err != nil {
		var d topology.Diagnostics
		if !errors.As(err, &d) {
			d = topology.Diagnostics{{Severity: topology.Error, Pos: spec.Network.Pos, Message: err.Error()}}
		}
		ds = append(ds, d...)
	}
	ds = append(ds, validateGLB(spec)...)
	if g := spec.Network.GlobalLoadBalancer; g != nil {
		for _, p := range g.Pools {
			if p != nil && len(p.Members) > 0 && !healthCapable(spec, p) {
				ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: "network/pools", Pos: p.At("members"),
					Message: fmt.Sprintf("pool %s has no member that can pass a health check: every member's cluster may scale to zero nodes", p.Name),
					Hint:    "give at least one member a minimum node count above zero"})
			}
		}
	}
	return ds.Sort()
}

// healthCapable reports whether some member of the pool always has a node
// behind its ingress. Unresolvable members were reported by topology.
func healthCapable(spec *topology.Spec, p *topology.Pool) bool {
	for _, m := range p.Members {
		for _, r := range spec.Lookup(m) {
			if minNodes(spec, r) > 0 {
				return true
			}
		}
	}
	return false
}

func minNodes(spec *topology.Spec, r *topology.Region) int {
	switch r.Cloud {
	case topology.AWS:
		if a := topology.EntryOf(spec.Clouds.AWS.Regions, r); a != nil {
			return a.Cluster.NodesPerZone.Min
		}
	case topology.OVH:
		if o := topology.EntryOf(spec.Clouds.OVH.Regions, r); o != nil {
			return o.Cluster.Nodes.Min
		}
	}
	return 1 // IBM worker pools and Hetzner servers have a fixed size of at least one
}
