package provider

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	// configuration, then workloads, then routes to them), and the reverse
	// on delete.
	stage int
	// addon says the kind is a custom resource whose definition an add-on
	// of the cluster installs after the API is up (k3s deploys Traefik's
	// CRDs from its manifests directory, docs.k3s.io/installation/packaged-components;
	// the system-upgrade-controller registers its Plan's when it starts,
	// pkg/upgrade/controller.go registerCRD): until it is served the API
	// answers 404, which apply waits out.
	addon bool
}

// kinds are the kinds infra applies, by apiVersion and kind; their plurals
// and scopes are the API's (Kubernetes API reference, v1.35, each kind's
// "HTTP Request" section). An object of another kind is refused at check.
var kinds = map[string]kind{
	"v1/Namespace": {"namespaces", false, 0, false},
	"apiextensions.k8s.io/v1/CustomResourceDefinition": {"customresourcedefinitions", false, 0, false},
	"v1/ServiceAccount":                               {"serviceaccounts", true, 1, false},
	"rbac.authorization.k8s.io/v1/ClusterRole":        {"clusterroles", false, 1, false},
	"rbac.authorization.k8s.io/v1/Role":               {"roles", true, 1, false},
	"rbac.authorization.k8s.io/v1/ClusterRoleBinding": {"clusterrolebindings", false, 2, false},
	"rbac.authorization.k8s.io/v1/RoleBinding":        {"rolebindings", true, 2, false},
	"v1/ConfigMap":                       {"configmaps", true, 3, false},
	"v1/Secret":                          {"secrets", true, 3, false},
	"networking.k8s.io/v1/IngressClass":  {"ingressclasses", false, 3, false},
	"storage.k8s.io/v1/StorageClass":     {"storageclasses", false, 3, false},
	"storage.k8s.io/v1/CSIDriver":        {"csidrivers", false, 3, false},
	"scheduling.k8s.io/v1/PriorityClass": {"priorityclasses", false, 3, false},
	"v1/Service":                         {"services", true, 4, false},
	"apps/v1/Deployment":                 {"deployments", true, 4, false},
	"apps/v1/DaemonSet":                  {"daemonsets", true, 4, false},
	"policy/v1/PodDisruptionBudget":      {"poddisruptionbudgets", true, 4, false},
	"networking.k8s.io/v1/NetworkPolicy": {"networkpolicies", true, 4, false},
	"networking.k8s.io/v1/Ingress":       {"ingresses", true, 5, false},
	// Traefik's route (doc.traefik.io, Kubernetes IngressRoute; CRD
	// ingressroutes.traefik.io, namespaced).
	"traefik.io/v1alpha1/IngressRoute": {"ingressroutes", true, 5, true},
	// Rancher's system-upgrade-controller's Plan (its CRD
	// pkg/crds/yaml/generated/upgrade.cattle.io_plans.yaml at v0.20.1:
	// plural plans, scope Namespaced), after the controller.
	"upgrade.cattle.io/v1/Plan": {"plans", true, 5, true},
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
