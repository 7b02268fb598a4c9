package hetzner

import (
	"fmt"
	"strconv"

	"github.com/pulumi/pulumi-hcloud/sdk/go/hcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/rules"
	"infra/stacks/wireguard"
	"infra/topology"
)

// gatewayServerType is the smallest current shared x86 type sold in a
// location (clouds.md §3.2): cx23 where Hetzner sells CX (the EU
// locations), else cpx12, the smallest CPX gen2 (review hetzner-ovh-mesh.md
// item 8; rules.HetznerServerTypeSold).
func gatewayServerType(location string) string {
	if rules.HetznerServerTypeSold("cx23", location) {
		return "cx23"
	}
	return "cpx12"
}

// GatewayArgs is what the global stack places one Hetzner location's mesh
// gateway with.
type GatewayArgs struct {
	wireguard.Placement
	Region *topology.HetznerRegion
	// NetworkId and PrimaryIpId are the regional stack's vpcId and
	// MeshPrimaryIPOutput: hcloud ids, decimal numbers.
	NetworkId, PrimaryIpId pulumi.StringInput
}

// Gateway declares one Hetzner location's mesh gateway: a server at its
// pinned private address holding the location's Primary IP, a firewall
// that admits WireGuard from the peers only, and a network route per
// destination through the server. Hetzner private networks do not filter
// forwarded traffic, so the server needs nothing more to route.
func Gateway(ctx *pulumi.Context, args GatewayArgs) error {
	r, rn, spec := args.Region, args.Net, args.Spec
	if spec == nil || r == nil || rn == nil || args.NetworkId == nil || args.PrimaryIpId == nil {
		return fmt.Errorf("hetzner mesh gateway: Spec, Region, Net, NetworkId and PrimaryIpId are required")
	}
	id := r.ID()
	gw, err := GatewayIP(rn)
	if err != nil {
		return fmt.Errorf("%s: %w", r.At("cidr"), err)
	}
	within := NetworkRange(rn)
	for _, route := range args.Routes {
		if !within.Contains(route.Destination.Addr()) || route.Destination.Bits() < within.Bits() {
			return fmt.Errorf("%s: %s: cannot route %s (%s) through the mesh: a Hetzner network routes only inside its range %s; keep every region and the overlay in one RFC 1918 block",
				r.At("cidr"), id, route.Destination, route.Name, within)
		}
	}
	labels := pulumi.StringMap{}
	for k, v := range spec.TagsFor(&r.Region) {
		labels[k] = pulumi.String(v)
	}
	labels[labelCluster] = pulumi.String(id)
	labels[labelRole] = pulumi.String("mesh-gateway")

	// the push of the peers (infra:mesh:Peers), from wherever infra runs:
	// sshd takes the push key only, which runs the apply script only
	rules := hcloud.FirewallRuleArray{hcloud.FirewallRuleArgs{
		Direction:   pulumi.String("in"),
		Protocol:    pulumi.String("tcp"),
		Port:        pulumi.String("22"),
		SourceIps:   pulumi.StringArray{pulumi.String("0.0.0.0/0")},
		Description: pulumi.String("SSH: the mesh configuration push"),
	}}
	for _, peer := range args.Peers {
		rules = append(rules, hcloud.FirewallRuleArgs{
			Direction:   pulumi.String("in"),
			Protocol:    pulumi.String("udp"),
			Port:        pulumi.String(strconv.Itoa(args.Port)),
			SourceIps:   pulumi.StringArray{peer.CIDR()},
			Description: pulumi.String("WireGuard from " + peer.ID),
		})
	}
	fw, err := hcloud.NewFirewall(ctx, id+"-mesh-firewall", &hcloud.FirewallArgs{
		Name:   pulumi.String(id + "-mesh-firewall"),
		Labels: labels,
		Rules:  rules,
	})
	if err != nil {
		return err
	}
	netID := atoi(args.NetworkId)
	server, err := hcloud.NewServer(ctx, id+"-mesh-gateway", &hcloud.ServerArgs{
		Name:        pulumi.String(id + "-mesh-gateway"),
		ServerType:  pulumi.String(gatewayServerType(r.Name)),
		Image:       pulumi.String(image),
		Location:    pulumi.String(r.Name),
		Labels:      labels,
		FirewallIds: pulumi.IntArray{intID(fw.ID())},
		Networks: hcloud.ServerNetworkTypeArray{hcloud.ServerNetworkTypeArgs{
			NetworkId: netID.ToIntPtrOutput(),
			Ip:        pulumi.String(gw.String()),
		}},
		PublicNets: hcloud.ServerPublicNetArray{hcloud.ServerPublicNetArgs{
			Ipv4Enabled: pulumi.Bool(true),
			Ipv4:        atoi(args.PrimaryIpId).ToIntPtrOutput(),
			Ipv6Enabled: pulumi.Bool(false),
		}},
		UserData: args.UserData,
		// user_data forces a new server (terraform-provider-hcloud
		// internal/server/resource.go), and the new one needs the old one's
		// name, private IP and Primary IP, all of which Hetzner keeps
		// unique: delete first, or the replacement fails. The user data names
		// no peer, so a mesh change never replaces the server: its peers
		// arrive through Placed (infra:mesh:Peers, in place).
	}, pulumi.DeleteBeforeReplace(true))
	if err != nil {
		return err
	}
	if args.Placed != nil {
		if err := args.Placed(server); err != nil {
			return err
		}
	}
	// A route is named for its destination (network.SummaryRoutesAround),
	// so a mesh change adds and removes routes rather than changing one;
	// a route replaced all the same (its gateway or network changes: both
	// force a new route: provider-rules.json, terraform-provider-hcloud
	// v1.68.0 internal/network/resource_route.go) is deleted first, because Hetzner
	// refuses a route that overlaps one of the network (clouds.md §3.3),
	// and the old one would. Routes the program no longer declares that a
	// new one overlaps, the engine deletes before the up (engine/routes.go).
	for _, route := range args.Routes {
		if _, err := hcloud.NewNetworkRoute(ctx, id+"-mesh-route-"+route.Name, &hcloud.NetworkRouteArgs{
			NetworkId:   netID,
			Destination: pulumi.String(route.Destination.String()),
			Gateway:     pulumi.String(gw.String()),
		}, pulumi.DependsOn([]pulumi.Resource{server}), pulumi.DeleteBeforeReplace(true)); err != nil {
			return err
		}
	}
	return nil
}

// atoi is intID for an id that arrives as a string output of another stack.
func atoi(s pulumi.StringInput) pulumi.IntOutput {
	return s.ToStringOutput().ApplyT(func(v string) (int, error) {
		n, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("hcloud ID %q is not a number", v)
		}
		return n, nil
	}).(pulumi.IntOutput)
}
