package ovh

import (
	"net/netip"

	"github.com/ovh/pulumi-ovh/sdk/v2/go/ovh"
	"github.com/ovh/pulumi-ovh/sdk/v2/go/ovh/cloudproject"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/stacks/wireguard"
	"infra/topology"
)

// Outputs of an OVH regional stack in the mesh, besides wireguard's and the
// network ids the stack exports anyway (openstackNetworkId, subnetId).
const (
	// MeshFloatingIPOutput is the OpenStack id of the gateway's floating
	// IP, the id the v1 instance API takes (network.private.floating_ip.id).
	MeshFloatingIPOutput = "meshFloatingIpId"
	// MeshRouterOutput is the id of the subnet's OVHcloud Gateway, through
	// which the floating IP reaches the instance.
	MeshRouterOutput = "meshRouterId"
	// MeshGatewayIPOutput is the gateway's pinned private address, the next
	// hop of the subnet's host route.
	MeshGatewayIPOutput = "meshGatewayIp"
)

// mesh declares what of the region's mesh gateway outlives any instance:
// its WireGuard key pair and a floating IP, which keeps the gateway's public
// address when the instance is replaced. Nothing when the region is not in
// the mesh.
func mesh(ctx *pulumi.Context, r *topology.OVHRegion, rn *network.RegionNet, project pulumi.StringInput, router *cloudproject.Gateway, ip netip.Addr) error {
	if !rn.Overlay.IsValid() {
		return nil
	}
	id := r.ID()
	key, err := wireguard.NewWireGuardKey(ctx, id+"-mesh-key", nil)
	if err != nil {
		return err
	}
	fip, err := ovh.NewCloudFloatingIp(ctx, id+"-mesh-ip", &ovh.CloudFloatingIpArgs{
		ServiceName:      project,
		Region:           pulumi.String(r.Name),
		AvailabilityZone: GatewayZone(r, rn),
		Description:      pulumi.String(id + "-mesh-gateway"),
	})
	if err != nil {
		return err
	}
	wireguard.Export(ctx, key, fip.CurrentState.Ip().Elem())
	// ovh_cloud_floating_ip is an API-v2 resource whose id is the IP
	// address (imported as <service_name>/<ip>, terraform-provider-ovh
	// v2.17.0 ovh/resource_cloud_floating_ip.go:257); the OpenStack id the
	// instance needs is current_state.id.
	ctx.Export(MeshFloatingIPOutput, fip.CurrentState.Id().Elem())
	ctx.Export(MeshRouterOutput, router.ID())
	ctx.Export(MeshGatewayIPOutput, pulumi.String(ip.String()))
	return nil
}

// GatewayZone is where the mesh gateway and its floating IP live in a 3-AZ
// region (EU-WEST-PAR): the first zone of the region's plan, named for
// both, so that the address and the instance it is bound to sit in one
// zone (terraform-provider-ovh v2.17.0 docs: cloud_project_instance and
// cloud_floating_ip take an optional availability_zone; the floating IP's
// forces a new address). Nil, the provider's choice, in a one-zone region.
func GatewayZone(r *topology.OVHRegion, rn *network.RegionNet) pulumi.StringPtrInput {
	if len(topology.ZonesOf(topology.OVH, r.Name)) == 0 || len(rn.Zones) == 0 {
		return nil
	}
	return pulumi.String(rn.Zones[0].Zone)
}
