package hetzner

import (
	"errors"
	"reflect"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ClusterCAType is the type token of the k3s cluster CA and admin
// certificate infra generates (provider.ClusterCAType): the infra binary's
// own provider serves it.
const ClusterCAType = "infra:k3s:ClusterCA"

// Paths of the CA k3s finds before it first starts: it then signs its
// serving and client certificates with it instead of a CA of its own
// (docs.k3s.io/cli/certificate, "Using Custom CA Certificates"; k3s
// generates the CAs it does not find, request-header and etcd here).
const (
	k3sTLSDir = "/var/lib/rancher/k3s/server/tls"
)

// ClusterCA is a cluster's CA and the admin client certificate it signs.
type ClusterCA struct {
	pulumi.CustomResourceState

	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	// CaCert and ClientCert are PEM certificates; CaKey and ClientKey PEM
	// keys, secret.
	CaCert     pulumi.StringOutput `pulumi:"caCert"`
	CaKey      pulumi.StringOutput `pulumi:"caKey"`
	ClientCert pulumi.StringOutput `pulumi:"clientCert"`
	ClientKey  pulumi.StringOutput `pulumi:"clientKey"`
}

type clusterCAArgs struct {
	ClusterName string `pulumi:"clusterName"`
}

// ClusterCAArgs are the inputs of a ClusterCA.
type ClusterCAArgs struct {
	// ClusterName names the CA (its common name); a new name is a new CA.
	ClusterName pulumi.StringInput
}

// ElementType is the plain shape ClusterCAArgs marshals as.
func (ClusterCAArgs) ElementType() reflect.Type { return reflect.TypeOf((*clusterCAArgs)(nil)).Elem() }

// NewClusterCA declares a cluster CA with its admin certificate.
func NewClusterCA(ctx *pulumi.Context, name string, args *ClusterCAArgs, opts ...pulumi.ResourceOption) (*ClusterCA, error) {
	if args == nil || args.ClusterName == nil {
		return nil, errors.New("invalid value for required argument 'ClusterName'")
	}
	opts = append(opts, pulumi.AdditionalSecretOutputs([]string{"caKey", "clientKey"}))
	var res ClusterCA
	if err := ctx.RegisterResource(ClusterCAType, name, args, &res, opts...); err != nil {
		return nil, err
	}
	res.CaKey = pulumi.ToSecret(res.CaKey).(pulumi.StringOutput)
	res.ClientKey = pulumi.ToSecret(res.ClientKey).(pulumi.StringOutput)
	return &res, nil
}
