package hetzner

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider"
	"infra/stacks/stackstest"
)

// A Hetzner origin answers the global load balancer's health check: an
// IngressRoute of infra's sends GET /healthz for the hostname on the web
// entry point to Traefik's ping handler, applied over the API as the
// hcloud Secret is, in a Manifests resource of its own (plain, so a
// preview shows it) that the provider's check accepts.
func TestHealthRouteOverTheAPI(t *testing.T) {
	spec, plan := stackstest.Load(t, example)
	r := stackstest.Region(t, spec.Clouds.Hetzner.Regions, "nbg1", "prod")
	id := r.ID()
	m := newMocks()
	if _, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(id)}); err != nil {
		t.Fatal(err)
	}
	res := m.Named(id + "-glb-health")
	if res.Name == "" {
		t.Fatal("no health route")
	}
	in := res.Inputs
	if stackstest.IsSecret(in["objects"]) {
		t.Error("the route's objects are secret: a preview would hide them")
	}
	objs := stackstest.Unwrap(in["objects"]).StringValue()
	var got []map[string]any
	if err := json.Unmarshal([]byte(objs), &got); err != nil || len(got) != 1 {
		t.Fatalf("objects %s: %v", objs, err)
	}
	rs := got[0]["spec"].(map[string]any)
	route := rs["routes"].([]any)[0].(map[string]any)
	if fmt.Sprint(rs["entryPoints"]) != "[web]" || route["match"] != "Host(`app.example.com`) && Path(`/healthz`)" ||
		fmt.Sprint(route["services"]) != "[map[kind:TraefikService name:ping@internal]]" || rs["tls"] != nil {
		t.Errorf("route %v", rs)
	}
	// the same connection as the Secret's
	sec := m.Named(id + "-hcloud-secret").Inputs
	for _, k := range []string{"server", "cluster"} {
		if stackstest.Str(in, k) != stackstest.Str(sec, k) {
			t.Errorf("%s: %s, the Secret's %s", k, stackstest.Str(in, k), stackstest.Str(sec, k))
		}
	}
	l, _ := provider.LocalType(provider.ManifestsType)
	check := resource.PropertyMap{"objects": resource.NewStringProperty(objs), "server": resource.NewStringProperty(stackstest.Str(in, "server"))}
	if f := l.Check(check); len(f) != 0 {
		t.Errorf("the provider refuses the route: %v", f)
	}

	// https: the websecure entry point, with TLS.
	spec.Network.GlobalLoadBalancer.HealthCheck.Protocol = "https"
	o, ok := healthRouteObject(spec, &r.Region)
	if rs := o["spec"].(map[string]any); !ok || fmt.Sprint(rs["entryPoints"]) != "[websecure]" || rs["tls"] == nil {
		t.Errorf("https route %v", o)
	}
	// A path of the user's: no route.
	spec.Network.GlobalLoadBalancer.HealthCheck.Path = "/ready"
	if o, ok := healthRouteObject(spec, &r.Region); ok {
		t.Errorf("a path of the user's still routes: %v", o)
	}
	spec.Network.GlobalLoadBalancer.HealthCheck.Path = "/healthz"
	// A region no pool names: the example's first pool (us) alone.
	spec.Network.GlobalLoadBalancer.Pools = spec.Network.GlobalLoadBalancer.Pools[:1]
	if strings.Contains(fmt.Sprint(spec.Network.GlobalLoadBalancer.Pools[0].Members), "hetzner") {
		t.Fatal("the example's first pool has a Hetzner member")
	}
	if o, ok := healthRouteObject(spec, &r.Region); ok {
		t.Errorf("a region no pool names gets a route: %v", o)
	}
}
