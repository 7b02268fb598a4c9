package aws

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/network"
	"infra/topology"
)

// Route53Args is what the Route 53 global load balancer is built from.
type Route53Args struct {
	Spec      *topology.Spec
	GLB       *network.GLB
	Providers *Providers
	// Account holds the hosted zone and the health checks; Region is the
	// provider's region (Route 53 itself is global).
	Account Account
	Region  string
	// Origins are the member regions' ingress endpoints, by region ID.
	Origins map[string]Origin
}

// Origin is a member region's ingress as its regional stack exported it.
type Origin struct {
	Address pulumi.StringInput
	// Hostname is true when Address is a DNS name (AWS and IBM load
	// balancers), false when it is an IPv4 address (Hetzner, OVH).
	Hostname bool
}

// RecordTTL is the TTL of every record, in seconds: short, so that
// clients follow a failover within a minute of the health checks.
const RecordTTL = 60

// Route53 declares the global load balancer on Route 53: a hosted zone for
// the hostname's domain, a health check per member region probing its
// ingress as the spec says, and records in three layers:
//
//   - <region>.origin.<hostname>: an A record for an origin that is an IP
//     address, so that every record above can be a CNAME;
//   - <pool>.pool.<hostname>: weighted records, one per member, each with
//     the member's health check; the pool's calculated health check is
//     healthy while one member is;
//   - <hostname>: the steering. off is a chain of failover records over
//     the pools in spec order with the fallback pool last; geo is
//     geolocation records from the pools' CIS codes (network.GLB
//     Geolocations), whose default record is that chain;
//     dynamic_latency is latency records, one per pool at the AWS region
//     nearest its lead member, behind a failover record whose secondary is
//     the fallback pool.
//
// It returns the hosted zone, whose name servers the domain must be
// delegated to.
func Route53(ctx *pulumi.Context, args Route53Args) (*route53.Zone, error) {
	g := args.GLB
	if args.Spec == nil || g == nil || g.Fallback == nil || args.Providers == nil {
		return nil, fmt.Errorf("aws route53: Spec, Providers and a GLB with a fallback pool are required")
	}
	in, err := args.Providers.In(args.Region, args.Account)
	if err != nil {
		return nil, err
	}
	r := &r53{ctx: ctx, args: args, g: g, in: in, checks: map[string]pulumi.StringOutput{}, pools: map[*network.GLBPool]pulumi.StringOutput{}}
	zone, err := route53.NewZone(ctx, "route53-zone", &route53.ZoneArgs{
		Name:    pulumi.String(g.Zone),
		Comment: pulumi.String(fmt.Sprintf("%s: global load balancing of %s", args.Spec.Name, g.Hostname)),
		Tags:    pulumi.StringMap{"Name": pulumi.String(g.Zone)},
	}, in)
	if err != nil {
		return nil, err
	}
	r.zone = zone.ZoneId
	for _, o := range g.Origins {
		if err := r.origin(o); err != nil {
			return nil, err
		}
	}
	for _, p := range g.Pools {
		if err := r.pool(p); err != nil {
			return nil, err
		}
	}
	switch g.Steering {
	case "off":
		err = r.chain(g.Hostname, "failover", g.FailoverOrder())
	case "geo":
		err = r.geo()
	case "dynamic_latency":
		err = r.latency()
	default:
		err = fmt.Errorf("aws route53: steering %q has no Route 53 records", g.Steering)
	}
	if err != nil {
		return nil, err
	}
	return zone, nil
}

type r53 struct {
	ctx  *pulumi.Context
	args Route53Args
	g    *network.GLB
	in   pulumi.ResourceOption
	zone pulumi.StringOutput
	// checks are health check ids by region ID; pools the calculated
	// checks by pool.
	checks map[string]pulumi.StringOutput
	pools  map[*network.GLBPool]pulumi.StringOutput
	// target is what a pool's members' records point at, by region ID.
	target map[string]pulumi.StringInput
}

// OriginName is the name Route 53 probes a region's load balancer by when
// the load balancer is known by a DNS name: <region ID>.origin.<hostname>,
// a CNAME to it, so the Host header and SNI are a name under the hostname
// the region's ingress answers.
func OriginName(hostname, regionID string) string { return regionID + ".origin." + hostname }

func (r *r53) fqdn(labels ...string) string {
	return strings.Join(append(labels, r.g.Hostname), ".")
}

func (r *r53) poolName(p *network.GLBPool) string { return r.fqdn(p.Name, "pool") }

// record declares one CNAME (or A) record with the options given.
func (r *r53) record(name string, args *route53.RecordArgs) error {
	args.ZoneId = r.zone
	if args.Type == nil {
		args.Type = pulumi.String("CNAME")
	}
	args.Ttl = pulumi.Int(RecordTTL)
	_, err := route53.NewRecord(r.ctx, name, args, r.in)
	return err
}

// origin declares the member's health check and, for an IP origin, its
// A record.
func (r *r53) origin(o *network.Origin) error {
	in, ok := r.args.Origins[o.ID]
	if !ok || in.Address == nil {
		return fmt.Errorf("aws route53: no ingress address for %s", o.ID)
	}
	if r.target == nil {
		r.target = map[string]pulumi.StringInput{}
	}
	h := r.g.HealthCheck
	args := &route53.HealthCheckArgs{
		Type:         pulumi.String(strings.ToUpper(h.Protocol)),
		Port:         pulumi.Int(h.Port),
		ResourcePath: pulumi.String(h.Path),
		// Route 53 probes every 10 or 30 seconds, nothing else.
		RequestInterval:  pulumi.Int(requestInterval(h)),
		FailureThreshold: pulumi.Int(min(max(h.Retries+1, 1), 10)),
		Tags:             pulumi.StringMap{"Name": pulumi.String(o.ID)},
	}
	if h.Protocol == "https" {
		args.EnableSni = pulumi.Bool(true)
	}
	if in.Hostname {
		// Probing the load balancer's own DNS name would send it as Host
		// header and SNI, which an ingress routing by host answers with 404
		// (Route 53 Developer Guide, "Values that you specify when you create
		// or update health checks": FullyQualifiedDomainName is the Host
		// header when no IPAddress is given). The origin gets a name under
		// the platform's hostname, a CNAME to the load balancer, and that
		// name is probed: the ingress serves it as it serves IP origins'.
		name := OriginName(r.g.Hostname, o.ID)
		if err := r.record("route53-origin-"+o.ID, &route53.RecordArgs{
			Name:    pulumi.String(name),
			Type:    pulumi.String("CNAME"),
			Records: pulumi.StringArray{in.Address},
		}); err != nil {
			return err
		}
		args.Fqdn = pulumi.String(name)
		r.target[o.ID] = in.Address
	} else {
		// Probe the address, presenting the hostname (Host header, SNI)
		// as a client of the load balancer would.
		args.IpAddress = in.Address
		args.Fqdn = pulumi.String(r.g.Hostname)
		name := OriginName(r.g.Hostname, o.ID)
		if err := r.record("route53-origin-"+o.ID, &route53.RecordArgs{
			Name:    pulumi.String(name),
			Type:    pulumi.String("A"),
			Records: pulumi.StringArray{in.Address},
		}); err != nil {
			return err
		}
		r.target[o.ID] = pulumi.String(name)
	}
	hc, err := route53.NewHealthCheck(r.ctx, "route53-health-"+o.ID, args, r.in)
	if err != nil {
		return err
	}
	r.checks[o.ID] = hc.ID().ToStringOutput()
	return nil
}

// requestInterval is the Route 53 interval closest to the spec's below it.
func requestInterval(h topology.HealthCheck) int {
	if h.Interval.Seconds() >= 30 {
		return 30
	}
	return 10
}

// calculated declares a health check that is healthy while one of its
// children is.
func (r *r53) calculated(name, tag string, children pulumi.StringArray) (pulumi.StringOutput, error) {
	hc, err := route53.NewHealthCheck(r.ctx, name, &route53.HealthCheckArgs{
		Type:                 pulumi.String("CALCULATED"),
		ChildHealthchecks:    children,
		ChildHealthThreshold: pulumi.Int(1),
		Tags:                 pulumi.StringMap{"Name": pulumi.String(tag)},
	}, r.in)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return hc.ID().ToStringOutput(), nil
}

// pool declares the pool's weighted records and its calculated check.
func (r *r53) pool(p *network.GLBPool) error {
	var children pulumi.StringArray
	for _, m := range p.Members {
		if err := r.record("route53-pool-"+p.Name+"-"+m.ID, &route53.RecordArgs{
			Name:                    pulumi.String(r.poolName(p)),
			Records:                 pulumi.StringArray{r.target[m.ID]},
			SetIdentifier:           pulumi.String(m.ID),
			WeightedRoutingPolicies: route53.RecordWeightedRoutingPolicyArray{&route53.RecordWeightedRoutingPolicyArgs{Weight: pulumi.Int(1)}},
			HealthCheckId:           r.checks[m.ID],
		}); err != nil {
			return err
		}
		children = append(children, r.checks[m.ID])
	}
	id, err := r.calculated("route53-health-pool-"+p.Name, "pool "+p.Name, children)
	if err != nil {
		return err
	}
	r.pools[p] = id
	return nil
}

// chain answers name with the first healthy pool of order: failover
// records whose secondary is the rest of the chain, one level down, and
// finally the last pool whatever its health.
func (r *r53) chain(name, prefix string, order []*network.GLBPool) error {
	if len(order) == 1 {
		return r.record("route53-"+prefix, &route53.RecordArgs{
			Name:    pulumi.String(name),
			Records: pulumi.StringArray{pulumi.String(r.poolName(order[0]))},
		})
	}
	for k := 0; k+1 < len(order); k++ {
		level := name
		if k > 0 {
			level = r.fqdn(prefix + "-" + strconv.Itoa(k))
		}
		next := r.poolName(order[k+1])
		if k+2 < len(order) {
			next = r.fqdn(prefix + "-" + strconv.Itoa(k+1))
		}
		id := "route53-" + prefix + "-" + strconv.Itoa(k)
		if err := r.record(id+"-primary", &route53.RecordArgs{
			Name:                    pulumi.String(level),
			Records:                 pulumi.StringArray{pulumi.String(r.poolName(order[k]))},
			SetIdentifier:           pulumi.String(order[k].Name),
			FailoverRoutingPolicies: failover("PRIMARY"),
			HealthCheckId:           r.pools[order[k]],
		}); err != nil {
			return err
		}
		// No health check: the secondary answers whenever the primary cannot.
		if err := r.record(id+"-secondary", &route53.RecordArgs{
			Name:                    pulumi.String(level),
			Records:                 pulumi.StringArray{pulumi.String(next)},
			SetIdentifier:           pulumi.String("rest"),
			FailoverRoutingPolicies: failover("SECONDARY"),
		}); err != nil {
			return err
		}
	}
	return nil
}

func failover(typ string) route53.RecordFailoverRoutingPolicyArray {
	return route53.RecordFailoverRoutingPolicyArray{&route53.RecordFailoverRoutingPolicyArgs{Type: pulumi.String(typ)}}
}

// geo declares geolocation records at the hostname. A location whose pool
// is unhealthy falls through to the next larger one, and finally to the
// default record: the pools in failover order.
func (r *r53) geo() error {
	order := r.g.FailoverOrder()
	defaultTarget := r.poolName(order[0])
	if len(order) > 1 {
		defaultTarget = r.fqdn("failover")
		if err := r.chain(defaultTarget, "failover", order); err != nil {
			return err
		}
	}
	for _, l := range r.g.Geolocations() {
		policy := &route53.RecordGeolocationRoutingPolicyArgs{}
		switch {
		case l.Continent != "":
			policy.Continent = pulumi.String(l.Continent)
		case l.Country != "":
			policy.Country = pulumi.String(l.Country)
			if l.Subdivision != "" {
				policy.Subdivision = pulumi.String(l.Subdivision)
			}
		default:
			policy.Country = pulumi.String("*")
		}
		args := &route53.RecordArgs{
			Name:                       pulumi.String(r.g.Hostname),
			Records:                    pulumi.StringArray{pulumi.String(defaultTarget)},
			SetIdentifier:              pulumi.String(l.Key()),
			GeolocationRoutingPolicies: route53.RecordGeolocationRoutingPolicyArray{policy},
		}
		if l.Pool != nil {
			args.Records = pulumi.StringArray{pulumi.String(r.poolName(l.Pool))}
			args.HealthCheckId = r.pools[l.Pool]
		}
		if err := r.record("route53-geo-"+l.Key(), args); err != nil {
			return err
		}
	}
	return nil
}

// latency declares a latency record per pool under latency.<hostname> and,
// at the hostname, a failover to the fallback pool when every pool is
// unhealthy (Route 53 would otherwise answer as if all were healthy).
func (r *r53) latency() error {
	name := r.fqdn("latency")
	var all pulumi.StringArray
	for _, p := range r.g.Pools {
		region := p.LatencyRegion()
		if region == "" {
			return fmt.Errorf("%s: aws route53: pool %s has no latency region", p.Pos, p.Name)
		}
		if err := r.record("route53-latency-"+p.Name, &route53.RecordArgs{
			Name:                   pulumi.String(name),
			Records:                pulumi.StringArray{pulumi.String(r.poolName(p))},
			SetIdentifier:          pulumi.String(p.Name),
			LatencyRoutingPolicies: route53.RecordLatencyRoutingPolicyArray{&route53.RecordLatencyRoutingPolicyArgs{Region: pulumi.String(region)}},
			HealthCheckId:          r.pools[p],
		}); err != nil {
			return err
		}
		all = append(all, r.pools[p])
	}
	anyPool, err := r.calculated("route53-health-latency", "any pool", all)
	if err != nil {
		return err
	}
	if err := r.record("route53-latency-primary", &route53.RecordArgs{
		Name:                    pulumi.String(r.g.Hostname),
		Records:                 pulumi.StringArray{pulumi.String(name)},
		SetIdentifier:           pulumi.String("latency"),
		FailoverRoutingPolicies: failover("PRIMARY"),
		HealthCheckId:           anyPool,
	}); err != nil {
		return err
	}
	return r.record("route53-latency-secondary", &route53.RecordArgs{
		Name:                    pulumi.String(r.g.Hostname),
		Records:                 pulumi.StringArray{pulumi.String(r.poolName(r.g.Fallback))},
		SetIdentifier:           pulumi.String("fallback"),
		FailoverRoutingPolicies: failover("SECONDARY"),
	})
}
