package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/topology"
	"infra/ui"
)

func init() { extraCommands = append(extraCommands, newOutputsCmd) }

// OutputsOptions are the inputs of `infra outputs`.
type OutputsOptions struct {
	F           *Factory
	LoadSpec    func() (*topology.Spec, error)
	JSON        bool
	Engine      EngineFlags
	ShowSecrets bool
}

func newOutputsCmd(f *Factory, g *GlobalOptions) *cobra.Command {
	opts := &OutputsOptions{F: f}
	cmd := &cobra.Command{
		Use:   "outputs",
		Short: "Print the deployed outputs of every stack",
		Long: `Outputs reads every stack's outputs from the backend: cluster endpoints,
ingress addresses, mesh gateway addresses and public keys, and so on. Secret
outputs (private keys, tokens) print as [secret] unless --show-secrets.`,
		Example: "  infra outputs\n  infra outputs --stack global --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = g.JSON
			opts.LoadSpec = func() (*topology.Spec, error) { return loadSpec(f, g) }
			return runOutputs(cmd.Context(), opts)
		},
	}
	opts.Engine.register(cmd)
	cmd.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "print secret outputs in plaintext")
	return cmd
}

func runOutputs(ctx context.Context, opts *OutputsOptions) error {
	spec, err := opts.LoadSpec()
	if err != nil {
		return err
	}
	s, err := startEngine(ctx, opts.F, spec, &opts.Engine, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	res := s.Outputs()
	if err := ui.NewOutputsView(opts.F.IO, opts.JSON, opts.ShowSecrets).Outputs(res); err != nil {
		return err
	}
	// A stack that cannot be read (a damaged checkpoint) is named, and
	// fails the command; the others are printed all the same.
	t := ui.NewTheme(opts.F.IO.Err, opts.F.IO.Color)
	failed := false
	for _, r := range res.Stacks {
		if r.Status == engine.Failed && r.Err != nil {
			fmt.Fprintf(opts.F.IO.Err, "%s %s: %v\n", t.Error.Render("✗"), r.Name, r.Err)
			failed = true
		}
	}
	if failed {
		return exitError{ExitError}
	}
	return nil
}
