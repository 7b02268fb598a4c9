package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/topology"
	"infra/ui"
)

// OutputsOptions are the inputs of `infra outputs`.
type OutputsOptions struct {
	IO          *ui.IO
	LoadSpec    func() (*topology.Spec, error)
	Open        engineOpener
	Engine      EngineFlags
	JSON        bool
	ShowSecrets bool
}

// NewCmdOutputs builds `infra outputs`; runF, when set, replaces the run
// (flag tests).
func NewCmdOutputs(f *Factory, runF func(*OutputsOptions) error) *cobra.Command {
	opts := &OutputsOptions{IO: f.IO, LoadSpec: f.loadSpec}
	cmd := &cobra.Command{
		Use:   "outputs",
		Short: "Print the deployed outputs of every stack",
		Long: `Outputs reads every stack's outputs from the backend: cluster endpoints,
ingress addresses, mesh gateway addresses and public keys, and so on. Secret
outputs (private keys, tokens) print as [secret] unless --show-secrets.`,
		Example: "  infra outputs\n  infra outputs --stack global --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = f.Global().JSON
			opts.Open = f.engineOpener(&opts.Engine)
			if runF != nil {
				return runF(opts)
			}
			return runOutputs(cmd.Context(), opts)
		},
	}
	opts.Engine.register(cmd)
	opts.Engine.registerCompletion(cmd, f)
	cmd.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "print secret outputs in plaintext")
	return cmd
}

func runOutputs(ctx context.Context, opts *OutputsOptions) error {
	spec, err := opts.LoadSpec()
	if err != nil {
		return err
	}
	s, err := opts.Open(ctx, spec, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	res := s.Outputs()
	if err := ui.NewOutputsView(opts.IO, opts.JSON, opts.ShowSecrets).Outputs(res); err != nil {
		return err
	}
	// A stack that cannot be read (a damaged checkpoint) is named, and
	// fails the command; the others are printed all the same.
	t := ui.NewTheme(opts.IO.Err, opts.IO.Color)
	failed := false
	for _, r := range res.Stacks {
		if r.Status == engine.Failed && r.Err != nil {
			fmt.Fprintf(opts.IO.Err, "%s %s: %v\n", t.Error.Render("✗"), r.Name, r.Err)
			failed = true
		}
	}
	if failed {
		return exitError{ExitError}
	}
	return nil
}
