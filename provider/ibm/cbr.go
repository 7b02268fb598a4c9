package ibm

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/IBM/platform-services-go-sdk/contextbasedrestrictionsv1"
)

// cbrAddresses are a CbrZone's addresses in the API's variants.
func (o *op) cbrAddresses(in props) ([]contextbasedrestrictionsv1.AddressIntf, error) {
	var out []contextbasedrestrictionsv1.AddressIntf
	acct, err := o.c.accountID()
	if err != nil {
		return nil, err
	}
	for _, s := range in.strs("serviceRefs") {
		out = append(out, &contextbasedrestrictionsv1.AddressServiceRef{Type: core.StringPtr("serviceRef"),
			Ref: &contextbasedrestrictionsv1.ServiceRefValue{AccountID: &acct, ServiceName: core.StringPtr(s)}})
	}
	for _, crn := range in.strs("vpcs") {
		crn := crn
		out = append(out, &contextbasedrestrictionsv1.AddressVPC{Type: core.StringPtr("vpc"), Value: &crn})
	}
	for _, a := range in.strs("ipAddresses") {
		a := a
		switch {
		case strings.Contains(a, "/"):
			out = append(out, &contextbasedrestrictionsv1.AddressSubnet{Type: core.StringPtr("subnet"), Value: &a})
		case strings.Contains(a, "-"):
			out = append(out, &contextbasedrestrictionsv1.AddressIPAddressRange{Type: core.StringPtr("ipRange"), Value: &a})
		default:
			out = append(out, &contextbasedrestrictionsv1.AddressIPAddress{Type: core.StringPtr("ipAddress"), Value: &a})
		}
	}
	return out, nil
}

func cbrZoneKind() *kind {
	return bind(&kind{
		token:    cbrZoneType,
		required: []string{"name"},
		computed: []string{"crn"},
		fields:   map[string]string{"addresses": "ipAddresses"},
		check: func(in props) []CheckFailure {
			if len(in.strs("serviceRefs"))+len(in.strs("ipAddresses")) == 0 && in.set("name") &&
				!in.set("serviceRefs") && !in.set("ipAddresses") {
				return []CheckFailure{{"ipAddresses", "a CBR zone needs at least one address or service reference"}}
			}
			return nil
		},
		uniqueName: true, timeout: 5 * time.Minute,
	}, shared((*clients).cbrAPI), calls[restrictionsAPI]{
		find: inAccount(func(ctx context.Context, o *op, api restrictionsAPI, in props, acct string) (string, error) {
			list, resp, err := api.ListZonesWithContext(ctx, &contextbasedrestrictionsv1.ListZonesOptions{AccountID: &acct, Name: in.strp("name")})
			if err != nil {
				return "", o.apiError("list CBR zones for", err, resp)
			}
			var zones struct {
				Zones []struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"zones"`
			}
			if err := asJSON(list, &zones); err != nil {
				return "", err
			}
			for _, z := range zones.Zones {
				if z.Name == in.str("name") {
					return z.ID, nil
				}
			}
			return "", nil
		}),
		create: inAccount(func(ctx context.Context, o *op, api restrictionsAPI, in props, acct string) (string, error) {
			addrs, err := o.cbrAddresses(in)
			if err != nil {
				return "", err
			}
			z, resp, err := api.CreateZoneWithContext(ctx, &contextbasedrestrictionsv1.CreateZoneOptions{
				Name: in.strp("name"), AccountID: &acct, Description: in.strp("description"), Addresses: addrs})
			return o.created(resp, err, func() *string { return z.ID })
		}),
		read: func(ctx context.Context, o *op, api restrictionsAPI, id string, in props) (*state, error) {
			z, addrs, err := o.readZone(ctx, api, id)
			if z == nil || err != nil {
				return nil, err
			}
			var refs, ips []string
			for _, a := range addrs {
				switch {
				case a.ID != "":
					// a CbrZoneAddresses' (cbrZoneAddressesKind), not the zone's own
					continue
				case a.Type == "serviceRef":
					refs = append(refs, a.Ref.ServiceName)
				default:
					ips = append(ips, a.Value)
				}
			}
			ins := pm("name", z.Name)
			if refs != nil || in.has("serviceRefs") {
				ins["serviceRefs"] = val(keepOrder(in.strs("serviceRefs"), refs))
			}
			if ips != nil || in.has("ipAddresses") {
				ins["ipAddresses"] = val(keepOrder(in.strs("ipAddresses"), ips))
			}
			if in.has("description") {
				ins["description"] = val(z.Description)
			}
			return readyState(ins, pm("crn", z.CRN)), nil
		},
		update: func(ctx context.Context, o *op, api restrictionsAPI, id string, olds, news props) error {
			z, resp, err := api.GetZoneWithContext(ctx, &contextbasedrestrictionsv1.GetZoneOptions{ZoneID: &id})
			if err != nil {
				return o.apiError("read", err, resp)
			}
			etag := resp.Headers.Get("ETag")
			acct, err := o.c.accountID()
			if err != nil {
				return err
			}
			addrs, err := o.cbrAddresses(news)
			if err != nil {
				return err
			}
			// what CbrZoneAddresses added stays
			for _, a := range z.Addresses {
				if addressID(a) != "" {
					addrs = append(addrs, a)
				}
			}
			_, resp, err = api.ReplaceZoneWithContext(ctx, &contextbasedrestrictionsv1.ReplaceZoneOptions{ZoneID: &id, IfMatch: &etag,
				Name: news.strp("name"), AccountID: &acct, Description: news.strp("description"), Addresses: addrs})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api restrictionsAPI, id string, in props) error {
			return o.deleted(api.DeleteZoneWithContext(ctx, &contextbasedrestrictionsv1.DeleteZoneOptions{ZoneID: &id}))
		},
	})
}

// ruleParts are a CbrRule's contexts and resources in the API's terms.
func (o *op) ruleParts(in props) ([]contextbasedrestrictionsv1.RuleContext, []contextbasedrestrictionsv1.Resource, error) {
	acct, err := o.c.accountID()
	if err != nil {
		return nil, nil, err
	}
	var contexts []contextbasedrestrictionsv1.RuleContext
	context := func(zone, endpoint string) {
		contexts = append(contexts, contextbasedrestrictionsv1.RuleContext{Attributes: []contextbasedrestrictionsv1.RuleContextAttribute{
			{Name: core.StringPtr("networkZoneId"), Value: core.StringPtr(zone)},
			{Name: core.StringPtr("endpointType"), Value: core.StringPtr(endpoint)},
		}})
	}
	// one context per endpoint type: a context admits a request only over
	// all of its attributes
	for _, z := range in.strs("zones") {
		for _, ep := range strings.Split(in.str("endpointType"), ",") {
			context(z, ep)
		}
	}
	// A context admits a request only over its endpoint types, so the
	// zones admitted over IBM's public endpoints (where infra itself runs:
	// it calls Key Protect at https://{region}.kms.cloud.ibm.com) are
	// contexts of their own (IBM API docs "Context-based restrictions": "A
	// context allows access only if all its conditions are satisfied").
	for _, z := range in.strs("publicZones") {
		context(z, "public")
	}
	attrs := []contextbasedrestrictionsv1.ResourceAttribute{{Name: core.StringPtr("accountId"), Value: &acct}}
	m := in.strMap("resourceAttributes")
	keys := slices.Sorted(maps.Keys(m))
	for _, k := range keys {
		attrs = append(attrs, contextbasedrestrictionsv1.ResourceAttribute{Name: core.StringPtr(k), Value: core.StringPtr(m[k])})
	}
	return contexts, []contextbasedrestrictionsv1.Resource{{Attributes: attrs}}, nil
}

func cbrRuleKind() *kind {
	return bind(&kind{
		token:    cbrRuleType,
		required: []string{"description", "resourceAttributes", "zones", "endpointType", "enforcementMode"},
		computed: []string{"crn"},
		fields:   map[string]string{"contexts": "zones", "resources": "resourceAttributes", "enforcement_mode": "enforcementMode"},
		check: func(in props) []CheckFailure {
			var f []CheckFailure
			switch m := in.str("enforcementMode"); m {
			case "", "enabled", "report", "disabled":
			default:
				f = append(f, CheckFailure{"enforcementMode", "enforcementMode must be enabled, report or disabled, not " + m})
			}
			for _, e := range strings.Split(in.str("endpointType"), ",") {
				switch e {
				case "", "private", "public", "direct":
				default:
					f = append(f, CheckFailure{"endpointType", "endpointType must be private, public or direct, or a comma-separated list of them, not " + e})
				}
			}
			return f
		},
		timeout: 5 * time.Minute,
	}, shared((*clients).cbrAPI), calls[restrictionsAPI]{
		// Rules have no name: the description identifies infra's.
		find: inAccount(func(ctx context.Context, o *op, api restrictionsAPI, in props, acct string) (string, error) {
			list, resp, err := api.ListRulesWithContext(ctx, &contextbasedrestrictionsv1.ListRulesOptions{AccountID: &acct})
			if err != nil {
				return "", o.apiError("list CBR rules for", err, resp)
			}
			return named(list.Rules, in.str("description"), func(r contextbasedrestrictionsv1.Rule) (*string, *string) { return r.Description, r.ID }), nil
		}),
		create: func(ctx context.Context, o *op, api restrictionsAPI, in props) (string, error) {
			contexts, resources, err := o.ruleParts(in)
			if err != nil {
				return "", err
			}
			r, resp, err := api.CreateRuleWithContext(ctx, &contextbasedrestrictionsv1.CreateRuleOptions{
				Description: in.strp("description"), Contexts: contexts, Resources: resources, EnforcementMode: in.strp("enforcementMode")})
			return o.created(resp, err, func() *string { return r.ID })
		},
		read: func(ctx context.Context, o *op, api restrictionsAPI, id string, in props) (*state, error) {
			r, resp, err := api.GetRuleWithContext(ctx, &contextbasedrestrictionsv1.GetRuleOptions{RuleID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			var zones, public, endpoints []string
			for _, c := range r.Contexts {
				zone, ep := "", ""
				for _, a := range c.Attributes {
					switch deref(a.Name) {
					case "networkZoneId":
						zone = deref(a.Value)
					case "endpointType":
						ep = deref(a.Value)
					}
				}
				// the public contexts are publicZones' unless the rule's
				// own endpoint types hold public
				if ep == "public" && !slices.Contains(strings.Split(in.str("endpointType"), ","), "public") {
					public = append(public, zone)
					continue
				}
				if !slices.Contains(zones, zone) {
					zones = append(zones, zone)
				}
				if !slices.Contains(endpoints, ep) {
					endpoints = append(endpoints, ep)
				}
			}
			endpoint := strings.Join(keepOrder(strings.Split(in.str("endpointType"), ","), endpoints), ",")
			attrs := map[string]string{}
			for _, res := range r.Resources {
				for _, a := range res.Attributes {
					if deref(a.Name) != "accountId" {
						attrs[deref(a.Name)] = deref(a.Value)
					}
				}
			}
			ins := pm("description", r.Description, "zones", keepOrder(in.strs("zones"), zones), "endpointType", endpoint,
				"enforcementMode", r.EnforcementMode, "resourceAttributes", attrs)
			if public != nil || in.has("publicZones") {
				ins["publicZones"] = val(keepOrder(in.strs("publicZones"), public))
			}
			return readyState(ins, pm("crn", r.CRN)), nil
		},
		update: func(ctx context.Context, o *op, api restrictionsAPI, id string, olds, news props) error {
			_, resp, err := api.GetRuleWithContext(ctx, &contextbasedrestrictionsv1.GetRuleOptions{RuleID: &id})
			if err != nil {
				return o.apiError("read", err, resp)
			}
			etag := resp.Headers.Get("ETag")
			contexts, resources, err := o.ruleParts(news)
			if err != nil {
				return err
			}
			_, resp, err = api.ReplaceRuleWithContext(ctx, &contextbasedrestrictionsv1.ReplaceRuleOptions{RuleID: &id, IfMatch: &etag,
				Description: news.strp("description"), Contexts: contexts, Resources: resources, EnforcementMode: news.strp("enforcementMode")})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api restrictionsAPI, id string, in props) error {
			return o.deleted(api.DeleteRuleWithContext(ctx, &contextbasedrestrictionsv1.DeleteRuleOptions{RuleID: &id}))
		},
	})
}
