package ibm

import (
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The landing zone's IBM Cloud types: account structure (Resource Manager,
// IAM Access Groups, IAM Policy Management), context-based restrictions and
// Key Protect. Like the regional types, the infra binary serves them with
// IBM's Go SDKs (platform-services-go-sdk and the Key Protect API).
const (
	ResourceGroupType     = "infra:ibm:ResourceGroup"
	AccessGroupType       = "infra:ibm:AccessGroup"
	IamPolicyType         = "infra:ibm:IamPolicy"
	CbrZoneType           = "infra:ibm:CbrZone"
	CbrZoneAddressesType  = "infra:ibm:CbrZoneAddresses"
	CbrRuleType           = "infra:ibm:CbrRule"
	ResourceInstanceType  = "infra:ibm:ResourceInstance"
	KmsKeyType            = "infra:ibm:KmsKey"
	ClusterKmsType        = "infra:ibm:ClusterKms"
	ServiceIdType         = "infra:ibm:ServiceId"
	AccessGroupMemberType = "infra:ibm:AccessGroupMember"
)

// LandingZoneTypes lists the landing zone's type tokens, in dependency
// order. The provider must serve each of them, as it serves Types.
var LandingZoneTypes = []string{
	ResourceGroupType, AccessGroupType, ServiceIdType, AccessGroupMemberType, IamPolicyType, CbrZoneType, CbrRuleType,
	ResourceInstanceType, KmsKeyType, ClusterKmsType,
}

// declare declares a resource of type R, token typ, after checking its
// required inputs: what every New function of this package does.
func declare[R any, P interface {
	*R
	pulumi.CustomResource
}](ctx *pulumi.Context, typ, name string, args pulumi.Input, opts []pulumi.ResourceOption, fields ...string) (*R, error) {
	if err := required(args, fields...); err != nil {
		return nil, err
	}
	res := P(new(R))
	if err := ctx.RegisterResource(typ, name, args, res, opts...); err != nil {
		return nil, err
	}
	return res, nil
}

// ResourceGroup is a resource group (Resource Manager: POST /v2/resource_groups).
// Its id is what IAM policies and resources name it by.
type ResourceGroup struct {
	pulumi.CustomResourceState

	Name pulumi.StringOutput `pulumi:"name"`
	Crn  pulumi.StringOutput `pulumi:"crn"`
}

type resourceGroupArgs struct {
	Name string `pulumi:"name"`
}

// ResourceGroupArgs are the inputs of a ResourceGroup.
type ResourceGroupArgs struct {
	Name pulumi.StringInput // required
}

// ElementType is the plain shape ResourceGroupArgs marshals as.
func (ResourceGroupArgs) ElementType() reflect.Type { return reflect.TypeFor[resourceGroupArgs]() }

// NewResourceGroup declares a ResourceGroup.
func NewResourceGroup(ctx *pulumi.Context, name string, args *ResourceGroupArgs, opts ...pulumi.ResourceOption) (*ResourceGroup, error) {
	return declare[ResourceGroup](ctx, ResourceGroupType, name, args, opts, "Name")
}

// AccessGroup is an IAM access group (IAM Access Groups: POST /v2/groups).
type AccessGroup struct {
	pulumi.CustomResourceState

	Name        pulumi.StringOutput    `pulumi:"name"`
	Description pulumi.StringPtrOutput `pulumi:"description"`
	Crn         pulumi.StringOutput    `pulumi:"crn"`
}

type accessGroupArgs struct {
	Name        string  `pulumi:"name"`
	Description *string `pulumi:"description"`
}

// AccessGroupArgs are the inputs of an AccessGroup.
type AccessGroupArgs struct {
	Name        pulumi.StringInput // required
	Description pulumi.StringPtrInput
}

// ElementType is the plain shape AccessGroupArgs marshals as.
func (AccessGroupArgs) ElementType() reflect.Type { return reflect.TypeFor[accessGroupArgs]() }

// NewAccessGroup declares an AccessGroup.
func NewAccessGroup(ctx *pulumi.Context, name string, args *AccessGroupArgs, opts ...pulumi.ResourceOption) (*AccessGroup, error) {
	return declare[AccessGroup](ctx, AccessGroupType, name, args, opts, "Name")
}

// ServiceId is an IAM service ID with an API key (IAM Identity:
// POST /v1/serviceids): the identity infra deploys an environment as. The
// key is stored retrievable, so a refresh reads it; it is always secret.
type ServiceId struct {
	pulumi.CustomResourceState

	Name        pulumi.StringOutput    `pulumi:"name"`
	Description pulumi.StringPtrOutput `pulumi:"description"`
	// IamId is what IAM names the identity by (iam-ServiceId-<uuid>).
	IamId pulumi.StringOutput `pulumi:"iamId"`
	Crn   pulumi.StringOutput `pulumi:"crn"`
	// ApiKey is the service ID's API key, a secret.
	ApiKey pulumi.StringOutput `pulumi:"apiKey"`
}

type serviceIdArgs struct {
	Name        string  `pulumi:"name"`
	Description *string `pulumi:"description"`
}

// ServiceIdArgs are the inputs of a ServiceId.
type ServiceIdArgs struct {
	Name        pulumi.StringInput // required
	Description pulumi.StringPtrInput
}

// ElementType is the plain shape ServiceIdArgs marshals as.
func (ServiceIdArgs) ElementType() reflect.Type { return reflect.TypeFor[serviceIdArgs]() }

// NewServiceId declares a ServiceId. Its API key is a secret output.
func NewServiceId(ctx *pulumi.Context, name string, args *ServiceIdArgs, opts ...pulumi.ResourceOption) (*ServiceId, error) {
	opts = append(opts, pulumi.AdditionalSecretOutputs([]string{"apiKey"}))
	return declare[ServiceId](ctx, ServiceIdType, name, args, opts, "Name")
}

// AccessGroupMember makes an identity a member of an access group (IAM
// Access Groups: PUT /v2/groups/{id}/members), so the group's policies
// apply to it.
type AccessGroupMember struct {
	pulumi.CustomResourceState

	AccessGroup pulumi.StringOutput    `pulumi:"accessGroup"`
	IamId       pulumi.StringOutput    `pulumi:"iamId"`
	Type        pulumi.StringPtrOutput `pulumi:"type"`
}

type accessGroupMemberArgs struct {
	AccessGroup string  `pulumi:"accessGroup"`
	IamId       string  `pulumi:"iamId"`
	Type        *string `pulumi:"type"`
}

// AccessGroupMemberArgs are the inputs of an AccessGroupMember.
type AccessGroupMemberArgs struct {
	// AccessGroup is the group's id. Required.
	AccessGroup pulumi.StringInput
	// IamId is the member's IAM id. Required.
	IamId pulumi.StringInput
	// Type is service (the default), user or profile.
	Type pulumi.StringPtrInput
}

// ElementType is the plain shape AccessGroupMemberArgs marshals as.
func (AccessGroupMemberArgs) ElementType() reflect.Type {
	return reflect.TypeFor[accessGroupMemberArgs]()
}

// NewAccessGroupMember declares an AccessGroupMember.
func NewAccessGroupMember(ctx *pulumi.Context, name string, args *AccessGroupMemberArgs, opts ...pulumi.ResourceOption) (*AccessGroupMember, error) {
	return declare[AccessGroupMember](ctx, AccessGroupMemberType, name, args, opts, "AccessGroup", "IamId")
}

// IamPolicy is an IAM policy (IAM Policy Management: POST /v1/policies).
// An access policy (type "access") grants roles to an access group; an
// authorization policy (type "authorization") lets a source service use a
// target service.
type IamPolicy struct {
	pulumi.CustomResourceState

	Type               pulumi.StringOutput      `pulumi:"type"`
	AccessGroup        pulumi.StringPtrOutput   `pulumi:"accessGroup"`
	SourceService      pulumi.StringPtrOutput   `pulumi:"sourceService"`
	Roles              pulumi.StringArrayOutput `pulumi:"roles"`
	ResourceAttributes pulumi.StringMapOutput   `pulumi:"resourceAttributes"`
	Description        pulumi.StringPtrOutput   `pulumi:"description"`
}

type iamPolicyArgs struct {
	Type               string            `pulumi:"type"`
	AccessGroup        *string           `pulumi:"accessGroup"`
	SourceService      *string           `pulumi:"sourceService"`
	Roles              []string          `pulumi:"roles"`
	ResourceAttributes map[string]string `pulumi:"resourceAttributes"`
	Description        *string           `pulumi:"description"`
}

// IamPolicyArgs are the inputs of an IamPolicy.
type IamPolicyArgs struct {
	// Type is access or authorization. Required.
	Type pulumi.StringInput
	// AccessGroup is the subject of an access policy: the group's id
	// (API: subjects[].attributes access_group_id).
	AccessGroup pulumi.StringPtrInput
	// SourceService is the subject of an authorization policy: a service
	// name (API: subjects[].attributes serviceName).
	SourceService pulumi.StringPtrInput
	// Roles are role names (Viewer, Operator, Editor, Administrator,
	// Reader, Writer, Manager, and VPC's IPSpoofingOperator), which the
	// provider turns into role CRNs. Required.
	Roles pulumi.StringArrayInput
	// ResourceAttributes scope the resource (API: resources[].attributes):
	// accountId is implied; resourceGroupId, serviceName, serviceInstance,
	// region, resourceType, resource. Empty means the whole account. Required.
	ResourceAttributes pulumi.StringMapInput
	Description        pulumi.StringPtrInput
}

// ElementType is the plain shape IamPolicyArgs marshals as.
func (IamPolicyArgs) ElementType() reflect.Type { return reflect.TypeFor[iamPolicyArgs]() }

// NewIamPolicy declares an IamPolicy.
func NewIamPolicy(ctx *pulumi.Context, name string, args *IamPolicyArgs, opts ...pulumi.ResourceOption) (*IamPolicy, error) {
	return declare[IamPolicy](ctx, IamPolicyType, name, args, opts, "Type", "Roles", "ResourceAttributes")
}

// CbrZone is a context-based-restrictions network zone
// (Context Based Restrictions: POST /v1/zones).
type CbrZone struct {
	pulumi.CustomResourceState

	Name        pulumi.StringOutput      `pulumi:"name"`
	Description pulumi.StringPtrOutput   `pulumi:"description"`
	ServiceRefs pulumi.StringArrayOutput `pulumi:"serviceRefs"`
	IpAddresses pulumi.StringArrayOutput `pulumi:"ipAddresses"`
	Crn         pulumi.StringOutput      `pulumi:"crn"`
}

type cbrZoneArgs struct {
	Name        string   `pulumi:"name"`
	Description *string  `pulumi:"description"`
	ServiceRefs []string `pulumi:"serviceRefs"`
	IpAddresses []string `pulumi:"ipAddresses"`
}

// CbrZoneArgs are the inputs of a CbrZone. A zone needs at least one address.
type CbrZoneArgs struct {
	Name        pulumi.StringInput // required
	Description pulumi.StringPtrInput
	// ServiceRefs are IBM services whose requests belong to the zone
	// (API: addresses[] of type serviceRef), e.g. containers-kubernetes.
	ServiceRefs pulumi.StringArrayInput
	// IpAddresses are addresses, ranges (a-b) or subnets in CIDR notation
	// (API: addresses[] of type ipAddress, ipRange, subnet).
	IpAddresses pulumi.StringArrayInput
}

// ElementType is the plain shape CbrZoneArgs marshals as.
func (CbrZoneArgs) ElementType() reflect.Type { return reflect.TypeFor[cbrZoneArgs]() }

// NewCbrZone declares a CbrZone.
func NewCbrZone(ctx *pulumi.Context, name string, args *CbrZoneArgs, opts ...pulumi.ResourceOption) (*CbrZone, error) {
	return declare[CbrZone](ctx, CbrZoneType, name, args, opts, "Name")
}

// CbrZoneAddresses are addresses a stack adds to a zone another stack owns
// (the Terraform ibm_cbr_zone_addresses resource's way: the addresses carry
// an id of their own, and the zone's own reads and updates leave them): a
// regional stack adds its VPC to its environment's zone, which the landing
// zone made before any VPC existed.
type CbrZoneAddresses struct {
	pulumi.CustomResourceState

	Zone        pulumi.StringOutput      `pulumi:"zone"`
	Name        pulumi.StringOutput      `pulumi:"name"`
	Vpcs        pulumi.StringArrayOutput `pulumi:"vpcs"`
	IpAddresses pulumi.StringArrayOutput `pulumi:"ipAddresses"`
}

type cbrZoneAddressesArgs struct {
	Zone        string   `pulumi:"zone"`
	Name        string   `pulumi:"name"`
	Vpcs        []string `pulumi:"vpcs"`
	IpAddresses []string `pulumi:"ipAddresses"`
}

// CbrZoneAddressesArgs are the inputs of a CbrZoneAddresses.
type CbrZoneAddressesArgs struct {
	// Zone is the network zone's id. Required.
	Zone pulumi.StringInput
	// Name tells these addresses from the zone's others (their id is
	// infra-<name>). Required.
	Name pulumi.StringInput
	// Vpcs are VPC CRNs; IpAddresses are addresses, ranges or CIDRs.
	Vpcs, IpAddresses pulumi.StringArrayInput
}

// ElementType is the plain shape CbrZoneAddressesArgs marshals as.
func (CbrZoneAddressesArgs) ElementType() reflect.Type {
	return reflect.TypeFor[cbrZoneAddressesArgs]()
}

// NewCbrZoneAddresses declares a CbrZoneAddresses.
func NewCbrZoneAddresses(ctx *pulumi.Context, name string, args *CbrZoneAddressesArgs, opts ...pulumi.ResourceOption) (*CbrZoneAddresses, error) {
	return declare[CbrZoneAddresses](ctx, CbrZoneAddressesType, name, args, opts, "Zone", "Name")
}

// CbrRule is a context-based restriction (Context Based Restrictions:
// POST /v1/rules): requests to the resource are refused unless they come
// from one of the zones over the endpoint type.
type CbrRule struct {
	pulumi.CustomResourceState

	Description        pulumi.StringOutput      `pulumi:"description"`
	ResourceAttributes pulumi.StringMapOutput   `pulumi:"resourceAttributes"`
	Zones              pulumi.StringArrayOutput `pulumi:"zones"`
	EndpointType       pulumi.StringOutput      `pulumi:"endpointType"`
	PublicZones        pulumi.StringArrayOutput `pulumi:"publicZones"`
	EnforcementMode    pulumi.StringOutput      `pulumi:"enforcementMode"`
	Crn                pulumi.StringOutput      `pulumi:"crn"`
}

type cbrRuleArgs struct {
	Description        string            `pulumi:"description"`
	ResourceAttributes map[string]string `pulumi:"resourceAttributes"`
	Zones              []string          `pulumi:"zones"`
	EndpointType       string            `pulumi:"endpointType"`
	PublicZones        []string          `pulumi:"publicZones"`
	EnforcementMode    string            `pulumi:"enforcementMode"`
}

// CbrRuleArgs are the inputs of a CbrRule.
type CbrRuleArgs struct {
	Description pulumi.StringInput // required
	// ResourceAttributes select the resource (API: resources[].attributes):
	// serviceName, and resourceGroupId or serviceInstance. Required.
	ResourceAttributes pulumi.StringMapInput
	// Zones are network zone ids (API: contexts[].attributes networkZoneId). Required.
	Zones pulumi.StringArrayInput
	// EndpointType is private, public or direct. Required.
	EndpointType pulumi.StringInput
	// PublicZones are network zone ids admitted over IBM's public
	// endpoints besides (API: contexts of their own, endpointType public):
	// where infra itself runs, for a rule on what infra manages.
	PublicZones pulumi.StringArrayInput
	// EnforcementMode is enabled, report or disabled (API: enforcement_mode). Required.
	EnforcementMode pulumi.StringInput
}

// ElementType is the plain shape CbrRuleArgs marshals as.
func (CbrRuleArgs) ElementType() reflect.Type { return reflect.TypeFor[cbrRuleArgs]() }

// NewCbrRule declares a CbrRule.
func NewCbrRule(ctx *pulumi.Context, name string, args *CbrRuleArgs, opts ...pulumi.ResourceOption) (*CbrRule, error) {
	return declare[CbrRule](ctx, CbrRuleType, name, args, opts, "Description", "ResourceAttributes", "Zones", "EndpointType", "EnforcementMode")
}

// ResourceInstance is a service instance (Resource Controller:
// POST /v2/resource_instances), here Key Protect.
type ResourceInstance struct {
	pulumi.CustomResourceState

	Name          pulumi.StringOutput      `pulumi:"name"`
	Service       pulumi.StringOutput      `pulumi:"service"`
	Plan          pulumi.StringOutput      `pulumi:"plan"`
	Location      pulumi.StringOutput      `pulumi:"location"`
	ResourceGroup pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags          pulumi.StringArrayOutput `pulumi:"tags"`
	Crn           pulumi.StringOutput      `pulumi:"crn"`
	// Guid is the instance id services such as Key Protect are addressed by.
	Guid pulumi.StringOutput `pulumi:"guid"`
}

type resourceInstanceArgs struct {
	Name          string   `pulumi:"name"`
	Service       string   `pulumi:"service"`
	Plan          string   `pulumi:"plan"`
	Location      string   `pulumi:"location"`
	ResourceGroup string   `pulumi:"resourceGroup"`
	Tags          []string `pulumi:"tags"`
}

// ResourceInstanceArgs are the inputs of a ResourceInstance.
type ResourceInstanceArgs struct {
	Name pulumi.StringInput // required
	// Service is the catalog service name, e.g. kms. Required.
	Service pulumi.StringInput
	// Plan is the catalog plan name, e.g. tiered-pricing. Required.
	Plan pulumi.StringInput
	// Location is the region. Required.
	Location pulumi.StringInput
	// ResourceGroup is the group's name. Required.
	ResourceGroup pulumi.StringInput
	Tags          pulumi.StringArrayInput
}

// ElementType is the plain shape ResourceInstanceArgs marshals as.
func (ResourceInstanceArgs) ElementType() reflect.Type {
	return reflect.TypeFor[resourceInstanceArgs]()
}

// NewResourceInstance declares a ResourceInstance.
func NewResourceInstance(ctx *pulumi.Context, name string, args *ResourceInstanceArgs, opts ...pulumi.ResourceOption) (*ResourceInstance, error) {
	return declare[ResourceInstance](ctx, ResourceInstanceType, name, args, opts, "Name", "Service", "Plan", "Location", "ResourceGroup")
}

// KmsKey is a Key Protect key (Key Protect: POST /api/v2/keys), generated by
// the service; a root key never leaves it.
type KmsKey struct {
	pulumi.CustomResourceState

	Instance pulumi.StringOutput `pulumi:"instance"`
	Region   pulumi.StringOutput `pulumi:"region"`
	Name     pulumi.StringOutput `pulumi:"name"`
	RootKey  pulumi.BoolOutput   `pulumi:"rootKey"`
	// KeyId is the key's id within the instance.
	KeyId pulumi.StringOutput `pulumi:"keyId"`
	Crn   pulumi.StringOutput `pulumi:"crn"`
}

type kmsKeyArgs struct {
	Instance string `pulumi:"instance"`
	Region   string `pulumi:"region"`
	Name     string `pulumi:"name"`
	RootKey  bool   `pulumi:"rootKey"`
}

// KmsKeyArgs are the inputs of a KmsKey.
type KmsKeyArgs struct {
	// Instance is the Key Protect instance's guid (header bluemix-instance). Required.
	Instance pulumi.StringInput
	// Region selects the endpoint <region>.kms.cloud.ibm.com. Required.
	Region pulumi.StringInput
	Name   pulumi.StringInput // required
	// RootKey makes it a root key, which wraps other keys. Required.
	RootKey pulumi.BoolInput
}

// ElementType is the plain shape KmsKeyArgs marshals as.
func (KmsKeyArgs) ElementType() reflect.Type { return reflect.TypeFor[kmsKeyArgs]() }

// NewKmsKey declares a KmsKey.
func NewKmsKey(ctx *pulumi.Context, name string, args *KmsKeyArgs, opts ...pulumi.ResourceOption) (*KmsKey, error) {
	return declare[KmsKey](ctx, KmsKeyType, name, args, opts, "Instance", "Region", "Name", "RootKey")
}

// ClusterKms turns on encryption of a cluster's Kubernetes secrets with a
// Key Protect root key (Kubernetes Service: POST /v2/enableKMS). IBM cannot
// turn it off again; deleting the resource leaves the cluster encrypted.
type ClusterKms struct {
	pulumi.CustomResourceState

	Cluster         pulumi.StringOutput `pulumi:"cluster"`
	Region          pulumi.StringOutput `pulumi:"region"`
	Instance        pulumi.StringOutput `pulumi:"instance"`
	RootKey         pulumi.StringOutput `pulumi:"rootKey"`
	PrivateEndpoint pulumi.BoolOutput   `pulumi:"privateEndpoint"`
}

type clusterKmsArgs struct {
	Cluster         string `pulumi:"cluster"`
	Region          string `pulumi:"region"`
	Instance        string `pulumi:"instance"`
	RootKey         string `pulumi:"rootKey"`
	PrivateEndpoint bool   `pulumi:"privateEndpoint"`
}

// ClusterKmsArgs are the inputs of a ClusterKms.
type ClusterKmsArgs struct {
	// Cluster is the cluster's id (API: cluster). Required.
	Cluster pulumi.StringInput
	Region  pulumi.StringInput // required
	// Instance is the Key Protect instance's guid (API: instance_id). Required.
	Instance pulumi.StringInput
	// RootKey is the root key's id (API: crk_id). Required.
	RootKey pulumi.StringInput
	// PrivateEndpoint reaches Key Protect over its private endpoint. Required.
	PrivateEndpoint pulumi.BoolInput
}

// ElementType is the plain shape ClusterKmsArgs marshals as.
func (ClusterKmsArgs) ElementType() reflect.Type { return reflect.TypeFor[clusterKmsArgs]() }

// NewClusterKms declares a ClusterKms.
func NewClusterKms(ctx *pulumi.Context, name string, args *ClusterKmsArgs, opts ...pulumi.ResourceOption) (*ClusterKms, error) {
	return declare[ClusterKms](ctx, ClusterKmsType, name, args, opts, "Cluster", "Region", "Instance", "RootKey", "PrivateEndpoint")
}
