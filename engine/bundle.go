package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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
	if i := slices.IndexFunc(b.Stacks, func(s *BundleStack) bool { return s.Name == name }); i >= 0 {
		return b.Stacks[i]
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
	if err := e.legacyBundleError(); err != nil {
		return nil, nil, err
	}
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
