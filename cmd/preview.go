package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/plan"
	"infra/ui"
)

// PreviewOptions are the inputs of `infra preview`.
type PreviewOptions struct {
	OperationOptions
	// File is the topology file, which the comment names.
	File string
	// Getenv reads the CI's commit and run for the comment.
	Getenv           func(string) string
	Comment          string
	DetailedExitcode bool
	// Diff lists the old and new value of every changed property.
	Diff bool
	// FullPreview is where to write the preview uncut, for CI to upload.
	FullPreview string
	// Out is where to write the reviewed plan bundle (see bundle.go).
	Out string
	// Changed runs only the stacks a change affects (see changed.go).
	Changed ChangedFlags
	// MaxMonthlyCost fails the preview when the estimate is higher (0: none).
	MaxMonthlyCost float64
}

// NewCmdPreview builds `infra preview`; runF, when set, replaces the run
// (flag tests).
func NewCmdPreview(f *Factory, runF func(*PreviewOptions) error) *cobra.Command {
	opts := &PreviewOptions{OperationOptions: newOperationOptions(f), Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "preview",
		Short: "Show what `infra up` would change, stack by stack, through the real engine",
		Long: `Preview runs every stack's program through the Pulumi engine and shows what an
up would create, update, replace and delete, per stack. Stacks not deployed yet
see the outputs of the stacks they depend on as unknown.

A live line per stack on a terminal, plain lines in CI; then a summary table,
with replacements and deletions called out. --json prints the result for
machines; --comment FILE writes a markdown pull-request comment (summary,
warnings, guardrail results, per-stack details with old → new values, the
topology diagram), kept under GitHub's 65,536-character limit. The comment is
written on every outcome: an invalid topology, a mandatory guardrail violation
or an engine that cannot start gets one that says so, with the diagnostics. It
names the commit (INFRA_COMMIT, else GITHUB_SHA) and, in GitHub Actions, links
the run. --full-preview FILE writes the whole preview too, for the workflow to
upload as an artifact. --diff lists the old and new value of each changed
property on the terminal (--json always has them).

Needs a passphrase for the secrets provider (INFRA_PASSPHRASE). With --simulate
(or INFRA_SIMULATE=1) it runs against simulated clouds and needs no account;
INFRA_SIM_FAIL and INFRA_SIM_LATENCY inject faults and latency there.`,
		Example: "  INFRA_PASSPHRASE=demo infra preview --simulate -f examples/multicloud.yaml\n" +
			"  infra preview --comment preview.md --detailed-exitcode",
		Args: cobra.NoArgs,
		RunE: operationRunE(f, &opts.OperationOptions, opts, func() {
			opts.File = f.Global().File
		}, runF, runPreview),
	}
	opts.Engine.register(cmd, f)
	cmd.Flags().StringVar(&opts.Comment, "comment", "", "also write a markdown pull-request comment to this file")
	cmd.Flags().BoolVar(&opts.Diff, "diff", false, "list the old and new value of every changed property (--json always has them)")
	cmd.Flags().StringVar(&opts.FullPreview, "full-preview", "", "with --comment, also write the whole preview, never cut, to this file (for CI to upload as an artifact; a cut comment points at it)")
	cmd.Flags().Float64Var(&opts.MaxMonthlyCost, "max-monthly-cost", 0, "fail (a guardrail violation) when the estimated monthly list price in USD is higher; the topology's budget: does the same")
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 0 with no changes, 2 with changes, 1 on error")
	cmd.Flags().StringVar(&opts.Out, "out", "", "also write the reviewed plan bundle to this file, to apply with infra up --plan (and read with infra show)")
	opts.Changed.register(cmd)
	return cmd
}

func runPreview(ctx context.Context, opts *PreviewOptions) error {
	return runOperation(ctx, &opts.OperationOptions, opts.commentOnFailure, func(op *operation) error {
		if err := op.deployable(opts.IO, opts.Getenv); err != nil {
			return err
		}
		if none, err := opts.Changed.apply(op, opts.IO, opts.File, opts.Engine.Stacks); none || err != nil {
			return err
		}
		res, err := previewRun(op, opts)
		if err != nil {
			return err
		}
		// The offline plan prices the topology; the state prices what is
		// deployed: the change in the monthly estimate.
		p, perr := plan.Generate(op.ctx, op.s.Graph())
		var change *ui.CostChange
		if perr == nil {
			change = costChange(op.s.Engine, p)
		}
		if err := ui.NewRunView(opts.IO, opts.JSON, ui.RunOptions{Diff: opts.Diff, Bundle: opts.Out, Cost: change}).Result(res); err != nil {
			return err
		}
		opts.Changed.summary(opts.IO, res)
		if perr != nil {
			return fmt.Errorf("cost estimate: %w", perr)
		}
		if !opts.JSON {
			ui.CostChangeTable(opts.IO.Out, ui.NewTheme(opts.IO.Out, opts.IO.Color), change)
		}
		if opts.Comment != "" {
			if err := writeComment(opts, op.s.Engine, res, p); err != nil {
				return err
			}
		}
		if err := runResult(res); err != nil {
			return err
		}
		if err := overBudget(opts.IO, ui.NewTheme(opts.IO.Err, opts.IO.Color), op.s.Graph().Spec, opts.File, p.Cost, opts.MaxMonthlyCost, true); err != nil {
			return err
		}
		return finish(res, opts.DetailedExitcode)
	})
}

func (s *session) stackNames() []string {
	return ui.StackNames(s.Outputs())
}

// comment is the part of a pull-request comment every outcome has: the
// marker's key, the commit and the CI run (GitHub Actions' environment;
// INFRA_COMMIT overrides the commit, since on a pull_request event
// GITHUB_SHA is the merge commit GitHub made, not the pushed head).
func (opts *PreviewOptions) comment() ui.Comment {
	env := opts.Getenv
	c := ui.Comment{File: opts.File, Commit: env("INFRA_COMMIT"), FullPreview: opts.FullPreview}
	if c.Commit == "" {
		c.Commit = env("GITHUB_SHA")
	}
	if server, repo, run := env("GITHUB_SERVER_URL"), env("GITHUB_REPOSITORY"), env("GITHUB_RUN_ID"); server != "" && repo != "" && run != "" {
		c.RunURL = strings.TrimRight(server, "/") + "/" + repo + "/actions/runs/" + run
	}
	return c
}

// commentOnFailure writes, with --comment, a comment saying why nothing
// was previewed (the topology's diagnostics, or the error), so that the
// comment of an earlier commit does not stay looking current; it returns
// err.
func (opts *PreviewOptions) commentOnFailure(err error) error {
	if opts.Comment == "" {
		return err
	}
	c := opts.comment()
	var inv *invalidTopology
	if errors.As(err, &inv) {
		c.Invalid = inv.ds
	} else {
		c.Failure = err.Error()
	}
	if werr := opts.writeComments(c); werr != nil {
		return errors.Join(err, werr)
	}
	return err
}

// writeComment writes the pull-request comment: the preview, the guardrail
// check of the offline plan, and the topology diagram with what the preview
// adds, changes and removes marked.
func writeComment(opts *PreviewOptions, e *engine.Engine, res *engine.Result, p *plan.Plan) error {
	g := e.Graph()
	c := opts.comment()
	c.Preview = res
	rep := guardrailReport(opts.File, g, p)
	withBudget(&rep, nil, p.Cost, opts.MaxMonthlyCost)
	c.Guardrails = &rep
	c.Cost = costChange(e, p)
	if m, err := ui.MermaidBlock(g.Model, ui.MarksOf(res)); err == nil {
		c.Mermaid = m
	}
	return opts.writeComments(c)
}

// writeComments writes the comment and, with --full-preview, the whole
// preview uncut.
func (opts *PreviewOptions) writeComments(c ui.Comment) error {
	if err := os.WriteFile(opts.Comment, []byte(ui.RenderComment(c)), 0o644); err != nil {
		return err
	}
	t := ui.NewTheme(opts.IO.Err, opts.IO.Color)
	fmt.Fprintf(opts.IO.Err, "%s wrote the pull-request comment to %s\n", t.OK.Render("✓"), opts.Comment)
	if opts.FullPreview != "" {
		if err := os.WriteFile(opts.FullPreview, []byte(ui.RenderFullPreview(c)), 0o644); err != nil {
			return err
		}
	}
	return nil
}
