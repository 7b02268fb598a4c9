package provider

import (
	"bufio"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"

	"infra/provider/ibm"
	"infra/provider/ibm/fakeibm"
	"infra/provider/ibm/ibmtest"
)

type instantClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *instantClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *instantClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return ctx.Err()
}

// serve runs the provider over gRPC against the fake IBM API.
func serve(t *testing.T) (pulumirpc.ResourceProviderClient, *fakeibm.Server) {
	t.Helper()
	cfg, fake := ibmtest.FakeConfig(t)
	cfg.Clock = &instantClock{now: time.Unix(0, 0)}
	reg, err := ibm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := grpc.NewServer()
	pulumirpc.RegisterResourceProviderServer(g, NewServer(WithRegistry(reg)))
	go func() { _ = g.Serve(lis) }()
	t.Cleanup(g.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return pulumirpc.NewResourceProviderClient(conn), fake
}

const vpcURN = "urn:pulumi:prod::infra::infra:ibm:Vpc::ibm-us-south-prod-vpc"

func vpcInputs(t *testing.T, name string) *structpb.Struct {
	t.Helper()
	m := resource.PropertyMap{
		"name": resource.NewStringProperty(name), "region": resource.NewStringProperty("us-south"),
		"resourceGroup": resource.NewStringProperty("Default"),
		"tags":          resource.NewArrayProperty([]resource.PropertyValue{resource.MakeSecret(resource.NewStringProperty("owner:platform"))}),
	}
	s, err := marshal("test", m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestServerLifecycle drives a VPC through the protocol: check, preview,
// create, read, diff, update, refresh after an outside delete, delete.
func TestServerLifecycle(t *testing.T) {
	client, fake := serve(t)
	ctx := context.Background()
	if _, err := client.Handshake(ctx, &pulumirpc.ProviderHandshakeRequest{}); err != nil {
		t.Fatal(err)
	}
	check, err := client.Check(ctx, &pulumirpc.CheckRequest{Urn: vpcURN, News: vpcInputs(t, "demo")})
	if err != nil || len(check.GetFailures()) > 0 {
		t.Fatalf("check: %v %v", err, check.GetFailures())
	}
	bad, err := client.Check(ctx, &pulumirpc.CheckRequest{Urn: vpcURN, News: mustMarshal(t, resource.PropertyMap{"name": resource.NewStringProperty("x")})})
	if err != nil || len(bad.GetFailures()) != 2 {
		t.Fatalf("check of a VPC without region and group: %v %v", err, bad.GetFailures())
	}
	preview, err := client.Create(ctx, &pulumirpc.CreateRequest{Urn: vpcURN, Properties: check.GetInputs(), Preview: true})
	if err != nil || preview.GetId() != "" || fake.Count("vpc") != 0 {
		t.Fatalf("preview: %v %q, %d VPCs", err, preview.GetId(), fake.Count("vpc"))
	}
	created, err := client.Create(ctx, &pulumirpc.CreateRequest{Urn: vpcURN, Properties: check.GetInputs()})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := unmarshal("outs", created.GetProperties())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(outs["crn"].StringValue(), "crn:v1:bluemix:public:is:us-south:") || !outs["tags"].ContainsSecrets() {
		t.Errorf("outputs = %v", outs)
	}
	read, err := client.Read(ctx, &pulumirpc.ReadRequest{Urn: vpcURN, Id: created.GetId(), Properties: created.GetProperties(), Inputs: check.GetInputs()})
	if err != nil || read.GetId() != created.GetId() {
		t.Fatalf("read: %v %q", err, read.GetId())
	}
	diff, err := client.Diff(ctx, &pulumirpc.DiffRequest{Urn: vpcURN, Id: created.GetId(), OldInputs: check.GetInputs(), News: vpcInputs(t, "demo-2")})
	if err != nil || diff.GetChanges() != pulumirpc.DiffResponse_DIFF_SOME || len(diff.GetReplaces()) != 0 ||
		diff.GetDetailedDiff()["name"].GetKind() != pulumirpc.PropertyDiff_UPDATE {
		t.Fatalf("diff of a rename: %v %v", err, diff)
	}
	moved := mustMarshal(t, resource.PropertyMap{"name": resource.NewStringProperty("demo"), "region": resource.NewStringProperty("eu-de"),
		"resourceGroup": resource.NewStringProperty("Default")})
	diff, err = client.Diff(ctx, &pulumirpc.DiffRequest{Urn: vpcURN, Id: created.GetId(), OldInputs: check.GetInputs(), News: moved})
	if err != nil || diff.GetDetailedDiff()["region"].GetKind() != pulumirpc.PropertyDiff_UPDATE_REPLACE || !diff.GetDeleteBeforeReplace() {
		t.Fatalf("diff of a region move: %v %v", err, diff)
	}
	if _, err := client.Update(ctx, &pulumirpc.UpdateRequest{Urn: vpcURN, Id: created.GetId(), Olds: created.GetProperties(),
		OldInputs: check.GetInputs(), News: vpcInputs(t, "demo-2")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := fake.Get("vpc", created.GetId()); b["name"] != "demo-2" {
		t.Errorf("the VPC is named %v after the update", b["name"])
	}
	fake.Remove("vpc", created.GetId())
	gone, err := client.Read(ctx, &pulumirpc.ReadRequest{Urn: vpcURN, Id: created.GetId(), Properties: created.GetProperties(), Inputs: check.GetInputs()})
	if err != nil || gone.GetId() != "" {
		t.Fatalf("refresh of a deleted VPC: %v %q", err, gone.GetId())
	}
	if _, err := client.Delete(ctx, &pulumirpc.DeleteRequest{Urn: vpcURN, Id: created.GetId(), Properties: created.GetProperties()}); err != nil {
		t.Fatal(err)
	}
}

// TestServerInitFailure: a resource made but never ready comes back as an
// ErrorResourceInitFailed carrying its id, so the engine keeps it in state.
func TestServerInitFailure(t *testing.T) {
	client, fake := serve(t)
	fake.Steps = 1 << 30
	_, err := client.Create(context.Background(), &pulumirpc.CreateRequest{Urn: vpcURN, Properties: vpcInputs(t, "stuck")})
	st, _ := status.FromError(err)
	var id string
	for _, d := range st.Details() {
		if f, ok := d.(*pulumirpc.ErrorResourceInitFailed); ok {
			id = f.GetId()
		}
	}
	if id == "" || !strings.Contains(st.Message(), "not ready") {
		t.Fatalf("error = %v, details %v", err, st.Details())
	}
}

// TestServerUnknownType: other packages' types are refused by name.
func TestServerUnknownType(t *testing.T) {
	client, _ := serve(t)
	_, err := client.Create(context.Background(), &pulumirpc.CreateRequest{Urn: "urn:pulumi:s::p::aws:ec2/vpc:Vpc::v", Properties: vpcInputs(t, "x")})
	if err == nil || !strings.Contains(err.Error(), "aws:ec2/vpc:Vpc") {
		t.Fatalf("error = %v", err)
	}
	info, err := client.GetPluginInfo(context.Background(), &emptypb.Empty{})
	if err != nil || info.GetVersion() != Version {
		t.Fatalf("plugin info: %v %v", info, err)
	}
}

// TestMainPrintsPort: the plugin writes the port the engine connects to.
func TestMainPrintsPort(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- Main(ctx, w, WithGetenv(func(string) string { return "" })) }()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil || port == 0 {
		t.Fatalf("printed %q, want a port", line)
	}
	conn, err := grpc.NewClient("127.0.0.1:"+strconv.Itoa(port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Without IBMCLOUD_API_KEY a create fails with a message saying so.
	_, err = pulumirpc.NewResourceProviderClient(conn).Create(ctx, &pulumirpc.CreateRequest{Urn: vpcURN, Properties: vpcInputs(t, "x")})
	if err == nil || !strings.Contains(err.Error(), "IBMCLOUD_API_KEY") {
		t.Errorf("create without a key: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Main: %v", err)
	}
}

func mustMarshal(t *testing.T, m resource.PropertyMap) *structpb.Struct {
	t.Helper()
	s, err := marshal("test", m)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestConfiguredKeyPerConnection: a provider instance configured with an
// apiKey (a regional stack's deployer) acts with that key; the engine
// connects once per instance, so instances sharing this server (the
// fake-IBM mode) each keep their own; an instance without one acts with
// the environment's.
func TestConfiguredKeyPerConnection(t *testing.T) {
	cfg, fake := ibmtest.FakeConfig(t)
	cfg.Clock = &instantClock{now: time.Unix(0, 0)}
	env, err := ibm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var asked []string
	forKey := func(key string) (ibm.Registry, error) {
		mu.Lock()
		asked = append(asked, key)
		mu.Unlock()
		return ibm.New(cfg) // the fake's admin acts for every key here
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := grpc.NewServer()
	pulumirpc.RegisterResourceProviderServer(g, NewServer(WithRegistry(env), WithRegistryFor(forKey)))
	go func() { _ = g.Serve(lis) }()
	t.Cleanup(g.Stop)
	dial := func() pulumirpc.ResourceProviderClient {
		conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return pulumirpc.NewResourceProviderClient(conn)
	}
	ctx := context.Background()
	configure := func(c pulumirpc.ResourceProviderClient, key string) {
		args := mustMarshal(t, resource.PropertyMap{APIKeyConfig: resource.MakeSecret(resource.NewStringProperty(key))})
		if _, err := c.Configure(ctx, &pulumirpc.ConfigureRequest{Args: args, AcceptSecrets: true}); err != nil {
			t.Fatal(err)
		}
	}
	create := func(c pulumirpc.ResourceProviderClient, name string) {
		if _, err := c.Create(ctx, &pulumirpc.CreateRequest{Urn: vpcURN + "-" + name, Properties: vpcInputs(t, name)}); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	a, b, plain := dial(), dial(), dial()
	configure(a, "key-a")
	configure(b, "key-b")
	create(a, "a1")
	create(plain, "p1")
	create(a, "a2")
	create(b, "b1")
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(asked, ",") != "key-a,key-b" {
		t.Errorf("registries made for keys %v, want key-a then key-b, once each", asked)
	}
	if fake.Count("vpc") != 4 {
		t.Errorf("%d VPCs, want 4", fake.Count("vpc"))
	}
}
