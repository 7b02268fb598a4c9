package cmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/plan"
	"infra/stacks"
	"infra/topology"
	"infra/ui"
)

func init() { extraCommands = append(extraCommands, newUpCmd) }

// UpOptions are the inputs of `infra up`.
type UpOptions struct {
	F        *Factory
	LoadSpec func() (*topology.Spec, error)
	File     string
	JSON     bool
	Engine   EngineFlags
	Yes      bool
	// DetailedExitcode: exit 2 when the up changed something.
	DetailedExitcode bool
	// Diff lists the old and new value of every changed property.
	Diff bool
	// Plan is a reviewed plan bundle to apply (see bundle.go), with what
	// to do with its stale stacks.
	Plan                  string
	AllowStale, SkipStale bool
	// Changed runs only the stacks a change affects (see changed.go).
	Changed ChangedFlags
}

func newUpCmd(f *Factory, g *GlobalOptions) *cobra.Command {
	opts := &UpOptions{F: f}
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Deploy the topology: preview, confirm, then update every stack",
		Long: `Up checks the guardrails on the offline plan and refuses to go on when a
mandatory one is violated. It then previews every stack, asks for confirmation
(--yes skips it, and is required when stdin is not a terminal), and deploys:
landing zones first, then every region in parallel, then the global stack, each
stack as soon as the stacks it depends on are done, with their real outputs.

When a stack fails, the stacks that depend on it are skipped and the others
finish; the summary says which is which, and a rerun picks up from there.
It ends with the outputs of every stack, secrets masked.

Deployed stacks whose secrets provider is not --secrets-provider (or
INFRA_SECRETS_PROVIDER; default passphrase) have their secrets re-encrypted
with it first, after the confirmation.

Ctrl-C once finishes the operations in flight and starts nothing new, so the
state stays consistent; twice stops at once. Either way, rerunning up completes
the deployment.`,
		Example: "  scripts/install-pulumi && INFRA_PASSPHRASE=demo infra up --simulate --yes -f examples/multicloud.yaml\n" +
			"  infra up --stack aws-us-east-1-prod",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File, opts.JSON = g.File, g.JSON
			opts.LoadSpec = func() (*topology.Spec, error) { return loadSpec(f, g) }
			return runUp(cmd.Context(), opts)
		},
	}
	opts.Engine.register(cmd)
	opts.Changed.register(cmd)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "deploy without asking (required when stdin is not a terminal)")
	cmd.Flags().BoolVar(&opts.Diff, "diff", false, "list the old and new value of every changed property (--json always has them)")
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 0 when nothing changed, 2 when the up changed something, 1 on error")
	cmd.Flags().StringVar(&opts.Plan, "plan", "", "apply exactly this reviewed plan bundle (from `infra preview --out`); stacks whose starting point moved are refused")
	cmd.Flags().BoolVar(&opts.AllowStale, "allow-stale", false, "with --plan, apply stacks whose starting point moved anyway")
	cmd.Flags().BoolVar(&opts.SkipStale, "skip-stale", false, "with --plan, apply the stacks that did not move and skip the others and what depends on them")
	return cmd
}

func runUp(ctx context.Context, opts *UpOptions) error {
	f := opts.F
	if err := needYes(f, "up", "changes your infrastructure", "run `infra preview` to only look", opts.Yes); err != nil {
		return err
	}
	if opts.Plan != "" {
		return runUpPlan(ctx, opts)
	}
	spec, err := opts.LoadSpec()
	if err != nil {
		return err
	}
	if err := guardrailGate(ctx, opts.F, opts.File, spec); err != nil {
		return err
	}
	progress := ui.NewProgressView(f.IO)
	ctx, in := watchInterrupt(ctx, f, progress)
	defer in.Close()
	s, err := startEngine(ctx, f, spec, &opts.Engine, progress, in.options()...)
	if err != nil {
		if in.stopped() {
			return exitError{ExitInterrupted}
		}
		return err
	}
	defer s.Close()
	if in.stopped() {
		return exitError{ExitInterrupted}
	}
	if none, err := opts.Changed.apply(ctx, f, s, opts.File, opts.Engine.Stacks); none || err != nil {
		return err
	}

	pre := preview(ctx, s, progress)
	if !opts.JSON {
		if err := ui.NewRunView(f.IO, false, ui.RunOptions{Then: engine.Up, Diff: opts.Diff}).Result(pre); err != nil {
			return err
		}
	}
	if pre.Err() != nil {
		if opts.JSON {
			_ = ui.WriteJSON(f.IO.Out, map[string]any{"preview": ui.NewResultJSON(pre, ui.RunOptions{})})
		}
		return runResult(pre)
	}
	reencrypt := s.Reencrypt()
	if !pre.HasChanges() && len(reencrypt) == 0 {
		// Nothing to deploy: the outputs are those deployed.
		out := s.Outputs()
		if opts.JSON {
			return ui.WriteJSON(f.IO.Out, map[string]any{
				"preview": ui.NewResultJSON(pre, ui.RunOptions{}),
				"up":      ui.NewResultJSON(out, ui.RunOptions{Outputs: true}),
			})
		}
		return ui.NewOutputsView(f.IO, false, false).Outputs(out)
	}
	if !opts.Yes {
		n, changed := changeCounts(pre)
		q := fmt.Sprintf("Deploy %s to %s", plural(n, "change"), plural(changed, "stack"))
		if len(reencrypt) > 0 {
			q = fmt.Sprintf("Re-encrypt the secrets of %s with %s and deploy %s to %s", plural(len(reencrypt), "stack"),
				s.SecretsProvider(), plural(n, "change"), plural(changed, "stack"))
		}
		for _, r := range ui.RemovedStacks(pre) {
			q += fmt.Sprintf(" (%s removed from the topology: %d to delete)", r.Name, r.Changes[engine.Delete])
		}
		ok, err := confirm(f, in.stop, q+"?")
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(f.IO.Err, "Nothing deployed.")
			if in.stopped() {
				return exitError{ExitInterrupted}
			}
			return exitError{ExitError}
		}
	}
	if in.stopped() {
		fmt.Fprintln(f.IO.Err, "Nothing deployed.")
		return exitError{ExitInterrupted}
	}
	if len(reencrypt) > 0 {
		t := ui.NewTheme(f.IO.Err, f.IO.Color)
		fmt.Fprintf(f.IO.Err, "re-encrypting the secrets of %s with %s\n", joinComma(reencrypt), s.SecretsProvider())
		if err := s.ChangeSecretsProvider(ctx, reencrypt, ""); err != nil {
			fmt.Fprintf(f.IO.Err, "%s nothing deployed: %v\n", t.Error.Render("✗"), err)
			return exitError{ExitError}
		}
	}
	progress.Start(engine.Up, spec.Name, s.stackNames(), s.Simulated())
	res := s.Up(ctx)
	progress.Stop()
	res.NotePlanned(pre)
	if opts.JSON {
		if err := ui.WriteJSON(f.IO.Out, map[string]any{
			"preview": ui.NewResultJSON(pre, ui.RunOptions{}),
			"up":      ui.NewResultJSON(res, ui.RunOptions{Outputs: true}),
		}); err != nil {
			return err
		}
	} else if err := ui.NewRunView(f.IO, false, ui.RunOptions{Outputs: true}).Result(res); err != nil {
		return err
	}
	opts.Changed.summary(f, res)
	if err := runResult(res); err != nil {
		return err
	}
	if opts.DetailedExitcode && res.HasChanges() {
		return exitError{ExitChanges}
	}
	return nil
}

func joinComma(names []string) string { return strings.Join(names, ", ") }

// changeCounts counts the resources that change and the stacks they are in.
func changeCounts(r *engine.Result) (resources, stacks int) {
	for _, s := range r.Stacks {
		if n := s.Total(); n > 0 {
			resources += n
			stacks++
		}
	}
	return resources, stacks
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// guardrailGate checks the guardrails on the offline plan and refuses to
// deploy on a mandatory violation, printing the findings.
func guardrailGate(ctx context.Context, f *Factory, file string, spec *topology.Spec) error {
	g, err := stacks.Build(spec)
	if err != nil {
		return err
	}
	p, err := plan.Generate(ctx, g)
	if err != nil {
		return err
	}
	rep := guardrailReport(file, g, p)
	t := ui.NewTheme(f.IO.Err, f.IO.Color)
	ds := rep.Diagnostics()
	if !rep.Failed() {
		for _, d := range ds {
			ui.RenderDiagnostic(f.IO.Err, t, d) // advisory findings: shown, not blocking
		}
		return nil
	}
	for _, d := range ds {
		ui.RenderDiagnostic(f.IO.Err, t, d)
	}
	fmt.Fprintf(f.IO.Err, "%s refusing to deploy: a mandatory guardrail is violated; fix the topology (or make the guardrail advisory), then check with `infra guardrails check -f %s`\n",
		t.Error.Render("✗"), file)
	return exitError{ExitError}
}
