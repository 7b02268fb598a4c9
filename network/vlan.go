package network

import (
	"fmt"
	"net/netip"

	"infra/topology"
)

// OVHVLAN gives an OVH region's private network its own vRack VLAN, so that
// regions sharing a project (and so a vRack) stay apart. It derives from the
// network's first 16 bits, which differ between non-overlapping /16s, and
// stays in the 2-4000 range OVH allows.
func OVHVLAN(cidr netip.Prefix) int {
	return 2 + int(addrU32(cidr.Masked().Addr())>>16)%3999
}

// checkOVHVLANs reports OVH regions whose networks would share a VLAN: two
// CIDRs inside one /16, or /16s 3,999 apart, would join one L2 segment.
func checkOVHVLANs(spec *topology.Spec, plan *AddressPlan) topology.Diagnostics {
	var ds topology.Diagnostics
	if spec.Clouds.OVH == nil {
		return nil
	}
	owner := map[int]*topology.Region{}
	for _, r := range spec.Clouds.OVH.Regions {
		rn := plan.Region(r.ID())
		if rn == nil {
			continue
		}
		v := OVHVLAN(rn.CIDR)
		if prev := owner[v]; prev != nil {
			ds = append(ds, topology.Diagnostic{Severity: topology.Error, Rule: "network/vlan", Pos: r.At("cidr"),
				Message: fmt.Sprintf("%s would share vRack VLAN %d with %s: OVH networks take their VLAN from the CIDR's first 16 bits", r.Ref(), v, prev.Ref()),
				Hint:    "give each OVH region a CIDR in a /16 of its own",
				Related: []topology.Related{{Pos: prev.At("cidr"), Message: prev.Ref() + " is " + plan.Region(prev.ID()).CIDR.String()}}})
			continue
		}
		owner[v] = &r.Region
	}
	return ds
}
