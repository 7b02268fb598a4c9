// Package ibm is the regional Pulumi program for an IBM Cloud VPC region:
// a VPC with an address prefix, subnet and public gateway per zone, an IBM
// Kubernetes Service cluster across the zones, whose Ingress subdomain is
// the region's ingress address, declared with the project's own
// infra:ibm:* resource types.
package ibm

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

// RegionalArgs is what one IBM regional stack is built from.
type RegionalArgs struct {
	Spec   *topology.Spec
	Region *topology.IBMRegion
	// Net is the region's address plan: network.Compute(spec).Region(id).
	Net *network.RegionNet
	// KmsInstance and KmsRootKey are the environment's Key Protect instance
	// (guid) and root key (id) from the landing zone; when set, the
	// cluster's Kubernetes secrets are encrypted with the root key.
	KmsInstance, KmsRootKey pulumi.StringInput
	// CbrZone is the id of the environment's CBR network zone, from the
	// landing zone (CbrZonesOutput); when set, the stack adds its VPC to it,
	// so that the rules on the environment's services admit the clusters'
	// workloads, which IKS's service reference does not (ibm.md item 5c).
	CbrZone pulumi.StringInput
	// DeployerApiKey is the API key of the environment's deployer service
	// ID, from the landing zone (DeployerKeysOutput); when set, the stack's
	// IBM resources are made as the deployer, whom the landing zone's
	// grants reach.
	DeployerApiKey pulumi.StringInput
}

// Regional declares one IBM region's resources and exports vpcId, cidr,
// clusterName, clusterEndpoint, ingressAddress and zones, plus vpcCrn (what
// a Transit Gateway connection names the VPC by) and resourceGroup.
func Regional(ctx *pulumi.Context, args RegionalArgs) error {
	r, spec, rn := args.Region, args.Spec, args.Net
	if spec == nil || r == nil || rn == nil {
		return fmt.Errorf("ibm: Regional needs a spec, a region and its network plan")
	}
	id := r.ID()
	if len(rn.Zones) == 0 {
		return fmt.Errorf("%s: %s: no zone in the network plan", r.At("zones"), id)
	}
	tags, err := Tags(spec, &r.Region)
	if err != nil {
		return err
	}
	p := &program{
		ctx: ctx, spec: spec, r: r, net: rn, id: id, tags: tags,
		region:      pulumi.String(r.Name),
		group:       pulumi.String(ResourceGroupName(spec, r.Environment)),
		kmsInstance: args.KmsInstance, kmsRootKey: args.KmsRootKey, cbrZone: args.CbrZone,
	}
	if p.opts, err = deployer(ctx, p.name("deployer"), args.DeployerApiKey); err != nil {
		return err
	}
	return p.run()
}

// ClusterSecurityGroupOutput is the regional stack's output holding the
// workers' security group, kube-<clusterID>: where traffic that reaches the
// region through the mesh is admitted to the workers.
const ClusterSecurityGroupOutput = "clusterSecurityGroupId"

// program is one IBM regional stack being declared.
type program struct {
	ctx                     *pulumi.Context
	spec                    *topology.Spec
	r                       *topology.IBMRegion
	net                     *network.RegionNet
	id                      string // region ID: the prefix of every logical name
	tags                    pulumi.StringArray
	region, group           pulumi.String
	kmsInstance, kmsRootKey pulumi.StringInput
	cbrZone                 pulumi.StringInput
	// opts are every IBM resource's options: the deployer's provider.
	opts []pulumi.ResourceOption
}

// with is the program's resource options plus opts.
func (p *program) with(opts ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append(append([]pulumi.ResourceOption{}, p.opts...), opts...)
}

// name is the logical name of a resource: the region ID, then the suffix.
func (p *program) name(suffix string) string { return p.id + "-" + suffix }

// zoneNet is what the VPC holds in the zones, in Net.Zones order.
type zoneNet struct {
	subnets     pulumi.StringArray
	zoneSubnets pulumi.StringMap
	zones       []string
}

func (p *program) run() error {
	vpc, err := p.vpc()
	if err != nil {
		return err
	}
	vpcID := vpc.ID().ToStringOutput()
	zn, err := p.zoneNets(vpcID)
	if err != nil {
		return err
	}
	cluster, err := p.cluster(vpcID, zn)
	if err != nil {
		return err
	}
	if err := p.mesh(vpc, zn.subnets[0].ToStringOutput(), zn.zoneSubnets); err != nil {
		return err
	}
	if p.cbrZone != nil {
		// A network zone's VPC address admits what runs in the VPC (IBM
		// doc "Creating context-based restrictions": zones list "IP
		// addresses … and VPC IDs"); the zone's serviceRef admits only the
		// Kubernetes Service itself. The landing zone's identity changes
		// it, as it made it, not the deployer: a deployer that could edit
		// network zones could let itself in from anywhere.
		if _, err := NewCbrZoneAddresses(p.ctx, p.name("cbr-zone-vpc"), &CbrZoneAddressesArgs{
			Zone: p.cbrZone, Name: pulumi.String(p.id), Vpcs: pulumi.StringArray{vpc.Crn},
		}); err != nil {
			return err
		}
	}

	ctx := p.ctx
	ctx.Export("vpcId", vpc.ID())
	ctx.Export("vpcCrn", vpc.Crn)
	ctx.Export("cidr", pulumi.String(p.net.CIDR.String()))
	ctx.Export("clusterName", pulumi.String(p.id))
	ctx.Export("clusterEndpoint", cluster.MasterUrl)
	// The admin kubeconfig IKS returned (secret), for `infra kubeconfig`.
	ctx.Export("kubeconfig", pulumi.ToSecret(cluster.Kubeconfig))
	// The cluster's Ingress subdomain, not a load balancer of infra's:
	// IKS makes the VPC load balancer of the cluster's public Ingress ALBs
	// itself and registers the subdomain for it (IBM doc "Ingress - NGINX in
	// IBM Cloud": the Ingress domain "is the domain that the IP addresses of
	// all ALBs in the cluster refer to"). A load balancer infra made would
	// serve nothing: IKS's cloud provider adopts one only for a LoadBalancer
	// Service that names it (service.kubernetes.io/ibm-load-balancer-cloud-provider-vpc-lb-name;
	// IBM-Cloud/cloud-provider-ibm@568c208 pkg/vpcctl/vpc_provider.go:98-150
	// EnsureLoadBalancer finds it by name, vpc_lbaas.go:459-473, and adds its
	// listeners and pools), which nothing deploys, deletes it with that
	// Service, and breaks if it is renamed (IBM doc "Managing VPC load
	// balancers": "Do not rename any VPC NLBs or ALBs"). ibm.md item 17.
	ctx.Export("ingressAddress", cluster.IngressHostname)
	ctx.Export("zones", pulumi.ToStringArray(zn.zones))
	ctx.Export("resourceGroup", p.group)
	ctx.Export(ClusterSecurityGroupOutput, cluster.SecurityGroup)
	return nil
}

// vpc declares the region's VPC.
func (p *program) vpc() (*Vpc, error) {
	// Manual prefixes: the VPC holds exactly the ranges of the address
	// plan, not IBM's per-zone defaults (10.240.0.0/18 and so on), which
	// would overlap other regions and clouds.
	return NewVpc(p.ctx, p.name("vpc"), &VpcArgs{
		Name:                    pulumi.String(p.name("vpc")),
		Region:                  p.region,
		ResourceGroup:           p.group,
		AddressPrefixManagement: pulumi.String("manual"),
		ClassicAccess:           pulumi.Bool(false),
		Tags:                    p.tags,
	}, p.with()...)
}

// zoneNets declares each zone's address prefix, public gateway and subnet.
func (p *program) zoneNets(vpcID pulumi.StringOutput) (*zoneNet, error) {
	ctx, name, region, group, tags := p.ctx, p.name, p.region, p.group, p.tags
	// Workers take the zone's private range, which is both the zone's
	// address prefix and its subnet; the public gateway gives them egress.
	zn := &zoneNet{zoneSubnets: pulumi.StringMap{}}
	for _, z := range p.net.Zones {
		zn.zones = append(zn.zones, z.Zone)
		prefix, err := NewVpcAddressPrefix(ctx, name("prefix-"+z.Zone), &VpcAddressPrefixArgs{
			Vpc:    vpcID,
			Region: region,
			Name:   pulumi.String(name("prefix-" + z.Zone)),
			Zone:   pulumi.String(z.Zone),
			Cidr:   pulumi.String(z.Private.String()),
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		gw, err := NewPublicGateway(ctx, name("gateway-"+z.Zone), &PublicGatewayArgs{
			Vpc:           vpcID,
			Region:        region,
			Name:          pulumi.String(name("gateway-" + z.Zone)),
			Zone:          pulumi.String(z.Zone),
			ResourceGroup: group,
			Tags:          tags,
		}, p.with()...)
		if err != nil {
			return nil, err
		}
		subnet, err := NewSubnet(ctx, name("subnet-"+z.Zone), &SubnetArgs{
			Vpc:           vpcID,
			Region:        region,
			Name:          pulumi.String(name("subnet-" + z.Zone)),
			Zone:          pulumi.String(z.Zone),
			Ipv4CidrBlock: pulumi.String(z.Private.String()),
			PublicGateway: gw.ID().ToStringOutput().ToStringPtrOutput(),
			ResourceGroup: group,
			Tags:          tags,
		}, p.with(pulumi.DependsOn([]pulumi.Resource{prefix}))...)
		if err != nil {
			return nil, err
		}
		zn.zoneSubnets[z.Zone] = subnet.ID().ToStringOutput()
		zn.subnets = append(zn.subnets, subnet.ID().ToStringOutput())
	}
	return zn, nil
}

// cluster declares the region's IKS cluster across the zones' subnets and,
// with the landing zone's Key Protect root key, its secrets' encryption.
func (p *program) cluster(vpcID pulumi.StringOutput, zn *zoneNet) (*VpcCluster, error) {
	ctx, name, region, group := p.ctx, p.name, p.region, p.group
	k := p.r.Cluster
	cluster, err := NewVpcCluster(ctx, name("cluster"), &VpcClusterArgs{
		Name:          pulumi.String(p.id),
		Region:        region,
		ResourceGroup: group,
		Tags:          p.tags,
		KubeVersion:   pulumi.String(k.Kubernetes),
		VpcId:         vpcID,
		Flavor:        pulumi.String(k.Flavor),
		WorkerCount:   pulumi.Int(k.WorkersPerZone),
		ZoneSubnets:   zn.zoneSubnets,
		// Both set, not left to IKS's defaults (ibm.md item 11). The public
		// service endpoint stays: infra and the operators reach the API
		// server from outside IBM Cloud (the clusterEndpoint export).
		// Outbound traffic protection is off: the workers pull public
		// images and reach the other clouds through the zones' public
		// gateways, which this program makes for them, and IKS 1.30 and
		// later block that egress by default.
		DisablePublicServiceEndpoint:     pulumi.Bool(false),
		DisableOutboundTrafficProtection: pulumi.Bool(true),
	}, p.with()...)
	if err != nil {
		return nil, err
	}
	if p.kmsInstance != nil && p.kmsRootKey != nil {
		if _, err := NewClusterKms(ctx, name("cluster-kms"), &ClusterKmsArgs{
			Cluster:         cluster.ID().ToStringOutput(),
			Region:          region,
			Instance:        p.kmsInstance,
			RootKey:         p.kmsRootKey,
			PrivateEndpoint: pulumi.Bool(true),
		}, p.with()...); err != nil {
			return nil, err
		}
	}
	return cluster, nil
}

// ResourceGroupName is the resource group an environment's IBM resources
// live in: the platform's name and the environment, e.g. acme-platform-prod.
// The landing zone creates it; regional stacks only name it.
func ResourceGroupName(spec *topology.Spec, environment string) string {
	return spec.Name + "-" + environment
}

// tagRE is what an IBM Cloud user tag may hold.
var tagRE = regexp.MustCompile(`^[a-z0-9 _.:-]{1,128}$`)

// Tags are the region's default tags as IBM user tags: "key:value", lower
// case (IBM compares tags case-insensitively and stores them lower case),
// sorted. A tag IBM cannot hold is an error at the tag's position.
func Tags(spec *topology.Spec, r *topology.Region) (pulumi.StringArray, error) {
	m := spec.TagsFor(r)
	keys := slices.Sorted(maps.Keys(m))
	var out pulumi.StringArray
	for _, k := range keys {
		t := strings.ToLower(k + ":" + m[k])
		if !tagRE.MatchString(t) {
			pos := spec.At("tags." + k)
			if k == "Environment" {
				pos = r.At("environment")
			}
			return nil, fmt.Errorf("%s: tag %s=%s cannot be an IBM Cloud tag %q: use letters, digits, spaces and _ . : - (at most 128 characters)",
				pos, k, m[k], t)
		}
		out = append(out, pulumi.String(t))
	}
	return out, nil
}
