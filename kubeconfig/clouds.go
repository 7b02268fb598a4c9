package kubeconfig

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
)

// ErrUnsupported is returned for a cluster whose access infra cannot
// write yet.
var ErrUnsupported = errors.New("not supported yet")

// FromOutputs is the entry of a regional stack from its outputs (plain
// values, secrets revealed):
//   - EKS: the endpoint, the cluster's CA and an exec credential running
//     `aws eks get-token` as the environment's deploy role, which created the
//     cluster and so is its admin;
//   - k3s on Hetzner: the registration address (private: reached over the
//     mesh), or the first control plane's public address when the cluster
//     opens its API to apiAccess networks, the CA infra generated and
//     installed on the servers, and the admin client certificate it signed;
//   - OVH MKS: the kubeconfig OVHcloud returned for the cluster;
//   - IKS: the admin kubeconfig the Kubernetes Service's cluster config API
//     returned (provider/ibm kubeconfig.go), certificates inlined.
func FromOutputs(stack, cloud string, out map[string]any) (Entry, error) {
	str := func(k string) string { s, _ := out[k].(string); return s }
	need := func(keys ...string) error {
		for _, k := range keys {
			if str(k) == "" {
				return fmt.Errorf("%s: no output %q: deploy the stack with this version of infra (`infra up`)", stack, k)
			}
		}
		return nil
	}
	e := Entry{Stack: stack, Cloud: cloud, Server: str("clusterEndpoint")}
	switch cloud {
	case "aws":
		if err := need("clusterEndpoint", "clusterName", "clusterCaData", "region"); err != nil {
			return Entry{}, err
		}
		ca, err := base64.StdEncoding.DecodeString(str("clusterCaData"))
		if err != nil {
			return Entry{}, fmt.Errorf("%s: clusterCaData: %w", stack, err)
		}
		e.CAData = ca
		// aws eks get-token: docs.aws.amazon.com/cli/latest/reference/eks/get-token.html
		args := []string{"eks", "get-token", "--cluster-name", str("clusterName"), "--region", str("region"), "--output", "json"}
		if role := str("deployRoleArn"); role != "" {
			args = append(args, "--role-arn", role)
		}
		e.Exec = &Exec{Command: "aws", Args: args}
	case "hetzner":
		if err := need("clusterEndpoint", "clusterCaCert", "adminClientCert", "adminClientKey"); err != nil {
			return Entry{}, err
		}
		e.CAData, e.ClientCert, e.ClientKey = []byte(str("clusterCaCert")), []byte(str("adminClientCert")), []byte(str("adminClientKey"))
		// The cluster opens its API to apiAccess networks on the control
		// planes' public addresses (apiPublicEndpoints; stacks deployed
		// before it export the first one only). No Hetzner load balancer can
		// stand in front of them: a load balancer takes no firewall and
		// filters no source, so a public one would open the API to the
		// internet, and the registration load balancer is private. The first
		// control plane that answers is used (Pick); the certificate names
		// the registration address (tls-san), so that is the name to check.
		publics := stringList(out["apiPublicEndpoints"])
		if len(publics) == 0 && str("apiPublicEndpoint") != "" {
			publics = []string{str("apiPublicEndpoint")}
		}
		if len(publics) > 0 {
			u, err := url.Parse(str("clusterEndpoint"))
			if err != nil || u.Hostname() == "" {
				return Entry{}, fmt.Errorf("%s: clusterEndpoint %q is not a URL", stack, str("clusterEndpoint"))
			}
			e.Server, e.Alternates, e.TLSServerName = publics[0], publics[1:], u.Hostname()
		}
	case "ovh", "ibm":
		if err := need("kubeconfig"); err != nil {
			return Entry{}, err
		}
		return FromKubeconfig(stack, cloud, []byte(str("kubeconfig")))
	default:
		return Entry{}, fmt.Errorf("%s: a kubeconfig for %s clusters is %w", stack, cloud, ErrUnsupported)
	}
	return e, nil
}

// stringList is a list output's strings (a missing or mistyped one: none).
func stringList(v any) []string {
	var out []string
	switch l := v.(type) {
	case []string:
		out = append(out, l...)
	case []any:
		for _, x := range l {
			if s, ok := x.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}
