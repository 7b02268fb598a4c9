package ibm

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/wireguard"
	"infra/topology"
)

// Choices for the gateway instance the spec leaves to the program.
const (
	// gatewayProfile is the smallest compute profile: 2 vCPU, 4 GiB.
	gatewayProfile = "cx2-2x4"
	// gatewayImage is the operating system the provider finds IBM's newest stock image of.
	gatewayImage = "ubuntu-24-04-amd64"
)

// GatewayArgs is what the global stack places one IBM region's mesh
// gateway with.
type GatewayArgs struct {
	wireguard.Placement
	Region *topology.IBMRegion
	// From the regional stack: vpcId, MeshZoneOutput, MeshSubnetOutput,
	// MeshFloatingIPOutput and MeshRoutingTableOutput.
	VpcId, Zone, SubnetId, FloatingIpId, RoutingTableId pulumi.StringInput
	// ZoneSubnets are the regional stack's subnet ids by zone
	// (MeshZoneSubnetsOutput): each zone but the gateway's gets a relay
	// there, its routes' next hop.
	ZoneSubnets map[string]pulumi.StringInput
	// ClusterSecurityGroup is the regional stack's ClusterSecurityGroupOutput;
	// when set, it admits every route's destination.
	ClusterSecurityGroup pulumi.StringInput
	// DeployerApiKey is the region's environment's deployer key (see
	// RegionalArgs): the gateway's IP spoofing needs the IP Spoofing
	// Operator role, which the landing zone grants the deployer.
	DeployerApiKey pulumi.StringInput
}

// Gateway declares one IBM region's mesh gateway: a virtual server in the
// first zone holding the region's floating IP, with IP spoofing allowed on
// its interface so that it may forward; a security group admitting
// WireGuard from the peers only and forwarded traffic from the region; and,
// since IBM routes are zonal, a route per zone and destination in the
// VPC's default routing table with the instance as next hop.
func Gateway(ctx *pulumi.Context, args GatewayArgs) error {
	r, rn, spec := args.Region, args.Net, args.Spec
	if spec == nil || r == nil || rn == nil || args.VpcId == nil || args.Zone == nil || args.SubnetId == nil ||
		args.FloatingIpId == nil || args.RoutingTableId == nil {
		return fmt.Errorf("ibm mesh gateway: Spec, Region, Net, VpcId, Zone, SubnetId, FloatingIpId and RoutingTableId are required")
	}
	id := r.ID()
	tags, err := Tags(spec, &r.Region)
	if err != nil {
		return err
	}
	region := pulumi.String(r.Name)
	group := pulumi.String(ResourceGroupName(spec, r.Environment))
	name := func(suffix string) string { return id + "-" + suffix }
	opts, err := deployer(ctx, name("mesh-deployer"), args.DeployerApiKey)
	if err != nil {
		return err
	}

	sg, err := NewSecurityGroup(ctx, name("mesh-sg"), &SecurityGroupArgs{
		Vpc: args.VpcId, Region: region, Name: pulumi.String(name("mesh-sg")), ResourceGroup: group, Tags: tags,
	}, opts...)
	if err != nil {
		return err
	}
	sgID := sg.ID().ToStringOutput()
	rule := func(suffix, dir, proto string, port int, remote pulumi.StringInput) error {
		a := &SecurityGroupRuleArgs{SecurityGroup: sgID, Region: region, Direction: pulumi.String(dir), Protocol: pulumi.String(proto), Remote: remote}
		if port > 0 {
			a.PortMin, a.PortMax = pulumi.Int(port), pulumi.Int(port)
		}
		_, err := NewSecurityGroupRule(ctx, name("mesh-sg-"+suffix), a, opts...)
		return err
	}
	// icmp_tcp_udp, not 'all' (gone from VPC API version 2025-12-09, and
	// the provider pins a later one) nor 'any' (IBM doc "Updating to the
	// 2025-12-09 version" warns it can break IKS clusters in the VPC):
	// IBM/vpc-go-sdk@v0.90.0 vpcv1/vpc_v1.go:103146-103170.
	if err := rule("from-region", "inbound", "icmp_tcp_udp", 0, pulumi.String(rn.CIDR.String())); err != nil {
		return err
	}
	if err := rule("egress", "outbound", "icmp_tcp_udp", 0, pulumi.String("0.0.0.0/0")); err != nil {
		return err
	}
	// the push of the peers (infra:mesh:Peers): sshd takes the push key only
	if err := rule("push", "inbound", "tcp", 22, pulumi.String("0.0.0.0/0")); err != nil {
		return err
	}
	for _, peer := range args.Peers {
		if err := rule("wireguard-"+peer.ID, "inbound", "udp", args.Port, peer.PublicIP); err != nil {
			return err
		}
	}

	// The gateway's cloud-init changes with the mesh (a region or peer
	// added), and IBM cannot change an instance's user data in place
	// (IBM/vpc-go-sdk@v0.90.0 vpcv1 InstancePatch has no user_data). The
	// instance's name carries the mesh's generation, so a new configuration
	// is a new instance made before the old one is deleted: it takes the
	// floating IP over once it runs, the routes move to it in place
	// (RoutePatch next_hop), and only then does the old one go. With the
	// same name IBM would refuse the second instance, and the region would
	// be off the mesh from the old one's delete until the new one booted.
	inst, err := NewInstance(ctx, name("mesh-gateway"), &InstanceArgs{
		Name:            pulumi.String(shortName(name("mesh-gateway-" + meshGeneration(args)))),
		Region:          region,
		Zone:            args.Zone,
		Vpc:             args.VpcId,
		Profile:         pulumi.String(gatewayProfile),
		Image:           pulumi.String(gatewayImage),
		Subnet:          args.SubnetId,
		SecurityGroups:  pulumi.StringArray{sgID},
		AllowIpSpoofing: pulumi.Bool(true),
		FloatingIp:      args.FloatingIpId.ToStringOutput().ToStringPtrOutput(),
		UserData:        args.UserData.ToStringPtrOutput(),
		ResourceGroup:   group,
		Tags:            tags,
	}, opts...)
	if err != nil {
		return err
	}
	if args.Placed != nil {
		if err := args.Placed(inst); err != nil {
			return err
		}
	}
	// The workers' security group, kube-<clusterID>, admits only the
	// cluster's own traffic and what IKS needs; traffic from the other
	// clouds keeps its source address through the gateway, so each remote
	// range is admitted there, or a route alone opens nothing (ibm.md item
	// 11). It is the one group the workers carry, and IBM says to add rules
	// to it ("You can only modify the existing security group", IBM doc
	// "Understanding VPC security groups"). All of icmp, tcp and udp, so
	// that ICMP "fragmentation needed" keeps path MTU discovery working
	// through the tunnels.
	if args.ClusterSecurityGroup != nil {
		for _, route := range args.Routes {
			if _, err := NewSecurityGroupRule(ctx, name("cluster-admits-"+route.Name), &SecurityGroupRuleArgs{
				SecurityGroup: args.ClusterSecurityGroup, Region: region, Direction: pulumi.String("inbound"),
				Protocol: pulumi.String("icmp_tcp_udp"), Remote: pulumi.String(route.Destination.String()),
			}, opts...); err != nil {
				return err
			}
		}
	}
	// IBM routes are zonal and "the next-hop-ip for a route must be in the
	// same zone as the zone the traffic is sourcing from" (IBM doc
	// "Determining route preference"). The gateway runs in the first zone
	// (MeshZoneOutput) and is that zone's next hop; every other zone's is
	// its relay (relay.go).
	for i, z := range rn.Zones {
		hop := inst.PrimaryIpAddress
		if i > 0 {
			if hop, err = relay(ctx, args, i, inst.PrimaryIpAddress, sgID, opts); err != nil {
				return err
			}
		}
		for _, route := range args.Routes {
			n := name("mesh-route-" + z.Zone + "-" + route.Name)
			if _, err := NewVpcRoutingTableRoute(ctx, n, &VpcRoutingTableRouteArgs{
				Vpc:          args.VpcId,
				Region:       region,
				RoutingTable: args.RoutingTableId,
				Name:         pulumi.String(routeName(n)),
				Zone:         pulumi.String(z.Zone),
				Destination:  pulumi.String(route.Destination.String()),
				Action:       pulumi.String("deliver"),
				NextHop:      hop,
			}, opts...); err != nil {
				return err
			}
		}
	}
	return nil
}

// relay declares the mesh relay of one zone besides the gateway's, in that
// zone's subnet, with the gateway's security group (it admits the
// region's traffic and nothing from outside; the relay has no public
// address) and IP spoofing allowed, since it forwards what is not its own.
// It returns the relay's address, the zone's next hop. Its name carries
// the generation and the gateway's address, so a new gateway gets new
// relays made before the old ones go.
func relay(ctx *pulumi.Context, args GatewayArgs, i int, gateway pulumi.StringOutput, sg pulumi.StringOutput,
	opts []pulumi.ResourceOption) (pulumi.StringOutput, error) {
	r, spec := args.Region, args.Spec
	id, zone := r.ID(), args.Net.Zones[i].Zone
	subnet := args.ZoneSubnets[zone]
	if subnet == nil {
		return pulumi.StringOutput{}, fmt.Errorf("%s: ibm mesh gateway: no subnet for the relay in zone %s", id, zone)
	}
	tags, err := Tags(spec, &r.Region)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	routes := args.Routes
	userData := gateway.ApplyT(func(ip string) (string, error) {
		a, err := netip.ParseAddr(ip)
		if err != nil {
			return "", fmt.Errorf("%s: the mesh gateway's address %q: %w", id, ip, err)
		}
		return RelayCloudInit(id, i, a, routes)
	}).(pulumi.StringOutput)
	inst, err := NewInstance(ctx, id+"-mesh-relay-"+zone, &InstanceArgs{
		Name:            pulumi.String(shortName(id + "-mesh-relay-" + zone + "-" + meshGeneration(args))),
		Region:          pulumi.String(r.Name),
		Zone:            pulumi.String(zone),
		Vpc:             args.VpcId,
		Profile:         pulumi.String(gatewayProfile),
		Image:           pulumi.String(gatewayImage),
		Subnet:          subnet,
		SecurityGroups:  pulumi.StringArray{sg},
		AllowIpSpoofing: pulumi.Bool(true),
		UserData:        userData.ToStringPtrOutput(),
		ResourceGroup:   pulumi.String(ResourceGroupName(spec, r.Environment)),
		Tags:            tags,
	}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return inst.PrimaryIpAddress, nil
}

// meshGeneration is a short, stable digest of what the gateway's
// configuration is made of and the program knows: the port, the peers and
// the routes. It changes when a region joins or leaves the mesh.
func meshGeneration(args GatewayArgs) string {
	var parts []string
	for _, p := range args.Peers {
		parts = append(parts, "peer="+p.ID)
	}
	for _, r := range args.Routes {
		parts = append(parts, "route="+r.Name+"="+r.Destination.String())
	}
	if args.Net != nil && len(args.Net.Zones) > 1 {
		// the gateway takes the relays' traffic (wireguard.Boot.RelayPort)
		parts = append(parts, fmt.Sprintf("relays=%d", len(args.Net.Zones)-1))
	}
	sort.Strings(parts)
	h := fnv.New32a()
	fmt.Fprintf(h, "port=%d\n%s", args.Port, strings.Join(parts, "\n"))
	return fmt.Sprintf("%06x", h.Sum32()&0xffffff)
}

// maxName is the longest name the VPC API takes.
const maxName = 63

// shortName keeps a name within maxName, replacing the tail of a longer one
// with a hash of the whole so that names stay unique and stable.
func shortName(s string) string {
	if len(s) <= maxName {
		return s
	}
	h := fnv.New32a()
	h.Write([]byte(s))
	return fmt.Sprintf("%s-%08x", strings.TrimRight(s[:maxName-9], "-"), h.Sum32())
}

// routeName is a route's name in IBM: route names starting with "ibm-" are
// reserved for system-provided routes and refused (IBM/vpc-go-sdk@v0.90.0
// vpcv1/vpc_v1.go:51290), and every IBM stack id starts with it, so the
// cloud prefix goes.
func routeName(n string) string { return shortName(strings.TrimPrefix(n, "ibm-")) }
