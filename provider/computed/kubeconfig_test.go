package computed

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// An MKS cluster's kubeconfigAttributes are its kubeconfig's parts: the
// same server, CA, admin certificate and key, secret.
func TestOVHKubeconfigAttributesMatchTheKubeconfig(t *testing.T) {
	r := Resource{URN: "urn:pulumi:prod::infra::ovh:CloudProject/kube:Kube::ovh-gra11-prod-cluster",
		Inputs: resource.PropertyMap{"name": resource.NewStringProperty("ovh-gra11-prod")}}
	attrs := ovhKubeconfigAttributes(r, "kubeconfigAttributes")
	if !attrs.IsSecret() {
		t.Fatal("kubeconfigAttributes are not secret")
	}
	list := attrs.SecretValue().Element.ArrayValue()
	if len(list) != 1 {
		t.Fatalf("%d elements, want 1", len(list))
	}
	a := list[0].ObjectValue()
	cfg := parseKubeconfig(t, ovhKubeconfig(r, "kubeconfig").SecretValue().Element.StringValue())
	if len(cfg.Clusters) != 1 || len(cfg.Users) != 1 {
		t.Fatalf("kubeconfig %+v", cfg)
	}
	for key, want := range map[resource.PropertyKey]string{
		"host":                 cfg.Clusters[0].Cluster["server"],
		"clusterCaCertificate": cfg.Clusters[0].Cluster["certificate-authority-data"],
		"clientCertificate":    cfg.Users[0].User["client-certificate-data"],
		"clientKey":            cfg.Users[0].User["client-key-data"],
	} {
		if got := a[key].StringValue(); got != want || got == "" {
			t.Errorf("%s = %q, want the kubeconfig's %q", key, got, want)
		}
	}
}
