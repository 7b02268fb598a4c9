// Package hetzner is the regional Pulumi program for a Hetzner Cloud
// location: a private network, a k3s cluster on hcloud servers installed by
// cloud-init, a firewall and an ingress load balancer.
package hetzner

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/pulumi/pulumi-hcloud/sdk/go/hcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

// Choices the spec leaves to the program.
const (
	// image is the current Ubuntu LTS; Hetzner resolves the name to the
	// server type's architecture (x86 or Arm).
	image = "ubuntu-24.04"
	// lbType is the smallest load balancer type, ample for one ingress.
	lbType = "lb11"
	// spreadMax is the most servers a spread placement group holds.
	spreadMax = 10
	// tokenBytes is the k3s join token's entropy.
	tokenBytes = 32
	apiPort    = 6443
)

// Host numbers inside the private subnet. The first address of the network
// is Hetzner's gateway; every other address is pinned so that servers and
// the load balancer, created in parallel, never race for the same one.
const (
	hostLB           = 2
	hostControlPlane = 10 // up to 10 control planes: .10-.19
	hostWorker       = 20 // workers from .20 on
)

// Label keys the program adds to the spec's tags. The infra/ prefix keeps
// them apart from user tags.
const (
	labelCluster = "infra/cluster"
	labelRole    = "infra/role"
)

// RegionalArgs is what one Hetzner regional stack is built from.
type RegionalArgs struct {
	Spec   *topology.Spec
	Region *topology.HetznerRegion
	// Net is the region's address plan: network.Compute(spec).Region(id).
	Net *network.RegionNet
}

// Regional declares one Hetzner location's resources and exports vpcId,
// cidr, clusterName, clusterEndpoint, ingressAddress and zones.
func Regional(ctx *pulumi.Context, args RegionalArgs) error {
	r, spec, rn := args.Region, args.Spec, args.Net
	if spec == nil || r == nil || rn == nil {
		return fmt.Errorf("hetzner: Regional needs a spec, a region and its network plan")
	}
	id := r.ID()
	if len(rn.Zones) != 1 {
		return fmt.Errorf("%s: %s: a Hetzner location has exactly one zone plan, got %d", r.At("region"), id, len(rn.Zones))
	}
	zone := topology.NetworkZone(r.Name)
	if zone == "" {
		return fmt.Errorf("%s: %s: location %q has no Hetzner network zone", r.At("region"), id, r.Name)
	}
	k := r.Cluster
	subnetRange := rn.Zones[0].Private
	lbIP, err := host(subnetRange, hostLB)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", r.At("cidr"), id, err)
	}
	if k.ControlPlanes < 1 || k.ControlPlanes > hostWorker-hostControlPlane {
		return fmt.Errorf("%s: %s: %d control planes; want 1 to %d", k.At("controlPlanes"), id, k.ControlPlanes, hostWorker-hostControlPlane)
	}
	name := func(suffix string) string { return id + "-" + suffix }
	labels := func(role string) pulumi.StringMap {
		m := pulumi.StringMap{}
		for k, v := range spec.TagsFor(&r.Region) {
			m[k] = pulumi.String(v)
		}
		m[labelCluster] = pulumi.String(id)
		if role != "" {
			m[labelRole] = pulumi.String(role)
		}
		return m
	}

	net, err := hcloud.NewNetwork(ctx, name("network"), &hcloud.NetworkArgs{
		Name:    pulumi.String(name("network")),
		IpRange: pulumi.String(NetworkRange(rn).String()),
		Labels:  labels(""),
	})
	if err != nil {
		return err
	}
	netID := intID(net.ID())
	subnet, err := hcloud.NewNetworkSubnet(ctx, name("subnet"), &hcloud.NetworkSubnetArgs{
		NetworkId:   netID,
		Type:        pulumi.String("cloud"),
		NetworkZone: pulumi.String(zone),
		IpRange:     pulumi.String(subnetRange.String()),
	})
	if err != nil {
		return err
	}

	fw, err := firewall(ctx, name("firewall"), rn.CIDR, labels(""))
	if err != nil {
		return err
	}

	token, err := NewToken(ctx, name("k3s-token"), &TokenArgs{Length: pulumi.Int(tokenBytes)})
	if err != nil {
		return err
	}

	type server struct {
		role, name string
		ip         netip.Addr
		first      bool
		group      *hcloud.PlacementGroup
	}
	var servers []server
	var groups = map[string]*hcloud.PlacementGroup{}
	group := func(key string, role string) (*hcloud.PlacementGroup, error) {
		if g, ok := groups[key]; ok {
			return g, nil
		}
		g, err := hcloud.NewPlacementGroup(ctx, name(key), &hcloud.PlacementGroupArgs{
			Name:   pulumi.String(name(key)),
			Type:   pulumi.String("spread"),
			Labels: labels(role),
		})
		if err != nil {
			return nil, err
		}
		groups[key] = g
		return g, nil
	}
	for i := range k.ControlPlanes {
		ip, err := host(subnetRange, hostControlPlane+i)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", k.At("controlPlanes"), id, err)
		}
		g, err := group("control-plane-spread", "control-plane")
		if err != nil {
			return err
		}
		servers = append(servers, server{"control-plane", name(fmt.Sprintf("control-plane-%d", i+1)), ip, i == 0, g})
	}
	for i := range k.Workers {
		ip, err := host(subnetRange, hostWorker+i)
		if err != nil {
			return fmt.Errorf("%s: %s: %w", k.At("workers"), id, err)
		}
		// Spread groups hold ten servers; worker i keeps its group as workers are added.
		g, err := group(fmt.Sprintf("workers-spread-%d", i/spreadMax+1), "worker")
		if err != nil {
			return err
		}
		servers = append(servers, server{"worker", name(fmt.Sprintf("worker-%d", i+1)), ip, false, g})
	}
	joinIP := servers[0].ip
	channel := "v" + k.Kubernetes
	var workerIPs []netip.Addr
	for _, s := range servers {
		n := node{Role: "server", First: s.first, IP: s.ip, Join: joinIP, Channel: channel,
			Labels: map[string]string{labelCluster: id, labelRole: s.role}}
		if s.role == "worker" {
			n.Role = "agent"
			workerIPs = append(workerIPs, s.ip)
		}
		userData := pulumi.ToSecret(token.Token.ApplyT(func(t string) string { return cloudInit(n, t) })).(pulumi.StringOutput)
		_, err := hcloud.NewServer(ctx, s.name, &hcloud.ServerArgs{
			Name:             pulumi.String(s.name),
			ServerType:       pulumi.String(k.ServerType),
			Image:            pulumi.String(image),
			Location:         pulumi.String(r.Name),
			Labels:           labels(s.role),
			PlacementGroupId: intID(s.group.ID()).ToIntPtrOutput(),
			FirewallIds:      pulumi.IntArray{intID(fw.ID())},
			Networks: hcloud.ServerNetworkTypeArray{hcloud.ServerNetworkTypeArgs{
				NetworkId: netID.ToIntPtrOutput(),
				Ip:        pulumi.String(s.ip.String()),
			}},
			// A public address for egress: Hetzner private networks have no NAT.
			PublicNets: hcloud.ServerPublicNetArray{hcloud.ServerPublicNetArgs{
				Ipv4Enabled: pulumi.Bool(true),
				Ipv6Enabled: pulumi.Bool(true),
			}},
			UserData: userData,
		}, pulumi.DependsOn([]pulumi.Resource{subnet}))
		if err != nil {
			return err
		}
	}

	lb, err := ingress(ctx, id, r.Name, netID, lbIP, labels(""), subnet)
	if err != nil {
		return err
	}
	if err := mesh(ctx, r, rn, labels("mesh-gateway")); err != nil {
		return err
	}

	ctx.Export("vpcId", net.ID())
	ctx.Export("cidr", pulumi.String(rn.CIDR.String()))
	ctx.Export("clusterName", pulumi.String(id))
	ctx.Export("clusterEndpoint", pulumi.String(fmt.Sprintf("https://%s:%d", joinIP, apiPort)))
	ctx.Export("ingressAddress", lb.Ipv4)
	ctx.Export("zones", pulumi.ToStringArray([]string{r.Name}))
	ctx.Export("networkZone", pulumi.String(zone))
	ctx.Export("subnetId", subnet.ID())
	return nil
}

// firewall admits, on the servers' public interfaces, only traffic from
// inside the region's network: the Kubernetes API, etcd, kubelet, flannel
// and the ingress ports the load balancer reaches. Nothing else, SSH
// included, gets in. (Hetzner firewalls filter public interfaces; the rules
// also state the intent for the private one.)
func firewall(ctx *pulumi.Context, name string, cidr netip.Prefix, labels pulumi.StringMap) (*hcloud.Firewall, error) {
	from := pulumi.StringArray{pulumi.String(cidr.String())}
	rule := func(proto, port, what string) hcloud.FirewallRuleArgs {
		r := hcloud.FirewallRuleArgs{
			Direction:   pulumi.String("in"),
			Protocol:    pulumi.String(proto),
			SourceIps:   from,
			Description: pulumi.String(what),
		}
		if port != "" {
			r.Port = pulumi.String(port)
		}
		return r
	}
	return hcloud.NewFirewall(ctx, name, &hcloud.FirewallArgs{
		Name:   pulumi.String(name),
		Labels: labels,
		Rules: hcloud.FirewallRuleArray{
			rule("tcp", strconv.Itoa(apiPort), "Kubernetes API"),
			rule("tcp", "2379-2380", "etcd between control planes"),
			rule("tcp", "10250", "kubelet"),
			rule("udp", "8472", "flannel VXLAN"),
			rule("tcp", "80", "HTTP from the load balancer"),
			rule("tcp", "443", "HTTPS from the load balancer"),
			rule("icmp", "", "ICMP inside the network"),
		},
	})
}

// ingress is the load balancer in front of the workers: it joins the
// private network at a pinned address, targets every worker of the cluster
// by label over the private network and forwards TCP 80 and 443, where the
// workers' k3s service load balancer serves the ingress controller.
func ingress(ctx *pulumi.Context, id, location string, netID pulumi.IntOutput, ip netip.Addr,
	labels pulumi.StringMap, subnet pulumi.Resource) (*hcloud.LoadBalancer, error) {
	lb, err := hcloud.NewLoadBalancer(ctx, id+"-ingress", &hcloud.LoadBalancerArgs{
		Name:             pulumi.String(id + "-ingress"),
		LoadBalancerType: pulumi.String(lbType),
		Location:         pulumi.String(location),
		Labels:           labels,
	})
	if err != nil {
		return nil, err
	}
	attach, err := hcloud.NewLoadBalancerNetwork(ctx, id+"-ingress-network", &hcloud.LoadBalancerNetworkArgs{
		LoadBalancerId: intID(lb.ID()),
		NetworkId:      netID.ToIntPtrOutput(),
		Ip:             pulumi.String(ip.String()),
	}, pulumi.DependsOn([]pulumi.Resource{subnet}))
	if err != nil {
		return nil, err
	}
	_, err = hcloud.NewLoadBalancerTarget(ctx, id+"-ingress-workers", &hcloud.LoadBalancerTargetArgs{
		LoadBalancerId: intID(lb.ID()),
		Type:           pulumi.String("label_selector"),
		LabelSelector:  pulumi.String(labelCluster + "=" + id + "," + labelRole + "=worker"),
		UsePrivateIp:   pulumi.Bool(true),
	}, pulumi.DependsOn([]pulumi.Resource{attach}))
	if err != nil {
		return nil, err
	}
	for _, svc := range []struct {
		name string
		port int
	}{{"http", 80}, {"https", 443}} {
		_, err := hcloud.NewLoadBalancerService(ctx, id+"-ingress-"+svc.name, &hcloud.LoadBalancerServiceArgs{
			LoadBalancerId:  lb.ID().ToStringOutput(),
			Protocol:        pulumi.String("tcp"),
			ListenPort:      pulumi.Int(svc.port),
			DestinationPort: pulumi.Int(svc.port),
		})
		if err != nil {
			return nil, err
		}
	}
	return lb, nil
}

// intID turns an hcloud resource ID, a decimal number, into the int other
// resources take. A non-numeric ID is an error, never a silent zero.
func intID(id pulumi.IDOutput) pulumi.IntOutput {
	return id.ApplyT(func(v pulumi.ID) (int, error) {
		n, err := strconv.Atoi(string(v))
		if err != nil {
			return 0, fmt.Errorf("hcloud ID %q is not a number", v)
		}
		return n, nil
	}).(pulumi.IntOutput)
}

// host returns the n-th address of p, which must leave room for it.
func host(p netip.Prefix, n int) (netip.Addr, error) {
	a := p.Masked().Addr()
	for range n {
		a = a.Next()
	}
	if !p.Contains(a) || !p.Contains(a.Next()) {
		return netip.Addr{}, fmt.Errorf("subnet %s has no room for host %d", p, n)
	}
	return a, nil
}
