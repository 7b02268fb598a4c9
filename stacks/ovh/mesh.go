package ovh

import (
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
	// MeshFloatingIPOutput is the id of the gateway's floating IP.
	MeshFloatingIPOutput = "meshFloatingIpId"
	// MeshRouterOutput is the id of the subnet's OVHcloud Gateway, through
	// which the floating IP reaches the instance.
	MeshRouterOutput = "meshRouterId"
)

// mesh declares what of the region's mesh gateway outlives any instance:
// its WireGuard key pair and a floating IP, which keeps the gateway's public
// address when the instance is replaced. Nothing when the region is not in
// the mesh.
func mesh(ctx *pulumi.Context, r *topology.OVHRegion, rn *network.RegionNet, project pulumi.StringInput, router *cloudproject.Gateway) error {
	if !rn.Overlay.IsValid() {
		return nil
	}
	id := r.ID()
	key, err := wireguard.NewWireGuardKey(ctx, id+"-mesh-key", nil)
	if err != nil {
		return err
	}
	fip, err := ovh.NewCloudFloatingIp(ctx, id+"-mesh-ip", &ovh.CloudFloatingIpArgs{
		ServiceName: project,
		Region:      pulumi.String(r.Name),
		Description: pulumi.String(id + "-mesh-gateway"),
	})
	if err != nil {
		return err
	}
	wireguard.Export(ctx, key, fip.CurrentState.Ip().Elem())
	ctx.Export(MeshFloatingIPOutput, fip.ID())
	ctx.Export(MeshRouterOutput, router.ID())
	return nil
}
