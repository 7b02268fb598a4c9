package cmd

import (
	"github.com/spf13/cobra"

	"infra/network"
	"infra/topology"
	"infra/ui"
)

// ValidateOptions are the inputs of `infra validate`.
type ValidateOptions struct {
	IO   *ui.IO
	File string
	JSON bool
}

// NewCmdValidate builds `infra validate`; runF, when set, replaces the run
// (flag tests).
func NewCmdValidate(f *Factory, runF func(*ValidateOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check a topology file and report every problem with file:line:col",
		Long: `Validate decodes the topology strictly, applies defaults and checks it: unknown
fields, types, CIDR overlaps, regions and zones, names, load-balancer pools and
guardrails. Every problem is reported in one run; the exit code is 1 if any is
an error.`,
		Example: "  infra validate -f examples/multicloud.yaml\n  infra validate --json | jq .diagnostics",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			g := f.Global()
			opts := &ValidateOptions{IO: f.IO, File: g.File, JSON: g.JSON}
			if runF != nil {
				return runF(opts)
			}
			return runValidate(opts)
		},
	}
}

func runValidate(opts *ValidateOptions) error {
	spec, ds, _ := topology.Load(opts.File)
	if spec != nil {
		ds = append(ds, network.Validate(spec)...).Sort()
		if ds.HasErrors() {
			spec = nil
		}
	}
	if err := ui.NewDiagnosticsView(opts.IO, opts.JSON).Diagnostics(opts.File, spec, ds); err != nil {
		return err
	}
	if ds.HasErrors() {
		return exitError{ExitError}
	}
	return nil
}
