// Package engine deploys a topology's stack graph for real, through the
// Pulumi Automation API: preview, up, refresh and destroy over the DAG of
// stacks (landing zones, then every region in parallel, then global), with
// the outputs of each stack fed to the stacks that depend on it as Go
// values. Each stack gets an inline-program workspace of its own, so
// workspaces never race on shared files.
//
// With WithSimulator the same engine runs against provider/sim's simulated
// clouds: real CLI, real file-backend state and real diffs, no account.
//
// A typical caller:
//
//	e, err := engine.New(ctx, spec, engine.WithPassphrase(p), engine.WithProgress(view.Event))
//	defer e.Close()
//	res, err := e.Up(ctx)
package engine

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"infra/model"
	"infra/network"
	"infra/provider"
	"infra/stacks"
	"infra/topology"
)

// Environment variables the engine's callers read (see PassphraseFrom and
// BackendFor).
const (
	EnvPassphrase       = "INFRA_PASSPHRASE"
	EnvPulumiPassphrase = "PULUMI_CONFIG_PASSPHRASE"
	EnvBackend          = "INFRA_BACKEND"
)

// OverlayOutput is the output in which every regional stack in the mesh
// records its gateway's overlay address. Like the "cidr" output, it pins the
// allocation: the next run reads both back and hands them to network, so a
// region keeps its addresses whatever is added around it.
const OverlayOutput = "meshOverlay"

// OverlaySitesOutput is OverlayOutput of a regional stack whose gateways
// are per zone (network.PerZone): each gateway's address by site ID.
const OverlaySitesOutput = "meshOverlays"

// CIDROutput is the regional stacks' output of their network's range.
const CIDROutput = "cidr"

// BackendFor resolves the backend URL: override when set (a relative
// file:// path is taken from the working directory), else the spec's (a
// relative file:// path is taken from the spec's directory), made absolute.
func BackendFor(spec *topology.Spec, override string) (string, error) {
	url := override
	if url == "" {
		url = spec.BackendURL()
	}
	if url == "" {
		url = topology.DefaultBackend
	}
	const scheme = "file://"
	if p, ok := strings.CutPrefix(url, scheme); ok {
		if strings.HasPrefix(p, "~") {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", err
			}
			p = filepath.Join(home, strings.TrimPrefix(p, "~"))
		}
		// spec.BackendURL has already joined a relative path to the spec's
		// directory; what is left relative is relative to here.
		abs, err := filepath.Abs(p)
		if err != nil {
			return "", err
		}
		url = scheme + abs
	}
	return url, nil
}

// Engine runs operations over one topology's stack graph.
type Engine struct {
	spec    *topology.Spec
	graph   *stacks.Graph
	set     settings
	cli     *CLI
	cmd     *command
	project string
	backend string
	root    string // per-run directory: work dirs, PULUMI_HOME of simulations
	env     map[string]string

	// deployed holds what the backend had when New looked: the stacks
	// that exist, with their outputs.
	deployed map[string]*deployed
	// orphans are the stacks the backend held, when New looked, that the
	// topology does not have (see orphan.go).
	orphans []string
	// sidecars are the damaged metadata files New removed, by stack.
	sidecars map[string][]string

	mu        sync.Mutex
	workspace map[string]auto.Stack // by stack name, made on first use
	emitMu    sync.Mutex

	// bundle is set while a run saves or applies a plan bundle, and
	// refused names the stale stacks it must not run (see bundle.go).
	bundle  *bundleRun
	refused map[string]bool

	// inputs are the digests of the stacks' offline plans, made once, for
	// the InputsTag an up records (see changed.go).
	inputsOnce sync.Once
	// routeClear are the Hetzner routes an up deletes first, by stack,
	// and routeErr why they could not be listed (see routes.go).
	routeClear map[string][]string
	routeErr   error
	inputs     map[string]string
	inputsErr  error
}

// deployed is a stack as the backend holds it.
type deployed struct {
	Outputs stacks.Outputs
	// Resources counts the resources in state, without the stack resource
	// and providers.
	Resources int
	// Pending lists the operations a previous run left unfinished (it was
	// killed while they ran).
	Pending []PendingOperation
	// Damaged is set when pulumi cannot read the stack's checkpoint.
	Damaged *DamagedError
	// PSKs are the values of the stack's pre-shared keys, by resource name.
	PSKs map[string]string
	// State lists the resources in state, in state order (providers and
	// the stack resource left out).
	State []stateResource
	// Providers are the explicit providers in state.
	Providers []stateResource
	// SecretsProvider is the stack's secrets provider (see providerOf).
	SecretsProvider string
	// SecretsKey is the stack's data key as its key service encrypted it
	// (a key-service provider's encryptedkey).
	SecretsKey string
	// Digest fingerprints the checkpoint's resources (see stateDigest).
	Digest string
}

// stateResource is one resource of a stack's state.
type stateResource struct {
	URN, Type, Name string
	// Provider is the logical name of an explicit provider; Inputs the
	// non-secret inputs (what a cost estimate of the deployment reads).
	Provider string
	Inputs   map[string]any
}

// New prepares an engine for spec: it finds the CLI, reads what the backend
// holds and builds the stack graph, pinning the addresses already deployed.
// Nothing is changed until an operation runs, though reading a file backend
// creates its directory.
func New(ctx context.Context, spec *topology.Spec, opts ...Option) (*Engine, error) {
	set := settings{parallel: 10, env: map[string]string{}}
	for _, o := range opts {
		o(&set)
	}
	provider, err := ParseSecretsProvider(set.secretsProvider)
	if err != nil {
		return nil, err
	}
	set.secretsProvider = provider
	if set.passphrase == "" && IsPassphrase(provider) {
		return nil, ErrNoPassphrase
	}
	if set.parallel < 1 {
		return nil, fmt.Errorf("parallel must be at least 1, not %d", set.parallel)
	}
	backend, err := BackendFor(spec, set.backend)
	if err != nil {
		return nil, err
	}
	m := set.model
	if m == nil || m.Spec != spec {
		if m, err = model.Derive(spec); err != nil {
			return nil, err
		}
	}
	g, err := stacks.New(m)
	if err != nil {
		return nil, err
	}
	cli, err := FindCLI(ctx, set.cli)
	if err != nil {
		return nil, err
	}
	var sidecars map[string][]string
	if p, ok := strings.CutPrefix(backend, "file://"); ok {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, fmt.Errorf("backend %s: %w", backend, err)
		}
		if sidecars, err = repairSidecars(p, spec.Name); err != nil {
			return nil, err
		}
	}
	cleanStaleRoots(os.TempDir())
	root, err := os.MkdirTemp("", rootPrefix())
	if err != nil {
		return nil, err
	}
	e := &Engine{
		spec: spec, set: set, cli: cli, project: spec.Name, backend: backend, root: root,
		workspace: map[string]auto.Stack{}, deployed: map[string]*deployed{}, sidecars: sidecars,
	}
	e.env = map[string]string{
		"PULUMI_SKIP_UPDATE_CHECK": "true",
		"PULUMI_BACKEND_URL":       pulumiBackendURL(backend),
	}
	if set.passphrase != "" {
		// It wins over PULUMI_CONFIG_PASSPHRASE_FILE in the environment.
		e.env["PULUMI_CONFIG_PASSPHRASE"] = set.passphrase
	}
	logDir := set.logDir
	if logDir == "" && spec.File != "" {
		if abs, err := filepath.Abs(spec.File); err == nil {
			logDir = filepath.Join(filepath.Dir(abs), ".infra", "logs")
		}
	}
	e.cmd = &command{cli: cli, abort: set.abort, root: root,
		log: newRunLog(logDir, set.logLevel, set.logStream, time.Now())}
	if set.sim != nil {
		for k, v := range set.sim.Env() {
			e.env[k] = v
		}
		// A private home: no plugin, credential or setting of the user's
		// is read or written by a simulation.
		set.pulumiHome = filepath.Join(root, "pulumi-home")
	} else {
		// The engine runs this binary as the infra provider plugin.
		dir, err := pluginDir(root)
		if err != nil {
			e.Close()
			return nil, err
		}
		e.cmd.path = []string{dir}
	}
	if set.pulumiHome != "" {
		e.env["PULUMI_HOME"] = set.pulumiHome
	}
	for k, v := range set.env {
		e.env[k] = v
	}
	e.set = set
	if err := e.readDeployed(ctx, g.Names()); err != nil {
		e.Close()
		return nil, e.secretsError(err)
	}
	for _, name := range set.only {
		if g.Stack(name) == nil && !e.isOrphan(name) {
			e.Close()
			return nil, fmt.Errorf("%w %q in %s; the stacks are: %s", ErrNoStack, name, spec.File, strings.Join(append(g.Names(), e.orphans...), ", "))
		}
	}
	// The addresses already deployed are kept whatever the spec now
	// allocates; a model that places them so already is used as it is.
	if cidrs, overlays := e.pins(); !m.Pinned(cidrs, overlays) {
		if m, err = model.Derive(spec, network.WithPrevious(cidrs, overlays)); err != nil {
			e.Close()
			return nil, err
		}
		if g, err = stacks.New(m); err != nil {
			e.Close()
			return nil, err
		}
	}
	e.graph = g
	return e, nil
}

// pluginDir makes a directory holding pulumi-resource-infra, a link to the
// running executable, for the CLI's PATH.
func pluginDir(root string) (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the infra executable for its provider plugin: %w", err)
	}
	if exe, err = filepath.EvalSymlinks(exe); err != nil {
		return "", err
	}
	dir := filepath.Join(root, "plugins")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	if err := os.Symlink(exe, filepath.Join(dir, provider.PluginName)); err != nil {
		return "", err
	}
	return dir, nil
}

// pins reads the allocations already deployed from the regional stacks'
// outputs.
func (e *Engine) pins() (map[string]netip.Prefix, map[string]netip.Addr) {
	cidrs, overlays := map[string]netip.Prefix{}, map[string]netip.Addr{}
	for _, r := range e.spec.Regions() {
		d := e.deployed[r.ID()]
		if d == nil {
			continue
		}
		if s, ok := d.Outputs[CIDROutput].Value.(string); ok {
			if p, err := netip.ParsePrefix(s); err == nil {
				cidrs[r.ID()] = p
			}
		}
		if s, ok := d.Outputs[OverlayOutput].Value.(string); ok {
			if a, err := netip.ParseAddr(s); err == nil {
				overlays[r.ID()] = a
			}
		}
		if m, ok := d.Outputs[OverlaySitesOutput].Value.(map[string]any); ok {
			for id, v := range m {
				if s, ok := v.(string); ok {
					if a, err := netip.ParseAddr(s); err == nil {
						overlays[id] = a
					}
				}
			}
		}
	}
	return cidrs, overlays
}

// Close closes the run's logs and removes the engine's temporary files.
// Call it after the last run.
func (e *Engine) Close() error {
	e.cmd.log.Close()
	return os.RemoveAll(e.root)
}

// LogDir is the directory of this run's logs, one file per stack; it
// exists once a CLI call has written to it.
func (e *Engine) LogDir() string { return e.cmd.log.dir() }

// Graph is the stack graph, with deployed addresses pinned.
func (e *Engine) Graph() *stacks.Graph { return e.graph }

// Backend is the backend URL in use.
func (e *Engine) Backend() string { return e.backend }

// Simulated reports whether the engine runs on the simulator.
func (e *Engine) Simulated() bool { return e.set.sim != nil }

// CLI is the pulumi CLI in use.
func (e *Engine) CLI() *CLI { return e.cli }

// Deployed reports whether the stack exists in the backend (as of New or
// the last run that made it), and how many resources it holds.
func (e *Engine) Deployed(name string) (resources int, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d, ok := e.deployed[name]
	if !ok {
		return 0, false
	}
	return d.count(), true
}

// count is how many resources a run counts in the stack: the resources and
// the explicit providers, as the plan and the runs' summaries count them
// (stepOf leaves out only the stack resource and default providers).
func (d *deployed) count() int {
	n := d.Resources
	for _, p := range d.Providers {
		if !strings.HasPrefix(p.Name, "default") {
			n++
		}
	}
	return n
}

// CLIStats reports how many times the engine ran the pulumi CLI and for how
// long in all: the engine's fixed cost.
func (e *Engine) CLIStats() (calls int, spent time.Duration) {
	return int(e.cmd.calls.Load()), time.Duration(e.cmd.spent.Load())
}

// Outputs returns the deployed outputs of every stack (of the selected ones
// with WithStacks), in graph order; stacks never deployed are Absent.
func (e *Engine) Outputs() *Result {
	res := e.newResult(Operation("outputs"))
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, r := range res.Stacks {
		if d, ok := e.deployed[r.Name]; ok && d.Damaged != nil {
			r.Status, r.Err = Failed, d.Damaged
		} else if ok {
			r.Status, r.Outputs, r.Unchanged = Succeeded, d.Outputs, d.count()
		} else {
			r.Status = Absent
		}
	}
	return res
}

// selected lists the stacks a run covers, in graph order, then the
// orphans still in the backend.
func (e *Engine) selected() []*stacks.Stack {
	var out []*stacks.Stack
	for _, s := range e.graph.Stacks {
		if len(e.set.only) == 0 || slices.Contains(e.set.only, s.Name) {
			out = append(out, s)
		}
	}
	for _, name := range e.Orphans() {
		if len(e.set.only) == 0 || slices.Contains(e.set.only, name) {
			out = append(out, orphanStack(name))
		}
	}
	return out
}

func (e *Engine) newResult(op Operation) *Result {
	res := &Result{Operation: op, Project: e.project, Backend: e.backend, Simulated: e.Simulated()}
	for _, s := range e.selected() {
		r := &StackResult{Name: s.Name, Kind: s.Kind, Cloud: string(s.Cloud), DependsOn: s.DependsOn,
			Status: Pending, Changes: map[Change]int{}, Removed: e.isOrphan(s.Name)}
		if s.Region != nil {
			r.Region, r.Environment = s.Region.Name, s.Region.Environment
		}
		e.mu.Lock()
		d := e.deployed[s.Name]
		e.mu.Unlock()
		if d != nil && (op == Preview || op == "outputs") {
			// Runs that write the stack resolve them, and say so.
			r.Diagnostics = pendingWarnings(s.Name, d.Pending)
		}
		r.Diagnostics = append(sidecarWarnings(s.Name, e.sidecars[s.Name]), r.Diagnostics...)
		res.Stacks = append(res.Stacks, r)
	}
	return res
}

// stopping reports whether the run was asked to stop, gracefully or at
// once: no stack or operation starts after that.
func (e *Engine) stopping(ctx context.Context) bool {
	return closed(e.set.stop) || e.aborting(ctx)
}

// aborting reports whether the run was asked to stop at once.
func (e *Engine) aborting(ctx context.Context) bool {
	return closed(e.set.abort) || ctx.Err() != nil
}

// closed reports whether ch is closed; a nil channel never is.
func closed(ch <-chan struct{}) bool {
	if ch == nil {
		return false
	}
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func (e *Engine) emit(ev Event) {
	if e.set.progress == nil {
		return
	}
	e.emitMu.Lock()
	defer e.emitMu.Unlock()
	e.set.progress(ev)
}
