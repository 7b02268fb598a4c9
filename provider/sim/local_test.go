package sim

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	infraprovider "infra/provider"
)

// TestLocalTypesAreReal: a simulated WireGuard key is a real key pair, its
// private half secret, kept in the simulated cloud, and a rotation replaces it.
func TestLocalTypesAreReal(t *testing.T) {
	srv, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c := dial(t, srv, "infra")
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

// TestIBMNetworkOutputs: the transit and CIS types get the outputs the
// plan's mocks give them, before the infra:ibm:* catch-all.
func TestIBMNetworkOutputs(t *testing.T) {
	for _, tc := range []struct{ typ, key, want string }{
		{"infra:ibm:TransitGateway", "crn", "crn:v1:bluemix:public:transit:us-south:a/sim::gateway:gw-1"},
		{"infra:ibm:TransitGatewayConnection", "status", "attached"},
		{"infra:ibm:CisDomain", "status", "active"},
		{"infra:ibm:Vpc", "status", "available"},
	} {
		out := computeOutputs(target{urn: resource.URN("urn:pulumi:g::p::" + tc.typ + "::x"), id: "gw-1",
			inputs: resource.PropertyMap{"location": resource.NewStringProperty("us-south")}}, false)
		if got := out[resource.PropertyKey(tc.key)]; !got.IsString() || got.StringValue() != tc.want {
			t.Errorf("%s %s = %v, want %s", tc.typ, tc.key, got, tc.want)
		}
	}
	pool := computeOutputs(target{urn: "urn:pulumi:g::p::infra:ibm:CisOriginPool::x"}, false)
	if !pool["healthy"].IsBool() || !pool["healthy"].BoolValue() {
		t.Errorf("origin pool healthy = %v", pool["healthy"])
	}
	cis := computeOutputs(target{urn: "urn:pulumi:g::p::infra:ibm:CisInstance::x"}, false)
	if !strings.HasPrefix(cis["crn"].StringValue(), "crn:v1:bluemix:public:internet-svcs:global:") {
		t.Errorf("CIS crn = %v", cis["crn"])
	}
}
