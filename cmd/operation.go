package cmd

import (
	"context"
	"fmt"
	"github.com/spf13/cobra"

	"infra/engine"
	"infra/landingzone"
	"infra/topology"
	"infra/ui"
)

// OperationOptions are what every engine operation (preview, up, refresh,
// destroy) takes: the streams, the topology loader, the engine opener and
// the engine's flags. Each verb's Options embeds them and adds its own.
type OperationOptions struct {
	IO       *ui.IO
	LoadSpec func() (*topology.Spec, error)
	// Open starts the engine; tests of flags never call it.
	Open   engineOpener
	Engine EngineFlags
	// JSON is the global --json.
	JSON bool
	// Getenv reads the environment (the OVH project and vRack variables).
	Getenv func(string) string
}

// newOperationOptions fills what the Factory provides; the flags are bound
// by EngineFlags.register.
func newOperationOptions(f *Factory) OperationOptions {
	o := OperationOptions{IO: f.IO, LoadSpec: f.loadSpec, Getenv: f.Getenv}
	return o
}

// bind takes the parsed global flags and the opener of the engine they ask
// for, when the command runs.
func (o *OperationOptions) bind(f *Factory) {
	o.JSON = f.Global().JSON
	o.Open = f.engineOpener(&o.Engine)
}

// operationRunE is an engine verb's RunE: it binds the global flags into
// o, then the verb's own (more, when set), and runs runF in flag tests,
// run otherwise.
func operationRunE[O any](f *Factory, o *OperationOptions, opts O, more func(), runF func(O) error, run func(context.Context, O) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		o.bind(f)
		if more != nil {
			more()
		}
		return runOrCtx(cmd.Context(), opts, runF, run)
	}
}

// runOr ends a verb's RunE: runF, set by the flag tests, gets the parsed
// options instead of the run.
func runOr[O any](opts O, runF func(O) error, run func(O) error) error {
	if runF != nil {
		return runF(opts)
	}
	return run(opts)
}

// runOrCtx is runOr for a run that takes the command's context.
func runOrCtx[O any](ctx context.Context, opts O, runF func(O) error, run func(context.Context, O) error) error {
	return runOr(opts, runF, func(o O) error { return run(ctx, o) })
}

// operation is one engine operation under way: the spec, the engine, its
// live view and the interrupts that stop it.
type operation struct {
	ctx      context.Context
	spec     *topology.Spec
	s        *session
	progress ui.ProgressView
	in       *interrupts
}

// runOperation is the skeleton every engine verb shares: load the topology,
// take the interrupt signals, open the engine with its progress view, then
// body. failed sees the error of loading or opening (preview turns it into
// a pull-request comment); nil returns it as is.
func runOperation(ctx context.Context, o *OperationOptions, failed func(error) error, body func(op *operation) error) error {
	if failed == nil {
		failed = func(err error) error { return err }
	}
	spec, err := o.LoadSpec()
	if err != nil {
		return failed(err)
	}
	progress := ui.NewProgressView(o.IO)
	ctx, in := watchInterrupt(ctx, o.IO, progress)
	defer in.Close()
	s, err := o.Open(ctx, spec, progress, in.options()...)
	if err != nil {
		if in.stopped() {
			return exitError{ExitInterrupted}
		}
		return failed(err)
	}
	defer s.Close()
	if in.stopped() {
		return exitError{ExitInterrupted}
	}
	return body(&operation{ctx: ctx, spec: spec, s: s, progress: progress, in: in})
}

// deployable refuses to run the programs against the real clouds when the
// spec leaves a setting to the environment and the environment does not
// set it either (landingzone.OVHUnset): the offline plan's placeholder would
// reach OVH and fail there, late. The simulator takes the placeholder.
func (op *operation) deployable(io *ui.IO, getenv func(string) string) error {
	if op.s.Simulated() || getenv == nil {
		return nil
	}
	ds := landingzone.OVHUnset(op.spec, getenv)
	if len(ds) == 0 {
		return nil
	}
	renderDiagnostics(io, ds)
	return exitError{ExitError}
}

// run runs one engine operation over the graph with its live view.
func (op *operation) run(kind engine.Operation) *engine.Result {
	op.progress.Start(kind, op.spec.Name, op.s.stackNames(), op.s.Simulated())
	defer op.progress.Stop()
	switch kind {
	case engine.Preview:
		return op.s.Preview(op.ctx)
	case engine.Up:
		return op.s.Up(op.ctx)
	case engine.Refresh:
		return op.s.Refresh(op.ctx)
	case engine.PreviewRefresh:
		return op.s.PreviewRefresh(op.ctx)
	case engine.Destroy:
		return op.s.Destroy(op.ctx)
	}
	panic("cmd: no engine operation " + string(kind))
}

// ask asks question unless yes; a no (or an interrupt while it waits)
// prints nothing happened and ends the command: 130 after an interrupt, 1
// otherwise.
func (op *operation) ask(io *ui.IO, yes bool, question, nothing string) error {
	if !yes {
		ok, err := confirm(io, op.in.stop, question)
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(io.Err, nothing)
			if op.in.stopped() {
				return exitError{ExitInterrupted}
			}
			return exitError{ExitError}
		}
	}
	if op.in.stopped() {
		fmt.Fprintln(io.Err, nothing)
		return exitError{ExitInterrupted}
	}
	return nil
}

// finish maps a run's outcome to the exit code once the views have said
// what happened: 2 with changes under --detailed-exitcode.
func finish(res *engine.Result, detailedExitcode bool) error {
	if err := runResult(res); err != nil {
		return err
	}
	if detailedExitcode && res.HasChanges() {
		return exitError{ExitChanges}
	}
	return nil
}
