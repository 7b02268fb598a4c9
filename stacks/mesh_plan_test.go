package stacks_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"infra/network"
	"infra/plan"
	"infra/plan/plantest"
	"infra/stacks"
	awsstack "infra/stacks/aws"
	hetznerstack "infra/stacks/hetzner"
	ibmstack "infra/stacks/ibm"
	ovhstack "infra/stacks/ovh"
	"infra/stacks/wireguard"
	"infra/topology"
	"infra/topology/topologytest"
)

// Every regional stack in the mesh of the multicloud plan exports its
// gateways' public IPs and public keys (by site where they are per zone), its private key only as a secret,
// and what its cloud's gateway is placed with; the global stack's gateways
// take their cloud-init as a secret.
func TestMeshInThePlan(t *testing.T) {
	t.Setenv(ovhstack.ProjectEnv, "")
	spec := topologytest.Load(t, "../examples/multicloud.yaml")
	g, p := plantest.Generate(t, spec)
	m, err := network.BuildMesh(spec, g.Net)
	if err != nil {
		t.Fatal(err)
	}
	placement := map[topology.Cloud][]string{
		topology.AWS:     {awsstack.MeshAllocationOutput, awsstack.MeshSubnetOutput, awsstack.MeshRouteTablesOutput, "vpcId", awsstack.ClusterSecurityGroupOutput},
		topology.Hetzner: {hetznerstack.MeshPrimaryIPOutput, hetznerstack.MeshGatewayIPOutput, "vpcId"},
		topology.IBM: {ibmstack.MeshFloatingIPOutput, ibmstack.MeshZoneOutput, ibmstack.MeshSubnetOutput, ibmstack.MeshZoneSubnetsOutput, ibmstack.MeshRoutingTableOutput, "vpcId",
			ibmstack.ClusterSecurityGroupOutput},
		topology.OVH: {ovhstack.MeshFloatingIPOutput, ovhstack.MeshRouterOutput, ovhstack.MeshGatewayIPOutput,
			"openstackNetworkId", "subnetId", "project"},
	}
	global := p.Stack(stacks.MeshName)
	byName := map[string]*plan.Resource{}
	for _, r := range global.Resources {
		byName[r.Name] = r
	}
	for _, gw := range m.Gateways {
		s := p.Stack(gw.Region)
		// a gateway per zone (AWS): its keys and IP are its entries of the sites' maps
		out, suffix := func(k string) any { return s.Outputs[k] }, ""
		if gw.Zone != "" {
			suffix = "-" + gw.Zone
			out = func(k string) any {
				if k == wireguard.PrivateKeyOutput {
					return s.Outputs[wireguard.SitesOutput(k)] // secret as a whole
				}
				m, _ := s.Outputs[wireguard.SitesOutput(k)].(map[string]any)
				return m[gw.ID]
			}
		}
		ip, _ := out(wireguard.PublicIPOutput).(string)
		if a, err := netip.ParseAddr(ip); err != nil || !a.Is4() {
			t.Errorf("%s: %s = %q, want an IPv4 address", gw.ID, wireguard.PublicIPOutput, ip)
		}
		if k, _ := out(wireguard.PublicKeyOutput).(string); k == "" || k == plan.Redacted {
			t.Errorf("%s: %s = %q, want the public key in the clear", gw.ID, wireguard.PublicKeyOutput, k)
		}
		if got := out(wireguard.PrivateKeyOutput); got != plan.Redacted {
			t.Errorf("%s: %s = %v, want %s", gw.ID, wireguard.PrivateKeyOutput, got, plan.Redacted)
		}
		for _, k := range placement[gw.Cloud] {
			v, ok := s.Outputs[k]
			if gw.Cloud == topology.OVH && k == ovhstack.MeshFloatingIPOutput && ok && v == "" {
				// The plan mocks give an OVH floating IP a currentState
				// without the OpenStack id (plan/mocks.go, branch sim); the
				// program reads that id (stacks/ovh mesh_test.go proves it
				// against provider-shaped mocks). Drop this once they do.
				continue
			}
			if !ok || v == plan.Unknown || v == "" {
				t.Errorf("%s: output %s = %v", gw.ID, k, v)
			}
		}
		found := false
		for _, r := range s.Resources {
			found = found || (r.Type == wireguard.WireGuardKeyType && r.Name == gw.Region+"-mesh-key"+suffix)
		}
		if !found {
			t.Errorf("%s: no %s", gw.ID, wireguard.WireGuardKeyType)
		}
		inst := byName[gw.Region+"-mesh-gateway"+suffix]
		if inst == nil {
			t.Errorf("global: no gateway instance for %s", gw.ID)
			continue
		}
		// the user data holds no key now (the keys travel in the Peers'
		// config): it is in the clear, and must not look like a key
		if ud := fmt.Sprint(inst.Inputs["userData"]); wireguard.KeyMaterial.MatchString(ud) || strings.Contains(ud, "[Peer]") {
			t.Errorf("%s: userData carries key material or peers", inst.Name)
		}
		if peers := byName["mesh-peers-"+gw.ID]; peers == nil || peers.Inputs["config"] != plan.Redacted || peers.Inputs["privateKey"] != plan.Redacted {
			t.Errorf("global: %s's Peers missing or its config not redacted: %+v", gw.ID, peers)
		}
	}
	psks := 0
	for _, r := range global.Resources {
		if r.Type == wireguard.PresharedKeyType {
			psks++
		}
	}
	// environments apart: prod's 7 gateways pair 21 ways less AWS's 3 zones
	// among themselves, staging's 4 six ways less AWS's 2 zones
	if psks != 18+5 {
		t.Errorf("%d PSKs, want 23", psks)
	}
	// A Hetzner network of the mesh spans its RFC 1918 block, so that its routes may leave the region's CIDR.
	for _, r := range p.Stack("hetzner-nbg1-prod").Resources {
		if r.Name == "hetzner-nbg1-prod-network" && r.Inputs["ipRange"] != "10.0.0.0/8" {
			t.Errorf("hetzner network ipRange = %v, want 10.0.0.0/8", r.Inputs["ipRange"])
		}
	}
}
