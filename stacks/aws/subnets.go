package aws

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// subnets are the subnets and route tables of every zone, in Net.Zones order.
type subnets struct {
	public, private []*ec2.Subnet
	privateRoutes   []*ec2.RouteTable
}

// subnets lays out a public and a private subnet per zone, an internet
// gateway, and a NAT gateway per zone so that losing one AZ leaves the
// others their egress.
func (p *program) subnets(vpc *ec2.Vpc, zoneIDs pulumi.StringMapOutput) (*subnets, error) {
	ctx := p.ctx
	cluster := "kubernetes.io/cluster/" + p.clusterName()
	igw, err := ec2.NewInternetGateway(ctx, p.name("igw"), &ec2.InternetGatewayArgs{
		VpcId: vpc.ID(),
		Tags:  p.tags(p.name("igw")),
	}, p.with()...)
	if err != nil {
		return nil, err
	}
	publicRT, err := ec2.NewRouteTable(ctx, p.name("public-rt"), &ec2.RouteTableArgs{
		VpcId: vpc.ID(),
		Tags:  p.tags(p.name("public-rt")),
	}, p.with()...)
	if err != nil {
		return nil, err
	}
	// Routes are separate resources, not inline, so that the transit
	// gateway can add its own routes to the same tables.
	if _, err := ec2.NewRoute(ctx, p.name("public-rt-default"), &ec2.RouteArgs{
		RouteTableId:         publicRT.ID(),
		DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
		GatewayId:            igw.ID(),
	}, p.with()...); err != nil {
		return nil, err
	}

	out := &subnets{}
	for _, z := range p.net.Zones {
		pubName, privName := p.name("public", z.Zone), p.name("private", z.Zone)
		// Placed by AZ ID, not by the spec's zone name (see placeZones).
		zoneID := zoneIDs.MapIndex(pulumi.String(z.Zone))
		pub, err := ec2.NewSubnet(ctx, pubName, &ec2.SubnetArgs{
			VpcId:               vpc.ID(),
			CidrBlock:           pulumi.String(z.Public.String()),
			AvailabilityZoneId:  zoneID,
			MapPublicIpOnLaunch: pulumi.Bool(false),
			Tags:                p.tags(pubName, "kubernetes.io/role/elb", "1", cluster, "shared"),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		priv, err := ec2.NewSubnet(ctx, privName, &ec2.SubnetArgs{
			VpcId:              vpc.ID(),
			CidrBlock:          pulumi.String(z.Private.String()),
			AvailabilityZoneId: zoneID,
			Tags:               p.tags(privName, "kubernetes.io/role/internal-elb", "1", cluster, "shared"),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, p.name("public-rta", z.Zone), &ec2.RouteTableAssociationArgs{
			SubnetId:     pub.ID(),
			RouteTableId: publicRT.ID(),
		}, p.with()...); err != nil {
			return nil, err
		}

		eip, err := ec2.NewEip(ctx, p.name("nat-eip", z.Zone), &ec2.EipArgs{
			Domain: pulumi.String("vpc"),
			Tags:   p.tags(p.name("nat-eip", z.Zone)),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		nat, err := ec2.NewNatGateway(ctx, p.name("nat", z.Zone), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(),
			SubnetId:     pub.ID(),
			Tags:         p.tags(p.name("nat", z.Zone)),
		}, p.with(pulumi.DependsOn([]pulumi.Resource{igw}))...)
		if err != nil {
			return nil, err
		}
		rt, err := ec2.NewRouteTable(ctx, p.name("private-rt", z.Zone), &ec2.RouteTableArgs{
			VpcId: vpc.ID(),
			Tags:  p.tags(p.name("private-rt", z.Zone)),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		if _, err := ec2.NewRoute(ctx, p.name("private-rt-default", z.Zone), &ec2.RouteArgs{
			RouteTableId:         rt.ID(),
			DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
			NatGatewayId:         nat.ID(),
		}, p.with()...); err != nil {
			return nil, err
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, p.name("private-rta", z.Zone), &ec2.RouteTableAssociationArgs{
			SubnetId:     priv.ID(),
			RouteTableId: rt.ID(),
		}, p.with()...); err != nil {
			return nil, err
		}
		out.public = append(out.public, pub)
		out.private = append(out.private, priv)
		out.privateRoutes = append(out.privateRoutes, rt)
	}
	return out, nil
}
