// Package cmd wires flags to the packages that do the work: one file per
// verb, each with an Options struct and a run function that takes it.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/network"
	"infra/provider/sim"
	"infra/topology"
	"infra/ui"
)

// Exit codes, documented in `infra --help`.
const (
	ExitOK      = 0
	ExitError   = 1 // invalid input, failed operation, guardrail violation
	ExitChanges = 2 // --detailed-exitcode: the plan has changes
	ExitUsage   = 64
	// ExitInterrupted: a run stopped by Ctrl-C, SIGTERM or SIGHUP (128 +
	// SIGINT, as shells report it).
	ExitInterrupted = 130
)

// Factory carries what every command needs, injected so tests can drive
// commands without a terminal, environment or clock.
type Factory struct {
	IO     *ui.IO
	Getenv func(string) string
	Now    func() time.Time
	// OnSimulator, when set, is called with the simulated clouds a command
	// starts, before the engine opens: tests change them behind the
	// engine's back (drift, deletions).
	OnSimulator func(*sim.Server)
	// LogLevel is how much of the pulumi CLI's output engine runs stream
	// (--verbose, INFRA_LOG); set before a command runs.
	LogLevel engine.LogLevel

	// global holds the root's persistent flags once NewRoot has bound them;
	// a command built alone (a flag test) sees their defaults.
	global *GlobalOptions
}

// Global returns the global flags as parsed (their defaults for a command
// built without the root).
func (f *Factory) Global() *GlobalOptions {
	if f.global == nil {
		f.global = &GlobalOptions{File: f.defaultFile()}
	}
	return f.global
}

// defaultFile is -f's default: INFRA_FILE, else topology.yaml.
func (f *Factory) defaultFile() string {
	if f.Getenv != nil {
		if v := f.Getenv("INFRA_FILE"); v != "" {
			return v
		}
	}
	return "topology.yaml"
}

// GlobalOptions are the flags every command accepts.
type GlobalOptions struct {
	File    string
	JSON    bool
	NoColor bool
	Verbose bool
}

// exitError ends a command with a code after it has already told the user why.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Version is set at build time with -ldflags "-X infra/cmd.Version=...".
var Version = "dev"

// NewRoot builds the command tree. Every verb is registered here, in the
// order `infra --help` lists them, and built by its NewCmdX with a nil runF.
func NewRoot(f *Factory) *cobra.Command {
	g := f.Global()
	root := &cobra.Command{
		Use:   "infra",
		Short: "Multi-cloud Kubernetes, networking and guardrails from one topology file",
		Long: `infra turns one typed topology file into multi-zone Kubernetes clusters, transit
gateways, a cross-cloud WireGuard mesh, guardrails and global load balancers on
IBM Cloud, AWS, Hetzner Cloud and OVHcloud, through the Pulumi engine.

Exit codes: 0 success, 1 error (invalid topology, failed run, guardrail
violation), 2 changes or differences present (with --detailed-exitcode or
--check), 64 usage error (including an unknown --stack, and a command that
needs --yes off a terminal), 130 interrupted (Ctrl-C, SIGTERM or SIGHUP; a
rerun completes the run).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionString(),
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return f.prepare(cmd)
		},
	}
	root.SetVersionTemplate("infra {{.Version}}\n")
	addGlobalFlags(root, f, g)
	root.AddCommand(
		// the topology, offline
		NewCmdInit(f, nil),
		NewCmdValidate(f, nil),
		NewCmdSchema(f, nil),
		NewCmdPlan(f, nil),
		NewCmdGraph(f, nil),
		NewCmdADR(f, nil),
		NewCmdGuardrails(f, nil, nil),
		NewCmdMesh(f, nil),
		NewCmdCost(f, nil),
		// the engine
		NewCmdPreview(f, nil),
		NewCmdUp(f, nil),
		NewCmdRefresh(f, nil),
		NewCmdDrift(f, nil),
		NewCmdDestroy(f, nil),
		NewCmdOutputs(f, nil),
		NewCmdShow(f, nil),
		NewCmdKubeconfig(f, nil),
		NewCmdUnlock(f, nil),
		NewCmdChangeSecretsProvider(f, nil),
		NewCmdDoctor(f, nil),
		NewCmdVersion(f, nil),
	)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{err}
	})
	markRuns(root)
	return root
}

// ranError marks an error a command's run returned, as opposed to one
// cobra returned before any run (an unknown command, a missing required
// flag, too many arguments): those are usage errors, told apart by where
// they come from, not by their wording.
type ranError struct{ error }

func (e ranError) Unwrap() error { return e.error }

// markRuns wraps the run of c and of every command under it so that the
// errors it returns are ranError.
func markRuns(c *cobra.Command) {
	if run := c.RunE; run != nil {
		c.RunE = func(cmd *cobra.Command, args []string) error {
			if err := run(cmd, args); err != nil {
				return ranError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markRuns(sub)
	}
}

// addGlobalFlags binds the flags every command accepts to g, on root (or on
// the parent a flag test gives a lone command).
func addGlobalFlags(root *cobra.Command, f *Factory, g *GlobalOptions) {
	pf := root.PersistentFlags()
	pf.StringVarP(&g.File, "file", "f", f.defaultFile(), "topology file (env INFRA_FILE)")
	pf.BoolVar(&g.JSON, "json", false, "print machine-readable JSON")
	pf.BoolVar(&g.NoColor, "no-color", false, "disable colour (also NO_COLOR)")
	_ = root.RegisterFlagCompletionFunc("file", completeYAML)
	pf.BoolVar(&g.Verbose, "verbose", false, "stream the pulumi CLI's output (env INFRA_LOG=verbose; INFRA_LOG=debug adds pulumi's -v=8); every run also writes it to .infra/logs/")
}

// prepare applies the global flags before any command runs.
func (f *Factory) prepare(cmd *cobra.Command) error {
	g := f.Global()
	if g.NoColor {
		f.IO.Color = false
	}
	level, err := engine.ParseLogLevel(f.Getenv("INFRA_LOG"))
	if err != nil {
		return usageError{err}
	}
	if g.Verbose && level < engine.LogVerbose {
		level = engine.LogVerbose
	}
	f.LogLevel = level
	if level > engine.LogQuiet {
		// Streamed lines and a live view that redraws in place
		// would fight: plain progress lines instead.
		f.IO.ErrTTY = false
	}
	if g.JSON && noJSON[cmd.Name()] {
		return usageError{fmt.Errorf("infra %s has no JSON output: drop --json", cmd.Name())}
	}
	return nil
}

// noJSON are the commands whose output has no JSON form: --json is refused
// there rather than silently ignored.
var noJSON = map[string]bool{"graph": true, "init": true, "change-secrets-provider": true, "completion": true}

type usageError struct{ error }

// Execute runs the CLI with the process's streams and returns the exit code.
// The commands that run the engine take the interrupt signals while they
// run (watchInterrupt).
func Execute(ctx context.Context) int {
	noColor := false
	for _, a := range os.Args[1:] {
		if a == "--no-color" {
			noColor = true
		}
	}
	f := &Factory{IO: ui.System(noColor), Getenv: os.Getenv, Now: time.Now}
	return Run(ctx, f, os.Args[1:])
}

// Run executes args against f and maps the outcome to an exit code.
func Run(ctx context.Context, f *Factory, args []string) int {
	if f.Getenv("NO_COLOR") != "" { // https://no-color.org
		f.IO.Color = false
	}
	root := NewRoot(f)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.Err)
	failed, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	t := ui.NewTheme(f.IO.Err, f.IO.Color)
	var ue usageError
	var ran ranError
	usage := errors.As(err, &ue) || !errors.As(err, &ran)
	if jsonFlag(root, args) {
		// Under --json the error is JSON on stdout too, for the machine
		// that reads it; people still read stderr.
		code := ExitError
		if usage {
			code = ExitUsage
		}
		_ = ui.WriteError(f.IO.Out, err.Error(), code)
	}
	if usage {
		path := "infra"
		if failed != nil {
			path = failed.CommandPath()
		}
		fmt.Fprintf(f.IO.Err, "%s %v\nRun '%s --help' for usage.\n", t.Error.Render("error:"), err, path)
		return ExitUsage
	}
	var ds topology.Diagnostics
	if errors.As(err, &ds) {
		renderDiagnostics(f.IO, ds)
		return ExitError
	}
	fmt.Fprintf(f.IO.Err, "%s %v\n", t.Error.Render("error:"), err)
	return ExitError
}

// jsonFlag reports whether --json was given, even when parsing the flags
// failed.
func jsonFlag(root *cobra.Command, args []string) bool {
	if fl := root.PersistentFlags().Lookup("json"); fl != nil && fl.Changed {
		return fl.Value.String() == "true"
	}
	for _, a := range args {
		if a == "--json" || a == "--json=true" {
			return true
		}
	}
	return false
}

// invalidTopology is loadSpec's error for a topology with errors, after it
// has printed them: it exits 1 like exitError, and keeps the diagnostics for
// views that report them elsewhere (the pull-request comment).
type invalidTopology struct{ ds topology.Diagnostics }

func (e *invalidTopology) Error() string { return "invalid topology" }

// Unwrap makes the error exit with ExitError, already reported.
func (e *invalidTopology) Unwrap() error { return exitError{ExitError} }

// loadSpec loads the topology and renders its diagnostics on failure. Commands
// that need a valid spec call it; warnings are printed to stderr and loading goes on.
func (f *Factory) loadSpec() (*topology.Spec, error) {
	spec, warnings, err := f.loadSpecWarnings()
	if err == nil {
		renderDiagnostics(f.IO, warnings) // loading goes on
	}
	return spec, err
}

// loadSpecWarnings is loadSpec for commands that report the topology's
// warnings with their own findings (guardrails check, plan's annotations):
// it returns them instead of printing them.
func (f *Factory) loadSpecWarnings() (*topology.Spec, topology.Diagnostics, error) {
	g := f.Global()
	spec, ds, err := topology.Load(g.File)
	if err == nil {
		// the derived network model can still reject a valid-looking spec
		if nds := network.Validate(spec); nds.HasErrors() {
			ds = append(ds, nds...).Sort()
			spec, err = nil, ds
		}
	}
	if err != nil {
		var lds topology.Diagnostics
		if errors.As(err, &lds) && g.JSON {
			_ = ui.NewDiagnosticsView(f.IO, true).Diagnostics(g.File, nil, lds)
			return nil, nil, &invalidTopology{lds}
		}
		if errors.As(err, &lds) {
			// The verdict validate prints, and what to run next.
			_ = ui.NewDiagnosticsView(f.IO, false).Diagnostics(g.File, nil, lds)
			t := ui.NewTheme(f.IO.Err, f.IO.Color)
			fmt.Fprintf(f.IO.Err, "  %s\n", t.Dim.Render(fmt.Sprintf("fix it, then run `infra validate -f %s`", g.File)))
			return nil, nil, &invalidTopology{lds}
		}
		return nil, nil, err
	}
	return spec, ds, nil
}

// renderDiagnostics writes diagnostics for people on stderr, the one way
// cmd prints them (ui.RenderDiagnostics), and counts the errors.
func renderDiagnostics(io *ui.IO, ds topology.Diagnostics) (errs int) {
	errs, _ = ui.RenderDiagnostics(io.Err, ui.NewTheme(io.Err, io.Color), ds)
	return errs
}
