package ibm

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/stacks/stackstest"
	"infra/stacks/wireguard"
)

// TestMeshGeneration: the gateway's name changes when the mesh does (a
// peer or route added), so the new gateway is made before the old one
// goes, and stays the same otherwise (order does not matter).
func TestMeshGeneration(t *testing.T) {
	route := func(n, cidr string) network.Route {
		return network.Route{Name: n, Destination: netip.MustParsePrefix(cidr)}
	}
	base := GatewayArgs{Placement: wireguard.Placement{Port: 51820, Peers: []wireguard.Peer{{ID: "aws-us-east-1"}, {ID: "hetzner-fsn1"}},
		Routes: []network.Route{route("aws", "10.1.0.0/16"), route("hetzner", "10.2.0.0/16")}}}
	same := GatewayArgs{Placement: wireguard.Placement{Port: 51820, Peers: []wireguard.Peer{{ID: "hetzner-fsn1"}, {ID: "aws-us-east-1"}},
		Routes: []network.Route{route("hetzner", "10.2.0.0/16"), route("aws", "10.1.0.0/16")}}}
	if meshGeneration(base) != meshGeneration(same) {
		t.Error("the generation depends on the order of peers or routes")
	}
	for name, changed := range map[string]GatewayArgs{
		"peer added":  {Placement: wireguard.Placement{Port: 51820, Peers: append(append([]wireguard.Peer{}, base.Peers...), wireguard.Peer{ID: "ovh-gra"}), Routes: base.Routes}},
		"route added": {Placement: wireguard.Placement{Port: 51820, Peers: base.Peers, Routes: append(append([]network.Route{}, base.Routes...), route("ovh", "10.3.0.0/16"))}},
		"port":        {Placement: wireguard.Placement{Port: 51821, Peers: base.Peers, Routes: base.Routes}},
	} {
		if meshGeneration(changed) == meshGeneration(base) {
			t.Errorf("%s: same generation %s", name, meshGeneration(base))
		}
	}
}

// TestEveryZoneRoutesThroughItsOwnZone is IBM's routing rule, offline:
// "The next-hop-ip for a route must be in the same zone as the zone the
// traffic is sourcing from" (IBM doc "Determining route preference"), and
// the workers of every zone must reach the mesh (ibm.md item 4). For every
// zone of the region and every mesh destination there is a route in that
// zone whose next hop is an instance in that zone.
func TestEveryZoneRoutesThroughItsOwnZone(t *testing.T) {
	spec, plan := stackstest.Load(t, "../../examples/multicloud.yaml")
	r := spec.Clouds.IBM.Regions[0]
	rn := plan.Region(r.ID())
	if len(rn.Zones) < 3 {
		t.Fatalf("%s has %d zones; the test needs a multi-zone region", r.ID(), len(rn.Zones))
	}
	m := newMocks()
	base := m.State
	ips := map[string]string{} // instance IP → zone
	m.State = func(a pulumi.MockResourceArgs, id string, state resource.PropertyMap) {
		base(a, id, state)
		if a.TypeToken == InstanceType {
			ip := fmt.Sprintf("10.240.%d.4", len(ips))
			ips[ip] = a.Inputs["zone"].StringValue()
			state["primaryIpAddress"] = resource.NewStringProperty(ip)
		}
	}
	routes := []network.Route{{Name: "aws-us-east-1-prod", Destination: netip.MustParsePrefix("10.1.0.0/16")},
		{Name: "hetzner-fsn1-prod", Destination: netip.MustParsePrefix("10.2.0.0/16")}}
	subnets := map[string]pulumi.StringInput{}
	for _, z := range rn.Zones {
		subnets[z.Zone] = pulumi.String("subnet-" + z.Zone)
	}
	_, err := stackstest.Run(m, func(ctx *pulumi.Context) error {
		return Gateway(ctx, GatewayArgs{Region: r, Placement: wireguard.Placement{Spec: spec, Net: rn, Port: 51820,
			UserData: pulumi.String("#cloud-config").ToStringOutput(), Routes: routes},
			VpcId: pulumi.String("vpc"), Zone: pulumi.String(rn.Zones[0].Zone), SubnetId: subnets[rn.Zones[0].Zone],
			FloatingIpId: pulumi.String("fip"), RoutingTableId: pulumi.String("rt"), ZoneSubnets: subnets,
			DeployerApiKey: pulumi.String("key")})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, z := range rn.Zones {
		for _, route := range routes {
			found := false
			for _, res := range m.Resources() {
				in := res.Inputs
				if res.Type != VpcRoutingTableRouteType || in["zone"].StringValue() != z.Zone || in["destination"].StringValue() != route.Destination.String() {
					continue
				}
				found = true
				if hop := in["nextHop"].StringValue(); ips[hop] != z.Zone {
					t.Errorf("%s: the route to %s in %s has next hop %s, in zone %q", res.Name, route.Destination, z.Zone, hop, ips[hop])
				}
			}
			if !found {
				t.Errorf("zone %s has no route to %s: its workers do not reach the mesh", z.Zone, route.Destination)
			}
		}
	}
}

// TestRelayCloudInit: the relay tunnels every mesh destination to the
// gateway's address in VXLAN, and refuses what it cannot render.
func TestRelayCloudInit(t *testing.T) {
	routes := []network.Route{{Name: "aws", Destination: netip.MustParsePrefix("10.1.0.0/16")},
		{Name: "overlay", Destination: netip.MustParsePrefix("10.100.0.0/24")}}
	doc, err := RelayCloudInit("ibm-us-south-prod", 1, netip.MustParseAddr("10.240.0.4"), routes)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#cloud-config\n", "type vxlan id 4242 remote 10.240.0.4 dstport 4789 nolearning",
		"ip address add 169.254.100.2/24 dev mesh0", "mtu 1450",
		`for d in 10.1.0.0/16 10.100.0.0/24; do ip -4 route replace "$d" via 169.254.100.1 dev mesh0; done`,
		"net.ipv4.ip_forward = 1", "[systemctl, enable, --now, infra-mesh-relay.service]"} {
		if !strings.Contains(doc, want) {
			t.Errorf("relay cloud-init lacks %q:\n%s", want, doc)
		}
	}
	for name, f := range map[string]func() (string, error){
		"no gateway address": func() (string, error) { return RelayCloudInit("r", 1, netip.Addr{}, routes) },
		"no route":           func() (string, error) { return RelayCloudInit("r", 1, netip.MustParseAddr("10.240.0.4"), nil) },
		"the gateway's zone": func() (string, error) { return RelayCloudInit("r", 0, netip.MustParseAddr("10.240.0.4"), routes) },
	} {
		if _, err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
