package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"

	"infra/plan"
	"infra/stacks"
	"infra/topology"
)

// A reviewed plan bundle is one file for the whole stack graph: for every
// stack, the steps a preview planned, Pulumi's update plan of that preview,
// and fingerprints of what the preview started from (the stack's state, its
// program's inputs, the upstream outputs it read). ApplyBundle deploys
// exactly those steps, and refuses, before it touches anything, a stack
// whose starting point moved since the review.
//
// Why fingerprints of our own: a Pulumi update plan (`pulumi preview
// --save-plan`, `pulumi up --plan`) constrains the goals the program may
// register, but it does not record the state it was made against, so a plan
// applies cleanly over out-of-band changes and over another update that ran
// in between (pkg/engine/plan.go checks goals, not the base snapshot;
// v3.259.0).

// BundleFormat is the version of the bundle's file format.
const BundleFormat = 1

// Bundle is a reviewed plan of the whole graph.
type Bundle struct {
	Format int `json:"format"`
	// Infra and Pulumi are the versions that made it.
	Infra  string `json:"infraVersion"`
	Pulumi string `json:"pulumiVersion"`
	// Project is the topology's name.
	Project string `json:"project"`
	// Topology is the topology file, and TopologyDigest the sha256 of the
	// whole offline plan (its content, not the file's bytes).
	Topology       string `json:"topology,omitempty"`
	TopologyDigest string `json:"topologyDigest"`
	Simulated      bool   `json:"simulated"`
	// Stacks in graph order: those the preview covered.
	Stacks []*BundleStack `json:"stacks"`
}

// BundleStack is one stack of a bundle.
type BundleStack struct {
	Name      string      `json:"name"`
	Kind      stacks.Kind `json:"kind"`
	Cloud     string      `json:"cloud,omitempty"`
	DependsOn []string    `json:"dependsOn,omitempty"`
	// Removed marks a stack the topology no longer has: applying deletes it.
	Removed bool `json:"removed,omitempty"`
	// State fingerprints the checkpoint the preview started from.
	State StateFingerprint `json:"state"`
	// Inputs is the sha256 of the stack's offline plan (every resource's
	// inputs, secrets redacted): the program's inputs.
	Inputs string `json:"inputs,omitempty"`
	// Upstream is the sha256 of the upstream outputs the preview ran with.
	Upstream string `json:"upstream,omitempty"`
	// What the preview planned.
	Changes        map[Change]int        `json:"changes"`
	Unchanged      int                   `json:"unchanged"`
	OutputsChanged bool                  `json:"outputsChanged,omitempty"`
	Steps          []Step                `json:"steps,omitempty"`
	Diagnostics    []topology.Diagnostic `json:"diagnostics,omitempty"`
	// Plan is Pulumi's update plan of the stack, as `pulumi preview
	// --save-plan` wrote it: its secrets are encrypted with the stack's key.
	Plan json.RawMessage `json:"plan,omitempty"`
	// EncryptionSalt is, for a stack not deployed yet, the passphrase salt
	// its plan's secrets are encrypted with; the stack is created with it.
	// It is no secret: it holds a salt and the passphrase's check value.
	EncryptionSalt string `json:"encryptionSalt,omitempty"`
}

// StateFingerprint identifies the checkpoint a stack starts from.
type StateFingerprint struct {
	Deployed  bool `json:"deployed"`
	Resources int  `json:"resources"`
	// Digest is the sha256 of the checkpoint's resources (their URNs, IDs,
	// inputs and outputs, secrets included before hashing), "" when the
	// stack is not deployed.
	Digest string `json:"digest,omitempty"`
}

// HasChanges reports whether applying the stack changes anything.
func (b *BundleStack) HasChanges() bool {
	if b.OutputsChanged || b.Removed {
		return true
	}
	for c, n := range b.Changes {
		if c != Same && n > 0 {
			return true
		}
	}
	return false
}

// Result renders the bundle as the preview it records.
func (b *Bundle) Result() *Result {
	res := &Result{Operation: Preview, Project: b.Project, Simulated: b.Simulated}
	for _, s := range b.Stacks {
		res.Stacks = append(res.Stacks, &StackResult{
			Name: s.Name, Kind: s.Kind, Cloud: s.Cloud, DependsOn: s.DependsOn, Status: Succeeded,
			Removed: s.Removed, Changes: maps.Clone(s.Changes), Unchanged: s.Unchanged,
			OutputsChanged: s.OutputsChanged, Steps: s.Steps, Diagnostics: s.Diagnostics,
		})
	}
	return res
}

// Stack returns the named stack of the bundle, or nil.
func (b *Bundle) Stack(name string) *BundleStack {
	for _, s := range b.Stacks {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// ReadBundle reads a bundle file.
func ReadBundle(path string) (*Bundle, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b Bundle
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s: not a plan bundle: %w", path, err)
	}
	if b.Format != BundleFormat {
		return nil, fmt.Errorf("%s: plan bundle format %d, this infra reads format %d", path, b.Format, BundleFormat)
	}
	return &b, nil
}

// Write writes the bundle, indented, keys sorted.
func (b *Bundle) Write(path string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o600)
}

// bundleRun is what a run saving or applying a bundle keeps.
type bundleRun struct {
	dir string // plan files, <dir>/<stack>.json
	mu  sync.Mutex
	// upstream holds the digest of the upstream outputs each stack ran with.
	upstream map[string]string
	// apply is set when the run applies the plans in dir.
	apply bool
}

// previewOptions are a preview's options: saving its update plan when the
// run makes a bundle.
func (e *Engine) previewOptions(name string, ch chan<- events.EngineEvent) []optpreview.Option {
	opts := []optpreview.Option{optpreview.EventStreams(ch), optpreview.Parallel(resourceParallel)}
	if b := e.bundle; b != nil && !b.apply {
		opts = append(opts, optpreview.Plan(filepath.Join(b.dir, name+".json")))
	}
	return opts
}

// upOptions are an up's options: applying the stack's reviewed update plan
// when the run applies a bundle.
func (e *Engine) upOptions(name string, ch chan<- events.EngineEvent) []optup.Option {
	opts := []optup.Option{optup.EventStreams(ch), optup.Parallel(resourceParallel)}
	if b := e.bundle; b != nil && b.apply {
		if p := filepath.Join(b.dir, name+".json"); fileExists(p) {
			opts = append(opts, optup.Plan(p))
		}
	}
	return opts
}

// noteUpstream records the digest of the upstream outputs a stack runs with.
func (e *Engine) noteUpstream(name string, up stacks.Upstream) {
	b := e.bundle
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.upstream[name] = upstreamDigest(up)
}

// bundleSalt gives a stack's workspace, when a bundle is applied, the
// passphrase salt its plan's secrets are encrypted with (see planSalt); a
// stack not deployed yet is created with it.
func (e *Engine) bundleSalt(ctx context.Context, ws auto.Workspace, name string) error {
	b := e.bundle
	if b == nil || !b.apply {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(b.dir, name+".salt"))
	if err != nil {
		return nil
	}
	return ws.SaveStackSettings(ctx, name, &workspace.ProjectStack{EncryptionSalt: string(data)})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// digest is the sha256 of v's JSON (map keys sorted by encoding/json).
func digest(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		// Values here are JSON already (decoded deployments, plans).
		panic(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

func upstreamDigest(up stacks.Upstream) string {
	if len(up) == 0 {
		return ""
	}
	return digest(up)
}

// stateDigest fingerprints an exported deployment's resources. The
// timestamps pulumi stamps on them are left out: they move when nothing
// else does.
func stateDigest(data []byte) string {
	var doc struct {
		Deployment struct {
			Resources []map[string]any `json:"resources"`
		} `json:"deployment"`
	}
	if json.Unmarshal(data, &doc) != nil {
		return ""
	}
	for _, r := range doc.Deployment.Resources {
		delete(r, "created")
		delete(r, "modified")
	}
	return digest(doc.Deployment.Resources)
}

func (e *Engine) fingerprint(name string) StateFingerprint {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.deployed[name]
	if d == nil {
		return StateFingerprint{}
	}
	return StateFingerprint{Deployed: true, Resources: d.Resources, Digest: d.Digest}
}

// inputDigests fingerprints every stack's program inputs: its offline plan,
// run under mocks on the graph with deployed addresses pinned.
func (e *Engine) inputDigests(ctx context.Context) (whole string, per map[string]string, err error) {
	p, err := plan.Generate(ctx, e.graph)
	if err != nil {
		return "", nil, fmt.Errorf("offline plan: %w", err)
	}
	per = map[string]string{}
	for _, s := range p.Stacks {
		per[s.Name] = digest(s)
	}
	return digest(p), per, nil
}

// PreviewBundle previews every selected stack, as Preview does, and makes
// the bundle of what it planned. The bundle is nil when a stack failed.
func (e *Engine) PreviewBundle(ctx context.Context) (*Result, *Bundle, error) {
	whole, inputs, err := e.inputDigests(ctx)
	if err != nil {
		return nil, nil, err
	}
	dir := filepath.Join(e.root, "plans-out")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	e.bundle = &bundleRun{dir: dir, upstream: map[string]string{}}
	defer func() { e.bundle = nil }()
	res := e.run(ctx, Preview)
	if res.Err() != nil {
		return res, nil, nil
	}
	b := &Bundle{Format: BundleFormat, Pulumi: e.cli.Version.String(), Project: e.project,
		Topology: e.spec.File, TopologyDigest: whole, Simulated: e.Simulated()}
	for _, r := range res.Stacks {
		s := &BundleStack{Name: r.Name, Kind: r.Kind, Cloud: r.Cloud, DependsOn: r.DependsOn, Removed: r.Removed,
			State: e.fingerprint(r.Name), Inputs: inputs[r.Name], Upstream: e.bundle.upstream[r.Name],
			Changes: r.Changes, Unchanged: r.Unchanged, OutputsChanged: r.OutputsChanged,
			Steps: r.Steps, Diagnostics: r.Diagnostics}
		if data, err := os.ReadFile(filepath.Join(dir, r.Name+".json")); err == nil && !r.Removed {
			s.Plan = json.RawMessage(data)
			if s.EncryptionSalt, err = e.planSalt(r.Name, s.State.Deployed); err != nil {
				return res, nil, err
			}
		}
		b.Stacks = append(b.Stacks, s)
	}
	return res, b, nil
}

var saltLine = regexp.MustCompile(`(?m)^encryptionsalt:\s*(\S+)\s*$`)

// planSalt reads the passphrase salt the preview of a stack encrypted its
// plan's secrets with: that of its workspace, or of the scratch stack a
// stack not deployed yet was previewed in (see workspaceFor). pulumi
// encrypts a plan with the secrets manager of the stack's settings file, not
// of its checkpoint (pkg/cmd/pulumi/operations/preview.go, v3.259.0), and a
// fresh workspace's settings get a fresh salt: without this one, the plan
// would not decrypt at apply time ("cipher: message authentication failed").
func (e *Engine) planSalt(name string, deployed bool) (string, error) {
	dir := filepath.Join(e.root, "scratch", name)
	if deployed {
		e.mu.Lock()
		d := e.deployed[name]
		e.mu.Unlock()
		if d != nil && !IsPassphrase(d.SecretsProvider) {
			// A key service's data key is in the checkpoint, the same
			// at apply time.
			return "", nil
		}
		dir = filepath.Join(e.root, name)
	} else if !IsPassphrase(e.set.secretsProvider) {
		// A key service's stack gets its data key when it is created:
		// the scratch stack's passphrase cannot carry over.
		return "", fmt.Errorf("stack %s is not deployed yet: a plan bundle can create a stack only with the passphrase secrets provider (%s is %s); deploy it first", name, EnvSecretsProvider, e.set.secretsProvider)
	}
	data, err := os.ReadFile(filepath.Join(dir, "Pulumi."+name+".yaml"))
	if err != nil {
		return "", fmt.Errorf("stack %s: the salt of its preview: %w", name, err)
	}
	m := saltLine.FindSubmatch(data)
	if m == nil {
		return "", fmt.Errorf("stack %s: its preview's settings have no encryption salt", name)
	}
	return string(m[1]), nil
}

// Stale is a stack of a bundle whose starting point moved since the review.
type Stale struct {
	Stack string `json:"stack"`
	// Moved says what moved, one entry per thing.
	Moved []string `json:"moved"`
}

// StaleError is ApplyBundle's refusal: nothing was touched.
type StaleError struct{ Stacks []Stale }

func (e *StaleError) Error() string {
	var parts []string
	for _, s := range e.Stacks {
		parts = append(parts, s.Stack+" ("+strings.Join(s.Moved, "; ")+")")
	}
	return "the plan bundle is stale, nothing applied: " + strings.Join(parts, ", ") +
		"; preview again, or pass --allow-stale to apply anyway (or --skip-stale to apply the other stacks only)"
}

// ApplyOptions say what to do with the stale stacks of a bundle.
type ApplyOptions struct {
	// AllowStale applies stale stacks anyway.
	AllowStale bool
	// SkipStale applies the stacks that are not stale, and skips the stale
	// ones and what depends on them.
	SkipStale bool
	// Checked says CheckBundle ran already on this engine and found Stale.
	Checked bool
	Stale   []Stale
}

// prepareApply writes the bundle's update plans and salts where the stacks'
// runs find them (upOptions, bundleSalt). It is done before the check: its
// read-only refresh makes the workspaces, which must have the plans' salts.
func (e *Engine) prepareApply(b *Bundle) error {
	if e.bundle != nil && e.bundle.apply {
		return nil
	}
	dir := filepath.Join(e.root, "plans-in")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, s := range b.Stacks {
		if !s.HasChanges() {
			continue
		}
		if len(s.Plan) > 0 {
			if err := os.WriteFile(filepath.Join(dir, s.Name+".json"), s.Plan, 0o600); err != nil {
				return err
			}
		}
		if s.EncryptionSalt != "" {
			if err := os.WriteFile(filepath.Join(dir, s.Name+".salt"), []byte(s.EncryptionSalt), 0o600); err != nil {
				return err
			}
		}
	}
	e.bundle = &bundleRun{dir: dir, upstream: map[string]string{}, apply: true}
	return nil
}

// CheckBundle compares where each stack of b that changes something starts
// from now with where its review started: its checkpoint, the clouds'
// resources (a read-only refresh), its program's inputs and the upstream
// outputs it reads. It writes nothing to the backend or the clouds. Call
// ApplyBundle after it on the same engine (with Checked), not another run.
func (e *Engine) CheckBundle(ctx context.Context, b *Bundle) ([]Stale, error) {
	if b.Project != e.project {
		return nil, fmt.Errorf("the plan bundle is of project %s, the topology is %s", b.Project, e.project)
	}
	if b.Simulated != e.Simulated() {
		return nil, fmt.Errorf("the plan bundle was made %s, this run is %s", simWord(b.Simulated), simWord(e.Simulated()))
	}
	if err := e.prepareApply(b); err != nil {
		return nil, err
	}
	_, inputs, err := e.inputDigests(ctx)
	if err != nil {
		return nil, err
	}
	outputs := map[string]stacks.Outputs{}
	e.mu.Lock()
	for name, d := range e.deployed {
		outputs[name] = d.Outputs
	}
	e.mu.Unlock()
	moved := map[string][]string{}
	var refresh []string
	for _, s := range b.Stacks {
		if !s.HasChanges() {
			continue
		}
		now := e.fingerprint(s.Name)
		switch {
		case now.Deployed != s.State.Deployed && s.State.Deployed:
			moved[s.Name] = append(moved[s.Name], "the stack was removed from the backend")
		case now.Deployed != s.State.Deployed:
			moved[s.Name] = append(moved[s.Name], "the stack was deployed since")
		case now.Digest != s.State.Digest:
			moved[s.Name] = append(moved[s.Name], fmt.Sprintf("its state changed (%d resources, %d at the review)", now.Resources, s.State.Resources))
		}
		if s.Removed {
			if !e.isOrphan(s.Name) {
				moved[s.Name] = append(moved[s.Name], "the topology has it again")
			}
			continue
		}
		g := e.graph.Stack(s.Name)
		if g == nil {
			moved[s.Name] = append(moved[s.Name], "the topology no longer has it")
			continue
		}
		if inputs[s.Name] != s.Inputs {
			moved[s.Name] = append(moved[s.Name], "its program's inputs changed (the offline plan differs)")
		}
		if upstreamDigest(e.graph.Upstream(g, outputs)) != s.Upstream {
			moved[s.Name] = append(moved[s.Name], "the outputs of "+joinNames(g.DependsOn)+" changed")
		}
		if now.Deployed {
			refresh = append(refresh, s.Name)
		}
	}
	if len(refresh) > 0 {
		// What the clouds hold: a change made outside infra moves the
		// starting point as much as one in the state.
		only := e.set.only
		e.set.only = refresh
		res := e.run(ctx, PreviewRefresh)
		e.set.only = only
		for _, r := range res.Stacks {
			switch {
			case r.Status != Succeeded:
				return nil, fmt.Errorf("read stack %s back from the clouds: %v", r.Name, r.Err)
			case r.HasChanges():
				var what []string
				for _, st := range r.Steps {
					if st.Change == Delete {
						what = append(what, st.Name+" deleted")
					} else {
						what = append(what, st.Name+" changed ("+strings.Join(st.Diffs, ", ")+")")
					}
				}
				moved[r.Name] = append(moved[r.Name], "its resources changed outside infra: "+strings.Join(what, ", "))
			}
		}
	}
	var out []Stale
	for _, s := range b.Stacks {
		if m := moved[s.Name]; len(m) > 0 {
			out = append(out, Stale{Stack: s.Name, Moved: m})
		}
	}
	return out, nil
}

func simWord(sim bool) string {
	if sim {
		return "on the simulator"
	}
	return "on the clouds"
}

// ApplyBundle deploys exactly what b planned: the stacks that change
// something, in graph order, each with its reviewed update plan, so pulumi
// fails a stack whose program would do anything else. Stacks that the bundle
// does not have, or that it plans to leave as they are, are not touched.
// Before anything runs, CheckBundle looks for stacks whose starting point
// moved; with any, ApplyBundle returns a *StaleError and touches nothing,
// unless opts say otherwise. After the run, each stack's steps are compared
// with the reviewed ones; a difference is an error diagnostic.
func (e *Engine) ApplyBundle(ctx context.Context, b *Bundle, opts ApplyOptions) (*Result, []Stale, error) {
	defer func() { e.bundle = nil }()
	stale := opts.Stale
	if !opts.Checked {
		var err error
		if stale, err = e.CheckBundle(ctx, b); err != nil {
			return nil, nil, err
		}
	} else if err := e.prepareApply(b); err != nil {
		return nil, nil, err
	}
	if len(stale) > 0 && !opts.AllowStale && !opts.SkipStale {
		return nil, stale, &StaleError{Stacks: stale}
	}
	refused := map[string]bool{}
	if !opts.AllowStale {
		for _, s := range stale {
			refused[s.Stack] = true
		}
	}
	var run []string
	for _, s := range b.Stacks {
		if s.HasChanges() {
			run = append(run, s.Name)
		}
	}
	only := e.set.only
	defer func() { e.set.only = only }()
	// Refused stacks go through the scheduler too, which skips what
	// depends on them; they are failed before they start.
	e.set.only = run
	e.refused = refused
	defer func() { e.refused = nil }()
	if len(run) == 0 {
		return e.newResult(Up), stale, nil
	}
	res := e.run(ctx, Up)
	for _, r := range res.Stacks {
		if r.Status != Succeeded {
			continue
		}
		if d := stepsDiffer(b.Stack(r.Name).Steps, r.Steps); d != "" {
			r.Diagnostics = append(r.Diagnostics, topology.Diagnostic{Severity: topology.Error, Rule: RuleRun, Message: "the up did not do what was reviewed: " + d})
		}
	}
	return res, stale, nil
}

// refusedStack fails a stack of a bundle that is stale, before it starts.
func (e *Engine) refusedStack(r *StackResult) bool {
	if !e.refused[r.Name] {
		return false
	}
	r.Status, r.Err = Failed, errors.New("refused: its starting point moved since the review (see above)")
	return true
}

// stepsDiffer says how the steps done differ from the reviewed ones ("" if
// they are the same resources with the same changes).
func stepsDiffer(reviewed, done []Step) string {
	key := func(s Step) string { return string(s.Change) + " " + s.URN }
	var want, got []string
	for _, s := range reviewed {
		want = append(want, key(s))
	}
	for _, s := range done {
		got = append(got, key(s))
	}
	sort.Strings(want)
	sort.Strings(got)
	if slices.Equal(want, got) {
		return ""
	}
	var extra, missing []string
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	return fmt.Sprintf("not reviewed: %v; reviewed but not done: %v", extra, missing)
}
