// Package kubernetes declares the project's own Pulumi resource that puts
// Kubernetes objects in a cluster: infra:kubernetes:Manifests, served by
// the infra binary's provider (package provider), which applies them over
// the Kubernetes API with server-side apply. The objects are plain Go
// values; the programs write them in Go, not YAML.
package kubernetes

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ManifestsType is the type token the provider serves.
const ManifestsType = "infra:kubernetes:Manifests"

// Object is one Kubernetes object, as its JSON has it: apiVersion, kind,
// metadata (name, and namespace for a namespaced kind) and the rest.
// encoding/json writes map keys sorted, so the same objects always make
// the same input.
type Object map[string]any

// ID is how the plan names the object: kind/namespace/name (no namespace
// for a cluster-scoped kind).
func (o Object) ID() string {
	kind, _ := o["kind"].(string)
	var name, ns string
	switch meta := o["metadata"].(type) {
	case map[string]any:
		name, _ = meta["name"].(string)
		ns, _ = meta["namespace"].(string)
	case map[string]string:
		name, ns = meta["name"], meta["namespace"]
	}
	return kind + "/" + ns + "/" + name
}

// ManifestsArgs are the inputs of a Manifests.
type ManifestsArgs struct {
	// Cluster names the cluster in messages.
	Cluster string
	// Server is the API's https URL; CACert the PEM of the only CA the
	// connection trusts.
	Server, CACert pulumi.StringInput
	// TLSServerName, when set, is the name the API's certificate must hold
	// instead of Server's host (a k3s API on a control plane's public
	// address presents the registration address's certificate).
	TLSServerName pulumi.StringInput
	// Token is a bearer token (secret), such as EKS's from
	// aws.eks.getClusterAuth. A new token alone changes nothing.
	Token pulumi.StringInput
	// ClientCert and ClientKey authenticate with a client certificate
	// instead (PEM; the key secret), such as k3s's admin certificate.
	ClientCert, ClientKey pulumi.StringInput
	// Objects are what to apply. A Secret among them makes the whole
	// objects input secret; ids shows which objects change.
	Objects []Object
	// Values fill the objects' placeholders (Placeholder(name)) once they
	// are known, such as an address the cloud assigns. The ids do not
	// wait for them: a preview shows which objects change either way.
	Values pulumi.StringMapInput
}

// Placeholder is a string an object holds where the Values entry name
// goes (a whole string, or part of one).
func Placeholder(name string) string { return "${" + name + "}" }

// fill replaces the placeholders of values in the JSON text of objects,
// each value written as the inside of a JSON string.
func fill(text string, values map[string]string) (string, error) {
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b, err := json.Marshal(values[name])
		if err != nil {
			return "", err
		}
		text = strings.ReplaceAll(text, Placeholder(name), string(b[1:len(b)-1]))
	}
	return text, nil
}

type manifestsArgs struct {
	Cluster    string   `pulumi:"cluster"`
	Server     string   `pulumi:"server"`
	CACert     string   `pulumi:"caCert"`
	TLSName    *string  `pulumi:"tlsServerName"`
	Token      *string  `pulumi:"token"`
	ClientCert *string  `pulumi:"clientCert"`
	ClientKey  *string  `pulumi:"clientKey"`
	Objects    string   `pulumi:"objects"`
	IDs        []string `pulumi:"ids"`
}

// manifestsInputs is what NewManifests registers.
type manifestsInputs struct {
	Cluster    pulumi.StringInput
	Server     pulumi.StringInput
	CACert     pulumi.StringInput
	TLSName    pulumi.StringInput
	Token      pulumi.StringInput
	ClientCert pulumi.StringInput
	ClientKey  pulumi.StringInput
	Objects    pulumi.StringInput
	IDs        pulumi.StringArrayInput
}

// ElementType is the plain shape the inputs marshal as.
func (manifestsInputs) ElementType() reflect.Type {
	return reflect.TypeOf((*manifestsArgs)(nil)).Elem()
}

// Manifests is a set of objects applied to a cluster.
type Manifests struct {
	pulumi.CustomResourceState

	// IDs name the objects applied, kind/namespace/name.
	IDs pulumi.StringArrayOutput `pulumi:"ids"`
}

// NewManifests declares objects applied to a cluster. The credentials are
// secrets whatever the caller passed, and so are the objects when a Secret
// is among them.
func NewManifests(ctx *pulumi.Context, name string, args *ManifestsArgs, opts ...pulumi.ResourceOption) (*Manifests, error) {
	if args == nil || args.Server == nil || args.CACert == nil {
		return nil, fmt.Errorf("%s %s: Server and CACert are required", ManifestsType, name)
	}
	if args.Token == nil && (args.ClientCert == nil || args.ClientKey == nil) {
		return nil, fmt.Errorf("%s %s: a Token, or a ClientCert and ClientKey, is required", ManifestsType, name)
	}
	text, ids, secret, err := Encode(args.Objects)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", ManifestsType, name, err)
	}
	in := manifestsInputs{Cluster: pulumi.String(args.Cluster), Server: args.Server, CACert: args.CACert,
		TLSName: args.TLSServerName, ClientCert: args.ClientCert, Objects: pulumi.String(text), IDs: pulumi.ToStringArray(ids)}
	if args.Values != nil {
		in.Objects = args.Values.ToStringMapOutput().ApplyT(func(v map[string]string) (string, error) {
			return fill(text, v)
		}).(pulumi.StringOutput)
	}
	if secret {
		in.Objects = pulumi.ToSecret(in.Objects).(pulumi.StringOutput)
	}
	if args.Token != nil {
		in.Token = pulumi.ToSecret(args.Token).(pulumi.StringOutput)
	}
	if args.ClientKey != nil {
		in.ClientKey = pulumi.ToSecret(args.ClientKey).(pulumi.StringOutput)
	}
	var res Manifests
	if err := ctx.RegisterResource(ManifestsType, name, in, &res, opts...); err != nil {
		return nil, err
	}
	return &res, nil
}

// Encode writes the objects as the objects input: a JSON array, keys
// sorted; the objects' ids, sorted; and whether a Secret is among them.
func Encode(objects []Object) (text string, ids []string, secret bool, err error) {
	b, err := json.Marshal(objects)
	if err != nil {
		return "", nil, false, fmt.Errorf("objects: %w", err)
	}
	for _, o := range objects {
		ids = append(ids, o.ID())
		if o["kind"] == "Secret" {
			secret = true
		}
	}
	sort.Strings(ids)
	return string(b), ids, secret, nil
}
