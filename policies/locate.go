package policies

import (
	"strings"

	"infra/topology"
)

// Locate is the place in the topology a planned resource (or one of its
// properties) comes from, for diagnostics about it: the region entry of its stack, or, in the
// cross-region stacks, the region its logical name starts with (pointing
// at the entry's mesh or cluster key when the resource belongs to one);
// the landing zone (its guardrails for AWS Organizations policies) for the
// landing-zone stacks; the mesh or network section; else the spec itself.
// Guardrail violations place resources the same way (see violate).
func Locate(spec *topology.Spec, stack, name, typ, property string) topology.Pos {
	var reg *topology.Region
	for _, r := range spec.Regions() {
		id := r.ID()
		if stack == id || strings.HasPrefix(name, id+"-") {
			if reg == nil || len(r.ID()) > len(reg.ID()) {
				reg = r
			}
		}
	}
	switch {
	case reg != nil:
		for _, key := range []string{"mesh", "cluster"} {
			if strings.Contains(name, "-"+key) {
				if p, ok := reg.Keys[key]; ok {
					return p
				}
			}
		}
		return reg.Pos
	case strings.HasPrefix(stack, "landingzone-"):
		lz := &spec.LandingZone
		if strings.HasPrefix(typ, "aws:organizations/policy") {
			if p, ok := lz.Keys["guardrails"]; ok {
				return p
			}
		}
		if stack == "landingzone-aws" && lz.AWS != nil {
			// Account emails come from emailPattern, account names from accounts.
			if typ == "aws:organizations/account:Account" {
				switch property {
				case "email":
					return lz.AWS.At("emailPattern")
				case "name":
					return lz.AWS.At("accounts")
				}
			}
			return lz.AWS.Pos
		}
		if lz.Pos.Line > 0 {
			return lz.Pos
		}
	case strings.Contains(name, "mesh") && spec.Network.Mesh != nil:
		return spec.Network.Mesh.Pos
	case spec.Network.Pos.Line > 0:
		return spec.Network.Pos
	}
	return spec.Pos
}
