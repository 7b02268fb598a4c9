package provider

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	hetznerstack "infra/stacks/hetzner"
	"infra/stacks/kubernetes"
	"infra/stacks/wireguard"
)

// TestLocalTypesCoverPrograms: every local type a program declares is served.
func TestLocalTypesCoverPrograms(t *testing.T) {
	want := append(append([]string{}, wireguard.Types...), hetznerstack.TokenType, kubernetes.ManifestsType)
	for _, typ := range want {
		if _, ok := LocalType(typ); !ok {
			t.Errorf("programs declare %s, which the provider does not serve", typ)
		}
	}
}

func TestKeyPair(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		priv, pub, err := KeyPair()
		if err != nil {
			t.Fatal(err)
		}
		if seen[priv] {
			t.Fatal("KeyPair repeated a private key")
		}
		seen[priv] = true
		b, err := base64.StdEncoding.DecodeString(priv)
		if err != nil || len(b) != 32 || len(priv) != 44 {
			t.Fatalf("private key %q is not wg's text form", priv)
		}
		if b[0]&7 != 0 || b[31]&128 != 0 || b[31]&64 == 0 {
			t.Errorf("private key is not clamped: %x", b)
		}
		derived, err := PublicKey(priv)
		if err != nil || derived != pub {
			t.Errorf("PublicKey(private) = %q, %v; KeyPair said %q", derived, err, pub)
		}
	}
	if _, err := PublicKey("not a key"); err == nil {
		t.Error("PublicKey accepted garbage")
	}
}

// TestKeyPairAgreesWithWg checks the key pair with the real wg tool, when
// it is installed.
func TestKeyPairAgreesWithWg(t *testing.T) {
	wg, err := exec.LookPath("wg")
	if err != nil {
		t.Skip("wg (wireguard-tools) not installed")
	}
	priv, pub, err := KeyPair()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(wg, "pubkey")
	cmd.Stdin = strings.NewReader(priv + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != pub {
		t.Errorf("wg pubkey = %s, KeyPair said %s", got, pub)
	}
}

func rpcProps(t *testing.T, m resource.PropertyMap) *pulumirpc.CreateRequest {
	t.Helper()
	s, err := marshal("test", m)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.CreateRequest{Properties: s}
}

func TestLocalRPCs(t *testing.T) {
	ctx := context.Background()
	s := NewServer(WithGetenv(func(string) string { return "" })) // no IBM credentials needed
	urn := func(typ string) string { return "urn:pulumi:prod::infra::" + typ + "::k" }

	// Preview: values unknown, no id.
	req := rpcProps(t, resource.PropertyMap{})
	req.Urn, req.Preview = urn(WireGuardKeyType), true
	pre, err := s.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	outs, _ := unmarshal("outs", pre.GetProperties())
	if pre.GetId() != "" || !outs["privateKey"].IsComputed() || !outs["publicKey"].IsComputed() {
		t.Errorf("preview create = %q %v, want no id and unknown keys", pre.GetId(), outs)
	}

	// Create: a real pair, the private half secret.
	req.Preview = false
	res, err := s.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	outs, _ = unmarshal("outs", res.GetProperties())
	if res.GetId() == "" || !outs["privateKey"].IsSecret() || outs["publicKey"].IsSecret() {
		t.Fatalf("create = %q %v, want an id, a secret private key and a plain public key", res.GetId(), outs)
	}
	pub, err := PublicKey(outs["privateKey"].SecretValue().Element.StringValue())
	if err != nil || pub != outs["publicKey"].StringValue() {
		t.Errorf("the public key does not belong to the private key")
	}

	// Read: as the state says.
	read, err := s.Read(ctx, &pulumirpc.ReadRequest{Urn: urn(WireGuardKeyType), Id: res.GetId(), Properties: res.GetProperties()})
	if err != nil || read.GetId() != res.GetId() {
		t.Errorf("read = %v, %v", read, err)
	}

	// Diff: a rotation replaces, nothing else changes.
	olds, _ := marshal("olds", resource.PropertyMap{})
	same, err := s.Diff(ctx, &pulumirpc.DiffRequest{Urn: urn(WireGuardKeyType), OldInputs: olds, News: olds})
	if err != nil || same.GetChanges() != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("diff of equal inputs = %v, %v", same, err)
	}
	rot, _ := marshal("news", resource.PropertyMap{"rotation": resource.NewNumberProperty(2)})
	d, err := s.Diff(ctx, &pulumirpc.DiffRequest{Urn: urn(WireGuardKeyType), OldInputs: olds, News: rot})
	if err != nil || !slices.Equal(d.GetReplaces(), []string{"rotation"}) {
		t.Errorf("diff of a rotation = %v, %v; want a replacement", d, err)
	}

	// Pre-shared key: 32 random bytes.
	req = rpcProps(t, resource.PropertyMap{})
	req.Urn = urn(PresharedKeyType)
	res, err = s.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	outs, _ = unmarshal("outs", res.GetProperties())
	if !outs["key"].IsSecret() {
		t.Fatalf("psk is not secret: %v", outs)
	}
	if b, err := base64.StdEncoding.DecodeString(outs["key"].SecretValue().Element.StringValue()); err != nil || len(b) != 32 {
		t.Errorf("psk is not 32 bytes of base64: %v", outs["key"])
	}

	// Token: length bytes, hex, secret; bad lengths refused.
	req = rpcProps(t, resource.PropertyMap{"length": resource.NewNumberProperty(32)})
	req.Urn = urn(TokenType)
	res, err = s.Create(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	outs, _ = unmarshal("outs", res.GetProperties())
	if b, err := hex.DecodeString(outs["token"].SecretValue().Element.StringValue()); err != nil || len(b) != 32 {
		t.Errorf("token = %v, want 32 bytes of hex, secret", outs["token"])
	}
	req = rpcProps(t, resource.PropertyMap{"length": resource.NewNumberProperty(1 << 30)})
	req.Urn = urn(TokenType)
	if _, err := s.Create(ctx, req); err == nil || !strings.Contains(err.Error(), "length") {
		t.Errorf("a huge token length was accepted: %v", err)
	}

	// Delete: nothing to call, no credentials needed.
	if _, err := s.Delete(ctx, &pulumirpc.DeleteRequest{Urn: urn(TokenType), Id: res.GetId()}); err != nil {
		t.Errorf("delete: %v", err)
	}
}
