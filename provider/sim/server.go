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
	"maps"
	"net"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// An Option configures a Server.
type Option func(*settings)

type settings struct {
	cloud    *Cloud
	fail     []string
	hold     []string
	hooks    []func(context.Context, Call) error
	latency  time.Duration
	packages map[string]string // package name → version reported to the engine
	seeds    []Seed
}

// Call is an operation that reached the simulated cloud: a Create, Update,
// Delete or Read outside a preview.
type Call struct {
	// Op is "create", "update", "delete" or "read".
	Op  string
	URN resource.URN
	// Held is set when the call waits for the engine's cancel (WithHold)
	// once the hooks have run.
	Held bool
}

// WithHook calls fn with every operation that reaches the simulated cloud,
// before its hold and latency. The call is in flight while fn runs, so fn
// can tell a test that an operation is under way, or block to keep it open;
// ctx ends when the engine drops the call. An error from fn fails the call.
// Hooks run one after another, in the order given.
func WithHook(fn func(ctx context.Context, c Call) error) Option {
	return func(s *settings) { s.hooks = append(s.hooks, fn) }
}

// WithHold keeps every Create, Update and Delete of a resource whose type
// token or name matches a glob in flight until the engine cancels: the
// graceful stop of an interrupted pulumi, which calls every provider's
// Cancel. The operation then completes as usual, as an operation in flight
// at a Ctrl-C does. It also ends, failing, when the engine drops the call (a
// stop at once, a killed pulumi).
func WithHold(globs ...string) Option {
	return func(s *settings) { s.hold = append(s.hold, globs...) }
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

// Environment variables read by FromEnv.
const (
	// EnvFail holds comma-separated globs for WithFail.
	EnvFail = "INFRA_SIM_FAIL"
	// EnvLatency holds a Go duration for WithLatency, such as "250ms".
	EnvLatency = "INFRA_SIM_LATENCY"
	// EnvHold holds comma-separated globs for WithHold.
	EnvHold = "INFRA_SIM_HOLD"
)

// FromEnv returns the options that INFRA_SIM_FAIL, INFRA_SIM_HOLD,
// INFRA_SIM_LATENCY and INFRA_SIM_SEED ask for, read through getenv (os.Getenv, or a fake in
// tests).
func FromEnv(getenv func(string) string) ([]Option, error) {
	var opts []Option
	if globs := globList(getenv(EnvFail)); len(globs) > 0 {
		opts = append(opts, WithFail(globs...))
	}
	if globs := globList(getenv(EnvHold)); len(globs) > 0 {
		opts = append(opts, WithHold(globs...))
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

// globList splits a comma-separated list of globs.
func globList(v string) []string {
	var globs []string
	for g := range strings.SplitSeq(v, ",") {
		if g = strings.TrimSpace(g); g != "" {
			globs = append(globs, g)
		}
	}
	return globs
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
	hold    []string
	hooks   []func(context.Context, Call) error
	latency time.Duration
	// after is time.After; tests count the latency through a fake.
	after func(time.Duration) <-chan time.Time

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
		hold:    set.hold,
		hooks:   set.hooks,
		latency: set.latency,
		after:   time.After,
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
	names := slices.Sorted(maps.Keys(s.ports))
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
	return matches(s.fail, typ, name)
}

func matches(globs []string, typ, name string) bool {
	for _, g := range globs {
		if glob(g, typ) || glob(g, name) {
			return true
		}
	}
	return false
}

// errCanceled is returned by calls the engine dropped, or cut short by
// Close.
var errCanceled = errors.New("sim: operation canceled")

// wait is an operation reaching the cloud: it runs the hooks, holds the call
// (WithHold) and simulates the cloud's latency. Only the engine dropping the
// call (its context) or Close cuts it short, with errCanceled: the
// providers' Cancel does not, because the Terraform-bridged providers
// (aws, hcloud, ovh) ignore it and finish the operations in flight
// (pulumi-terraform-bridge pkg/tfbridge/provider.go: "Cancel requests that
// the provider cancel all ongoing RPCs. For TF, this is a no-op."), and so
// does infra's own provider (provider/server.go Cancel).
func (s *Server) wait(ctx context.Context, op string, urn resource.URN) error {
	c := Call{Op: op, URN: urn, Held: op != "read" && matches(s.hold, string(urn.Type()), urn.Name())}
	for _, h := range s.hooks {
		if err := h(ctx, c); err != nil {
			return err
		}
	}
	if c.Held {
		select {
		case <-connOf(ctx).canceled:
		case <-s.closed:
			return errCanceled
		case <-ctx.Done():
			return errCanceled
		}
	}
	if s.latency <= 0 {
		return nil
	}
	select {
	case <-s.after(s.latency):
		return nil
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
