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
	"infra/topology"
	"infra/ui"
)

func init() { extraCommands = append(extraCommands, newPreviewCmd) }

// PreviewOptions are the inputs of `infra preview`.
type PreviewOptions struct {
	F                *Factory
	LoadSpec         func() (*topology.Spec, error)
	File             string
	JSON             bool
	Engine           EngineFlags
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
}

func newPreviewCmd(f *Factory, g *GlobalOptions) *cobra.Command {
	opts := &PreviewOptions{F: f}
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
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File, opts.JSON = g.File, g.JSON
			opts.LoadSpec = func() (*topology.Spec, error) { return loadSpec(f, g) }
			return runPreview(cmd.Context(), opts)
		},
	}
	opts.Engine.register(cmd)
	opts.Changed.register(cmd)
	cmd.Flags().StringVar(&opts.Comment, "comment", "", "also write a markdown pull-request comment to this file")
	cmd.Flags().BoolVar(&opts.Diff, "diff", false, "list the old and new value of every changed property (--json always has them)")
	cmd.Flags().StringVar(&opts.FullPreview, "full-preview", "", "with --comment, also write the whole preview, never cut, to this file (for CI to upload as an artifact; a cut comment points at it)")
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 0 with no changes, 2 with changes, 1 on error")
	cmd.Flags().StringVar(&opts.Out, "out", "", "also write the reviewed plan bundle to this file, for `infra up --plan` (and `infra show`)")
	return cmd
}

func runPreview(ctx context.Context, opts *PreviewOptions) error {
	f := opts.F
	spec, err := opts.LoadSpec()
	if err != nil {
		return opts.commentOnFailure(err)
	}
	progress := ui.NewProgressView(f.IO)
	ctx, in := watchInterrupt(ctx, f, progress)
	defer in.Close()
	s, err := startEngine(ctx, f, spec, &opts.Engine, progress, in.options()...)
	if err != nil {
		if in.stopped() {
			return exitError{ExitInterrupted}
		}
		return opts.commentOnFailure(err)
	}
	defer s.Close()
	if in.stopped() {
		return exitError{ExitInterrupted}
	}
	if none, err := opts.Changed.apply(ctx, f, s, opts.File, opts.Engine.Stacks); none || err != nil {
		return err
	}

	res, err := previewRun(ctx, opts, s, progress)
	if err != nil {
		return err
	}
	if err := ui.NewRunView(f.IO, opts.JSON, ui.RunOptions{Diff: opts.Diff}).Result(res); err != nil {
		return err
	}
	opts.Changed.summary(f, res)
	if opts.Comment != "" {
		if err := writeComment(ctx, opts, s.Engine, res); err != nil {
			return err
		}
	}
	if err := runResult(res); err != nil {
		return err
	}
	if opts.DetailedExitcode && res.HasChanges() {
		return exitError{ExitChanges}
	}
	return nil
}

// preview runs a preview with its live view.
func preview(ctx context.Context, s *session, progress ui.ProgressView) *engine.Result {
	progress.Start(engine.Preview, s.Graph().Spec.Name, s.stackNames(), s.Simulated())
	res := s.Preview(ctx)
	progress.Stop()
	return res
}

func (s *session) stackNames() []string {
	return ui.StackNames(s.Outputs())
}

// comment is the part of a pull-request comment every outcome has: the
// marker's key, the commit and the CI run (GitHub Actions' environment;
// INFRA_COMMIT overrides the commit, since on a pull_request event
// GITHUB_SHA is the merge commit GitHub made, not the pushed head).
func (opts *PreviewOptions) comment() ui.Comment {
	env := opts.F.Getenv
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
func writeComment(ctx context.Context, opts *PreviewOptions, e *engine.Engine, res *engine.Result) error {
	g := e.Graph()
	c := opts.comment()
	c.Preview = res
	p, err := plan.Generate(ctx, g)
	if err != nil {
		return fmt.Errorf("guardrails for the comment: %w", err)
	}
	rep := guardrailReport(opts.File, g, p)
	c.Guardrails = &rep
	if m, err := ui.MermaidBlock(g.Spec, g.Net, ui.MarksOf(res)); err == nil {
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
	t := ui.NewTheme(opts.F.IO.Err, opts.F.IO.Color)
	fmt.Fprintf(opts.F.IO.Err, "%s wrote the pull-request comment to %s\n", t.OK.Render("✓"), opts.Comment)
	if opts.FullPreview != "" {
		if err := os.WriteFile(opts.FullPreview, []byte(ui.RenderFullPreview(c)), 0o644); err != nil {
			return err
		}
	}
	return nil
}
