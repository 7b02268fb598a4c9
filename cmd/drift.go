package cmd

import (
	"bytes"
	"context"
	"os"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/ui"
)

// DriftOptions are the inputs of `infra drift`.
type DriftOptions struct {
	OperationOptions
	DetailedExitcode bool
	// Markdown and JSONReport are files to write the report to.
	Markdown   string
	JSONReport string
}

// NewCmdDrift builds `infra drift`; runF, when set, replaces the run (flag
// tests).
func NewCmdDrift(f *Factory, runF func(*DriftOptions) error) *cobra.Command {
	opts := &DriftOptions{OperationOptions: newOperationOptions(f)}
	cmd := &cobra.Command{
		Use:   "drift",
		Short: "Report what changed outside infra, read-only",
		Long: `Drift reads every deployed resource back from the clouds without writing the
state (pulumi's refresh --preview-only) and reports, per stack, each property
whose value in the cloud is not the deployed one (property, expected, actual)
and each resource deleted outside infra. It changes nothing, so it needs read
access only: to the clouds and to the backend (see docs/drift.md for the
minimal permissions per cloud).

--detailed-exitcode exits 2 when there is drift; --markdown FILE and
--json-report FILE write the report, for a scheduled job to open or update an
issue with (docs/workflows/drift.yml).`,
		Example: "  infra drift --detailed-exitcode --markdown drift.md --json-report drift.json",
		Args:    cobra.NoArgs,
		RunE:    operationRunE(f, &opts.OperationOptions, opts, nil, runF, runDrift),
	}
	opts.Engine.register(cmd, nil)
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 0 without drift, 2 with drift, 1 on error")
	cmd.Flags().StringVar(&opts.Markdown, "markdown", "", "also write the report in markdown to this file")
	cmd.Flags().StringVar(&opts.JSONReport, "json-report", "", "also write the report in JSON to this file")
	return cmd
}

func runDrift(ctx context.Context, opts *DriftOptions) error {
	return runOperation(ctx, &opts.OperationOptions, nil, func(op *operation) error {
		op.progress.Start(engine.PreviewRefresh, op.spec.Name, op.s.stackNames(), op.s.Simulated())
		res, rep := op.s.Drift(op.ctx)
		op.progress.Stop()
		if opts.Markdown != "" {
			var b bytes.Buffer
			ui.RenderDriftMarkdown(&b, rep)
			if err := os.WriteFile(opts.Markdown, b.Bytes(), 0o644); err != nil {
				return err
			}
		}
		if opts.JSONReport != "" {
			// the same document as --json prints
			var b bytes.Buffer
			if err := ui.WriteDriftJSON(&b, rep); err != nil {
				return err
			}
			if err := os.WriteFile(opts.JSONReport, b.Bytes(), 0o644); err != nil {
				return err
			}
		}
		if opts.JSON {
			if err := ui.WriteDriftJSON(opts.IO.Out, rep); err != nil {
				return err
			}
		} else {
			ui.RenderDrift(opts.IO, rep)
		}
		if err := runResult(res); err != nil {
			return err
		}
		if opts.DetailedExitcode && rep.Drifted {
			return exitError{ExitChanges}
		}
		return nil
	})
}
