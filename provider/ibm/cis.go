package ibm

import (
	"context"
	"fmt"
	"time"

	"github.com/IBM/networking-go-sdk/globalloadbalancermonitorv1"
	"github.com/IBM/networking-go-sdk/globalloadbalancerpoolsv0"
	"github.com/IBM/networking-go-sdk/globalloadbalancerv1"
	"github.com/IBM/networking-go-sdk/zonesv1"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// The Cloud Internet Services types inside an instance (CIS API,
// networking-go-sdk zonesv1, globalloadbalancermonitorv1,
// globalloadbalancerpoolsv0, globalloadbalancerv1). Every call names the
// instance by its CRN; the clients are cheap, so one is made per call.
const (
	cisInstanceType   = "infra:ibm:CisInstance"
	cisDomainType     = "infra:ibm:CisDomain"
	cisHealthType     = "infra:ibm:CisHealthCheck"
	cisOriginPoolType = "infra:ibm:CisOriginPool"
	cisGLBType        = "infra:ibm:CisGlobalLoadBalancer"
)

// The clients the types here act through, as bind hands them over.
type (
	zonesAPI    = *zonesv1.ZonesV1
	monitorsAPI = *globalloadbalancermonitorv1.GlobalLoadBalancerMonitorV1
	poolsAPI    = *globalloadbalancerpoolsv0.GlobalLoadBalancerPoolsV0
	glbsAPI     = *globalloadbalancerv1.GlobalLoadBalancerV1
)

func (o *op) cisZones(in props) (*zonesv1.ZonesV1, error) {
	s, err := zonesv1.NewZonesV1(&zonesv1.ZonesV1Options{URL: o.c.cfg.Endpoints.CIS, Authenticator: noAuth(), Crn: in.strp("cis")})
	if err == nil {
		o.c.adopt(s.Service)
	}
	return s, err
}

func (o *op) cisMonitors(in props) (*globalloadbalancermonitorv1.GlobalLoadBalancerMonitorV1, error) {
	s, err := globalloadbalancermonitorv1.NewGlobalLoadBalancerMonitorV1(&globalloadbalancermonitorv1.GlobalLoadBalancerMonitorV1Options{
		URL: o.c.cfg.Endpoints.CIS, Authenticator: noAuth(), Crn: in.strp("cis")})
	if err == nil {
		o.c.adopt(s.Service)
	}
	return s, err
}

func (o *op) cisPools(in props) (*globalloadbalancerpoolsv0.GlobalLoadBalancerPoolsV0, error) {
	s, err := globalloadbalancerpoolsv0.NewGlobalLoadBalancerPoolsV0(&globalloadbalancerpoolsv0.GlobalLoadBalancerPoolsV0Options{
		URL: o.c.cfg.Endpoints.CIS, Authenticator: noAuth(), Crn: in.strp("cis")})
	if err == nil {
		o.c.adopt(s.Service)
	}
	return s, err
}

func (o *op) cisGLBs(in props) (*globalloadbalancerv1.GlobalLoadBalancerV1, error) {
	s, err := globalloadbalancerv1.NewGlobalLoadBalancerV1(&globalloadbalancerv1.GlobalLoadBalancerV1Options{
		URL: o.c.cfg.Endpoints.CIS, Authenticator: noAuth(), Crn: in.strp("cis"), ZoneIdentifier: in.strp("domain")})
	if err == nil {
		o.c.adopt(s.Service)
	}
	return s, err
}

func cisKinds() []*kind {
	return []*kind{
		resourceInstanceKind(cisInstanceType, "internet-svcs"),
		cisDomainKind(), cisHealthCheckKind(), cisOriginPoolKind(), cisGLBKind(),
	}
}

func cisDomainKind() *kind {
	return bind(&kind{
		token:    cisDomainType,
		required: []string{"cis", "domain"},
		computed: []string{"nameServers", "status"},
		fields:   map[string]string{"name": "domain"},
		// A zone is usable once created; it turns active when the registrar
		// delegates to nameServers, which infra cannot do.
		uniqueName: true, timeout: 10 * time.Minute,
	}, (*op).cisZones, calls[zonesAPI]{
		find: func(ctx context.Context, o *op, api zonesAPI, in props) (string, error) {
			list, resp, err := api.ListZonesWithContext(ctx, &zonesv1.ListZonesOptions{})
			if err != nil {
				return "", o.apiError("list domains for", err, resp)
			}
			return named(list.Result, in.str("domain"), func(z zonesv1.ZoneDetails) (*string, *string) { return z.Name, z.ID }), nil
		},
		create: func(ctx context.Context, o *op, api zonesAPI, in props) (string, error) {
			z, resp, err := api.CreateZoneWithContext(ctx, &zonesv1.CreateZoneOptions{Name: in.strp("domain"), Type: in.strp("type")})
			return o.created(resp, err, func() *string { return z.Result.ID })
		},
		read: func(ctx context.Context, o *op, api zonesAPI, id string, in props) (*state, error) {
			z, resp, err := api.GetZoneWithContext(ctx, &zonesv1.GetZoneOptions{ZoneIdentifier: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			d := z.Result
			ins := pm("domain", d.Name)
			if in.has("type") {
				ins["type"] = val(d.Type)
			}
			return statusState(ins, pm("nameServers", d.NameServers, "status", d.Status), deref(d.Status),
				[]string{"pending", "active"}, []string{"deactivated"}), nil
		},
		del: func(ctx context.Context, o *op, api zonesAPI, id string, in props) error {
			_, resp, err := api.DeleteZoneWithContext(ctx, &zonesv1.DeleteZoneOptions{ZoneIdentifier: &id})
			return o.deleted(resp, err)
		},
	})
}

// monitorFields are a monitor's inputs as the SDK takes them.
func monitorOptions(in props) globalloadbalancermonitorv1.CreateLoadBalancerMonitorOptions {
	return globalloadbalancermonitorv1.CreateLoadBalancerMonitorOptions{
		Type: in.strp("type"), Description: in.strp("description"), Method: in.strp("method"), Port: in.intp("port"),
		Path: in.strp("path"), Timeout: in.intp("timeout"), Retries: in.intp("retries"), Interval: in.intp("interval"),
		ExpectedCodes: in.strp("expectedCodes"), FollowRedirects: in.boolp("followRedirects"),
		AllowInsecure: in.boolp("allowInsecure"), Header: in.strsMap("header"),
	}
}

func cisHealthCheckKind() *kind {
	return bind(&kind{
		token:    cisHealthType,
		required: []string{"cis", "type"},
		replace:  []string{"cis"},
		fields:   map[string]string{"expected_codes": "expectedCodes", "follow_redirects": "followRedirects", "allow_insecure": "allowInsecure"},
		check: func(in props) []CheckFailure {
			var f []CheckFailure
			switch t := in.str("type"); t {
			case "", "http", "https", "tcp":
			default:
				f = append(f, CheckFailure{"type", "type must be http, https or tcp, not " + t})
			}
			// Below the Enterprise plans CIS checks at most once a minute
			// (IBM Cloud docs, CIS health checks: interval; the instance
			// infra makes is standard-next), and at least once an hour.
			if in.set("interval") {
				if v := in.integer("interval"); v < 60 || v > 3600 {
					f = append(f, CheckFailure{"interval", fmt.Sprintf("interval must be 60 to 3600 seconds, not %d", v)})
				}
			}
			return f
		},
		timeout: 5 * time.Minute,
	}, (*op).cisMonitors, calls[monitorsAPI]{
		// Monitors have no name: the description tells infra's apart.
		find: func(ctx context.Context, o *op, api monitorsAPI, in props) (string, error) {
			if !in.has("description") {
				return "", nil
			}
			list, resp, err := api.ListAllLoadBalancerMonitorsWithContext(ctx, &globalloadbalancermonitorv1.ListAllLoadBalancerMonitorsOptions{})
			if err != nil {
				return "", o.apiError("list monitors for", err, resp)
			}
			return named(list.Result, in.str("description"), func(m globalloadbalancermonitorv1.MonitorPack) (*string, *string) { return m.Description, m.ID }), nil
		},
		create: func(ctx context.Context, o *op, api monitorsAPI, in props) (string, error) {
			opts := monitorOptions(in)
			m, resp, err := api.CreateLoadBalancerMonitorWithContext(ctx, &opts)
			return o.created(resp, err, func() *string { return m.Result.ID })
		},
		read: func(ctx context.Context, o *op, api monitorsAPI, id string, in props) (*state, error) {
			m, resp, err := api.GetLoadBalancerMonitorWithContext(ctx, &globalloadbalancermonitorv1.GetLoadBalancerMonitorOptions{MonitorIdentifier: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			r := m.Result
			ins := pm("type", r.Type)
			for key, v := range map[string]any{"path": r.Path, "port": r.Port, "interval": r.Interval, "timeout": r.Timeout,
				"retries": r.Retries, "description": r.Description, "expectedCodes": r.ExpectedCodes, "method": r.Method} {
				if in.has(key) {
					ins[resource.PropertyKey(key)] = val(v)
				}
			}
			return readyState(ins, nil), nil
		},
		update: func(ctx context.Context, o *op, api monitorsAPI, id string, olds, news props) error {
			c := monitorOptions(news)
			_, resp, err := api.EditLoadBalancerMonitorWithContext(ctx, &globalloadbalancermonitorv1.EditLoadBalancerMonitorOptions{
				MonitorIdentifier: &id, Type: c.Type, Description: c.Description, Method: c.Method, Port: c.Port, Path: c.Path,
				Timeout: c.Timeout, Retries: c.Retries, Interval: c.Interval, ExpectedCodes: c.ExpectedCodes,
				FollowRedirects: c.FollowRedirects, AllowInsecure: c.AllowInsecure, Header: c.Header})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api monitorsAPI, id string, in props) error {
			_, resp, err := api.DeleteLoadBalancerMonitorWithContext(ctx, &globalloadbalancermonitorv1.DeleteLoadBalancerMonitorOptions{MonitorIdentifier: &id})
			return o.deleted(resp, err)
		},
	})
}

func origins(in props) []globalloadbalancerpoolsv0.LoadBalancerPoolReqOriginsItem {
	var out []globalloadbalancerpoolsv0.LoadBalancerPoolReqOriginsItem
	for _, o := range in.objects("origins") {
		out = append(out, globalloadbalancerpoolsv0.LoadBalancerPoolReqOriginsItem{
			Name: o.strp("name"), Address: o.strp("address"), Enabled: o.boolp("enabled"), Weight: o.number("weight")})
	}
	return out
}

func cisOriginPoolKind() *kind {
	return bind(&kind{
		token:    cisOriginPoolType,
		required: []string{"cis", "name", "origins"},
		replace:  []string{"cis"},
		computed: []string{"healthy"},
		fields:   map[string]string{"check_regions": "checkRegions", "minimum_origins": "minimumOrigins", "notification_email": "notificationEmail"},
		check: func(in props) []CheckFailure {
			if in.has("origins") && len(in.objects("origins")) == 0 {
				return []CheckFailure{{"origins", "a pool needs at least one origin"}}
			}
			return nil
		},
		uniqueName: true, timeout: 5 * time.Minute,
	}, (*op).cisPools, calls[poolsAPI]{
		find: func(ctx context.Context, o *op, api poolsAPI, in props) (string, error) {
			list, resp, err := api.ListAllLoadBalancerPoolsWithContext(ctx, &globalloadbalancerpoolsv0.ListAllLoadBalancerPoolsOptions{})
			if err != nil {
				return "", o.apiError("list pools for", err, resp)
			}
			return named(list.Result, in.str("name"), func(p globalloadbalancerpoolsv0.LoadBalancerPoolPack) (*string, *string) { return p.Name, p.ID }), nil
		},
		create: func(ctx context.Context, o *op, api poolsAPI, in props) (string, error) {
			p, resp, err := api.CreateLoadBalancerPoolWithContext(ctx, &globalloadbalancerpoolsv0.CreateLoadBalancerPoolOptions{
				Name: in.strp("name"), CheckRegions: in.strs("checkRegions"), Origins: origins(in), Description: in.strp("description"),
				MinimumOrigins: in.intp("minimumOrigins"), Enabled: in.boolp("enabled"), Monitor: in.strp("monitor"),
				NotificationEmail: in.strp("notificationEmail")})
			return o.created(resp, err, func() *string { return p.Result.ID })
		},
		read: func(ctx context.Context, o *op, api poolsAPI, id string, in props) (*state, error) {
			p, resp, err := api.GetLoadBalancerPoolWithContext(ctx, &globalloadbalancerpoolsv0.GetLoadBalancerPoolOptions{PoolIdentifier: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			r := p.Result
			var origins []resource.PropertyValue
			for _, or := range r.Origins {
				origins = append(origins, resource.NewObjectProperty(pm("name", or.Name, "address", or.Address, "enabled", or.Enabled, "weight", or.Weight)))
			}
			ins := pm("name", r.Name, "origins", origins)
			for key, v := range map[string]any{"monitor": r.Monitor, "minimumOrigins": r.MinimumOrigins, "enabled": r.Enabled,
				"description": r.Description, "checkRegions": r.CheckRegions} {
				if in.has(key) {
					ins[resource.PropertyKey(key)] = val(v)
				}
			}
			if in.has("checkRegions") {
				ins["checkRegions"] = val(keepOrder(in.strs("checkRegions"), r.CheckRegions))
			}
			return readyState(ins, pm("healthy", r.Healthy)), nil
		},
		update: func(ctx context.Context, o *op, api poolsAPI, id string, olds, news props) error {
			_, resp, err := api.EditLoadBalancerPoolWithContext(ctx, &globalloadbalancerpoolsv0.EditLoadBalancerPoolOptions{
				PoolIdentifier: &id, Name: news.strp("name"), CheckRegions: news.strs("checkRegions"), Origins: origins(news),
				Description: news.strp("description"), MinimumOrigins: news.intp("minimumOrigins"), Enabled: news.boolp("enabled"),
				Monitor: news.strp("monitor"), NotificationEmail: news.strp("notificationEmail")})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api poolsAPI, id string, in props) error {
			_, resp, err := api.DeleteLoadBalancerPoolWithContext(ctx, &globalloadbalancerpoolsv0.DeleteLoadBalancerPoolOptions{PoolIdentifier: &id})
			return o.deleted(resp, err)
		},
	})
}

// regionPools is the region_pools object, or nil when there is none.
func regionPools(in props) any {
	m := in.strsMap("regionPools")
	if len(m) == 0 {
		return nil
	}
	return m
}

func cisGLBKind() *kind {
	return bind(&kind{
		token:    cisGLBType,
		required: []string{"cis", "domain", "name", "defaultPools", "fallbackPool"},
		replace:  []string{"cis", "domain"},
		fields: map[string]string{"default_pools": "defaultPools", "fallback_pool": "fallbackPool", "region_pools": "regionPools",
			"steering_policy": "steeringPolicy", "session_affinity": "sessionAffinity"},
		check: func(in props) []CheckFailure {
			switch s := in.str("steeringPolicy"); s {
			case "", "off", "geo", "random", "dynamic_latency":
			default:
				return []CheckFailure{{"steeringPolicy", "steeringPolicy must be off, geo, random or dynamic_latency, not " + s}}
			}
			return nil
		},
		uniqueName: true, timeout: 5 * time.Minute,
	}, (*op).cisGLBs, calls[glbsAPI]{
		find: func(ctx context.Context, o *op, api glbsAPI, in props) (string, error) {
			list, resp, err := api.ListAllLoadBalancersWithContext(ctx, &globalloadbalancerv1.ListAllLoadBalancersOptions{})
			if err != nil {
				return "", o.apiError("list load balancers for", err, resp)
			}
			return named(list.Result, in.str("name"), func(lb globalloadbalancerv1.LoadBalancerPack) (*string, *string) { return lb.Name, lb.ID }), nil
		},
		create: func(ctx context.Context, o *op, api glbsAPI, in props) (string, error) {
			lb, resp, err := api.CreateLoadBalancerWithContext(ctx, &globalloadbalancerv1.CreateLoadBalancerOptions{
				Name: in.strp("name"), FallbackPool: in.strp("fallbackPool"), DefaultPools: in.strs("defaultPools"),
				Description: in.strp("description"), TTL: in.intp("ttl"), RegionPools: regionPools(in), Proxied: in.boolp("proxied"),
				Enabled: in.boolp("enabled"), SessionAffinity: in.strp("sessionAffinity"), SteeringPolicy: in.strp("steeringPolicy")})
			return o.created(resp, err, func() *string { return lb.Result.ID })
		},
		read: func(ctx context.Context, o *op, api glbsAPI, id string, in props) (*state, error) {
			lb, resp, err := api.GetLoadBalancerSettingsWithContext(ctx, &globalloadbalancerv1.GetLoadBalancerSettingsOptions{LoadBalancerIdentifier: &id})
			if gone, err := o.gone(resp, err); gone || err != nil {
				return nil, err
			}
			r := lb.Result
			ins := pm("name", r.Name, "defaultPools", r.DefaultPools, "fallbackPool", r.FallbackPool)
			for key, v := range map[string]any{"steeringPolicy": r.SteeringPolicy, "ttl": r.TTL, "proxied": r.Proxied,
				"enabled": r.Enabled, "sessionAffinity": r.SessionAffinity, "description": r.Description} {
				if in.has(key) {
					ins[resource.PropertyKey(key)] = val(v)
				}
			}
			if in.has("regionPools") {
				var rp map[string][]string
				if err := asJSON(r.RegionPools, &rp); err == nil {
					ins["regionPools"] = val(rp)
				}
			}
			return readyState(ins, nil), nil
		},
		update: func(ctx context.Context, o *op, api glbsAPI, id string, olds, news props) error {
			_, resp, err := api.EditLoadBalancerWithContext(ctx, &globalloadbalancerv1.EditLoadBalancerOptions{
				LoadBalancerIdentifier: &id, Name: news.strp("name"), FallbackPool: news.strp("fallbackPool"),
				DefaultPools: news.strs("defaultPools"), Description: news.strp("description"), TTL: news.intp("ttl"),
				RegionPools: regionPools(news), Proxied: news.boolp("proxied"), Enabled: news.boolp("enabled"),
				SessionAffinity: news.strp("sessionAffinity"), SteeringPolicy: news.strp("steeringPolicy")})
			return o.apiError("update", err, resp)
		},
		del: func(ctx context.Context, o *op, api glbsAPI, id string, in props) error {
			_, resp, err := api.DeleteLoadBalancerWithContext(ctx, &globalloadbalancerv1.DeleteLoadBalancerOptions{LoadBalancerIdentifier: &id})
			return o.deleted(resp, err)
		},
	})
}
