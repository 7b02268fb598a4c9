//go:build fakeibm

package provider

import (
	"fmt"
	"net"
	"strings"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"infra/provider/ibm"
	"infra/provider/ibm/fakeibm"
)

// FakeIBMBuilt is true: this binary holds the fake IBM Cloud.
const FakeIBMBuilt = true

// FakeIBM is infra's provider serving the IBM types against a fake IBM
// Cloud, and passing infra's other types on to the simulator.
type FakeIBM struct {
	// Cloud is the fake IBM Cloud, for inspection and fault injection.
	Cloud *fakeibm.Server
	port  int
	sim   string
	g     *grpc.Server
	conn  *grpc.ClientConn
}

// FakePoll is how often the fake mode polls readiness: the fake moves on
// a state per read, so there is nothing to wait for.
var FakePoll = ibm.Backoff{Base: 5 * time.Millisecond, Max: 20 * time.Millisecond}

// StartFakeIBM starts a fake IBM Cloud and serves infra's provider against
// it on a loopback port. simProviders is the simulator's
// PULUMI_DEBUG_PROVIDERS value, whose infra entry serves the other infra
// types.
func StartFakeIBM(simProviders string) (*FakeIBM, error) {
	simInfra := ""
	for _, p := range strings.Split(simProviders, ",") {
		if name, port, ok := strings.Cut(p, ":"); ok && name == "infra" {
			simInfra = "127.0.0.1:" + port
		}
	}
	if simInfra == "" {
		return nil, fmt.Errorf("fake IBM: the simulator serves no infra package (%q)", simProviders)
	}
	cloud := fakeibm.New()
	env := cloud.Env()
	cfg, err := ibm.ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		cloud.Close()
		return nil, err
	}
	cfg.Poll = FakePoll
	reg, err := ibm.New(cfg)
	if err != nil {
		cloud.Close()
		return nil, err
	}
	// A provider instance configured with another key (a deployer's)
	// acts as that key's identity in the fake cloud. The fake cloud lives
	// as long as this process, so a key an earlier run's cloud issued (in
	// the state of a stack that run deployed) is one this cloud never saw,
	// and IAM would refuse it: that instance acts as the administrator.
	forKey := func(key string) (ibm.Registry, error) {
		c := cfg
		if cloud.KnowsAPIKey(key) {
			c.APIKey = key
		}
		return ibm.New(c)
	}
	conn, err := grpc.NewClient(simInfra, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage)))
	if err != nil {
		cloud.Close()
		return nil, err
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		conn.Close()
		cloud.Close()
		return nil, err
	}
	g := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage))
	pulumirpc.RegisterResourceProviderServer(g, NewServer(WithRegistry(reg), WithRegistryFor(forKey), WithNext(pulumirpc.NewResourceProviderClient(conn))))
	go func() { _ = g.Serve(lis) }()
	return &FakeIBM{Cloud: cloud, port: lis.Addr().(*net.TCPAddr).Port, sim: simProviders, g: g, conn: conn}, nil
}

// DebugProviders is the simulator's PULUMI_DEBUG_PROVIDERS with the infra
// package pointing here.
func (f *FakeIBM) DebugProviders() string {
	parts := strings.Split(f.sim, ",")
	for i, p := range parts {
		if name, _, _ := strings.Cut(p, ":"); name == "infra" {
			parts[i] = fmt.Sprintf("infra:%d", f.port)
		}
	}
	return strings.Join(parts, ",")
}

// Close stops serving and drops the fake cloud.
func (f *FakeIBM) Close() {
	f.g.Stop()
	f.conn.Close()
	f.Cloud.Close()
}
