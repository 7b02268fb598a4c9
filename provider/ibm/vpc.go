package ibm

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/IBM/vpc-go-sdk/vpcv1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The VPC types (VPC API, vpc-go-sdk vpcv1), served at the region's
// endpoint. Statuses: https://cloud.ibm.com/apidocs/vpc/latest.
const (
	vpcType              = "infra:ibm:Vpc"
	vpcAddressPrefixType = "infra:ibm:VpcAddressPrefix"
	publicGatewayType    = "infra:ibm:PublicGateway"
	subnetType           = "infra:ibm:Subnet"
	securityGroupType    = "infra:ibm:SecurityGroup"
	securityGroupRule    = "infra:ibm:SecurityGroupRule"
	floatingIPType       = "infra:ibm:FloatingIp"
	instanceType         = "infra:ibm:Instance"
	routeType            = "infra:ibm:VpcRoutingTableRoute"
	loadBalancerType     = "infra:ibm:LoadBalancer"
)

var (
	available = []string{"available"}
	failedVPC = []string{"failed"}
)

func (o *op) vpcAPI(in props) (*vpcv1.VpcV1, error) { return o.c.vpc(in.str("region")) }

// rg is the resource group identity of the inputs' resourceGroup name.
func (o *op) rg(ctx context.Context, in props) (*vpcv1.ResourceGroupIdentityByID, error) {
	id, err := o.c.resourceGroupID(ctx, o, in.str("resourceGroup"))
	if err != nil {
		return nil, err
	}
	return &vpcv1.ResourceGroupIdentityByID{ID: &id}, nil
}

func zoneName(z *vpcv1.ZoneReference) string {
	if z == nil {
		return ""
	}
	return deref(z.Name)
}

// asJSON converts between an SDK model and a plain struct of the wire shape,
// for models the SDK splits into many variants.
func asJSON(from, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}

func namePatch(in props) map[string]any { return map[string]any{"name": in.str("name")} }

// vpcCalls are the functions of a VPC type, handed the region's client.
type vpcCalls = calls[*vpcv1.VpcV1]

func vpcBound(k *kind, c vpcCalls) *kind { return bind(k, (*op).vpcAPI, c) }

func vpcKinds() []*kind {
	return []*kind{vpcKind(), addressPrefixKind(), publicGatewayKind(), subnetKind(), securityGroupKind(),
		securityGroupRuleKind(), floatingIPKind(), instanceKind(), routeKind(), loadBalancerKind()}
}

func vpcKind() *kind {
	return vpcBound(&kind{
		token:    vpcType,
		required: []string{"name", "region", "resourceGroup"},
		replace:  []string{"region", "resourceGroup", "addressPrefixManagement", "classicAccess"},
		computed: []string{"crn", "status", "defaultSecurityGroup", "defaultNetworkAcl", "defaultRoutingTable"},
		fields:   map[string]string{"resource_group": "resourceGroup"},
		check: func(in props) []CheckFailure {
			if m := in.str("addressPrefixManagement"); m != "" && m != "auto" && m != "manual" {
				return []CheckFailure{{"addressPrefixManagement", "addressPrefixManagement must be auto or manual, not " + m}}
			}
			return nil
		},
		uniqueName: true, tagged: true, timeout: 10 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewVpcsPager(&vpcv1.ListVpcsOptions{})
			return findNamed(ctx, o, "list VPCs for", in.str("name"), p, err, func(v vpcv1.VPC) (*string, *string) { return v.Name, v.ID })
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			rg, err := o.rg(ctx, in)
			if err != nil {
				return "", err
			}
			v, resp, err := api.CreateVPCWithContext(ctx, &vpcv1.CreateVPCOptions{
				Name: in.strp("name"), ResourceGroup: rg,
				AddressPrefixManagement: in.strp("addressPrefixManagement"), ClassicAccess: in.boolp("classicAccess"),
			})
			return o.created(resp, err, func() *string { return v.ID })
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			v, resp, err := api.GetVPCWithContext(ctx, &vpcv1.GetVPCOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			ins := pm("name", v.Name)
			if in.has("classicAccess") {
				ins["classicAccess"] = val(v.ClassicAccess)
			}
			outs := pm("crn", v.CRN, "status", v.Status)
			if v.DefaultSecurityGroup != nil {
				outs["defaultSecurityGroup"] = val(v.DefaultSecurityGroup.ID)
			}
			if v.DefaultNetworkACL != nil {
				outs["defaultNetworkAcl"] = val(v.DefaultNetworkACL.ID)
			}
			if v.DefaultRoutingTable != nil {
				outs["defaultRoutingTable"] = val(v.DefaultRoutingTable.ID)
			}
			return statusState(ins, outs, deref(v.Status), available, failedVPC), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			if olds.str("name") == news.str("name") {
				return nil
			}
			_, resp, err := api.UpdateVPCWithContext(ctx, &vpcv1.UpdateVPCOptions{ID: &id, VPCPatch: namePatch(news)})
			return o.apiError("rename", err, resp)
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteVPCWithContext(ctx, &vpcv1.DeleteVPCOptions{ID: &id}))
		},
	})
}

func addressPrefixKind() *kind {
	return vpcBound(&kind{
		token:    vpcAddressPrefixType,
		required: []string{"vpc", "region", "name", "zone", "cidr"},
		replace:  []string{"vpc", "region", "zone", "cidr"},
		computed: []string{"hasSubnets"},
		fields:   map[string]string{"vpc_id": "vpc"},
		// Prefixes have no status: they exist once created.
		uniqueName: true, timeout: 5 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewVPCAddressPrefixesPager(&vpcv1.ListVPCAddressPrefixesOptions{VPCID: in.strp("vpc")})
			return findNamed(ctx, o, "list the address prefixes for", in.str("name"), p, err,
				func(p vpcv1.AddressPrefix) (*string, *string) { return p.Name, p.ID })
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, resp, err := api.CreateVPCAddressPrefixWithContext(ctx, &vpcv1.CreateVPCAddressPrefixOptions{
				VPCID: in.strp("vpc"), CIDR: in.strp("cidr"), Zone: &vpcv1.ZoneIdentityByName{Name: in.strp("zone")},
				Name: in.strp("name"), IsDefault: in.boolp("isDefault"),
			})
			return o.created(resp, err, func() *string { return p.ID })
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			p, resp, err := api.GetVPCAddressPrefixWithContext(ctx, &vpcv1.GetVPCAddressPrefixOptions{VPCID: in.strp("vpc"), ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			ins := pm("name", p.Name, "cidr", p.CIDR, "zone", zoneName(p.Zone))
			if in.has("isDefault") {
				ins["isDefault"] = val(p.IsDefault)
			}
			return readyState(ins, pm("hasSubnets", p.HasSubnets)), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			patch := namePatch(news)
			if news.has("isDefault") {
				patch["is_default"] = news.boolean("isDefault")
			}
			_, resp, err := api.UpdateVPCAddressPrefixWithContext(ctx, &vpcv1.UpdateVPCAddressPrefixOptions{
				VPCID: news.strp("vpc"), ID: &id, AddressPrefixPatch: patch})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteVPCAddressPrefixWithContext(ctx, &vpcv1.DeleteVPCAddressPrefixOptions{VPCID: in.strp("vpc"), ID: &id}))
		},
	})
}

func publicGatewayKind() *kind {
	return vpcBound(&kind{
		token:      publicGatewayType,
		required:   []string{"vpc", "region", "name", "zone", "resourceGroup"},
		replace:    []string{"vpc", "region", "zone", "resourceGroup"},
		computed:   []string{"crn", "status", "floatingIp"},
		fields:     map[string]string{"vpc.id": "vpc", "resource_group": "resourceGroup"},
		uniqueName: true, tagged: true, timeout: 10 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewPublicGatewaysPager(&vpcv1.ListPublicGatewaysOptions{})
			all, err := listAll(ctx, o, "list public gateways for", p, err)
			if err != nil {
				return "", err
			}
			for _, g := range all {
				if deref(g.Name) == in.str("name") && g.VPC != nil && deref(g.VPC.ID) == in.str("vpc") {
					return deref(g.ID), nil
				}
			}
			return "", nil
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			rg, err := o.rg(ctx, in)
			if err != nil {
				return "", err
			}
			g, resp, err := api.CreatePublicGatewayWithContext(ctx, &vpcv1.CreatePublicGatewayOptions{
				VPC: &vpcv1.VPCIdentityByID{ID: in.strp("vpc")}, Zone: &vpcv1.ZoneIdentityByName{Name: in.strp("zone")},
				Name: in.strp("name"), ResourceGroup: rg,
			})
			return o.created(resp, err, func() *string { return g.ID })
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			g, resp, err := api.GetPublicGatewayWithContext(ctx, &vpcv1.GetPublicGatewayOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			outs := pm("crn", g.CRN, "status", g.Status)
			if g.FloatingIP != nil {
				outs["floatingIp"] = val(g.FloatingIP.Address)
			}
			return statusState(pm("name", g.Name, "zone", zoneName(g.Zone)), outs, deref(g.Status), available, failedVPC), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			if olds.str("name") == news.str("name") {
				return nil
			}
			_, resp, err := api.UpdatePublicGatewayWithContext(ctx, &vpcv1.UpdatePublicGatewayOptions{ID: &id, PublicGatewayPatch: namePatch(news)})
			return o.apiError("rename", err, resp)
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeletePublicGatewayWithContext(ctx, &vpcv1.DeletePublicGatewayOptions{ID: &id}))
		},
	})
}

func subnetKind() *kind {
	return vpcBound(&kind{
		token:      subnetType,
		required:   []string{"vpc", "region", "name", "zone", "ipv4CidrBlock", "resourceGroup"},
		replace:    []string{"vpc", "region", "zone", "ipv4CidrBlock", "resourceGroup"},
		computed:   []string{"crn", "status", "availableIpv4AddressCount"},
		fields:     map[string]string{"vpc.id": "vpc", "public_gateway": "publicGateway", "resource_group": "resourceGroup", "zone.name": "zone"},
		uniqueName: true, tagged: true, timeout: 10 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewSubnetsPager(&vpcv1.ListSubnetsOptions{VPCID: in.strp("vpc")})
			return findNamed(ctx, o, "list subnets for", in.str("name"), p, err, func(s vpcv1.Subnet) (*string, *string) { return s.Name, s.ID })
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			rg, err := o.rg(ctx, in)
			if err != nil {
				return "", err
			}
			proto := &vpcv1.SubnetPrototypeSubnetByCIDR{
				Name: in.strp("name"), VPC: &vpcv1.VPCIdentityByID{ID: in.strp("vpc")},
				Ipv4CIDRBlock: in.strp("ipv4CidrBlock"), Zone: &vpcv1.ZoneIdentityByName{Name: in.strp("zone")},
				ResourceGroup: rg,
			}
			if gw := in.strp("publicGateway"); gw != nil {
				proto.PublicGateway = &vpcv1.PublicGatewayIdentityPublicGatewayIdentityByID{ID: gw}
			}
			s, resp, err := api.CreateSubnetWithContext(ctx, &vpcv1.CreateSubnetOptions{SubnetPrototype: proto})
			return o.created(resp, err, func() *string { return s.ID })
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			s, resp, err := api.GetSubnetWithContext(ctx, &vpcv1.GetSubnetOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			ins := pm("name", s.Name, "ipv4CidrBlock", s.Ipv4CIDRBlock, "zone", zoneName(s.Zone))
			if s.PublicGateway != nil {
				ins["publicGateway"] = val(s.PublicGateway.ID)
			} else if in.has("publicGateway") {
				ins["publicGateway"] = resource.NewNullProperty()
			}
			outs := pm("crn", s.CRN, "status", s.Status, "availableIpv4AddressCount", s.AvailableIpv4AddressCount)
			return statusState(ins, outs, deref(s.Status), available, failedVPC), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			if olds.str("name") != news.str("name") {
				_, resp, err := api.UpdateSubnetWithContext(ctx, &vpcv1.UpdateSubnetOptions{ID: &id, SubnetPatch: namePatch(news)})
				if err != nil {
					return o.apiError("rename", err, resp)
				}
			}
			if gw := news.str("publicGateway"); gw != olds.str("publicGateway") {
				if gw == "" {
					resp, err := api.UnsetSubnetPublicGatewayWithContext(ctx, &vpcv1.UnsetSubnetPublicGatewayOptions{ID: &id})
					return o.apiError("detach the public gateway of", err, resp)
				}
				_, resp, err := api.SetSubnetPublicGatewayWithContext(ctx, &vpcv1.SetSubnetPublicGatewayOptions{
					ID: &id, PublicGatewayIdentity: &vpcv1.PublicGatewayIdentityPublicGatewayIdentityByID{ID: &gw}})
				return o.apiError("attach the public gateway to", err, resp)
			}
			return nil
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteSubnetWithContext(ctx, &vpcv1.DeleteSubnetOptions{ID: &id}))
		},
	})
}

func securityGroupKind() *kind {
	return vpcBound(&kind{
		token:      securityGroupType,
		required:   []string{"vpc", "region", "name", "resourceGroup"},
		replace:    []string{"vpc", "region", "resourceGroup"},
		computed:   []string{"crn"},
		fields:     map[string]string{"vpc.id": "vpc", "resource_group": "resourceGroup"},
		uniqueName: true, tagged: true, timeout: 5 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewSecurityGroupsPager(&vpcv1.ListSecurityGroupsOptions{VPCID: in.strp("vpc")})
			return findNamed(ctx, o, "list security groups for", in.str("name"), p, err,
				func(g vpcv1.SecurityGroup) (*string, *string) { return g.Name, g.ID })
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			rg, err := o.rg(ctx, in)
			if err != nil {
				return "", err
			}
			g, resp, err := api.CreateSecurityGroupWithContext(ctx, &vpcv1.CreateSecurityGroupOptions{
				VPC: &vpcv1.VPCIdentityByID{ID: in.strp("vpc")}, Name: in.strp("name"), ResourceGroup: rg})
			return o.created(resp, err, func() *string { return g.ID })
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			g, resp, err := api.GetSecurityGroupWithContext(ctx, &vpcv1.GetSecurityGroupOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			return readyState(pm("name", g.Name), pm("crn", g.CRN)), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			if olds.str("name") == news.str("name") {
				return nil
			}
			_, resp, err := api.UpdateSecurityGroupWithContext(ctx, &vpcv1.UpdateSecurityGroupOptions{ID: &id, SecurityGroupPatch: namePatch(news)})
			return o.apiError("rename", err, resp)
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteSecurityGroupWithContext(ctx, &vpcv1.DeleteSecurityGroupOptions{ID: &id}))
		},
	})
}

// ruleWire is a security group rule in the API's shape, whichever of the
// SDK's protocol variants it arrives as.
type ruleWire struct {
	ID        string `json:"id"`
	Direction string `json:"direction"`
	Protocol  string `json:"protocol"`
	PortMin   *int64 `json:"port_min"`
	PortMax   *int64 `json:"port_max"`
	Remote    struct {
		Address   string `json:"address"`
		CIDRBlock string `json:"cidr_block"`
	} `json:"remote"`
}

func (r ruleWire) remote() string {
	if r.Remote.CIDRBlock != "" {
		return r.Remote.CIDRBlock
	}
	return r.Remote.Address
}

// same says whether an existing rule is the one the inputs describe.
func (r ruleWire) same(in props) bool {
	eq := func(a *int64, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	return r.Direction == in.str("direction") && r.Protocol == in.str("protocol") && r.remote() == in.str("remote") &&
		eq(r.PortMin, in.intp("portMin")) && eq(r.PortMax, in.intp("portMax"))
}

// ruleProtocols are the security-group rule protocols of VPC API version
// vpcVersion (IBM/vpc-go-sdk@v0.90.0 vpcv1/vpc_v1.go:103146-103170;
// ../shared/reference/provider-rules.json ibm.SecurityGroupRule.enums).
var ruleProtocols = []string{"any", "icmp_tcp_udp", "icmp", "tcp", "udp", "ah", "esp", "gre", "ip_in_ip", "l2tp", "rsvp", "sctp", "vrrp"}

func ruleProtocol(p string) bool {
	if slices.Contains(ruleProtocols, p) {
		return true
	}
	n, ok := strings.CutPrefix(p, "number_")
	return ok && n != "" && strings.Trim(n, "0123456789") == ""
}

func securityGroupRuleKind() *kind {
	return vpcBound(&kind{
		token:    securityGroupRule,
		required: []string{"securityGroup", "region", "direction", "protocol", "remote"},
		fields:   map[string]string{"security_group_id": "securityGroup", "port_min": "portMin", "port_max": "portMax"},
		check: func(in props) []CheckFailure {
			var f []CheckFailure
			if d := in.str("direction"); d != "" && d != "inbound" && d != "outbound" {
				f = append(f, CheckFailure{"direction", "direction must be inbound or outbound, not " + d})
			}
			if p := in.str("protocol"); p != "" && !ruleProtocol(p) {
				reason := "protocol must be one of " + strings.Join(ruleProtocols, ", ") + " or number_<N>, not " + p
				if p == "all" {
					reason += ": 'all' is gone from VPC API version 2025-12-09 (this provider sends " + vpcVersion +
						"); use icmp_tcp_udp for ICMP, TCP and UDP, or any for every protocol"
				}
				f = append(f, CheckFailure{"protocol", reason})
			}
			if (in.has("portMin") || in.has("portMax")) && in.str("protocol") != "tcp" && in.str("protocol") != "udp" {
				f = append(f, CheckFailure{"portMin", "portMin and portMax apply only to protocol tcp or udp"})
			}
			return f
		},
		// Rules have no name and no update here: a changed rule is a new rule.
		timeout: 5 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			list, resp, err := api.ListSecurityGroupRulesWithContext(ctx, &vpcv1.ListSecurityGroupRulesOptions{SecurityGroupID: in.strp("securityGroup")})
			if err != nil {
				return "", o.apiError("list the rules for", err, resp)
			}
			var rules struct {
				Rules []ruleWire `json:"rules"`
			}
			if err := asJSON(list, &rules); err != nil {
				return "", err
			}
			for _, r := range rules.Rules {
				if r.same(in) {
					return r.ID, nil
				}
			}
			return "", nil
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			remote := &vpcv1.SecurityGroupRuleRemotePrototype{}
			if r := in.str("remote"); strings.Contains(r, "/") {
				remote.CIDRBlock = &r
			} else {
				remote.Address = &r
			}
			proto := &vpcv1.SecurityGroupRulePrototype{
				Direction: in.strp("direction"), Protocol: in.strp("protocol"), Remote: remote,
				PortMin: in.intp("portMin"), PortMax: in.intp("portMax"),
			}
			r, resp, err := api.CreateSecurityGroupRuleWithContext(ctx, &vpcv1.CreateSecurityGroupRuleOptions{
				SecurityGroupID: in.strp("securityGroup"), SecurityGroupRulePrototype: proto})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			var w ruleWire
			if err := asJSON(r, &w); err != nil {
				return "", err
			}
			return w.ID, nil
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			r, resp, err := api.GetSecurityGroupRuleWithContext(ctx, &vpcv1.GetSecurityGroupRuleOptions{SecurityGroupID: in.strp("securityGroup"), ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			var w ruleWire
			if err := asJSON(r, &w); err != nil {
				return nil, err
			}
			return readyState(pm("direction", w.Direction, "protocol", w.Protocol, "remote", w.remote(),
				"portMin", w.PortMin, "portMax", w.PortMax), nil), nil
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteSecurityGroupRuleWithContext(ctx, &vpcv1.DeleteSecurityGroupRuleOptions{SecurityGroupID: in.strp("securityGroup"), ID: &id}))
		},
	})
}
