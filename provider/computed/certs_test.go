package computed

import (
	"crypto/x509"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"gopkg.in/yaml.v3"

	"infra/provider/computed/certtest"
)

func TestCertChainIsAVerifiableDeterministicChain(t *testing.T) {
	a, b := CertChain("seed-1", "c-ca", "admin", "system:masters"), CertChain("seed-1", "c-ca", "admin", "system:masters")
	if a != b {
		t.Error("the same seed gave two chains")
	}
	if c := CertChain("seed-2", "c-ca", "admin", "system:masters"); c.CA == a.CA || c.Key == a.Key {
		t.Error("two seeds gave one CA or key")
	}
	ca, cert := certtest.Parse(t, []byte(a.CA)), certtest.Parse(t, []byte(a.Cert))
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		CurrentTime: chainNotBefore.AddDate(1, 0, 0)}); err != nil {
		t.Errorf("the client certificate does not verify against its CA: %v", err)
	}
	if cert.Subject.CommonName != "admin" || len(cert.Subject.Organization) != 1 || cert.Subject.Organization[0] != "system:masters" {
		t.Errorf("subject %v", cert.Subject)
	}
	if !strings.Contains(a.Key, "BEGIN PRIVATE KEY") {
		t.Errorf("key is not PKCS#8 PEM: %q", a.Key)
	}
}

// The EKS CA the simulator computes is a PEM certificate, base64 as EKS
// returns certificateAuthority.data, so a kubeconfig built from it is
// complete.
func TestEKSCertificateAuthorityIsAPEMCertificate(t *testing.T) {
	urn := resource.URN("urn:pulumi:aws-eu-west-1-dev::infra-kc::aws:eks/cluster:Cluster::kc-aws-eu-west-1-dev")
	v := generators["certificateAuthority"](Resource{URN: urn}, "certificateAuthority")
	data := v.ObjectValue()["data"].StringValue()
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	if ca := certtest.Parse(t, raw); !ca.IsCA || ca.Subject.CommonName != "kubernetes" {
		t.Errorf("CA %v, IsCA %v", ca.Subject, ca.IsCA)
	}
}

func TestAdminKubeconfigIsComplete(t *testing.T) {
	cfg := parseKubeconfig(t, AdminKubeconfig("s", "c1", "https://c1.sim.invalid"))
	if len(cfg.Clusters) != 1 || len(cfg.Users) != 1 || cfg.Clusters[0].Cluster["server"] != "https://c1.sim.invalid" {
		t.Fatalf("%+v", cfg)
	}
	dec := func(s string) string { b, _ := base64.StdEncoding.DecodeString(s); return string(b) }
	ca, cert := certtest.Parse(t, []byte(dec(cfg.Clusters[0].Cluster["certificate-authority-data"]))), certtest.Parse(t, []byte(dec(cfg.Users[0].User["client-certificate-data"])))
	if err := cert.CheckSignatureFrom(ca); err != nil {
		t.Errorf("the admin certificate is not signed by the CA: %v", err)
	}
}

// kubeconfig is what the tests read of a kubeconfig.
type kubeconfig struct {
	Clusters []struct {
		Cluster map[string]string `yaml:"cluster"`
	} `yaml:"clusters"`
	Users []struct {
		User map[string]string `yaml:"user"`
	} `yaml:"users"`
}

func parseKubeconfig(t *testing.T, text string) kubeconfig {
	t.Helper()
	var cfg kubeconfig
	if err := yaml.Unmarshal([]byte(text), &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg
}
