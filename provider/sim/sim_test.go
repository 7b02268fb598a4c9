package sim

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	infraprovider "infra/provider"
	"infra/provider/computed"
)

const (
	vpcURN = resource.URN("urn:pulumi:dev::simtest::aws:ec2/vpc:Vpc::main")
	srvURN = resource.URN("urn:pulumi:dev::simtest::hcloud:index/server:Server::gw-1")
)

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"aws:*", "aws:ec2/vpc:Vpc", true},
		{"aws:ec2/*", "aws:ec2/vpc:Vpc", true},
		{"*:Vpc", "aws:ec2/vpc:Vpc", true},
		{"main", "main", true},
		{"mai", "main", false},
		{"web-*", "web-1", true},
		{"*-1", "web-2", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"*", "", true},
	} {
		if got := glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

// A preview predicts the outputs: the inputs, with every computed field of
// the type unknown, because the object does not exist yet.
func TestPreviewOutputsAreUnknown(t *testing.T) {
	in := resource.PropertyMap{"serverType": resource.NewStringProperty("cx23")}
	preview := outputs(computed.Resource{URN: srvURN, Inputs: in}, true)
	if !preview["ipv4Address"].IsComputed() || preview["serverType"].StringValue() != "cx23" {
		t.Errorf("preview = %v, want the inputs and ipv4Address unknown", preview)
	}
	if done := outputs(computed.Resource{URN: srvURN, ID: "42", Inputs: in}, false); !done["ipv4Address"].IsString() {
		t.Errorf("outputs = %v, want an address", done)
	}
}

func TestDiff(t *testing.T) {
	olds := resource.PropertyMap{
		"cidrBlock": resource.NewStringProperty("10.0.0.0/16"),
		"tags":      resource.NewObjectProperty(resource.PropertyMap{"Name": resource.NewStringProperty("a")}),
		"token":     resource.MakeSecret(resource.NewStringProperty("s")),
	}
	if d := infraprovider.DiffInputs(olds, deepCopy(olds), nil); d.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("equal inputs: %v", d)
	}
	news := deepCopy(olds)
	news["cidrBlock"] = resource.NewStringProperty("10.1.0.0/16")
	news["tags"] = resource.MakeComputed(resource.NewStringProperty(""))
	delete(news, "token")
	d := diffRPC(t, "aws:ec2/vpc:Vpc", olds, news)
	if d.Changes != pulumirpc.DiffResponse_DIFF_SOME {
		t.Fatalf("changes = %v", d.Changes)
	}
	want := map[string]pulumirpc.PropertyDiff_Kind{
		"cidrBlock": pulumirpc.PropertyDiff_UPDATE_REPLACE, // force-new in the rules
		"tags":      pulumirpc.PropertyDiff_UPDATE,
		"token":     pulumirpc.PropertyDiff_DELETE,
	}
	for k, kind := range want {
		if got := d.DetailedDiff[k].GetKind(); got != kind {
			t.Errorf("%s: kind %v, want %v", k, got, kind)
		}
	}
	if len(d.Replaces) != 1 || d.Replaces[0] != "cidrBlock" || d.DeleteBeforeReplace {
		t.Errorf("replaces = %v, delete first %v", d.Replaces, d.DeleteBeforeReplace)
	}
}

func TestFromEnv(t *testing.T) {
	env := map[string]string{EnvFail: " aws:ec2/* , gw-* ", EnvLatency: "15ms", EnvHold: "main"}
	opts, err := FromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if srv.latency != 15*time.Millisecond {
		t.Errorf("latency = %v", srv.latency)
	}
	if !srv.failing("aws:ec2/vpc:Vpc", "main") || !srv.failing("hcloud:index/server:Server", "gw-1") || srv.failing("hcloud:index/network:Network", "mesh") {
		t.Errorf("fail globs = %q", srv.fail)
	}
	if len(srv.hold) != 1 || srv.hold[0] != "main" {
		t.Errorf("hold globs = %q", srv.hold)
	}
	if _, err := FromEnv(func(k string) string { return map[string]string{EnvLatency: "soon"}[k] }); err == nil {
		t.Error("a bad latency was accepted")
	}
}

// dial connects to the simulated provider of pkg as the engine would.
func dial(t *testing.T, srv *Server, pkg string) pulumirpc.ResourceProviderClient {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", srv.ports[pkg])
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return pulumirpc.NewResourceProviderClient(conn)
}

// TestProtocol drives one resource through its life cycle over gRPC, without
// the engine: preview, create, drift, refresh, delete.
func TestProtocol(t *testing.T) {
	ctx := context.Background()
	srv, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	aws := dial(t, srv, "aws")

	info, err := aws.GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil || info.Version != "6.83.4" {
		t.Fatalf("GetPluginInfo = %v, %v; want 6.83.4", info, err)
	}
	cfg, _ := marshal("config", resource.PropertyMap{"region": resource.NewStringProperty("eu-west-1")})
	if _, err := aws.Configure(ctx, &pulumirpc.ConfigureRequest{Args: cfg}); err != nil {
		t.Fatal(err)
	}

	inputs := resource.PropertyMap{
		"cidrBlock": resource.NewStringProperty("10.0.0.0/16"),
		"token":     resource.MakeSecret(resource.NewStringProperty("hunter2")),
	}
	props, _ := marshal("inputs", inputs)
	if _, err := aws.Create(ctx, &pulumirpc.CreateRequest{Urn: string(vpcURN), Type: "aws:ec2/vpc:Vpc", Properties: props, Preview: true}); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Cloud().Objects()); n != 0 {
		t.Fatalf("a preview created %d objects", n)
	}

	created, err := aws.Create(ctx, &pulumirpc.CreateRequest{Urn: string(vpcURN), Type: "aws:ec2/vpc:Vpc", Properties: props})
	if err != nil {
		t.Fatal(err)
	}
	outs, _ := unmarshal("outputs", created.Properties)
	if !outs["token"].IsSecret() {
		t.Errorf("secret input came back as %v", outs["token"])
	}
	if got := outs["arn"].StringValue(); !strings.HasPrefix(got, "arn:aws:ec2:eu-west-1:") {
		t.Errorf("arn = %q, want the configured region", got)
	}

	if err := srv.Cloud().Drift(vpcURN, "cidrBlock", resource.NewStringProperty("10.9.0.0/16")); err != nil {
		t.Fatal(err)
	}
	read, err := aws.Read(ctx, &pulumirpc.ReadRequest{Id: created.Id, Urn: string(vpcURN), Properties: created.Properties, Inputs: props})
	if err != nil {
		t.Fatal(err)
	}
	ins, _ := unmarshal("inputs", read.Inputs)
	if ins["cidrBlock"].StringValue() != "10.9.0.0/16" || !ins["token"].IsSecret() {
		t.Errorf("read inputs = %v, want the drifted cidr and the secret", ins)
	}

	srv.Cloud().Remove(vpcURN)
	read, err = aws.Read(ctx, &pulumirpc.ReadRequest{Id: created.Id, Urn: string(vpcURN), Properties: created.Properties, Inputs: props})
	if err != nil || read.Id != "" {
		t.Errorf("read of a removed object = %v, %v; want no id", read, err)
	}

	zones, err := aws.Invoke(ctx, &pulumirpc.InvokeRequest{Tok: "aws:index/getAvailabilityZones:getAvailabilityZones"})
	if err != nil {
		t.Fatal(err)
	}
	ret, _ := unmarshal("return", zones.Return)
	if got := ret["names"].ArrayValue()[0].StringValue(); got != "eu-west-1a" {
		t.Errorf("first zone = %q", got)
	}
	if got := ret["zoneIds"].ArrayValue()[0].StringValue(); got != "euw1-az1" {
		t.Errorf("first zone id = %q", got)
	}
	unknown, err := aws.Invoke(ctx, &pulumirpc.InvokeRequest{Tok: "aws:index/getAmi:getAmi"})
	if err != nil || len(unknown.Return.GetFields()) != 0 {
		t.Errorf("unknown invoke = %v, %v; want empty", unknown, err)
	}
}

func TestFailAndLatency(t *testing.T) {
	ctx := context.Background()
	srv, err := Start(WithFail("main"), WithLatency(20*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// Count the latency through a clock of the test's: no wall-clock.
	var waited []time.Duration
	srv.after = func(d time.Duration) <-chan time.Time {
		waited = append(waited, d)
		ch := make(chan time.Time, 1)
		ch <- time.Time{}
		return ch
	}
	aws := dial(t, srv, "aws")
	props, _ := marshal("inputs", resource.PropertyMap{})

	// The plan is fine; the apply fails.
	if _, err := aws.Create(ctx, &pulumirpc.CreateRequest{Urn: string(vpcURN), Properties: props, Preview: true}); err != nil {
		t.Fatalf("preview failed: %v", err)
	}
	if len(waited) != 0 {
		t.Errorf("a preview waited %v: it never reaches the cloud", waited)
	}
	_, err = aws.Create(ctx, &pulumirpc.CreateRequest{Urn: string(vpcURN), Properties: props})
	if err == nil || !strings.Contains(err.Error(), `"main"`) || !strings.Contains(err.Error(), "aws:ec2/vpc:Vpc") {
		t.Fatalf("create error = %v, want one naming the resource", err)
	}
	if len(waited) != 1 || waited[0] != 20*time.Millisecond {
		t.Errorf("the create waited %v, want [20ms]", waited)
	}

	// Cancel cuts nothing short, as with the real providers: the delete
	// waits its latency and succeeds.
	if _, err := aws.Cancel(ctx, &emptypb.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := aws.Delete(ctx, &pulumirpc.DeleteRequest{Urn: string(vpcURN), Id: "x"}); err != nil {
		t.Errorf("delete after cancel = %v", err)
	}
	if len(waited) != 2 {
		t.Errorf("the delete after Cancel did not wait its latency: %v", waited)
	}
}

// TestHoldAndHook: a held create stays in flight, seen by the hook, until
// the engine's Cancel, then completes; one the engine drops fails and
// leaves the cloud as it was.
func TestHoldAndHook(t *testing.T) {
	calls := make(chan Call, 4)
	srv, err := Start(WithHold("main"), WithHook(func(_ context.Context, c Call) error {
		calls <- c
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	props, _ := marshal("inputs", resource.PropertyMap{})
	create := func(aws pulumirpc.ResourceProviderClient, ctx context.Context, urn resource.URN) <-chan error {
		done := make(chan error, 1)
		go func() {
			_, err := aws.Create(ctx, &pulumirpc.CreateRequest{Urn: string(urn), Properties: props})
			done <- err
		}()
		return done
	}

	// Dropped by the engine: fails, nothing made.
	dropped := dial(t, srv, "aws")
	ctx, cancel := context.WithCancel(context.Background())
	done := create(dropped, ctx, vpcURN)
	if c := <-calls; c.Op != "create" || c.URN != vpcURN || !c.Held {
		t.Fatalf("hook saw %+v, want a held create of %s", c, vpcURN)
	}
	cancel()
	if err := <-done; err == nil {
		t.Error("a dropped held create succeeded")
	}
	if _, ok := srv.Cloud().Lookup(vpcURN); ok {
		t.Error("a dropped create made its object")
	}

	// Released by Cancel: completes. Resources the hold does not name pass.
	aws := dial(t, srv, "aws")
	done = create(aws, context.Background(), vpcURN)
	if c := <-calls; !c.Held {
		t.Fatalf("hook saw %+v, want a held create", c)
	}
	other := holdURN("aws:ec2/subnet:Subnet", "other")
	if err := <-create(aws, context.Background(), other); err != nil {
		t.Fatalf("a create the hold does not name: %v", err)
	}
	if c := <-calls; c.Held || c.URN != other {
		t.Errorf("hook saw %+v, want %s not held", c, other)
	}
	if _, err := aws.Cancel(context.Background(), &emptypb.Empty{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("the held create after Cancel: %v", err)
	}
	if _, ok := srv.Cloud().Lookup(vpcURN); !ok {
		t.Error("the held create did not make its object")
	}
}

func holdURN(typ, name string) resource.URN {
	return resource.URN("urn:pulumi:dev::simtest::" + typ + "::" + name)
}

func TestCloudReplacementKeepsNewObject(t *testing.T) {
	c := NewCloud()
	outs := func(computed.Resource) resource.PropertyMap { return resource.PropertyMap{} }
	old, _ := c.create(computed.Resource{URN: vpcURN}, outs)
	repl, _ := c.create(computed.Resource{URN: vpcURN}, outs) // create-before-delete
	if err := c.delete(vpcURN, old.ID, nil); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Lookup(vpcURN)
	if !ok || got.ID != repl.ID {
		t.Fatalf("after replacing %s with %s the cloud has %v, %v", old.ID, repl.ID, got.ID, ok)
	}
}

// TestHetznerRouteOverlap: a Hetzner route whose destination overlaps
// another route of its network is refused, as Hetzner does, whether the
// other is a route of another name or the one a create-before-delete
// replacement would leave; other networks and disjoint destinations are not.
func TestHetznerRouteOverlap(t *testing.T) {
	outs := func(computed.Resource) resource.PropertyMap { return resource.PropertyMap{} }
	urn := func(name string) resource.URN {
		return resource.NewURN("dev", "p", "", "hcloud:index/networkRoute:NetworkRoute", name)
	}
	route := func(name string, network float64, dest string) computed.Resource {
		return computed.Resource{URN: urn(name), Inputs: resource.PropertyMap{
			"networkId": resource.NewNumberProperty(network), "destination": resource.NewStringProperty(dest),
			"gateway": resource.NewStringProperty("10.21.255.2")}}
	}
	for _, tc := range []struct {
		name, dest string
		network    float64
		alone      bool // the network has no route yet
		refused    bool
	}{
		{"per-peer", "10.22.0.0/16", 1, true, false},       // the first route of the network
		{"summary", "10.16.0.0/12", 1, false, true},        // holds 10.22/16
		{"inside", "10.22.1.0/24", 1, false, true},         // inside 10.22/16
		{"disjoint", "10.128.0.0/9", 1, false, false},      // apart
		{"other-network", "10.16.0.0/12", 2, false, false}, // another network
		{"per-peer", "10.22.0.0/16", 1, false, true},       // a replacement made before the delete
	} {
		c := NewCloud()
		if !tc.alone {
			if _, err := c.create(route("per-peer", 1, "10.22.0.0/16"), outs); err != nil {
				t.Fatal(err)
			}
		}
		_, err := c.create(route(tc.name, tc.network, tc.dest), outs)
		if got := err != nil; got != tc.refused {
			t.Errorf("%s %s in network %v: refused %v (%v), want %v", tc.name, tc.dest, tc.network, got, err, tc.refused)
		}
	}
}
