package fakeibm

import (
	"net/http"
	"net/netip"
	"slices"
	"strings"
)

// ClientIP is the public address every request to the fake comes from, as
// IBM sees a runner's egress address (a TEST-NET-2 address, RFC 5737): the
// context-based restrictions match their network zones against it. The
// fake's endpoints are IBM's public ones, so requests come over the
// endpoint type "public".
const ClientIP = "198.51.100.7"

// clientEndpoint is the endpoint type of every request to the fake: the
// provider calls IBM's public endpoints (provider/ibm/config.go).
const clientEndpoint = "public"

// cbrAdmits applies the enforced context-based restrictions on a service
// instance to the request, as IBM does: every rule that applies to the
// resource must admit it, and a rule admits it when one of its contexts
// does, that is when the request comes from one of the context's network
// zones over one of its endpoint types ("A context allows access only if
// all its conditions are satisfied … If multiple rules apply to a specific
// resource, access is granted only when all applicable rules grant access":
// IBM API docs "Context-based restrictions" introduction, IBM doc "What are
// context-based restrictions"). Rules in report or disabled mode only
// report. A refused request is answered in the service's error shape by
// refuse, with the rule's id in the message; it reports false.
func (c *call) cbrAdmits(service, instance string, refuse func(msg string)) bool {
	for _, rule := range c.s.list("cbr_rule", "", nil) {
		r := rule.(map[string]any)
		if r["enforcement_mode"] != "enabled" || !c.s.cbrApplies(r, service, instance) {
			continue
		}
		if !c.s.cbrContextAdmits(r) {
			refuse("the request is not from a network zone and endpoint type context-based restriction rule " +
				str(r["id"]) + " allows (client " + ClientIP + ", endpoint " + clientEndpoint + ")")
			return false
		}
	}
	return true
}

// cbrApplies reports whether a rule's resources select the service instance.
func (s *Server) cbrApplies(rule map[string]any, service, instance string) bool {
	resources, _ := rule["resources"].([]any)
	for _, res := range resources {
		ok := true
		for name, value := range attributes(res) {
			switch name {
			case "accountId":
				ok = ok && value == Account
			case "serviceName":
				ok = ok && value == service
			case "serviceInstance":
				ok = ok && value == instance
			case "resourceGroupId":
				ok = ok && s.instanceGroup(instance) == value
			default:
				ok = false // an attribute the fake does not model selects nothing
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// instanceGroup is the resource group of the service instance with the guid.
func (s *Server) instanceGroup(guid string) string {
	for _, b := range s.list("resource_instance", "", func(b map[string]any) bool { return b["guid"] == guid }) {
		return str(b.(map[string]any)["resource_group_id"])
	}
	return ""
}

// cbrContextAdmits reports whether one of the rule's contexts admits the
// fake's client: its network zone holds ClientIP and its endpoint type is
// public, where the context names them.
func (s *Server) cbrContextAdmits(rule map[string]any) bool {
	contexts, _ := rule["contexts"].([]any)
	for _, ctx := range contexts {
		ok := true
		for name, value := range attributes(ctx) {
			switch name {
			case "networkZoneId":
				ok = ok && s.zoneHolds(value, ClientIP)
			case "endpointType":
				ok = ok && slices.Contains(strings.Split(value, ","), clientEndpoint)
			default:
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// zoneHolds reports whether a network zone's addresses hold the IP. Service
// references and VPCs hold no client outside IBM.
func (s *Server) zoneHolds(zoneID, ip string) bool {
	o := s.objs["cbr_zone/"+zoneID]
	if o == nil || o.gone {
		return false
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	addrs, _ := o.body["addresses"].([]any)
	for _, x := range addrs {
		m, _ := x.(map[string]any)
		v := str(m["value"])
		switch m["type"] {
		case "ipAddress":
			if b, err := netip.ParseAddr(v); err == nil && b == a {
				return true
			}
		case "subnet":
			if p, err := netip.ParsePrefix(v); err == nil && p.Contains(a) {
				return true
			}
		case "ipRange":
			lo, hi, _ := strings.Cut(v, "-")
			l, err1 := netip.ParseAddr(lo)
			h, err2 := netip.ParseAddr(hi)
			if err1 == nil && err2 == nil && l.Compare(a) <= 0 && a.Compare(h) <= 0 {
				return true
			}
		}
	}
	return false
}

// attributes are the name/value attributes of a rule's context or resource.
func attributes(x any) map[string]string {
	out := map[string]string{}
	m, _ := x.(map[string]any)
	list, _ := m["attributes"].([]any)
	for _, a := range list {
		am, _ := a.(map[string]any)
		out[str(am["name"])] = str(am["value"])
	}
	return out
}

// cbrForbidden is the status IBM answers a request a context-based
// restriction refuses with: 403, the caller is known but not allowed.
const cbrForbidden = http.StatusForbidden

// str is a JSON value as a string, "" when it is none.
func str(v any) string {
	s, _ := v.(string)
	return s
}
