package computed

import (
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func init() { generators["ovhKubeconfig"] = ovhKubeconfig }

// ovhKubeconfig is the admin kubeconfig OVHcloud returns for an MKS
// cluster (the kube resource's secret "kubeconfig" output): one cluster,
// one user with a client certificate, one context, pointing at the
// cluster's url. The certificate data are stand-ins derived from the URN.
func ovhKubeconfig(r Resource, _ string) resource.PropertyValue {
	name := nameOr(r)
	host := hostname(r, "url").StringValue()
	b64 := func(what string) string {
		return base64.StdEncoding.EncodeToString([]byte("simulated " + what + " of " + string(r.URN)))
	}
	text := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: %s
    server: https://%s
  name: %s
contexts:
- context:
    cluster: %s
    user: kubernetes-admin-%s
  name: kubernetes-admin@%s
current-context: kubernetes-admin@%s
users:
- name: kubernetes-admin-%s
  user:
    client-certificate-data: %s
    client-key-data: %s
`, b64("certificate authority"), host, name, name, name, name, name, name, b64("client certificate"), b64("client key"))
	return resource.MakeSecret(value(text))
}
