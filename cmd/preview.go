package cmd

import (
	"context"
	"fmt"
	"os"

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
warnings, guardrail results, per-stack details, the topology diagram), kept
under GitHub's 65,536-character limit.

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
	cmd.Flags().StringVar(&opts.Comment, "comment", "", "also write a markdown pull-request comment to this file")
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 0 with no changes, 2 with changes, 1 on error")
	return cmd
}

func runPreview(ctx context.Context, opts *PreviewOptions) error {
	f := opts.F
	spec, err := opts.LoadSpec()
	if err != nil {
		return err
	}
	progress := ui.NewProgressView(f.IO)
	in := watchInterrupt(f, progress)
	defer in.Close()
	s, err := startEngine(ctx, f, spec, &opts.Engine, progress, in.options()...)
	if err != nil {
		return err
	}
	defer s.Close()
	if in.stopped() {
		return exitError{ExitInterrupted}
	}

	res := preview(ctx, s, progress)
	if err := ui.NewRunView(f.IO, opts.JSON, ui.RunOptions{}).Result(res); err != nil {
		return err
	}
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

// writeComment writes the pull-request comment: the preview, the guardrail
// check of the offline plan, and the topology diagram.
func writeComment(ctx context.Context, opts *PreviewOptions, e *engine.Engine, res *engine.Result) error {
	g := e.Graph()
	c := ui.Comment{Preview: res}
	p, err := plan.Generate(ctx, g)
	if err != nil {
		return fmt.Errorf("guardrails for the comment: %w", err)
	}
	rep := guardrailReport(opts.File, g, p)
	c.Guardrails = &rep
	if m, err := ui.MermaidBlock(g.Spec, g.Net); err == nil {
		c.Mermaid = m
	}
	if err := os.WriteFile(opts.Comment, []byte(ui.RenderComment(c)), 0o644); err != nil {
		return err
	}
	t := ui.NewTheme(opts.F.IO.Err, opts.F.IO.Color)
	fmt.Fprintf(opts.F.IO.Err, "%s wrote the pull-request comment to %s\n", t.OK.Render("✓"), opts.Comment)
	return nil
}
