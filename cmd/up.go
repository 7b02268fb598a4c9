package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/model"
	"infra/plan"
	"infra/policies"
	"infra/stacks"
	"infra/topology"
	"infra/ui"
)

// UpOptions are the inputs of `infra up`.
type UpOptions struct {
	OperationOptions
	// File is the topology file the guardrail gate's advice names.
	File string
	// Gate checks the guardrails on the offline plan before anything runs.
	Gate func(ctx context.Context, m *model.Model) error
	Yes  bool
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

// NewCmdUp builds `infra up`; runF, when set, replaces the run (flag tests).
func NewCmdUp(f *Factory, runF func(*UpOptions) error) *cobra.Command {
	opts := &UpOptions{OperationOptions: newOperationOptions(f)}
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
		RunE: operationRunE(f, &opts.OperationOptions, opts, func() {
			opts.File = f.Global().File
			opts.Gate = func(ctx context.Context, m *model.Model) error {
				return guardrailGate(ctx, f.IO, opts.File, m)
			}
		}, runF, runUp),
	}
	opts.Engine.register(cmd, f)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "deploy without asking (required when stdin is not a terminal)")
	cmd.Flags().BoolVar(&opts.Diff, "diff", false, "list the old and new value of every changed property (--json always has them)")
	cmd.Flags().BoolVar(&opts.DetailedExitcode, "detailed-exitcode", false, "exit 0 when nothing changed, 2 when the up changed something, 1 on error")
	cmd.Flags().StringVar(&opts.Plan, "plan", "", "apply exactly this reviewed plan bundle (from infra preview --out); stacks whose starting point moved are refused")
	cmd.Flags().BoolVar(&opts.AllowStale, "allow-stale", false, "with --plan, apply stacks whose starting point moved anyway")
	cmd.Flags().BoolVar(&opts.SkipStale, "skip-stale", false, "with --plan, apply the stacks that did not move and skip the others and what depends on them")
	cmd.MarkFlagsMutuallyExclusive("allow-stale", "skip-stale")
	opts.Changed.register(cmd)
	return cmd
}

func runUp(ctx context.Context, opts *UpOptions) error {
	if err := needYes(opts.IO, "up", "changes your infrastructure", "run `infra preview` to only look", opts.Yes); err != nil {
		return err
	}
	// One model for the guardrail gate and the engine.
	var m *model.Model
	load, open := opts.LoadSpec, opts.Open
	o := opts.OperationOptions
	o.LoadSpec = func() (*topology.Spec, error) {
		spec, err := load()
		if err != nil {
			return nil, err
		}
		if m, err = model.Derive(spec); err != nil {
			return nil, err
		}
		return spec, opts.Gate(ctx, m)
	}
	o.Open = func(ctx context.Context, spec *topology.Spec, view ui.ProgressView, extra ...engine.Option) (*session, error) {
		return open(ctx, spec, view, append(extra, engine.WithModel(m))...)
	}
	return runOperation(ctx, &o, nil, func(op *operation) error {
		if err := op.deployable(opts.IO, o.Getenv); err != nil {
			return err
		}
		if opts.Plan != "" {
			return upPlanOperation(op, opts)
		}
		if none, err := opts.Changed.apply(op, opts.IO, opts.File, opts.Engine.Stacks); none || err != nil {
			return err
		}
		return upOperation(op, opts)
	})
}

// upOperation previews, asks, re-encrypts what must be, then deploys.
func upOperation(op *operation, opts *UpOptions) error {
	io, s := opts.IO, op.s
	pre := op.run(engine.Preview)
	if !opts.JSON {
		if err := ui.NewRunView(io, false, ui.RunOptions{Then: engine.Up, Diff: opts.Diff}).Result(pre); err != nil {
			return err
		}
	}
	if pre.Err() != nil {
		if opts.JSON {
			_ = ui.NewUpView(io).Result(pre, nil)
		}
		return runResult(pre)
	}
	reencrypt := s.Reencrypt()
	if !pre.HasChanges() && len(reencrypt) == 0 {
		// Nothing to deploy: the outputs are those deployed.
		out := s.Outputs()
		if opts.JSON {
			return ui.NewUpView(io).Result(pre, out)
		}
		return ui.NewOutputsView(io, false, false).Outputs(out)
	}
	n, changed := changeCounts(pre)
	q := fmt.Sprintf("Deploy %s to %s", plural(n, "change"), plural(changed, "stack"))
	if len(reencrypt) > 0 {
		q = fmt.Sprintf("Re-encrypt the secrets of %s with %s and deploy %s to %s", plural(len(reencrypt), "stack"),
			s.SecretsProvider(), plural(n, "change"), plural(changed, "stack"))
	}
	for _, r := range ui.RemovedStacks(pre) {
		q += fmt.Sprintf(" (%s removed from the topology: %d to delete)", r.Name, r.Changes[engine.Delete])
	}
	if err := op.ask(io, opts.Yes, q+"?", "Nothing deployed."); err != nil {
		return err
	}
	if len(reencrypt) > 0 {
		t := ui.NewTheme(io.Err, io.Color)
		fmt.Fprintf(io.Err, "re-encrypting the secrets of %s with %s\n", joinComma(reencrypt), s.SecretsProvider())
		if err := s.ChangeSecretsProvider(op.ctx, reencrypt, ""); err != nil {
			fmt.Fprintf(io.Err, "%s nothing deployed: %v\n", t.Error.Render("✗"), err)
			return exitError{ExitError}
		}
	}
	op.progress.Expect(ui.ExpectedResources(pre))
	res := op.run(engine.Up)
	res.NotePlanned(pre)
	if opts.JSON {
		if err := ui.NewUpView(io).Result(pre, res); err != nil {
			return err
		}
	} else if err := ui.NewRunView(io, false, ui.RunOptions{Outputs: true}).Result(res); err != nil {
		return err
	}
	opts.Changed.summary(io, res)
	return finish(res, opts.DetailedExitcode)
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

// guardrailGate runs the guardrail gate (policies.Gate) on the offline
// plan: it shows the findings and refuses to deploy on a mandatory
// violation.
func guardrailGate(ctx context.Context, io *ui.IO, file string, m *model.Model) error {
	spec := m.Spec
	g, err := stacks.New(m)
	if err != nil {
		return err
	}
	p, err := plan.Generate(ctx, g)
	if err != nil {
		return err
	}
	ds, err := policies.Gate(spec, p.PolicyResources(), m.SCPs)
	// The topology's budget: is a mandatory guardrail too (cmd/cost.go).
	if _, bds := budgetCheck(spec.Budget, file, p.Cost, 0); len(bds) > 0 {
		ds = append(ds, bds...)
		if bds.HasErrors() && err == nil {
			err = policies.ErrMandatoryViolation
		}
	}
	renderDiagnostics(io, ds)
	t := ui.NewTheme(io.Err, io.Color)
	if errors.Is(err, policies.ErrMandatoryViolation) {
		fmt.Fprintf(io.Err, "%s refusing to deploy: a mandatory guardrail is violated; fix the topology (or make the guardrail advisory), then check with `infra guardrails check -f %s`\n",
			t.Error.Render("✗"), file)
		return exitError{ExitError}
	}
	return err
}
