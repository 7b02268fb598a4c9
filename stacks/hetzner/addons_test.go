package hetzner

import (
	"encoding/json"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
)

// encode is the JSON the Manifests resource sends for v.
func encode(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// strict decodes o into the Kubernetes API type of its kind, refusing any
// field the type lacks: a misspelt field would otherwise be dropped by the
// API server without a word.
func strict(t *testing.T, o map[string]any) any {
	t.Helper()
	types := map[string]func() any{
		"v1/ServiceAccount": func() any { return &corev1.ServiceAccount{} },
		"v1/Secret":         func() any { return &corev1.Secret{} },
		"rbac.authorization.k8s.io/v1/ClusterRole":        func() any { return &rbacv1.ClusterRole{} },
		"rbac.authorization.k8s.io/v1/ClusterRoleBinding": func() any { return &rbacv1.ClusterRoleBinding{} },
		"apps/v1/Deployment":                              func() any { return &appsv1.Deployment{} },
		"apps/v1/DaemonSet":                               func() any { return &appsv1.DaemonSet{} },
		"storage.k8s.io/v1/CSIDriver":                     func() any { return &storagev1.CSIDriver{} },
		"storage.k8s.io/v1/StorageClass":                  func() any { return &storagev1.StorageClass{} },
		"v1/Namespace":                                    func() any { return &corev1.Namespace{} },
		"v1/ConfigMap":                                    func() any { return &corev1.ConfigMap{} },
		"rbac.authorization.k8s.io/v1/Role":               func() any { return &rbacv1.Role{} },
		"rbac.authorization.k8s.io/v1/RoleBinding":        func() any { return &rbacv1.RoleBinding{} },
		"upgrade.cattle.io/v1/Plan":                       func() any { return &suPlan{} },
	}
	key := o["apiVersion"].(string) + "/" + o["kind"].(string)
	mk, ok := types[key]
	if !ok {
		t.Fatalf("no API type for %s", key)
	}
	v := mk()
	dec := json.NewDecoder(strings.NewReader(encode(t, o)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Errorf("%s %v: %v", key, o["metadata"], err)
	}
	return v
}

// Every add-on object is a valid object of its API type, and the facts the
// cluster depends on hold: the CCM reads the token and network from the
// hcloud Secret, leaves routes and load balancers alone, tolerates the
// uninitialised taint on the host network; the CSI's class is the default;
// the CSI node plugin reaches the metadata service (host network).
func TestAddonObjects(t *testing.T) {
	var deployments []*appsv1.Deployment
	var daemonsets []*appsv1.DaemonSet
	var classes []*storagev1.StorageClass
	objs := addonObjects("fsn1")
	for _, o := range objs {
		switch v := strict(t, o).(type) {
		case *appsv1.Deployment:
			deployments = append(deployments, v)
		case *appsv1.DaemonSet:
			daemonsets = append(daemonsets, v)
		case *storagev1.StorageClass:
			classes = append(classes, v)
		}
	}
	if a, b := encode(t, objs), encode(t, addonObjects("fsn1")); a != b {
		t.Errorf("the add-ons are not deterministic:\n%s\n%s", a, b)
	}
	if len(deployments) != 2 || len(daemonsets) != 1 || len(classes) != 1 {
		t.Fatalf("%d deployments, %d daemonsets, %d classes", len(deployments), len(daemonsets), len(classes))
	}
	envOf := func(c corev1.Container) map[string]string {
		out := map[string]string{}
		for _, e := range c.Env {
			switch {
			case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
				out[e.Name] = "secret " + e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
			case e.ValueFrom != nil:
				out[e.Name] = "field"
			default:
				out[e.Name] = e.Value
			}
		}
		return out
	}
	for _, d := range deployments {
		spec := d.Spec.Template.Spec
		if d.Spec.Selector == nil || d.Spec.Selector.MatchLabels["app"] != d.Spec.Template.Labels["app"] {
			t.Errorf("%s: selector does not select its pods", d.Name)
		}
		c := spec.Containers[0]
		e := envOf(c)
		switch d.Name {
		case "hcloud-cloud-controller-manager":
			want := map[string]string{"HCLOUD_TOKEN": "secret hcloud/token", "HCLOUD_NETWORK": "secret hcloud/network",
				"HCLOUD_NETWORK_ROUTES_ENABLED": "false", "HCLOUD_LOAD_BALANCERS_ENABLED": "false", "HCLOUD_METRICS_ENABLED": "false"}
			for k, v := range want {
				if e[k] != v {
					t.Errorf("ccm %s = %q, want %q", k, e[k], v)
				}
			}
			if !spec.HostNetwork || c.Image != ccmImage || strings.Contains(strings.Join(c.Args, " "), "allocate-node-cidrs") {
				t.Errorf("ccm: hostNetwork %v image %s args %v", spec.HostNetwork, c.Image, c.Args)
			}
			tolerates := false
			for _, tol := range spec.Tolerations {
				tolerates = tolerates || (tol.Key == "node.cloudprovider.kubernetes.io/uninitialized" && tol.Effect == corev1.TaintEffectNoSchedule)
			}
			if !tolerates {
				t.Error("ccm does not tolerate uninitialised nodes: it could never start")
			}
		case "hcloud-csi-controller":
			if e["HCLOUD_TOKEN"] != "secret hcloud/token" || e["HCLOUD_VOLUME_DEFAULT_LOCATION"] != "fsn1" || c.Image != csiImage {
				t.Errorf("csi controller env %v image %s", e, c.Image)
			}
		default:
			t.Errorf("unexpected deployment %s", d.Name)
		}
	}
	ds := daemonsets[0]
	if !ds.Spec.Template.Spec.HostNetwork {
		t.Error("csi node plugin on the pod network: the node firewall keeps it from the metadata service")
	}
	for _, c := range ds.Spec.Template.Spec.Containers {
		if c.Name == "hcloud-csi-driver" && envOf(c)["HCLOUD_TOKEN"] != "" {
			t.Error("the csi node plugin holds the API token")
		}
	}
	if sc := classes[0]; sc.Name != StorageClassName || sc.Provisioner != csiDriverName ||
		sc.Annotations["storageclass.kubernetes.io/is-default-class"] != "true" || *sc.VolumeBindingMode != storagev1.VolumeBindingWaitForFirstConsumer {
		t.Errorf("storage class %+v", sc)
	}
}

func TestHcloudSecret(t *testing.T) {
	s := strict(t, hcloudSecret("t0ken", "4711")).(*corev1.Secret)
	if s.Name != "hcloud" || s.Namespace != "kube-system" || s.StringData["token"] != "t0ken" || s.StringData["network"] != "4711" {
		t.Errorf("secret %+v", s)
	}
}
