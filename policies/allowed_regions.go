package policies

import (
	"fmt"
	"strings"

	"infra/topology"
)

func (c *checker) allowedRegions() {
	allowed := c.active.Spec.AllowedRegions
	in := func(cloud topology.Cloud, region string) bool {
		for _, a := range allowed[cloud] {
			// OVH Object Storage names a region by its location (GRA for GRA11).
			if strings.EqualFold(a, region) || (cloud == topology.OVH && strings.EqualFold(strings.TrimRight(a, "0123456789"), region)) {
				return true
			}
		}
		return false
	}
	users := map[string]int{} // resources per AWS provider
	for _, r := range c.resources {
		if r.Provider != "" {
			users[r.Stack+"\x00"+r.Provider]++
		}
	}
	hint := func(cloud topology.Cloud, region string) string {
		return "add " + region + " to allowed-regions." + string(cloud) + ", or deploy elsewhere"
	}
	for _, r := range c.resources {
		cloud := cloudOf(r.Type)
		if _, restricted := allowed[cloud]; !restricted {
			continue
		}
		var places []string
		switch {
		case cloud == topology.AWS && isProvider(r.Type):
			c.checked++
			if reg, ok := str(r.Inputs["region"]); ok && !in(cloud, reg) {
				c.violate(r, "region", fmt.Sprintf("deploys %d resources to %s, which is not an allowed aws region", users[r.Stack+"\x00"+r.Name], reg), hint(cloud, reg))
			} else if _, set := r.Inputs["region"]; !set {
				c.violate(r, "region", "sets no region: it takes one from the environment, which no guardrail sees", "set the provider's region")
			}
			continue
		case cloud == topology.AWS:
			if r.Provider == "" {
				c.checked++
				c.violate(r, "region", "uses the default AWS provider, whose region comes from the environment", "declare it with an explicit provider that sets the region")
			}
			continue
		case isProvider(r.Type):
			continue
		case cloud == topology.IBM:
			places = placesOf(r, "region", "location")
		case cloud == topology.Hetzner:
			places = placesOf(r, "location", "homeLocation")
		case cloud == topology.OVH:
			places = placesOf(r, "region", "regionName", "regions")
		}
		if len(places) == 0 {
			continue
		}
		c.checked++
		for _, p := range places {
			if !in(cloud, p) {
				c.violate(r, "region", fmt.Sprintf("is in %s, which is not an allowed %s region", p, cloud), hint(cloud, p))
				break
			}
		}
	}
}

// placesOf reads the region-like inputs of a resource.
func placesOf(r *Resource, keys ...string) []string {
	var out []string
	for _, k := range keys {
		switch v := r.Inputs[k].(type) {
		case string:
			if known(v) && v != "" {
				out = append(out, v)
			}
		case []any:
			out = append(out, strs(v)...)
		}
	}
	return out
}
