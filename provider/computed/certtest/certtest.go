// Package certtest reads the PEM certificates tests check: those of the
// simulated clusters, of kubeconfigs and of IBM's cluster config. Tests
// import it; programs never do.
package certtest

import (
	"crypto/x509"
	"encoding/pem"
	"testing"
)

// Parse is the certificate in the PEM text, failing tb when there is none.
func Parse(tb testing.TB, text []byte) *x509.Certificate {
	tb.Helper()
	block, _ := pem.Decode(text)
	if block == nil {
		tb.Fatalf("no PEM in %q", text)
		return nil
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}
