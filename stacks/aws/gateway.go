package aws

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ssm"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/stacks/wireguard"
	"infra/topology"
)

// Choices for the gateway instance the spec leaves to the program.
const (
	// gatewayInstanceType is network-optimised and not burstable: a c6in.large
	// has 2 vCPUs and a 3.125 Gbit/s network baseline, up to 25 Gbit/s burst
	// (EC2 Instance Types guide, compute optimized, "Network specifications":
	// https://docs.aws.amazon.com/ec2/latest/instancetypes/co.html#co_network).
	// A t3.small earns CPU credits and has a 0.128 Gbit/s baseline under its
	// "up to 5 Gbit/s" (general purpose, same guide, gp.html#gp_network);
	// an "up to" figure is a burst on network I/O credits that lasts 5 to 60
	// minutes (EC2 User Guide, "Amazon EC2 instance network bandwidth",
	// ec2-instance-network-bandwidth.html). Traffic through the internet
	// gateway, which the mesh's is, is capped at 5 Gbit/s below 32 vCPUs
	// (same page), so a larger size buys no more. Price: cost/prices.csv.
	// Each zone has one (network.PerZone): a zone's cross-cloud traffic
	// crosses its own zone's instance, and the mesh ADR gives the cost.
	gatewayInstanceType = network.AWSGatewayInstanceType
	// gatewayAMIParameter is Canonical's public SSM parameter for the
	// current Ubuntu 24.04 AMI of the region.
	gatewayAMIParameter = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"
)

// GatewayArgs is what the mesh stack places one AWS region's mesh
// gateways with: one per zone, each a mesh site of its own.
type GatewayArgs struct {
	Spec   *topology.Spec
	Region *topology.AWSRegion
	Net    *network.RegionNet
	// Port is the mesh's UDP port.
	Port int
	// Provider deploys into the regional stack's account and region, where
	// its Elastic IPs and VPC are (Providers.In).
	Provider pulumi.ResourceOrInvokeOption
	// VpcId is the regional stack's vpcId.
	VpcId pulumi.StringInput
	// ClusterSecurityGroup is the regional stack's ClusterSecurityGroupOutput:
	// the peer ranges of the routes are admitted there, and nothing else.
	ClusterSecurityGroup pulumi.StringInput
	// Zones are the zones' gateways, in the order of Net.Zones.
	Zones []ZoneGateway
}

// ZoneGateway is one zone's mesh gateway: its placement (its own
// cloud-init, push, peers and routes) and what the regional stack exports
// for its zone.
type ZoneGateway struct {
	wireguard.Placement
	Zone string
	// SubnetId, AllocationId and RouteTable are the zone's entries of the
	// regional stack's MeshSubnetOutput, MeshAllocationOutput and
	// MeshRouteTablesOutput.
	SubnetId, AllocationId, RouteTable pulumi.StringInput
}

// Gateway declares one AWS region's mesh gateways, one per zone: in each
// zone, a network interface in the zone's public subnet holding the zone's
// Elastic IP, an EC2 instance launched on it, and a route in the zone's
// private route table sending each destination to the interface; one
// security group for them all, which admits WireGuard from the peers only.
// A zone's route table points at its own zone's gateway, and the peers
// send a zone's addresses to that gateway (its AllowedIPs), so both
// directions of a flow cross the same gateway and no zone depends on
// another's. The gateways forward, so the interfaces' source/destination
// check is off.
func Gateway(ctx *pulumi.Context, args GatewayArgs) error {
	r, rn := args.Region, args.Net
	if args.Spec == nil || r == nil || rn == nil || args.Provider == nil || args.VpcId == nil || len(args.Zones) == 0 {
		return fmt.Errorf("aws mesh gateway: Spec, Region, Net, Provider, VpcId and Zones are required")
	}
	p := &program{ctx: ctx, spec: args.Spec, r: r, net: rn, id: r.ID(), opts: []pulumi.ResourceOption{args.Provider}}

	ingress := ec2.SecurityGroupIngressArray{&ec2.SecurityGroupIngressArgs{
		Description: pulumi.String("traffic the gateway forwards from the region network"),
		Protocol:    pulumi.String("-1"),
		FromPort:    pulumi.Int(0),
		ToPort:      pulumi.Int(0),
		CidrBlocks:  pulumi.StringArray{pulumi.String(rn.CIDR.String())},
	}}
	// the push of the peers (infra:mesh:Peers), from wherever infra runs:
	// sshd takes the push key only, which runs the apply script only
	ingress = append(ingress, &ec2.SecurityGroupIngressArgs{
		Description: pulumi.String("SSH: the mesh configuration push"),
		Protocol:    pulumi.String("tcp"),
		FromPort:    pulumi.Int(22),
		ToPort:      pulumi.Int(22),
		CidrBlocks:  pulumi.StringArray{pulumi.String("0.0.0.0/0")},
	})
	// every zone's gateway has the same peers: the other regions' gateways
	for _, peer := range args.Zones[0].Peers {
		ingress = append(ingress, &ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("WireGuard from " + peer.ID),
			Protocol:    pulumi.String("udp"),
			FromPort:    pulumi.Int(args.Port),
			ToPort:      pulumi.Int(args.Port),
			CidrBlocks:  pulumi.StringArray{peer.CIDR()},
		})
	}
	sg, err := ec2.NewSecurityGroup(ctx, p.name("mesh-sg"), &ec2.SecurityGroupArgs{
		VpcId:       args.VpcId,
		Description: pulumi.String("WireGuard mesh gateways: the tunnel from the peers, forwarding from the region"),
		Ingress:     ingress,
		Egress:      allEgress(),
		Tags:        p.tags(p.name("mesh-sg")),
	}, p.with()...)
	if err != nil {
		return err
	}
	// The gateways forward without SNAT (stacks/wireguard cloud-init), so
	// packets from the peers keep their sources: admit exactly the ranges the
	// region routes to the gateways (the same in every zone).
	if args.ClusterSecurityGroup != nil {
		for _, route := range args.Zones[0].Routes {
			name := p.name("cluster-from-mesh", route.Name)
			if err := admitCIDR(ctx, name, args.ClusterSecurityGroup, route.Destination.String(),
				"mesh peer "+route.Name+" through the WireGuard gateways", p.tags(name), p.with()...); err != nil {
				return err
			}
		}
	}
	ami := ssm.LookupParameterOutput(ctx, ssm.LookupParameterOutputArgs{Name: pulumi.String(gatewayAMIParameter)}, args.Provider)
	for _, z := range args.Zones {
		if err := p.zoneGateway(z, sg, ami.Value()); err != nil {
			return err
		}
	}
	return nil
}

// zoneGateway declares zone z's gateway and its routes.
func (p *program) zoneGateway(z ZoneGateway, sg *ec2.SecurityGroup, ami pulumi.StringOutput) error {
	ctx := p.ctx
	if z.SubnetId == nil || z.AllocationId == nil || z.RouteTable == nil {
		return fmt.Errorf("%s: aws mesh gateway %s: no subnet, Elastic IP or route table for zone %s", p.r.At("zones"), p.id, z.Zone)
	}
	// The gateway's network interface outlives the instance and holds the
	// Elastic IP before the instance exists. The public subnets map no
	// public IP on launch, so an instance whose EIP is associated after
	// RunInstances boots without internet access, and cloud-init's package
	// install (wireguard-tools) can fail before the association lands; it
	// does not retry (review item 13). Launched on this interface as its
	// primary one, the instance boots with its public address, and the
	// routes to the gateway do not move when the instance is replaced.
	eni, err := ec2.NewNetworkInterface(ctx, p.name("mesh-eni", z.Zone), &ec2.NetworkInterfaceArgs{
		SubnetId:       z.SubnetId,
		SecurityGroups: pulumi.StringArray{sg.ID()},
		// the gateway forwards: packets to and from other networks pass it
		SourceDestCheck: pulumi.Bool(false),
		Description:     pulumi.String("WireGuard mesh gateway " + p.id + " " + z.Zone),
		Tags:            p.tags(p.name("mesh-eni", z.Zone)),
	}, p.with(p.takesOver(z.Zone, "mesh-eni")...)...)
	if err != nil {
		return err
	}
	assoc, err := ec2.NewEipAssociation(ctx, p.name("mesh-eip-association", z.Zone), &ec2.EipAssociationArgs{
		AllocationId:       z.AllocationId,
		NetworkInterfaceId: eni.ID(),
	}, p.with(p.takesOver(z.Zone, "mesh-eip-association")...)...)
	if err != nil {
		return err
	}
	inst, err := ec2.NewInstance(ctx, p.name("mesh-gateway", z.Zone), &ec2.InstanceArgs{
		Ami:          ami,
		InstanceType: pulumi.String(gatewayInstanceType),
		// subnet, security groups and source/destination check are the
		// interface's (terraform-provider-aws instance: network_interface
		// conflicts with subnet_id, vpc_security_group_ids and
		// source_dest_check)
		NetworkInterfaces: ec2.InstanceNetworkInterfaceArray{&ec2.InstanceNetworkInterfaceArgs{
			DeviceIndex:        pulumi.Int(0),
			NetworkInterfaceId: eni.ID(),
		}},
		UserData: z.UserData,
		// the user data names no peer and holds no key, so only a new push key or port changes it
		UserDataReplaceOnChange: pulumi.Bool(true),
		RootBlockDevice: &ec2.InstanceRootBlockDeviceArgs{
			Encrypted:  pulumi.Bool(true),
			VolumeType: pulumi.String("gp3"),
		},
		MetadataOptions: &ec2.InstanceMetadataOptionsArgs{
			HttpEndpoint: pulumi.String("enabled"),
			HttpTokens:   pulumi.String("required"),
		},
		// EC2 recovers the instance onto other hardware when a system
		// status check fails, keeping its interface and so its address
		// and routes (EC2 User Guide, "Automatic instance recovery",
		// ec2-instance-recover.html); the zone's gateway is back without
		// infra.
		MaintenanceOptions: &ec2.InstanceMaintenanceOptionsArgs{AutoRecovery: pulumi.String("default")},
		Tags:               p.tags(p.name("mesh-gateway", z.Zone)),
	}, p.with(append(p.takesOver(z.Zone, "mesh-gateway"),
		pulumi.IgnoreChanges([]string{"ami"}), // a newer AMI applies at the next replacement, not by itself
		// boots with its public address
		pulumi.DependsOn([]pulumi.Resource{assoc}),
		// An interface is attached to one instance at a time: a
		// replacement made before the old instance is gone fails with
		// InvalidNetworkInterface.InUse (EC2 API Reference, Error codes),
		// so the old one goes first.
		pulumi.DeleteBeforeReplace(true),
	)...)...)
	if err != nil {
		return err
	}
	if z.Placed != nil {
		// the push goes to the Elastic IP: after the association
		if err := z.Placed(inst, assoc); err != nil {
			return err
		}
	}
	for _, route := range z.Routes {
		if _, err := ec2.NewRoute(ctx, p.name("mesh-route", z.Zone, route.Name), &ec2.RouteArgs{
			RouteTableId:         z.RouteTable,
			DestinationCidrBlock: pulumi.String(route.Destination.String()),
			NetworkInterfaceId:   eni.ID(),
		}, p.with()...); err != nil {
			return err
		}
	}
	return nil
}
