package hetzner

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"infra/provider"
)

// The certificate chain infra generates holds on the node: cloud-init
// installs the cluster CA as k3s's server and client CA before k3s first
// starts, and the admin client certificate `infra kubeconfig` presents
// verifies against the client CA the node has, for client authentication.
func TestAdminCertificateVerifiesAgainstTheCAOnTheNode(t *testing.T) {
	caCert, caKey, clientCert, clientKey, err := provider.ClusterCA("hetzner-nbg1-prod", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range testNodes() {
		doc := cloudInit(n, secrets{server: "s", agent: "a", caCert: caCert, caKey: caKey})
		var c struct {
			WriteFiles []struct{ Path, Content, Permissions string } `yaml:"write_files"`
		}
		if err := yaml.Unmarshal([]byte(doc), &c); err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range c.WriteFiles {
			got[f.Path] = f.Content
			if strings.HasSuffix(f.Path, ".key") && f.Permissions != "0600" {
				t.Errorf("%s: %s is %s, want 0600", n.IP, f.Path, f.Permissions)
			}
		}
		if n.Role == "agent" {
			for p := range got {
				if strings.HasPrefix(p, k3sTLSDir) {
					t.Errorf("%s: an agent gets %s", n.IP, p)
				}
			}
			continue
		}
		for _, ca := range []string{"server-ca", "client-ca"} {
			if got[k3sTLSDir+"/"+ca+".crt"] != caCert || got[k3sTLSDir+"/"+ca+".key"] != caKey {
				t.Fatalf("%s: %s is not the generated CA", n.IP, ca)
			}
		}
		// Verify with what the node has, not with what was generated.
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM([]byte(got[k3sTLSDir+"/client-ca.crt"])) {
			t.Fatal("client-ca.crt holds no certificate")
		}
		block, _ := pem.Decode([]byte(clientCert))
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Errorf("%s: the admin certificate does not verify against the node's client CA: %v", n.IP, err)
		}
		if cert.Subject.CommonName != provider.AdminUser || len(cert.Subject.Organization) != 1 || cert.Subject.Organization[0] != provider.AdminGroup {
			t.Errorf("admin subject %v", cert.Subject)
		}
		if _, err := tls.X509KeyPair([]byte(clientCert), []byte(clientKey)); err != nil {
			t.Errorf("the admin key does not match its certificate: %v", err)
		}
		if _, err := tls.X509KeyPair([]byte(caCert), []byte(got[k3sTLSDir+"/server-ca.key"])); err != nil {
			t.Errorf("the CA key on the node does not match the CA: %v", err)
		}
		if ci, err := exec.LookPath("cloud-init"); err == nil {
			p := filepath.Join(t.TempDir(), "user-data")
			if err := os.WriteFile(p, []byte(doc), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(ci, "schema", "--config-file", p).CombinedOutput(); err != nil || !strings.Contains(string(out), "Valid cloud-config") {
				t.Errorf("cloud-init schema: %v\n%s", err, out)
			}
		}
	}
	// A certificate of another CA does not verify: the check can fail.
	other, _, _, _, err := provider.ClusterCA("other", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM([]byte(other))
	block, _ := pem.Decode([]byte(clientCert))
	cert, _ := x509.ParseCertificate(block.Bytes)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err == nil {
		t.Error("the admin certificate verifies against another CA")
	}
}
