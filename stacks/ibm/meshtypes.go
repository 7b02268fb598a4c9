package ibm

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The IBM Cloud VPC types of the WireGuard mesh: the gateway's reserved
// floating IP (regional stack), and its virtual server instance, security
// group and the routes that send other regions' traffic to it (global
// stack). Like the other IBM types, the infra binary serves them with the
// VPC API (vpc-go-sdk).
const (
	FloatingIpType           = "infra:ibm:FloatingIp"
	SecurityGroupType        = "infra:ibm:SecurityGroup"
	SecurityGroupRuleType    = "infra:ibm:SecurityGroupRule"
	InstanceType             = "infra:ibm:Instance"
	VpcRoutingTableRouteType = "infra:ibm:VpcRoutingTableRoute"
)

// FloatingIp is a public IPv4 address reserved in a zone
// (POST /v1/floating_ips with zone, so it exists unbound): the mesh
// gateway's stable address, which outlives any instance it is bound to.
type FloatingIp struct {
	pulumi.CustomResourceState

	Name          pulumi.StringOutput      `pulumi:"name"`
	Region        pulumi.StringOutput      `pulumi:"region"`
	Zone          pulumi.StringOutput      `pulumi:"zone"`
	ResourceGroup pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags          pulumi.StringArrayOutput `pulumi:"tags"`
	// Address is the public IPv4 address.
	Address pulumi.StringOutput `pulumi:"address"`
	Crn     pulumi.StringOutput `pulumi:"crn"`
	Status  pulumi.StringOutput `pulumi:"status"`
}

type floatingIpArgs struct {
	Name          string   `pulumi:"name"`
	Region        string   `pulumi:"region"`
	Zone          string   `pulumi:"zone"`
	ResourceGroup string   `pulumi:"resourceGroup"`
	Tags          []string `pulumi:"tags"`
}

// FloatingIpArgs are the inputs of a FloatingIp.
type FloatingIpArgs struct {
	Name   pulumi.StringInput // required
	Region pulumi.StringInput // required
	// Zone is the zone's name (API: zone.name); the IP binds only to interfaces there. Required.
	Zone          pulumi.StringInput
	ResourceGroup pulumi.StringInput // required
	Tags          pulumi.StringArrayInput
}

// ElementType is the plain shape FloatingIpArgs marshals as.
func (FloatingIpArgs) ElementType() reflect.Type { return reflect.TypeFor[floatingIpArgs]() }

// NewFloatingIp declares a FloatingIp.
func NewFloatingIp(ctx *pulumi.Context, name string, args *FloatingIpArgs, opts ...pulumi.ResourceOption) (*FloatingIp, error) {
	return declare[FloatingIp](ctx, FloatingIpType, name, args, opts, "Name", "Region", "Zone", "ResourceGroup")
}

// SecurityGroup is a VPC security group (POST /v1/security_groups) with no
// rules of its own: SecurityGroupRule adds them, one resource per rule, so a
// changed peer replaces one rule and never the group.
type SecurityGroup struct {
	pulumi.CustomResourceState

	Vpc           pulumi.StringOutput      `pulumi:"vpc"`
	Region        pulumi.StringOutput      `pulumi:"region"`
	Name          pulumi.StringOutput      `pulumi:"name"`
	ResourceGroup pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags          pulumi.StringArrayOutput `pulumi:"tags"`
	Crn           pulumi.StringOutput      `pulumi:"crn"`
}

type securityGroupArgs struct {
	Vpc           string   `pulumi:"vpc"`
	Region        string   `pulumi:"region"`
	Name          string   `pulumi:"name"`
	ResourceGroup string   `pulumi:"resourceGroup"`
	Tags          []string `pulumi:"tags"`
}

// SecurityGroupArgs are the inputs of a SecurityGroup.
type SecurityGroupArgs struct {
	// Vpc is the VPC's id (API: vpc.id). Required.
	Vpc           pulumi.StringInput
	Region        pulumi.StringInput // required
	Name          pulumi.StringInput // required
	ResourceGroup pulumi.StringInput // required
	Tags          pulumi.StringArrayInput
}

// ElementType is the plain shape SecurityGroupArgs marshals as.
func (SecurityGroupArgs) ElementType() reflect.Type { return reflect.TypeFor[securityGroupArgs]() }

// NewSecurityGroup declares a SecurityGroup.
func NewSecurityGroup(ctx *pulumi.Context, name string, args *SecurityGroupArgs, opts ...pulumi.ResourceOption) (*SecurityGroup, error) {
	return declare[SecurityGroup](ctx, SecurityGroupType, name, args, opts, "Vpc", "Region", "Name", "ResourceGroup")
}

// SecurityGroupRule is one rule of a security group
// (POST /v1/security_groups/{id}/rules). Security groups are stateful:
// replies to allowed traffic pass without a rule.
type SecurityGroupRule struct {
	pulumi.CustomResourceState

	SecurityGroup pulumi.StringOutput `pulumi:"securityGroup"`
	Region        pulumi.StringOutput `pulumi:"region"`
	Direction     pulumi.StringOutput `pulumi:"direction"`
	Protocol      pulumi.StringOutput `pulumi:"protocol"`
	PortMin       pulumi.IntPtrOutput `pulumi:"portMin"`
	PortMax       pulumi.IntPtrOutput `pulumi:"portMax"`
	Remote        pulumi.StringOutput `pulumi:"remote"`
}

type securityGroupRuleArgs struct {
	SecurityGroup string `pulumi:"securityGroup"`
	Region        string `pulumi:"region"`
	Direction     string `pulumi:"direction"`
	Protocol      string `pulumi:"protocol"`
	PortMin       *int   `pulumi:"portMin"`
	PortMax       *int   `pulumi:"portMax"`
	Remote        string `pulumi:"remote"`
}

// SecurityGroupRuleArgs are the inputs of a SecurityGroupRule.
type SecurityGroupRuleArgs struct {
	// SecurityGroup is the group's id (the path's {security_group_id}). Required.
	SecurityGroup pulumi.StringInput
	Region        pulumi.StringInput // required
	// Direction is inbound or outbound. Required.
	Direction pulumi.StringInput
	// Protocol is all, tcp, udp or icmp. Required.
	Protocol pulumi.StringInput
	// PortMin and PortMax bound a tcp or udp rule (API: port_min, port_max).
	PortMin, PortMax pulumi.IntPtrInput
	// Remote is an IPv4 address or CIDR block (API: remote.address or
	// remote.cidr_block, told apart by the slash). Required.
	Remote pulumi.StringInput
}

// ElementType is the plain shape SecurityGroupRuleArgs marshals as.
func (SecurityGroupRuleArgs) ElementType() reflect.Type {
	return reflect.TypeFor[securityGroupRuleArgs]()
}

// NewSecurityGroupRule declares a SecurityGroupRule.
func NewSecurityGroupRule(ctx *pulumi.Context, name string, args *SecurityGroupRuleArgs, opts ...pulumi.ResourceOption) (*SecurityGroupRule, error) {
	return declare[SecurityGroupRule](ctx, SecurityGroupRuleType, name, args, opts, "SecurityGroup", "Region", "Direction", "Protocol", "Remote")
}

// Instance is a virtual server instance (POST /v1/instances) with one
// network interface (API: primary_network_interface).
type Instance struct {
	pulumi.CustomResourceState

	Name            pulumi.StringOutput      `pulumi:"name"`
	Region          pulumi.StringOutput      `pulumi:"region"`
	Zone            pulumi.StringOutput      `pulumi:"zone"`
	Vpc             pulumi.StringOutput      `pulumi:"vpc"`
	Profile         pulumi.StringOutput      `pulumi:"profile"`
	Image           pulumi.StringOutput      `pulumi:"image"`
	Subnet          pulumi.StringOutput      `pulumi:"subnet"`
	SecurityGroups  pulumi.StringArrayOutput `pulumi:"securityGroups"`
	AllowIpSpoofing pulumi.BoolOutput        `pulumi:"allowIpSpoofing"`
	FloatingIp      pulumi.StringPtrOutput   `pulumi:"floatingIp"`
	UserData        pulumi.StringOutput      `pulumi:"userData"`
	ResourceGroup   pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags            pulumi.StringArrayOutput `pulumi:"tags"`
	Crn             pulumi.StringOutput      `pulumi:"crn"`
	Status          pulumi.StringOutput      `pulumi:"status"`
	// PrimaryIpAddress is the interface's private address
	// (API: primary_network_interface.primary_ip.address).
	PrimaryIpAddress pulumi.StringOutput `pulumi:"primaryIpAddress"`
}

type instanceArgs struct {
	Name            string   `pulumi:"name"`
	Region          string   `pulumi:"region"`
	Zone            string   `pulumi:"zone"`
	Vpc             string   `pulumi:"vpc"`
	Profile         string   `pulumi:"profile"`
	Image           string   `pulumi:"image"`
	Subnet          string   `pulumi:"subnet"`
	SecurityGroups  []string `pulumi:"securityGroups"`
	AllowIpSpoofing *bool    `pulumi:"allowIpSpoofing"`
	FloatingIp      *string  `pulumi:"floatingIp"`
	UserData        *string  `pulumi:"userData"`
	ResourceGroup   string   `pulumi:"resourceGroup"`
	Tags            []string `pulumi:"tags"`
}

// InstanceArgs are the inputs of an Instance.
type InstanceArgs struct {
	Name   pulumi.StringInput // required
	Region pulumi.StringInput // required
	// Zone is the zone's name (API: zone.name). Required.
	Zone pulumi.StringInput
	// Vpc is the VPC's id (API: vpc.id). Required.
	Vpc pulumi.StringInput
	// Profile is the instance profile's name, e.g. cx2-2x4 (API: profile.name). Required.
	Profile pulumi.StringInput
	// Image is an operating system name, e.g. ubuntu-24-04-amd64: the
	// provider boots IBM's newest available stock image of it
	// (API: image.id, found by operating_system.name). Required.
	Image pulumi.StringInput
	// Subnet is the interface's subnet id, in Zone
	// (API: primary_network_interface.subnet.id). Required.
	Subnet pulumi.StringInput
	// SecurityGroups are group ids (API: primary_network_interface.security_groups[].id).
	SecurityGroups pulumi.StringArrayInput
	// AllowIpSpoofing lets the interface send packets from addresses not its
	// own, which a router needs (API: primary_network_interface.allow_ip_spoofing).
	AllowIpSpoofing pulumi.BoolPtrInput
	// FloatingIp is the id of a reserved floating IP to bind to the interface.
	FloatingIp pulumi.StringPtrInput
	// UserData is the cloud-init user data (API: user_data); secret when it
	// holds keys.
	UserData      pulumi.StringPtrInput
	ResourceGroup pulumi.StringInput // required
	Tags          pulumi.StringArrayInput
}

// ElementType is the plain shape InstanceArgs marshals as.
func (InstanceArgs) ElementType() reflect.Type { return reflect.TypeFor[instanceArgs]() }

// NewInstance declares an Instance.
func NewInstance(ctx *pulumi.Context, name string, args *InstanceArgs, opts ...pulumi.ResourceOption) (*Instance, error) {
	return declare[Instance](ctx, InstanceType, name, args, opts, "Name", "Region", "Zone", "Vpc", "Profile", "Image", "Subnet", "ResourceGroup")
}

// VpcRoutingTableRoute is a route in a VPC routing table
// (POST /v1/vpcs/{vpc}/routing_tables/{routing_table}/routes). It applies to
// traffic leaving subnets of its zone; the next hop may be in any zone.
type VpcRoutingTableRoute struct {
	pulumi.CustomResourceState

	Vpc          pulumi.StringOutput `pulumi:"vpc"`
	Region       pulumi.StringOutput `pulumi:"region"`
	RoutingTable pulumi.StringOutput `pulumi:"routingTable"`
	Name         pulumi.StringOutput `pulumi:"name"`
	Zone         pulumi.StringOutput `pulumi:"zone"`
	Destination  pulumi.StringOutput `pulumi:"destination"`
	Action       pulumi.StringOutput `pulumi:"action"`
	NextHop      pulumi.StringOutput `pulumi:"nextHop"`
}

type vpcRoutingTableRouteArgs struct {
	Vpc          string `pulumi:"vpc"`
	Region       string `pulumi:"region"`
	RoutingTable string `pulumi:"routingTable"`
	Name         string `pulumi:"name"`
	Zone         string `pulumi:"zone"`
	Destination  string `pulumi:"destination"`
	Action       string `pulumi:"action"`
	NextHop      string `pulumi:"nextHop"`
}

// VpcRoutingTableRouteArgs are the inputs of a VpcRoutingTableRoute.
type VpcRoutingTableRouteArgs struct {
	// Vpc is the VPC's id (the path's {vpc_id}). Required.
	Vpc    pulumi.StringInput
	Region pulumi.StringInput // required
	// RoutingTable is the table's id (the path's {id}). Required.
	RoutingTable pulumi.StringInput
	Name         pulumi.StringInput // required
	// Zone is the zone whose subnets' traffic the route applies to (API: zone.name). Required.
	Zone pulumi.StringInput
	// Destination is a CIDR block. Required.
	Destination pulumi.StringInput
	// Action is deliver, delegate, delegate_vpc or drop. Required.
	Action pulumi.StringInput
	// NextHop is an IP address in the VPC (API: next_hop.address). Required for deliver.
	NextHop pulumi.StringInput
}

// ElementType is the plain shape VpcRoutingTableRouteArgs marshals as.
func (VpcRoutingTableRouteArgs) ElementType() reflect.Type {
	return reflect.TypeFor[vpcRoutingTableRouteArgs]()
}

// NewVpcRoutingTableRoute declares a VpcRoutingTableRoute.
func NewVpcRoutingTableRoute(ctx *pulumi.Context, name string, args *VpcRoutingTableRouteArgs, opts ...pulumi.ResourceOption) (*VpcRoutingTableRoute, error) {
	return declare[VpcRoutingTableRoute](ctx, VpcRoutingTableRouteType, name, args, opts, "Vpc", "Region", "RoutingTable", "Name", "Zone", "Destination", "Action", "NextHop")
}
