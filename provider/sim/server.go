// Package sim is a simulated cloud behind the Pulumi resource provider
// protocol. It lets the real Pulumi engine preview, deploy, refresh and
// destroy stacks of aws, hcloud, ovh and infra resources with no cloud
// account: the engine attaches to the simulated providers through
// PULUMI_DEBUG_PROVIDERS instead of launching provider plugins.
//
// Outputs are deterministic: a resource's outputs are its inputs plus
// computed fields (documentation IP addresses, *.sim.invalid host names,
// ARNs, CRNs) derived from a hash of its URN. Faults and latency can be
// injected, and the simulated world (Cloud) can be inspected and changed
// behind the engine's back to simulate drift.
//
// A typical caller:
//
//	opts, err := sim.FromEnv(os.Getenv)
//	srv, err := sim.Start(opts...)
//	defer srv.Close()
//	ws, err := auto.NewLocalWorkspace(ctx, auto.EnvVars(srv.Env()), ...)
package sim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// An Option configures a Server.
type Option func(*settings)

type settings struct {
	cloud    *Cloud
	fail     []string
	latency  time.Duration
	packages map[string]string // package name → version reported to the engine
	seeds    []Seed
}

// WithCloud makes the Server act on c instead of a new, empty Cloud. Servers
// that share a Cloud share one simulated world, for example a first run with
// a fault and a rerun without it.
func WithCloud(c *Cloud) Option {
	return func(s *settings) { s.cloud = c }
}

// WithFail makes Create and Update fail for every resource whose type token
// or name matches one of the globs ('*' matches any run of characters, so
// "aws:ec2/*" and "web-*" both work). Previews still succeed: the fault is
// in the cloud, not in the plan.
func WithFail(globs ...string) Option {
	return func(s *settings) { s.fail = append(s.fail, globs...) }
}

// WithLatency delays every Create, Update, Delete and Read that touches the
// simulated cloud by d, as a slow cloud API would.
func WithLatency(d time.Duration) Option {
	return func(s *settings) { s.latency = d }
}

// WithPackage serves one more Pulumi package, or changes the version
// reported for one already served. The engine warns when a provider reports
// a lower version than the program's SDK asked for.
func WithPackage(name, version string) Option {
	return func(s *settings) { s.packages[name] = strings.TrimPrefix(version, "v") }
}

// Environment variables read by FromEnv.
const (
	// EnvFail holds comma-separated globs for WithFail.
	EnvFail = "INFRA_SIM_FAIL"
	// EnvLatency holds a Go duration for WithLatency, such as "250ms".
	EnvLatency = "INFRA_SIM_LATENCY"
)

// FromEnv returns the options that INFRA_SIM_FAIL, INFRA_SIM_LATENCY and
// INFRA_SIM_SEED ask for, read through getenv (os.Getenv, or a fake in
// tests).
func FromEnv(getenv func(string) string) ([]Option, error) {
	var opts []Option
	if v := strings.TrimSpace(getenv(EnvFail)); v != "" {
		var globs []string
		for g := range strings.SplitSeq(v, ",") {
			if g = strings.TrimSpace(g); g != "" {
				globs = append(globs, g)
			}
		}
		opts = append(opts, WithFail(globs...))
	}
	if v := strings.TrimSpace(getenv(EnvLatency)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("%s=%q: want a non-negative duration such as 250ms", EnvLatency, v)
		}
		opts = append(opts, WithLatency(d))
	}
	if path := strings.TrimSpace(getenv(EnvSeed)); path != "" {
		seeds, err := LoadSeeds(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", EnvSeed, err)
		}
		opts = append(opts, WithSeeds(seeds...))
	}
	return opts, nil
}

// defaultPackages are the packages every Server serves. Each reports the
// version of its SDK linked into this binary, because the SDKs ask the
// engine for exactly that version; the numbers here are the fallbacks when
// the SDK is not linked in.
var defaultPackages = map[string]struct{ module, version string }{
	"aws":    {"github.com/pulumi/pulumi-aws/sdk/v6", "6.83.4"},
	"hcloud": {"github.com/pulumi/pulumi-hcloud/sdk", "1.41.0"},
	"ovh":    {"github.com/ovh/pulumi-ovh/sdk/v2", "2.17.0"},
	"infra":  {"", "0.1.0"},
}

// Server serves the simulated providers on loopback ports, one per package.
// A port per package, rather than one for all, is what lets GetPluginInfo
// report each package's own version: the engine asks for it before it says
// which package it wants.
type Server struct {
	cloud   *Cloud
	fail    []string
	latency time.Duration

	servers []*grpc.Server
	ports   map[string]int // package → port

	closed   chan struct{}
	stopOnce sync.Once
}

// Start serves the simulated providers until Close.
func Start(opts ...Option) (*Server, error) {
	set := settings{packages: map[string]string{}}
	for name, p := range defaultPackages {
		set.packages[name] = linkedVersion(p.module, p.version)
	}
	for _, o := range opts {
		o(&set)
	}
	if set.cloud == nil {
		set.cloud = NewCloud()
	}
	set.cloud.seed(set.seeds)
	s := &Server{
		cloud:   set.cloud,
		fail:    set.fail,
		latency: set.latency,
		ports:   map[string]int{},
		closed:  make(chan struct{}),
	}
	for name, version := range set.packages {
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("sim: listen for %s: %w", name, err)
		}
		g := grpc.NewServer(
			grpc.StatsHandler(connections{}),
			grpc.MaxRecvMsgSize(maxMessage),
			grpc.MaxSendMsgSize(maxMessage),
		)
		pulumirpc.RegisterResourceProviderServer(g, &provider{pkg: name, version: version, srv: s})
		s.servers = append(s.servers, g)
		s.ports[name] = lis.Addr().(*net.TCPAddr).Port
		go func() { _ = g.Serve(lis) }()
	}
	return s, nil
}

// maxMessage matches the limit the engine sets for provider messages, so
// large property maps pass both ways.
const maxMessage = 400 * 1024 * 1024

// Cloud returns the simulated world the Server acts on.
func (s *Server) Cloud() *Cloud { return s.cloud }

// DebugProviders returns the value for PULUMI_DEBUG_PROVIDERS, such as
// "aws:40123,hcloud:40125,infra:40127,ovh:40129".
func (s *Server) DebugProviders() string {
	names := make([]string, 0, len(s.ports))
	for name := range s.ports {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%s:%d", name, s.ports[name])
	}
	return strings.Join(parts, ",")
}

// Env returns the environment the pulumi CLI needs to use the simulator
// (pass it to auto.EnvVars). Besides PULUMI_DEBUG_PROVIDERS it turns off
// plugin acquisition: otherwise every operation after the first reads the
// provider versions from the state and tries to download those plugins,
// which costs seconds here and fails.
func (s *Server) Env() map[string]string {
	return map[string]string{
		"PULUMI_DEBUG_PROVIDERS":                      s.DebugProviders(),
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
	}
}

// Close stops serving. Calls in flight are abandoned, so stop the engine
// first.
func (s *Server) Close() error {
	s.stopOnce.Do(func() {
		close(s.closed)
		for _, g := range s.servers {
			g.Stop()
		}
	})
	return nil
}

// failing reports whether a fault was injected for this resource.
func (s *Server) failing(typ, name string) bool {
	for _, g := range s.fail {
		if glob(g, typ) || glob(g, name) {
			return true
		}
	}
	return false
}

// errCanceled is returned by calls cut short by Cancel or Close.
var errCanceled = errors.New("sim: operation canceled")

// wait simulates the cloud's latency. It returns early, with errCanceled,
// when the engine cancels the call or the connection or the Server closes,
// so an interrupted deployment does not sit out every delay.
func (s *Server) wait(ctx context.Context) error {
	if s.latency <= 0 {
		return nil
	}
	t := time.NewTimer(s.latency)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-connOf(ctx).canceled:
		return errCanceled
	case <-s.closed:
		return errCanceled
	case <-ctx.Done():
		return errCanceled
	}
}

// linkedVersion returns the version of module linked into the running
// binary, without its "v", or def when it is not linked in.
func linkedVersion(module, def string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok || module == "" {
		return def
	}
	for _, m := range info.Deps {
		if m.Path == module {
			if m.Replace != nil {
				m = m.Replace
			}
			if v := strings.TrimPrefix(m.Version, "v"); v != "" && v != "(devel)" {
				return strings.TrimSuffix(v, "+incompatible")
			}
		}
	}
	return def
}
