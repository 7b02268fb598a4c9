package engine

import (
	"errors"
	"io"

	"infra/model"
)

// An Option configures an Engine, in the manner of Pulumi's optup.
type Option func(*settings)

type settings struct {
	parallel   int
	progress   func(Event)
	sim        Simulator
	model      *model.Model
	backend    string
	passphrase string
	// passphraseSource names the setting the passphrase came from.
	passphraseSource string
	// secretsProvider is the provider of new stacks; "" is passphrase.
	secretsProvider string
	cli             string
	pulumiHome      string
	env             map[string]string
	stop            <-chan struct{}
	abort           <-chan struct{}
	only            []string
	logLevel        LogLevel
	logStream       io.Writer
	logDir          string
}

// resourceParallel bounds the resource operations pulumi runs at once in
// one stack. pulumi's own default is four per CPU (pkg/cmd/pulumi/operations
// up.go defaultParallel), so a stack on a 2-core runner had 8 slots: with
// more ready resources than that, a slow create (a cluster, an hour-long
// one in the tests) held back resources that did not depend on it, and a
// run behaved differently from one machine to the next. The operations
// wait on cloud APIs, not on the CPU, so the bound is fixed, above the
// ready resources of any stack infra generates.
const resourceParallel = 64

// WithParallel bounds how many stacks run at once (default 10).
func WithParallel(n int) Option { return func(s *settings) { s.parallel = n } }

// WithProgress calls fn with every event of every run, one at a time.
func WithProgress(fn func(Event)) Option { return func(s *settings) { s.progress = fn } }

// Simulator is what the engine needs of a set of simulated clouds
// (provider/sim's Server is one): the environment under which the pulumi
// CLI attaches to its providers instead of real ones.
type Simulator interface {
	// Env holds PULUMI_DEBUG_PROVIDERS, the providers' addresses, and
	// turns plugin downloads off.
	Env() map[string]string
}

// WithSimulator runs against srv's simulated clouds: the engine attaches to
// its providers through the environment srv gives (PULUMI_DEBUG_PROVIDERS,
// plugin downloads turned off) and a private PULUMI_HOME. The caller closes
// srv after the Engine.
func WithSimulator(srv Simulator) Option { return func(s *settings) { s.sim = srv } }

// WithModel gives the engine the model the command already derived from the
// spec, so it derives none of its own unless the deployed allocations pin
// the addresses elsewhere. m.Spec must be New's spec.
func WithModel(m *model.Model) Option { return func(s *settings) { s.model = m } }

// WithBackend sets the Pulumi backend URL (default: the spec's, which
// defaults to file://<topology dir>/.infra/state).
func WithBackend(url string) Option { return func(s *settings) { s.backend = url } }

// WithPassphrase sets the passphrase of the secrets provider. It is
// required with the passphrase provider (the default): without one New
// fails before touching anything. With a key service, stacks still
// encrypted with a passphrase need it.
func WithPassphrase(p string) Option { return func(s *settings) { s.passphrase = p } }

// WithPulumi uses the pulumi CLI at path instead of looking for one.
func WithPulumi(path string) Option { return func(s *settings) { s.cli = path } }

// WithEnv adds environment variables for the CLI and the providers it runs,
// such as cloud credentials.
func WithEnv(env map[string]string) Option {
	return func(s *settings) {
		for k, v := range env {
			s.env[k] = v
		}
	}
}

// WithStop makes a run stop gracefully when ch closes (a first Ctrl-C): no
// stack starts after that, and each stack in flight starts no new resource
// operation, lets the ones in flight finish and records them in its state
// (pulumi's own cancel), then ends Canceled. Stacks that never started end
// NotStarted. The context stays live meanwhile, so what finished is read
// back.
func WithStop(ch <-chan struct{}) Option { return func(s *settings) { s.stop = ch } }

// WithAbort makes a run stop at once when ch closes (a second Ctrl-C):
// every pulumi in flight is terminated, leaving what it was doing
// unfinished (pending operations in the state, which a rerun resolves), and
// killed if it does not exit. Cancelling the context does the same.
func WithAbort(ch <-chan struct{}) Option { return func(s *settings) { s.abort = ch } }

// WithStacks limits runs to the named stacks. The outputs of the stacks
// they depend on are read from the backend.
func WithStacks(names ...string) Option {
	return func(s *settings) { s.only = append(s.only, names...) }
}

// ErrNoStack is returned by New when WithStacks names a stack the graph
// does not have.
var ErrNoStack = errors.New("no stack")

// WithLog streams every pulumi call's output to w at level LogVerbose and
// above (LogDebug also turns on pulumi's own verbosity). Whatever the level,
// each stack's full CLI output goes to its log file (see WithLogDir).
func WithLog(level LogLevel, w io.Writer) Option {
	return func(s *settings) { s.logLevel, s.logStream = level, w }
}

// WithLogDir sets the directory of the run logs (default: .infra/logs
// beside the topology file); each run writes <dir>/<run id>/<stack>.log.
func WithLogDir(dir string) Option { return func(s *settings) { s.logDir = dir } }

// ErrNoPassphrase is returned by New without a passphrase.
var ErrNoPassphrase = errors.New("no passphrase for the secrets provider: set " + EnvPassphrase +
	" or " + EnvPassphraseFile + " (or " + EnvPulumiPassphrase + "); it encrypts WireGuard keys and tokens in the state, so keep it somewhere safe — the same one every run")
