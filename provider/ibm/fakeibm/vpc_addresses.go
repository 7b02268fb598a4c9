package fakeibm

import (
	"fmt"
	"net/netip"
	"strings"
)

// address hands out documentation addresses in a /24.
func (s *Server) address(prefix string) string { return fmt.Sprintf("%s%d", prefix, 1+s.seq%250) }

func hostIn(cidr string, n int) string {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return ""
	}
	a := p.Addr()
	for i := 0; i < 4+n%200; i++ {
		a = a.Next()
	}
	return a.String()
}

// ruleProtocol is the refusal of a security-group rule protocol at an API
// version, "" when it is accepted. From 2025-12-09 'all' is gone, replaced
// by 'icmp_tcp_udp' and 'any' plus individual protocols (IBM/vpc-go-sdk
// v0.77.0; v0.90.0 vpcv1/vpc_v1.go:103146-103170); before it, 'all' was the
// only catch-all (v0.76.0).
func ruleProtocol(proto, version string) string {
	switch proto {
	case "icmp", "tcp", "udp":
		return ""
	}
	if version < protocolAllRemoved {
		if proto == "all" {
			return ""
		}
		return fmt.Sprintf("protocol must be one of all, icmp, tcp, udp at version %s, not %q", version, proto)
	}
	switch proto {
	case "any", "icmp_tcp_udp", "ah", "esp", "gre", "ip_in_ip", "l2tp", "rsvp", "sctp", "vrrp":
		return ""
	}
	if n, ok := strings.CutPrefix(proto, "number_"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
		return ""
	}
	return fmt.Sprintf("protocol must be one of any, icmp_tcp_udp, icmp, tcp, udp, ah, esp, gre, ip_in_ip, l2tp, rsvp, sctp, vrrp, number_<N> at version %s, not %q", version, proto)
}

// nextHopZone is the refusal of a route whose next hop lies in a subnet of
// the VPC in another zone than the route's, "" otherwise. IBM doc
// "Determining route preference": "The next-hop-ip for a route must be in
// the same zone as the zone the traffic is sourcing from."
func (s *Server) nextHopZone(region, vpc, zone, hop string) string {
	addr, err := netip.ParseAddr(hop)
	if err != nil {
		return "next_hop.address is not an IP address: " + hop
	}
	for _, o := range s.objs {
		if o.kind != "subnet" || o.gone || o.scope != region || dig(o.body, "vpc.id") != vpc {
			continue
		}
		p, err := netip.ParsePrefix(fmt.Sprint(o.body["ipv4_cidr_block"]))
		if err != nil || !p.Contains(addr) {
			continue
		}
		if z := fmt.Sprint(dig(o.body, "zone.name")); z != zone {
			return fmt.Sprintf("the next hop %s is in subnet %s in zone %s, not in the route's zone %s: a next hop must be in the zone the traffic comes from", hop, o.id, z, zone)
		}
	}
	return ""
}

func holdsSubnet(list any, id string) bool {
	l, _ := list.([]any)
	for _, x := range l {
		if m, ok := x.(map[string]any); ok && m["id"] == id {
			return true
		}
	}
	return false
}

func poolHolds(pool map[string]any, id string) bool {
	zones, _ := pool["zones"].([]any)
	for _, z := range zones {
		if zm, ok := z.(map[string]any); ok && holdsSubnet(zm["subnets"], id) {
			return true
		}
	}
	return false
}
