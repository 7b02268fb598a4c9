package cmd

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"infra/plan"
	"infra/policies"
	"infra/stacks"
	"infra/topology"
	"infra/ui"
)

// PlanOptions are the inputs of `infra plan`.
type PlanOptions struct {
	IO *ui.IO
	// LoadSpec loads the topology and returns its warnings: printed, or
	// annotated with the plan's findings under --format github|sarif.
	LoadSpec func() (*topology.Spec, topology.Diagnostics, error)
	File     string
	// Stacks narrows what is shown (--stack, a list as everywhere).
	Stacks []string
	Format string
	Out    string
	Check  string
	// MaxMonthlyCost fails the plan when its estimate is higher (0: none).
	MaxMonthlyCost float64
}

// NewCmdPlan builds `infra plan`; runF, when set, replaces the run (flag
// tests).
func NewCmdPlan(f *Factory, runF func(*PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{IO: f.IO, LoadSpec: f.loadSpecWarnings}
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show every resource the topology makes, offline, with no credentials",
		Long: `Plan runs every stack's program under mocks and lists the resources it would
create: per stack, the count of each resource type. It needs no cloud
credentials and no Pulumi CLI, and the result is byte-identical on every run.

--format json prints the full record (type, name, inputs with secrets redacted,
parent, dependencies, provider); it is also what --out writes and --check
compares, so a repository can golden-test its own topologies:

  infra plan --out plan.json        # record, commit the file
  infra plan --check plan.json      # in CI: exit 2 with a diff if it changed (1 is an error)

--format github prints the plan's findings (the topology's warnings, guardrail
violations, the budget, inputs the real providers would reject) as GitHub
Actions workflow commands, shown as annotations on the pull request's lines;
--format sarif as a SARIF 2.1.0 log. Neither prints the plan itself.`,
		Example: "  infra plan -f examples/multicloud.yaml\n" +
			"  infra plan --stack aws-us-east-1-prod --format json\n" +
			"  infra plan --format markdown > comment.md\n" +
			"  infra plan --check golden/plan.json",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			g := f.Global()
			opts.File = g.File
			if err := resolveFormat(cmd, g, &opts.Format, planFormats); err != nil {
				return err
			}
			if opts.Out != "" && opts.Check != "" {
				return usageError{errors.New("--out and --check cannot be used together")}
			}
			if opts.Check != "" && ui.IsAnnotationFormat(opts.Format) {
				return usageError{fmt.Errorf("--check prints a diff: it takes no --format %s", opts.Format)}
			}
			return runOrCtx(cmd.Context(), opts, runF, runPlan)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&opts.Stacks, "stack", nil, "show only these stacks (repeat or comma-separate; e.g. aws-us-east-1-prod,global)")
	_ = cmd.RegisterFlagCompletionFunc("stack", f.completeStacks)
	addFormatFlag(cmd, &opts.Format, ui.FormatTable, planFormats)
	fl.StringVar(&opts.Out, "out", "", "also write the plan as JSON to this file")
	fl.Float64Var(&opts.MaxMonthlyCost, "max-monthly-cost", 0, "fail (a guardrail violation) when the estimated monthly list price in USD is higher; the topology's budget: does the same")
	fl.StringVar(&opts.Check, "check", "", "compare with a saved JSON plan; exit 2 with a diff if it differs (1 is an error)")
	return cmd
}

// planFormats are plan's --format values: its views, and the annotation
// formats of its findings.
var planFormats = append(append([]string(nil), ui.PlanFormats...), ui.AnnotationFormats...)

func runPlan(ctx context.Context, opts *PlanOptions) error {
	annotate := ui.IsAnnotationFormat(opts.Format)
	view, err := viewFor(opts.IO, opts.Format, ui.NewPlanView)
	if err != nil {
		return err
	}
	spec, warnings, err := loadAnnotated(opts.IO, opts.Format, opts.LoadSpec)
	if err != nil {
		return err
	}
	if !annotate {
		renderDiagnostics(opts.IO, warnings)
	}
	g, err := stacks.Build(spec)
	var gds topology.Diagnostics
	if annotate && errors.As(err, &gds) {
		return annotations(opts.IO, opts.Format, opts.File, append(warnings, gds...).Sort())
	}
	if err != nil {
		return err
	}
	for _, name := range opts.Stacks {
		if g.Stack(name) == nil {
			return usageError{fmt.Errorf("no stack %q in %s; the stacks are: %s", name, opts.File, strings.Join(g.Names(), ", "))}
		}
	}
	p, err := plan.Generate(ctx, g)
	if err != nil {
		return err
	}
	// The providers' rules read the whole plan (cloud limits span stacks);
	// --stack narrows what is shown.
	findings := p.Check()
	if len(opts.Stacks) > 0 {
		p = p.Only(opts.Stacks...)
		findings = slices.DeleteFunc(findings, func(f plan.Finding) bool { return !slices.Contains(opts.Stacks, f.Stack) })
	}
	ruleDiags := plan.RuleDiagnostics(spec, findings)
	data, err := p.JSON()
	if err != nil {
		return err
	}
	if annotate {
		return planAnnotations(opts, g, p, warnings, ruleDiags, data)
	}
	t := ui.NewTheme(opts.IO.Err, opts.IO.Color)
	if opts.Check != "" {
		saved, err := os.ReadFile(opts.Check)
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s does not exist; write it with `infra plan --out %s`", opts.Check, opts.Check)
		}
		if err != nil {
			return err
		}
		if renderRuleDiagnostics(opts.IO, t, ruleDiags) {
			return exitError{ExitError}
		}
		if d := ui.PlanDiff(opts.Check, saved, "plan of "+opts.File, data); d != "" {
			fmt.Fprint(opts.IO.Out, d)
			fmt.Fprintf(opts.IO.Err, "%s the plan differs from %s; if the change is intended, run `infra plan -f %s --out %s`\n",
				t.Error.Render("✗"), opts.Check, opts.File, opts.Check)
			return exitError{ExitChanges}
		}
		fmt.Fprintf(opts.IO.Err, "%s the plan matches %s (%d resources)\n", t.OK.Render("✓"), opts.Check, len(p.Resources()))
		return nil
	}
	if opts.Out != "" {
		if err := os.WriteFile(opts.Out, data, 0o644); err != nil {
			return err
		}
	}
	if err := view.Plan(p); err != nil {
		return err
	}
	// The guardrail results follow the people's views; the JSON plan stays
	// the golden format (infra guardrails check --json has them).
	showGuardrails := opts.Format != ui.FormatJSON && (len(policies.Enabled(spec)) > 0 || spec.Budget != nil || opts.MaxMonthlyCost > 0)
	if showGuardrails {
		gv, err := ui.NewGuardrailsView(opts.IO, opts.Format)
		if err != nil {
			return err
		}
		rep := guardrailReport(opts.File, g, p)
		withBudget(&rep, nil, p.Cost, opts.MaxMonthlyCost)
		if err := gv.Report(rep); err != nil {
			return err
		}
	}
	if opts.Out != "" {
		fmt.Fprintf(opts.IO.Err, "%s wrote %s\n", t.OK.Render("✓"), opts.Out)
	}
	if renderRuleDiagnostics(opts.IO, t, ruleDiags) {
		return exitError{ExitError}
	}
	return overBudget(opts.IO, t, spec, opts.File, p.Cost, opts.MaxMonthlyCost, !showGuardrails)
}

// renderRuleDiagnostics writes the provider rule findings to stderr, where
// they never mix with a JSON plan, and reports whether any is an error.
func renderRuleDiagnostics(io *ui.IO, t ui.Theme, ds topology.Diagnostics) (failed bool) {
	if len(ds) == 0 {
		return false
	}
	errs := renderDiagnostics(io, ds)
	if errs > 0 {
		fmt.Fprintf(io.Err, "%s %d of the planned inputs would be rejected by the real providers (%d warnings)\n",
			t.Error.Render("✗"), errs, len(ds)-errs)
	}
	return errs > 0
}

// planAnnotations prints the plan's findings in an annotation format (and
// writes --out): the topology's warnings, the guardrails and the budget,
// and the providers' rules.
func planAnnotations(opts *PlanOptions, g *stacks.Graph, p *plan.Plan, warnings, rules topology.Diagnostics, data []byte) error {
	if opts.Out != "" {
		if err := os.WriteFile(opts.Out, data, 0o644); err != nil {
			return err
		}
	}
	rep := guardrailReport(opts.File, g, p)
	withBudget(&rep, nil, p.Cost, opts.MaxMonthlyCost)
	rep.Loaded, rep.Rules = warnings, rules
	return annotations(opts.IO, opts.Format, opts.File, rep.Diagnostics())
}
