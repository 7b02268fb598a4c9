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
	// Format is text, json, github or sarif.
	Format string
}

// validateFormats are validate's --format values.
var validateFormats = append([]string{"text", ui.FormatJSON}, ui.AnnotationFormats...)

// NewCmdValidate builds `infra validate`; runF, when set, replaces the run
// (flag tests).
func NewCmdValidate(f *Factory, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check a topology file and report every problem with file:line:col",
		Long: `Validate decodes the topology strictly, applies defaults and checks it: unknown
fields, types, CIDR overlaps, regions and zones, names, load-balancer pools and
guardrails. Every problem is reported in one run, with the id of the rule that
found it; the exit code is 1 if any is an error.

--format github prints GitHub Actions workflow commands (::error file=…,line=…),
which GitHub shows as annotations on the pull request's lines; --format sarif
prints a SARIF 2.1.0 log for code-scanning uploads; --json (--format json) the
validate document.`,
		Example: "  infra validate -f examples/multicloud.yaml\n  infra validate --json | jq .diagnostics\n  infra validate --format github",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			g := f.Global()
			opts.File = g.File
			if err := resolveFormat(cmd, g, &opts.Format, validateFormats); err != nil {
				return err
			}
			return runOr(opts, runF, runValidate)
		},
	}
	addFormatFlag(cmd, &opts.Format, "text", validateFormats)
	return cmd
}

func runValidate(opts *ValidateOptions) error {
	spec, ds, _ := topology.Load(opts.File)
	if spec != nil {
		ds = append(ds, network.Validate(spec)...).Sort()
		if ds.HasErrors() {
			spec = nil
		}
	}
	if ui.IsAnnotationFormat(opts.Format) {
		return annotations(opts.IO, opts.Format, opts.File, ds)
	}
	if err := ui.NewDiagnosticsView(opts.IO, opts.Format == ui.FormatJSON).Diagnostics(opts.File, spec, ds); err != nil {
		return err
	}
	if ds.HasErrors() {
		return exitError{ExitError}
	}
	return nil
}
