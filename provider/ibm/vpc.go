package ibm

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
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
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(v.ID), nil
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
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(p.ID), nil
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
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(g.ID), nil
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
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(s.ID), nil
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
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(g.ID), nil
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

func floatingIPKind() *kind {
	return vpcBound(&kind{
		token:      floatingIPType,
		required:   []string{"name", "region", "zone", "resourceGroup"},
		replace:    []string{"region", "zone", "resourceGroup"},
		computed:   []string{"address", "crn", "status"},
		fields:     map[string]string{"zone.name": "zone", "resource_group": "resourceGroup"},
		uniqueName: true, tagged: true, timeout: 5 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewFloatingIpsPager(&vpcv1.ListFloatingIpsOptions{})
			return findNamed(ctx, o, "list floating IPs for", in.str("name"), p, err, func(f vpcv1.FloatingIP) (*string, *string) { return f.Name, f.ID })
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			rg, err := o.rg(ctx, in)
			if err != nil {
				return "", err
			}
			f, resp, err := api.CreateFloatingIPWithContext(ctx, &vpcv1.CreateFloatingIPOptions{FloatingIPPrototype: &vpcv1.FloatingIPPrototypeFloatingIPByZone{
				Name: in.strp("name"), ResourceGroup: rg, Zone: &vpcv1.ZoneIdentityByName{Name: in.strp("zone")}}})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(f.ID), nil
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			f, resp, err := api.GetFloatingIPWithContext(ctx, &vpcv1.GetFloatingIPOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			return statusState(pm("name", f.Name, "zone", zoneName(f.Zone)), pm("address", f.Address, "crn", f.CRN, "status", f.Status),
				deref(f.Status), available, failedVPC), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			if olds.str("name") == news.str("name") {
				return nil
			}
			_, resp, err := api.UpdateFloatingIPWithContext(ctx, &vpcv1.UpdateFloatingIPOptions{ID: &id, FloatingIPPatch: namePatch(news)})
			return o.apiError("rename", err, resp)
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteFloatingIPWithContext(ctx, &vpcv1.DeleteFloatingIPOptions{ID: &id}))
		},
	})
}

// image finds the newest available public image of an operating system
// (VPC: ListImages, by operating_system.name).
func (o *op) image(ctx context.Context, api *vpcv1.VpcV1, osName string) (string, error) {
	p, err := api.NewImagesPager(&vpcv1.ListImagesOptions{Visibility: core.StringPtr("public"), Status: []string{"available"}})
	all, err := listAll(ctx, o, "list images for", p, err)
	if err != nil {
		return "", err
	}
	var found []vpcv1.Image
	for _, im := range all {
		if im.OperatingSystem != nil && deref(im.OperatingSystem.Name) == osName && deref(im.Status) == "available" {
			found = append(found, im)
		}
	}
	if len(found) == 0 {
		return "", &Error{Op: "create", Type: o.k.token, Name: o.name, Field: "image",
			Message: "no available public image of operating system " + osName}
	}
	sort.Slice(found, func(i, j int) bool {
		a, b := found[i].CreatedAt, found[j].CreatedAt
		if a == nil || b == nil || a.String() == b.String() {
			return deref(found[i].Name) > deref(found[j].Name)
		}
		return a.String() > b.String()
	})
	return deref(found[0].ID), nil
}

func instanceKind() *kind {
	k := vpcBound(&kind{
		token:    instanceType,
		required: []string{"name", "region", "zone", "vpc", "profile", "image", "subnet", "resourceGroup"},
		replace:  []string{"region", "zone", "vpc", "profile", "image", "subnet", "securityGroups", "allowIpSpoofing", "userData", "resourceGroup"},
		computed: []string{"crn", "status", "primaryIpAddress"},
		// The user data may hold keys (the mesh gateway's cloud-init does).
		secret: []string{"userData"},
		fields: map[string]string{"profile.name": "profile", "user_data": "userData", "primary_network_interface.subnet": "subnet",
			"resource_group": "resourceGroup", "zone.name": "zone"},
		uniqueName: true, tagged: true, timeout: 15 * time.Minute,
	}, vpcCalls{
		find: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			p, err := api.NewInstancesPager(&vpcv1.ListInstancesOptions{Name: in.strp("name")})
			return findNamed(ctx, o, "list instances for", in.str("name"), p, err, func(i vpcv1.Instance) (*string, *string) { return i.Name, i.ID })
		},
		create: func(ctx context.Context, o *op, api *vpcv1.VpcV1, in props) (string, error) {
			rg, err := o.rg(ctx, in)
			if err != nil {
				return "", err
			}
			image, err := o.image(ctx, api, in.str("image"))
			if err != nil {
				return "", err
			}
			nic := &vpcv1.NetworkInterfacePrototype{
				Name:            core.StringPtr("eth0"),
				Subnet:          &vpcv1.SubnetIdentityByID{ID: in.strp("subnet")},
				AllowIPSpoofing: in.boolp("allowIpSpoofing"),
			}
			for _, sg := range in.strs("securityGroups") {
				nic.SecurityGroups = append(nic.SecurityGroups, &vpcv1.SecurityGroupIdentityByID{ID: core.StringPtr(sg)})
			}
			i, resp, err := api.CreateInstanceWithContext(ctx, &vpcv1.CreateInstanceOptions{InstancePrototype: &vpcv1.InstancePrototypeInstanceByImage{
				Name: in.strp("name"), Zone: &vpcv1.ZoneIdentityByName{Name: in.strp("zone")},
				VPC: &vpcv1.VPCIdentityByID{ID: in.strp("vpc")}, Profile: &vpcv1.InstanceProfileIdentityByName{Name: in.strp("profile")},
				Image: &vpcv1.ImageIdentityByID{ID: &image}, PrimaryNetworkInterface: nic,
				UserData: in.strp("userData"), ResourceGroup: rg,
			}})
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(i.ID), nil
		},
		read: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) (*state, error) {
			i, resp, err := api.GetInstanceWithContext(ctx, &vpcv1.GetInstanceOptions{ID: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			ins := pm("name", i.Name, "zone", zoneName(i.Zone))
			if i.Profile != nil {
				ins["profile"] = val(i.Profile.Name)
			}
			outs := pm("crn", i.CRN, "status", i.Status)
			if nic := i.PrimaryNetworkInterface; nic != nil {
				if nic.PrimaryIP != nil {
					outs["primaryIpAddress"] = val(nic.PrimaryIP.Address)
				}
				if nic.Subnet != nil {
					ins["subnet"] = val(nic.Subnet.ID)
				}
				if fip := in.str("floatingIp"); fip != "" {
					bound, err := o.boundTo(ctx, api, id, deref(nic.ID), fip)
					if err != nil {
						return nil, err
					}
					if !bound {
						ins["floatingIp"] = resource.NewNullProperty()
					}
				}
			}
			return statusState(ins, outs, deref(i.Status), []string{"running"}, []string{"failed"}), nil
		},
		update: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, olds, news props) error {
			if olds.str("name") != news.str("name") {
				_, resp, err := api.UpdateInstanceWithContext(ctx, &vpcv1.UpdateInstanceOptions{ID: &id, InstancePatch: namePatch(news)})
				if err != nil {
					return o.apiError("rename", err, resp)
				}
			}
			if old := olds.str("floatingIp"); old != "" && old != news.str("floatingIp") {
				nic, err := o.primaryNIC(ctx, api, id)
				if err != nil {
					return err
				}
				resp, err := api.RemoveInstanceNetworkInterfaceFloatingIPWithContext(ctx, &vpcv1.RemoveInstanceNetworkInterfaceFloatingIPOptions{
					InstanceID: &id, NetworkInterfaceID: &nic, ID: &old})
				if err != nil && !notFound(resp) {
					return o.apiError("unbind the floating IP of", err, resp)
				}
			}
			// A new floating IP is bound by afterReady.
			return nil
		},
		del: func(ctx context.Context, o *op, api *vpcv1.VpcV1, id string, in props) error {
			return o.deleted(api.DeleteInstanceWithContext(ctx, &vpcv1.DeleteInstanceOptions{ID: &id}))
		},
	})
	// The floating IP is bound once the instance runs, also when an earlier
	// attempt made the instance but not the binding.
	k.afterReady = func(ctx context.Context, o *op, id string, in props) error {
		fip := in.str("floatingIp")
		if fip == "" {
			return nil
		}
		api, err := o.vpcAPI(in)
		if err != nil {
			return err
		}
		nic, err := o.primaryNIC(ctx, api, id)
		if err != nil {
			return err
		}
		if bound, err := o.boundTo(ctx, api, id, nic, fip); err != nil || bound {
			return err
		}
		// A replacement made before its predecessor is deleted (the mesh
		// gateway, whose name changes with its configuration) takes the
		// floating IP over: unbind it from the old interface first, since a
		// floating IP has one target (VPC: GetFloatingIP target,
		// RemoveInstanceNetworkInterfaceFloatingIP).
		if err := o.unbindElsewhere(ctx, api, fip, nic); err != nil {
			return err
		}
		_, resp, err := api.AddInstanceNetworkInterfaceFloatingIPWithContext(ctx, &vpcv1.AddInstanceNetworkInterfaceFloatingIPOptions{
			InstanceID: &id, NetworkInterfaceID: &nic, ID: &fip})
		if err != nil {
			return o.apiError("bind the floating IP to", err, resp)
		}
		return nil
	}
	return k
}

func (o *op) primaryNIC(ctx context.Context, api *vpcv1.VpcV1, id string) (string, error) {
	i, resp, err := api.GetInstanceWithContext(ctx, &vpcv1.GetInstanceOptions{ID: &id})
	if err != nil {
		return "", o.apiError("read", err, resp)
	}
	if i.PrimaryNetworkInterface == nil {
		return "", &Error{Op: "read", Type: o.k.token, Name: o.name, Message: "the instance has no primary network interface"}
	}
	return deref(i.PrimaryNetworkInterface.ID), nil
}

// unbindElsewhere unbinds a floating IP from an instance interface other
// than nic, if it is bound to one.
func (o *op) unbindElsewhere(ctx context.Context, api *vpcv1.VpcV1, fip, nic string) error {
	f, resp, err := api.GetFloatingIPWithContext(ctx, &vpcv1.GetFloatingIPOptions{ID: &fip})
	if err != nil {
		return o.apiError("read the floating IP of", err, resp)
	}
	var w struct {
		Target struct {
			ID   string `json:"id"`
			Href string `json:"href"`
		} `json:"target"`
	}
	if err := asJSON(f, &w); err != nil {
		return err
	}
	if w.Target.ID == "" || w.Target.ID == nic {
		return nil
	}
	// The target is an instance's network interface; its href names the
	// instance (/v1/instances/{instance}/network_interfaces/{nic}).
	owner := ""
	if _, rest, ok := strings.Cut(w.Target.Href, "/instances/"); ok {
		owner, _, _ = strings.Cut(rest, "/")
	}
	if owner == "" {
		owner, err = o.instanceOfNIC(ctx, api, w.Target.ID)
		if err != nil || owner == "" {
			return err
		}
	}
	resp, err = api.RemoveInstanceNetworkInterfaceFloatingIPWithContext(ctx, &vpcv1.RemoveInstanceNetworkInterfaceFloatingIPOptions{
		InstanceID: &owner, NetworkInterfaceID: &w.Target.ID, ID: &fip})
	if err != nil && !notFound(resp) {
		return o.apiError("unbind the floating IP from its previous instance for", err, resp)
	}
	return nil
}

// instanceOfNIC finds the instance whose primary interface is nic.
func (o *op) instanceOfNIC(ctx context.Context, api *vpcv1.VpcV1, nic string) (string, error) {
	p, err := api.NewInstancesPager(&vpcv1.ListInstancesOptions{})
	all, err := listAll(ctx, o, "list instances for", p, err)
	if err != nil {
		return "", err
	}
	for _, i := range all {
		if i.PrimaryNetworkInterface != nil && deref(i.PrimaryNetworkInterface.ID) == nic {
			return deref(i.ID), nil
		}
	}
	return "", nil
}

// boundTo says whether a floating IP is bound to an instance's interface
// (VPC: GetInstanceNetworkInterfaceFloatingIP, 404 when it is not).
func (o *op) boundTo(ctx context.Context, api *vpcv1.VpcV1, instance, nic, fip string) (bool, error) {
	_, resp, err := api.GetInstanceNetworkInterfaceFloatingIPWithContext(ctx, &vpcv1.GetInstanceNetworkInterfaceFloatingIPOptions{
		InstanceID: &instance, NetworkInterfaceID: &nic, ID: &fip})
	if notFound(resp) {
		return false, nil
	}
	if err != nil {
		return false, o.apiError("read the floating IP of", err, resp)
	}
	return true, nil
}

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
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(r.ID), nil
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
			if err != nil {
				return "", o.apiError("create", err, resp)
			}
			return deref(lb.ID), nil
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
