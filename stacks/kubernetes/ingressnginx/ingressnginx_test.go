package ingressnginx

import (
	"fmt"
	"testing"
)

// Whatever the Service, the health Ingress's backend is a port of a
// Service among the objects; the health endpoint is public only on the
// node port asked for, and the LoadBalancer address and annotations land
// on the controller's Service.
func TestServiceShapes(t *testing.T) {
	for _, tc := range []struct {
		name        string
		svc         Service
		wantBackend string
		wantPorts   string // of the controller's Service
		wantIP      any
	}{
		{"node ports with the health port", Service{Type: "NodePort", NodePorts: map[int]int{80: 30080, 443: 30443}, HealthNodePort: 30254},
			ServiceName, "[80:30080 443:30443 10254:30254]", nil},
		{"a load balancer on an address", Service{Type: "LoadBalancer", LoadBalancerIP: "198.51.100.7", Annotations: map[string]any{"a": "b"}},
			HealthServiceName, "[80:<nil> 443:<nil>]", "198.51.100.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			services := map[string]map[string]any{}
			for _, o := range tc.svc.Objects() {
				if o["kind"] == "Service" {
					services[o["metadata"].(map[string]any)["name"].(string)] = o["spec"].(map[string]any)
				}
			}
			ctrl := services[ServiceName]
			var ports []string
			for _, p := range ctrl["ports"].([]any) {
				p := p.(map[string]any)
				ports = append(ports, fmt.Sprint(p["port"], ":", p["nodePort"]))
			}
			if fmt.Sprint(ports) != tc.wantPorts || ctrl["type"] != tc.svc.Type || ctrl["loadBalancerIP"] != tc.wantIP {
				t.Errorf("controller Service %v %v %v, want %s %s %v", ctrl["type"], ports, ctrl["loadBalancerIP"], tc.svc.Type, tc.wantPorts, tc.wantIP)
			}
			ing := tc.svc.HealthIngress("app.example.com")
			rule := ing["spec"].(map[string]any)["rules"].([]any)[0].(map[string]any)
			backend := rule["http"].(map[string]any)["paths"].([]any)[0].(map[string]any)["backend"].(map[string]any)["service"].(map[string]any)
			if backend["name"] != tc.wantBackend {
				t.Errorf("backend %v, want %s", backend["name"], tc.wantBackend)
			}
			found := false
			for _, p := range services[tc.wantBackend]["ports"].([]any) {
				found = found || p.(map[string]any)["port"] == backend["port"].(map[string]any)["number"]
			}
			if !found {
				t.Errorf("backend port %v is no port of %s", backend["port"], tc.wantBackend)
			}
		})
	}
}
