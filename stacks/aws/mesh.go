package aws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/stacks/wireguard"
)

// Outputs of an AWS regional stack in the mesh, besides wireguard's: where
// the mesh stack places each zone's gateway instance and which route table
// sends the zone's traffic for other regions to it. Each maps a zone to
// its value.
const (
	// MeshAllocationOutput maps each zone to its gateway's Elastic IP's allocation id.
	MeshAllocationOutput = "meshEipAllocationIds"
	// MeshSubnetOutput maps each zone to its public subnet, where its gateway runs.
	MeshSubnetOutput = "meshSubnetIds"
	// MeshRouteTablesOutput maps each zone to its private route table's id.
	MeshRouteTablesOutput = "meshRouteTableIds"
)

// mesh declares what of each zone's mesh gateway outlives any instance:
// its WireGuard key pair and its Elastic IP. Peers know a gateway by these
// two, so replacing the instance (a new push key or port changes its
// cloud-init) changes nothing on the other side. Every zone has a gateway
// of its own, a mesh site whose AllowedIPs are the zone's subnets
// (network.PerZone): losing a zone or its gateway cuts only that zone's
// cross-cloud traffic, and no zone's traffic crosses to another AZ on its
// way out. The keys and public IPs are exported by site ID
// (wireguard.SitesOutput). Nothing when the region is not in the mesh.
func (p *program) mesh(sub *subnets) error {
	if len(p.net.Zones) == 0 || !p.net.Zones[0].Overlay.IsValid() {
		return nil
	}
	publicIPs, publicKeys, privateKeys := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	allocations, subnetIDs, routes := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	for i, z := range p.net.Zones {
		site := network.SiteID(&p.r.Region, z.Zone)
		key, err := wireguard.NewWireGuardKey(p.ctx, p.name("mesh-key", z.Zone), nil, p.takesOver(z.Zone, "mesh-key")...)
		if err != nil {
			return err
		}
		eip, err := ec2.NewEip(p.ctx, p.name("mesh-eip", z.Zone), &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   p.tags(p.name("mesh-eip", z.Zone)),
		}, p.with(p.takesOver(z.Zone, "mesh-eip")...)...)
		if err != nil {
			return err
		}
		publicIPs[site], publicKeys[site], privateKeys[site] = eip.PublicIp, key.PublicKey, key.PrivateKey
		allocations[z.Zone] = eip.ID().ToStringOutput()
		subnetIDs[z.Zone] = sub.public[i].ID().ToStringOutput()
		routes[z.Zone] = sub.privateRoutes[i].ID().ToStringOutput()
	}
	p.ctx.Export(wireguard.SitesOutput(wireguard.PublicIPOutput), publicIPs)
	p.ctx.Export(wireguard.SitesOutput(wireguard.PublicKeyOutput), publicKeys)
	p.ctx.Export(wireguard.SitesOutput(wireguard.PrivateKeyOutput), pulumi.ToSecret(privateKeys))
	p.ctx.Export(MeshAllocationOutput, allocations)
	p.ctx.Export(MeshSubnetOutput, subnetIDs)
	p.ctx.Export(MeshRouteTablesOutput, routes)
	return nil
}

// takesOver makes the first zone's gateway the region's one gateway of
// before a gateway per zone, which ran in the first zone's public subnet:
// its resource of this kind answers to that gateway's name too (an alias),
// so a deployed region keeps its key, Elastic IP, interface and instance,
// and only the other zones' gateways are new. Without it the regional
// stack would release the old Elastic IP while the mesh stack still
// associates it, which AWS refuses (InvalidIPAddress.InUse; the EIP's
// delete disassociates only what its own state names,
// terraform-provider-aws internal/service/ec2/ec2_eip.go).
func (p *program) takesOver(zone, kind string) []pulumi.ResourceOption {
	if len(p.net.Zones) == 0 || zone != p.net.Zones[0].Zone {
		return nil
	}
	return []pulumi.ResourceOption{pulumi.Aliases([]pulumi.Alias{{Name: pulumi.String(p.name(kind))}})}
}
