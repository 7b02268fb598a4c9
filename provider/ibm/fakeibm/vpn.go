package fakeibm

import (
	"fmt"
	"net/http"
	"net/netip"
	"slices"
)

// VPN for VPC (https://cloud.ibm.com/apidocs/vpc/latest#list-ike-policies):
// IKE and IPsec policies, VPN gateways (pending, then stable) with two
// members each holding a public IP, and their connections, under
// /vpc/{region}/v1.

var (
	authAlgorithms  = []string{"sha256", "sha384", "sha512"}
	encAlgorithms   = []string{"aes128", "aes192", "aes256"}
	dhGroups        = []float64{14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 31}
	pfsGroups       = []string{"disabled", "group_14", "group_15", "group_16", "group_17", "group_18", "group_19", "group_20", "group_21", "group_22", "group_23", "group_24", "group_31"}
	vpnGatewayModes = []string{"route", "policy"}
)

// oneOf checks that every element of the body's array field is allowed;
// the deprecated singular field may stand in for the array.
func oneOf[T comparable](c *call, field, singular string, allowed []T) ([]any, bool) {
	vals, _ := c.body[field].([]any)
	if v, ok := c.body[singular]; ok && len(vals) == 0 {
		vals = []any{v}
	}
	if len(vals) == 0 {
		c.fail(http.StatusBadRequest, "missing_field", field+" is required", field)
		return nil, false
	}
	for _, v := range vals {
		t, ok := v.(T)
		if !ok || !slices.Contains(allowed, t) {
			c.fail(http.StatusBadRequest, "invalid_"+field, fmt.Sprintf("%v is not one of %v", v, allowed), field)
			return nil, false
		}
	}
	return vals, true
}

// lifetime checks key_lifetime against IBM's bounds, defaulting it.
func lifetime(c *call, min, max, def float64) (float64, bool) {
	v, ok := c.body["key_lifetime"]
	if !ok {
		return def, true
	}
	n, isNum := v.(float64)
	if !isNum || n < min || n > max {
		c.fail(http.StatusBadRequest, "invalid_key_lifetime", fmt.Sprintf("key_lifetime must be %v to %v seconds", min, max), "key_lifetime")
		return 0, false
	}
	return n, true
}

// setAlgorithms sets the arrays and the deprecated singular fields IBM
// still answers with.
func setAlgorithms(body map[string]any, field, singular string, vals []any) {
	body[field] = vals
	if len(vals) == 1 {
		body[singular] = vals[0]
	} else {
		body[singular] = "multiple"
	}
}

func ikeBody(c *call, body map[string]any, create bool) bool {
	if v, ok := c.body["ike_version"]; ok || create {
		if v != 1.0 && v != 2.0 {
			c.fail(http.StatusBadRequest, "invalid_ike_version", fmt.Sprintf("ike_version must be 1 or 2, not %v", v), "ike_version")
			return false
		}
		body["ike_version"] = v
	}
	for _, a := range []struct {
		field, singular string
		check           func() ([]any, bool)
	}{
		{"authentication_algorithms", "authentication_algorithm", func() ([]any, bool) {
			return oneOf(c, "authentication_algorithms", "authentication_algorithm", authAlgorithms)
		}},
		{"encryption_algorithms", "encryption_algorithm", func() ([]any, bool) {
			return oneOf(c, "encryption_algorithms", "encryption_algorithm", encAlgorithms)
		}},
		{"dh_groups", "dh_group", func() ([]any, bool) { return oneOf(c, "dh_groups", "dh_group", dhGroups) }},
	} {
		_, has := c.body[a.field]
		_, hasOne := c.body[a.singular]
		if !create && !has && !hasOne {
			continue
		}
		vals, ok := a.check()
		if !ok {
			return false
		}
		setAlgorithms(body, a.field, a.singular, vals)
	}
	if _, ok := c.body["key_lifetime"]; ok || create {
		n, ok := lifetime(c, 1800, 86400, 28800)
		if !ok {
			return false
		}
		body["key_lifetime"] = n
	}
	return true
}

func ipsecBody(c *call, body map[string]any, create bool) bool {
	for _, a := range []struct {
		field, singular string
		check           func() ([]any, bool)
	}{
		{"authentication_algorithms", "authentication_algorithm", func() ([]any, bool) {
			return oneOf(c, "authentication_algorithms", "authentication_algorithm", append([]string{"disabled"}, authAlgorithms...))
		}},
		{"encryption_algorithms", "encryption_algorithm", func() ([]any, bool) {
			return oneOf(c, "encryption_algorithms", "encryption_algorithm", append([]string{"aes128gcm16", "aes192gcm16", "aes256gcm16"}, encAlgorithms...))
		}},
		{"pfs_groups", "pfs", func() ([]any, bool) { return oneOf(c, "pfs_groups", "pfs", pfsGroups) }},
	} {
		_, has := c.body[a.field]
		_, hasOne := c.body[a.singular]
		if !create && !has && !hasOne {
			continue
		}
		vals, ok := a.check()
		if !ok {
			return false
		}
		setAlgorithms(body, a.field, a.singular, vals)
	}
	if _, ok := c.body["key_lifetime"]; ok || create {
		n, ok := lifetime(c, 300, 86400, 3600)
		if !ok {
			return false
		}
		body["key_lifetime"] = n
	}
	return true
}

// policyRef is a connection's reference to a policy of the kind.
func (s *Server) policyRef(c *call, kind, field string) (map[string]any, bool) {
	id := c.str(field + ".id")
	if id == "" {
		return nil, true
	}
	p := s.find(kind, id)
	if p == nil {
		c.fail(http.StatusNotFound, kind+"_not_found", kind+" "+id+" not found", field)
		return nil, false
	}
	return map[string]any{"id": id, "name": p.body["name"], "resource_type": kind}, true
}

func (s *Server) vpnRoutes() {
	s.vpcCollection(vpcColl{kind: "ike_policy", path: "/ike_policies", listKey: "ike_policies",
		build: func(c *call, region, id string) (map[string]any, bool) {
			body := map[string]any{"name": c.str("name"), "resource_group": ref(c.str("resource_group.id")),
				"negotiation_mode": "main", "resource_type": "ike_policy", "connections": []any{}}
			return body, ikeBody(c, body, true)
		},
		patch: func(c *call, o *object) bool { return ikeBody(c, o.body, false) }}, "")

	s.vpcCollection(vpcColl{kind: "ipsec_policy", path: "/ipsec_policies", listKey: "ipsec_policies",
		build: func(c *call, region, id string) (map[string]any, bool) {
			body := map[string]any{"name": c.str("name"), "resource_group": ref(c.str("resource_group.id")),
				"encapsulation_mode": "tunnel", "transform_protocol": "esp", "resource_type": "ipsec_policy", "connections": []any{}}
			return body, ipsecBody(c, body, true)
		},
		patch: func(c *call, o *object) bool { return ipsecBody(c, o.body, false) }}, "")

	s.vpcCollection(vpcColl{kind: "vpn_gateway", path: "/vpn_gateways", listKey: "vpn_gateways",
		states: []string{"pending", "stable"}, deleting: "deleting",
		build: func(c *call, region, id string) (map[string]any, bool) {
			subnet := c.s.find("subnet", c.str("subnet.id"))
			if subnet == nil {
				c.fail(http.StatusNotFound, "subnet_not_found", "subnet "+c.str("subnet.id")+" not found", "subnet.id")
				return nil, false
			}
			mode := c.str("mode")
			if mode == "" {
				mode = "route"
			}
			if !slices.Contains(vpnGatewayModes, mode) {
				c.fail(http.StatusBadRequest, "invalid_mode", "mode must be route or policy, not "+mode, "mode")
				return nil, false
			}
			cidr := subnet.body["ipv4_cidr_block"].(string)
			var members []any
			for i, role := range []string{"active", "standby"} {
				members = append(members, map[string]any{"role": role, "lifecycle_state": "stable", "health_state": "ok",
					"health_reasons": []any{}, "lifecycle_reasons": []any{},
					"public_ip":  map[string]any{"address": c.s.address("203.0.113.")},
					"private_ip": map[string]any{"address": hostIn(cidr, c.s.seq+i), "id": fmt.Sprintf("%s-ip-%d", id, i)}})
				c.s.seq++
			}
			return map[string]any{"name": c.str("name"), "crn": c.s.crn("is", region, "vpn", id), "mode": mode,
				"subnet": ref(subnet.id), "vpc": subnet.body["vpc"], "members": members, "connections": []any{},
				"health_state": "ok", "health_reasons": []any{}, "lifecycle_reasons": []any{},
				"resource_group": ref(c.str("resource_group.id")), "resource_type": "vpn_gateway"}, true
		}}, "")

	s.vpcCollection(vpcColl{kind: "vpn_connection", path: "/vpn_gateways/{gw}/connections", listKey: "connections",
		build: func(c *call, region, id string) (map[string]any, bool) {
			gw := c.s.find("vpn_gateway", c.params["gw"])
			if gw == nil {
				c.notFound("VPN gateway")
				return nil, false
			}
			psk := c.str("psk")
			if len(psk) < 6 || len(psk) > 128 {
				c.fail(http.StatusBadRequest, "invalid_psk", "psk must be 6 to 128 characters", "psk")
				return nil, false
			}
			peer := c.str("peer.address")
			if a, err := netip.ParseAddr(peer); err != nil || !a.Is4() {
				c.fail(http.StatusBadRequest, "invalid_peer_address", "peer.address must be an IPv4 address, not "+peer, "peer.address")
				return nil, false
			}
			mode := gw.body["mode"].(string)
			local, _ := dig(c.body, "local.cidrs").([]any)
			peerCIDRs, _ := dig(c.body, "peer.cidrs").([]any)
			switch {
			case mode == "policy" && (len(local) == 0 || len(peerCIDRs) == 0):
				c.fail(http.StatusBadRequest, "missing_cidrs", "a policy-mode gateway's connection needs local.cidrs and peer.cidrs", "local.cidrs")
				return nil, false
			case mode == "route" && (len(local) > 0 || len(peerCIDRs) > 0):
				c.fail(http.StatusBadRequest, "invalid_cidrs", "a route-mode gateway's connection takes no CIDRs: routes send traffic to it", "peer.cidrs")
				return nil, false
			}
			ike, ok := c.s.policyRef(c, "ike_policy", "ike_policy")
			if !ok {
				return nil, false
			}
			ipsec, ok := c.s.policyRef(c, "ipsec_policy", "ipsec_policy")
			if !ok {
				return nil, false
			}
			up := true
			if v, ok := c.body["admin_state_up"].(bool); ok {
				up = v
			}
			body := map[string]any{"name": c.str("name"), "mode": mode, "psk": psk, "admin_state_up": up,
				"authentication_mode": "psk", "establish_mode": "bidirectional", "status": "down", "status_reasons": []any{},
				"dead_peer_detection": map[string]any{"action": "restart", "interval": 2, "timeout": 10},
				"resource_type":       "vpn_gateway_connection",
				"peer":                map[string]any{"type": "address", "address": peer, "ike_identity": map[string]any{"type": "ipv4_address", "value": peer}},
				"local":               map[string]any{"ike_identities": []any{map[string]any{"type": "ipv4_address"}}}}
			if mode == "policy" {
				body["local"].(map[string]any)["cidrs"] = local
				body["peer"].(map[string]any)["cidrs"] = peerCIDRs
			} else {
				body["routing_protocol"] = "none"
				body["tunnels"] = []any{}
			}
			if ike != nil {
				body["ike_policy"] = ike
			}
			if ipsec != nil {
				body["ipsec_policy"] = ipsec
			}
			return body, true
		},
		patch: func(c *call, o *object) bool {
			c.copy(o, "psk", "admin_state_up")
			if a := c.str("peer.address"); a != "" {
				o.body["peer"].(map[string]any)["address"] = a
			}
			for _, p := range []struct{ kind, field string }{{"ike_policy", "ike_policy"}, {"ipsec_policy", "ipsec_policy"}} {
				if _, set := c.body[p.field]; !set {
					continue
				}
				r, ok := c.s.policyRef(c, p.kind, p.field)
				if !ok {
					return false
				}
				if r == nil {
					delete(o.body, p.field)
				} else {
					o.body[p.field] = r
				}
			}
			return true
		}}, "gw")
}
