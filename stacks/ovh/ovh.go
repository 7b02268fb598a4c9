// Package ovh is the regional Pulumi program for an OVHcloud Public Cloud
// region: a vRack private network with its subnet and gateway, a Managed
// Kubernetes cluster on it with a node pool per zone, and the ingress
// controller in it, exposed on a floating IP.
package ovh

import (
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/ovh/pulumi-ovh/sdk/v2/go/ovh"
	"github.com/ovh/pulumi-ovh/sdk/v2/go/ovh/cloudproject"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/network"
	"infra/topology"
)

// Where the Public Cloud project id (the API's service name) comes from when
// the spec does not set clouds.ovh.project, in this order.
const (
	// ProjectConfigKey is the Pulumi config key that can hold it.
	ProjectConfigKey = "infra:ovhProject"
	// ProjectEnv is the variable the OVH provider itself also reads.
	ProjectEnv = landingzone.OVHProjectEnv
	// ProjectPlaceholder is what a plan shows when neither is set: an
	// offline plan needs no project, but a deployment with it fails at OVH.
	ProjectPlaceholder = landingzone.OVHProjectPlaceholder
)

// Where the vRack the project is attached to comes from when the spec does
// not set clouds.ovh.vrack, in the same order as the project.
const (
	VrackConfigKey   = "infra:ovhVrack"
	VrackEnv         = landingzone.OVHVrackEnv
	VrackPlaceholder = "${" + VrackEnv + "}"
)

// Host numbers in a region's subnet. The first host is the subnet's gateway
// IP, where the OVHcloud Gateway attaches; the hosts up to hostPoolStart-1
// are left out of DHCP for addresses infra pins (the mesh gateway), so that
// the subnet's host route can name its next hop before the instance exists.
const (
	hostMeshGateway = 3
	hostPoolStart   = 16
)

// gatewayModel is the smallest OVHcloud Gateway: egress for the nodes, and
// the router public load balancers need (mandatory on 3-AZ regions). The
// region's mesh traffic crosses it too, through the gateway instance's
// floating IP, so it caps the region's mesh throughput; the models' rates
// are not in the reference data (clouds.md §4.4 shows "s" in examples
// only), so a larger model is a measured decision for later, not a guess.
const gatewayModel = "s"

// RegionalArgs is what one OVH regional stack is built from.
type RegionalArgs struct {
	Spec   *topology.Spec
	Region *topology.OVHRegion
	// Net is the region's address plan: network.Compute(spec).Region(id).
	Net *network.RegionNet
}

// Regional declares one OVH region's resources and exports vpcId, cidr,
// clusterName, clusterEndpoint, ingressAddress and zones.
//
// OVH resources take no labels or tags, so the spec's tags have nowhere to
// go here.
func Regional(ctx *pulumi.Context, args RegionalArgs) error {
	r, spec, rn := args.Region, args.Spec, args.Net
	if spec == nil || r == nil || rn == nil {
		return fmt.Errorf("ovh: Regional needs a spec, a region and its network plan")
	}
	id := r.ID()
	if len(rn.Zones) == 0 {
		return fmt.Errorf("%s: %s: no zone in the network plan", r.At("region"), id)
	}
	p := &program{ctx: ctx, spec: spec, r: r, rn: rn, id: id, region: pulumi.String(r.Name)}
	var err error
	if p.first, p.start, p.end, err = pool(rn.CIDR); err != nil {
		return fmt.Errorf("%s: %s: %w", r.At("cidr"), id, err)
	}
	if p.meshIP, err = MeshGatewayIP(rn); err != nil {
		return fmt.Errorf("%s: %s: %w", r.At("cidr"), id, err)
	}
	p.project = pulumi.String(Project(ctx, spec))
	return p.run()
}

// program is one OVH regional stack while it is declared: what every part
// of it needs, and what the parts declared before it made.
type program struct {
	ctx    *pulumi.Context
	spec   *topology.Spec
	r      *topology.OVHRegion
	rn     *network.RegionNet
	id     string // region ID: the prefix of every name
	region pulumi.String
	// project is the Public Cloud project (the API's service name).
	project pulumi.String
	// first is the subnet's gateway IP, start-end its DHCP pool, meshIP
	// the mesh gateway's pinned address.
	first, start, end, meshIP netip.Addr

	// declared by network
	net         *cloudproject.NetworkPrivate
	openstackID pulumi.StringOutput
	subnet      *cloudproject.NetworkPrivateSubnetV2
	gateway     *cloudproject.Gateway
}

// name is the logical (and OVH) name of a resource: the region ID, then the suffix.
func (p *program) name(suffix string) string { return p.id + "-" + suffix }

func (p *program) run() error {
	ctx := p.ctx
	if err := p.network(); err != nil {
		return err
	}
	kube, pools, zones, err := p.cluster()
	if err != nil {
		return err
	}
	// The ingress controller's LoadBalancer Service claims this address
	// (spec.loadBalancerIP, ingressController); reserving it here lets the
	// global load balancer point at it before the cluster runs anything,
	// and keeps it across a new load balancer.
	fip, err := ovh.NewCloudFloatingIp(ctx, p.name("ingress-ip"), &ovh.CloudFloatingIpArgs{
		ServiceName: p.project,
		Region:      p.region,
		Description: pulumi.String(p.name("ingress")),
	})
	if err != nil {
		return err
	}
	ip := fip.CurrentState.Ip().Elem()
	if err := p.ingressController(kube, ip, append(pools, fip)); err != nil {
		return err
	}
	if err := mesh(ctx, p.r, p.rn, p.project, p.gateway, p.meshIP); err != nil {
		return err
	}

	ctx.Export("vpcId", p.net.ID())
	ctx.Export("cidr", pulumi.String(p.rn.CIDR.String()))
	ctx.Export("clusterName", pulumi.String(p.id))
	ctx.Export("clusterEndpoint", kube.Url.ApplyT(apiURL).(pulumi.StringOutput))
	// The cluster's admin kubeconfig as OVHcloud returns it (secret), for
	// `infra kubeconfig`.
	ctx.Export("kubeconfig", pulumi.ToSecret(kube.Kubeconfig))
	ctx.Export("ingressAddress", ip)
	ctx.Export("zones", pulumi.ToStringArray(zones))
	ctx.Export("openstackNetworkId", p.openstackID)
	ctx.Export("subnetId", p.subnet.ID())
	ctx.Export("project", p.project)
	return nil
}

// network declares the region's vRack private network, its subnet and the
// subnet's OVHcloud Gateway.
func (p *program) network() error {
	ctx, rn := p.ctx, p.rn
	var err error
	p.net, err = cloudproject.NewNetworkPrivate(ctx, p.name("network"), &cloudproject.NetworkPrivateArgs{
		ServiceName: p.project,
		Name:        pulumi.String(p.name("network")),
		Regions:     pulumi.StringArray{p.region},
		VlanId:      pulumi.Int(network.OVHVLAN(rn.CIDR)),
	})
	if err != nil {
		return err
	}
	// The subnet and the gateway and cluster take the region's OpenStack id
	// of the network. The subnet is the v2 resource, the one with host
	// routes: DHCP hands the nodes a route for the region's whole RFC 1918
	// block through the mesh gateway's pinned address, so that every other
	// region (and the overlay) goes through the mesh while the region's own
	// CIDR stays on link. One stable route, whatever the mesh holds:
	// host_routes changes recreate the subnet, and with it the cluster
	// (terraform-provider-ovh v2.17.0 docs, cloud_project_network_private_subnet_v2:
	// "Changing this value recreates the resource"). It is there even when
	// the region is outside the mesh, so that joining the mesh never
	// recreates the subnet; without a gateway the route leads nowhere, as
	// other regions' addresses do then anyway.
	p.openstackID = p.net.RegionsOpenstackIds.MapIndex(p.region)
	subnetArgs := &cloudproject.NetworkPrivateSubnetV2Args{
		ServiceName:     p.project,
		NetworkId:       p.openstackID,
		Region:          p.region,
		Name:            pulumi.String(p.name("subnet")),
		Cidr:            pulumi.String(rn.CIDR.String()),
		Dhcp:            pulumi.Bool(true),
		EnableGatewayIp: pulumi.Bool(true),
		GatewayIp:       pulumi.String(p.first.String()),
		AllocationPools: cloudproject.NetworkPrivateSubnetV2AllocationPoolArray{cloudproject.NetworkPrivateSubnetV2AllocationPoolArgs{
			Start: pulumi.String(p.start.String()), End: pulumi.String(p.end.String()),
		}},
	}
	if block, ok := network.PrivateBlock(rn.CIDR); ok {
		subnetArgs.HostRoutes = cloudproject.NetworkPrivateSubnetV2HostRouteArray{cloudproject.NetworkPrivateSubnetV2HostRouteArgs{
			Destination: pulumi.String(block.String()), Nexthop: pulumi.String(p.meshIP.String()),
		}}
	}
	p.subnet, err = cloudproject.NewNetworkPrivateSubnetV2(ctx, p.name("subnet"), subnetArgs)
	if err != nil {
		return err
	}
	p.gateway, err = cloudproject.NewGateway(ctx, p.name("gateway"), &cloudproject.GatewayArgs{
		ServiceName: p.project,
		Name:        pulumi.String(p.name("gateway")),
		Model:       pulumi.String(gatewayModel),
		Region:      p.region,
		NetworkId:   p.openstackID,
		SubnetId:    p.subnet.ID().ToStringOutput(),
	})
	return err
}

// cluster declares the Managed Kubernetes cluster on the subnet and its
// node pools; it returns the cluster, the pools and their zones.
func (p *program) cluster() (*cloudproject.Kube, []pulumi.Resource, []string, error) {
	ctx, k := p.ctx, p.r.Cluster
	kube, err := cloudproject.NewKube(ctx, p.name("cluster"), &cloudproject.KubeArgs{
		ServiceName:           p.project,
		Name:                  pulumi.String(p.id),
		Region:                p.region,
		Version:               pulumi.String(k.Kubernetes),
		Plan:                  pulumi.String(k.Plan),
		PrivateNetworkId:      p.openstackID.ToStringPtrOutput(),
		NodesSubnetId:         p.subnet.ID().ToStringOutput(),
		LoadBalancersSubnetId: p.subnet.ID().ToStringOutput(),
		// Route egress through the subnet's gateway, as DHCP advertises it.
		PrivateNetworkConfiguration: cloudproject.KubePrivateNetworkConfigurationArgs{
			DefaultVrackGateway:            pulumi.String(""),
			PrivateNetworkRoutingAsDefault: pulumi.Bool(true),
		},
	}, pulumi.DependsOn([]pulumi.Resource{p.gateway}))
	if err != nil {
		return nil, nil, nil, err
	}

	// A 3-AZ region gets one pool per zone, each pinned to its zone; a
	// single-AZ region one pool. Nodes sizes each pool.
	multiAZ := len(topology.ZonesOf(topology.OVH, p.r.Name)) > 0
	var zones []string
	var pools []pulumi.Resource
	for _, z := range p.rn.Zones {
		zones = append(zones, z.Zone)
		pool := "nodes-" + strings.ToLower(z.Zone)
		np := &cloudproject.KubeNodePoolArgs{
			ServiceName:  p.project,
			KubeId:       kube.ID().ToStringOutput(),
			Name:         pulumi.String(pool),
			FlavorName:   pulumi.String(k.Flavor),
			MinNodes:     pulumi.Int(k.Nodes.Min),
			MaxNodes:     pulumi.Int(k.Nodes.Max),
			DesiredNodes: pulumi.Int(k.Nodes.Desired),
			Autoscale:    pulumi.Bool(k.Nodes.Max > k.Nodes.Min),
		}
		if multiAZ {
			np.AvailabilityZones = pulumi.StringArray{pulumi.String(z.Zone)}
		}
		res, err := cloudproject.NewKubeNodePool(ctx, p.name(pool), np)
		if err != nil {
			return nil, nil, nil, err
		}
		pools = append(pools, res)
	}
	return kube, pools, zones, nil
}

// Project is the Public Cloud project id: the spec's clouds.ovh.project,
// else the ProjectConfigKey config, else ProjectEnv, else ProjectPlaceholder.
func Project(ctx *pulumi.Context, spec *topology.Spec) string {
	var project string
	if c := spec.Clouds.OVH; c != nil {
		project = c.Project
	}
	return setting(ctx, project, ProjectConfigKey, ProjectEnv, ProjectPlaceholder)
}

// setting is an OVH setting: the topology's value, else the stack config
// key, else the environment variable env, else the placeholder plans show.
func setting(ctx *pulumi.Context, value, key, env, placeholder string) string {
	if value != "" {
		return value
	}
	if v, _ := ctx.GetConfig(key); v != "" {
		return v
	}
	if v := os.Getenv(env); v != "" {
		return v
	}
	return placeholder
}

// pool is the gateway IP (the first host) and the DHCP range of a subnet
// spanning cidr: from host hostPoolStart to the last host, leaving the
// addresses infra pins out of it.
func pool(cidr netip.Prefix) (gateway, start, end netip.Addr, err error) {
	if !cidr.Addr().Is4() || cidr.Bits() > 26 {
		return gateway, start, end, fmt.Errorf("CIDR %s is too small for an OVH subnet (want /26 or larger)", cidr)
	}
	last := 1<<(32-cidr.Bits()) - 2 // the broadcast address is the one after
	return network.NthAddr(cidr, 1), network.NthAddr(cidr, hostPoolStart), network.NthAddr(cidr, last), nil
}

// MeshGatewayIP is the mesh gateway's pinned address in the region's
// subnet: the next hop of the subnet's host route.
func MeshGatewayIP(rn *network.RegionNet) (netip.Addr, error) {
	if !rn.CIDR.Addr().Is4() || rn.CIDR.Bits() > 26 {
		return netip.Addr{}, fmt.Errorf("CIDR %s is too small for an OVH subnet (want /26 or larger)", rn.CIDR)
	}
	return network.NthAddr(rn.CIDR, hostMeshGateway), nil
}

// apiURL makes the cluster's url, which OVH gives as a bare host name, a URL.
func apiURL(u string) string {
	if u == "" || strings.Contains(u, "://") {
		return u
	}
	return "https://" + u
}
