package aws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/wireguard"
)

// Outputs of an AWS regional stack in the mesh, besides wireguard's: where
// the global stack places the gateway instance and which route tables send
// other regions' traffic to it.
const (
	// MeshAllocationOutput is the Elastic IP's allocation id.
	MeshAllocationOutput = "meshEipAllocationId"
	// MeshSubnetOutput is the public subnet of the first zone, where the gateway runs.
	MeshSubnetOutput = "meshSubnetId"
	// MeshRouteTablesOutput maps each zone to its private route table's id.
	MeshRouteTablesOutput = "meshRouteTableIds"
)

// mesh declares what of the region's mesh gateway outlives any instance:
// its WireGuard key pair and its Elastic IP. Peers know the gateway by
// these two, so replacing the instance (a new peer changes its cloud-init)
// changes nothing on the other side. Nothing when the region is not in the
// mesh.
func (p *program) mesh(sub *subnets) error {
	if !p.net.Overlay.IsValid() {
		return nil
	}
	key, err := wireguard.NewWireGuardKey(p.ctx, p.name("mesh-key"), nil)
	if err != nil {
		return err
	}
	eip, err := ec2.NewEip(p.ctx, p.name("mesh-eip"), &ec2.EipArgs{
		Domain: pulumi.String("vpc"),
		Tags:   p.tags(p.name("mesh-eip")),
	}, p.with()...)
	if err != nil {
		return err
	}
	routes := pulumi.StringMap{}
	for i, z := range p.net.Zones {
		routes[z.Zone] = sub.privateRoutes[i].ID().ToStringOutput()
	}
	wireguard.Export(p.ctx, key, eip.PublicIp)
	p.ctx.Export(MeshAllocationOutput, eip.ID())
	p.ctx.Export(MeshSubnetOutput, sub.public[0].ID())
	p.ctx.Export(MeshRouteTablesOutput, routes)
	return nil
}
