package provider

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// ManifestsType is a set of Kubernetes objects infra applies to a cluster
// over the Kubernetes API, with server-side apply as field manager "infra"
// (Kubernetes docs, "Server-Side Apply"): Create and Update apply every
// object, in dependency order, and Update deletes the objects the old set
// had and the new one lacks; Delete deletes them all, last first.
//
// Inputs: cluster (a name for messages), server (the API's https URL),
// caCert (PEM: the only CA the connection trusts), tlsServerName (optional:
// the name the certificate must hold, when not the URL's host), either token (a bearer
// token, secret) or clientCert and clientKey (PEM, the key secret), objects
// (a JSON array of the objects, secret when a Secret is among them) and
// ids (each object's "kind/namespace/name", plain, so a preview shows
// which objects change without showing a Secret's data).
//
// A change of token alone is no change: an EKS token lasts 15 minutes, so
// every run brings a new one, and re-applying unchanged objects for it
// would make every plan show an update.
const ManifestsType = "infra:kubernetes:Manifests"

// ApplyTimeout bounds how long Create, Update and Delete wait for the API
// to answer: a cluster just made may not resolve or accept connections for
// minutes. A variable so tests can shorten it.
var ApplyTimeout = 10 * time.Minute

// kubeDial makes the connections to the API. A variable so tests can make
// the API unreachable for a while.
var kubeDial = (&net.Dialer{Timeout: 15 * time.Second}).DialContext

func init() {
	locals[ManifestsType] = Local{Create: manifestsCreate, Push: pushManifests, Delete: deleteManifests,
		Check: checkManifests, Ignore: []string{"token"}, Secret: []string{"token", "clientKey"}}
}

// kind is what the client must know of a kind to reach its objects: its
// resource name in the URL, whether objects live in a namespace, and when
// to apply them relative to the others.
type kind struct {
	plural     string
	namespaced bool
	// stage orders the apply: what others refer to first (namespaces and
	// definitions, then identities and roles, then bindings, then
	// configuration, then workloads), and the reverse on delete.
	stage int
}

// kinds are the kinds infra applies, by apiVersion and kind; their plurals
// and scopes are the API's (Kubernetes API reference, v1.35, each kind's
// "HTTP Request" section). An object of another kind is refused at check.
var kinds = map[string]kind{
	"v1/Namespace": {"namespaces", false, 0},
	"apiextensions.k8s.io/v1/CustomResourceDefinition": {"customresourcedefinitions", false, 0},
	"v1/ServiceAccount":                               {"serviceaccounts", true, 1},
	"rbac.authorization.k8s.io/v1/ClusterRole":        {"clusterroles", false, 1},
	"rbac.authorization.k8s.io/v1/Role":               {"roles", true, 1},
	"rbac.authorization.k8s.io/v1/ClusterRoleBinding": {"clusterrolebindings", false, 2},
	"rbac.authorization.k8s.io/v1/RoleBinding":        {"rolebindings", true, 2},
	"v1/ConfigMap":                       {"configmaps", true, 3},
	"v1/Secret":                          {"secrets", true, 3},
	"networking.k8s.io/v1/IngressClass":  {"ingressclasses", false, 3},
	"storage.k8s.io/v1/StorageClass":     {"storageclasses", false, 3},
	"scheduling.k8s.io/v1/PriorityClass": {"priorityclasses", false, 3},
	"v1/Service":                         {"services", true, 4},
	"apps/v1/Deployment":                 {"deployments", true, 4},
	"apps/v1/DaemonSet":                  {"daemonsets", true, 4},
	"policy/v1/PodDisruptionBudget":      {"poddisruptionbudgets", true, 4},
	"networking.k8s.io/v1/NetworkPolicy": {"networkpolicies", true, 4},
}

// wellKnownNamespaces exist in every cluster, so objects may use them
// without declaring them.
var wellKnownNamespaces = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

// object is one Kubernetes object as the objects input carries it.
type object struct {
	raw        map[string]any
	apiVersion string
	kind       string
	namespace  string
	name       string
	k          kind
}

// id is how the ids input and messages name the object.
func (o object) id() string { return o.kind + "/" + o.namespace + "/" + o.name }

// key is the object's identity in the API: its group, not its version (an
// object applied anew at another version of its kind is the same object,
// and pruning it would delete what was just applied), kind, namespace and
// name.
func (o object) key() string {
	group, _, _ := strings.Cut(o.apiVersion, "/")
	if !strings.Contains(o.apiVersion, "/") {
		group = ""
	}
	return group + "/" + o.id()
}

// path is the object's URL path on the API server.
func (o object) path() string {
	p := "/api/" + o.apiVersion
	if strings.Contains(o.apiVersion, "/") {
		p = "/apis/" + o.apiVersion
	}
	if o.k.namespaced {
		p += "/namespaces/" + url.PathEscape(o.namespace)
	}
	return p + "/" + o.k.plural + "/" + url.PathEscape(o.name)
}

// dns1123Label and dns1123Subdomain are Kubernetes's name rules
// (apimachinery validation IsDNS1123Label, IsDNS1123Subdomain): namespaces
// are labels, most other names subdomains.
var (
	dns1123Label     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
)

// rbacName allows what RBAC objects may be named beyond a subdomain: the
// API validates them only as path segments, and cluster roles such as
// "system:controller:…" use colons.
var rbacName = regexp.MustCompile(`^[a-zA-Z0-9:._-]+$`)

// parseObjects decodes and checks the objects input offline: each object
// has an apiVersion and a kind infra knows, a valid name, a namespace
// exactly when its kind is namespaced, one the set creates or one every
// cluster has, and no two objects share an identity. It returns them in
// the order they apply.
func parseObjects(text string) ([]object, error) {
	var raws []map[string]any
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	if err := dec.Decode(&raws); err != nil {
		return nil, fmt.Errorf("objects: not a JSON array of objects: %w", err)
	}
	var objs []object
	seen := map[string]bool{}
	namespaces := map[string]bool{}
	for _, n := range wellKnownNamespaces {
		namespaces[n] = true
	}
	for i, raw := range raws {
		o := object{raw: raw}
		o.apiVersion, _ = raw["apiVersion"].(string)
		o.kind, _ = raw["kind"].(string)
		meta, _ := raw["metadata"].(map[string]any)
		o.name, _ = meta["name"].(string)
		o.namespace, _ = meta["namespace"].(string)
		at := fmt.Sprintf("objects[%d]", i)
		if o.apiVersion == "" || o.kind == "" {
			return nil, fmt.Errorf("%s: apiVersion and kind are required", at)
		}
		k, ok := kinds[o.apiVersion+"/"+o.kind]
		if !ok {
			return nil, fmt.Errorf("%s: %s %s is not a kind infra applies (it knows %s)", at, o.apiVersion, o.kind, strings.Join(knownKinds(), ", "))
		}
		o.k = k
		if o.name == "" {
			return nil, fmt.Errorf("%s: %s has no metadata.name", at, o.kind)
		}
		valid := dns1123Subdomain.MatchString(o.name)
		if o.kind == "Namespace" || o.kind == "Service" {
			valid = dns1123Label.MatchString(o.name)
		} else if strings.HasPrefix(o.apiVersion, "rbac.") {
			valid = rbacName.MatchString(o.name)
		}
		if !valid || len(o.name) > 253 || (o.kind == "Namespace" || o.kind == "Service") && len(o.name) > 63 {
			return nil, fmt.Errorf("%s: %s name %q is not a valid DNS-1123 name (lower-case letters, digits and '-')", at, o.kind, o.name)
		}
		switch {
		case k.namespaced && o.namespace == "":
			return nil, fmt.Errorf("%s: %s %s is namespaced: set metadata.namespace", at, o.kind, o.name)
		case !k.namespaced && o.namespace != "":
			return nil, fmt.Errorf("%s: %s %s is cluster-scoped: it takes no metadata.namespace", at, o.kind, o.name)
		}
		if seen[o.id()] {
			return nil, fmt.Errorf("%s: %s appears twice", at, o.id())
		}
		seen[o.id()] = true
		if o.kind == "Namespace" {
			namespaces[o.name] = true
		}
		objs = append(objs, o)
	}
	for i, o := range objs {
		if o.k.namespaced && !namespaces[o.namespace] {
			return nil, fmt.Errorf("objects[%d]: %s is in namespace %q, which the objects do not create and no cluster has from the start", i, o.id(), o.namespace)
		}
	}
	slices.SortStableFunc(objs, func(a, b object) int { return a.k.stage - b.k.stage })
	return objs, nil
}

func knownKinds() []string {
	var out []string
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// checkManifests validates the objects where they are known (a preview
// may not know them yet), and that ids names them: a green check means
// the API would be sent only objects it can place.
func checkManifests(news resource.PropertyMap) []*pulumirpc.CheckFailure {
	v := news["objects"]
	if v.IsSecret() {
		v = v.SecretValue().Element
	}
	if v.ContainsUnknowns() {
		return nil
	}
	if !v.IsString() {
		return []*pulumirpc.CheckFailure{{Property: "objects", Reason: "objects: want a JSON array of Kubernetes objects"}}
	}
	objs, err := parseObjects(v.StringValue())
	if err != nil {
		return []*pulumirpc.CheckFailure{{Property: "objects", Reason: err.Error()}}
	}
	if ids := news["ids"]; ids.IsArray() && !ids.ContainsUnknowns() {
		var want, got []string
		for _, o := range objs {
			want = append(want, o.id())
		}
		for _, e := range ids.ArrayValue() {
			if e.IsString() {
				got = append(got, e.StringValue())
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			return []*pulumirpc.CheckFailure{{Property: "ids", Reason: fmt.Sprintf("ids %v do not name the objects %v", got, want)}}
		}
	}
	var failures []*pulumirpc.CheckFailure
	if plainString(news, "server") != "" && !strings.HasPrefix(plainString(news, "server"), "https://") {
		failures = append(failures, &pulumirpc.CheckFailure{Property: "server", Reason: "server: want the API's https:// URL"})
	}
	return failures
}

func manifestsCreate(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	return secretInputs(inputs), nil
}

// secretInputs wraps the credentials as secrets whatever the program
// passed, so that state never holds them in the clear.
func secretInputs(inputs resource.PropertyMap) resource.PropertyMap {
	out := inputs.Copy()
	for _, k := range []resource.PropertyKey{"token", "clientKey"} {
		if v, ok := out[k]; ok && !v.IsNull() && !v.IsSecret() {
			out[k] = resource.MakeSecret(v)
		}
	}
	return out
}

// kubeClient talks to one cluster's API.
type kubeClient struct {
	cluster, server, token string
	http                   *http.Client
}

func newKubeClient(inputs resource.PropertyMap) (*kubeClient, error) {
	c := &kubeClient{cluster: plainString(inputs, "cluster"), server: strings.TrimSuffix(plainString(inputs, "server"), "/"),
		token: plainString(inputs, "token")}
	if !strings.HasPrefix(c.server, "https://") {
		return nil, fmt.Errorf("%s %s: server %q: want the API's https:// URL", ManifestsType, c.cluster, c.server)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(plainString(inputs, "caCert"))) {
		return nil, fmt.Errorf("%s %s: caCert holds no PEM certificate", ManifestsType, c.cluster)
	}
	// tlsServerName, when set, is the name the server's certificate must
	// hold instead of the URL's host: a k3s API reached on a control
	// plane's public address presents the registration address's
	// certificate (as a kubeconfig's tls-server-name).
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12, ServerName: plainString(inputs, "tlsServerName")}
	cert, key := plainString(inputs, "clientCert"), plainString(inputs, "clientKey")
	switch {
	case cert != "" && key != "":
		pair, err := tls.X509KeyPair([]byte(cert), []byte(key))
		if err != nil {
			// The error of X509KeyPair never quotes the key.
			return nil, fmt.Errorf("%s %s: client certificate: %w", ManifestsType, c.cluster, err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	case c.token == "":
		return nil, fmt.Errorf("%s %s: want a token, or a clientCert and clientKey", ManifestsType, c.cluster)
	}
	c.http = &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		TLSClientConfig: cfg, DialContext: kubeDial, TLSHandshakeTimeout: 15 * time.Second,
	}}
	return c, nil
}

// apiError is the API's answer to a request it refused.
type apiError struct {
	code    int
	message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s", e.code, e.message) }

// do sends one request and returns the API's refusal as an *apiError,
// with the message of its Status body.
func (c *kubeClient) do(ctx context.Context, method, path, contentType string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, method, c.server+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 300 {
		return nil
	}
	var st struct {
		Message string `json:"message"`
	}
	msg := http.StatusText(resp.StatusCode)
	if json.Unmarshal(b, &st) == nil && st.Message != "" {
		msg = st.Message
	}
	return &apiError{code: resp.StatusCode, message: msg}
}

// retryable says whether an error means the API is not there yet: no
// connection, or an answer that it is not serving (a control plane
// starting). A refusal of the request or of the TLS certificate is final.
func retryable(err error) bool {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.code == http.StatusTooManyRequests || ae.code >= 500
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		var certErr *tls.CertificateVerificationError
		var unknown x509.UnknownAuthorityError
		var hostname x509.HostnameError
		if errors.As(err, &certErr) || errors.As(err, &unknown) || errors.As(err, &hostname) {
			return false
		}
		// The server's TLS alert, such as a refused client certificate: its
		// type is not exported (crypto/tls alert.go), only its text.
		if strings.Contains(err.Error(), "remote error: tls: ") {
			return false
		}
		return true
	}
	return false
}

// retry runs f until it succeeds, fails for good, or ApplyTimeout passes.
func (c *kubeClient) retry(ctx context.Context, f func() error) error {
	ctx, cancel := context.WithTimeout(ctx, ApplyTimeout)
	defer cancel()
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 10*time.Second) {
		err := f()
		if err == nil || !retryable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the API at %s was not reachable within %s: %w", c.server, ApplyTimeout, err)
		case <-time.After(wait):
		}
	}
}

// apply applies one object with server-side apply: the API creates it or
// merges the fields infra manages, taking them over from another manager
// (force), as `kubectl apply --server-side --force-conflicts` does.
func (c *kubeClient) apply(ctx context.Context, o object) error {
	body, err := json.Marshal(o.raw)
	if err != nil {
		return err
	}
	what := fmt.Sprintf("%s %s: apply %s", ManifestsType, c.cluster, o.id())
	// JSON is YAML, which apply-patch+yaml takes.
	err = c.retry(ctx, func() error {
		return c.do(ctx, http.MethodPatch, o.path()+"?fieldManager=infra&force=true", "application/apply-patch+yaml", body)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// remove deletes one object; one already gone is deleted.
func (c *kubeClient) remove(ctx context.Context, o object) error {
	what := fmt.Sprintf("%s %s: delete %s", ManifestsType, c.cluster, o.id())
	err := c.retry(ctx, func() error {
		return c.do(ctx, http.MethodDelete, o.path(), "", nil)
	})
	var ae *apiError
	if errors.As(err, &ae) && ae.code == http.StatusNotFound {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// objectsOf parses a map's objects input; a missing one is no objects.
func objectsOf(m resource.PropertyMap) ([]object, error) {
	text := plainString(m, "objects")
	if text == "" {
		return nil, nil
	}
	return parseObjects(text)
}

// pushManifests applies the objects and, on Update, deletes those of the
// old set that the new one lacks, last first.
func pushManifests(ctx context.Context, state, inputs resource.PropertyMap) (resource.PropertyMap, error) {
	c, err := newKubeClient(inputs)
	if err != nil {
		return nil, err
	}
	objs, err := objectsOf(inputs)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", ManifestsType, c.cluster, err)
	}
	for _, o := range objs {
		if err := c.apply(ctx, o); err != nil {
			return nil, err
		}
	}
	if state != nil {
		old, err := objectsOf(state)
		if err != nil {
			return nil, fmt.Errorf("%s %s: old state: %w", ManifestsType, c.cluster, err)
		}
		keep := map[string]bool{}
		for _, o := range objs {
			keep[o.key()] = true
		}
		var gone []object
		for _, o := range old {
			if !keep[o.key()] {
				gone = append(gone, o)
			}
		}
		if err := c.removeAll(ctx, gone); err != nil {
			return nil, err
		}
	}
	return secretInputs(inputs), nil
}

// removeAll deletes objects in the reverse of their apply order.
func (c *kubeClient) removeAll(ctx context.Context, objs []object) error {
	for i := len(objs) - 1; i >= 0; i-- {
		if err := c.remove(ctx, objs[i]); err != nil {
			return err
		}
	}
	return nil
}

// deleteManifests deletes the objects of the state. A token the API no
// longer takes (an EKS token lasts 15 minutes, and the state keeps the
// last run's) leaves the objects to the cluster: they have no cloud
// resources of their own, and a destroy deletes the cluster with them.
func deleteManifests(ctx context.Context, state resource.PropertyMap) error {
	c, err := newKubeClient(state)
	if err != nil {
		return err
	}
	objs, err := objectsOf(state)
	if err != nil {
		return fmt.Errorf("%s %s: %w", ManifestsType, c.cluster, err)
	}
	err = c.removeAll(ctx, objs)
	var ae *apiError
	if c.token != "" && errors.As(err, &ae) && ae.code == http.StatusUnauthorized {
		return nil
	}
	return err
}
