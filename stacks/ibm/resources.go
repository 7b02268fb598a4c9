package ibm

import (
	"fmt"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The IBM Cloud resource types. No Pulumi SDK for IBM Cloud can be had as a
// Go module, so the infra binary serves these itself (package infra) with
// IBM's Go SDKs. Property names are the camelCase of the IBM VPC API
// (https://cloud.ibm.com/apidocs/vpc) and Kubernetes Service API v2 fields
// they map to; the doc comment of each field names the API field when the
// shapes differ.
//
// Every type takes, besides its API fields:
//   - region: the VPC region, which selects the endpoint <region>.iaas.cloud.ibm.com;
//   - resourceGroup (where the API has one): the resource group's name,
//     which the provider resolves to its id (Resource Manager API);
//   - tags (where IBM can tag it): user tags "key:value", lower case,
//     attached through the Global Tagging API.
const (
	VpcType              = "infra:ibm:Vpc"
	VpcAddressPrefixType = "infra:ibm:VpcAddressPrefix"
	PublicGatewayType    = "infra:ibm:PublicGateway"
	SubnetType           = "infra:ibm:Subnet"
	VpcClusterType       = "infra:ibm:VpcCluster"
	LoadBalancerType     = "infra:ibm:LoadBalancer"
)

// Types lists every IBM type token the programs declare, in dependency order.
// The provider must serve each of them.
var Types = []string{
	VpcType, VpcAddressPrefixType, PublicGatewayType, SubnetType, VpcClusterType, LoadBalancerType,
	TransitGatewayType, TransitGatewayConnectionType,
	CisInstanceType, CisDomainType, CisHealthCheckType, CisOriginPoolType, CisGlobalLoadBalancerType,
	FloatingIpType, SecurityGroupType, SecurityGroupRuleType, InstanceType, VpcRoutingTableRouteType,
	CbrZoneAddressesType,
}

// required reports the first of the named Input fields of args left nil, in
// the words the generated Pulumi SDKs use.
func required(args any, fields ...string) error {
	v := reflect.ValueOf(args)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("missing one or more required arguments")
	}
	v = v.Elem()
	for _, f := range fields {
		if fv := v.FieldByName(f); !fv.IsValid() || fv.IsNil() {
			return fmt.Errorf("invalid value for required argument '%s'", f)
		}
	}
	return nil
}

// Vpc is a Virtual Private Cloud (POST /v1/vpcs).
type Vpc struct {
	pulumi.CustomResourceState

	Name                    pulumi.StringOutput      `pulumi:"name"`
	Region                  pulumi.StringOutput      `pulumi:"region"`
	ResourceGroup           pulumi.StringOutput      `pulumi:"resourceGroup"`
	AddressPrefixManagement pulumi.StringOutput      `pulumi:"addressPrefixManagement"`
	ClassicAccess           pulumi.BoolOutput        `pulumi:"classicAccess"`
	Tags                    pulumi.StringArrayOutput `pulumi:"tags"`
	// Crn is what a Transit Gateway connection names the VPC by.
	Crn    pulumi.StringOutput `pulumi:"crn"`
	Status pulumi.StringOutput `pulumi:"status"`
	// DefaultSecurityGroup, DefaultNetworkAcl and DefaultRoutingTable are the ids of the defaults IBM creates.
	DefaultSecurityGroup pulumi.StringOutput `pulumi:"defaultSecurityGroup"`
	DefaultNetworkAcl    pulumi.StringOutput `pulumi:"defaultNetworkAcl"`
	DefaultRoutingTable  pulumi.StringOutput `pulumi:"defaultRoutingTable"`
}

type vpcArgs struct {
	Name                    string   `pulumi:"name"`
	Region                  string   `pulumi:"region"`
	ResourceGroup           string   `pulumi:"resourceGroup"`
	AddressPrefixManagement *string  `pulumi:"addressPrefixManagement"`
	ClassicAccess           *bool    `pulumi:"classicAccess"`
	Tags                    []string `pulumi:"tags"`
}

// VpcArgs are the inputs of a Vpc.
type VpcArgs struct {
	Name          pulumi.StringInput // required
	Region        pulumi.StringInput // required
	ResourceGroup pulumi.StringInput // required
	// AddressPrefixManagement is "auto" (IBM's default prefixes per zone) or
	// "manual" (only the VpcAddressPrefix resources declared). Default auto.
	AddressPrefixManagement pulumi.StringPtrInput
	ClassicAccess           pulumi.BoolPtrInput
	Tags                    pulumi.StringArrayInput
}

// ElementType is the plain shape VpcArgs marshals as.
func (VpcArgs) ElementType() reflect.Type { return reflect.TypeFor[vpcArgs]() }

// NewVpc declares a Vpc.
func NewVpc(ctx *pulumi.Context, name string, args *VpcArgs, opts ...pulumi.ResourceOption) (*Vpc, error) {
	return declare[Vpc](ctx, VpcType, name, args, opts, "Name", "Region", "ResourceGroup")
}

// VpcAddressPrefix is one zone's address range of a VPC
// (POST /v1/vpcs/{vpc}/address_prefixes). Subnets must lie inside one.
type VpcAddressPrefix struct {
	pulumi.CustomResourceState

	Vpc       pulumi.StringOutput `pulumi:"vpc"`
	Region    pulumi.StringOutput `pulumi:"region"`
	Name      pulumi.StringOutput `pulumi:"name"`
	Zone      pulumi.StringOutput `pulumi:"zone"`
	Cidr      pulumi.StringOutput `pulumi:"cidr"`
	IsDefault pulumi.BoolOutput   `pulumi:"isDefault"`
	// HasSubnets is true while a subnet uses the prefix; IBM refuses to delete it then.
	HasSubnets pulumi.BoolOutput `pulumi:"hasSubnets"`
}

type vpcAddressPrefixArgs struct {
	Vpc       string `pulumi:"vpc"`
	Region    string `pulumi:"region"`
	Name      string `pulumi:"name"`
	Zone      string `pulumi:"zone"`
	Cidr      string `pulumi:"cidr"`
	IsDefault *bool  `pulumi:"isDefault"`
}

// VpcAddressPrefixArgs are the inputs of a VpcAddressPrefix.
type VpcAddressPrefixArgs struct {
	// Vpc is the VPC's id (the path's {vpc_id}). Required.
	Vpc    pulumi.StringInput
	Region pulumi.StringInput // required
	Name   pulumi.StringInput // required
	// Zone is the zone's name (API: zone.name), e.g. us-south-1. Required.
	Zone      pulumi.StringInput
	Cidr      pulumi.StringInput // required
	IsDefault pulumi.BoolPtrInput
}

// ElementType is the plain shape VpcAddressPrefixArgs marshals as.
func (VpcAddressPrefixArgs) ElementType() reflect.Type {
	return reflect.TypeFor[vpcAddressPrefixArgs]()
}

// NewVpcAddressPrefix declares a VpcAddressPrefix.
func NewVpcAddressPrefix(ctx *pulumi.Context, name string, args *VpcAddressPrefixArgs, opts ...pulumi.ResourceOption) (*VpcAddressPrefix, error) {
	return declare[VpcAddressPrefix](ctx, VpcAddressPrefixType, name, args, opts, "Vpc", "Region", "Name", "Zone", "Cidr")
}

// PublicGateway gives a zone's subnets outbound internet access
// (POST /v1/public_gateways).
type PublicGateway struct {
	pulumi.CustomResourceState

	Vpc           pulumi.StringOutput      `pulumi:"vpc"`
	Region        pulumi.StringOutput      `pulumi:"region"`
	Name          pulumi.StringOutput      `pulumi:"name"`
	Zone          pulumi.StringOutput      `pulumi:"zone"`
	ResourceGroup pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags          pulumi.StringArrayOutput `pulumi:"tags"`
	Crn           pulumi.StringOutput      `pulumi:"crn"`
	Status        pulumi.StringOutput      `pulumi:"status"`
	// FloatingIp is the gateway's public address (API: floating_ip.address).
	FloatingIp pulumi.StringOutput `pulumi:"floatingIp"`
}

type publicGatewayArgs struct {
	Vpc           string   `pulumi:"vpc"`
	Region        string   `pulumi:"region"`
	Name          string   `pulumi:"name"`
	Zone          string   `pulumi:"zone"`
	ResourceGroup string   `pulumi:"resourceGroup"`
	Tags          []string `pulumi:"tags"`
}

// PublicGatewayArgs are the inputs of a PublicGateway.
type PublicGatewayArgs struct {
	// Vpc is the VPC's id (API: vpc.id). Required.
	Vpc    pulumi.StringInput
	Region pulumi.StringInput // required
	Name   pulumi.StringInput // required
	// Zone is the zone's name (API: zone.name). Required.
	Zone          pulumi.StringInput
	ResourceGroup pulumi.StringInput // required
	Tags          pulumi.StringArrayInput
}

// ElementType is the plain shape PublicGatewayArgs marshals as.
func (PublicGatewayArgs) ElementType() reflect.Type { return reflect.TypeFor[publicGatewayArgs]() }

// NewPublicGateway declares a PublicGateway.
func NewPublicGateway(ctx *pulumi.Context, name string, args *PublicGatewayArgs, opts ...pulumi.ResourceOption) (*PublicGateway, error) {
	return declare[PublicGateway](ctx, PublicGatewayType, name, args, opts, "Vpc", "Region", "Name", "Zone", "ResourceGroup")
}

// Subnet is a zone's subnet of a VPC (POST /v1/subnets).
type Subnet struct {
	pulumi.CustomResourceState

	Vpc           pulumi.StringOutput      `pulumi:"vpc"`
	Region        pulumi.StringOutput      `pulumi:"region"`
	Name          pulumi.StringOutput      `pulumi:"name"`
	Zone          pulumi.StringOutput      `pulumi:"zone"`
	Ipv4CidrBlock pulumi.StringOutput      `pulumi:"ipv4CidrBlock"`
	PublicGateway pulumi.StringPtrOutput   `pulumi:"publicGateway"`
	ResourceGroup pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags          pulumi.StringArrayOutput `pulumi:"tags"`
	Crn           pulumi.StringOutput      `pulumi:"crn"`
	Status        pulumi.StringOutput      `pulumi:"status"`
	// AvailableIpv4AddressCount is how many addresses are still free.
	AvailableIpv4AddressCount pulumi.IntOutput `pulumi:"availableIpv4AddressCount"`
}

type subnetArgs struct {
	Vpc           string   `pulumi:"vpc"`
	Region        string   `pulumi:"region"`
	Name          string   `pulumi:"name"`
	Zone          string   `pulumi:"zone"`
	Ipv4CidrBlock string   `pulumi:"ipv4CidrBlock"`
	PublicGateway *string  `pulumi:"publicGateway"`
	ResourceGroup string   `pulumi:"resourceGroup"`
	Tags          []string `pulumi:"tags"`
}

// SubnetArgs are the inputs of a Subnet.
type SubnetArgs struct {
	// Vpc is the VPC's id (API: vpc.id). Required.
	Vpc    pulumi.StringInput
	Region pulumi.StringInput // required
	Name   pulumi.StringInput // required
	// Zone is the zone's name (API: zone.name). Required.
	Zone pulumi.StringInput
	// Ipv4CidrBlock must lie inside one of the VPC's address prefixes in the zone. Required.
	Ipv4CidrBlock pulumi.StringInput
	// PublicGateway is the attached gateway's id (API: public_gateway.id).
	PublicGateway pulumi.StringPtrInput
	ResourceGroup pulumi.StringInput // required
	Tags          pulumi.StringArrayInput
}

// ElementType is the plain shape SubnetArgs marshals as.
func (SubnetArgs) ElementType() reflect.Type { return reflect.TypeFor[subnetArgs]() }

// NewSubnet declares a Subnet.
func NewSubnet(ctx *pulumi.Context, name string, args *SubnetArgs, opts ...pulumi.ResourceOption) (*Subnet, error) {
	return declare[Subnet](ctx, SubnetType, name, args, opts, "Vpc", "Region", "Name", "Zone", "Ipv4CidrBlock", "ResourceGroup")
}

// VpcCluster is an IBM Kubernetes Service cluster on VPC infrastructure
// with its default worker pool spread over the zones
// (POST /v2/vpc/createCluster; the pool is the request's workerPool, and
// changes to its size go through the worker pool resize API).
type VpcCluster struct {
	pulumi.CustomResourceState

	Name                         pulumi.StringOutput      `pulumi:"name"`
	Region                       pulumi.StringOutput      `pulumi:"region"`
	ResourceGroup                pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags                         pulumi.StringArrayOutput `pulumi:"tags"`
	KubeVersion                  pulumi.StringOutput      `pulumi:"kubeVersion"`
	VpcId                        pulumi.StringOutput      `pulumi:"vpcId"`
	Flavor                       pulumi.StringOutput      `pulumi:"flavor"`
	WorkerCount                  pulumi.IntOutput         `pulumi:"workerCount"`
	ZoneSubnets                  pulumi.StringMapOutput   `pulumi:"zoneSubnets"`
	DisablePublicServiceEndpoint pulumi.BoolOutput        `pulumi:"disablePublicServiceEndpoint"`
	// DisableOutboundTrafficProtection opens the workers' public egress,
	// which IKS 1.30 and later block by default.
	DisableOutboundTrafficProtection pulumi.BoolOutput   `pulumi:"disableOutboundTrafficProtection"`
	Crn                              pulumi.StringOutput `pulumi:"crn"`
	// State is the cluster's lifecycle state; "normal" once it is ready.
	State pulumi.StringOutput `pulumi:"state"`
	// MasterUrl is the API server's public service endpoint URL.
	MasterUrl pulumi.StringOutput `pulumi:"masterUrl"`
	// PrivateServiceEndpointUrl is the API server's private endpoint URL.
	PrivateServiceEndpointUrl pulumi.StringOutput `pulumi:"privateServiceEndpointUrl"`
	// IngressHostname is the IBM-provided ingress subdomain (API: ingress.hostname).
	IngressHostname pulumi.StringOutput `pulumi:"ingressHostname"`
	// Kubeconfig is the cluster's admin kubeconfig from the cluster config
	// API, certificates inlined (secret).
	Kubeconfig pulumi.StringOutput `pulumi:"kubeconfig"`
	// SecurityGroup is the id of the workers' security group IKS makes in
	// the VPC, kube-<clusterID>: the only group the workers carry.
	SecurityGroup pulumi.StringOutput `pulumi:"securityGroup"`
}

type vpcClusterArgs struct {
	Name                             string            `pulumi:"name"`
	Region                           string            `pulumi:"region"`
	ResourceGroup                    string            `pulumi:"resourceGroup"`
	Tags                             []string          `pulumi:"tags"`
	KubeVersion                      string            `pulumi:"kubeVersion"`
	VpcId                            string            `pulumi:"vpcId"`
	Flavor                           string            `pulumi:"flavor"`
	WorkerCount                      int               `pulumi:"workerCount"`
	ZoneSubnets                      map[string]string `pulumi:"zoneSubnets"`
	DisablePublicServiceEndpoint     *bool             `pulumi:"disablePublicServiceEndpoint"`
	DisableOutboundTrafficProtection *bool             `pulumi:"disableOutboundTrafficProtection"`
}

// VpcClusterArgs are the inputs of a VpcCluster.
type VpcClusterArgs struct {
	Name          pulumi.StringInput // required
	Region        pulumi.StringInput // required
	ResourceGroup pulumi.StringInput // required
	Tags          pulumi.StringArrayInput
	// KubeVersion is the Kubernetes minor version, e.g. "1.35". Required.
	KubeVersion pulumi.StringInput
	// VpcId is the VPC the workers run in (API: workerPool.vpcID). Required.
	VpcId pulumi.StringInput
	// Flavor is the worker flavor, e.g. bx2.4x16 (API: workerPool.flavor). Required.
	Flavor pulumi.StringInput
	// WorkerCount is the number of workers per zone (API: workerPool.workerCount). Required.
	WorkerCount pulumi.IntInput
	// ZoneSubnets maps each zone of the pool to its subnet's id
	// (API: workerPool.zones[].{id, subnetID}). Required.
	ZoneSubnets                  pulumi.StringMapInput
	DisablePublicServiceEndpoint pulumi.BoolPtrInput
	// DisableOutboundTrafficProtection turns IKS's "secure by default"
	// egress block off (API: disableOutboundTrafficProtection); changed in
	// place.
	DisableOutboundTrafficProtection pulumi.BoolPtrInput
}

// ElementType is the plain shape VpcClusterArgs marshals as.
func (VpcClusterArgs) ElementType() reflect.Type { return reflect.TypeFor[vpcClusterArgs]() }

// NewVpcCluster declares a VpcCluster.
func NewVpcCluster(ctx *pulumi.Context, name string, args *VpcClusterArgs, opts ...pulumi.ResourceOption) (*VpcCluster, error) {
	return declare[VpcCluster](ctx, VpcClusterType, name, args, opts, "Name", "Region", "ResourceGroup", "KubeVersion", "VpcId", "Flavor", "WorkerCount", "ZoneSubnets")
}

// LoadBalancer is a VPC load balancer (POST /v1/load_balancers), made
// without listeners. The regional program makes none for ingress: IKS makes
// the cluster's own (see Regional), and adopts one of infra's only for a
// LoadBalancer Service that names it
// (service.kubernetes.io/ibm-load-balancer-cloud-provider-vpc-lb-name).
type LoadBalancer struct {
	pulumi.CustomResourceState

	Name          pulumi.StringOutput      `pulumi:"name"`
	Region        pulumi.StringOutput      `pulumi:"region"`
	IsPublic      pulumi.BoolOutput        `pulumi:"isPublic"`
	Subnets       pulumi.StringArrayOutput `pulumi:"subnets"`
	Profile       pulumi.StringPtrOutput   `pulumi:"profile"`
	ResourceGroup pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags          pulumi.StringArrayOutput `pulumi:"tags"`
	Crn           pulumi.StringOutput      `pulumi:"crn"`
	// Hostname is the load balancer's fully qualified domain name.
	Hostname           pulumi.StringOutput      `pulumi:"hostname"`
	PublicIps          pulumi.StringArrayOutput `pulumi:"publicIps"`
	PrivateIps         pulumi.StringArrayOutput `pulumi:"privateIps"`
	OperatingStatus    pulumi.StringOutput      `pulumi:"operatingStatus"`
	ProvisioningStatus pulumi.StringOutput      `pulumi:"provisioningStatus"`
}

type loadBalancerArgs struct {
	Name          string   `pulumi:"name"`
	Region        string   `pulumi:"region"`
	IsPublic      bool     `pulumi:"isPublic"`
	Subnets       []string `pulumi:"subnets"`
	Profile       *string  `pulumi:"profile"`
	ResourceGroup string   `pulumi:"resourceGroup"`
	Tags          []string `pulumi:"tags"`
}

// LoadBalancerArgs are the inputs of a LoadBalancer.
type LoadBalancerArgs struct {
	Name   pulumi.StringInput // required
	Region pulumi.StringInput // required
	// IsPublic gives it public addresses and a public hostname. Required.
	IsPublic pulumi.BoolInput
	// Subnets are subnet ids, one per zone it serves (API: subnets[].id). Required.
	Subnets pulumi.StringArrayInput
	// Profile is the API's profile.name; unset means an application load balancer.
	Profile       pulumi.StringPtrInput
	ResourceGroup pulumi.StringInput // required
	Tags          pulumi.StringArrayInput
}

// ElementType is the plain shape LoadBalancerArgs marshals as.
func (LoadBalancerArgs) ElementType() reflect.Type { return reflect.TypeFor[loadBalancerArgs]() }

// NewLoadBalancer declares a LoadBalancer.
func NewLoadBalancer(ctx *pulumi.Context, name string, args *LoadBalancerArgs, opts ...pulumi.ResourceOption) (*LoadBalancer, error) {
	return declare[LoadBalancer](ctx, LoadBalancerType, name, args, opts, "Name", "Region", "IsPublic", "Subnets", "ResourceGroup")
}
