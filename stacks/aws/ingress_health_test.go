package aws_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"infra/plan"
)

// manifestObjects decodes the objects of a stack's Manifests resource.
func manifestObjects(t *testing.T, s *plan.Stack, name string) []map[string]any {
	t.Helper()
	m := byType(s)["infra:kubernetes:Manifests"][name]
	if m == nil {
		t.Fatalf("no Manifests %s", name)
	}
	var objs []map[string]any
	if err := json.Unmarshal([]byte(m.Inputs["objects"].(string)), &objs); err != nil {
		t.Fatal(err)
	}
	return objs
}

// The global load balancer's health check (GET /healthz with the hostname,
// or Route 53's origin name, as Host) reaches the controller's own health
// endpoint through an Ingress of infra's, on a port the controller's
// Service has; with a path of the user's, infra routes nothing.
func TestHealthCheckReachesTheController(t *testing.T) {
	const id = "aws-us-east-1-prod"
	objs := manifestObjects(t, planOfExample(t, "../../examples/multicloud.yaml").Stack(id), id+"-ingress-controller")
	var route map[string]any
	servicePorts := map[string]bool{}
	for _, o := range objs {
		switch o["kind"] {
		case "Ingress":
			route = o
		case "Service":
			for _, p := range o["spec"].(map[string]any)["ports"].([]any) {
				servicePorts[fmt.Sprint(p.(map[string]any)["port"])] = true
			}
		}
	}
	if route == nil {
		t.Fatal("no health-check Ingress among the controller's objects")
	}
	if a := route["metadata"].(map[string]any)["annotations"].(map[string]any); a["nginx.ingress.kubernetes.io/ssl-redirect"] != "false" {
		t.Errorf("annotations %v: a certificate of the user's for the host would redirect the check", a)
	}
	spec := route["spec"].(map[string]any)
	if spec["ingressClassName"] != "nginx" {
		t.Errorf("ingress class %v, want the controller's", spec["ingressClassName"])
	}
	var got []string
	for _, r := range spec["rules"].([]any) {
		rule := r.(map[string]any)
		for _, p := range rule["http"].(map[string]any)["paths"].([]any) {
			path := p.(map[string]any)
			svc := path["backend"].(map[string]any)["service"].(map[string]any)
			port := fmt.Sprint(svc["port"].(map[string]any)["number"])
			if svc["name"] != "ingress-nginx-controller" || !servicePorts[port] {
				t.Errorf("backend %v:%s is not a port of the controller's Service (%v)", svc["name"], port, servicePorts)
			}
			got = append(got, fmt.Sprint(rule["host"], path["path"], " ", path["pathType"], " ", port))
		}
	}
	want := "[app.example.com/healthz Exact 10254 " + id + ".origin.app.example.com/healthz Exact 10254]"
	if fmt.Sprint(got) != want {
		t.Errorf("routes %v, want %s", got, want)
	}

	src, err := os.ReadFile("../../examples/multicloud.yaml")
	if err != nil {
		t.Fatal(err)
	}
	custom := strings.Replace(string(src), "healthCheck: {path: /healthz,", "healthCheck: {path: /ready,", 1)
	file := filepath.Join(t.TempDir(), "custom.yaml")
	if err := os.WriteFile(file, []byte(custom), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, p := planOfFile(t, file)
	for _, o := range manifestObjects(t, p.Stack(id), id+"-ingress-controller") {
		if o["kind"] == "Ingress" {
			t.Errorf("a health check of the user's path still routes %v", o["spec"])
		}
	}
}
