package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/topology"
	"infra/ui"
)

func init() { extraCommands = append(extraCommands, newRefreshCmd) }

// RefreshOptions are the inputs of `infra refresh`.
type RefreshOptions struct {
	F                *Factory
	LoadSpec         func() (*topology.Spec, error)
	JSON             bool
	Engine           EngineFlags
	DetailedExitcode bool
	PreviewOnly      bool
	Yes              bool
}

func newRefreshCmd(f *Factory, g *GlobalOptions) *cobra.Command {
	opts := &RefreshOptions{F: f}
	cmd := &cobra.Command{
		Use:   "refresh",
		Short: "Read every resource back from the clouds and report drift",
		Long: `Refresh asks the clouds for every deployed resource and compares it with the
state: resources changed outside infra (drifted, with the properties that
differ) and resources deleted outside infra (gone). It then writes what the
clouds say into the state, which accepts the drift: the next ` + "`infra up`" + `
no longer sees it.

On a terminal it shows the drift first and asks before writing the state;
--yes skips the question and is required when stdin is not a terminal.
--preview-only reports the drift and writes nothing, so a drift check in CI
needs no confirmation and no write access to the backend; with
--detailed-exitcode it exits 2 when there is drift.

All stacks refresh at once (within --parallel): refresh needs no outputs of
other stacks. Stacks never deployed are skipped.`,
		Example: "  infra refresh\n  infra refresh --preview-only --json --detailed-exitcode",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = g.JSON
			opts.LoadSpec = func() (*topology.Spec, error) { return loadSpec(f, g) }
			return runRefresh(cmd.Context(), opts)
		},
	}
	opts.Engine.register(cmd)
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 0 without drift, 2 with drift, 1 on error")
	cmd.Flags().BoolVar(&opts.PreviewOnly, "preview-only", false, "report the drift and leave the state as it is (read-only)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "write the drift into the state without asking (required when stdin is not a terminal)")
	cmd.MarkFlagsMutuallyExclusive("preview-only", "yes")
	return cmd
}

func runRefresh(ctx context.Context, opts *RefreshOptions) error {
	f := opts.F
	if !opts.PreviewOnly {
		if err := needYes(f, "refresh", "writes the clouds' view into the state", "--preview-only to only look", opts.Yes); err != nil {
			return err
		}
	}
	spec, err := opts.LoadSpec()
	if err != nil {
		return err
	}
	progress := ui.NewProgressView(f.IO)
	in := watchInterrupt(f, progress)
	defer in.Close()
	s, err := startEngine(ctx, f, spec, &opts.Engine, progress, in.options()...)
	if err != nil {
		return err
	}
	defer s.Close()
	if in.stopped() {
		return exitError{ExitInterrupted}
	}
	var res *engine.Result
	if opts.Yes {
		progress.Start(engine.Refresh, spec.Name, s.stackNames(), s.Simulated())
		res = s.Refresh(ctx)
		progress.Stop()
	} else {
		// Read-only first: the drift, shown before anything is written.
		progress.Start(engine.PreviewRefresh, spec.Name, s.stackNames(), s.Simulated())
		res = s.PreviewRefresh(ctx)
		progress.Stop()
		if !opts.PreviewOnly && res.Err() == nil && res.HasChanges() {
			if !opts.JSON {
				if err := ui.NewRunView(f.IO, false, ui.RunOptions{Then: engine.Refresh}).Result(res); err != nil {
					return err
				}
			}
			n, stacks := changeCounts(res)
			ok, err := confirm(f, in.stop, fmt.Sprintf("Write the drift of %s in %s into the state?", plural(n, "resource"), plural(stacks, "stack")))
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(f.IO.Err, "The state is unchanged.")
				return exitError{ExitError}
			}
			if in.stopped() {
				return exitError{ExitInterrupted}
			}
			progress.Start(engine.Refresh, spec.Name, s.stackNames(), s.Simulated())
			res = s.Refresh(ctx)
			progress.Stop()
		}
	}
	if err := ui.NewRunView(f.IO, opts.JSON, ui.RunOptions{}).Result(res); err != nil {
		return err
	}
	if err := runResult(res); err != nil {
		return err
	}
	if opts.DetailedExitcode && res.HasChanges() {
		return exitError{ExitChanges}
	}
	return nil
}
