package ibm

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

// The IBM Cloud Internet Services types: the CIS instance (Resource
// Controller, service internet-svcs) and, inside it, a domain with its
// global load balancer (CIS API, api.cis.cloud.ibm.com; networking-go-sdk
// zonesv1, globalloadbalancermonitorv1, globalloadbalancerpoolsv0,
// globalloadbalancerv1). CIS addresses everything by the instance's CRN;
// monitors and pools belong to the instance, load balancers to a domain.
const (
	CisInstanceType           = "infra:ibm:CisInstance"
	CisDomainType             = "infra:ibm:CisDomain"
	CisHealthCheckType        = "infra:ibm:CisHealthCheck"
	CisOriginPoolType         = "infra:ibm:CisOriginPool"
	CisGlobalLoadBalancerType = "infra:ibm:CisGlobalLoadBalancer"
)

// CisInstance is a Cloud Internet Services instance
// (Resource Controller: POST /v2/resource_instances, target "global").
type CisInstance struct {
	pulumi.CustomResourceState

	Name          pulumi.StringOutput      `pulumi:"name"`
	Plan          pulumi.StringOutput      `pulumi:"plan"`
	ResourceGroup pulumi.StringOutput      `pulumi:"resourceGroup"`
	Tags          pulumi.StringArrayOutput `pulumi:"tags"`
	// Crn is what every CIS call names the instance by.
	Crn    pulumi.StringOutput `pulumi:"crn"`
	Guid   pulumi.StringOutput `pulumi:"guid"`
	Status pulumi.StringOutput `pulumi:"status"`
}

type cisInstanceArgs struct {
	Name          string   `pulumi:"name"`
	Plan          string   `pulumi:"plan"`
	ResourceGroup string   `pulumi:"resourceGroup"`
	Tags          []string `pulumi:"tags"`
}

// CisInstanceArgs are the inputs of a CisInstance.
type CisInstanceArgs struct {
	Name pulumi.StringInput // required
	// Plan is the catalog plan's name, e.g. standard-next (resolved to its id). Required.
	Plan pulumi.StringInput
	// ResourceGroup is the group's name (resolved to its id). Required.
	ResourceGroup pulumi.StringInput
	Tags          pulumi.StringArrayInput
}

// ElementType is the plain shape CisInstanceArgs marshals as.
func (CisInstanceArgs) ElementType() reflect.Type { return reflect.TypeFor[cisInstanceArgs]() }

// NewCisInstance declares a CisInstance.
func NewCisInstance(ctx *pulumi.Context, name string, args *CisInstanceArgs, opts ...pulumi.ResourceOption) (*CisInstance, error) {
	return declare[CisInstance](ctx, CisInstanceType, name, args, opts, "Name", "Plan", "ResourceGroup")
}

// CisDomain is a DNS zone served by a CIS instance (POST /v1/{crn}/zones).
// It serves once the registrar delegates the domain to NameServers.
type CisDomain struct {
	pulumi.CustomResourceState

	Cis    pulumi.StringOutput `pulumi:"cis"`
	Domain pulumi.StringOutput `pulumi:"domain"`
	Type   pulumi.StringOutput `pulumi:"type"`
	// NameServers are CIS's name servers to delegate the domain to.
	NameServers pulumi.StringArrayOutput `pulumi:"nameServers"`
	// Status is pending until the delegation is seen, then active.
	Status pulumi.StringOutput `pulumi:"status"`
}

type cisDomainArgs struct {
	Cis    string  `pulumi:"cis"`
	Domain string  `pulumi:"domain"`
	Type   *string `pulumi:"type"`
}

// CisDomainArgs are the inputs of a CisDomain.
type CisDomainArgs struct {
	// Cis is the instance's CRN. Required.
	Cis pulumi.StringInput
	// Domain is the zone's name, e.g. example.com (API: name). Required.
	Domain pulumi.StringInput
	// Type is full (CIS is the authoritative DNS) or partial (CNAME setup). Default full.
	Type pulumi.StringPtrInput
}

// ElementType is the plain shape CisDomainArgs marshals as.
func (CisDomainArgs) ElementType() reflect.Type { return reflect.TypeFor[cisDomainArgs]() }

// NewCisDomain declares a CisDomain.
func NewCisDomain(ctx *pulumi.Context, name string, args *CisDomainArgs, opts ...pulumi.ResourceOption) (*CisDomain, error) {
	return declare[CisDomain](ctx, CisDomainType, name, args, opts, "Cis", "Domain")
}

// CisHealthCheck is a load-balancer monitor (POST /v1/{crn}/load_balancers/monitors).
type CisHealthCheck struct {
	pulumi.CustomResourceState

	Cis      pulumi.StringOutput `pulumi:"cis"`
	Type     pulumi.StringOutput `pulumi:"type"`
	Path     pulumi.StringOutput `pulumi:"path"`
	Port     pulumi.IntOutput    `pulumi:"port"`
	Interval pulumi.IntOutput    `pulumi:"interval"`
	Timeout  pulumi.IntOutput    `pulumi:"timeout"`
	Retries  pulumi.IntOutput    `pulumi:"retries"`
}

type cisHealthCheckArgs struct {
	Cis             string              `pulumi:"cis"`
	Description     *string             `pulumi:"description"`
	Type            string              `pulumi:"type"`
	Method          *string             `pulumi:"method"`
	Port            *int                `pulumi:"port"`
	Path            *string             `pulumi:"path"`
	Interval        *int                `pulumi:"interval"`
	Timeout         *int                `pulumi:"timeout"`
	Retries         *int                `pulumi:"retries"`
	ExpectedCodes   *string             `pulumi:"expectedCodes"`
	FollowRedirects *bool               `pulumi:"followRedirects"`
	AllowInsecure   *bool               `pulumi:"allowInsecure"`
	Header          map[string][]string `pulumi:"header"`
}

// CisHealthCheckArgs are the inputs of a CisHealthCheck.
type CisHealthCheckArgs struct {
	// Cis is the instance's CRN. Required.
	Cis         pulumi.StringInput
	Description pulumi.StringPtrInput
	// Type is http, https or tcp. Required.
	Type pulumi.StringInput
	// Method is the HTTP method, GET by default.
	Method pulumi.StringPtrInput
	Port   pulumi.IntPtrInput
	Path   pulumi.StringPtrInput
	// Interval, Timeout: seconds. Retries: extra attempts before an origin is unhealthy.
	Interval pulumi.IntPtrInput
	Timeout  pulumi.IntPtrInput
	Retries  pulumi.IntPtrInput
	// ExpectedCodes is a status code or pattern, e.g. 2xx.
	ExpectedCodes   pulumi.StringPtrInput
	FollowRedirects pulumi.BoolPtrInput
	// AllowInsecure skips certificate validation for https.
	AllowInsecure pulumi.BoolPtrInput
	// Header are request headers, e.g. Host: the load-balanced hostname.
	Header pulumi.StringArrayMapInput
}

// ElementType is the plain shape CisHealthCheckArgs marshals as.
func (CisHealthCheckArgs) ElementType() reflect.Type { return reflect.TypeFor[cisHealthCheckArgs]() }

// NewCisHealthCheck declares a CisHealthCheck.
func NewCisHealthCheck(ctx *pulumi.Context, name string, args *CisHealthCheckArgs, opts ...pulumi.ResourceOption) (*CisHealthCheck, error) {
	return declare[CisHealthCheck](ctx, CisHealthCheckType, name, args, opts, "Cis", "Type")
}

// CisOrigin is one origin of a pool.
type CisOrigin struct {
	Name    string   `pulumi:"name"`
	Address string   `pulumi:"address"`
	Enabled *bool    `pulumi:"enabled"`
	Weight  *float64 `pulumi:"weight"`
}

// CisOriginArgs is an origin as an input.
type CisOriginArgs struct {
	Name pulumi.StringInput
	// Address is a public IP or hostname.
	Address pulumi.StringInput
	Enabled pulumi.BoolPtrInput
	// Weight shares traffic among a pool's origins, 0 to 1.
	Weight pulumi.Float64PtrInput
}

// ElementType is the plain shape CisOriginArgs marshals as.
func (CisOriginArgs) ElementType() reflect.Type { return reflect.TypeFor[CisOrigin]() }

// CisOriginArray is a list of origins as an input.
type CisOriginArray []CisOriginArgs

// ElementType is the plain shape CisOriginArray marshals as.
func (CisOriginArray) ElementType() reflect.Type { return reflect.TypeOf((*[]CisOrigin)(nil)).Elem() }

var errNoOrigins = errors.New("invalid value for required argument 'Origins': a pool needs at least one origin")

// CisOriginPool is a load-balancer pool (POST /v1/{crn}/load_balancers/pools).
type CisOriginPool struct {
	pulumi.CustomResourceState

	Cis            pulumi.StringOutput      `pulumi:"cis"`
	Name           pulumi.StringOutput      `pulumi:"name"`
	CheckRegions   pulumi.StringArrayOutput `pulumi:"checkRegions"`
	Monitor        pulumi.StringPtrOutput   `pulumi:"monitor"`
	MinimumOrigins pulumi.IntOutput         `pulumi:"minimumOrigins"`
	// Healthy is CIS's current view of the pool.
	Healthy pulumi.BoolOutput `pulumi:"healthy"`
}

type cisOriginPoolArgs struct {
	Cis               string      `pulumi:"cis"`
	Name              string      `pulumi:"name"`
	Description       *string     `pulumi:"description"`
	Origins           []CisOrigin `pulumi:"origins"`
	CheckRegions      []string    `pulumi:"checkRegions"`
	MinimumOrigins    *int        `pulumi:"minimumOrigins"`
	Enabled           *bool       `pulumi:"enabled"`
	Monitor           *string     `pulumi:"monitor"`
	NotificationEmail *string     `pulumi:"notificationEmail"`
}

// CisOriginPoolArgs are the inputs of a CisOriginPool.
type CisOriginPoolArgs struct {
	// Cis is the instance's CRN. Required.
	Cis         pulumi.StringInput
	Name        pulumi.StringInput // required
	Description pulumi.StringPtrInput
	Origins     CisOriginArray // required, at least one
	// CheckRegions are the CIS regions (WNAM, WEU...) that probe the
	// origins; unset means every region.
	CheckRegions   pulumi.StringArrayInput
	MinimumOrigins pulumi.IntPtrInput
	Enabled        pulumi.BoolPtrInput
	// Monitor is the CisHealthCheck's id.
	Monitor           pulumi.StringPtrInput
	NotificationEmail pulumi.StringPtrInput
}

// ElementType is the plain shape CisOriginPoolArgs marshals as.
func (CisOriginPoolArgs) ElementType() reflect.Type { return reflect.TypeFor[cisOriginPoolArgs]() }

// NewCisOriginPool declares a CisOriginPool.
func NewCisOriginPool(ctx *pulumi.Context, name string, args *CisOriginPoolArgs, opts ...pulumi.ResourceOption) (*CisOriginPool, error) {
	if args != nil && len(args.Origins) == 0 {
		return nil, errNoOrigins
	}
	return declare[CisOriginPool](ctx, CisOriginPoolType, name, args, opts, "Cis", "Name")
}

// CisGlobalLoadBalancer is a domain's global load balancer
// (POST /v1/{crn}/zones/{zone_id}/load_balancers).
type CisGlobalLoadBalancer struct {
	pulumi.CustomResourceState

	Cis            pulumi.StringOutput      `pulumi:"cis"`
	Domain         pulumi.StringOutput      `pulumi:"domain"`
	Name           pulumi.StringOutput      `pulumi:"name"`
	SteeringPolicy pulumi.StringOutput      `pulumi:"steeringPolicy"`
	DefaultPools   pulumi.StringArrayOutput `pulumi:"defaultPools"`
	FallbackPool   pulumi.StringOutput      `pulumi:"fallbackPool"`
}

type cisGlobalLoadBalancerArgs struct {
	Cis             string              `pulumi:"cis"`
	Domain          string              `pulumi:"domain"`
	Name            string              `pulumi:"name"`
	Description     *string             `pulumi:"description"`
	DefaultPools    []string            `pulumi:"defaultPools"`
	FallbackPool    string              `pulumi:"fallbackPool"`
	RegionPools     map[string][]string `pulumi:"regionPools"`
	SteeringPolicy  *string             `pulumi:"steeringPolicy"`
	Ttl             *int                `pulumi:"ttl"`
	Proxied         *bool               `pulumi:"proxied"`
	Enabled         *bool               `pulumi:"enabled"`
	SessionAffinity *string             `pulumi:"sessionAffinity"`
}

// CisGlobalLoadBalancerArgs are the inputs of a CisGlobalLoadBalancer.
type CisGlobalLoadBalancerArgs struct {
	// Cis is the instance's CRN. Required.
	Cis pulumi.StringInput
	// Domain is the CisDomain's id (the path's {zone_id}). Required.
	Domain pulumi.StringInput
	// Name is the load-balanced hostname. Required.
	Name        pulumi.StringInput
	Description pulumi.StringPtrInput
	// DefaultPools are pool ids in failover order. Required.
	DefaultPools pulumi.StringArrayInput
	// FallbackPool takes traffic when every pool is unhealthy. Required.
	FallbackPool pulumi.StringInput
	// RegionPools maps CIS region codes to pool ids, for geo steering.
	RegionPools pulumi.StringArrayMapInput
	// SteeringPolicy is off, geo, random or dynamic_latency (clouds.md §2.5).
	SteeringPolicy pulumi.StringPtrInput
	// Ttl of the DNS answers, seconds; ignored when proxied.
	Ttl             pulumi.IntPtrInput
	Proxied         pulumi.BoolPtrInput
	Enabled         pulumi.BoolPtrInput
	SessionAffinity pulumi.StringPtrInput
}

// ElementType is the plain shape CisGlobalLoadBalancerArgs marshals as.
func (CisGlobalLoadBalancerArgs) ElementType() reflect.Type {
	return reflect.TypeFor[cisGlobalLoadBalancerArgs]()
}

// NewCisGlobalLoadBalancer declares a CisGlobalLoadBalancer.
func NewCisGlobalLoadBalancer(ctx *pulumi.Context, name string, args *CisGlobalLoadBalancerArgs, opts ...pulumi.ResourceOption) (*CisGlobalLoadBalancer, error) {
	return declare[CisGlobalLoadBalancer](ctx, CisGlobalLoadBalancerType, name, args, opts, "Cis", "Domain", "Name", "DefaultPools", "FallbackPool")
}

// CisPlan is the CIS service plan: Standard, which has global load
// balancing with every steering policy of clouds.md §2.5.
const CisPlan = "standard-next"

// GlobalLoadBalancerArgs is what the CIS global load balancer is built from.
type GlobalLoadBalancerArgs struct {
	Spec *topology.Spec
	GLB  *network.GLB
	// Ingress are the member regions' ingress addresses, their regional
	// stacks' ingressAddress exports, by region ID.
	Ingress map[string]pulumi.StringInput
	// ResourceGroup is the name of the group that holds the CIS instance.
	ResourceGroup string
}

// GlobalLoadBalancer declares a CIS instance serving the hostname's zone,
// one monitor from the spec's health check, an origin pool per spec pool
// (its origins the members' ingress load balancers, probed from the pool's
// geo regions), and the load balancer: default pools in spec order, the
// fallback pool, and region pools from each pool's geo. It answers in DNS
// only (not proxied), so clients reach the regions' own TLS endpoints.
func GlobalLoadBalancer(ctx *pulumi.Context, args GlobalLoadBalancerArgs) (*CisGlobalLoadBalancer, *CisDomain, error) {
	g, spec := args.GLB, args.Spec
	if g == nil || spec == nil || g.Fallback == nil {
		return nil, nil, fmt.Errorf("ibm cis: Spec and a GLB with a fallback pool are required")
	}
	tags, err := envTags(spec, "")
	if err != nil {
		return nil, nil, err
	}
	inst, err := NewCisInstance(ctx, "ibm-cis", &CisInstanceArgs{
		Name:          pulumi.String(spec.Name + "-cis"),
		Plan:          pulumi.String(CisPlan),
		ResourceGroup: pulumi.String(args.ResourceGroup),
		Tags:          tags,
	})
	if err != nil {
		return nil, nil, err
	}
	crn := inst.Crn
	domain, err := NewCisDomain(ctx, "ibm-cis-domain", &CisDomainArgs{
		Cis:    crn,
		Domain: pulumi.String(g.Zone),
		Type:   pulumi.String("full"),
	})
	if err != nil {
		return nil, nil, err
	}
	h := g.HealthCheck
	monitor, err := NewCisHealthCheck(ctx, "ibm-cis-health-check", &CisHealthCheckArgs{
		Cis:             crn,
		Description:     pulumi.String(fmt.Sprintf("%s %s:%d%s", strings.ToUpper(h.Protocol), g.Hostname, h.Port, h.Path)),
		Type:            pulumi.String(h.Protocol),
		Method:          pulumi.String("GET"),
		Port:            pulumi.Int(h.Port),
		Path:            pulumi.String(h.Path),
		Interval:        pulumi.Int(int(h.Interval.Seconds())),
		Timeout:         pulumi.Int(int(h.Timeout.Seconds())),
		Retries:         pulumi.Int(h.Retries),
		ExpectedCodes:   pulumi.String("2xx"),
		FollowRedirects: pulumi.Bool(false),
		AllowInsecure:   pulumi.Bool(false),
		// The ingress routes by host: probe as a client of the hostname would.
		Header: pulumi.StringArrayMap{"Host": pulumi.StringArray{pulumi.String(g.Hostname)}},
	})
	if err != nil {
		return nil, nil, err
	}
	ids := map[*network.GLBPool]pulumi.StringOutput{}
	var defaults pulumi.StringArray
	regionPools := pulumi.StringArrayMap{}
	for _, p := range g.Pools {
		var origins CisOriginArray
		for _, m := range p.Members {
			addr, ok := args.Ingress[m.ID]
			if !ok || addr == nil {
				return nil, nil, fmt.Errorf("ibm cis: pool %s: no ingress address for %s", p.Name, m.ID)
			}
			origins = append(origins, CisOriginArgs{
				Name:    pulumi.String(m.ID),
				Address: addr,
				Enabled: pulumi.Bool(true),
				Weight:  pulumi.Float64(1),
			})
		}
		var check pulumi.StringArrayInput
		if len(p.Geo) > 0 {
			check = pulumi.ToStringArray(p.Geo)
		}
		pool, err := NewCisOriginPool(ctx, "ibm-cis-pool-"+p.Name, &CisOriginPoolArgs{
			Cis:            crn,
			Name:           pulumi.String(spec.Name + "-" + p.Name),
			Description:    pulumi.String(fmt.Sprintf("pool %s of %s", p.Name, g.Hostname)),
			Origins:        origins,
			CheckRegions:   check,
			MinimumOrigins: pulumi.Int(1),
			Enabled:        pulumi.Bool(true),
			Monitor:        monitor.ID().ToStringOutput().ToStringPtrOutput(),
		})
		if err != nil {
			return nil, nil, err
		}
		id := pool.ID().ToStringOutput()
		ids[p] = id
		defaults = append(defaults, id)
		for _, code := range p.Geo {
			regionPools[code] = pulumi.StringArray{id}
		}
	}
	lbArgs := &CisGlobalLoadBalancerArgs{
		Cis:             crn,
		Domain:          domain.ID().ToStringOutput(),
		Name:            pulumi.String(g.Hostname),
		Description:     pulumi.String(fmt.Sprintf("%s: %s steering over %d pools", g.Hostname, g.Steering, len(g.Pools))),
		DefaultPools:    defaults,
		FallbackPool:    ids[g.Fallback],
		SteeringPolicy:  pulumi.String(g.Steering),
		Ttl:             pulumi.Int(DNSTTL),
		Proxied:         pulumi.Bool(false),
		Enabled:         pulumi.Bool(true),
		SessionAffinity: pulumi.String("none"),
	}
	if len(regionPools) > 0 {
		lbArgs.RegionPools = regionPools
	}
	lb, err := NewCisGlobalLoadBalancer(ctx, "ibm-cis-glb", lbArgs)
	if err != nil {
		return nil, nil, err
	}
	return lb, domain, nil
}

// DNSTTL is the TTL of load-balanced answers, in seconds: short, so that
// clients follow a failover within a minute of the health checks.
const DNSTTL = 60
