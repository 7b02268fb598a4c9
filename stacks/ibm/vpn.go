package ibm

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The IBM Cloud VPN for VPC types: IKE and IPsec policies, a VPN gateway on
// a subnet and its connections to peers (VPC API, served by the infra
// binary with vpc-go-sdk). No stack declares them yet: the topology has no
// IBM-to-AWS VPN; the mesh is WireGuard.
const (
	IkePolicyType            = "infra:ibm:IkePolicy"
	IpsecPolicyType          = "infra:ibm:IpsecPolicy"
	VpnGatewayType           = "infra:ibm:VpnGateway"
	VpnGatewayConnectionType = "infra:ibm:VpnGatewayConnection"
)

// VPNPolicy is the cryptography of both ends of a site-to-site tunnel.
type VPNPolicy struct {
	IkeVersion int
	// AuthenticationAlgorithm is the integrity algorithm of IKE and IPsec.
	AuthenticationAlgorithm string
	EncryptionAlgorithm     string
	// DhGroup is the IKE Diffie-Hellman group; Pfs the IPsec perfect
	// forward secrecy group, in the API's spelling (group_14).
	DhGroup int
	Pfs     string
	// IkeKeyLifetime and IpsecKeyLifetime are in seconds.
	IkeKeyLifetime, IpsecKeyLifetime int
}

// AWSCompatibleVPNPolicy is a policy both IBM VPN for VPC and AWS
// site-to-site VPN accept: IKEv2, AES-256, SHA-256, DH group 14 with PFS
// group 14, and AWS's default lifetimes (phase 1 28800 s, phase 2 3600 s).
func AWSCompatibleVPNPolicy() VPNPolicy {
	return VPNPolicy{IkeVersion: 2, AuthenticationAlgorithm: "sha256", EncryptionAlgorithm: "aes256",
		DhGroup: 14, Pfs: "group_14", IkeKeyLifetime: 28800, IpsecKeyLifetime: 3600}
}

// IkePolicyArgs are the policy's IKE (phase 1) inputs.
func (p VPNPolicy) IkePolicyArgs(name, region, resourceGroup pulumi.StringInput) *IkePolicyArgs {
	return &IkePolicyArgs{Name: name, Region: region, ResourceGroup: resourceGroup,
		IkeVersion: pulumi.Int(p.IkeVersion), AuthenticationAlgorithm: pulumi.String(p.AuthenticationAlgorithm),
		EncryptionAlgorithm: pulumi.String(p.EncryptionAlgorithm), DhGroup: pulumi.Int(p.DhGroup),
		KeyLifetime: pulumi.Int(p.IkeKeyLifetime)}
}

// IpsecPolicyArgs are the policy's IPsec (phase 2) inputs.
func (p VPNPolicy) IpsecPolicyArgs(name, region, resourceGroup pulumi.StringInput) *IpsecPolicyArgs {
	return &IpsecPolicyArgs{Name: name, Region: region, ResourceGroup: resourceGroup,
		AuthenticationAlgorithm: pulumi.String(p.AuthenticationAlgorithm),
		EncryptionAlgorithm:     pulumi.String(p.EncryptionAlgorithm), Pfs: pulumi.String(p.Pfs),
		KeyLifetime: pulumi.Int(p.IpsecKeyLifetime)}
}

// IkePolicy is an IKE (phase 1) policy (POST /v1/ike_policies).
type IkePolicy struct {
	pulumi.CustomResourceState

	Name                    pulumi.StringOutput `pulumi:"name"`
	Region                  pulumi.StringOutput `pulumi:"region"`
	ResourceGroup           pulumi.StringOutput `pulumi:"resourceGroup"`
	IkeVersion              pulumi.IntOutput    `pulumi:"ikeVersion"`
	AuthenticationAlgorithm pulumi.StringOutput `pulumi:"authenticationAlgorithm"`
	EncryptionAlgorithm     pulumi.StringOutput `pulumi:"encryptionAlgorithm"`
	DhGroup                 pulumi.IntOutput    `pulumi:"dhGroup"`
	KeyLifetime             pulumi.IntOutput    `pulumi:"keyLifetime"`
	// NegotiationMode is IBM's IKE negotiation mode (main).
	NegotiationMode pulumi.StringOutput `pulumi:"negotiationMode"`
}

type ikePolicyArgs struct {
	Name                    string `pulumi:"name"`
	Region                  string `pulumi:"region"`
	ResourceGroup           string `pulumi:"resourceGroup"`
	IkeVersion              int    `pulumi:"ikeVersion"`
	AuthenticationAlgorithm string `pulumi:"authenticationAlgorithm"`
	EncryptionAlgorithm     string `pulumi:"encryptionAlgorithm"`
	DhGroup                 int    `pulumi:"dhGroup"`
	KeyLifetime             *int   `pulumi:"keyLifetime"`
}

// IkePolicyArgs are the inputs of an IkePolicy.
type IkePolicyArgs struct {
	Name          pulumi.StringInput // required
	Region        pulumi.StringInput // required
	ResourceGroup pulumi.StringInput // required
	// IkeVersion is 1 or 2 (API: ike_version). Required.
	IkeVersion pulumi.IntInput
	// AuthenticationAlgorithm is sha256, sha384 or sha512 (API: authentication_algorithms[0]). Required.
	AuthenticationAlgorithm pulumi.StringInput
	// EncryptionAlgorithm is aes128, aes192 or aes256 (API: encryption_algorithms[0]). Required.
	EncryptionAlgorithm pulumi.StringInput
	// DhGroup is the Diffie-Hellman group, 14 or stronger (API: dh_groups[0]). Required.
	DhGroup pulumi.IntInput
	// KeyLifetime is in seconds, 1800 to 86400 (API: key_lifetime).
	KeyLifetime pulumi.IntPtrInput
}

// ElementType is the plain shape IkePolicyArgs marshals as.
func (IkePolicyArgs) ElementType() reflect.Type { return reflect.TypeOf((*ikePolicyArgs)(nil)).Elem() }

// NewIkePolicy declares an IkePolicy.
func NewIkePolicy(ctx *pulumi.Context, name string, args *IkePolicyArgs, opts ...pulumi.ResourceOption) (*IkePolicy, error) {
	var res IkePolicy
	return &res, register(ctx, IkePolicyType, name, args, &res, opts,
		"Name", "Region", "ResourceGroup", "IkeVersion", "AuthenticationAlgorithm", "EncryptionAlgorithm", "DhGroup")
}

// IpsecPolicy is an IPsec (phase 2) policy (POST /v1/ipsec_policies).
type IpsecPolicy struct {
	pulumi.CustomResourceState

	Name                    pulumi.StringOutput `pulumi:"name"`
	Region                  pulumi.StringOutput `pulumi:"region"`
	ResourceGroup           pulumi.StringOutput `pulumi:"resourceGroup"`
	AuthenticationAlgorithm pulumi.StringOutput `pulumi:"authenticationAlgorithm"`
	EncryptionAlgorithm     pulumi.StringOutput `pulumi:"encryptionAlgorithm"`
	Pfs                     pulumi.StringOutput `pulumi:"pfs"`
	KeyLifetime             pulumi.IntOutput    `pulumi:"keyLifetime"`
	// EncapsulationMode (tunnel) and TransformProtocol (esp) are IBM's fixed choices.
	EncapsulationMode pulumi.StringOutput `pulumi:"encapsulationMode"`
	TransformProtocol pulumi.StringOutput `pulumi:"transformProtocol"`
}

type ipsecPolicyArgs struct {
	Name                    string `pulumi:"name"`
	Region                  string `pulumi:"region"`
	ResourceGroup           string `pulumi:"resourceGroup"`
	AuthenticationAlgorithm string `pulumi:"authenticationAlgorithm"`
	EncryptionAlgorithm     string `pulumi:"encryptionAlgorithm"`
	Pfs                     string `pulumi:"pfs"`
	KeyLifetime             *int   `pulumi:"keyLifetime"`
}

// IpsecPolicyArgs are the inputs of an IpsecPolicy.
type IpsecPolicyArgs struct {
	Name          pulumi.StringInput // required
	Region        pulumi.StringInput // required
	ResourceGroup pulumi.StringInput // required
	// AuthenticationAlgorithm is sha256, sha384 or sha512 (API: authentication_algorithms[0]). Required.
	AuthenticationAlgorithm pulumi.StringInput
	// EncryptionAlgorithm is aes128, aes192 or aes256 (API: encryption_algorithms[0]). Required.
	EncryptionAlgorithm pulumi.StringInput
	// Pfs is the perfect forward secrecy group, group_14 or stronger (API: pfs_groups[0]). Required.
	Pfs pulumi.StringInput
	// KeyLifetime is in seconds, 300 to 86400 (API: key_lifetime).
	KeyLifetime pulumi.IntPtrInput
}

// ElementType is the plain shape IpsecPolicyArgs marshals as.
func (IpsecPolicyArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*ipsecPolicyArgs)(nil)).Elem()
}

// NewIpsecPolicy declares an IpsecPolicy.
func NewIpsecPolicy(ctx *pulumi.Context, name string, args *IpsecPolicyArgs, opts ...pulumi.ResourceOption) (*IpsecPolicy, error) {
	var res IpsecPolicy
	return &res, register(ctx, IpsecPolicyType, name, args, &res, opts,
		"Name", "Region", "ResourceGroup", "AuthenticationAlgorithm", "EncryptionAlgorithm", "Pfs")
}

// VpnGateway is a VPN gateway on a subnet (POST /v1/vpn_gateways): two
// members, active and standby, each with a public IP.
type VpnGateway struct {
	pulumi.CustomResourceState

	Name          pulumi.StringOutput      `pulumi:"name"`
	Region        pulumi.StringOutput      `pulumi:"region"`
	Subnet        pulumi.StringOutput      `pulumi:"subnet"`
	Mode          pulumi.StringOutput      `pulumi:"mode"`
	ResourceGroup pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags          pulumi.StringArrayOutput `pulumi:"tags"`
	Crn           pulumi.StringOutput      `pulumi:"crn"`
	// LifecycleState is stable once the gateway is usable; HealthState ok when healthy.
	LifecycleState pulumi.StringOutput `pulumi:"lifecycleState"`
	HealthState    pulumi.StringOutput `pulumi:"healthState"`
	// PublicIps are the members' public addresses, the peer's tunnel
	// endpoints (API: members[].public_ip.address).
	PublicIps pulumi.StringArrayOutput `pulumi:"publicIps"`
	// Vpc is the id of the subnet's VPC (API: vpc.id).
	Vpc pulumi.StringOutput `pulumi:"vpc"`
}

type vpnGatewayArgs struct {
	Name          string   `pulumi:"name"`
	Region        string   `pulumi:"region"`
	Subnet        string   `pulumi:"subnet"`
	Mode          *string  `pulumi:"mode"`
	ResourceGroup string   `pulumi:"resourceGroup"`
	Tags          []string `pulumi:"tags"`
}

// VpnGatewayArgs are the inputs of a VpnGateway.
type VpnGatewayArgs struct {
	Name   pulumi.StringInput // required
	Region pulumi.StringInput // required
	// Subnet is the subnet's id (API: subnet.id). Required.
	Subnet pulumi.StringInput
	// Mode is route (the default: traffic goes to a connection by VPC
	// routes) or policy (by each connection's CIDRs).
	Mode          pulumi.StringPtrInput
	ResourceGroup pulumi.StringInput // required
	Tags          pulumi.StringArrayInput
}

// ElementType is the plain shape VpnGatewayArgs marshals as.
func (VpnGatewayArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*vpnGatewayArgs)(nil)).Elem()
}

// NewVpnGateway declares a VpnGateway.
func NewVpnGateway(ctx *pulumi.Context, name string, args *VpnGatewayArgs, opts ...pulumi.ResourceOption) (*VpnGateway, error) {
	var res VpnGateway
	return &res, register(ctx, VpnGatewayType, name, args, &res, opts, "Name", "Region", "Subnet", "ResourceGroup")
}

// VpnGatewayConnection is a gateway's tunnel to a peer
// (POST /v1/vpn_gateways/{vpn_gateway_id}/connections). Its pre-shared key
// is secret, in state and in every output.
type VpnGatewayConnection struct {
	pulumi.CustomResourceState

	VpnGateway   pulumi.StringOutput      `pulumi:"vpnGateway"`
	Region       pulumi.StringOutput      `pulumi:"region"`
	Name         pulumi.StringOutput      `pulumi:"name"`
	PeerAddress  pulumi.StringOutput      `pulumi:"peerAddress"`
	Psk          pulumi.StringOutput      `pulumi:"psk"`
	IkePolicy    pulumi.StringOutput      `pulumi:"ikePolicy"`
	IpsecPolicy  pulumi.StringOutput      `pulumi:"ipsecPolicy"`
	AdminStateUp pulumi.BoolOutput        `pulumi:"adminStateUp"`
	LocalCidrs   pulumi.StringArrayOutput `pulumi:"localCidrs"`
	PeerCidrs    pulumi.StringArrayOutput `pulumi:"peerCidrs"`
	// Mode is the gateway's, route or policy; Status is up once the peer
	// answers, down until then.
	Mode   pulumi.StringOutput `pulumi:"mode"`
	Status pulumi.StringOutput `pulumi:"status"`
}

type vpnGatewayConnectionArgs struct {
	VpnGateway   string   `pulumi:"vpnGateway"`
	Region       string   `pulumi:"region"`
	Name         string   `pulumi:"name"`
	PeerAddress  string   `pulumi:"peerAddress"`
	Psk          string   `pulumi:"psk"`
	IkePolicy    *string  `pulumi:"ikePolicy"`
	IpsecPolicy  *string  `pulumi:"ipsecPolicy"`
	AdminStateUp *bool    `pulumi:"adminStateUp"`
	LocalCidrs   []string `pulumi:"localCidrs"`
	PeerCidrs    []string `pulumi:"peerCidrs"`
}

// VpnGatewayConnectionArgs are the inputs of a VpnGatewayConnection.
type VpnGatewayConnectionArgs struct {
	// VpnGateway is the gateway's id (the path's {vpn_gateway_id}). Required.
	VpnGateway pulumi.StringInput
	Region     pulumi.StringInput // required
	Name       pulumi.StringInput // required
	// PeerAddress is the peer's public IPv4 address (API: peer.address). Required.
	PeerAddress pulumi.StringInput
	// Psk is the pre-shared key, 6 to 128 characters (API: psk). Required;
	// always made secret.
	Psk pulumi.StringInput
	// IkePolicy and IpsecPolicy are policy ids (API: ike_policy.id,
	// ipsec_policy.id); unset, IBM negotiates from its defaults.
	IkePolicy   pulumi.StringPtrInput
	IpsecPolicy pulumi.StringPtrInput
	// AdminStateUp enables the connection (API: admin_state_up, default true).
	AdminStateUp pulumi.BoolPtrInput
	// LocalCidrs and PeerCidrs are the protected networks (API: local.cidrs,
	// peer.cidrs): required by a policy-mode gateway, refused by a
	// route-mode one, whose traffic VPC routes send to the connection.
	LocalCidrs pulumi.StringArrayInput
	PeerCidrs  pulumi.StringArrayInput
}

// ElementType is the plain shape VpnGatewayConnectionArgs marshals as.
func (VpnGatewayConnectionArgs) ElementType() reflect.Type {
	return reflect.TypeOf((*vpnGatewayConnectionArgs)(nil)).Elem()
}

// NewVpnGatewayConnection declares a VpnGatewayConnection; its pre-shared
// key is made secret, as input and as output.
func NewVpnGatewayConnection(ctx *pulumi.Context, name string, args *VpnGatewayConnectionArgs, opts ...pulumi.ResourceOption) (*VpnGatewayConnection, error) {
	var res VpnGatewayConnection
	if err := required(args, "VpnGateway", "Region", "Name", "PeerAddress", "Psk"); err != nil {
		return nil, err
	}
	a := *args
	a.Psk = pulumi.ToSecret(args.Psk).(pulumi.StringOutput)
	opts = append(opts, pulumi.AdditionalSecretOutputs([]string{"psk"}))
	if err := register(ctx, VpnGatewayConnectionType, name, &a, &res, opts); err != nil {
		return nil, err
	}
	res.Psk = pulumi.ToSecret(res.Psk).(pulumi.StringOutput)
	return &res, nil
}
