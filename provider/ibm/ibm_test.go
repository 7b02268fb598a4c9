package ibm_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider/ibm"
	"infra/provider/ibm/fakeibm"
	"infra/provider/ibm/ibmtest"
	stacksibm "infra/stacks/ibm"
)

// fakeClock advances only when slept on, so backoff and readiness waits take
// no real time.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	return ctx.Err()
}

func (c *fakeClock) sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.slept...)
}

type env struct {
	t     testing.TB
	fake  *fakeibm.Server
	clock *fakeClock
	reg   ibm.Registry
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvClock(t, nil)
}

// newEnvClock is newEnv with another clock than the fake one, when set.
func newEnvClock(t testing.TB, other ibm.Clock) *env {
	t.Helper()
	cfg, fake := ibmtest.FakeConfig(t)
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	cfg.Clock = clock
	if other != nil {
		cfg.Clock = other
	}
	cfg.Jitter = func() float64 { return 0.5 }
	reg, err := ibm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, fake: fake, clock: clock, reg: reg}
}

func (e *env) h(token string) ibm.Handler {
	e.t.Helper()
	h, err := e.reg.Lookup(token)
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

func props(m map[string]any) resource.PropertyMap { return resource.NewPropertyMapFromMap(m) }

// create checks and creates a resource and returns its id and outputs.
func (e *env) create(token string, in resource.PropertyMap) (string, resource.PropertyMap) {
	e.t.Helper()
	h := e.h(token)
	checked, failures, err := h.Check(context.Background(), nil, in)
	if err != nil || len(failures) > 0 {
		e.t.Fatalf("%s: check: %v %v", token, err, failures)
	}
	id, outs, err := h.Create(context.Background(), checked, false)
	if err != nil {
		e.t.Fatalf("%s: create: %v", token, err)
	}
	if id == "" {
		e.t.Fatalf("%s: create returned no id", token)
	}
	return id, outs
}

func str(m resource.PropertyMap, k string) string {
	v := m[resource.PropertyKey(k)]
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.IsString() {
		return v.StringValue()
	}
	return ""
}

// step is one resource of the lifecycle test: its inputs given the ids made
// before it, an in-place update, and the fake's kind to count.
type step struct {
	token  string
	kind   string // fakeibm kind; "" when the fake keeps it inside another
	inputs func(ids map[string]string, outs map[string]resource.PropertyMap) map[string]any
	update func(in map[string]any)
	// check says what the update must show in the cloud.
	check func(t *testing.T, e *env, id string)
}

func lifecycle() []step {
	return []step{
		{token: "infra:ibm:ResourceGroup", kind: "resource_group",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "demo-prod"}
			},
			update: func(in map[string]any) { in["name"] = "demo-prod-2" }},
		{token: "infra:ibm:AccessGroup", kind: "access_group",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "demo-prod-deployers", "description": "deploys prod"}
			},
			update: func(in map[string]any) { in["description"] = "deploys the prod environment" },
			check: func(t *testing.T, e *env, id string) {
				if b, _ := e.fake.Get("access_group", id); b["description"] != "deploys the prod environment" {
					t.Errorf("access group description = %v", b["description"])
				}
			}},
		{token: "infra:ibm:ServiceId", kind: "serviceid",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "demo-prod-deployer", "description": "deploys prod"}
			},
			update: func(in map[string]any) { in["description"] = "deploys the prod environment" },
			check: func(t *testing.T, e *env, id string) {
				if b, _ := e.fake.Get("serviceid", id); b["description"] != "deploys the prod environment" {
					t.Errorf("service ID description = %v", b["description"])
				}
			}},
		{token: "infra:ibm:AccessGroupMember", kind: "group_member",
			inputs: func(ids map[string]string, outs map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"accessGroup": ids["infra:ibm:AccessGroup"], "iamId": str(outs["infra:ibm:ServiceId"], "iamId"), "type": "service"}
			}},
		{token: "infra:ibm:IamPolicy", kind: "policy",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"type": "access", "accessGroup": ids["infra:ibm:AccessGroup"], "roles": []any{"Editor"},
					"resourceAttributes": map[string]any{"resourceGroupId": ids["infra:ibm:ResourceGroup"], "serviceName": "is"},
					"description":        "Editor on demo-prod"}
			},
			update: func(in map[string]any) { in["roles"] = []any{"Editor", "Manager"} },
			check: func(t *testing.T, e *env, id string) {
				b, _ := e.fake.Get("policy", id)
				if !strings.Contains(fmtAny(b["roles"]), "serviceRole:Manager") {
					t.Errorf("policy roles = %v, want the Manager service role", b["roles"])
				}
			}},
		{token: "infra:ibm:CbrZone", kind: "cbr_zone",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "demo-prod-clusters", "serviceRefs": []any{"containers-kubernetes"}, "ipAddresses": []any{fakeibm.ClientIP}}
			},
			update: func(in map[string]any) { in["ipAddresses"] = []any{fakeibm.ClientIP, "10.10.0.0/16"} }},
		{token: "infra:ibm:CbrZoneAddresses",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"zone": ids["infra:ibm:CbrZone"], "name": "ibm-us-south-prod",
					"vpcs": []any{"crn:v1:bluemix:public:is:us-south:a/acc::vpc:r006-1"}}
			},
			update: func(in map[string]any) { in["ipAddresses"] = []any{"203.0.113.0/24"} },
			check: func(t *testing.T, e *env, id string) {
				zone, _, _ := strings.Cut(id, "/")
				if b, _ := e.fake.Get("cbr_zone", zone); !strings.Contains(fmtAny(b["addresses"]), "203.0.113.0/24") {
					t.Errorf("zone addresses = %v, want the added range", b["addresses"])
				}
			}},
		{token: "infra:ibm:CbrRule", kind: "cbr_rule",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"description": "only clusters reach Key Protect", "zones": []any{ids["infra:ibm:CbrZone"]},
					"publicZones":        []any{ids["infra:ibm:CbrZone"]},
					"resourceAttributes": map[string]any{"serviceName": "kms"}, "endpointType": "private", "enforcementMode": "report"}
			},
			update: func(in map[string]any) { in["enforcementMode"] = "enabled" },
			check: func(t *testing.T, e *env, id string) {
				if b, _ := e.fake.Get("cbr_rule", id); b["enforcement_mode"] != "enabled" {
					t.Errorf("rule enforcement_mode = %v", b["enforcement_mode"])
				}
			}},
		{token: "infra:ibm:ResourceInstance", kind: "resource_instance",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "demo-prod-kms", "service": "kms", "plan": "tiered-pricing", "location": "us-south",
					"resourceGroup": "demo-prod-2", "tags": []any{"environment:prod"}}
			},
			update: func(in map[string]any) {
				in["name"] = "demo-prod-keys"
				in["tags"] = []any{"environment:prod", "owner:platform"}
			}},
		{token: "infra:ibm:KmsKey", kind: "kms_key",
			inputs: func(_ map[string]string, outs map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"instance": str(outs["infra:ibm:ResourceInstance"], "guid"), "region": "us-south",
					"name": "demo-prod-root", "rootKey": true}
			}},
		{token: "infra:ibm:Vpc", kind: "vpc",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "demo-us-south-prod", "region": "us-south", "resourceGroup": "demo-prod-2",
					"addressPrefixManagement": "manual", "tags": []any{"environment:prod"}}
			},
			update: func(in map[string]any) { in["name"] = "demo-us-south-prod-2" }},
		{token: "infra:ibm:VpcAddressPrefix", kind: "address_prefix",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"vpc": ids["infra:ibm:Vpc"], "region": "us-south", "name": "zone-1", "zone": "us-south-1", "cidr": "10.10.0.0/18"}
			},
			update: func(in map[string]any) { in["name"] = "zone-1-prefix" }},
		{token: "infra:ibm:PublicGateway", kind: "public_gateway",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"vpc": ids["infra:ibm:Vpc"], "region": "us-south", "name": "gw-1", "zone": "us-south-1", "resourceGroup": "demo-prod-2"}
			},
			update: func(in map[string]any) { in["name"] = "gw-zone-1" }},
		{token: "infra:ibm:Subnet", kind: "subnet",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"vpc": ids["infra:ibm:Vpc"], "region": "us-south", "name": "subnet-1", "zone": "us-south-1",
					"ipv4CidrBlock": "10.10.0.0/20", "resourceGroup": "demo-prod-2"}
			},
			update: func(in map[string]any) { in["publicGateway"] = "PUBLIC_GATEWAY" },
			check: func(t *testing.T, e *env, id string) {
				if b, _ := e.fake.Get("subnet", id); b["public_gateway"] == nil {
					t.Error("the subnet has no public gateway after the update")
				}
			}},
		{token: "infra:ibm:SecurityGroup", kind: "security_group",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"vpc": ids["infra:ibm:Vpc"], "region": "us-south", "name": "mesh-gateway", "resourceGroup": "demo-prod-2"}
			},
			update: func(in map[string]any) { in["name"] = "mesh-gateway-sg" }},
		{token: "infra:ibm:SecurityGroupRule", kind: "security_group_rule",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"securityGroup": ids["infra:ibm:SecurityGroup"], "region": "us-south", "direction": "inbound",
					"protocol": "udp", "portMin": 51820, "portMax": 51820, "remote": "198.51.100.7"}
			}},
		{token: "infra:ibm:FloatingIp", kind: "floating_ip",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "mesh-ip", "region": "us-south", "zone": "us-south-1", "resourceGroup": "demo-prod-2"}
			},
			update: func(in map[string]any) { in["name"] = "mesh-ip-1" }},
		{token: "infra:ibm:Instance", kind: "instance",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "mesh-gateway", "region": "us-south", "zone": "us-south-1", "vpc": ids["infra:ibm:Vpc"],
					"profile": "cx2-2x4", "image": "ubuntu-24-04-amd64", "subnet": ids["infra:ibm:Subnet"],
					"securityGroups": []any{ids["infra:ibm:SecurityGroup"]}, "allowIpSpoofing": true,
					"floatingIp": ids["infra:ibm:FloatingIp"], "userData": "#cloud-config\nwrite_files: [wg0.conf with PrivateKey]",
					"resourceGroup": "demo-prod-2"}
			},
			update: func(in map[string]any) { in["name"] = "mesh-gateway-1" }},
		{token: "infra:ibm:VpcRoutingTableRoute", kind: "route",
			inputs: func(ids map[string]string, outs map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"vpc": ids["infra:ibm:Vpc"], "region": "us-south", "routingTable": str(outs["infra:ibm:Vpc"], "defaultRoutingTable"),
					"name": "to-aws", "zone": "us-south-1", "destination": "10.20.0.0/16", "action": "deliver",
					"nextHop": str(outs["infra:ibm:Instance"], "primaryIpAddress")}
			},
			update: func(in map[string]any) { in["name"] = "to-aws-us-east-1" }},
		{token: "infra:ibm:LoadBalancer", kind: "load_balancer",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "ingress", "region": "us-south", "isPublic": true, "subnets": []any{ids["infra:ibm:Subnet"]},
					"resourceGroup": "demo-prod-2"}
			},
			update: func(in map[string]any) { in["name"] = "ingress-lb" }},
		{token: "infra:ibm:VpcCluster", kind: "cluster",
			inputs: func(ids map[string]string, _ map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "demo-us-south-prod", "region": "us-south", "resourceGroup": "demo-prod-2",
					"kubeVersion": "1.35", "vpcId": ids["infra:ibm:Vpc"], "flavor": "bx2.4x16", "workerCount": 2,
					"zoneSubnets": map[string]any{"us-south-1": ids["infra:ibm:Subnet"]}, "tags": []any{"environment:prod"}}
			},
			update: func(in map[string]any) { in["workerCount"] = 3; in["kubeVersion"] = "1.36" },
			check: func(t *testing.T, e *env, id string) {
				b, _ := e.fake.Get("cluster", id)
				// The update waits for the master: no "(pending)" left.
				if v := b["masterKubeVersion"].(string); !strings.HasPrefix(v, "1.36.") || strings.Contains(v, "pending") {
					t.Errorf("master version = %v, want 1.36.x, updated", v)
				}
			}},
		{token: "infra:ibm:ClusterKms", kind: "",
			inputs: func(ids map[string]string, outs map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"cluster": ids["infra:ibm:VpcCluster"], "region": "us-south",
					"instance": str(outs["infra:ibm:ResourceInstance"], "guid"), "rootKey": str(outs["infra:ibm:KmsKey"], "keyId"),
					"privateEndpoint": true}
			}},
		{token: "infra:ibm:TransitGateway", kind: "transit_gateway",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "demo-transit", "location": "us-south", "global": false, "resourceGroup": "demo-prod-2"}
			},
			update: func(in map[string]any) { in["global"] = true },
			check: func(t *testing.T, e *env, id string) {
				if b, _ := e.fake.Get("transit_gateway", id); b["global"] != true {
					t.Errorf("transit gateway global = %v", b["global"])
				}
			}},
		{token: "infra:ibm:TransitGatewayConnection", kind: "transit_connection",
			inputs: func(ids map[string]string, outs map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"transitGateway": ids["infra:ibm:TransitGateway"], "name": "ibm-us-south-prod",
					"networkType": "vpc", "networkId": str(outs["infra:ibm:Vpc"], "crn")}
			},
			update: func(in map[string]any) { in["name"] = "ibm-us-south-prod-vpc" }},
		{token: "infra:ibm:CisInstance", kind: "resource_instance",
			inputs: func(map[string]string, map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"name": "demo-cis", "plan": "standard-next", "resourceGroup": "demo-prod-2"}
			},
			update: func(in map[string]any) { in["name"] = "demo-cis-1" }},
		{token: "infra:ibm:CisDomain", kind: "cis_zone",
			inputs: func(_ map[string]string, outs map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"cis": str(outs["infra:ibm:CisInstance"], "crn"), "domain": "example.com", "type": "full"}
			}},
		{token: "infra:ibm:CisHealthCheck", kind: "cis_monitor",
			inputs: func(_ map[string]string, outs map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"cis": str(outs["infra:ibm:CisInstance"], "crn"), "type": "https", "path": "/healthz", "port": 443,
					"interval": 60, "timeout": 5, "retries": 2, "description": "HTTPS app.example.com:443/healthz",
					"header": map[string]any{"Host": []any{"app.example.com"}}}
			},
			update: func(in map[string]any) { in["interval"] = 120 }},
		{token: "infra:ibm:CisOriginPool", kind: "cis_pool",
			inputs: func(ids map[string]string, outs map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"cis": str(outs["infra:ibm:CisInstance"], "crn"), "name": "demo-americas",
					"origins":      []any{map[string]any{"name": "ibm-us-south-prod", "address": "ingress.example.net", "enabled": true, "weight": 1.0}},
					"checkRegions": []any{"WNAM", "ENAM"}, "minimumOrigins": 1, "enabled": true, "monitor": ids["infra:ibm:CisHealthCheck"]}
			},
			update: func(in map[string]any) { in["minimumOrigins"] = 2 }},
		{token: "infra:ibm:CisGlobalLoadBalancer", kind: "cis_glb",
			inputs: func(ids map[string]string, outs map[string]resource.PropertyMap) map[string]any {
				return map[string]any{"cis": str(outs["infra:ibm:CisInstance"], "crn"), "domain": ids["infra:ibm:CisDomain"],
					"name": "app.example.com", "defaultPools": []any{ids["infra:ibm:CisOriginPool"]}, "fallbackPool": ids["infra:ibm:CisOriginPool"],
					"steeringPolicy": "off", "ttl": 60, "proxied": false, "enabled": true, "sessionAffinity": "none"}
			},
			update: func(in map[string]any) {
				in["steeringPolicy"] = "geo"
				in["regionPools"] = map[string]any{"WNAM": in["defaultPools"]}
			},
			check: func(t *testing.T, e *env, id string) {
				if b, _ := e.fake.Get("cis_glb", id); b["steering_policy"] != "geo" || b["region_pools"] == nil {
					t.Errorf("GLB steering = %v, region pools %v", b["steering_policy"], b["region_pools"])
				}
			}},
	}
}

// dig walks nested maps by keys.
func dig(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		mm, _ := cur.(map[string]any)
		cur = mm[k]
	}
	return cur
}

func fmtAny(v any) string {
	return strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(fmtV(v), "\n", " "), "  ", " "))
}

func fmtV(v any) string {
	switch x := v.(type) {
	case []any:
		var parts []string
		for _, e := range x {
			parts = append(parts, fmtV(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case map[string]any:
		var parts []string
		for k, e := range x {
			parts = append(parts, k+":"+fmtV(e))
		}
		slices.Sort(parts)
		return "{" + strings.Join(parts, " ") + "}"
	case string:
		return x
	}
	return ""
}

// TestLifecycle takes every type through create → read → update → read and,
// in reverse order, delete → read (gone).
func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ids := map[string]string{}
	outs := map[string]resource.PropertyMap{}
	inputs := map[string]resource.PropertyMap{}
	steps := lifecycle()
	for _, s := range steps {
		in := s.inputs(ids, outs)
		before := 0
		if s.kind != "" {
			before = e.fake.Count(s.kind)
		}
		id, out := e.create(s.token, props(in))
		ids[s.token], outs[s.token], inputs[s.token] = id, out, props(in)
		if s.kind != "" && e.fake.Count(s.kind) != before+1 {
			t.Fatalf("%s: the fake has %d %s, want %d", s.token, e.fake.Count(s.kind), s.kind, before+1)
		}
		h := e.h(s.token)
		r, err := h.Read(ctx, id, props(in), out)
		if err != nil {
			t.Fatalf("%s: read: %v", s.token, err)
		}
		if r.ID != id {
			t.Fatalf("%s: read id %q, want %q", s.token, r.ID, id)
		}
		if !r.Inputs.DeepEquals(props(in)) {
			t.Errorf("%s: read after create shows drift:\n got %v\nwant %v", s.token, r.Inputs, props(in))
		}
		if s.update == nil {
			continue
		}
		news := maps.Clone(in)
		s.update(news)
		if news["publicGateway"] == "PUBLIC_GATEWAY" {
			news["publicGateway"] = ids["infra:ibm:PublicGateway"]
		}
		d, err := h.Diff(ctx, id, props(in), props(news))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Changes) == 0 || len(d.Replaces) > 0 {
			t.Fatalf("%s: diff of the update = %+v, want changes in place", s.token, d)
		}
		out2, err := h.Update(ctx, id, out, props(in), props(news), false)
		if err != nil {
			t.Fatalf("%s: update: %v", s.token, err)
		}
		outs[s.token], inputs[s.token] = out2, props(news)
		r, err = h.Read(ctx, id, props(news), out2)
		if err != nil || r.ID != id {
			t.Fatalf("%s: read after update: %v %q", s.token, err, r.ID)
		}
		if !r.Inputs.DeepEquals(props(news)) {
			t.Errorf("%s: read after update shows drift:\n got %v\nwant %v", s.token, r.Inputs, props(news))
		}
		if s.check != nil {
			s.check(t, e, id)
		}
	}
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		h := e.h(s.token)
		if err := h.Delete(ctx, ids[s.token], outs[s.token]); err != nil {
			t.Fatalf("%s: delete: %v", s.token, err)
		}
		r, err := h.Read(ctx, ids[s.token], inputs[s.token], outs[s.token])
		if err != nil {
			t.Fatalf("%s: read after delete: %v", s.token, err)
		}
		if r.ID != "" && s.token != "infra:ibm:ClusterKms" {
			t.Errorf("%s: read after delete still finds %s", s.token, r.ID)
		}
		// Deleting what is already gone succeeds.
		if s.token != "infra:ibm:ClusterKms" {
			if err := h.Delete(ctx, ids[s.token], outs[s.token]); err != nil {
				t.Errorf("%s: second delete: %v", s.token, err)
			}
		}
	}
	for _, kind := range []string{"vpc", "subnet", "instance", "cluster", "transit_gateway", "cis_glb", "kms_key", "policy"} {
		if n := e.fake.Count(kind); n != 0 {
			t.Errorf("%d %s left after deleting everything", n, kind)
		}
	}
}

// TestCoversEveryType: the registry serves every type the stacks declare.
func TestCoversEveryType(t *testing.T) {
	e := newEnv(t)
	want := append(append([]string{}, stacksibm.Types...), stacksibm.LandingZoneTypes...)
	for _, tok := range want {
		if _, err := e.reg.Lookup(tok); err != nil {
			t.Errorf("no handler for %s", tok)
		}
	}
	var tested []string
	for _, s := range lifecycle() {
		tested = append(tested, s.token)
	}
	for _, tok := range want {
		if !slices.Contains(tested, tok) {
			t.Errorf("%s is declared by the stacks but not taken through the lifecycle test", tok)
		}
	}
	// The provider may serve types whose stacks have not landed yet.
	for _, tok := range e.reg.Types() {
		if !slices.Contains(tested, tok) {
			t.Errorf("%s is served but not tested", tok)
		}
	}
}

// network makes a VPC in region with one zone's prefix and subnet, what a
// cluster needs, and returns their ids.
func (e *env) network(region, zone string) (vpc, subnet string) {
	e.t.Helper()
	vpc, _ = e.create("infra:ibm:Vpc", props(map[string]any{"name": "net-" + region, "region": region, "resourceGroup": "Default",
		"addressPrefixManagement": "manual"}))
	e.create("infra:ibm:VpcAddressPrefix", props(map[string]any{"vpc": vpc, "region": region, "name": "p-" + zone, "zone": zone, "cidr": "10.10.0.0/18"}))
	subnet, _ = e.create("infra:ibm:Subnet", props(map[string]any{"vpc": vpc, "region": region, "name": "s-" + zone, "zone": zone,
		"ipv4CidrBlock": "10.10.0.0/20", "resourceGroup": "Default"}))
	return vpc, subnet
}

// clusterIn is the inputs of a cluster named name with workers workers in
// one zone (region-1) of a new VPC of region: where the cluster tests start.
func (e *env) clusterIn(name, region string, workers int) map[string]any {
	e.t.Helper()
	zone := region + "-1"
	vpc, subnet := e.network(region, zone)
	return map[string]any{"name": name, "region": region, "resourceGroup": "Default", "kubeVersion": "1.35", "vpcId": vpc,
		"flavor": "bx2.4x16", "workerCount": workers, "zoneSubnets": map[string]any{zone: subnet}}
}

func vpcInputs() resource.PropertyMap {
	return props(map[string]any{"name": "demo-vpc", "region": "us-south", "resourceGroup": "Default"})
}

// TestClusterStates: a cluster reaches normal through deploying and pending.
func TestClusterStates(t *testing.T) {
	e := newEnv(t)
	id, outs := e.create("infra:ibm:VpcCluster", props(e.clusterIn("c1", "us-south", 1)))
	if got := e.fake.History(id); !slices.Equal(got, []string{"requested", "deploying", "pending", "normal"}) {
		t.Errorf("cluster states seen = %v, want requested, deploying, pending, normal", got)
	}
	if str(outs, "state") != "normal" || !strings.HasSuffix(str(outs, "ingressHostname"), ".containers.appdomain.cloud") {
		t.Errorf("outputs = %v", outs)
	}
	if len(e.clock.sleeps()) < 2 {
		t.Errorf("the provider polled without waiting between polls: sleeps %v", e.clock.sleeps())
	}
}

// TestClusterSecurityGroup: IKS makes the workers' security group
// kube-<clusterID> in the cluster's VPC, the only one workers carry; the
// cluster reports its id, and a rule admitting a remote range goes on it.
func TestClusterSecurityGroup(t *testing.T) {
	e := newEnv(t)
	in := e.clusterIn("c1", "us-south", 1)
	vpc := in["vpcId"]
	id, outs := e.create("infra:ibm:VpcCluster", props(in))
	sg := str(outs, "securityGroup")
	if sg == "" {
		t.Fatalf("the cluster reports no security group: %v", outs)
	}
	if b, ok := e.fake.Get("security_group", sg); !ok || b["name"] != "kube-"+id || dig(b, "vpc", "id") != vpc {
		t.Fatalf("security group %s = %v, want kube-%s in VPC %s", sg, b, id, vpc)
	}
	// IKS makes the load balancer of the cluster's public Ingress ALBs
	// itself, kube-<clusterID>-<uid>, which the cluster's Ingress subdomain
	// points at: nothing of infra's is needed for ingress (ibm.md item 17).
	if n := e.fake.Count("load_balancer"); n != 1 {
		t.Errorf("%d load balancers after the cluster's create, want IKS's one for its Ingress ALBs", n)
	}
	e.create("infra:ibm:SecurityGroupRule", props(map[string]any{"securityGroup": sg, "region": "us-south", "direction": "inbound",
		"protocol": "icmp_tcp_udp", "remote": "10.20.0.0/16"}))
}

// TestThrottlingRetried: a 429 is retried after the Retry-After it asks for.
func TestThrottlingRetried(t *testing.T) {
	e := newEnv(t)
	e.fake.Inject(fakeibm.Fault{Method: "POST", Path: "/vpc/us-south/v1/vpcs", Status: 429, RetryAfter: "7", Times: 2})
	e.create("infra:ibm:Vpc", vpcInputs())
	if n := e.fake.Count("vpc"); n != 1 {
		t.Fatalf("%d VPCs, want 1", n)
	}
	waited := 0
	for _, d := range e.clock.sleeps() {
		if d == 7*time.Second {
			waited++
		}
	}
	if waited != 2 {
		t.Errorf("sleeps %v: want two waits of the Retry-After 7s", e.clock.sleeps())
	}
}

// TestServerErrorsRetried: a GET that fails with 503 is retried with backoff.
func TestServerErrorsRetried(t *testing.T) {
	e := newEnv(t)
	id, outs := e.create("infra:ibm:Vpc", vpcInputs())
	e.fake.Inject(fakeibm.Fault{Method: "GET", Path: "/vpc/us-south/v1/vpcs/" + id, Status: 503, Times: 3})
	r, err := e.h("infra:ibm:Vpc").Read(context.Background(), id, vpcInputs(), outs)
	if err != nil || r.ID != id {
		t.Fatalf("read through 503s: %v", err)
	}
}

// TestRetriesGiveUp: a service that keeps failing yields a clear error.
func TestRetriesGiveUp(t *testing.T) {
	e := newEnv(t)
	e.fake.Inject(fakeibm.Fault{Method: "GET", Path: "/vpc/us-south/v1/vpcs", Status: 500})
	_, _, err := e.h("infra:ibm:Vpc").Create(context.Background(), vpcInputs(), false)
	if err == nil || !strings.Contains(err.Error(), `infra:ibm:Vpc "demo-vpc"`) || !strings.Contains(err.Error(), "HTTP 500") {
		t.Fatalf("error = %v, want one naming the VPC and HTTP 500", err)
	}
}

// TestReadGoneIsDrift: a resource deleted outside infra reads as gone.
func TestReadGoneIsDrift(t *testing.T) {
	e := newEnv(t)
	id, outs := e.create("infra:ibm:Vpc", vpcInputs())
	e.fake.Remove("vpc", id)
	r, err := e.h("infra:ibm:Vpc").Read(context.Background(), id, vpcInputs(), outs)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "" {
		t.Errorf("read of a deleted VPC = %q, want gone", r.ID)
	}
}

// TestReadShowsChangedFields: a rename in the console shows as drift.
func TestReadShowsChangedFields(t *testing.T) {
	e := newEnv(t)
	id, outs := e.create("infra:ibm:Vpc", vpcInputs())
	e.fake.Set("vpc", id, "name", "renamed-in-console")
	r, err := e.h("infra:ibm:Vpc").Read(context.Background(), id, vpcInputs(), outs)
	if err != nil {
		t.Fatal(err)
	}
	if got := str(r.Inputs, "name"); got != "renamed-in-console" {
		t.Errorf("read name = %q, want the console's", got)
	}
}

// TestCreateAfterTimeoutDoesNotDuplicate: a create whose answer is lost (the
// gateway times out after IBM made the VPC) finds what it made.
func TestCreateAfterTimeoutDoesNotDuplicate(t *testing.T) {
	e := newEnv(t)
	e.fake.Inject(fakeibm.Fault{Method: "POST", Path: "/vpc/us-south/v1/vpcs", Status: 504, Commit: true, Times: 1})
	id, _ := e.create("infra:ibm:Vpc", vpcInputs())
	if n := e.fake.Count("vpc"); n != 1 {
		t.Fatalf("%d VPCs after a timed-out create, want 1", n)
	}
	if got := e.fake.IDs("vpc"); got[0] != id {
		t.Errorf("create returned %s, the fake has %v", id, got)
	}
	// A rerun of the whole create (the engine retrying) adopts it too.
	id2, _ := e.create("infra:ibm:Vpc", vpcInputs())
	if id2 != id || e.fake.Count("vpc") != 1 {
		t.Errorf("second create made %s (%d VPCs), want to adopt %s", id2, e.fake.Count("vpc"), id)
	}
}

// TestErrorNamesField: IBM's refusal names the resource and the input.
func TestErrorNamesField(t *testing.T) {
	e := newEnv(t)
	vpc, _ := e.create("infra:ibm:Vpc", vpcInputs())
	_, _, err := e.h("infra:ibm:Subnet").Create(context.Background(), props(map[string]any{"vpc": vpc, "region": "us-south",
		"name": "bad", "zone": "us-south-1", "ipv4CidrBlock": "192.168.0.0/24", "resourceGroup": "Default"}), false)
	var ie *ibm.Error
	if !errors.As(err, &ie) {
		t.Fatalf("error = %v, want an *ibm.Error", err)
	}
	msg := err.Error()
	for _, want := range []string{`infra:ibm:Subnet "bad"`, "input ipv4CidrBlock", "HTTP 400", "subnet_cidr_not_in_address_prefix"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
}

// TestMissingResourceGroup names the input and says what creates it.
func TestMissingResourceGroup(t *testing.T) {
	e := newEnv(t)
	in := vpcInputs()
	in["resourceGroup"] = resource.NewStringProperty("nope")
	_, _, err := e.h("infra:ibm:Vpc").Create(context.Background(), in, false)
	if err == nil || !strings.Contains(err.Error(), "input resourceGroup") || !strings.Contains(err.Error(), "landing-zone") {
		t.Fatalf("error = %v", err)
	}
}

// TestReadinessTimeout: a resource that never becomes ready fails the
// create after the type's timeout, and the engine keeps its id.
func TestReadinessTimeout(t *testing.T) {
	e := newEnv(t)
	e.fake.Steps = 1 << 30
	_, _, err := e.h("infra:ibm:Vpc").Create(context.Background(), vpcInputs(), false)
	var init *ibm.InitError
	if !errors.As(err, &init) || init.ID == "" {
		t.Fatalf("error = %v, want an InitError with the VPC's id", err)
	}
	if !strings.Contains(err.Error(), "not ready after 10m0s") || !strings.Contains(err.Error(), "last state: pending") {
		t.Errorf("error = %v", err)
	}
}

// TestCheck reports missing and invalid inputs by name.
func TestCheck(t *testing.T) {
	e := newEnv(t)
	_, failures, err := e.h("infra:ibm:SecurityGroupRule").Check(context.Background(), nil,
		props(map[string]any{"securityGroup": "sg", "region": "us-south", "direction": "sideways", "protocol": "all"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range failures {
		got = append(got, f.Property)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"direction", "protocol", "remote"}) {
		t.Errorf("failures on %v, want direction, protocol, remote", got)
	}
}

// TestDiff: which changes replace, and when the old one must go first.
func TestDiff(t *testing.T) {
	e := newEnv(t)
	old := map[string]any{"vpc": "v", "region": "us-south", "name": "s", "zone": "us-south-1", "ipv4CidrBlock": "10.0.0.0/20", "resourceGroup": "g"}
	tests := []struct {
		name     string
		change   map[string]any
		replaces []string
		first    bool
	}{
		{"rename", map[string]any{"name": "t"}, nil, false},
		{"cidr", map[string]any{"ipv4CidrBlock": "10.0.16.0/20"}, []string{"ipv4CidrBlock"}, true},
		{"cidr and name", map[string]any{"ipv4CidrBlock": "10.0.16.0/20", "name": "t"}, []string{"ipv4CidrBlock"}, false},
		{"unknown zone", map[string]any{"zone": resource.MakeComputed(resource.NewStringProperty(""))}, []string{"zone"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			news := props(old)
			for k, v := range tt.change {
				if pv, ok := v.(resource.PropertyValue); ok {
					news[resource.PropertyKey(k)] = pv
				} else {
					news[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
				}
			}
			d, err := e.h("infra:ibm:Subnet").Diff(context.Background(), "id", props(old), news)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Replaces, tt.replaces) || d.DeleteBeforeReplace != tt.first {
				t.Errorf("diff = %+v, want replaces %v, delete first %v", d, tt.replaces, tt.first)
			}
		})
	}
}

// TestSecrets: user data is a secret output, and secret inputs stay secret.
func TestSecrets(t *testing.T) {
	e := newEnv(t)
	in := props(map[string]any{"name": "x", "region": "us-south", "zone": "us-south-1", "vpc": "v", "profile": "cx2-2x4",
		"image": "ubuntu-24-04-amd64", "subnet": "s", "resourceGroup": "Default", "userData": "PrivateKey = secret"})
	_, outs, err := e.h("infra:ibm:Instance").Create(context.Background(), in, true)
	if err != nil {
		t.Fatal(err)
	}
	if !outs["userData"].IsSecret() {
		t.Errorf("userData output is not secret: %v", outs["userData"])
	}
	if !outs["primaryIpAddress"].IsComputed() {
		t.Errorf("a preview's primaryIpAddress = %v, want unknown", outs["primaryIpAddress"])
	}
	// A secret input of any type comes back secret.
	vin := vpcInputs()
	vin["name"] = resource.MakeSecret(resource.NewStringProperty("demo-vpc"))
	id, vouts, err := e.h("infra:ibm:Vpc").Create(context.Background(), vin, false)
	if err != nil {
		t.Fatal(err)
	}
	if !vouts["name"].IsSecret() {
		t.Errorf("secret input name came back as %v", vouts["name"])
	}
	r, err := e.h("infra:ibm:Vpc").Read(context.Background(), id, vin, vouts)
	if err != nil || !r.Inputs["name"].IsSecret() {
		t.Errorf("read lost the secret: %v %v", err, r.Inputs["name"])
	}
	// Previews call no API.
	before := len(e.fake.Requests())
	if _, _, err := e.h("infra:ibm:Vpc").Create(context.Background(), vpcInputs(), true); err != nil {
		t.Fatal(err)
	}
	if len(e.fake.Requests()) != before {
		t.Errorf("a preview called the API: %v", e.fake.Requests()[before:])
	}
}

// TestConfigFromEnv: the API key is required and endpoints must be URLs.
func TestConfigFromEnv(t *testing.T) {
	if _, err := ibm.ConfigFromEnv(func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "IBMCLOUD_API_KEY") {
		t.Errorf("no API key: %v", err)
	}
	vars := map[string]string{"IBMCLOUD_API_KEY": "k", "IBMCLOUD_VPC_API_ENDPOINT": "not a url"}
	if _, err := ibm.ConfigFromEnv(func(k string) string { return vars[k] }); err == nil || !strings.Contains(err.Error(), "IBMCLOUD_VPC_API_ENDPOINT") {
		t.Errorf("bad endpoint: %v", err)
	}
	vars["IBMCLOUD_VPC_API_ENDPOINT"] = "http://127.0.0.1:9/vpc/{region}/v1/"
	cfg, err := ibm.ConfigFromEnv(func(k string) string { return vars[k] })
	if err != nil || cfg.Endpoints.VPC != "http://127.0.0.1:9/vpc/{region}/v1" || cfg.Endpoints.IAM != ibm.DefaultEndpoints.IAM {
		t.Errorf("config = %+v, %v", cfg.Endpoints, err)
	}
}

// TestCheckUnknowns: in a preview, inputs not known yet satisfy Check.
func TestCheckUnknowns(t *testing.T) {
	e := newEnv(t)
	unknown := resource.MakeComputed(resource.NewStringProperty(""))
	in := props(map[string]any{"type": "access", "roles": []any{"Editor"}, "resourceAttributes": map[string]any{}})
	in["accessGroup"] = unknown
	if _, failures, err := e.h("infra:ibm:IamPolicy").Check(context.Background(), nil, in); err != nil || len(failures) > 0 {
		t.Errorf("check with an unknown access group: %v %v", err, failures)
	}
	pool := props(map[string]any{"cis": "crn", "name": "p"})
	pool["origins"] = unknown
	if _, failures, err := e.h("infra:ibm:CisOriginPool").Check(context.Background(), nil, pool); err != nil || len(failures) > 0 {
		t.Errorf("check with unknown origins: %v %v", err, failures)
	}
}
