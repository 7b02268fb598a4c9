package ibm

import (
	"fmt"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

// The IBM Transit Gateway types (Transit Gateway API v1,
// https://cloud.ibm.com/apidocs/transit-gateway; networking-go-sdk
// transitgatewayapisv1). The service is global: the endpoint is
// transit.cloud.ibm.com, and location only places the gateway.
const (
	TransitGatewayType           = "infra:ibm:TransitGateway"
	TransitGatewayConnectionType = "infra:ibm:TransitGatewayConnection"
)

// TransitGateway is an IBM Transit Gateway (POST /transit_gateways).
type TransitGateway struct {
	pulumi.CustomResourceState

	Name          pulumi.StringOutput      `pulumi:"name"`
	Location      pulumi.StringOutput      `pulumi:"location"`
	Global        pulumi.BoolOutput        `pulumi:"global"`
	ResourceGroup pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags          pulumi.StringArrayOutput `pulumi:"tags"`
	Crn           pulumi.StringOutput      `pulumi:"crn"`
	// Status is "available" once the gateway routes.
	Status pulumi.StringOutput `pulumi:"status"`
}

type transitGatewayArgs struct {
	Name          string   `pulumi:"name"`
	Location      string   `pulumi:"location"`
	Global        *bool    `pulumi:"global"`
	ResourceGroup string   `pulumi:"resourceGroup"`
	Tags          []string `pulumi:"tags"`
}

// TransitGatewayArgs are the inputs of a TransitGateway.
type TransitGatewayArgs struct {
	Name pulumi.StringInput // required
	// Location is an IBM region, e.g. us-south. Required.
	Location pulumi.StringInput
	// Global routing connects VPCs of every IBM region, local routing only
	// those of Location's (clouds.md §2.6). Default false.
	Global pulumi.BoolPtrInput
	// ResourceGroup is the group's name (API: resource_group.id, resolved). Required.
	ResourceGroup pulumi.StringInput
	Tags          pulumi.StringArrayInput
}

// ElementType is the plain shape TransitGatewayArgs marshals as.
func (TransitGatewayArgs) ElementType() reflect.Type { return reflect.TypeFor[transitGatewayArgs]() }

// NewTransitGateway declares a TransitGateway.
func NewTransitGateway(ctx *pulumi.Context, name string, args *TransitGatewayArgs, opts ...pulumi.ResourceOption) (*TransitGateway, error) {
	return declare[TransitGateway](ctx, TransitGatewayType, name, args, opts, "Name", "Location", "ResourceGroup")
}

// TransitGatewayConnection connects a network to a Transit Gateway
// (POST /transit_gateways/{transit_gateway_id}/connections).
type TransitGatewayConnection struct {
	pulumi.CustomResourceState

	TransitGateway pulumi.StringOutput    `pulumi:"transitGateway"`
	Name           pulumi.StringOutput    `pulumi:"name"`
	NetworkType    pulumi.StringOutput    `pulumi:"networkType"`
	NetworkId      pulumi.StringPtrOutput `pulumi:"networkId"`
	// Status is "attached" once routes flow.
	Status pulumi.StringOutput `pulumi:"status"`
}

type transitGatewayConnectionArgs struct {
	TransitGateway   string  `pulumi:"transitGateway"`
	Name             string  `pulumi:"name"`
	NetworkType      string  `pulumi:"networkType"`
	NetworkId        *string `pulumi:"networkId"`
	NetworkAccountId *string `pulumi:"networkAccountId"`
}

// TransitGatewayConnectionArgs are the inputs of a TransitGatewayConnection.
type TransitGatewayConnectionArgs struct {
	// TransitGateway is the gateway's id (the path's {transit_gateway_id}). Required.
	TransitGateway pulumi.StringInput
	Name           pulumi.StringInput // required
	// NetworkType is vpc, classic, directlink, power_virtual_server or a
	// GRE type (clouds.md §2.6). Required.
	NetworkType pulumi.StringInput
	// NetworkId is the connected network's CRN; for vpc, the VPC's crn.
	NetworkId pulumi.StringPtrInput
	// NetworkAccountId is set for a network in another account.
	NetworkAccountId pulumi.StringPtrInput
}

// ElementType is the plain shape TransitGatewayConnectionArgs marshals as.
func (TransitGatewayConnectionArgs) ElementType() reflect.Type {
	return reflect.TypeFor[transitGatewayConnectionArgs]()
}

// NewTransitGatewayConnection declares a TransitGatewayConnection.
func NewTransitGatewayConnection(ctx *pulumi.Context, name string, args *TransitGatewayConnectionArgs, opts ...pulumi.ResourceOption) (*TransitGatewayConnection, error) {
	return declare[TransitGatewayConnection](ctx, TransitGatewayConnectionType, name, args, opts, "TransitGateway", "Name", "NetworkType")
}

// TransitArgs is what the global stack's IBM Transit Gateway is built from.
type TransitArgs struct {
	Spec    *topology.Spec
	Transit *network.IBMTransit
	// VpcCrns are the connected VPCs' CRNs, their regional stacks' vpcCrn
	// exports, by region ID.
	VpcCrns map[string]pulumi.StringInput
}

// Transit declares the IBM Transit Gateway, with global routing when the
// spec asks for it, and a vpc connection for every IBM VPC. The gateway
// lives in the resource group of the first IBM entry's environment; it
// serves every environment, so its Environment tag is shared.
func Transit(ctx *pulumi.Context, args TransitArgs) (*TransitGateway, error) {
	t, spec := args.Transit, args.Spec
	if t == nil || spec == nil {
		return nil, fmt.Errorf("ibm transit: Spec and Transit are required")
	}
	tags, err := envTags(spec, "")
	if err != nil {
		return nil, err
	}
	gw, err := NewTransitGateway(ctx, "ibm-transit-gateway", &TransitGatewayArgs{
		Name:          pulumi.String(spec.Name + "-transit"),
		Location:      pulumi.String(t.Location),
		Global:        pulumi.Bool(t.Global),
		ResourceGroup: pulumi.String(ResourceGroupName(spec, t.Environment)),
		Tags:          tags,
	})
	if err != nil {
		return nil, err
	}
	for _, id := range t.VPCs {
		crn, ok := args.VpcCrns[id]
		if !ok || crn == nil {
			return nil, fmt.Errorf("ibm transit: no VPC CRN for %s", id)
		}
		if _, err := NewTransitGatewayConnection(ctx, id+"-transit-connection", &TransitGatewayConnectionArgs{
			TransitGateway: gw.ID().ToStringOutput(),
			Name:           pulumi.String(id),
			NetworkType:    pulumi.String("vpc"),
			NetworkId:      crn.ToStringOutput().ToStringPtrOutput(),
		}); err != nil {
			return nil, err
		}
	}
	return gw, nil
}
