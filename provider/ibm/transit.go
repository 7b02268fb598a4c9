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

func transitKinds() []*kind { return []*kind{transitGatewayKind(), transitConnectionKind()} }

func transitGatewayKind() *kind {
	return &kind{
		token:      transitGatewayType,
		required:   []string{"name", "location", "resourceGroup"},
		replace:    []string{"location", "resourceGroup"},
		computed:   []string{"crn", "status"},
		fields:     map[string]string{"resource_group": "resourceGroup"},
		uniqueName: true, tagged: true, timeout: 30 * time.Minute,
		find: func(ctx context.Context, o *op, in props) (string, error) {
			api, err := o.c.transitAPI()
			if err != nil {
				return "", err
			}
			pager, err := api.NewTransitGatewaysPager(&transitgatewayapisv1.ListTransitGatewaysOptions{})
			if err != nil {
				return "", err
			}
			all, err := pager.GetAllWithContext(ctx)
			if err != nil {
				return "", o.apiError("list transit gateways for", err, nil)
			}
			for _, g := range all {
				if deref(g.Name) == in.str("name") {
					return deref(g.ID), nil
				}
			}
			return "", nil
		},
		create: func(ctx context.Context, o *op, in props) (string, error) {
			api, err := o.c.transitAPI()
			if err != nil {
				return "", err
			}
			rg, err := o.c.resourceGroupID(ctx, o, in.str("resourceGroup"))
			if err != nil {
				return "", err
			}
			g, resp, err := api.CreateTransitGatewayWithContext(ctx, &transitgatewayapisv1.CreateTransitGatewayOptions{
				Location: in.strp("location"), Name: in.strp("name"), Global: in.boolp("global"),
				ResourceGroup: &transitgatewayapisv1.ResourceGroupIdentity{ID: &rg}})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(g.ID), nil
		},
		read: func(ctx context.Context, o *op, id string, in props) (*state, error) {
			api, err := o.c.transitAPI()
			if err != nil {
				return nil, err
			}
			g, resp, err := api.GetTransitGatewayWithContext(ctx, &transitgatewayapisv1.GetTransitGatewayOptions{ID: &id})
			if notFound(resp) {
				return nil, nil
			}
			if err != nil {
				return nil, o.apiError("read", err, resp)
			}
			ins := pm("name", g.Name, "location", g.Location)
			if in.has("global") || (g.Global != nil && *g.Global) {
				ins["global"] = val(g.Global)
			}
			return statusState(ins, pm("crn", g.Crn, "status", g.Status), deref(g.Status), available, failedVPC), nil
		},
		update: func(ctx context.Context, o *op, id string, olds, news props) error {
			api, err := o.c.transitAPI()
			if err != nil {
				return err
			}
			global := news.boolean("global")
			_, resp, err := api.UpdateTransitGatewayWithContext(ctx, &transitgatewayapisv1.UpdateTransitGatewayOptions{
				ID: &id, Name: news.strp("name"), Global: &global})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, id string, in props) error {
			api, err := o.c.transitAPI()
			if err != nil {
				return err
			}
			resp, err := api.DeleteTransitGatewayWithContext(ctx, &transitgatewayapisv1.DeleteTransitGatewayOptions{ID: &id})
			if notFound(resp) {
				return nil
			}
			return o.apiError("delete", err, resp)
		},
	}
}

func transitConnectionKind() *kind {
	return &kind{
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
		find: func(ctx context.Context, o *op, in props) (string, error) {
			api, err := o.c.transitAPI()
			if err != nil {
				return "", err
			}
			pager, err := api.NewTransitGatewayConnectionsPager(&transitgatewayapisv1.ListTransitGatewayConnectionsOptions{TransitGatewayID: in.strp("transitGateway")})
			if err != nil {
				return "", err
			}
			all, err := pager.GetAllWithContext(ctx)
			if err != nil {
				return "", o.apiError("list connections for", err, nil)
			}
			for _, c := range all {
				if deref(c.Name) == in.str("name") {
					return deref(c.ID), nil
				}
			}
			return "", nil
		},
		create: func(ctx context.Context, o *op, in props) (string, error) {
			api, err := o.c.transitAPI()
			if err != nil {
				return "", err
			}
			c, resp, err := api.CreateTransitGatewayConnectionWithContext(ctx, &transitgatewayapisv1.CreateTransitGatewayConnectionOptions{
				TransitGatewayID: in.strp("transitGateway"), NetworkType: in.strp("networkType"), Name: in.strp("name"),
				NetworkID: in.strp("networkId"), NetworkAccountID: in.strp("networkAccountId")})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(c.ID), nil
		},
		read: func(ctx context.Context, o *op, id string, in props) (*state, error) {
			api, err := o.c.transitAPI()
			if err != nil {
				return nil, err
			}
			c, resp, err := api.GetTransitGatewayConnectionWithContext(ctx, &transitgatewayapisv1.GetTransitGatewayConnectionOptions{
				TransitGatewayID: in.strp("transitGateway"), ID: &id})
			if notFound(resp) {
				return nil, nil
			}
			if err != nil {
				return nil, o.apiError("read", err, resp)
			}
			ins := pm("name", c.Name, "networkType", c.NetworkType, "networkId", c.NetworkID)
			return statusState(ins, pm("status", c.Status), deref(c.Status), []string{"attached"}, []string{"failed"}), nil
		},
		update: func(ctx context.Context, o *op, id string, olds, news props) error {
			api, err := o.c.transitAPI()
			if err != nil {
				return err
			}
			_, resp, err := api.UpdateTransitGatewayConnectionWithContext(ctx, &transitgatewayapisv1.UpdateTransitGatewayConnectionOptions{
				TransitGatewayID: news.strp("transitGateway"), ID: &id, Name: news.strp("name")})
			return o.apiError("rename", err, resp)
		},
		del: func(ctx context.Context, o *op, id string, in props) error {
			api, err := o.c.transitAPI()
			if err != nil {
				return err
			}
			resp, err := api.DeleteTransitGatewayConnectionWithContext(ctx, &transitgatewayapisv1.DeleteTransitGatewayConnectionOptions{
				TransitGatewayID: in.strp("transitGateway"), ID: &id})
			if notFound(resp) {
				return nil
			}
			return o.apiError("delete", err, resp)
		},
	}
}
