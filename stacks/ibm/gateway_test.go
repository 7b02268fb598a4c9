package ibm

import (
	"net/netip"
	"testing"

	"infra/network"
	"infra/stacks/wireguard"
)

// TestMeshGeneration: the gateway's name changes when the mesh does (a
// peer or route added), so the new gateway is made before the old one
// goes, and stays the same otherwise (order does not matter).
func TestMeshGeneration(t *testing.T) {
	route := func(n, cidr string) network.Route {
		return network.Route{Name: n, Destination: netip.MustParsePrefix(cidr)}
	}
	base := GatewayArgs{Port: 51820, Peers: []wireguard.Peer{{ID: "aws-us-east-1"}, {ID: "hetzner-fsn1"}},
		Routes: []network.Route{route("aws", "10.1.0.0/16"), route("hetzner", "10.2.0.0/16")}}
	same := GatewayArgs{Port: 51820, Peers: []wireguard.Peer{{ID: "hetzner-fsn1"}, {ID: "aws-us-east-1"}},
		Routes: []network.Route{route("hetzner", "10.2.0.0/16"), route("aws", "10.1.0.0/16")}}
	if meshGeneration(base) != meshGeneration(same) {
		t.Error("the generation depends on the order of peers or routes")
	}
	for name, changed := range map[string]GatewayArgs{
		"peer added":  {Port: 51820, Peers: append(append([]wireguard.Peer{}, base.Peers...), wireguard.Peer{ID: "ovh-gra"}), Routes: base.Routes},
		"route added": {Port: 51820, Peers: base.Peers, Routes: append(append([]network.Route{}, base.Routes...), route("ovh", "10.3.0.0/16"))},
		"port":        {Port: 51821, Peers: base.Peers, Routes: base.Routes},
	} {
		if meshGeneration(changed) == meshGeneration(base) {
			t.Errorf("%s: same generation %s", name, meshGeneration(base))
		}
	}
}
