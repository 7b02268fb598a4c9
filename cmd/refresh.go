package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/ui"
)

// RefreshOptions are the inputs of `infra refresh`.
type RefreshOptions struct {
	OperationOptions
	DetailedExitcode bool
	PreviewOnly      bool
	Yes              bool
	// Diff lists the old and new value of every drifted property.
	Diff bool
}

// NewCmdRefresh builds `infra refresh`; runF, when set, replaces the run
// (flag tests).
func NewCmdRefresh(f *Factory, runF func(*RefreshOptions) error) *cobra.Command {
	opts := &RefreshOptions{OperationOptions: newOperationOptions(f)}
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
		RunE:    operationRunE(f, &opts.OperationOptions, opts, nil, runF, runRefresh),
	}
	opts.Engine.register(cmd, f)
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 0 without drift, 2 with drift, 1 on error")
	cmd.Flags().BoolVar(&opts.Diff, "diff", false, "list the old and new value of every drifted property (--json always has them)")
	cmd.Flags().BoolVar(&opts.PreviewOnly, "preview-only", false, "report the drift and leave the state as it is (read-only)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "write the drift into the state without asking (required when stdin is not a terminal)")
	cmd.MarkFlagsMutuallyExclusive("preview-only", "yes")
	return cmd
}

func runRefresh(ctx context.Context, opts *RefreshOptions) error {
	if !opts.PreviewOnly {
		if err := needYes(opts.IO, "refresh", "writes the clouds' view into the state", "--preview-only to only look", opts.Yes); err != nil {
			return err
		}
	}
	return runOperation(ctx, &opts.OperationOptions, nil, func(op *operation) error {
		var res *engine.Result
		if opts.Yes {
			res = op.run(engine.Refresh)
		} else {
			// Read-only first: the drift, shown before anything is written.
			res = op.run(engine.PreviewRefresh)
			if !opts.PreviewOnly && res.Err() == nil && res.HasChanges() {
				if !opts.JSON {
					if err := ui.NewRunView(opts.IO, false, ui.RunOptions{Then: engine.Refresh, Diff: opts.Diff}).Result(res); err != nil {
						return err
					}
				}
				n, stacks := changeCounts(res)
				q := fmt.Sprintf("Write the drift of %s in %s into the state?", plural(n, "resource"), plural(stacks, "stack"))
				if err := op.ask(opts.IO, false, q, "The state is unchanged."); err != nil {
					return err
				}
				res = op.run(engine.Refresh)
			}
		}
		if err := ui.NewRunView(opts.IO, opts.JSON, ui.RunOptions{Diff: opts.Diff}).Result(res); err != nil {
			return err
		}
		return finish(res, opts.DetailedExitcode)
	})
}
