package rules

import (
	"slices"
	"strings"
	"testing"
)

// A server type Hetzner does not sell in a location is refused at create
// ("unsupported location for server type"); the rules refuse it offline.
func TestHetznerServerTypePerLocation(t *testing.T) {
	for _, c := range []struct {
		typ, loc string
		ok       bool
	}{
		{"cx23", "nbg1", true}, {"cx33", "hel1", true}, {"cpx12", "ash", true}, {"ccx13", "sin", true},
		{"cx23", "ash", false}, {"cx53", "hil", false}, {"cx33", "sin", false}, {"cax11", "ash", false},
	} {
		vs := Check("hcloud:index/server:Server", map[string]any{"name": "s", "serverType": c.typ, "image": "ubuntu-24.04", "location": c.loc})
		got := true
		for _, v := range vs {
			if v.Property == "serverType" && v.Severity == Error {
				got = false
				if !strings.Contains(v.Message, c.typ) || !strings.Contains(v.Message, c.loc) || v.Source == "" {
					t.Errorf("%s in %s: %v", c.typ, c.loc, v)
				}
			}
		}
		if got != c.ok {
			t.Errorf("%s in %s: accepted = %v, want %v (%v)", c.typ, c.loc, got, c.ok, vs)
		}
		if HetznerServerTypeSold(c.typ, c.loc) != c.ok {
			t.Errorf("HetznerServerTypeSold(%s, %s) != %v", c.typ, c.loc, c.ok)
		}
	}
}

// Hetzner refuses a route that overlaps a subnet or another route of its
// network, or leaves the network's range: a summary route holding the
// region's own subnet is caught offline, joined across stacks by network id.
func TestHetznerRoutes(t *testing.T) {
	base := []Resource{
		{Type: "hcloud:index/network:Network", Name: "net", ID: "7", Inputs: map[string]any{"ipRange": "10.0.0.0/8"}},
		{Type: "hcloud:index/networkSubnet:NetworkSubnet", Name: "subnet", Inputs: map[string]any{"networkId": 7, "ipRange": "10.21.0.0/20"}},
		// another network's subnet: no bearing on network 7's routes
		{Type: "hcloud:index/networkSubnet:NetworkSubnet", Name: "elsewhere", Inputs: map[string]any{"networkId": 8, "ipRange": "10.0.0.0/8"}},
	}
	route := func(name, dest string) Resource {
		return Resource{Type: "hcloud:index/networkRoute:NetworkRoute", Name: name, Inputs: map[string]any{"networkId": 7, "destination": dest, "gateway": "10.21.0.3"}}
	}
	for _, c := range []struct {
		name   string
		routes []Resource
		want   []string // "resource: message fragment"
	}{
		{"per peer", []Resource{route("a", "10.20.0.0/16"), route("b", "10.100.0.0/24")}, nil},
		{"complement of the region", []Resource{route("a", "10.8.0.0/13"), route("b", "10.16.0.0/14"), route("c", "10.128.0.0/9")}, nil},
		{"over the gateway", []Resource{route("gw", "10.0.0.0/12")}, []string{"gw: holds 10.0.0.1, the first IP (gateway) of network 7"}},
		{"over the public gateway", []Resource{route("pub", "172.31.0.0/16")}, []string{"pub: holds 172.31.1.1", "pub: outside network 7's ip_range"}},
		{"summary over the subnet", []Resource{route("sum", "10.0.0.0/8")}, []string{"sum: holds 10.0.0.1", "sum: overlaps subnet 10.21.0.0/20 (subnet)"}},
		{"routes overlap", []Resource{route("a", "10.20.0.0/16"), route("b", "10.20.4.0/24")}, []string{"b: overlaps route 10.20.0.0/16 (a)"}},
		{"outside the range", []Resource{route("far", "172.16.0.0/12")}, []string{"far: holds 172.31.1.1", "far: outside network 7's ip_range 10.0.0.0/8"}},
		{"unknown destination", []Resource{route("later", Unknown)}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, v := range Limits(append(slices.Clone(base), c.routes...)) {
				if v.Severity != Error || v.Property != "destination" || v.Source == "" {
					t.Errorf("unexpected %v", v)
					continue
				}
				got = append(got, v.Resource+": "+v.Message)
			}
			if len(got) != len(c.want) {
				t.Fatalf("violations %q, want %d: %q", got, len(c.want), c.want)
			}
			for i, w := range c.want {
				res, frag, _ := strings.Cut(w, ": ")
				if !strings.HasPrefix(got[i], res+": ") || !strings.Contains(got[i], frag) {
					t.Errorf("violation %q, want %q", got[i], w)
				}
			}
		})
	}
}
