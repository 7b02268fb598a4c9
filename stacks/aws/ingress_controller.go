package aws

import (
	"encoding/base64"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/eks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks/kubernetes"
)

// The ingress controller infra installs in every EKS cluster: ingress-nginx,
// pinned by tag and digest. The digest is the one the release lists
// (kubernetes/ingress-nginx changelog/controller-1.13.2.md, "Images").
const (
	controllerImage = "registry.k8s.io/ingress-nginx/controller:v1.13.2@sha256:1f7eaeb01933e719c8a9f4acd8181e555e582330c7d50f24484fb64d2ba9b2ef"
	controllerNS    = "ingress-nginx"
	controllerName  = "ingress-nginx"
	// controllerHealthPort and controllerHealthPath are the controller's
	// own health endpoint (its --healthz-port default, 10254, and /healthz:
	// ingress-nginx cmd/nginx/flags.go).
	controllerHealthPort = 10254
	controllerHealthPath = "/healthz"
	// electionID is the Lease the controller's replicas elect a leader
	// with (--election-id); the Role may update that Lease only.
	electionID = "ingress-nginx-leader"
)

// nodePorts are the fixed node ports of the controller's Service, by
// listener port, and healthNodePort the one of its health endpoint: fixed,
// so the target groups (created before the Service) can name them. They
// are in the default node port range, 30000-32767 (Kubernetes docs,
// Service, type NodePort).
var nodePorts = map[int]int{80: 30080, 443: 30443}

const healthNodePort = 30254

// controllerReplicas run on different nodes, so losing one node keeps the
// origin healthy.
const controllerReplicas = 2

// ingressController installs the ingress controller in the cluster over
// its API, as the deploy role that created it (EKS made it cluster admin:
// bootstrapClusterCreatorAdminPermissions; a second access entry for the
// same role would fail with ResourceInUseException, EKS API Reference,
// CreateAccessEntry). The token is aws eks get-token's, signed with the
// provider's credentials. Nothing when the cluster has no apiAccess: its
// endpoint is private, and validation warned that infra cannot reach it.
func (p *program) ingressController(cluster *eks.Cluster, nodes []*eks.NodeGroup, prov pulumi.ProviderResource) error {
	if len(p.r.Cluster.APIAccess) == 0 {
		return nil
	}
	auth := eks.GetClusterAuthOutput(p.ctx, eks.GetClusterAuthOutputArgs{Name: cluster.Name}, pulumi.Provider(prov))
	ca := cluster.CertificateAuthority.Data().Elem().ApplyT(decodeBase64).(pulumi.StringOutput)
	deps := make([]pulumi.Resource, len(nodes))
	for i, n := range nodes {
		deps[i] = n
	}
	objects := controllerObjects()
	if route, ok := p.healthIngress(); ok {
		objects = append(objects, route)
	}
	_, err := kubernetes.NewManifests(p.ctx, p.name("ingress-controller"), &kubernetes.ManifestsArgs{
		Cluster: p.clusterName(),
		Server:  cluster.Endpoint,
		CACert:  ca,
		Token:   auth.Token(),
		Objects: objects,
	}, pulumi.DependsOn(deps))
	return err
}

// labels select the controller's pods.
func controllerLabels() map[string]any {
	return map[string]any{"app.kubernetes.io/name": controllerName, "app.kubernetes.io/component": "controller"}
}

func meta(name, namespace string) map[string]any {
	m := map[string]any{"name": name, "labels": map[string]any{"app.kubernetes.io/name": controllerName, "app.kubernetes.io/managed-by": "infra"}}
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

// controllerObjects are the controller's Kubernetes objects, written here
// rather than taken from upstream's YAML. The RBAC rules, arguments, ports
// and security context are the facts of ingress-nginx's own manifests for
// controller v1.13 (charts/ingress-nginx templates clusterrole.yaml,
// controller-role.yaml, controller-deployment.yaml), without the
// admission webhook (it needs a certificate job, and infra creates no
// Ingress objects for it to check).
func controllerObjects() []kubernetes.Object {
	sa := map[string]any{"kind": "ServiceAccount", "name": controllerName, "namespace": controllerNS}
	ports := []any{}
	for _, port := range ingressPorts {
		name := map[int]string{80: "http", 443: "https"}[port]
		ports = append(ports, map[string]any{"name": name, "port": port, "protocol": "TCP", "targetPort": name, "nodePort": nodePorts[port]})
	}
	ports = append(ports, map[string]any{"name": "healthz", "port": controllerHealthPort, "protocol": "TCP",
		"targetPort": "healthz", "nodePort": healthNodePort})
	return []kubernetes.Object{
		{"apiVersion": "v1", "kind": "Namespace", "metadata": meta(controllerNS, "")},
		{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(controllerName, controllerNS), "automountServiceAccountToken": true},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": meta(controllerName, ""), "rules": []any{
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
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": meta(controllerName, ""),
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": controllerName},
			"subjects": []any{sa}},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta(controllerName, controllerNS), "rules": []any{
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
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta(controllerName, controllerNS),
			"roleRef":  map[string]any{"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": controllerName},
			"subjects": []any{sa}},
		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(controllerName+"-controller", controllerNS), "data": map[string]any{}},
		{"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": meta("nginx", ""),
			"spec": map[string]any{"controller": "k8s.io/ingress-nginx"}},
		{"apiVersion": "v1", "kind": "Service", "metadata": meta(controllerName+"-controller", controllerNS), "spec": map[string]any{
			"type": "NodePort", "selector": controllerLabels(), "ports": ports,
			// Any node takes traffic and forwards it to a controller pod:
			// the target groups hold every node, not only those running one.
			"externalTrafficPolicy": "Cluster",
		}},
		{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(controllerName+"-controller", controllerNS), "spec": map[string]any{
			"replicas": controllerReplicas,
			"selector": map[string]any{"matchLabels": controllerLabels()},
			"template": map[string]any{
				"metadata": map[string]any{"labels": controllerLabels()},
				"spec":     controllerPod(),
			},
		}},
	}
}

// controllerPod is the controller's pod: the upstream arguments without
// the webhook, its health endpoint probed for liveness and readiness, and
// replicas spread over nodes.
func controllerPod() map[string]any {
	probe := func(failures int) map[string]any {
		return map[string]any{"httpGet": map[string]any{"path": controllerHealthPath, "port": controllerHealthPort, "scheme": "HTTP"},
			"initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": failures}
	}
	env := func(name, path string) map[string]any {
		return map[string]any{"name": name, "valueFrom": map[string]any{"fieldRef": map[string]any{"fieldPath": path}}}
	}
	return map[string]any{
		"serviceAccountName":            controllerName,
		"terminationGracePeriodSeconds": 300,
		"nodeSelector":                  map[string]any{"kubernetes.io/os": "linux"},
		"affinity": map[string]any{"podAntiAffinity": map[string]any{"preferredDuringSchedulingIgnoredDuringExecution": []any{
			map[string]any{"weight": 100, "podAffinityTerm": map[string]any{
				"labelSelector": map[string]any{"matchLabels": controllerLabels()}, "topologyKey": "kubernetes.io/hostname"}},
		}}},
		"containers": []any{map[string]any{
			"name":  "controller",
			"image": controllerImage,
			"args": []any{
				"/nginx-ingress-controller",
				"--election-id=" + electionID,
				"--controller-class=k8s.io/ingress-nginx",
				"--ingress-class=nginx",
				"--configmap=$(POD_NAMESPACE)/" + controllerName + "-controller",
			},
			"env": []any{env("POD_NAME", "metadata.name"), env("POD_NAMESPACE", "metadata.namespace"),
				map[string]any{"name": "LD_PRELOAD", "value": "/usr/local/lib/libmimalloc.so"}},
			"lifecycle": map[string]any{"preStop": map[string]any{"exec": map[string]any{"command": []any{"/wait-shutdown"}}}},
			"ports": []any{
				map[string]any{"name": "http", "containerPort": 80, "protocol": "TCP"},
				map[string]any{"name": "https", "containerPort": 443, "protocol": "TCP"},
				map[string]any{"name": "healthz", "containerPort": controllerHealthPort, "protocol": "TCP"},
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

// decodeBase64 decodes EKS's certificateAuthority.data, the base64 of the
// PEM certificate.
func decodeBase64(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	return string(b), err
}
