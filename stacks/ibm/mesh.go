package ibm

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/wireguard"
)

// Outputs of an IBM regional stack in the mesh, besides wireguard's and
// vpcId and resourceGroup, which the stack exports anyway.
const (
	// MeshFloatingIPOutput is the id of the gateway's reserved floating IP.
	MeshFloatingIPOutput = "meshFloatingIpId"
	// MeshZoneOutput is the zone the gateway runs in: the first of the region's.
	MeshZoneOutput = "meshZone"
	// MeshSubnetOutput is that zone's subnet id.
	MeshSubnetOutput = "meshSubnetId"
	// MeshZoneSubnetsOutput are the subnet ids by zone, where the other
	// zones' mesh relays go (relay.go).
	MeshZoneSubnetsOutput = "meshZoneSubnets"
	// MeshRoutingTableOutput is the VPC's default routing table, which
	// every subnet of the region uses.
	MeshRoutingTableOutput = "meshRoutingTableId"
)

// mesh declares what of the region's mesh gateway outlives any instance:
// its WireGuard key pair and a floating IP reserved in the first zone,
// which keeps the gateway's public address when the instance is replaced.
// Nothing when the region is not in the mesh.
func (p *program) mesh(vpc *Vpc, firstSubnet pulumi.StringOutput, zoneSubnets pulumi.StringMap) error {
	ctx, r, rn, group, tags := p.ctx, p.r, p.net, p.group, p.tags
	if !rn.Overlay.IsValid() {
		return nil
	}
	id := p.id
	zone := rn.Zones[0].Zone
	key, err := wireguard.NewWireGuardKey(ctx, id+"-mesh-key", nil)
	if err != nil {
		return err
	}
	fip, err := NewFloatingIp(ctx, id+"-mesh-ip", &FloatingIpArgs{
		Name:          pulumi.String(id + "-mesh-ip"),
		Region:        pulumi.String(r.Name),
		Zone:          pulumi.String(zone),
		ResourceGroup: group,
		Tags:          tags,
	}, p.with()...)
	if err != nil {
		return err
	}
	wireguard.Export(ctx, key, fip.Address)
	ctx.Export(MeshFloatingIPOutput, fip.ID())
	ctx.Export(MeshZoneOutput, pulumi.String(zone))
	ctx.Export(MeshSubnetOutput, firstSubnet)
	ctx.Export(MeshZoneSubnetsOutput, zoneSubnets)
	ctx.Export(MeshRoutingTableOutput, vpc.DefaultRoutingTable)
	return nil
}
