package ibm

import (
	"context"
	"time"

	"github.com/IBM/networking-go-sdk/transitgatewayapisv1"
)

// The Transit Gateway types (Transit Gateway API, networking-go-sdk
// transitgatewayapisv1). The service is global.
const (
	transitGatewayType           = "infra:ibm:TransitGateway"
	transitGatewayConnectionType = "infra:ibm:TransitGatewayConnection"
)

// The clients the types here act through, as bind hands them over.
type (
	transitClient = *transitgatewayapisv1.TransitGatewayApisV1
)

func transitKinds() []*kind { return []*kind{transitGatewayKind(), transitConnectionKind()} }

func transitGatewayKind() *kind {
	return bind(&kind{
		token:      transitGatewayType,
		required:   []string{"name", "location", "resourceGroup"},
		replace:    []string{"location", "resourceGroup"},
		computed:   []string{"crn", "status"},
		fields:     map[string]string{"resource_group": "resourceGroup"},
		uniqueName: true, tagged: true, timeout: 30 * time.Minute,
	}, shared((*clients).transitAPI), calls[transitClient]{
		find: func(ctx context.Context, o *op, api transitClient, in props) (string, error) {
			p, err := api.NewTransitGatewaysPager(&transitgatewayapisv1.ListTransitGatewaysOptions{})
			return findNamed(ctx, o, "list transit gateways for", in.str("name"), p, err, func(g transitgatewayapisv1.TransitGateway) (*string, *string) { return g.Name, g.ID })
		},
		create: func(ctx context.Context, o *op, api transitClient, in props) (string, error) {
			rg, err := o.c.resourceGroupID(ctx, o, in.str("resourceGroup"))
			if err != nil {
				return "", err
			}
			g, resp, err := api.CreateTransitGatewayWithContext(ctx, &transitgatewayapisv1.CreateTransitGatewayOptions{
				Location: in.strp("location"), Name: in.strp("name"), Global: in.boolp("global"),
				ResourceGroup: &transitgatewayapisv1.ResourceGroupIdentity{ID: &rg}})
			return o.created(resp, err, func() *string { return g.ID })
		},
		read: func(ctx context.Context, o *op, api transitClient, id string, in props) (*state, error) {
			g, resp, err := api.GetTransitGatewayWithContext(ctx, &transitgatewayapisv1.GetTransitGatewayOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			ins := pm("name", g.Name, "location", g.Location)
			if in.has("global") || (g.Global != nil && *g.Global) {
				ins["global"] = val(g.Global)
			}
			return statusState(ins, pm("crn", g.Crn, "status", g.Status), deref(g.Status), available, failedVPC), nil
		},
		update: func(ctx context.Context, o *op, api transitClient, id string, olds, news props) error {
			global := news.boolean("global")
			_, resp, err := api.UpdateTransitGatewayWithContext(ctx, &transitgatewayapisv1.UpdateTransitGatewayOptions{
				ID: &id, Name: news.strp("name"), Global: &global})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api transitClient, id string, in props) error {
			return o.deleted(api.DeleteTransitGatewayWithContext(ctx, &transitgatewayapisv1.DeleteTransitGatewayOptions{ID: &id}))
		},
	})
}

func transitConnectionKind() *kind {
	return bind(&kind{
		token:    transitGatewayConnectionType,
		required: []string{"transitGateway", "name", "networkType"},
		replace:  []string{"transitGateway", "networkType", "networkId", "networkAccountId"},
		computed: []string{"status"},
		fields:   map[string]string{"transit_gateway_id": "transitGateway", "network_id": "networkId", "network_account_id": "networkAccountId"},
		check: func(in props) []CheckFailure {
			if in.str("networkType") == "vpc" && !in.set("networkId") {
				return []CheckFailure{{"networkId", "a vpc connection needs networkId, the VPC's CRN"}}
			}
			return nil
		},
		uniqueName: true, timeout: 30 * time.Minute,
	}, shared((*clients).transitAPI), calls[transitClient]{
		find: func(ctx context.Context, o *op, api transitClient, in props) (string, error) {
			p, err := api.NewTransitGatewayConnectionsPager(&transitgatewayapisv1.ListTransitGatewayConnectionsOptions{TransitGatewayID: in.strp("transitGateway")})
			return findNamed(ctx, o, "list connections for", in.str("name"), p, err, func(c transitgatewayapisv1.TransitGatewayConnectionCust) (*string, *string) { return c.Name, c.ID })
		},
		create: func(ctx context.Context, o *op, api transitClient, in props) (string, error) {
			c, resp, err := api.CreateTransitGatewayConnectionWithContext(ctx, &transitgatewayapisv1.CreateTransitGatewayConnectionOptions{
				TransitGatewayID: in.strp("transitGateway"), NetworkType: in.strp("networkType"), Name: in.strp("name"),
				NetworkID: in.strp("networkId"), NetworkAccountID: in.strp("networkAccountId")})
			return o.created(resp, err, func() *string { return c.ID })
		},
		read: func(ctx context.Context, o *op, api transitClient, id string, in props) (*state, error) {
			c, resp, err := api.GetTransitGatewayConnectionWithContext(ctx, &transitgatewayapisv1.GetTransitGatewayConnectionOptions{
				TransitGatewayID: in.strp("transitGateway"), ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			ins := pm("name", c.Name, "networkType", c.NetworkType, "networkId", c.NetworkID)
			return statusState(ins, pm("status", c.Status), deref(c.Status), []string{"attached"}, []string{"failed"}), nil
		},
		update: func(ctx context.Context, o *op, api transitClient, id string, olds, news props) error {
			_, resp, err := api.UpdateTransitGatewayConnectionWithContext(ctx, &transitgatewayapisv1.UpdateTransitGatewayConnectionOptions{
				TransitGatewayID: news.strp("transitGateway"), ID: &id, Name: news.strp("name")})
			return o.apiError("rename", err, resp)
		},
		del: func(ctx context.Context, o *op, api transitClient, id string, in props) error {
			return o.deleted(api.DeleteTransitGatewayConnectionWithContext(ctx, &transitgatewayapisv1.DeleteTransitGatewayConnectionOptions{
				TransitGatewayID: in.strp("transitGateway"), ID: &id}))
		},
	})
}
