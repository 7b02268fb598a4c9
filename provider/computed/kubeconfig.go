package computed

import (
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func init() {
	generators["ovhKubeconfig"] = ovhKubeconfig
	generators["iksKubeconfig"] = iksKubeconfig
	generators["ovhKubeconfigAttributes"] = ovhKubeconfigAttributes
}

// ovhKubeconfig is the admin kubeconfig OVHcloud returns for an MKS
// cluster (the kube resource's secret "kubeconfig" output): one cluster,
// one user with a client certificate, one context, pointing at the
// cluster's url.
func ovhKubeconfig(r Resource, _ string) resource.PropertyValue {
	return resource.MakeSecret(value(AdminKubeconfig(string(r.URN), nameOr(r), "https://"+hostname(r, "url").StringValue())))
}

// ovhKubeconfigAttributes are the parts of ovhKubeconfig as the kube
// resource's secret kubeconfigAttributes output gives them: one element,
// the certificates and key base64 PEM as in the kubeconfig's *-data
// fields (terraform-provider-ovh examples/resources/
// cloud_managed_kubernetes/example_4.tf decodes them), the host its server.
func ovhKubeconfigAttributes(r Resource, _ string) resource.PropertyValue {
	c := CertChain(string(r.URN), nameOr(r)+"-ca", "admin", "system:masters")
	b64 := func(s string) resource.PropertyValue { return value(base64.StdEncoding.EncodeToString([]byte(s))) }
	return resource.MakeSecret(resource.NewArrayProperty([]resource.PropertyValue{resource.NewObjectProperty(resource.PropertyMap{
		"host":                 value("https://" + hostname(r, "url").StringValue()),
		"clusterCaCertificate": b64(c.CA),
		"clientCertificate":    b64(c.Cert),
		"clientKey":            b64(c.Key),
	})}))
}

// iksKubeconfig is the admin kubeconfig of an IKS cluster, as the
// provider makes it from the Kubernetes Service's cluster config API
// (provider/ibm kubeconfig.go): the CA and admin certificate inlined,
// pointing at the cluster's master URL.
func iksKubeconfig(r Resource, _ string) resource.PropertyValue {
	return resource.MakeSecret(value(AdminKubeconfig(string(r.URN), nameOr(r), httpsURL(r, "masterUrl").StringValue())))
}

// AdminKubeconfig is a kubeconfig for cluster name at server with one
// admin user whose certificate chain comes from seed (CertChain): one
// cluster, one user, one context, the data inlined.
func AdminKubeconfig(seed, name, server string) string {
	c := CertChain(seed, name+"-ca", "admin", "system:masters")
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: %s
    server: %s
  name: %s
contexts:
- context:
    cluster: %s
    user: %s-admin
  name: %s
current-context: %s
users:
- name: %s-admin
  user:
    client-certificate-data: %s
    client-key-data: %s
`, b64(c.CA), server, name, name, name, name, name, name, b64(c.Cert), b64(c.Key))
}
