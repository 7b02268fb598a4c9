package provider

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// ClusterCAType is the k3s cluster CA infra generates: the CA certificate
// and key that cloud-init installs as k3s's server and client CA in
// /var/lib/rancher/k3s/server/tls before k3s first starts (k3s uses CA
// files it finds there instead of generating its own: docs.k3s.io
// cli/certificate, "Using Custom CA Certificates"), and an admin client
// certificate it signs, so that `infra kubeconfig` reaches the cluster with
// no ssh to a node. Keys are secret outputs.
const ClusterCAType = "infra:k3s:ClusterCA"

// Validity of what ClusterCA makes: a CA outlives many client certificates;
// a new admin certificate is a replacement of the resource (input
// "rotation"), which makes a new CA too, so both last long.
const (
	caValidity     = 10 * 365 * 24 * time.Hour
	clientValidity = 10 * 365 * 24 * time.Hour
)

// AdminUser and AdminGroup are the admin certificate's subject: k3s's own
// admin kubeconfig uses system:masters, bound to cluster-admin.
const (
	AdminUser  = "infra-admin"
	AdminGroup = "system:masters"
)

func init() {
	locals[ClusterCAType] = Local{Create: clusterCA, Replace: []string{"rotation", "clusterName"},
		Outputs: []string{"caCert", "caKey", "clientCert", "clientKey"}, Secret: []string{"caKey", "clientKey"}}
}

// ClusterCA makes an ECDSA P-256 CA (k3s's own CAs are P-256) and an admin
// client certificate signed by it, all PEM-encoded.
func ClusterCA(clusterName string, now time.Time) (caCert, caKey, clientCert, clientKey string, err error) {
	caPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", "", "", err
	}
	ca := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "k3s-server-ca@" + clusterName, Organization: []string{"infra"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caPriv.PublicKey, caPriv)
	if err != nil {
		return "", "", "", "", fmt.Errorf("%s: CA certificate: %w", ClusterCAType, err)
	}
	parent, err := x509.ParseCertificate(caDER)
	if err != nil {
		return "", "", "", "", err
	}
	clPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", "", "", "", err
	}
	cl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: AdminUser, Organization: []string{AdminGroup}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(clientValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	clDER, err := x509.CreateCertificate(rand.Reader, cl, parent, &clPriv.PublicKey, caPriv)
	if err != nil {
		return "", "", "", "", fmt.Errorf("%s: client certificate: %w", ClusterCAType, err)
	}
	caKeyDER, err := x509.MarshalECPrivateKey(caPriv)
	if err != nil {
		return "", "", "", "", err
	}
	clKeyDER, err := x509.MarshalECPrivateKey(clPriv)
	if err != nil {
		return "", "", "", "", err
	}
	enc := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	return enc("CERTIFICATE", caDER), enc("EC PRIVATE KEY", caKeyDER), enc("CERTIFICATE", clDER), enc("EC PRIVATE KEY", clKeyDER), nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return big.NewInt(1)
	}
	return n
}

func clusterCA(inputs resource.PropertyMap) (resource.PropertyMap, error) {
	name := "k3s"
	if v, ok := inputs["clusterName"]; ok && v.IsString() {
		name = v.StringValue()
	}
	caCert, caKey, clientCert, clientKey, err := ClusterCA(name, time.Now())
	if err != nil {
		return nil, err
	}
	out := inputs.Copy()
	out["caCert"] = resource.NewStringProperty(caCert)
	out["caKey"] = resource.MakeSecret(resource.NewStringProperty(caKey))
	out["clientCert"] = resource.NewStringProperty(clientCert)
	out["clientKey"] = resource.MakeSecret(resource.NewStringProperty(clientKey))
	return out, nil
}
