package fakeibm

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// The VPC API (https://cloud.ibm.com/apidocs/vpc/latest), under
// /vpc/{region}/v1. Every object lives in its region.

func (s *Server) crn(service, region, typ, id string) string {
	return fmt.Sprintf("crn:v1:bluemix:public:%s:%s:a/%s::%s:%s", service, region, Account, typ, id)
}

func ref(id string) map[string]any { return map[string]any{"id": id} }

func zoneRef(name string) map[string]any { return map[string]any{"name": name} }

// vpcColl is a top-level VPC collection such as /subnets.
type vpcColl struct {
	kind, path, listKey string
	states              []string // create states; empty: no status
	deleting            string
	// build makes the object from the request; false when it answered an error.
	build func(c *call, region, id string) (map[string]any, bool)
	// patch applies a PATCH body; nil allows name only.
	patch func(c *call, o *object) bool
	// reserved is a name prefix IBM keeps for its own objects, with the
	// message it refuses it with.
	reserved, reservedMsg string
}

// reservedName refuses a name with the collection's reserved prefix.
func (v vpcColl) reservedName(c *call, name string) bool {
	if v.reserved != "" && strings.HasPrefix(name, v.reserved) {
		c.fail(http.StatusBadRequest, "validation_invalid_argument", v.reservedMsg, "name")
		return true
	}
	return false
}

func (s *Server) vpcCollection(v vpcColl, scopeParam string) {
	base := "/vpc/{region}/v1" + v.path
	scope := func(c *call) string {
		if scopeParam != "" {
			return c.params["region"] + "/" + c.params[scopeParam]
		}
		return c.params["region"]
	}
	s.handle(http.MethodPost, base, func(c *call) {
		if v.reservedName(c, c.str("name")) {
			return
		}
		if name := c.str("name"); name != "" && c.s.nameTaken(v.kind, scope(c), "name", name) {
			c.fail(http.StatusConflict, "validation_unique_failed", fmt.Sprintf("%s name %q is already in use", v.kind, name), "name")
			return
		}
		id := c.s.newID("r006-" + v.kind)
		body, ok := v.build(c, c.params["region"], id)
		if !ok {
			return
		}
		body["id"] = id
		body["created_at"] = now()
		body["href"] = c.s.URL + strings.Replace(base, "{region}", c.params["region"], 1) + "/" + id
		field := ""
		if len(v.states) > 0 {
			field = statusField(v.kind)
		}
		o := c.s.put(v.kind, id, scope(c), body, field, v.states...)
		o.creator = c.caller
		c.json(http.StatusCreated, clone(o.body))
	})
	s.handle(http.MethodGet, base, func(c *call) {
		items := c.s.list(v.kind, scope(c), func(b map[string]any) bool {
			if n := c.q("name"); n != "" && b["name"] != n {
				return false
			}
			if vpc := c.q("vpc.id"); vpc != "" && dig(b, "vpc.id") != vpc {
				return false
			}
			return true
		})
		c.json(http.StatusOK, map[string]any{v.listKey: items, "limit": 50, "total_count": len(items),
			"first": map[string]any{"href": c.r.URL.String()}})
	})
	s.handle(http.MethodGet, base+"/{id}", func(c *call) {
		o := c.item(v.kind, scope(c), func() { c.notFound(v.kind) })
		if o == nil {
			return
		}
		c.json(http.StatusOK, c.s.read(o))
	})
	s.handle(http.MethodPatch, base+"/{id}", func(c *call) {
		o := c.item(v.kind, scope(c), func() { c.notFound(v.kind) })
		if o == nil {
			return
		}
		if name := c.str("name"); name != "" {
			if v.reservedName(c, name) {
				return
			}
			if name != o.body["name"] && c.s.nameTaken(v.kind, o.scope, "name", name) {
				c.fail(http.StatusConflict, "validation_unique_failed", fmt.Sprintf("%s name %q is already in use", v.kind, name), "name")
				return
			}
			o.body["name"] = name
		}
		if v.patch != nil && !v.patch(c, o) {
			return
		}
		c.json(http.StatusOK, clone(o.body))
	})
	s.handle(http.MethodDelete, base+"/{id}", func(c *call) {
		o := c.item(v.kind, scope(c), func() { c.notFound(v.kind) })
		if o == nil {
			return
		}
		if msg := c.s.inUse(o); msg != "" {
			c.fail(http.StatusConflict, v.kind+"_in_use", msg, "id")
			return
		}
		c.s.remove(o, v.deleting)
		c.w.WriteHeader(http.StatusNoContent)
	})
}

func statusField(kind string) string {
	switch kind {
	case "load_balancer":
		return "provisioning_status"
	case "route":
		return "lifecycle_state"
	}
	return "status"
}

// inUse is IBM's refusal to delete what others depend on.
func (s *Server) inUse(o *object) string {
	for _, other := range s.objs {
		if other.gone {
			continue
		}
		// A load balancer holds its subnets until it is gone, also while
		// delete_pending: VPC answers 409 to a subnet delete meanwhile.
		if o.kind == "subnet" && other.kind == "load_balancer" && holdsSubnet(other.body["subnets"], o.id) {
			return fmt.Sprintf("subnet %s is in use by load balancer %s (%v), status %v", o.id, other.id, other.body["name"], other.body["provisioning_status"])
		}
		if other.deleting {
			continue
		}
		switch {
		case o.kind == "subnet" && other.kind == "worker_pool" && s.find("cluster", other.scope) != nil && poolHolds(other.body, o.id):
			return fmt.Sprintf("subnet %s is in use by the workers of cluster %s", o.id, other.scope)
		case o.kind == "vpc" && other.scope == o.scope && dig(other.body, "vpc.id") == o.id && other.kind != "security_group":
			return fmt.Sprintf("VPC %s still has a %s (%s)", o.id, other.kind, other.id)
		case o.kind == "subnet" && other.kind == "instance" && dig(other.body, "primary_network_interface.subnet.id") == o.id:
			return fmt.Sprintf("subnet %s still has instance %s", o.id, other.id)
		case o.kind == "public_gateway" && other.kind == "subnet" && dig(other.body, "public_gateway.id") == o.id:
			return fmt.Sprintf("public gateway %s is attached to subnet %s", o.id, other.id)
		}
	}
	return ""
}

func (s *Server) vpcRoutes() {
	s.vpcCollection(vpcColl{kind: "vpc", path: "/vpcs", listKey: "vpcs", states: []string{"pending", "available"}, deleting: "deleting",
		build: func(c *call, region, id string) (map[string]any, bool) {
			rg := c.str("resource_group.id")
			if rg == "" {
				rg = c.s.defaultGroup()
			}
			sg, acl, rt := c.s.newID("r006-sg"), c.s.newID("r006-acl"), c.s.newID("r006-rt")
			classic, _ := dig(c.body, "classic_access").(bool)
			return map[string]any{"name": c.str("name"), "crn": c.s.crn("is", region, "vpc", id), "classic_access": classic,
				"resource_group": ref(rg), "resource_type": "vpc",
				"default_security_group": map[string]any{"id": sg, "name": "default-sg"},
				"default_network_acl":    map[string]any{"id": acl, "name": "default-acl"},
				"default_routing_table":  map[string]any{"id": rt, "name": "default-rt", "resource_type": "routing_table"},
				"health_state":           "ok", "health_reasons": []any{}, "cse_source_ips": []any{}}, true
		}}, "")

	// Address prefixes live inside a VPC.
	s.vpcCollection(vpcColl{kind: "address_prefix", path: "/vpcs/{vpc}/address_prefixes", listKey: "address_prefixes",
		build: func(c *call, region, id string) (map[string]any, bool) {
			if c.s.find("vpc", c.params["vpc"]) == nil {
				c.notFound("vpc")
				return nil, false
			}
			if _, err := netip.ParsePrefix(c.str("cidr")); err != nil {
				c.fail(http.StatusBadRequest, "invalid_cidr", "cidr is not a CIDR block: "+c.str("cidr"), "cidr")
				return nil, false
			}
			def, _ := dig(c.body, "is_default").(bool)
			return map[string]any{"name": c.str("name"), "cidr": c.str("cidr"), "zone": zoneRef(c.str("zone.name")),
				"is_default": def, "has_subnets": false}, true
		},
		patch: func(c *call, o *object) bool {
			if d, ok := dig(c.body, "is_default").(bool); ok {
				o.body["is_default"] = d
			}
			return true
		}}, "vpc")

	s.vpcCollection(vpcColl{kind: "public_gateway", path: "/public_gateways", listKey: "public_gateways",
		states: []string{"pending", "available"}, deleting: "deleting",
		build: func(c *call, region, id string) (map[string]any, bool) {
			if c.s.find("vpc", c.str("vpc.id")) == nil {
				c.fail(http.StatusNotFound, "vpc_not_found", "VPC "+c.str("vpc.id")+" not found", "vpc.id")
				return nil, false
			}
			return map[string]any{"name": c.str("name"), "crn": c.s.crn("is", region, "public-gateway", id), "vpc": ref(c.str("vpc.id")),
				"zone": zoneRef(c.str("zone.name")), "resource_group": ref(c.str("resource_group.id")), "resource_type": "public_gateway",
				"floating_ip": map[string]any{"id": id + "-fip", "address": c.s.address("198.51.100.")}}, true
		}}, "")

	s.vpcCollection(vpcColl{kind: "subnet", path: "/subnets", listKey: "subnets", states: []string{"pending", "available"}, deleting: "deleting",
		build: func(c *call, region, id string) (map[string]any, bool) {
			vpc := c.s.find("vpc", c.str("vpc.id"))
			if vpc == nil {
				c.fail(http.StatusNotFound, "vpc_not_found", "VPC "+c.str("vpc.id")+" not found", "vpc.id")
				return nil, false
			}
			cidr, err := netip.ParsePrefix(c.str("ipv4_cidr_block"))
			if err != nil {
				c.fail(http.StatusBadRequest, "invalid_cidr", "ipv4_cidr_block is not a CIDR block", "ipv4_cidr_block")
				return nil, false
			}
			// A subnet must lie in one of the VPC's address prefixes in its zone.
			inside := false
			for _, p := range c.s.objs {
				if p.kind == "address_prefix" && !p.gone && p.scope == region+"/"+vpc.id && dig(p.body, "zone.name") == c.str("zone.name") {
					if pp, err := netip.ParsePrefix(p.body["cidr"].(string)); err == nil && pp.Contains(cidr.Addr()) && pp.Bits() <= cidr.Bits() {
						inside = true
						p.body["has_subnets"] = true
					}
				}
			}
			if !inside {
				c.fail(http.StatusBadRequest, "subnet_cidr_not_in_address_prefix",
					fmt.Sprintf("%s is in no address prefix of the VPC in zone %s", cidr, c.str("zone.name")), "ipv4_cidr_block")
				return nil, false
			}
			body := map[string]any{"name": c.str("name"), "crn": c.s.crn("is", region, "subnet", id), "vpc": ref(vpc.id),
				"zone": zoneRef(c.str("zone.name")), "ipv4_cidr_block": cidr.String(), "ip_version": "ipv4",
				"available_ipv4_address_count": (1 << (32 - cidr.Bits())) - 5, "total_ipv4_address_count": 1 << (32 - cidr.Bits()),
				"resource_group": ref(c.str("resource_group.id")), "resource_type": "subnet",
				"network_acl": vpc.body["default_network_acl"], "routing_table": vpc.body["default_routing_table"]}
			if gw := c.str("public_gateway.id"); gw != "" {
				body["public_gateway"] = ref(gw)
			}
			return body, true
		}}, "")
	s.handle(http.MethodPut, "/vpc/{region}/v1/subnets/{id}/public_gateway", func(c *call) {
		o, gw := c.s.find("subnet", c.params["id"]), c.s.find("public_gateway", c.str("id"))
		if o == nil || gw == nil {
			c.notFound("subnet or public gateway")
			return
		}
		o.body["public_gateway"] = ref(gw.id)
		c.json(http.StatusCreated, clone(gw.body))
	})
	s.handle(http.MethodDelete, "/vpc/{region}/v1/subnets/{id}/public_gateway", func(c *call) {
		o := c.item("subnet", "", func() { c.notFound("subnet") })
		if o == nil {
			return
		}
		delete(o.body, "public_gateway")
		c.w.WriteHeader(http.StatusNoContent)
	})

	s.vpcCollection(vpcColl{kind: "security_group", path: "/security_groups", listKey: "security_groups",
		build: func(c *call, region, id string) (map[string]any, bool) {
			if c.s.find("vpc", c.str("vpc.id")) == nil {
				c.fail(http.StatusNotFound, "vpc_not_found", "VPC "+c.str("vpc.id")+" not found", "vpc.id")
				return nil, false
			}
			return map[string]any{"name": c.str("name"), "crn": c.s.crn("is", region, "security-group", id), "vpc": ref(c.str("vpc.id")),
				"resource_group": ref(c.str("resource_group.id")), "rules": []any{}, "targets": []any{}}, true
		}}, "")
	s.vpcCollection(vpcColl{kind: "security_group_rule", path: "/security_groups/{sg}/rules", listKey: "rules",
		build: func(c *call, region, id string) (map[string]any, bool) {
			if c.s.find("security_group", c.params["sg"]) == nil {
				c.notFound("security group")
				return nil, false
			}
			dir, proto := c.str("direction"), c.str("protocol")
			if dir != "inbound" && dir != "outbound" {
				c.fail(http.StatusBadRequest, "invalid_direction", "direction must be inbound or outbound", "direction")
				return nil, false
			}
			if msg := ruleProtocol(proto, c.q("version")); msg != "" {
				c.fail(http.StatusBadRequest, "validation_invalid_argument", msg, "protocol")
				return nil, false
			}
			_, hasMin := c.body["port_min"]
			_, hasMax := c.body["port_max"]
			if (hasMin || hasMax) && proto != "tcp" && proto != "udp" {
				c.fail(http.StatusBadRequest, "validation_invalid_argument", "port_min and port_max are allowed only with protocol tcp or udp", "port_min")
				return nil, false
			}
			body := map[string]any{"direction": dir, "protocol": proto, "ip_version": "ipv4", "remote": dig(c.body, "remote")}
			for _, k := range []string{"port_min", "port_max"} {
				if v, ok := c.body[k]; ok {
					body[k] = v
				}
			}
			return body, true
		}}, "sg")

	s.vpcCollection(vpcColl{kind: "floating_ip", path: "/floating_ips", listKey: "floating_ips",
		states: []string{"pending", "available"}, deleting: "deleting",
		build: func(c *call, region, id string) (map[string]any, bool) {
			if c.str("zone.name") == "" {
				c.fail(http.StatusBadRequest, "missing_zone", "a floating IP needs a zone or a target", "zone")
				return nil, false
			}
			return map[string]any{"name": c.str("name"), "crn": c.s.crn("is", region, "floating-ip", id), "zone": zoneRef(c.str("zone.name")),
				"address": c.s.address("203.0.113."), "resource_group": ref(c.str("resource_group.id"))}, true
		}}, "")

	s.vpcCollection(vpcColl{kind: "instance", path: "/instances", listKey: "instances",
		states: []string{"pending", "starting", "running"}, deleting: "deleting",
		build: func(c *call, region, id string) (map[string]any, bool) {
			subnet := c.s.find("subnet", c.str("primary_network_interface.subnet.id"))
			if subnet == nil {
				c.fail(http.StatusNotFound, "subnet_not_found", "subnet not found", "primary_network_interface.subnet")
				return nil, false
			}
			if c.s.find("image", c.str("image.id")) == nil {
				c.fail(http.StatusNotFound, "image_not_found", "image not found", "image")
				return nil, false
			}
			// "Only operators with IP Spoofing Operator IAM privileges can
			// enable or disable the IP spoofing check"; Editor and Manager
			// do not give it (IBM doc "About IP spoofing checks"; role
			// crn:v1:bluemix:public:iam::::serviceRole:IPSpoofingOperator).
			spoof, _ := dig(c.body, "primary_network_interface.allow_ip_spoofing").(bool)
			if spoof && !c.s.allowed(c.caller, "is", "IPSpoofingOperator") {
				c.fail(http.StatusForbidden, "not_authorized",
					"the IP spoofing check can be disabled only by an identity with the IP Spoofing Operator role on VPC Infrastructure Services", "primary_network_interface.allow_ip_spoofing")
				return nil, false
			}
			nic := map[string]any{"allow_ip_spoofing": spoof, "id": id + "-nic", "name": "eth0", "subnet": ref(subnet.id), "resource_type": "network_interface",
				"primary_ip": map[string]any{"address": hostIn(subnet.body["ipv4_cidr_block"].(string), c.s.seq), "id": id + "-ip"}}
			return map[string]any{"name": c.str("name"), "crn": c.s.crn("is", region, "instance", id), "zone": zoneRef(c.str("zone.name")),
				"vpc": ref(c.str("vpc.id")), "profile": map[string]any{"name": c.str("profile.name")}, "image": ref(c.str("image.id")),
				"primary_network_interface": nic, "network_interfaces": []any{nic},
				"resource_group": ref(c.str("resource_group.id")), "user_data_present": c.str("user_data") != ""}, true
		}}, "")
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
		m := m
		s.handle(m, "/vpc/{region}/v1/instances/{id}/network_interfaces/{nic}/floating_ips/{fip}", func(c *call) {
			inst, fip := c.s.find("instance", c.params["id"]), c.s.find("floating_ip", c.params["fip"])
			if inst == nil || fip == nil || dig(inst.body, "primary_network_interface.id") != c.params["nic"] {
				c.notFound("floating IP binding")
				return
			}
			bound := dig(fip.body, "target.id") == c.params["nic"]
			switch m {
			case http.MethodGet:
				if !bound {
					c.notFound("floating IP binding")
					return
				}
				c.json(http.StatusOK, clone(fip.body))
			case http.MethodPut:
				// A floating IP has one target: one bound elsewhere must be
				// unbound first (VPC API "Associate a floating IP with an
				// instance network interface": the floating IP must not be
				// bound to another target).
				if t, _ := dig(fip.body, "target.id").(string); t != "" && !bound {
					c.fail(http.StatusConflict, "floating_ip_in_use", "floating IP "+fip.id+" is bound to "+t+"; unbind it first", "id")
					return
				}
				fip.body["target"] = map[string]any{"id": c.params["nic"], "resource_type": "network_interface"}
				c.json(http.StatusCreated, clone(fip.body))
			case http.MethodDelete:
				delete(fip.body, "target")
				c.w.WriteHeader(http.StatusNoContent)
			}
		})
	}

	s.vpcCollection(vpcColl{kind: "route", path: "/vpcs/{vpc}/routing_tables/{rt}/routes", listKey: "routes",
		states: []string{"pending", "stable"}, deleting: "deleting",
		// IBM/vpc-go-sdk@v0.90.0 vpcv1/vpc_v1.go:51290 (RoutePrototype.Name).
		reserved: "ibm-", reservedMsg: "Names starting with 'ibm-' are reserved for system-provided routes, and are not allowed",
		build: func(c *call, region, id string) (map[string]any, bool) {
			vpc := c.s.find("vpc", c.params["vpc"])
			if vpc == nil || dig(vpc.body, "default_routing_table.id") != c.params["rt"] {
				c.notFound("routing table")
				return nil, false
			}
			if _, err := netip.ParsePrefix(c.str("destination")); err != nil {
				c.fail(http.StatusBadRequest, "invalid_destination", "destination is not a CIDR block", "destination")
				return nil, false
			}
			if msg := c.s.nextHopZone(region, vpc.id, c.str("zone.name"), c.str("next_hop.address")); msg != "" {
				c.fail(http.StatusBadRequest, "route_next_hop_invalid", msg, "next_hop.address")
				return nil, false
			}
			action := c.str("action")
			if action == "" {
				action = "deliver"
			}
			return map[string]any{"name": c.str("name"), "destination": c.str("destination"), "zone": zoneRef(c.str("zone.name")),
				"action": action, "next_hop": map[string]any{"address": c.str("next_hop.address")}, "priority": 2,
				"origin": "user", "advertise": false}, true
		},
		patch: func(c *call, o *object) bool {
			if a := c.str("next_hop.address"); a != "" {
				if msg := c.s.nextHopZone(c.params["region"], c.params["vpc"], fmt.Sprint(dig(o.body, "zone.name")), a); msg != "" {
					c.fail(http.StatusBadRequest, "route_next_hop_invalid", msg, "next_hop.address")
					return false
				}
				o.body["next_hop"] = map[string]any{"address": a}
			}
			return true
		}}, "rt")

	s.vpcCollection(vpcColl{kind: "load_balancer", path: "/load_balancers", listKey: "load_balancers",
		states: []string{"create_pending", "active"}, deleting: "delete_pending",
		build: func(c *call, region, id string) (map[string]any, bool) {
			subnets, _ := c.body["subnets"].([]any)
			if len(subnets) == 0 {
				c.fail(http.StatusBadRequest, "missing_subnets", "a load balancer needs at least one subnet", "subnets")
				return nil, false
			}
			public, _ := c.body["is_public"].(bool)
			body := map[string]any{"name": c.str("name"), "crn": c.s.crn("is", region, "load-balancer", id), "is_public": public,
				"subnets": subnets, "resource_group": ref(c.str("resource_group.id")), "operating_status": "online",
				"hostname": id + "." + region + ".lb.appdomain.cloud", "listeners": []any{}, "pools": []any{},
				"private_ips": []any{map[string]any{"address": "10.0.0." + fmt.Sprint(4+c.s.seq%200)}},
				"public_ips":  []any{}, "profile": map[string]any{"name": "network-fixed", "family": "application"}}
			if p := c.str("profile.name"); p != "" {
				body["profile"] = map[string]any{"name": p}
			}
			if public {
				body["public_ips"] = []any{map[string]any{"address": c.s.address("203.0.113.")}}
			}
			return body, true
		},
		patch: func(c *call, o *object) bool {
			if sn, ok := c.body["subnets"].([]any); ok {
				o.body["subnets"] = sn
			}
			return true
		}}, "")

	s.handle(http.MethodGet, "/vpc/{region}/v1/images", func(c *call) {
		items := c.s.list("image", "", nil)
		c.json(http.StatusOK, map[string]any{"images": items, "limit": 50, "first": map[string]any{"href": c.r.URL.String()}})
	})
}
