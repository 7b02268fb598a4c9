package cmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/provider"
	"infra/provider/sim"
	"infra/topology"
	"infra/ui"
)

// EngineFlags are the flags of the commands that run the engine (preview,
// up, refresh, destroy, outputs).
type EngineFlags struct {
	Backend  string
	Secrets  string
	Simulate bool
	Parallel int
	Stacks   []string
	Pulumi   string
}

// register binds the engine flags; with a Factory, --stack completes with
// the topology's stacks.
func (fl *EngineFlags) register(cmd *cobra.Command, complete *Factory) {
	f := cmd.Flags()
	f.StringVar(&fl.Backend, "backend", "", "Pulumi backend URL (env INFRA_BACKEND; default: the topology's, file://<topology dir>/.infra/state)")
	f.StringVar(&fl.Secrets, "secrets-provider", "", "secrets provider of new stacks: passphrase (default), or a key service URL such as awskms://alias/infra?region=eu-west-1, gcpkms://…, azurekeyvault://…, hashivault://… (env INFRA_SECRETS_PROVIDER); infra up moves deployed stacks to it")
	f.BoolVar(&fl.Simulate, "simulate", false, "run against simulated clouds, in-process: no account needed (env INFRA_SIMULATE=1)")
	f.IntVar(&fl.Parallel, "parallel", 10, "how many stacks run at once")
	f.StringSliceVar(&fl.Stacks, "stack", nil, "run only these stacks (repeat or comma-separate); the others' outputs are read from the backend")
	f.StringVar(&fl.Pulumi, "pulumi", "", "pulumi CLI to use (default: .bin/pulumi near infra or the working directory, else pulumi on PATH)")
	if complete != nil {
		_ = cmd.RegisterFlagCompletionFunc("stack", complete.completeStacks)
	}
}

// simulated reports whether the run is simulated, by flag or environment.
func (fl *EngineFlags) simulated(getenv func(string) string) bool {
	switch strings.ToLower(strings.TrimSpace(getenv("INFRA_SIMULATE"))) {
	case "1", "true", "yes":
		return true
	}
	return fl.Simulate
}

// session is an engine with what it runs on: the simulator, if any.
type session struct {
	*engine.Engine
	srv  *sim.Server
	fake *provider.FakeIBM
}

func (s *session) Close() {
	_ = s.Engine.Close()
	if s.fake != nil {
		s.fake.Close()
	}
	if s.srv != nil {
		_ = s.srv.Close()
	}
}

// secretsProvider is the secrets provider the flags and environment ask
// for, checked.
func (fl *EngineFlags) secretsProvider(getenv func(string) string) (string, error) {
	p := fl.Secrets
	if p == "" {
		p = getenv(engine.EnvSecretsProvider)
	}
	p, err := engine.ParseSecretsProvider(p)
	if err != nil {
		return "", usageError{err}
	}
	return p, nil
}

// engineOpener opens the engine on a spec with extra options (an
// interrupts' options, say); view, if any, shows its progress. The engine
// verbs' Options hold one, so a flag test needs no pulumi CLI.
type engineOpener func(ctx context.Context, spec *topology.Spec, view ui.ProgressView, extra ...engine.Option) (*session, error)

// engineOpener returns the opener of the engine the flags fl ask for.
func (f *Factory) engineOpener(fl *EngineFlags) engineOpener {
	return func(ctx context.Context, spec *topology.Spec, view ui.ProgressView, extra ...engine.Option) (*session, error) {
		return startEngine(ctx, f, spec, fl, view, extra...)
	}
}

// startEngine checks the secrets settings first (so nothing is touched
// without a passphrase), starts the simulator if asked, and opens the engine
// on spec with extra options (an interrupts' options, say). view, if any,
// shows the engine's progress.
func startEngine(ctx context.Context, f *Factory, spec *topology.Spec, fl *EngineFlags, view ui.ProgressView, extra ...engine.Option) (*session, error) {
	secrets, err := fl.secretsProvider(f.Getenv)
	if err != nil {
		return nil, err
	}
	pass, err := engine.ReadPassphrase(f.Getenv)
	if err != nil {
		return nil, err
	}
	if pass.Value == "" && engine.IsPassphrase(secrets) {
		return nil, engine.ErrNoPassphrase
	}
	backend := fl.Backend
	if backend == "" {
		backend = f.Getenv(engine.EnvBackend)
	}
	opts := []engine.Option{
		engine.WithPassphrase(pass.Value),
		engine.WithPassphraseSource(pass.Source),
		engine.WithSecretsProvider(secrets),
		engine.WithBackend(backend),
		engine.WithParallel(fl.Parallel),
		engine.WithStacks(fl.Stacks...),
		engine.WithPulumi(fl.Pulumi),
		engine.WithLog(f.LogLevel, f.IO.Err),
	}
	opts = append(opts, extra...)
	if view != nil {
		opts = append(opts, engine.WithProgress(view.Event))
	}
	s := &session{}
	if fl.simulated(f.Getenv) {
		simOpts, err := sim.FromEnv(f.Getenv)
		if err != nil {
			return nil, usageError{err}
		}
		if view != nil && f.Getenv(sim.EnvHold) != "" {
			simOpts = append(simOpts, sim.WithHook(func(_ context.Context, c sim.Call) error {
				if c.Held {
					view.Note(fmt.Sprintf("%s %s %s %s held in flight until the run is interrupted (%s)",
						c.URN.Stack(), c.Op, c.URN.Type(), c.URN.Name(), sim.EnvHold))
				}
				return nil
			}))
		}
		if s.srv, err = sim.Start(simOpts...); err != nil {
			return nil, err
		}
		opts = append(opts, engine.WithSimulator(s.srv))
		if f.OnSimulator != nil {
			f.OnSimulator(s.srv)
		}
		// INFRA_IBM_FAKE=1: the real IBM provider code deploys infra:ibm:*
		// to an in-memory IBM Cloud instead of the simulator.
		if v := f.Getenv(provider.EnvFakeIBM); v != "" && v != "0" {
			if s.fake, err = provider.StartFakeIBM(s.srv.DebugProviders()); err != nil {
				_ = s.srv.Close()
				return nil, err
			}
			opts = append(opts, engine.WithEnv(map[string]string{"PULUMI_DEBUG_PROVIDERS": s.fake.DebugProviders()}))
		}
	}
	// Reading every stack's state takes seconds before anything prints.
	stop := ui.Busy(f.IO, "reading the deployed state of "+spec.Name)
	e, err := engine.New(ctx, spec, opts...)
	stop()
	if errors.Is(err, engine.ErrNoStack) {
		err = usageError{err}
	}
	if err != nil {
		if s.fake != nil {
			s.fake.Close()
		}
		if s.srv != nil {
			_ = s.srv.Close()
		}
		return nil, err
	}
	s.Engine = e
	return s, nil
}

// interruptSignals stop a command that runs the engine: Ctrl-C, kill's
// default SIGTERM, and SIGHUP, which a terminal or ssh session that goes
// away sends (a deploy must not be cut half-way by a dropped connection any
// more than by a Ctrl-C).
var interruptSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// interrupts is what the interrupt signals mean while a command runs the
// engine: the first stops the run gracefully (stop), the second at once
// (abort), the third exits.
type interrupts struct {
	stop, abort chan struct{}
	cancel      context.CancelFunc
	sigs        chan os.Signal
	done        chan struct{}
}

// watchInterrupt takes the interrupt signals until Close, and says what
// each does through view (above its live display, not drawn over by it).
// Pass its options to startEngine. The context it returns ends on a stop at
// once, so what runs outside the engine's operations (reading the state
// first) stops then too.
func watchInterrupt(ctx context.Context, io *ui.IO, view ui.ProgressView) (context.Context, *interrupts) {
	in := &interrupts{stop: make(chan struct{}), abort: make(chan struct{}), sigs: make(chan os.Signal, 3), done: make(chan struct{})}
	ctx, in.cancel = context.WithCancel(ctx)
	signal.Notify(in.sigs, interruptSignals...)
	go in.watch(io, view)
	return ctx, in
}

func (in *interrupts) watch(io *ui.IO, view ui.ProgressView) {
	t := ui.NewTheme(io.Err, io.Color)
	for n := 1; ; n++ {
		var sig os.Signal
		select {
		case <-in.done:
			return
		case sig = <-in.sigs:
		}
		again := "Press Ctrl-C again"
		if sig != os.Interrupt {
			again = fmt.Sprintf("Send %s again", sig)
		}
		switch n {
		case 1:
			close(in.stop)
			view.Note(fmt.Sprintf("%s no new stack or resource operation starts; the operations in flight finish and are recorded, so the state stays consistent. %s to stop at once.",
				t.Warning.Render("Interrupted:"), again))
		case 2:
			close(in.abort)
			in.cancel()
			view.Note(fmt.Sprintf("%s stopping now; what was in flight may be left pending, and a rerun of the same command completes it.", t.Error.Render("Aborting:")))
		default:
			os.Exit(ExitInterrupted)
		}
	}
}

// options are the engine options that make a run obey the interrupts.
func (in *interrupts) options() []engine.Option {
	return []engine.Option{engine.WithStop(in.stop), engine.WithAbort(in.abort)}
}

// stopped reports whether the command was interrupted.
func (in *interrupts) stopped() bool {
	select {
	case <-in.stop:
		return true
	default:
		return false
	}
}

// Close gives the signals their default effect back.
func (in *interrupts) Close() {
	signal.Stop(in.sigs)
	close(in.done)
	in.cancel()
}

// confirm asks a yes/no question on the terminal; anything but y or yes is
// no, and so is an interrupt (stop closing) while it waits.
func confirm(io *ui.IO, stop <-chan struct{}, question string) (bool, error) {
	t := ui.NewTheme(io.Err, io.Color)
	fmt.Fprintf(io.Err, "%s %s ", t.Bold.Render(question), t.Dim.Render("[y/N]"))
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(io.In).ReadString('\n')
		answer <- line
	}()
	var line string
	select {
	case line = <-answer:
	case <-stop:
		fmt.Fprintln(io.Err)
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// needYes refuses, before anything starts, to run a command that changes
// the clouds or the state without a confirmation nobody can give. does
// says what the command changes; instead is a read-only alternative, if any.
func needYes(io *ui.IO, verb, does, instead string, yes bool) error {
	if yes || io.InTTY {
		return nil
	}
	msg := fmt.Sprintf("infra %s %s and stdin is not a terminal to confirm on: pass --yes", verb, does)
	if instead != "" {
		msg += ", or " + instead
	}
	return usageError{errors.New(msg)}
}

// runResult maps a run's outcome to the exit code, after the views have
// said what happened.
func runResult(r *engine.Result) error {
	if err := r.Err(); err != nil {
		var ie *engine.IncompleteError
		if errors.As(err, &ie) {
			if ie.Interrupted() {
				return exitError{ExitInterrupted}
			}
			return exitError{ExitError}
		}
		return err
	}
	return nil
}
