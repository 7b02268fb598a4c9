package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/topology"
	"infra/ui"
)

func init() { extraCommands = append(extraCommands, newDestroyCmd) }

// DestroyOptions are the inputs of `infra destroy`.
type DestroyOptions struct {
	F        *Factory
	LoadSpec func() (*topology.Spec, error)
	JSON     bool
	Engine   EngineFlags
	Yes      bool
}

func newDestroyCmd(f *Factory, g *GlobalOptions) *cobra.Command {
	opts := &DestroyOptions{F: f}
	cmd := &cobra.Command{
		Use:   "destroy",
		Short: "Delete every resource of the topology, in reverse order",
		Long: `Destroy deletes every deployed resource: the global stack first, then the
regions, then the landing zones, each stack only after every stack that depends
on it is gone. When one fails, the stacks it depends on are kept (deleting them
would pull the ground from under it) and the summary says so. The stacks stay,
empty, with their history.

It asks for confirmation; --yes skips it and is required when stdin is not a
terminal.`,
		Example: "  infra destroy\n  INFRA_PASSPHRASE=demo infra destroy --simulate --yes -f examples/multicloud.yaml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = g.JSON
			opts.LoadSpec = func() (*topology.Spec, error) { return loadSpec(f, g) }
			return runDestroy(cmd.Context(), opts)
		},
	}
	opts.Engine.register(cmd)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "destroy without asking (required when stdin is not a terminal)")
	return cmd
}

func runDestroy(ctx context.Context, opts *DestroyOptions) error {
	f := opts.F
	if err := needYes(f, "destroy", "deletes your infrastructure", "", opts.Yes); err != nil {
		return err
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

	total, deployed := 0, 0
	for _, name := range s.stackNames() {
		if n, ok := s.Deployed(name); ok && n > 0 {
			total += n
			deployed++
		}
	}
	if !opts.Yes {
		sim := ""
		if s.Simulated() {
			sim = " (SIMULATED)"
		}
		ok, err := confirm(f, in.stop, fmt.Sprintf("Destroy %s in %s of %s%s? This cannot be undone.",
			plural(total, "resource"), plural(deployed, "stack"), spec.Name, sim))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(f.IO.Err, "Nothing destroyed.")
			if in.stopped() {
				return exitError{ExitInterrupted}
			}
			return exitError{ExitError}
		}
	}
	progress.Start(engine.Destroy, spec.Name, s.stackNames(), s.Simulated())
	res := s.Destroy(ctx)
	progress.Stop()
	if err := ui.NewRunView(f.IO, opts.JSON, ui.RunOptions{}).Result(res); err != nil {
		return err
	}
	return runResult(res)
}
