package ibm

import (
	"context"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/IBM/vpc-go-sdk/vpcv1"
)

func routeKind() *kind {
	return vpcBound(&kind{
		token:    routeType,
		required: []string{"vpc", "region", "routingTable", "name", "zone", "destination", "action"},
		replace:  []string{"vpc", "region", "routingTable", "zone", "destination", "action"},
		fields:   map[string]string{"next_hop": "nextHop", "vpc_id": "vpc", "routing_table_id": "routingTable", "zone.name": "zone"},
		check: func(in props) []CheckFailure {
			if n := in.str("name"); strings.HasPrefix(n, "ibm-") {
				// IBM/vpc-go-sdk@v0.90.0 vpcv1/vpc_v1.go:51290 (RoutePrototype.Name).
				return []CheckFailure{{"name", "route name " + n + ": names starting with 'ibm-' are reserved for system-provided routes, and are not allowed"}}
			}
			switch a := in.str("action"); a {
			case "", "delegate", "delegate_vpc", "drop":
			case "deliver":
				if !in.set("nextHop") {
					return []CheckFailure{{"nextHop", "a deliver route needs nextHop"}}
				}
			default:
				return []CheckFailure{{"action", "action must be deliver, delegate, delegate_vpc or drop, not " + a}}
			}
			return nil
		},
		uniqueName: true, timeout: 5 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewVPCRoutingTableRoutesPager(&vpcv1.ListVPCRoutingTableRoutesOptions{VPCID: in.strp("vpc"), RoutingTableID: in.strp("routingTable")})
			return findNamed(ctx, o, "list routes for", in.str("name"), p, err, func(r vpcv1.Route) (*string, *string) { return r.Name, r.ID })
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			opts := &vpcv1.CreateVPCRoutingTableRouteOptions{
				VPCID: in.strp("vpc"), RoutingTableID: in.strp("routingTable"), Destination: in.strp("destination"),
				Zone: &vpcv1.ZoneIdentityByName{Name: in.strp("zone")}, Action: in.strp("action"), Name: in.strp("name"),
			}
			if hop := in.strp("nextHop"); hop != nil {
				opts.NextHop = &vpcv1.RouteNextHopPrototypeRouteNextHopIP{Address: hop}
			}
			r, resp, err := api.CreateVPCRoutingTableRouteWithContext(ctx, opts)
			return o.created(resp, err, func() *string { return r.ID })
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			r, resp, err := api.GetVPCRoutingTableRouteWithContext(ctx, &vpcv1.GetVPCRoutingTableRouteOptions{
				VPCID: in.strp("vpc"), RoutingTableID: in.strp("routingTable"), ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			var w struct {
				NextHop struct {
					Address string `json:"address"`
				} `json:"next_hop"`
			}
			if err := asJSON(r, &w); err != nil {
				return nil, err
			}
			ins := pm("name", r.Name, "destination", r.Destination, "action", r.Action, "zone", zoneName(r.Zone))
			if w.NextHop.Address != "" && w.NextHop.Address != "0.0.0.0" {
				ins["nextHop"] = val(w.NextHop.Address)
			}
			return statusState(ins, nil, deref(r.LifecycleState), []string{"stable"}, []string{"failed", "suspended"}), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			patch := namePatch(news)
			if hop := news.str("nextHop"); hop != "" {
				patch["next_hop"] = map[string]any{"address": hop}
			}
			_, resp, err := api.UpdateVPCRoutingTableRouteWithContext(ctx, &vpcv1.UpdateVPCRoutingTableRouteOptions{
				VPCID: news.strp("vpc"), RoutingTableID: news.strp("routingTable"), ID: &id, RoutePatch: patch})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteVPCRoutingTableRouteWithContext(ctx, &vpcv1.DeleteVPCRoutingTableRouteOptions{
				VPCID: in.strp("vpc"), RoutingTableID: in.strp("routingTable"), ID: &id}))
		},
	})
}

func loadBalancerKind() *kind {
	return vpcBound(&kind{
		token:      loadBalancerType,
		required:   []string{"name", "region", "isPublic", "subnets", "resourceGroup"},
		replace:    []string{"region", "isPublic", "profile", "resourceGroup"},
		computed:   []string{"crn", "hostname", "publicIps", "privateIps", "operatingStatus", "provisioningStatus"},
		fields:     map[string]string{"is_public": "isPublic", "profile.name": "profile", "resource_group": "resourceGroup"},
		uniqueName: true, tagged: true, timeout: 20 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewLoadBalancersPager(&vpcv1.ListLoadBalancersOptions{})
			return findNamed(ctx, o, "list load balancers for", in.str("name"), p, err,
				func(lb vpcv1.LoadBalancer) (*string, *string) { return lb.Name, lb.ID })
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			rg, err := o.rg(ctx, in)
			if err != nil {
				return "", err
			}
			opts := &vpcv1.CreateLoadBalancerOptions{Name: in.strp("name"), IsPublic: in.boolp("isPublic"), ResourceGroup: rg}
			for _, s := range in.strs("subnets") {
				opts.Subnets = append(opts.Subnets, &vpcv1.SubnetIdentityByID{ID: core.StringPtr(s)})
			}
			if p := in.strp("profile"); p != nil {
				opts.Profile = &vpcv1.LoadBalancerProfileIdentityByName{Name: p}
			}
			lb, resp, err := api.CreateLoadBalancerWithContext(ctx, opts)
			return o.created(resp, err, func() *string { return lb.ID })
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			lb, resp, err := api.GetLoadBalancerWithContext(ctx, &vpcv1.GetLoadBalancerOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			var subnets, public, private []string
			for _, s := range lb.Subnets {
				subnets = append(subnets, deref(s.ID))
			}
			for _, ip := range lb.PublicIps {
				public = append(public, deref(ip.Address))
			}
			for _, ip := range lb.PrivateIps {
				private = append(private, deref(ip.Address))
			}
			ins := pm("name", lb.Name, "isPublic", lb.IsPublic, "subnets", keepOrder(in.strs("subnets"), subnets))
			outs := pm("crn", lb.CRN, "hostname", lb.Hostname, "publicIps", public, "privateIps", private,
				"operatingStatus", lb.OperatingStatus, "provisioningStatus", lb.ProvisioningStatus)
			return statusState(ins, outs, deref(lb.ProvisioningStatus), []string{"active"}, []string{"failed"}), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			patch := map[string]any{}
			if olds.str("name") != news.str("name") {
				patch["name"] = news.str("name")
			}
			if !sameSet(olds.strs("subnets"), news.strs("subnets")) {
				var ids []map[string]any
				for _, s := range news.strs("subnets") {
					ids = append(ids, map[string]any{"id": s})
				}
				patch["subnets"] = ids
			}
			if len(patch) == 0 {
				return nil
			}
			_, resp, err := api.UpdateLoadBalancerWithContext(ctx, &vpcv1.UpdateLoadBalancerOptions{ID: &id, LoadBalancerPatch: patch})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteLoadBalancerWithContext(ctx, &vpcv1.DeleteLoadBalancerOptions{ID: &id}))
		},
	})
}
