package computed

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"time"
)

// Chain is a cluster CA and an admin client certificate it signs, all PEM:
// what a simulated cluster's kubeconfig trusts and presents.
type Chain struct {
	CA, Cert, Key string
}

// Validity of the simulated certificates: fixed dates, so that the same
// seed gives the same bytes on every run (no wall clock).
var (
	chainNotBefore = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	chainNotAfter  = time.Date(2036, 1, 1, 0, 0, 0, 0, time.UTC)
)

// CertChain is the chain of seed, the same bytes for the same seed: the
// Ed25519 keys come from the seed (ed25519.NewKeyFromSeed) and Ed25519
// signatures are deterministic (RFC 8032 §5.1.6), so no randomness is
// read. The CA is named caName; the client certificate is user in group
// (Kubernetes reads CN as the user and O as the groups).
func CertChain(seed, caName, user, group string) Chain {
	key := func(role string) ed25519.PrivateKey {
		h := sha256.Sum256([]byte(seed + "\x00" + role))
		return ed25519.NewKeyFromSeed(h[:])
	}
	serial := func(role string) *big.Int {
		h := sha256.Sum256([]byte(seed + "\x00serial\x00" + role))
		return new(big.Int).SetBytes(h[:16])
	}
	caKey, clientKey := key("ca"), key("client")
	ca := &x509.Certificate{
		SerialNumber: serial("ca"), Subject: pkix.Name{CommonName: caName},
		NotBefore: chainNotBefore, NotAfter: chainNotAfter,
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(nil, ca, ca, caKey.Public(), caKey)
	if err != nil {
		panic(fmt.Sprintf("computed: the simulated CA of %q: %v", seed, err)) // fixed, valid template: cannot fail
	}
	caCert, _ := x509.ParseCertificate(caDER)
	client := &x509.Certificate{
		SerialNumber: serial("client"), Subject: pkix.Name{CommonName: user, Organization: []string{group}},
		NotBefore: chainNotBefore, NotAfter: chainNotAfter,
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	clientDER, err := x509.CreateCertificate(nil, client, caCert, clientKey.Public(), caKey)
	if err != nil {
		panic(fmt.Sprintf("computed: the simulated client certificate of %q: %v", seed, err))
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(clientKey)
	if err != nil {
		panic(err)
	}
	enc := func(typ string, der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
	}
	return Chain{CA: enc("CERTIFICATE", caDER), Cert: enc("CERTIFICATE", clientDER), Key: enc("PRIVATE KEY", keyDER)}
}
