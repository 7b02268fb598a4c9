package hetzner

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-hcloud/sdk/go/hcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/stacks/wireguard"
	"infra/topology"
)

// hostMeshGateway is the mesh gateway's pinned host number in the private
// subnet, between the load balancer and the control planes: the network's
// routes name it as their gateway before the server exists.
const hostMeshGateway = 3

// Outputs of a Hetzner regional stack in the mesh, besides wireguard's.
const (
	// MeshPrimaryIPOutput is the id of the gateway's Primary IP.
	MeshPrimaryIPOutput = "meshPrimaryIpId"
	// MeshGatewayIPOutput is the gateway's private address, the network routes' gateway.
	MeshGatewayIPOutput = "meshGatewayIp"
)

// NetworkRange is the ip_range of a region's Hetzner network. Hetzner
// routes only to destinations inside the network's range, and servers get a
// route for the whole range on their private interface, so the network spans
// the whole RFC 1918 block of the region's CIDR: its subnet stays the
// region's own range, and the other regions' CIDRs become routes through the
// mesh gateway. It does so whether or not the region is in the mesh, as
// ip_range forces a new network (terraform-provider-hcloud
// internal/network/resource.go, ip_range ForceNew): joining or leaving the
// mesh must not recreate the network under a running cluster.
func NetworkRange(rn *network.RegionNet) netip.Prefix {
	if b, ok := network.PrivateBlock(rn.CIDR); ok {
		return b
	}
	return rn.CIDR
}

// GatewayIP is the mesh gateway's private address in the region's subnet.
func GatewayIP(rn *network.RegionNet) (netip.Addr, error) {
	if len(rn.Zones) != 1 {
		return netip.Addr{}, fmt.Errorf("%s: a Hetzner location has exactly one zone plan, got %d", rn.ID, len(rn.Zones))
	}
	return host(rn.Zones[0].Private, hostMeshGateway)
}

// mesh declares what of the region's mesh gateway outlives any server: its
// WireGuard key pair and a Primary IP, which keeps the gateway's public
// address when the server is replaced. Nothing when the region is not in
// the mesh.
func mesh(ctx *pulumi.Context, r *topology.HetznerRegion, rn *network.RegionNet, labels pulumi.StringMap) error {
	if !rn.Overlay.IsValid() {
		return nil
	}
	id := r.ID()
	gw, err := GatewayIP(rn)
	if err != nil {
		return fmt.Errorf("%s: %w", r.At("cidr"), err)
	}
	key, err := wireguard.NewWireGuardKey(ctx, id+"-mesh-key", nil)
	if err != nil {
		return err
	}
	ip, err := hcloud.NewPrimaryIp(ctx, id+"-mesh-ip", &hcloud.PrimaryIpArgs{
		Name:         pulumi.String(id + "-mesh-ip"),
		Type:         pulumi.String("ipv4"),
		AssigneeType: pulumi.String("server"),
		Location:     pulumi.String(r.Name),
		// The address must survive its server: peers know the gateway by it.
		AutoDelete: pulumi.Bool(false),
		Labels:     labels,
	})
	if err != nil {
		return err
	}
	wireguard.Export(ctx, key, ip.IpAddress)
	ctx.Export(MeshPrimaryIPOutput, ip.ID())
	ctx.Export(MeshGatewayIPOutput, pulumi.String(gw.String()))
	return nil
}
