package provider

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const testToken = "k8s-aws-v1.dGVzdC10b2tlbg"

// testObjects are a namespace's worth of objects, deliberately out of
// apply order: the Deployment first, the Namespace last.
func testObjects(extra ...map[string]any) []map[string]any {
	objs := []map[string]any{
		{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web", "namespace": "edge"},
			"spec": map[string]any{"replicas": 2}},
		{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": "web", "namespace": "edge"}},
		{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": map[string]any{"name": "web"}},
		{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "creds", "namespace": "kube-system"},
			"stringData": map[string]any{"token": "s3cr3t-data"}},
		{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "edge"}},
	}
	return append(objs, extra...)
}

// plan is a system-upgrade-controller Plan: a kind its controller defines.
func plan(name, namespace string) map[string]any {
	return map[string]any{"apiVersion": "upgrade.cattle.io/v1", "kind": "Plan", "metadata": map[string]any{"name": name, "namespace": namespace},
		"spec": map[string]any{"version": "v1.35.5+k3s1", "upgrade": map[string]any{"image": "rancher/k3s-upgrade"}}}
}

func manifestsInputs(t *testing.T, server, ca string, objs []map[string]any, auth map[string]string) resource.PropertyMap {
	t.Helper()
	b, err := json.Marshal(objs)
	if err != nil {
		t.Fatal(err)
	}
	m := resource.PropertyMap{
		"cluster": resource.NewStringProperty("test"),
		"server":  resource.NewStringProperty(server),
		"caCert":  resource.NewStringProperty(ca),
		"objects": resource.MakeSecret(resource.NewStringProperty(string(b))),
	}
	for k, v := range auth {
		m[resource.PropertyKey(k)] = resource.MakeSecret(resource.NewStringProperty(v))
	}
	return m
}

// shortTimeout bounds the API's absence in a test.
func shortTimeout(t *testing.T, d time.Duration) {
	old := ApplyTimeout
	ApplyTimeout = d
	t.Cleanup(func() { ApplyTimeout = old })
}

func TestManifestsPush(t *testing.T) {
	l, _ := LocalType(ManifestsType)
	ctx := context.Background()
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "old", "namespace": "edge"}}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, f *fakeKube, server, ca string)
	}{
		{"create applies in dependency order", func(t *testing.T, f *fakeKube, server, ca string) {
			in := manifestsInputs(t, server, ca, testObjects(), map[string]string{"token": testToken})
			outs, err := l.Push(ctx, nil, in)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{
				"PATCH /api/v1/namespaces/edge",
				"PATCH /api/v1/namespaces/edge/serviceaccounts/web",
				"PATCH /apis/rbac.authorization.k8s.io/v1/clusterroles/web",
				"PATCH /api/v1/namespaces/kube-system/secrets/creds",
				"PATCH /apis/apps/v1/namespaces/edge/deployments/web",
			}
			if got := f.requests(); !slices.Equal(got, want) {
				t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if !outs["token"].IsSecret() || !outs["objects"].IsSecret() {
				t.Error("the token or the objects left the state in the clear")
			}
		}},
		{"update applies and prunes", func(t *testing.T, f *fakeKube, server, ca string) {
			old := manifestsInputs(t, server, ca, testObjects(cm), map[string]string{"token": testToken})
			if _, err := l.Push(ctx, nil, old); err != nil {
				t.Fatal(err)
			}
			if !f.paths()["/api/v1/namespaces/edge/configmaps/old"] {
				t.Fatal("the config map was not applied")
			}
			f.requests()
			// The new set drops the config map and comes with a new token:
			// the API takes the new one only.
			f.token = testToken + "2"
			news := manifestsInputs(t, server, ca, testObjects(), map[string]string{"token": testToken + "2"})
			if _, err := l.Push(ctx, old, news); err != nil {
				t.Fatal(err)
			}
			if f.paths()["/api/v1/namespaces/edge/configmaps/old"] {
				t.Error("the config map the new set lacks was not deleted")
			}
			if got := f.requests(); got[len(got)-1] != "DELETE /api/v1/namespaces/edge/configmaps/old" || len(got) != 6 {
				t.Errorf("requests: %v", got)
			}
		}},
		{"delete removes all, last first, ignoring the gone", func(t *testing.T, f *fakeKube, server, ca string) {
			in := manifestsInputs(t, server, ca, testObjects(), map[string]string{"token": testToken})
			if _, err := l.Push(ctx, nil, in); err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			delete(f.objects, "/apis/rbac.authorization.k8s.io/v1/clusterroles/web")
			f.mu.Unlock()
			f.requests()
			if err := l.Delete(ctx, in); err != nil {
				t.Fatal(err)
			}
			if p := f.paths(); len(p) != 1 {
				t.Errorf("left behind: %v", p)
			}
			got := f.requests()
			if len(got) != 5 || got[0] != "DELETE /apis/apps/v1/namespaces/edge/deployments/web" || got[4] != "DELETE /api/v1/namespaces/edge" {
				t.Errorf("requests: %v", got)
			}
		}},
		{"delete waits out a load balancer's finalizer", func(t *testing.T, f *fakeKube, server, ca string) {
			svc := func(name, typ string) map[string]any {
				return map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": name, "namespace": "edge"},
					"spec": map[string]any{"type": typ}}
			}
			in := manifestsInputs(t, server, ca, testObjects(svc("lb", "LoadBalancer"), svc("internal", "ClusterIP")), map[string]string{"token": testToken})
			if _, err := l.Push(ctx, nil, in); err != nil {
				t.Fatal(err)
			}
			const lb = "/api/v1/namespaces/edge/services/lb"
			f.mu.Lock()
			f.finalizing[lb] = 3
			f.mu.Unlock()
			f.requests()
			if err := l.Delete(ctx, in); err != nil {
				t.Fatal(err)
			}
			got := f.requests()
			i := slices.Index(got, "DELETE "+lb)
			if i < 0 || len(got) < i+5 || !slices.Equal(got[i+1:i+5], slices.Repeat([]string{"GET " + lb}, 4)) {
				t.Errorf("the delete did not read the load balancer's Service until it was gone: %v", got)
			}
			if n := slices.Index(got, "GET /api/v1/namespaces/edge/services/internal"); n >= 0 {
				t.Errorf("the delete waited for a Service with no load balancer: %v", got)
			}
			if f.paths()[lb] {
				t.Error("the Service is still there")
			}
		}},
		{"a load balancer that is never removed fails the delete", func(t *testing.T, f *fakeKube, server, ca string) {
			lb := map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "lb", "namespace": "edge"},
				"spec": map[string]any{"type": "LoadBalancer"}}
			in := manifestsInputs(t, server, ca, testObjects(lb), map[string]string{"token": testToken})
			if _, err := l.Push(ctx, nil, in); err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			f.finalizing["/api/v1/namespaces/edge/services/lb"] = 1 << 30
			f.mu.Unlock()
			shortTimeout(t, 300*time.Millisecond)
			if err := l.Delete(ctx, in); err == nil || !strings.Contains(err.Error(), "finalizer") || !strings.Contains(err.Error(), "Service/edge/lb") {
				t.Errorf("delete: %v", err)
			}
		}},
		{"waits for an API not reachable yet", func(t *testing.T, f *fakeKube, server, ca string) {
			refused := 3
			old := kubeDial
			t.Cleanup(func() { kubeDial = old })
			kubeDial = func(ctx context.Context, network, addr string) (net.Conn, error) {
				if refused > 0 {
					refused--
					return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
				}
				return old(ctx, network, addr)
			}
			in := manifestsInputs(t, server, ca, testObjects(), map[string]string{"token": testToken})
			if _, err := l.Push(ctx, nil, in); err != nil {
				t.Fatal(err)
			}
			if refused != 0 || len(f.paths()) != 6 {
				t.Errorf("refused left %d, objects %v", refused, f.paths())
			}
		}},
		{"gives up on an API never reachable", func(t *testing.T, f *fakeKube, server, ca string) {
			shortTimeout(t, 50*time.Millisecond)
			old := kubeDial
			t.Cleanup(func() { kubeDial = old })
			kubeDial = func(_ context.Context, network, _ string) (net.Conn, error) {
				return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
			}
			in := manifestsInputs(t, server, ca, testObjects(), map[string]string{"token": testToken})
			_, err := l.Push(ctx, nil, in)
			if err == nil || !strings.Contains(err.Error(), "not reachable within") || !strings.Contains(err.Error(), "apply Namespace//edge") {
				t.Errorf("err = %v", err)
			}
		}},
		{"a CA that did not sign the server is refused at once", func(t *testing.T, f *fakeKube, server, _ string) {
			other, _, _, _, err := ClusterCA("other", time.Now())
			if err != nil {
				t.Fatal(err)
			}
			in := manifestsInputs(t, server, other, testObjects(), map[string]string{"token": testToken})
			_, err = l.Push(ctx, nil, in)
			var ue interface{ Unwrap() error }
			if err == nil || !errors.As(err, &ue) || !strings.Contains(err.Error(), "certificate") {
				t.Errorf("err = %v", err)
			}
			if len(f.requests()) != 0 {
				t.Error("a request reached a server the CA does not vouch for")
			}
		}},
		{"the API's refusal names the object and keeps the token out", func(t *testing.T, f *fakeKube, server, ca string) {
			in := manifestsInputs(t, server, ca, testObjects(), map[string]string{"token": "wrong-token"})
			_, err := l.Push(ctx, nil, in)
			if err == nil || !strings.Contains(err.Error(), "apply Namespace//edge: 401 Unauthorized") {
				t.Errorf("err = %v", err)
			}
			if err != nil && (strings.Contains(err.Error(), "wrong-token") || strings.Contains(err.Error(), "s3cr3t")) {
				t.Error("the error shows a secret")
			}
		}},
		{"a namespace the API lacks is the API's 404", func(t *testing.T, f *fakeKube, server, ca string) {
			// Past Check (which would refuse it), straight to the push.
			objs := []map[string]any{{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "x", "namespace": "kube-system"}}}
			f.mu.Lock()
			f.objects = map[string]map[string]any{}
			f.mu.Unlock()
			in := manifestsInputs(t, server, ca, objs, map[string]string{"token": testToken})
			_, err := l.Push(ctx, nil, in)
			if err == nil || !strings.Contains(err.Error(), `apply ConfigMap/kube-system/x: 404 namespaces "kube-system" not found`) {
				t.Errorf("err = %v", err)
			}
		}},
		{"a route waits for the definition its cluster's add-on installs", func(t *testing.T, f *fakeKube, server, ca string) {
			f.unserved = map[string]int{"traefik.io/v1alpha1": 3}
			in := manifestsInputs(t, server, ca, []map[string]any{testRoute()}, map[string]string{"token": testToken})
			if _, err := l.Push(ctx, nil, in); err != nil {
				t.Fatal(err)
			}
			if got := f.requests(); len(got) != 4 || f.unserved["traefik.io/v1alpha1"] != 0 || !f.paths()["/apis/traefik.io/v1alpha1/namespaces/kube-system/ingressroutes/health"] {
				t.Errorf("requests %v, objects %v", got, f.paths())
			}
		}},
		{"a definition that never comes is given up on", func(t *testing.T, f *fakeKube, server, ca string) {
			shortTimeout(t, 50*time.Millisecond)
			f.unserved = map[string]int{"traefik.io/v1alpha1": 1 << 30}
			in := manifestsInputs(t, server, ca, []map[string]any{testRoute()}, map[string]string{"token": testToken})
			_, err := l.Push(ctx, nil, in)
			if err == nil || !strings.Contains(err.Error(), "apply IngressRoute/kube-system/health") || !strings.Contains(err.Error(), "404") {
				t.Errorf("err = %v", err)
			}
		}},
		{"a kind of the API itself answering 404 is not waited for", func(t *testing.T, f *fakeKube, server, ca string) {
			f.unserved = map[string]int{"networking.k8s.io/v1": 1 << 30}
			ing := map[string]any{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": map[string]any{"name": "health", "namespace": "kube-system"}}
			in := manifestsInputs(t, server, ca, []map[string]any{ing}, map[string]string{"token": testToken})
			_, err := l.Push(ctx, nil, in)
			if err == nil || !strings.Contains(err.Error(), "apply Ingress/kube-system/health: 404") || len(f.requests()) != 1 {
				t.Errorf("err = %v", err)
			}
		}},
		{"a plan waits for the definition its controller registers", func(t *testing.T, f *fakeKube, server, ca string) {
			// The controller registers the Plan's CRD as it starts, after
			// its Deployment is applied: plans are 404 twice, then served.
			f.unserved = map[string]int{"upgrade.cattle.io/v1": 2}
			in := manifestsInputs(t, server, ca, testObjects(plan("k3s-server", "edge")), map[string]string{"token": testToken})
			if _, err := l.Push(ctx, nil, in); err != nil {
				t.Fatal(err)
			}
			const path = "/apis/upgrade.cattle.io/v1/namespaces/edge/plans/k3s-server"
			got := f.requests()
			if n := len(got); n != 8 || got[n-1] != "PATCH "+path || got[n-2] != got[n-1] || got[n-3] != got[n-1] || !f.paths()[path] {
				t.Errorf("requests: %v; want the plan last, tried three times", got)
			}
		}},
		{"a plan in the same set as its definition", func(t *testing.T, f *fakeKube, server, ca string) {
			// The definition applies first (stage 0); the API serves the
			// kind a moment later, once the definition is Established.
			f.unserved = map[string]int{"upgrade.cattle.io/v1": 1}
			crd := map[string]any{"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
				"metadata": map[string]any{"name": "plans.upgrade.cattle.io"}}
			in := manifestsInputs(t, server, ca, []map[string]any{plan("p", "kube-system"), crd}, map[string]string{"token": testToken})
			if _, err := l.Push(ctx, nil, in); err != nil {
				t.Fatal(err)
			}
			want := []string{"PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/plans.upgrade.cattle.io",
				"PATCH /apis/upgrade.cattle.io/v1/namespaces/kube-system/plans/p", "PATCH /apis/upgrade.cattle.io/v1/namespaces/kube-system/plans/p"}
			if got := f.requests(); !slices.Equal(got, want) {
				t.Errorf("requests: %v, want %v", got, want)
			}
		}},
		{"an expired token leaves the objects to the cluster on delete", func(t *testing.T, f *fakeKube, server, ca string) {
			in := manifestsInputs(t, server, ca, testObjects(), map[string]string{"token": testToken})
			if _, err := l.Push(ctx, nil, in); err != nil {
				t.Fatal(err)
			}
			f.token = "rotated"
			if err := l.Delete(ctx, in); err != nil {
				t.Errorf("delete with an expired token: %v", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, srv, ca := newFakeKube(t, testToken, "")
			f.objects["/api/v1/namespaces/kube-system"] = map[string]any{"kind": "Namespace"}
			tc.run(t, f, srv.URL, ca)
		})
	}
}

// TestManifestsClientCertificate: k3s's admin certificate authenticates.
func TestManifestsClientCertificate(t *testing.T) {
	l, _ := LocalType(ManifestsType)
	caCert, _, clientCert, clientKey, err := ClusterCA("k3s", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	f, srv, ca := newFakeKube(t, "", caCert)
	f.objects["/api/v1/namespaces/kube-system"] = map[string]any{"kind": "Namespace"}
	in := manifestsInputs(t, srv.URL, ca, testObjects(), map[string]string{"clientCert": clientCert, "clientKey": clientKey})
	if _, err := l.Push(context.Background(), nil, in); err != nil {
		t.Fatal(err)
	}
	if len(f.paths()) != 6 {
		t.Errorf("objects: %v", f.paths())
	}
	// Without the certificate the server refuses the handshake: final,
	// not retried until the timeout.
	in = manifestsInputs(t, srv.URL, ca, testObjects(), map[string]string{"token": "x"})
	shortTimeout(t, time.Minute)
	if _, err := l.Push(context.Background(), nil, in); err == nil || strings.Contains(err.Error(), "not reachable") {
		t.Errorf("a client without the certificate: %v", err)
	}
}

// TestManifestsDiff: a new token alone is no change; new objects are.
func TestManifestsDiff(t *testing.T) {
	olds := manifestsInputs(t, "https://k", "ca", testObjects(), map[string]string{"token": "a"})
	for _, tc := range []struct {
		name string
		news resource.PropertyMap
		want pulumirpc.DiffResponse_DiffChanges
	}{
		{"same", manifestsInputs(t, "https://k", "ca", testObjects(), map[string]string{"token": "a"}), pulumirpc.DiffResponse_DIFF_NONE},
		{"token", manifestsInputs(t, "https://k", "ca", testObjects(), map[string]string{"token": "b"}), pulumirpc.DiffResponse_DIFF_NONE},
		{"objects", manifestsInputs(t, "https://k", "ca", testObjects()[1:], map[string]string{"token": "b"}), pulumirpc.DiffResponse_DIFF_SOME},
		{"server", manifestsInputs(t, "https://k2", "ca", testObjects(), map[string]string{"token": "b"}), pulumirpc.DiffResponse_DIFF_SOME},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := marshal("olds", olds)
			if err != nil {
				t.Fatal(err)
			}
			n, err := marshal("news", tc.news)
			if err != nil {
				t.Fatal(err)
			}
			l, _ := LocalType(ManifestsType)
			resp, err := localDiff(l, &pulumirpc.DiffRequest{OldInputs: o, News: n})
			if err != nil {
				t.Fatal(err)
			}
			if resp.GetChanges() != tc.want || len(resp.GetReplaces()) != 0 {
				t.Errorf("changes %v (%v), replaces %v; want %v", resp.GetChanges(), resp.GetDiffs(), resp.GetReplaces(), tc.want)
			}
		})
	}
}

// TestManifestsCheck: what the API would refuse, or the client could not
// place, fails the check offline.
func TestManifestsCheck(t *testing.T) {
	ns := map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "edge"}}
	obj := func(apiVersion, kind, ns, name string) map[string]any {
		meta := map[string]any{"name": name}
		if ns != "" {
			meta["namespace"] = ns
		}
		return map[string]any{"apiVersion": apiVersion, "kind": kind, "metadata": meta}
	}
	for _, tc := range []struct {
		name string
		objs []map[string]any
		ids  []string
		want string
	}{
		{"valid", []map[string]any{obj("apps/v1", "Deployment", "edge", "web"), ns, obj("v1", "Secret", "kube-system", "hcloud")}, nil, ""},
		{"valid ids", []map[string]any{ns}, []string{"Namespace//edge"}, ""},
		{"wrong ids", []map[string]any{ns}, []string{"Namespace//other"}, "do not name the objects"},
		{"unknown kind", []map[string]any{obj("v1", "Pod", "default", "p")}, nil, "v1 Pod is not a kind infra applies"},
		{"misspelt group", []map[string]any{obj("app/v1", "Deployment", "default", "p")}, nil, "app/v1 Deployment is not a kind"},
		{"no kind", []map[string]any{{"apiVersion": "v1", "metadata": map[string]any{"name": "x"}}}, nil, "apiVersion and kind are required"},
		{"no name", []map[string]any{obj("v1", "Namespace", "", "")}, nil, "has no metadata.name"},
		{"bad name", []map[string]any{obj("v1", "ConfigMap", "default", "Web_1")}, nil, `name "Web_1" is not a valid DNS-1123 name`},
		{"rbac colon", []map[string]any{obj("rbac.authorization.k8s.io/v1", "ClusterRole", "", "system:infra")}, nil, ""},
		{"no namespace", []map[string]any{obj("v1", "Service", "", "web")}, nil, "is namespaced: set metadata.namespace"},
		{"namespace on cluster kind", []map[string]any{obj("networking.k8s.io/v1", "IngressClass", "edge", "nginx"), ns}, nil, "cluster-scoped"},
		{"unknown namespace", []map[string]any{obj("v1", "Service", "ingress", "web")}, nil, `in namespace "ingress", which the objects do not create`},
		{"twice", []map[string]any{ns, ns}, nil, "Namespace//edge appears twice"},
		{"plan", []map[string]any{plan("k3s-server", "edge"), ns}, nil, ""},
		{"plan without namespace", []map[string]any{obj("upgrade.cattle.io/v1", "Plan", "", "k3s-server")}, nil, "is namespaced"},
		{"csi driver", []map[string]any{obj("storage.k8s.io/v1", "CSIDriver", "", "csi.hetzner.cloud")}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := manifestsInputs(t, "https://k", "ca", tc.objs, nil)
			if tc.ids != nil {
				var ids []resource.PropertyValue
				for _, id := range tc.ids {
					ids = append(ids, resource.NewStringProperty(id))
				}
				in["ids"] = resource.NewArrayProperty(ids)
			}
			news, err := marshal("news", in)
			if err != nil {
				t.Fatal(err)
			}
			l, _ := LocalType(ManifestsType)
			resp, err := localCheck(l, &pulumirpc.CheckRequest{News: news})
			if err != nil {
				t.Fatal(err)
			}
			var got string
			for _, f := range resp.GetFailures() {
				got += f.GetReason()
			}
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("failures %q, want %q", got, tc.want)
			}
		})
	}
	// Objects a preview does not know yet pass.
	unknown := resource.PropertyMap{"objects": resource.MakeComputed(resource.NewStringProperty(""))}
	if f := checkManifests(unknown); len(f) != 0 {
		t.Errorf("unknown objects failed: %v", f)
	}
}

// TestServerDeletesManifests: the provider's Delete reaches the local
// type's Delete hook with the last inputs.
func TestServerDeletesManifests(t *testing.T) {
	f, srv, ca := newFakeKube(t, testToken, "")
	f.objects["/api/v1/namespaces/kube-system"] = map[string]any{"kind": "Namespace"}
	l, _ := LocalType(ManifestsType)
	in := manifestsInputs(t, srv.URL, ca, testObjects(), map[string]string{"token": testToken})
	if _, err := l.Push(context.Background(), nil, in); err != nil {
		t.Fatal(err)
	}
	props, err := marshal("properties", in)
	if err != nil {
		t.Fatal(err)
	}
	urn := resource.NewURN("dev", "infra", "", ManifestsType, "ingress")
	if _, err := NewServer().Delete(context.Background(), &pulumirpc.DeleteRequest{Urn: string(urn), Id: "x", Properties: props}); err != nil {
		t.Fatal(err)
	}
	if p := f.paths(); len(p) != 1 {
		t.Errorf("left behind: %v", p)
	}
}

// TestManifestsTLSServerName: the certificate is checked against
// tlsServerName when set (a k3s API on a control plane's public address
// presents the registration address's certificate), and refused when it
// does not hold that name.
func TestManifestsTLSServerName(t *testing.T) {
	l, _ := LocalType(ManifestsType)
	f, srv, ca := newFakeKube(t, testToken, "")
	f.objects["/api/v1/namespaces/kube-system"] = map[string]any{"kind": "Namespace"}
	objs := testObjects()
	// httptest's certificate names example.com, not the URL's 127.0.0.1 only
	in := manifestsInputs(t, srv.URL, ca, objs, map[string]string{"token": testToken})
	in["tlsServerName"] = resource.NewStringProperty("example.com")
	if _, err := l.Push(context.Background(), nil, in); err != nil {
		t.Fatalf("tlsServerName example.com: %v", err)
	}
	in["tlsServerName"] = resource.NewStringProperty("10.20.0.4")
	shortTimeout(t, time.Minute)
	if _, err := l.Push(context.Background(), nil, in); err == nil || !strings.Contains(err.Error(), "10.20.0.4") {
		t.Errorf("a certificate without the name: %v", err)
	}
}

// testRoute is a Traefik IngressRoute, a kind whose definition k3s's
// Traefik add-on installs.
func testRoute() map[string]any {
	return map[string]any{"apiVersion": "traefik.io/v1alpha1", "kind": "IngressRoute", "metadata": map[string]any{"name": "health", "namespace": "kube-system"},
		"spec": map[string]any{"routes": []any{map[string]any{"match": "Path(`/healthz`)", "kind": "Rule",
			"services": []any{map[string]any{"name": "ping@internal", "kind": "TraefikService"}}}}}}
}
