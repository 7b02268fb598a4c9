package cmd

import (
	"context"

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
}

func newRefreshCmd(f *Factory, g *GlobalOptions) *cobra.Command {
	opts := &RefreshOptions{F: f}
	cmd := &cobra.Command{
		Use:   "refresh",
		Short: "Read every resource back from the clouds and report drift",
		Long: `Refresh asks the clouds for every deployed resource and compares it with the
state: resources changed outside infra (drifted, with the properties that
differ) and resources deleted outside infra (gone). The state is updated to
what the clouds say, so the next ` + "`infra up`" + ` puts the topology back.

All stacks refresh at once (within --parallel): refresh needs no outputs of
other stacks. Stacks never deployed are skipped.`,
		Example: "  infra refresh\n  infra refresh --json --detailed-exitcode",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = g.JSON
			opts.LoadSpec = func() (*topology.Spec, error) { return loadSpec(f, g) }
			return runRefresh(cmd.Context(), opts)
		},
	}
	opts.Engine.register(cmd)
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 0 without drift, 2 with drift, 1 on error")
	return cmd
}

func runRefresh(ctx context.Context, opts *RefreshOptions) error {
	f := opts.F
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
	progress.Start(engine.Refresh, spec.Name, s.stackNames(), s.Simulated())
	res := s.Refresh(ctx)
	progress.Stop()
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
