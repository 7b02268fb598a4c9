package model

import (
	"fmt"
	"slices"
	"strings"

	"infra/policies"
	"infra/topology"
)

// native answers, once for every consumer (`infra guardrails check`, the
// guardrail ADR), which cloud enforces which enabled guardrail natively, and
// how: it reads what the landing-zone stacks create, never the spec alone.
func native(m *Model) map[string]map[topology.Cloud]string {
	out := map[string]map[topology.Cloud]string{}
	for _, a := range policies.Enabled(m.Spec) {
		for _, c := range topology.AllClouds {
			if how := m.nativeHow(a, c); how != "" {
				if out[a.Name] == nil {
					out[a.Name] = map[topology.Cloud]string{}
				}
				out[a.Name][c] = how
			}
		}
	}
	return out
}

// NativeClouds lists, per guardrail, the clouds whose landing zone enforces
// it (beyond the plan-time check every cloud gets), in canonical cloud order.
func (m *Model) NativeClouds() map[string][]topology.Cloud {
	out := map[string][]topology.Cloud{}
	for name, by := range m.Native {
		for _, c := range topology.AllClouds {
			if by[c] != "" {
				out[name] = append(out[name], c)
			}
		}
	}
	return out
}

// nativeHow says how a cloud enforces a guardrail in this topology, beyond
// the plan-time check; "" when the check is all there is. It reads what the
// landing-zone stacks create: packed SCPs, IBM grants, Key Protect and CBR
// rules, OVH identity groups and denies.
func (m *Model) nativeHow(a *policies.Active, c topology.Cloud) string {
	switch c {
	case topology.AWS:
		if m.SCPs == nil {
			return ""
		}
		var names []string
		for _, p := range m.SCPs.Policies {
			if slices.Contains(p.Guardrails, a.Name) {
				names = append(names, p.Name)
			}
		}
		if len(names) == 0 {
			return ""
		}
		return "SCP " + strings.Join(names, ", ")
	case topology.IBM:
		if m.LandingZone.IBM == nil {
			return ""
		}
		var how []string
		for _, e := range m.LandingZone.IBM.Environments {
			switch {
			case a.Name == policies.DenyRootAccount:
				how = append(how, "access groups scoped to resource groups")
			case a.Name == policies.RequireEncryption && e.KeyProtect != nil:
				how = append(how, "Key Protect")
			case a.Name == policies.AllowedRegions && len(e.GrantRegions()) > 0:
				how = append(how, "IAM grants in the allowed regions only")
			}
		}
		for _, r := range m.CBR {
			if r.Guardrail != a.Name {
				continue
			}
			if r.EnforcementMode == "enabled" {
				how = append(how, "CBR rules")
			} else {
				how = append(how, "CBR rules in report mode")
			}
		}
		return strings.Join(slices.Compact(how), ", ")
	case topology.OVH:
		if m.LandingZone.OVH == nil {
			return ""
		}
		if a.Name == policies.DenyRootAccount {
			return "identity groups without an account role"
		}
		for _, d := range m.OVHDenies {
			if d.Guardrail == a.Name {
				return fmt.Sprintf("IAM deny of %s", plural(len(d.Actions), "action"))
			}
		}
	}
	return ""
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
