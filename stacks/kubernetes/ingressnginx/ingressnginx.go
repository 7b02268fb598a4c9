// Package ingressnginx is the ingress controller infra installs in the
// managed clusters it makes (EKS, OVHcloud MKS): ingress-nginx, as plain
// Kubernetes objects for infra:kubernetes:Manifests, and the Ingress that
// answers the global load balancer's health check through it. The clouds
// differ only in how the controller's Service reaches the outside (see
// Service).
package ingressnginx

import (
	"infra/stacks/kubernetes"
)

// The controller, pinned by tag and digest. The digest is the one the
// release lists (kubernetes/ingress-nginx changelog/controller-1.13.2.md,
// "Images").
const (
	Image     = "registry.k8s.io/ingress-nginx/controller:v1.13.2@sha256:1f7eaeb01933e719c8a9f4acd8181e555e582330c7d50f24484fb64d2ba9b2ef"
	Namespace = "ingress-nginx"
	// ServiceName is the controller's Service.
	ServiceName = name + "-controller"
	// HealthServiceName is the cluster-internal Service of the health
	// endpoint, when the controller's Service does not carry it.
	HealthServiceName = name + "-controller-health"
	// HealthPort and HealthPath are the controller's own health endpoint
	// (its --healthz-port default, 10254, and /healthz: ingress-nginx
	// cmd/nginx/flags.go), which answers 200 while nginx runs.
	HealthPort = 10254
	HealthPath = "/healthz"

	name = "ingress-nginx"
	// electionID is the Lease the controller's replicas elect a leader
	// with (--election-id); the Role may update that Lease only.
	electionID = "ingress-nginx-leader"
	// replicas run on different nodes, so losing one node keeps the
	// origin healthy.
	replicas = 2
)

// Ports are the ports the controller serves traffic on: plain HTTP (for
// redirects, ACME challenges and the health check) and HTTPS.
var Ports = []int{80, 443}

// portNames name Ports in the pod and the Service.
var portNames = map[int]string{80: "http", 443: "https"}

// Service is how the controller's Service exposes it.
type Service struct {
	// Type is the Service's type: NodePort (a load balancer of infra's
	// targets the nodes) or LoadBalancer (the cloud's controller manager
	// makes one).
	Type string
	// NodePorts fixes the node port of each of Ports, so that a load
	// balancer made before the Service can name them; none lets
	// Kubernetes pick.
	NodePorts map[int]int
	// HealthNodePort, when set, puts the health endpoint on the Service
	// too, on this node port, for a load balancer that probes it there.
	// Unset, the endpoint stays inside the cluster (it also serves
	// /metrics), on a Service of its own, HealthServiceName.
	HealthNodePort int
	// LoadBalancerIP is spec.loadBalancerIP: the address a LoadBalancer
	// Service asks its cloud for.
	LoadBalancerIP string
	// Annotations configure the cloud's load balancer.
	Annotations map[string]any
}

// health is the Service and port the health endpoint is reached by.
func (s Service) health() (service string, port int) {
	if s.HealthNodePort != 0 {
		return ServiceName, HealthPort
	}
	return HealthServiceName, HealthPort
}

// HealthIngress is the Ingress that answers the global load balancer's
// health check: GET /healthz for each host (the Host header the checks
// send) goes to the controller's own health endpoint. ingress-nginx's
// default server already answers /healthz for a host no Ingress routes
// (rootfs/etc/nginx/template/nginx.tmpl, server "_": "health checks in
// cloud providers require the use of port 80"), but once an Ingress of the
// user's routes the hostname, its server takes the path: this Ingress
// keeps it the controller's. An exact path beats the user's prefixes, as
// nginx matches "location = /healthz" first.
func (s Service) HealthIngress(hosts ...string) kubernetes.Object {
	svc, port := s.health()
	path := map[string]any{"path": HealthPath, "pathType": "Exact", "backend": map[string]any{"service": map[string]any{
		"name": svc, "port": map[string]any{"number": port}}}}
	var rules []any
	for _, host := range hosts {
		rules = append(rules, map[string]any{"host": host, "http": map[string]any{"paths": []any{path}}})
	}
	m := meta("glb-health", Namespace)
	// No redirect to HTTPS once an Ingress of the user's gives the host TLS
	// ("By default the controller redirects (308) to HTTPS if TLS is
	// enabled for that ingress", ingress-nginx docs, annotations,
	// Server-side HTTPS enforcement through redirect; the host's server is
	// shared by every Ingress that names it): CIS expects 2xx and infra's
	// monitor follows no redirect.
	m["annotations"] = map[string]any{"nginx.ingress.kubernetes.io/ssl-redirect": "false"}
	return kubernetes.Object{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": m,
		"spec": map[string]any{"ingressClassName": "nginx", "rules": rules}}
}

// services are the controller's Service as s describes it, and the health
// endpoint's own Service when s leaves it out.
func (s Service) services() []kubernetes.Object {
	ports := []any{}
	for _, port := range Ports {
		p := map[string]any{"name": portNames[port], "port": port, "protocol": "TCP", "targetPort": portNames[port]}
		if n, ok := s.NodePorts[port]; ok {
			p["nodePort"] = n
		}
		ports = append(ports, p)
	}
	if s.HealthNodePort != 0 {
		ports = append(ports, map[string]any{"name": "healthz", "port": HealthPort, "protocol": "TCP",
			"targetPort": "healthz", "nodePort": s.HealthNodePort})
	}
	spec := map[string]any{
		"type": s.Type, "selector": controllerLabels(), "ports": ports,
		// Any node takes traffic and forwards it to a controller pod: the
		// load balancer holds every node, not only those running one.
		"externalTrafficPolicy": "Cluster",
	}
	if s.LoadBalancerIP != "" {
		spec["loadBalancerIP"] = s.LoadBalancerIP
	}
	m := meta(ServiceName, Namespace)
	if len(s.Annotations) > 0 {
		m["annotations"] = s.Annotations
	}
	out := []kubernetes.Object{{"apiVersion": "v1", "kind": "Service", "metadata": m, "spec": spec}}
	if s.HealthNodePort == 0 {
		out = append(out, kubernetes.Object{"apiVersion": "v1", "kind": "Service", "metadata": meta(HealthServiceName, Namespace),
			"spec": map[string]any{"type": "ClusterIP", "selector": controllerLabels(), "ports": []any{
				map[string]any{"name": "healthz", "port": HealthPort, "protocol": "TCP", "targetPort": "healthz"}}}})
	}
	return out
}

// labels select the controller's pods.
func controllerLabels() map[string]any {
	return map[string]any{"app.kubernetes.io/name": name, "app.kubernetes.io/component": "controller"}
}

// meta is an object's metadata: its name and namespace (none for a
// cluster-scoped kind), labelled as the controller's.
func meta(object, namespace string) map[string]any {
	m := map[string]any{"name": object, "labels": map[string]any{"app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "infra"}}
	if namespace != "" {
		m["namespace"] = namespace
	}
	return m
}

// rule is one RBAC policy rule.
func rule(groups, resources, verbs []string, names ...string) map[string]any {
	r := map[string]any{"apiGroups": groups, "resources": resources, "verbs": verbs}
	if len(names) > 0 {
		r["resourceNames"] = names
	}
	return r
}

var (
	core      = []string{""}
	readVerbs = []string{"get", "list", "watch"}
)

// Objects are the controller's Kubernetes objects, its Service as s
// describes it, written here rather than taken from upstream's YAML. The RBAC rules, arguments, ports
// and security context are the facts of ingress-nginx's own manifests for
// controller v1.13 (charts/ingress-nginx templates clusterrole.yaml,
// controller-role.yaml, controller-deployment.yaml), without the
// admission webhook (it needs a certificate job, and infra creates no
// Ingress objects for it to check).
func (s Service) Objects() []kubernetes.Object {
	sa := map[string]any{"kind": "ServiceAccount", "name": name, "namespace": Namespace}
	objs := []kubernetes.Object{
		{"apiVersion": "v1", "kind": "Namespace", "metadata": meta(Namespace, "")},
		{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(name, Namespace), "automountServiceAccountToken": true},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta(name, ""), "rules": []any{
			rule(core, []string{"configmaps", "endpoints", "nodes", "pods", "secrets", "namespaces"}, []string{"list", "watch"}),
			rule([]string{"coordination.k8s.io"}, []string{"leases"}, []string{"list", "watch"}),
			rule(core, []string{"nodes"}, []string{"get"}),
			rule(core, []string{"services"}, readVerbs),
			rule([]string{"networking.k8s.io"}, []string{"ingresses"}, readVerbs),
			rule(core, []string{"events"}, []string{"create", "patch"}),
			rule([]string{"networking.k8s.io"}, []string{"ingresses/status"}, []string{"update"}),
			rule([]string{"networking.k8s.io"}, []string{"ingressclasses"}, readVerbs),
			rule([]string{"discovery.k8s.io"}, []string{"endpointslices"}, []string{"list", "watch", "get"}),
		}},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta(name, ""),
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": name},
			"subjects": []any{sa}},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta(name, Namespace), "rules": []any{
			rule(core, []string{"namespaces"}, []string{"get"}),
			rule(core, []string{"configmaps", "pods", "secrets", "endpoints"}, readVerbs),
			rule(core, []string{"services"}, readVerbs),
			rule([]string{"networking.k8s.io"}, []string{"ingresses"}, readVerbs),
			rule([]string{"networking.k8s.io"}, []string{"ingresses/status"}, []string{"update"}),
			rule([]string{"networking.k8s.io"}, []string{"ingressclasses"}, readVerbs),
			rule([]string{"coordination.k8s.io"}, []string{"leases"}, []string{"get", "update"}, electionID),
			rule([]string{"coordination.k8s.io"}, []string{"leases"}, []string{"create"}),
			rule(core, []string{"events"}, []string{"create", "patch"}),
			rule([]string{"discovery.k8s.io"}, []string{"endpointslices"}, []string{"list", "watch", "get"}),
		}},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta(name, Namespace),
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
			"subjects": []any{sa}},
		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(ServiceName, Namespace), "data": map[string]any{}},
		{"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": meta("nginx", ""),
			"spec": map[string]any{"controller": "k8s.io/ingress-nginx"}},
	}
	objs = append(objs, s.services()...)
	return append(objs, kubernetes.Object{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(ServiceName, Namespace), "spec": map[string]any{
		"replicas": replicas,
		"selector": map[string]any{"matchLabels": controllerLabels()},
		"template": map[string]any{
			"metadata": map[string]any{"labels": controllerLabels()},
			"spec":     controllerPod(),
		},
	}})
}

// controllerPod is the controller's pod: the upstream arguments without
// the webhook, its health endpoint probed for liveness and readiness, and
// replicas spread over nodes.
func controllerPod() map[string]any {
	probe := func(failures int) map[string]any {
		return map[string]any{"httpGet": map[string]any{"path": HealthPath, "port": HealthPort, "scheme": "HTTP"},
			"initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": failures}
	}
	env := func(name, path string) map[string]any {
		return map[string]any{"name": name, "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": path}}}
	}
	return map[string]any{
		"serviceAccountName":            name,
		"terminationGracePeriodSeconds": 300,
		"nodeSelector":                  map[string]any{"kubernetes.io/os": "linux"},
		"affinity": map[string]any{"podAntiAffinity": map[string]any{"preferredDuringSchedulingIgnoredDuringExecution": []any{
			map[string]any{"weight": 100, "podAffinityTerm": map[string]any{
				"labelSelector": map[string]any{"matchLabels": controllerLabels()}, "topologyKey": "kubernetes.io/hostname"}},
		}}},
		"containers": []any{map[string]any{
			"name":  "controller",
			"image": Image,
			"args": []any{
				"/nginx-ingress-controller",
				"--election-id=" + electionID,
				"--controller-class=k8s.io/ingress-nginx",
				"--ingress-class=nginx",
				"--configmap=$(POD_NAMESPACE)/" + name + "-controller",
			},
			"env": []any{env("POD_NAME", "metadata.name"), env("POD_NAMESPACE", "metadata.namespace"),
				map[string]any{"name": "LD_PRELOAD", "value": "/usr/local/lib/libmimalloc.so"}},
			"lifecycle": map[string]any{"preStop": map[string]any{"exec": map[string]any{"command": []any{"/wait-shutdown"}}}},
			"ports": []any{
				map[string]any{"name": "http", "containerPort": 80, "protocol": "TCP"},
				map[string]any{"name": "https", "containerPort": 443, "protocol": "TCP"},
				map[string]any{"name": "healthz", "containerPort": HealthPort, "protocol": "TCP"},
			},
			"livenessProbe":  probe(5),
			"readinessProbe": probe(3),
			"resources":      map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "90Mi"}},
			"securityContext": map[string]any{
				"runAsNonRoot": true, "runAsUser": 101, "runAsGroup": 82, "allowPrivilegeEscalation": false,
				"readOnlyRootFilesystem": false, "seccompProfile": map[string]any{"type": "RuntimeDefault"},
				"capabilities": map[string]any{"drop": []any{"ALL"}, "add": []any{"NET_BIND_SERVICE"}},
			},
		}},
	}
}
