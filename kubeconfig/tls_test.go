package kubeconfig_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"infra/kubeconfig"
	"infra/provider"
)

// A k3s cluster that opens its API to apiAccess networks is reached at a
// control plane's public address, while its certificate names the
// registration address (tls-san). The kubeconfig infra writes for it must
// get a real client (kubectl) through the TLS handshake with the cluster's
// CA and admin certificate, both from infra's own ClusterCA; without
// tls-server-name the same client refuses the server.
func TestPublicAPIEndpointVerifies(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed (apt-get install kubernetes-client)")
	}
	caCert, caKey, clientCert, clientKey, err := provider.ClusterCA("hetzner-nbg1-prod", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	const registration = "10.20.0.4"
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 0 || r.TLS.PeerCertificates[0].Subject.CommonName == "" {
			http.Error(w, "no client certificate", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"major":"1","minor":"35","gitVersion":"v1.35.5+k3s1","user":"` + r.TLS.PeerCertificates[0].Subject.CommonName + `"}`))
	}))
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM([]byte(caCert)) {
		t.Fatal("CA certificate does not parse")
	}
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{serving(t, caCert, caKey, registration)},
		ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.StartTLS()
	defer srv.Close()

	out := map[string]any{"clusterEndpoint": "https://" + registration + ":6443", "apiPublicEndpoint": srv.URL,
		"clusterCaCert": caCert, "adminClientCert": clientCert, "adminClientKey": clientKey}
	e, err := kubeconfig.FromOutputs("hetzner-nbg1-prod", "hetzner", out)
	if err != nil {
		t.Fatal(err)
	}
	if e.Server != srv.URL || e.TLSServerName != registration {
		t.Fatalf("entry server %s name %q, want %s checked as %s", e.Server, e.TLSServerName, srv.URL, registration)
	}
	get := func(e kubeconfig.Entry) (string, error) {
		data, err := kubeconfig.Build([]kubeconfig.Entry{e}).Marshal()
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "config")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(kubectl, "--kubeconfig", path, "--request-timeout", "20s", "get", "--raw", "/version")
		cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}
		b, err := cmd.CombinedOutput()
		return string(b), err
	}
	if got, err := get(e); err != nil || !strings.Contains(got, `"gitVersion":"v1.35.5+k3s1"`) || !strings.Contains(got, `"user":"`) {
		t.Errorf("kubectl through the public endpoint: %v\n%s", err, got)
	}
	e.TLSServerName = ""
	if got, err := get(e); err == nil || !strings.Contains(got, "certificate") {
		t.Errorf("without tls-server-name kubectl accepted a certificate for %s at %s: %v\n%s", registration, srv.URL, err, got)
	}
	// Without apiAccess the entry is the registration address, as before.
	delete(out, "apiPublicEndpoint")
	if e, err := kubeconfig.FromOutputs("hetzner-nbg1-prod", "hetzner", out); err != nil || e.Server != "https://"+registration+":6443" || e.TLSServerName != "" {
		t.Errorf("private entry %+v %v", e, err)
	}
}

// serving is a server certificate for ip signed by the cluster CA, as k3s
// makes it from tls-san.
func serving(t *testing.T, caCertPEM, caKeyPEM, ip string) tls.Certificate {
	t.Helper()
	cb, _ := pem.Decode([]byte(caCertPEM))
	kb, _ := pem.Decode([]byte(caKeyPEM))
	if cb == nil || kb == nil {
		t.Fatal("CA PEM does not decode")
	}
	ca, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	var caKey crypto.Signer
	if k, err := x509.ParsePKCS8PrivateKey(kb.Bytes); err == nil {
		caKey = k.(crypto.Signer)
	} else if caKey, err = x509.ParseECPrivateKey(kb.Bytes); err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "k3s"},
		NotBefore: ca.NotBefore, NotAfter: ca.NotAfter, IPAddresses: []net.IP{net.ParseIP(ip)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, key.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
