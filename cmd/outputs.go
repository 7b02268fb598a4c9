package cmd

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/stacks"
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
	// Stack and Name narrow the command to one stack, or one output of it
	// (infra outputs STACK NAME); Raw prints that output's value alone.
	Stack, Name string
	Raw         bool
}

// NewCmdOutputs builds `infra outputs`; runF, when set, replaces the run
// (flag tests).
func NewCmdOutputs(f *Factory, runF func(*OutputsOptions) error) *cobra.Command {
	opts := &OutputsOptions{IO: f.IO, LoadSpec: f.loadSpec}
	cmd := &cobra.Command{
		Use:   "outputs [STACK [NAME]]",
		Short: "Print the deployed outputs of every stack",
		Long: `Outputs reads every stack's outputs from the backend: cluster endpoints,
ingress addresses, mesh gateway addresses and public keys, and so on. Secret
outputs (private keys, tokens) print as [secret] unless --show-secrets.`,
		Example: "  infra outputs\n  infra outputs --stack mesh --json\n" +
			"  infra outputs mesh meshGateways\n  infra outputs aws-us-east-1-prod clusterEndpoint --raw",
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = f.Global().JSON
			if len(args) > 0 {
				opts.Stack = args[0]
			}
			if len(args) > 1 {
				opts.Name = args[1]
			}
			if opts.Raw && opts.Name == "" {
				return usageError{errors.New("--raw prints one output: name it (infra outputs STACK NAME --raw)")}
			}
			opts.Open = f.engineOpener(&opts.Engine)
			return runOrCtx(cmd.Context(), opts, runF, runOutputs)
		},
	}
	opts.Engine.register(cmd, f)
	cmd.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "print secret outputs in plaintext")
	cmd.Flags().BoolVar(&opts.Raw, "raw", false, "with STACK NAME, print the value alone: a string without quotes, anything else as JSON (for scripts, like terraform output -raw)")
	return cmd
}

func runOutputs(ctx context.Context, opts *OutputsOptions) error {
	_, res, err := readDeployed(ctx, opts.LoadSpec, opts.Open)
	if err != nil {
		return err
	}
	if opts.Stack != "" {
		var r *engine.StackResult
		var names []string
		for _, sr := range res.Stacks {
			names = append(names, sr.Name)
			if sr.Name == opts.Stack {
				r = sr
			}
		}
		if r == nil {
			err := fmt.Errorf("no stack %q in this topology; the stacks are %s", opts.Stack, strings.Join(names, ", "))
			if opts.Stack == stacks.LegacyGlobalName {
				err = fmt.Errorf("%w (%s was split into %s, %s, %s and %s: the mesh gateways' outputs are in %s)", err, stacks.LegacyGlobalName,
					stacks.TransitIBMName, stacks.TransitAWSName, stacks.MeshName, stacks.GLBName, stacks.MeshName)
			}
			return usageError{err}
		}
		if opts.Name != "" {
			return printOutput(opts, r)
		}
		res.Stacks = []*engine.StackResult{r}
	}
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

// printOutput prints one output of a stack: its JSON value, or with --raw a
// string as it is. A secret needs --show-secrets.
func printOutput(opts *OutputsOptions, r *engine.StackResult) error {
	if r.Status == engine.Failed && r.Err != nil {
		return fmt.Errorf("%s: %w", r.Name, r.Err)
	}
	v, ok := r.Outputs[opts.Name]
	if !ok {
		keys := slices.Sorted(maps.Keys(r.Outputs))
		if len(keys) == 0 {
			return usageError{fmt.Errorf("stack %s has no outputs: is it deployed?", r.Name)}
		}
		return usageError{fmt.Errorf("stack %s has no output %q; it has %s", r.Name, opts.Name, strings.Join(keys, ", "))}
	}
	if v.Secret && !opts.ShowSecrets {
		return usageError{fmt.Errorf("%s of %s is secret: pass --show-secrets to print it", opts.Name, r.Name)}
	}
	return ui.WriteOutputValue(opts.IO.Out, v.Value, opts.Raw)
}
