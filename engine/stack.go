package engine

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks"
	"infra/topology"
)

func (e *Engine) workspaceOptions(dir string) []auto.LocalWorkspaceOption {
	opts := []auto.LocalWorkspaceOption{
		auto.Pulumi(e.cmd),
		// A work dir of its own: the Automation API races on shared
		// workspace files, and without one it leaves pulumi_auto* dirs.
		auto.WorkDir(dir),
		auto.EnvVars(e.env),
		auto.SecretsProvider(e.secretsProvider()),
		auto.Project(workspace.Project{
			Name:    tokens.PackageName(e.project),
			Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: pulumiBackendURL(e.backend)},
		}),
	}
	if h := e.env["PULUMI_HOME"]; h != "" {
		opts = append(opts, auto.PulumiHome(h))
	}
	return opts
}

// stackWorkspace returns the stack's workspace running program, creating
// the stack in the backend if it does not exist yet.
func (e *Engine) stackWorkspace(ctx context.Context, name string, program pulumi.RunFunc) (st auto.Stack, err error) {
	e.mu.Lock()
	st, ok := e.workspace[name]
	e.mu.Unlock()
	if ok {
		st.Workspace().SetProgram(program)
		return st, nil
	}
	dir := filepath.Join(e.root, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return auto.Stack{}, err
	}
	lw, err := auto.NewLocalWorkspace(ctx, append(e.workspaceOptions(dir), auto.Program(program))...)
	if err != nil {
		return auto.Stack{}, cliError(err)
	}
	ws := &stackWorkspace{Workspace: lw, e: e}
	if err := e.restoreSecretsSettings(ctx, ws, name); err != nil {
		return auto.Stack{}, err
	}
	if err := e.bundleSalt(ctx, ws, name); err != nil {
		return auto.Stack{}, err
	}
	// One CLI call: select a stack the backend has, make one it has not.
	if e.isDeployed(name) {
		st, err = auto.SelectStack(ctx, name, ws)
	} else if st, err = auto.NewStack(ctx, name, ws); auto.IsCreateStack409Error(err) {
		st, err = auto.SelectStack(ctx, name, ws) // made meanwhile by another run
	}
	if err != nil {
		return auto.Stack{}, cliError(err)
	}
	e.mu.Lock()
	e.workspace[name] = st
	e.mu.Unlock()
	return st, nil
}

// stackWorkspace is a stack's workspace, reading outputs in one CLI call
// (an export) where the Automation API makes two.
type stackWorkspace struct {
	auto.Workspace
	e *Engine
}

// StackOutputs is what the Automation API reads after an up.
func (w *stackWorkspace) StackOutputs(ctx context.Context, name string) (auto.OutputMap, error) {
	d, err := w.e.export(ctx, w.WorkDir(), name)
	if err != nil {
		return nil, err
	}
	out := auto.OutputMap{}
	for k, v := range d.Outputs {
		out[k] = auto.OutputValue{Value: v.Value, Secret: v.Secret}
	}
	w.e.mu.Lock()
	w.e.deployed[name] = d
	w.e.mu.Unlock()
	return out, nil
}

// program is the stack's program given its upstream outputs. A regional
// stack in the mesh also records its overlay address (OverlayOutput), which
// pins it for the next run.
func (e *Engine) program(s *stacks.Stack, up stacks.Upstream) pulumi.RunFunc {
	run := s.Program(up)
	if s.Kind != stacks.Regional {
		return run
	}
	rn := e.graph.Net.Region(s.Name)
	if rn == nil {
		return run
	}
	var sites map[string]netip.Addr
	for _, r := range e.spec.Regions() {
		if r.ID() == s.Name {
			sites = rn.MeshSites(r)
		}
	}
	if len(sites) == 0 {
		return run
	}
	return func(ctx *pulumi.Context) error {
		if err := run(ctx); err != nil {
			return err
		}
		if rn.Overlay.IsValid() {
			ctx.Export(OverlayOutput, pulumi.String(rn.Overlay.String()))
			return nil
		}
		// a gateway per zone (network.PerZone): each site's address
		m := pulumi.StringMap{}
		for id, a := range sites {
			m[id] = pulumi.String(a.String())
		}
		ctx.Export(OverlaySitesOutput, m)
		return nil
	}
}

// runStack runs op on one stack and fills r, a result the calling
// goroutine owns until it hands it to the scheduler (which emits StackDone).
func (e *Engine) runStack(ctx context.Context, op Operation, s *stacks.Stack, up stacks.Upstream, r *StackResult) {
	start := time.Now()
	e.emit(Event{Kind: StackStarted, Operation: op, Stack: s.Name})
	defer func() { r.Duration = time.Since(start) }()
	e.noteUpstream(s.Name, up)

	unlock, err := e.lock(s.Name, op)
	if err != nil {
		r.Status, r.Err = Failed, err
		return
	}
	defer unlock()
	st, err := e.workspaceFor(ctx, op, s.Name, e.program(s, up))
	if err != nil {
		e.fail(ctx, r, err)
		return
	}
	if err := e.clearPending(ctx, op, st, r); err != nil {
		e.fail(ctx, r, err)
		return
	}
	if op == Up {
		e.mu.Lock()
		urns, err := e.routeClear[s.Name], e.routeErr
		e.mu.Unlock()
		if err == nil {
			err = e.clearRoutes(ctx, st, r, urns)
		}
		if err != nil {
			e.fail(ctx, r, err)
			return
		}
	}
	ch := make(chan events.EngineEvent)
	finished, collected := make(chan struct{}), make(chan struct{})
	// The operation's pulumi is told to stop gracefully once it listens
	// for it: its engine has started, which its first event shows (pulumi
	// sets up its interrupt handler just before; an interrupt before that
	// would kill it with its lock held).
	sig := &opSignals{graceful: make(chan struct{}), acked: make(chan struct{})}
	listening := make(chan struct{})
	go func() {
		select {
		case <-listening:
		case <-finished:
			return
		}
		select {
		case <-e.set.stop:
			close(sig.graceful)
		case <-finished:
		}
	}()
	steps := map[string]*Step{}
	var order []string
	handle := func(ev events.EngineEvent) {
		if rootChanged(ev) {
			r.OutputsChanged = true
		}
		t, ok := translate(ev)
		if !ok {
			return
		}
		t.Operation, t.Stack, t.Elapsed = op, s.Name, time.Since(start)
		switch t.Kind {
		case StepStarted, StepDone, StepFailed:
			prev, seen := steps[t.Step.URN]
			if !seen {
				order = append(order, t.Step.URN)
			}
			merged := *t.Step
			merged.done = t.Kind == StepDone
			if seen {
				// A replacement is several steps of one resource; so
				// is a refresh: keep what each told.
				if prev.Change == Replace && merged.Change != Delete {
					merged.Change = Replace
				}
				if len(merged.Diffs) == 0 {
					merged.Diffs = prev.Diffs
				}
				if len(merged.Replaces) == 0 {
					merged.Replaces = prev.Replaces
				}
				if len(merged.Values) == 0 {
					merged.Values = prev.Values
				}
				merged.Failed = merged.Failed || prev.Failed
				// A replacement is done when its last step is.
				merged.done = merged.done || prev.done && t.Kind != StepStarted
			}
			steps[t.Step.URN] = &merged
		case Diag:
			t.Message = ownVerb(op, t.Message)
			if t.Severity == "error" && (strings.HasPrefix(t.Message, string(op)+" canceled") || strings.HasPrefix(t.Message, "update canceled")) {
				// pulumi's word that it stopped: the stack's outcome says
				// it, with what finished.
				return
			}
			if t.Severity == "error" || t.Severity == "warning" {
				d := topology.Diagnostic{Severity: topology.Severity(t.Severity), Rule: RulePulumi, Message: t.Message}
				if t.Step != nil {
					d.URN = t.Step.URN
				}
				r.Diagnostics = append(r.Diagnostics, d)
			}
		}
		e.emit(t)
	}
	go func() {
		defer close(collected)
		opened := false
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					return
				}
				if !opened {
					close(listening)
				}
				opened = true
				if isCancelAck(ev) {
					sig.ack()
				}
				handle(ev)
			case <-finished:
				// The CLI has exited. A stream it opened is closed by the
				// Automation API when it stops its event server
				// (eventsWatcher.Close calls GracefulStop), so wait for
				// that; a stream it never opened (it failed first) never
				// closes, and nothing more will come on it.
				if !opened {
					return
				}
				for ev := range ch {
					if isCancelAck(ev) {
						sig.ack()
					}
					handle(ev)
				}
				return
			}
		}
	}()

	if e.stopping(ctx) {
		// Interrupted while it was being set up: its operation never began.
		close(finished)
		<-collected
		r.Status, r.Err = NotStarted, fmt.Errorf("not started: the run was interrupted before its %s began", op)
		return
	}
	ctx = context.WithValue(ctx, opSignalsKey{}, sig)
	switch op {
	case Preview:
		_, err = st.Preview(ctx, e.previewOptions(s.Name, ch)...)
	case Up:
		var res auto.UpResult
		res, err = st.Up(ctx, e.upOptions(s.Name, ch)...)
		if err == nil {
			r.Outputs = outputsOf(res.Outputs)
		}
	case Refresh:
		_, err = st.Refresh(ctx, optrefresh.EventStreams(ch), optrefresh.Parallel(resourceParallel))
	case PreviewRefresh:
		_, err = st.PreviewRefresh(ctx, optrefresh.EventStreams(ch), optrefresh.Parallel(resourceParallel))
	case Destroy:
		_, err = st.Destroy(ctx, optdestroy.EventStreams(ch), optdestroy.Parallel(resourceParallel))
	default:
		err = fmt.Errorf("unknown operation %q", op)
	}
	close(finished)
	<-collected
	if err == nil && closed(sig.graceful) && !e.completed(ctx, op, st) {
		err = errStopped
	}

	// Counts say what happened: in a preview every planned step; otherwise
	// only the steps that finished without failing. A step that started and
	// was cut short, or a replacement whose create failed, is listed (failed
	// or incomplete) but not counted.
	for _, urn := range order {
		step := *steps[urn]
		if step.Change == Same {
			r.Unchanged++
			continue
		}
		switch {
		case step.Failed:
		case op == Preview || step.done:
			r.Changes[step.Change]++
		default:
			step.Incomplete = true
		}
		r.Steps = append(r.Steps, step)
	}
	sortSteps(r.Steps)
	if err != nil {
		e.fail(ctx, r, err)
		return
	}
	r.Status = Succeeded
	if op == Up {
		e.tagInputs(ctx, st, r)
	}
	e.record(op, s.Name, r)
}

// errStopped is a stack's operation that the graceful stop cut short.
var errStopped = errors.New("stopped by the interrupt")

// completed tells whether an operation that pulumi reported done after it
// was interrupted really is. pulumi can end an interrupted destroy without
// an error, its remaining deletes skipped: its executor notices a cancel
// only while the program registers resources, not while the deletes run
// (pkg/resource/deploy/deployment_executor.go Execute, v3.259.0). A destroy
// is complete when the stack holds nothing; nothing says so of the other
// operations, so they count as stopped.
func (e *Engine) completed(ctx context.Context, op Operation, st auto.Stack) bool {
	if op != Destroy {
		return false
	}
	d, err := e.export(ctx, st.Workspace().WorkDir(), st.Name())
	return err == nil && d.Resources == 0
}

// record updates what the engine knows is deployed after a run.
func (e *Engine) record(op Operation, name string, r *StackResult) {
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.deployed[name]
	switch op {
	case Up:
		// StackOutputs has read the deployment back: counts and outputs.
		if d == nil {
			d = &deployed{Outputs: r.Outputs}
			e.deployed[name] = d
		}
	case Destroy:
		if d != nil {
			d.Resources, d.Outputs = 0, stacks.Outputs{}
		}
	}
	if d != nil && r.Outputs == nil {
		r.Outputs = d.Outputs
	}
}

// outputsOf converts the Automation API's outputs.
func outputsOf(m auto.OutputMap) stacks.Outputs {
	out := stacks.Outputs{}
	for k, v := range m {
		out[k] = stacks.Value{Value: v.Value, Secret: v.Secret}
	}
	return out
}
