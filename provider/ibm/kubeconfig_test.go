package ibm_test

import (
	"context"
	"strings"
	"testing"

	"infra/kubeconfig"
	"infra/provider/computed/certtest"
)

// TestClusterKubeconfig: a cluster's kubeconfig output is the admin
// kubeconfig of the cluster config API with the ZIP's PEM files inlined,
// secret, pointing at the master; its admin certificate verifies against
// its CA; a refresh reads the same one (no drift).
func TestClusterKubeconfig(t *testing.T) {
	e := newEnv(t)
	in := e.clusterIn("kc", "us-south", 1)
	id, outs := e.create("infra:ibm:VpcCluster", props(in))
	v := outs["kubeconfig"]
	if !v.IsSecret() {
		t.Fatalf("kubeconfig output is not secret: %v", v)
	}
	text := v.SecretValue().Element.StringValue()
	e1, err := kubeconfig.FromKubeconfig("ibm-us-south-prod", "ibm", []byte(text))
	if err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	if e1.Server != str(outs, "masterUrl") || strings.Contains(text, "admin.pem") || strings.Contains(text, "certificate-authority:") {
		t.Errorf("server %q (master %q), or a file reference left:\n%s", e1.Server, str(outs, "masterUrl"), text)
	}
	if err := certtest.Parse(t, e1.ClientCert).CheckSignatureFrom(certtest.Parse(t, e1.CAData)); err != nil {
		t.Errorf("admin certificate not signed by the cluster CA: %v", err)
	}
	if len(e1.ClientKey) == 0 {
		t.Error("no admin key")
	}
	r, err := e.h("infra:ibm:VpcCluster").Read(context.Background(), id, props(in), outs)
	if err != nil || !r.Outputs["kubeconfig"].DeepEquals(v) {
		t.Errorf("a refresh read another kubeconfig (%v)", err)
	}
	if !strings.Contains(strings.Join(e.fake.Requests(), "\n"), "POST /containers/global/v2/applyRBACAndGetKubeconfig") {
		t.Error("the kubeconfig did not come from the cluster config API")
	}
}
