package ovh

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"infra/stacks/kubernetes/ingressnginx"
	"infra/stacks/stackstest"
)

// The region's ingress: ingress-nginx applied with the cluster's admin
// credentials (the key secret), its LoadBalancer Service on the region's
// floating IP and kept there, and, for an origin of the global load
// balancer, the Ingress that sends the health check for the hostname to
// the controller's health endpoint, through a Service that has that port.
// A region that is no origin gets the controller only.
func TestIngressControllerClaimsTheFloatingIP(t *testing.T) {
	spec, plan := stackstest.Load(t, "../../examples/multicloud.yaml")
	for _, tc := range []struct {
		region, env string
		origin      bool
	}{
		{"GRA11", "prod", true},
		{"BHS5", "staging", false},
	} {
		t.Run(tc.region, func(t *testing.T) {
			r := stackstest.Region(t, spec.Clouds.OVH.Regions, tc.region, tc.env)
			id := r.ID()
			m := newMocks()
			if _, err := run(m, RegionalArgs{Spec: spec, Region: r, Net: plan.Region(id)}); err != nil {
				t.Fatal(err)
			}
			res := m.Named(id + "-ingress-controller")
			if res.Type != tManifests {
				t.Fatalf("no Manifests %s-ingress-controller: %+v", id, res)
			}
			in := res.Inputs
			if got := stackstest.Str(in, "server"); got != "https://abc123.c1.gra.k8s.ovh.net" {
				t.Errorf("server = %q", got)
			}
			for key, want := range map[string]string{"caCert": testCA, "clientCert": testCert, "clientKey": testKey} {
				if got := stackstest.Str(in, key); got != want {
					t.Errorf("%s = %q, want the decoded kubeconfigAttributes' %q", key, got, want)
				}
			}
			if !stackstest.IsSecret(in["clientKey"]) {
				t.Error("the client key is not secret")
			}
			// The controller waits for the node pools, and for the address.
			var deps []string
			for _, d := range res.Deps {
				deps = append(deps, d[strings.LastIndex(d, "::")+2:])
			}
			for _, want := range []string{id + "-nodes-" + strings.ToLower(tc.region), id + "-ingress-ip"} {
				if !slices.Contains(deps, want) {
					t.Errorf("depends on %v, not %s", deps, want)
				}
			}

			var objs []map[string]any
			if err := json.Unmarshal([]byte(stackstest.Str(in, "objects")), &objs); err != nil {
				t.Fatal(err)
			}
			services := map[string]map[string]any{}
			var ingresses []map[string]any
			for _, o := range objs {
				name := o["metadata"].(map[string]any)["name"].(string)
				switch o["kind"] {
				case "Service":
					services[name] = o
				case "Ingress":
					ingresses = append(ingresses, o)
				}
			}
			lb := services[ingressnginx.ServiceName]
			if lb == nil {
				t.Fatalf("no controller Service among %d objects", len(objs))
			}
			lbSpec := lb["spec"].(map[string]any)
			if lbSpec["type"] != "LoadBalancer" || lbSpec["loadBalancerIP"] != testIngressIP {
				t.Errorf("controller Service %v %v, want a LoadBalancer on the floating IP %s", lbSpec["type"], lbSpec["loadBalancerIP"], testIngressIP)
			}
			a := lb["metadata"].(map[string]any)["annotations"].(map[string]any)
			if a["loadbalancer.openstack.org/keep-floatingip"] != "true" || a["loadbalancer.ovhcloud.com/class"] != "octavia" {
				t.Errorf("annotations %v: the load balancer must be Octavia's and leave the stack's floating IP be", a)
			}
			if got := fmt.Sprint(ports(lbSpec)); got != "[80 443]" {
				t.Errorf("the public Service's ports = %s, want 80 and 443 only (10254 also serves /metrics)", got)
			}

			if !tc.origin {
				if len(ingresses) != 0 {
					t.Errorf("a region outside the pools gets %d Ingresses", len(ingresses))
				}
				return
			}
			if len(ingresses) != 1 {
				t.Fatalf("%d Ingresses, want the health check's", len(ingresses))
			}
			var routes []string
			for _, rule := range ingresses[0]["spec"].(map[string]any)["rules"].([]any) {
				rule := rule.(map[string]any)
				for _, p := range rule["http"].(map[string]any)["paths"].([]any) {
					p := p.(map[string]any)
					backend := p["backend"].(map[string]any)["service"].(map[string]any)
					port := int(backend["port"].(map[string]any)["number"].(float64))
					svc := services[backend["name"].(string)]
					if svc == nil || !slices.Contains(ports(svc["spec"].(map[string]any)), port) {
						t.Errorf("backend %v:%d is no port of a Service applied with it", backend["name"], port)
					}
					routes = append(routes, fmt.Sprint(rule["host"], p["path"], " ", p["pathType"], " ", port))
				}
			}
			want := "[" + spec.Network.GlobalLoadBalancer.Hostname + "/healthz Exact 10254]"
			if fmt.Sprint(routes) != want {
				t.Errorf("routes %v, want %s", routes, want)
			}
		})
	}
}

// ports are a Service spec's ports.
func ports(spec map[string]any) []int {
	var out []int
	for _, p := range spec["ports"].([]any) {
		out = append(out, int(p.(map[string]any)["port"].(float64)))
	}
	return out
}
