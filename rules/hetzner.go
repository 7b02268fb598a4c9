package rules

import "strings"

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
