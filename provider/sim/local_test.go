package sim

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"

	infraprovider "infra/provider"
)

// TestLocalTypesAreReal: a simulated WireGuard key is a real key pair, its
// private half secret, kept in the simulated cloud, and a rotation replaces it.
func TestLocalTypesAreReal(t *testing.T) {
	srv, c := startInfra(t)
	ctx := context.Background()
	const urn = "urn:pulumi:prod::simtest::infra:mesh:WireGuardKey::gw"
	empty, _ := marshal("in", resource.PropertyMap{})

	pre, err := c.Create(ctx, &pulumirpc.CreateRequest{Urn: urn, Properties: empty, Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	outs, _ := unmarshal("out", pre.GetProperties())
	if !outs["publicKey"].IsComputed() || len(srv.Cloud().Objects()) != 0 {
		t.Errorf("preview: %v, %d objects; want unknown keys and an untouched cloud", outs, len(srv.Cloud().Objects()))
	}

	res, err := c.Create(ctx, &pulumirpc.CreateRequest{Urn: urn, Properties: empty})
	if err != nil {
		t.Fatal(err)
	}
	outs, _ = unmarshal("out", res.GetProperties())
	if !outs["privateKey"].IsSecret() {
		t.Fatalf("private key not secret: %v", outs)
	}
	pub, err := infraprovider.PublicKey(outs["privateKey"].SecretValue().Element.StringValue())
	if err != nil || pub != outs["publicKey"].StringValue() {
		t.Errorf("public key %v does not belong to the private key (%v)", outs["publicKey"], err)
	}
	if _, ok := srv.Cloud().Lookup(urn); !ok {
		t.Error("the key is not in the simulated cloud")
	}

	rot, _ := marshal("news", resource.PropertyMap{"rotation": resource.NewNumberProperty(1)})
	d, err := c.Diff(ctx, &pulumirpc.DiffRequest{Urn: urn, Type: infraprovider.WireGuardKeyType, Id: res.GetId(), OldInputs: empty, News: rot})
	if err != nil || len(d.GetReplaces()) != 1 {
		t.Errorf("rotation diff = %v, %v; want a replacement", d, err)
	}
}

// TestSimChecksManifests: the simulator refuses the Kubernetes objects the
// real provider would, and a new token alone is no change there either.
func TestSimChecksManifests(t *testing.T) {
	_, c := startInfra(t)
	ctx := context.Background()
	const urn = "urn:pulumi:prod::simtest::infra:kubernetes:Manifests::ingress"
	in := func(objects, token string) *structpb.Struct {
		s, _ := marshal("news", resource.PropertyMap{"server": resource.NewStringProperty("https://k"),
			"token": resource.MakeSecret(resource.NewStringProperty(token)), "objects": resource.NewStringProperty(objects)})
		return s
	}
	good := `[{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"edge"}}]`
	bad := `[{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"ingress"}}]`
	for objects, fails := range map[string]bool{good: false, bad: true} {
		resp, err := c.Check(ctx, &pulumirpc.CheckRequest{Urn: urn, News: in(objects, "a")})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(resp.GetFailures()) > 0; got != fails {
			t.Errorf("%s: failures %v", objects, resp.GetFailures())
		}
	}
	d, err := c.Diff(ctx, &pulumirpc.DiffRequest{Urn: urn, Type: infraprovider.ManifestsType, Id: "x", OldInputs: in(good, "a"), News: in(good, "b")})
	if err != nil || d.GetChanges() != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("a new token: %v, %v; want no change", d, err)
	}
}

// startInfra starts a simulator and connects to its infra provider.
func startInfra(t *testing.T) (*Server, pulumirpc.ResourceProviderClient) {
	t.Helper()
	srv, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, dial(t, srv, "infra")
}
