package aws

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2transitgateway"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ram"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

// TransitArgs is what the AWS Transit Gateways of the global stack are
// built from.
type TransitArgs struct {
	Spec      *topology.Spec
	Transit   *network.Transit
	Net       *network.AddressPlan
	Providers *Providers
	// Hub owns every region's gateway when set: the landing zone's network
	// account. Otherwise a region's gateway lives in the account of its
	// first VPC.
	Hub *Account
	// VPCs are the attached VPCs, by region ID.
	VPCs map[string]TransitVPC
	// OrganizationArn is the landing zone's organization, the principal of
	// the gateways' RAM shares; nil without a landing zone, where every VPC
	// is in the caller's account and nothing is shared.
	OrganizationArn pulumi.StringInput
}

// TransitVPC is one VPC as its regional stack exported it.
type TransitVPC struct {
	Account Account
	VpcId   pulumi.StringInput
	// PrivateSubnetIds and PrivateRouteTableIds have one entry per zone of
	// the region's address plan, in its order.
	PrivateSubnetIds     pulumi.StringArrayInput
	PrivateRouteTableIds pulumi.StringArrayInput
	// ClusterSecurityGroup is the regional stack's ClusterSecurityGroupOutput:
	// the VPCs this one reaches through the gateways are admitted there.
	ClusterSecurityGroup pulumi.StringInput
}

// Transit declares, per AWS region, a Transit Gateway with a route table per
// environment (one in all when the spec connects environments); every VPC of
// the region is attached to it (on its private subnets) and is associated
// with and propagates into its environment's table; a route in every private route
// table of each VPC to each VPC it reaches through the gateways; and, when
// peering is on, a peering attachment between every two regions' gateways
// with static routes to the far side's VPCs, which peering cannot
// propagate. A gateway shared with VPCs of other accounts goes through a
// RAM share with the organization, and accepts their attachments itself. It returns the gateways' ids by region.
func Transit(ctx *pulumi.Context, args TransitArgs) (map[string]pulumi.StringOutput, error) {
	t := &transit{args: args, ctx: ctx, gateways: map[string]*regionGateway{}}
	if args.Spec == nil || args.Transit == nil || args.Net == nil || args.Providers == nil {
		return nil, fmt.Errorf("aws transit: Spec, Transit, Net and Providers are required")
	}
	ids := map[string]pulumi.StringOutput{}
	for _, g := range args.Transit.AWS {
		rg, err := t.gateway(g)
		if err != nil {
			return nil, err
		}
		ids[g.Region] = rg.tgw.ID().ToStringOutput()
	}
	for _, p := range args.Transit.Peerings {
		if err := t.peer(p); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

type transit struct {
	args     TransitArgs
	ctx      *pulumi.Context
	gateways map[string]*regionGateway
}

// regionGateway is what one region's gateway is made of.
type regionGateway struct {
	g     *network.AWSTransitGateway
	owner Account
	in    pulumi.ResourceOption // the owner's provider in the region
	tgw   *ec2transitgateway.TransitGateway
	// tables are the gateway's route tables by name (network's
	// AWSTransitGateway.Tables), plus "peering" for the peering
	// attachments when the environments are kept apart.
	tables map[string]*ec2transitgateway.RouteTable
}

// peeringTable names the route table that peering attachments of a gateway
// with one table per environment are associated with: an attachment
// associates with exactly one route table (Amazon VPC Transit Gateways,
// "Transit gateway route tables"), so traffic arriving over a peering
// looks up there, and every local VPC propagates into it. Leaving from a
// VPC, only its environment's table sends traffic to the peering, and only
// for the far VPCs of that environment.
const peeringTable = "peering"

// tableName is the logical name of one of a gateway's route tables; the
// one table of connected environments keeps the name it always had.
func tableName(region, table string) string {
	if table == network.SharedTable {
		return "aws-" + region + "-tgw-rt"
	}
	return "aws-" + region + "-tgw-rt-" + table
}

func (t *transit) vpc(id string) (TransitVPC, *network.RegionNet, error) {
	v, ok := t.args.VPCs[id]
	rn := t.args.Net.Region(id)
	if !ok || rn == nil || v.VpcId == nil || v.PrivateSubnetIds == nil || v.PrivateRouteTableIds == nil {
		return TransitVPC{}, nil, fmt.Errorf("aws transit: no VPC outputs or address plan for %s", id)
	}
	return v, rn, nil
}

func (t *transit) gateway(g *network.AWSTransitGateway) (*regionGateway, error) {
	ctx, region := t.ctx, g.Region
	first, _, err := t.vpc(g.VPCs[0])
	if err != nil {
		return nil, err
	}
	owner := first.Account
	if t.args.Hub != nil {
		owner = *t.args.Hub
	}
	in, err := t.args.Providers.In(region, owner)
	if err != nil {
		return nil, err
	}
	name := func(suffix string) string { return "aws-" + region + "-" + suffix }
	nameTag := func(n string) pulumi.StringMap { return pulumi.StringMap{"Name": pulumi.String(n)} }
	tgw, err := ec2transitgateway.NewTransitGateway(ctx, name("tgw"), &ec2transitgateway.TransitGatewayArgs{
		Description: pulumi.String(fmt.Sprintf("%s: the VPCs of %s", t.args.Spec.Name, region)),
		// Attachments from the accounts the gateway is shared with land
		// without a manual acceptance; the explicit route table below,
		// not the default one, decides what each attachment reaches.
		AutoAcceptSharedAttachments:  pulumi.String("enable"),
		DefaultRouteTableAssociation: pulumi.String("disable"),
		DefaultRouteTablePropagation: pulumi.String("disable"),
		DnsSupport:                   pulumi.String("enable"),
		VpnEcmpSupport:               pulumi.String("enable"),
		Tags:                         nameTag(t.args.Spec.Name + "-" + region),
	}, in)
	if err != nil {
		return nil, err
	}
	// One route table per environment, so that prod and staging share the
	// gateway but no route (review aws.md item 16); one for all when the
	// spec connects environments.
	rg := &regionGateway{g: g, owner: owner, in: in, tgw: tgw, tables: map[string]*ec2transitgateway.RouteTable{}}
	tables := append([]string{}, g.Tables...)
	if len(t.args.Transit.Peerings) > 0 && !slices.Contains(g.Tables, network.SharedTable) {
		tables = append(tables, peeringTable)
	}
	for _, tb := range tables {
		tag := t.args.Spec.Name + "-" + region
		if tb != network.SharedTable {
			tag += "-" + tb
		}
		rt, err := ec2transitgateway.NewRouteTable(ctx, tableName(region, tb), &ec2transitgateway.RouteTableArgs{
			TransitGatewayId: tgw.ID().ToStringOutput(),
			Tags:             nameTag(tag),
		}, in)
		if err != nil {
			return nil, err
		}
		rg.tables[tb] = rt
	}
	t.gateways[region] = rg

	accepted, err := t.share(rg)
	if err != nil {
		return nil, err
	}
	for _, id := range g.VPCs {
		if err := t.attach(rg, id, accepted[id]); err != nil {
			return nil, err
		}
	}
	return rg, nil
}

// share shares the gateway through RAM with the organization when another
// account has a VPC in the region. Within an organization that shares with
// itself (the landing zone's ram.SharingWithOrganization), a share with the
// organization needs no invitation, so there is nothing to accept (Pulumi
// docs, ram.ResourceShareAccepter: invitations are not used within one
// organization). It returns, by region ID, what an attachment from such a
// VPC must wait for.
func (t *transit) share(rg *regionGateway) (map[string]pulumi.Resource, error) {
	ctx, region := t.ctx, rg.g.Region
	out := map[string]pulumi.Resource{}
	var shared pulumi.Resource
	for _, id := range rg.g.VPCs {
		v, _, err := t.vpc(id)
		if err != nil {
			return nil, err
		}
		a := v.Account
		if a.Name == rg.owner.Name {
			continue
		}
		if a.Role == nil || t.args.OrganizationArn == nil {
			return nil, fmt.Errorf("aws transit: %s deploys with the caller's credentials, but the %s gateway is in account %s: give its environment an account in landingZone.aws.accounts", id, region, rg.owner.Name)
		}
		if shared == nil {
			share, err := ram.NewResourceShare(ctx, "aws-"+region+"-tgw-share", &ram.ResourceShareArgs{
				Name:                    pulumi.String(t.args.Spec.Name + "-" + region + "-tgw"),
				AllowExternalPrincipals: pulumi.Bool(false),
			}, rg.in)
			if err != nil {
				return nil, err
			}
			res, err := ram.NewResourceAssociation(ctx, "aws-"+region+"-tgw-share-tgw", &ram.ResourceAssociationArgs{
				ResourceArn:      rg.tgw.Arn,
				ResourceShareArn: share.Arn,
			}, rg.in)
			if err != nil {
				return nil, err
			}
			principal, err := ram.NewPrincipalAssociation(ctx, "aws-"+region+"-tgw-share-organization", &ram.PrincipalAssociationArgs{
				Principal:        t.args.OrganizationArn,
				ResourceShareArn: share.Arn,
			}, rg.in, pulumi.DependsOn([]pulumi.Resource{res}))
			if err != nil {
				return nil, err
			}
			shared = principal
		}
		out[id] = shared
	}
	return out, nil
}

// attach attaches one VPC to its region's gateway and routes its private
// subnets to every VPC it reaches through the gateways.
func (t *transit) attach(rg *regionGateway, id string, accepted pulumi.Resource) error {
	ctx := t.ctx
	v, rn, err := t.vpc(id)
	if err != nil {
		return err
	}
	in, err := t.args.Providers.In(rg.g.Region, v.Account)
	if err != nil {
		return err
	}
	args := &ec2transitgateway.VpcAttachmentArgs{
		TransitGatewayId: rg.tgw.ID().ToStringOutput(),
		VpcId:            v.VpcId,
		SubnetIds:        v.PrivateSubnetIds,
		DnsSupport:       pulumi.String("enable"),
		Tags:             pulumi.StringMap{"Name": pulumi.String(id)},
	}
	opts := []pulumi.ResourceOption{in}
	if accepted != nil {
		// A shared gateway's owner decides its route tables; the attaching
		// account may not set these.
		opts = append(opts, pulumi.DependsOn([]pulumi.Resource{accepted}))
	} else {
		args.TransitGatewayDefaultRouteTableAssociation = pulumi.Bool(false)
		args.TransitGatewayDefaultRouteTablePropagation = pulumi.Bool(false)
	}
	att, err := ec2transitgateway.NewVpcAttachment(ctx, id+"-tgw-attachment", args, opts...)
	if err != nil {
		return err
	}
	attID := att.ID().ToStringOutput()
	// The VPC looks up its environment's table and propagates into it, so
	// only VPCs of its environment learn its routes.
	rt := rg.tables[rg.g.RouteTable(id)]
	if _, err := ec2transitgateway.NewRouteTableAssociation(ctx, id+"-tgw-association", &ec2transitgateway.RouteTableAssociationArgs{
		TransitGatewayAttachmentId: attID,
		TransitGatewayRouteTableId: rt.ID().ToStringOutput(),
	}, rg.in); err != nil {
		return err
	}
	if _, err := ec2transitgateway.NewRouteTablePropagation(ctx, id+"-tgw-propagation", &ec2transitgateway.RouteTablePropagationArgs{
		TransitGatewayAttachmentId: attID,
		TransitGatewayRouteTableId: rt.ID().ToStringOutput(),
	}, rg.in); err != nil {
		return err
	}
	if pt, ok := rg.tables[peeringTable]; ok {
		// Traffic arriving over a peering finds the VPC here.
		if _, err := ec2transitgateway.NewRouteTablePropagation(ctx, id+"-tgw-propagation-peering", &ec2transitgateway.RouteTablePropagationArgs{
			TransitGatewayAttachmentId: attID,
			TransitGatewayRouteTableId: pt.ID().ToStringOutput(),
		}, rg.in); err != nil {
			return err
		}
	}
	tables := v.PrivateRouteTableIds.ToStringArrayOutput()
	// Regions the gateway reaches, and those it keeps apart: their route
	// to the gateway meets no route there and is dropped, so the mesh's
	// wider RFC 1918 route (network.Mesh.SummaryRoutes) cannot carry them.
	reach := t.args.Transit.Reach(id)
	for _, other := range append(slices.Clone(reach), t.args.Transit.Isolated(id)...) {
		dest := t.args.Net.Region(other)
		if dest == nil {
			return fmt.Errorf("aws transit: no address plan for %s", other)
		}
		// The transit ranges the topology intends (Transit.Reach), and no others.
		if v.ClusterSecurityGroup != nil {
			name := id + "-cluster-from-" + other
			if err := admitCIDR(ctx, name, v.ClusterSecurityGroup, dest.CIDR.String(),
				"transit from "+other, regionTags(t.args.Spec, id, name), in); err != nil {
				return err
			}
		}
		for i, z := range rn.Zones {
			kind := "-tgw-route-"
			if !slices.Contains(reach, other) {
				kind = "-tgw-drop-" // isolated: the gateway drops it
			}
			if _, err := ec2.NewRoute(ctx, id+kind+z.Zone+"-"+other, &ec2.RouteArgs{
				RouteTableId:         tables.Index(pulumi.Int(i)),
				DestinationCidrBlock: pulumi.String(dest.CIDR.String()),
				TransitGatewayId:     rg.tgw.ID().ToStringOutput(),
			}, in, pulumi.DependsOn([]pulumi.Resource{att})); err != nil {
				return err
			}
		}
	}
	return nil
}

// peer joins two regions' gateways: the requester's owner asks, the
// accepter's owner accepts, and each side's route table sends the other
// side's VPCs over the peering.
func (t *transit) peer(p network.AWSPeering) error {
	ctx := t.ctx
	a, b := t.gateways[p.Requester], t.gateways[p.Accepter]
	if a == nil || b == nil {
		return fmt.Errorf("aws transit: peering %s joins a region without a gateway", p.Name())
	}
	name := "aws-" + p.Name() + "-tgw-peering"
	args := &ec2transitgateway.PeeringAttachmentArgs{
		TransitGatewayId:     a.tgw.ID().ToStringOutput(),
		PeerRegion:           pulumi.String(b.g.Region),
		PeerTransitGatewayId: b.tgw.ID().ToStringOutput(),
		Tags:                 pulumi.StringMap{"Name": pulumi.String(t.args.Spec.Name + "-" + p.Name())},
	}
	if id := b.owner.ID(); id != nil {
		args.PeerAccountId = id
	}
	peering, err := ec2transitgateway.NewPeeringAttachment(ctx, name, args, a.in)
	if err != nil {
		return err
	}
	accepter, err := ec2transitgateway.NewPeeringAttachmentAccepter(ctx, name+"-accepter", &ec2transitgateway.PeeringAttachmentAccepterArgs{
		TransitGatewayAttachmentId: peering.ID().ToStringOutput(),
		Tags:                       pulumi.StringMap{"Name": pulumi.String(t.args.Spec.Name + "-" + p.Name())},
	}, b.in)
	if err != nil {
		return err
	}
	// Both sides wait for the acceptance: a pending attachment takes no
	// association and no route.
	ready := pulumi.DependsOn([]pulumi.Resource{accepter})
	for _, side := range []struct {
		near, far *regionGateway
	}{{a, b}, {b, a}} {
		arrivals := side.near.tables[peeringTable]
		if arrivals == nil {
			arrivals = side.near.tables[network.SharedTable]
		}
		if _, err := ec2transitgateway.NewRouteTableAssociation(ctx, name+"-association-"+side.near.g.Region, &ec2transitgateway.RouteTableAssociationArgs{
			TransitGatewayAttachmentId: peering.ID().ToStringOutput(),
			TransitGatewayRouteTableId: arrivals.ID().ToStringOutput(),
		}, side.near.in, ready); err != nil {
			return err
		}
		for _, id := range side.far.g.VPCs {
			rn := t.args.Net.Region(id)
			if rn == nil {
				return fmt.Errorf("aws transit: no address plan for %s", id)
			}
			// The far VPC is routed from the near table of its own
			// environment, when the near side has one.
			rt := side.near.tables[side.far.g.RouteTable(id)]
			if rt == nil {
				continue
			}
			if _, err := ec2transitgateway.NewRoute(ctx, "aws-"+side.near.g.Region+"-tgw-route-"+id, &ec2transitgateway.RouteArgs{
				DestinationCidrBlock:       pulumi.String(rn.CIDR.String()),
				TransitGatewayAttachmentId: peering.ID().ToStringOutput(),
				TransitGatewayRouteTableId: rt.ID().ToStringOutput(),
			}, side.near.in, ready); err != nil {
				return err
			}
		}
	}
	return nil
}
