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
	hostRegistration = 4  // the control planes' private load balancer
	hostControlPlane = 10 // up to 10 control planes: .10-.19
	hostWorker       = 20 // workers from .20 on
)

// Label keys the program adds to the spec's tags. The infra/ prefix keeps
// them apart from user tags.
const (
	labelCluster = "infra/cluster"
	labelRole    = "infra/role"
	// configLabel holds configHash of a k3s server's user data.
	configLabel = "infra/k3s-config"
)

// RegionalArgs is what one Hetzner regional stack is built from.
type RegionalArgs struct {
	Spec   *topology.Spec
	Region *topology.HetznerRegion
	// Net is the region's address plan: network.Compute(spec).Region(id).
	Net *network.RegionNet
}

// Regional declares one Hetzner location's resources and exports vpcId,
// cidr, clusterName, clusterEndpoint (the private registration address),
// the cluster CA and admin certificate, ingressAddress and zones, and
// apiPublicEndpoint and apiPublicEndpoints when the cluster sets apiAccess.
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
	p := &program{ctx: ctx, spec: spec, r: r, rn: rn, id: id, zone: zone, subnetRange: rn.Zones[0].Private}
	var err error
	if p.lbIP, err = host(p.subnetRange, hostLB); err != nil {
		return fmt.Errorf("%s: %s: %w", r.At("cidr"), id, err)
	}
	if p.regIP, err = host(p.subnetRange, hostRegistration); err != nil {
		return fmt.Errorf("%s: %s: %w", r.At("cidr"), id, err)
	}
	if k := r.Cluster; k.ControlPlanes < 1 || k.ControlPlanes > hostWorker-hostControlPlane {
		return fmt.Errorf("%s: %s: %d control planes; want 1 to %d", k.At("controlPlanes"), id, k.ControlPlanes, hostWorker-hostControlPlane)
	}
	if p.k3s, err = k3sVersion(r.Cluster.Kubernetes); err != nil {
		return fmt.Errorf("%s: %s: %w", r.Cluster.At("kubernetes"), id, err)
	}
	return p.run()
}

// program is one Hetzner regional stack while it is declared: what every
// part of it needs, and what the parts declared before it made.
type program struct {
	ctx  *pulumi.Context
	spec *topology.Spec
	r    *topology.HetznerRegion
	rn   *network.RegionNet
	id   string // region ID: the prefix of every name
	zone string // the location's network zone
	// subnetRange is the region's subnet; lbIP and regIP are the ingress
	// and registration load balancers' pinned addresses in it.
	subnetRange netip.Prefix
	lbIP, regIP netip.Addr
	// k3s is the pinned k3s release of the cluster's Kubernetes version.
	k3s string

	// declared by network
	net    *hcloud.Network
	netID  pulumi.IntOutput
	subnet *hcloud.NetworkSubnet
}

// name is the logical (and Hetzner) name of a resource: the region ID, then the suffix.
func (p *program) name(suffix string) string { return p.id + "-" + suffix }

// labels are the spec's tags plus the cluster label and, when set, the role.
func (p *program) labels(role string) pulumi.StringMap {
	m := pulumi.StringMap{}
	for k, v := range p.spec.TagsFor(&p.r.Region) {
		m[k] = pulumi.String(v)
	}
	m[labelCluster] = pulumi.String(p.id)
	if role != "" {
		m[labelRole] = pulumi.String(role)
	}
	return m
}

func (p *program) run() error {
	ctx := p.ctx
	if err := p.network(); err != nil {
		return err
	}
	fw, err := firewall(ctx, p.name("firewall"), p.labels(""))
	if err != nil {
		return err
	}
	apiFW, err := p.apiFirewall()
	if err != nil {
		return err
	}
	api, servers, err := p.cluster(fw, apiFW)
	if err != nil {
		return err
	}
	ca, publics := api.ca, api.publics
	lb, err := ingress(ctx, p.id, p.r.Name, p.netID, p.lbIP, p.labels(""), p.subnet)
	if err != nil {
		return err
	}
	reg, err := registration(ctx, p.id, p.r.Name, p.netID, p.regIP, p.labels(""), p.subnet)
	if err != nil {
		return err
	}
	if err := p.clusterAddons(api, servers, reg); err != nil {
		return err
	}
	if err := p.healthRoute(ca, publics, append(servers, reg...)); err != nil {
		return err
	}
	if err := mesh(ctx, p.r, p.rn, p.labels("mesh-gateway")); err != nil {
		return err
	}

	ctx.Export("vpcId", p.net.ID())
	ctx.Export("cidr", pulumi.String(p.rn.CIDR.String()))
	ctx.Export("clusterName", pulumi.String(p.id))
	ctx.Export("clusterEndpoint", pulumi.String(fmt.Sprintf("https://%s:%d", p.regIP, apiPort)))
	if apiFW != nil {
		// the API on the control planes' public addresses, for the
		// apiAccess networks only (kubeconfig: served as the registration
		// address, which the API certificate names); the first alone too,
		// for the infra versions that read only it
		endpoints := make(pulumi.StringArray, len(publics))
		for i, ip := range publics {
			endpoints[i] = ip.ApplyT(func(ip string) string { return fmt.Sprintf("https://%s:%d", ip, apiPort) }).(pulumi.StringOutput)
		}
		ctx.Export(APIPublicEndpointOutput, endpoints[0])
		ctx.Export(APIPublicEndpointsOutput, endpoints)
	}
	ctx.Export("clusterCaCert", ca.CaCert)
	ctx.Export("adminClientCert", ca.ClientCert)
	ctx.Export("adminClientKey", ca.ClientKey)
	ctx.Export("ingressAddress", lb.Ipv4)
	ctx.Export("zones", pulumi.ToStringArray([]string{p.r.Name}))
	ctx.Export("networkZone", pulumi.String(p.zone))
	ctx.Export("subnetId", p.subnet.ID())
	return nil
}

// network declares the region's private network and its subnet.
func (p *program) network() error {
	var err error
	p.net, err = hcloud.NewNetwork(p.ctx, p.name("network"), &hcloud.NetworkArgs{
		Name:    pulumi.String(p.name("network")),
		IpRange: pulumi.String(NetworkRange(p.rn).String()),
		Labels:  p.labels(""),
	})
	if err != nil {
		return err
	}
	p.netID = intID(p.net.ID())
	p.subnet, err = hcloud.NewNetworkSubnet(p.ctx, p.name("subnet"), &hcloud.NetworkSubnetArgs{
		NetworkId:   p.netID,
		Type:        pulumi.String("cloud"),
		NetworkZone: pulumi.String(p.zone),
		IpRange:     pulumi.String(p.subnetRange.String()),
	})
	return err
}

// clusterServer is one k3s node to declare.
type clusterServer struct {
	role, name string
	ip         netip.Addr
	first      bool
	group      *hcloud.PlacementGroup
}

// cluster declares the k3s cluster: its join tokens and CA, the placement
// groups and a server per control plane and worker. Control planes also
// take apiFW, when there is one. It returns the way to its API (the CA,
// whose certificates the stack exports, and the control planes' public
// IPv4 addresses, in order) and the servers.
//
// A server's user data is read once, when the server is made: the servers
// ignore its changes. Any change of it would otherwise replace every node
// at once, create-before-delete with the same name and private address,
// which Hetzner refuses, and all control planes together, which loses
// etcd (terraform-provider-hcloud internal/server/resource.go: user_data
// is ForceNew). What must reach running nodes goes over the Kubernetes API
// instead (clusterAddons): the add-ons, and a new k3s release through the
// upgrade Plans (upgrade.go). The rest of the k3s configuration reaches
// only servers made after it changes; each server's label infra/k3s-config
// (configLabel) names the configuration it was made with, and every
// preview and up warns about each server whose label differs from the
// current configuration (staleConfig).
func (p *program) cluster(fw, apiFW *hcloud.Firewall) (kubeAccess, []pulumi.Resource, error) {
	ctx, k := p.ctx, p.r.Cluster
	// The server token makes servers (and is cluster admin); the agent
	// token joins workers only, so a worker never holds the server token.
	token, err := NewToken(ctx, p.name("k3s-token"), &TokenArgs{Length: pulumi.Int(tokenBytes)})
	if err != nil {
		return kubeAccess{}, nil, err
	}
	agentToken, err := NewToken(ctx, p.name("k3s-agent-token"), &TokenArgs{Length: pulumi.Int(tokenBytes)})
	if err != nil {
		return kubeAccess{}, nil, err
	}
	// The cluster CA and admin certificate infra owns: cloud-init installs
	// the CA on the servers, `infra kubeconfig` uses the certificate.
	ca, err := NewClusterCA(ctx, p.name("k3s-ca"), &ClusterCAArgs{ClusterName: pulumi.String(p.id)})
	if err != nil {
		return kubeAccess{}, nil, err
	}
	servers, err := p.servers()
	if err != nil {
		return kubeAccess{}, nil, err
	}
	var publics []pulumi.StringOutput
	var made []pulumi.Resource
	for _, s := range servers {
		n := node{Role: "server", Name: s.name, First: s.first, IP: s.ip, Join: p.regIP, Version: p.k3s, Region: p.rn.CIDR,
			Labels: map[string]string{labelCluster: p.id, labelRole: s.role}}
		if s.role == "worker" {
			n.Role = "agent"
		}
		userData := pulumi.ToSecret(pulumi.All(token.Token, agentToken.Token, ca.CaCert, ca.CaKey).ApplyT(func(v []any) string {
			return cloudInit(n, secrets{server: v[0].(string), agent: v[1].(string), caCert: v[2].(string), caKey: v[3].(string)})
		})).(pulumi.StringOutput)
		labels := p.labels(s.role)
		config := configHash(n)
		labels[configLabel] = pulumi.String(config)
		firewalls := pulumi.IntArray{intID(fw.ID())}
		if apiFW != nil && s.role == "control-plane" {
			firewalls = append(firewalls, intID(apiFW.ID()))
		}
		srv, err := hcloud.NewServer(ctx, s.name, &hcloud.ServerArgs{
			Name:             pulumi.String(s.name),
			ServerType:       pulumi.String(k.ServerType),
			Image:            pulumi.String(image),
			Location:         pulumi.String(p.r.Name),
			Labels:           labels,
			PlacementGroupId: intID(s.group.ID()).ToIntPtrOutput(),
			FirewallIds:      firewalls,
			Networks: hcloud.ServerNetworkTypeArray{hcloud.ServerNetworkTypeArgs{
				NetworkId: p.netID.ToIntPtrOutput(),
				Ip:        pulumi.String(s.ip.String()),
			}},
			// A public address for egress: Hetzner private networks have no NAT.
			PublicNets: hcloud.ServerPublicNetArray{hcloud.ServerPublicNetArgs{
				Ipv4Enabled: pulumi.Bool(true),
				Ipv6Enabled: pulumi.Bool(true),
			}},
			UserData: userData,
		}, pulumi.DependsOn([]pulumi.Resource{p.subnet}), pulumi.IgnoreChanges(ignoredServerInputs))
		if err != nil {
			return kubeAccess{}, nil, err
		}
		// The label keeps the configuration the server was made with; a
		// preview or up warns while it differs from the current one.
		srv.Labels.ApplyT(func(l map[string]string) string {
			if msg := staleConfig(s.name, l[configLabel], config); msg != "" {
				_ = ctx.Log.Warn(msg, &pulumi.LogArgs{Resource: srv})
			}
			return ""
		})
		made = append(made, srv)
		if s.role == "control-plane" {
			publics = append(publics, srv.Ipv4Address)
		}
	}
	return kubeAccess{ca: ca, publics: publics}, made, nil
}

// servers are the cluster's nodes, control planes first, each at its
// pinned address and in its spread placement group (declared here).
func (p *program) servers() ([]clusterServer, error) {
	k := p.r.Cluster
	var servers []clusterServer
	groups := map[string]*hcloud.PlacementGroup{}
	group := func(key string, role string) (*hcloud.PlacementGroup, error) {
		if g, ok := groups[key]; ok {
			return g, nil
		}
		g, err := hcloud.NewPlacementGroup(p.ctx, p.name(key), &hcloud.PlacementGroupArgs{
			Name:   pulumi.String(p.name(key)),
			Type:   pulumi.String("spread"),
			Labels: p.labels(role),
		})
		if err != nil {
			return nil, err
		}
		groups[key] = g
		return g, nil
	}
	for i := range k.ControlPlanes {
		ip, err := host(p.subnetRange, hostControlPlane+i)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", k.At("controlPlanes"), p.id, err)
		}
		g, err := group("control-plane-spread", "control-plane")
		if err != nil {
			return nil, err
		}
		servers = append(servers, clusterServer{"control-plane", p.name(fmt.Sprintf("control-plane-%d", i+1)), ip, i == 0, g})
	}
	for i := range k.Workers {
		ip, err := host(p.subnetRange, hostWorker+i)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", k.At("workers"), p.id, err)
		}
		// Spread groups hold ten servers; worker i keeps its group as workers are added.
		g, err := group(fmt.Sprintf("workers-spread-%d", i/spreadMax+1), "worker")
		if err != nil {
			return nil, err
		}
		servers = append(servers, clusterServer{"worker", p.name(fmt.Sprintf("worker-%d", i+1)), ip, false, g})
	}
	return servers, nil
}

// registration is the cluster's fixed registration address: a load balancer
// with no public interface, on the private network at a pinned address,
// forwarding TCP 6443 (k3s's API and supervisor) to every control plane over
// the private network. Nodes join through it and it is the API endpoint, so
// neither depends on any one control plane being up (k3s docs, "Cluster
// Load Balancer": a fixed registration address). It returns what must
// exist before the API answers there: its targets and its service.
func registration(ctx *pulumi.Context, id, location string, netID pulumi.IntOutput, ip netip.Addr,
	labels pulumi.StringMap, subnet pulumi.Resource) ([]pulumi.Resource, error) {
	lb, err := hcloud.NewLoadBalancer(ctx, id+"-registration", &hcloud.LoadBalancerArgs{
		Name:             pulumi.String(id + "-registration"),
		LoadBalancerType: pulumi.String(lbType),
		Location:         pulumi.String(location),
		Labels:           labels,
	})
	if err != nil {
		return nil, err
	}
	attach, err := hcloud.NewLoadBalancerNetwork(ctx, id+"-registration-network", &hcloud.LoadBalancerNetworkArgs{
		LoadBalancerId:        intID(lb.ID()),
		NetworkId:             netID.ToIntPtrOutput(),
		Ip:                    pulumi.String(ip.String()),
		EnablePublicInterface: pulumi.Bool(false),
	}, pulumi.DependsOn([]pulumi.Resource{subnet}))
	if err != nil {
		return nil, err
	}
	target, err := hcloud.NewLoadBalancerTarget(ctx, id+"-registration-control-planes", &hcloud.LoadBalancerTargetArgs{
		LoadBalancerId: intID(lb.ID()),
		Type:           pulumi.String("label_selector"),
		LabelSelector:  pulumi.String(labelCluster + "=" + id + "," + labelRole + "=control-plane"),
		UsePrivateIp:   pulumi.Bool(true),
	}, pulumi.DependsOn([]pulumi.Resource{attach}))
	if err != nil {
		return nil, err
	}
	svc, err := hcloud.NewLoadBalancerService(ctx, id+"-registration-api", &hcloud.LoadBalancerServiceArgs{
		LoadBalancerId:  lb.ID().ToStringOutput(),
		Protocol:        pulumi.String("tcp"),
		ListenPort:      pulumi.Int(apiPort),
		DestinationPort: pulumi.Int(apiPort),
	})
	if err != nil {
		return nil, err
	}
	return []pulumi.Resource{target, svc}, nil
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
