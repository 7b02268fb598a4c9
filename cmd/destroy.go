package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/ui"
)

// DestroyOptions are the inputs of `infra destroy`.
type DestroyOptions struct {
	OperationOptions
	Yes bool
}

// NewCmdDestroy builds `infra destroy`; runF, when set, replaces the run
// (flag tests).
func NewCmdDestroy(f *Factory, runF func(*DestroyOptions) error) *cobra.Command {
	opts := &DestroyOptions{OperationOptions: newOperationOptions(f)}
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
		RunE:    operationRunE(f, &opts.OperationOptions, opts, nil, runF, runDestroy),
	}
	opts.Engine.register(cmd, f)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "destroy without asking (required when stdin is not a terminal)")
	return cmd
}

func runDestroy(ctx context.Context, opts *DestroyOptions) error {
	if err := needYes(opts.IO, "destroy", "deletes your infrastructure", "", opts.Yes); err != nil {
		return err
	}
	return runOperation(ctx, &opts.OperationOptions, nil, func(op *operation) error {
		total, deployed := 0, 0
		expect := map[string]int{}
		for _, name := range op.s.stackNames() {
			if n, ok := op.s.Deployed(name); ok && n > 0 {
				total += n
				deployed++
				expect[name] = n
			}
		}
		sim := ""
		if op.s.Simulated() {
			sim = " (SIMULATED)"
		}
		q := fmt.Sprintf("Destroy %s in %s of %s%s? This cannot be undone.",
			plural(total, "resource"), plural(deployed, "stack"), op.spec.Name, sim)
		if err := op.ask(opts.IO, opts.Yes, q, "Nothing destroyed."); err != nil {
			return err
		}
		op.progress.Expect(expect)
		res := op.run(engine.Destroy)
		if err := ui.NewRunView(opts.IO, opts.JSON, ui.RunOptions{}).Result(res); err != nil {
			return err
		}
		return runResult(res)
	})
}
