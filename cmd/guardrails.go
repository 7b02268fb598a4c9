package cmd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"infra/landingzone"
	"infra/model"
	"infra/plan"
	"infra/policies"
	"infra/stacks"
	"infra/topology"
	"infra/ui"
)

// GuardrailsCheckOptions are the inputs of `infra guardrails check`.
type GuardrailsCheckOptions struct {
	IO *ui.IO
	// LoadSpec loads the topology and returns its warnings, which the
	// check reports (and counts) with its own findings.
	LoadSpec func() (*topology.Spec, topology.Diagnostics, error)
	File     string
	// Format is table, json, markdown, github or sarif.
	Format string
}

// guardrailsFormats are guardrails check's --format values.
var guardrailsFormats = planFormats

// GuardrailsRenderOptions are the inputs of `infra guardrails render`.
type GuardrailsRenderOptions struct {
	IO       *ui.IO
	LoadSpec func() (*topology.Spec, error)
	JSON     bool
	Cloud    string
}

// NewCmdGuardrails builds `infra guardrails` and its verbs; checkF and
// renderF, when set, replace their runs (flag tests).
func NewCmdGuardrails(f *Factory, checkF func(*GuardrailsCheckOptions) error, renderF func(*GuardrailsRenderOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "guardrails",
		Short: "Check the guardrails offline, or print them as each cloud enforces them",
		Long: `Guardrails are set under landingZone.guardrails: allowed-regions, deny-public-buckets,
deny-root-account, protect-security-services, require-encryption and require-tags.
Each is enforced natively where a cloud can (AWS SCPs, IBM IAM grants and
context-based restrictions, OVH IAM) and checked at plan time on every cloud.`,
	}
	cmd.AddCommand(NewCmdGuardrailsCheck(f, checkF), NewCmdGuardrailsRender(f, renderF))
	return cmd
}

// NewCmdGuardrailsCheck builds `infra guardrails check`.
func NewCmdGuardrailsCheck(f *Factory, runF func(*GuardrailsCheckOptions) error) *cobra.Command {
	opts := &GuardrailsCheckOptions{IO: f.IO, LoadSpec: f.loadSpecWarnings}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Plan offline and check every guardrail; exit 1 on a mandatory violation",
		Long: `Check builds the plan under mocks, with no credentials, and evaluates every
guardrail against every planned resource of every cloud. It also checks the SCP
documents before anything is applied: policy grammar, the 5,120-character size
limit (with the headroom left) and at most 5 policies attached per OU,
FullAWSAccess included. Every planned resource also goes through the real
providers' rules (schemas, input constraints, cloud limits): an input the
cloud would reject fails the check too.

A violation names the guardrail, the resource (stack, type, name) and the place
in the topology that caused it. Mandatory guardrails fail the check (exit 1);
advisory ones are warnings. Violations from one place of the topology (a
region whose resources all lack a tag) are shown once, with the others
listed under it; --json lists every one.

--format github prints GitHub Actions workflow commands (::error file=…,line=…),
shown as annotations on the pull request's lines; --format sarif a SARIF 2.1.0
log for code scanning. Both carry every finding: the topology's own, the
guardrails', the SCP checks' and the providers' rules.`,
		Example: "  infra guardrails check -f examples/multicloud.yaml\n  infra guardrails check --json\n  infra guardrails check --format github",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			g := f.Global()
			opts.File = g.File
			if err := resolveFormat(cmd, g, &opts.Format, guardrailsFormats); err != nil {
				return err
			}
			return runOrCtx(cmd.Context(), opts, runF, runGuardrailsCheck)
		},
	}
	addFormatFlag(cmd, &opts.Format, ui.FormatTable, guardrailsFormats)
	return cmd
}

// addFormatFlag registers a verb's --format, one of allowed, def by
// default, with its completion.
func addFormatFlag(cmd *cobra.Command, format *string, def string, allowed []string) {
	cmd.Flags().StringVar(format, "format", def, "output format: "+strings.Join(allowed, ", "))
	_ = cmd.RegisterFlagCompletionFunc("format", fixed(allowed...))
}

// resolveFormat reconciles --format with the global --json: --json is
// --format json, and any other --format with it is a usage error, as is a
// format not in allowed.
func resolveFormat(cmd *cobra.Command, g *GlobalOptions, format *string, allowed []string) error {
	if g.JSON {
		if cmd.Flags().Changed("format") && *format != ui.FormatJSON {
			return usageError{fmt.Errorf("--json and --format %s disagree", *format)}
		}
		*format = ui.FormatJSON
	}
	if !slices.Contains(allowed, *format) {
		return usageError{fmt.Errorf("unknown --format %q: use one of %s", *format, strings.Join(allowed, ", "))}
	}
	return nil
}

func runGuardrailsCheck(ctx context.Context, opts *GuardrailsCheckOptions) error {
	annotate := ui.IsAnnotationFormat(opts.Format)
	view, err := viewFor(opts.IO, opts.Format, ui.NewGuardrailsView)
	if err != nil {
		return err
	}
	spec, warnings, err := loadAnnotated(opts.IO, opts.Format, opts.LoadSpec)
	if err != nil {
		return err
	}
	rep, err := checkGuardrails(ctx, opts.File, spec)
	if err != nil {
		return err
	}
	rep.Loaded = warnings
	if annotate {
		return annotations(opts.IO, opts.Format, opts.File, rep.Diagnostics())
	}
	if err := view.Report(rep); err != nil {
		return err
	}
	if rep.Failed() {
		return exitError{ExitError}
	}
	return nil
}

// checkGuardrails plans offline and checks the plan: the guardrails, the
// SCPs, the budget and the providers' own rules.
func checkGuardrails(ctx context.Context, file string, spec *topology.Spec) (ui.GuardrailReport, error) {
	m, err := model.Derive(spec)
	if err != nil {
		return ui.GuardrailReport{}, err
	}
	g, err := stacks.New(m)
	var ds topology.Diagnostics
	if errors.As(err, &ds) {
		// SCPs that cannot be packed stop the graph before any plan: report
		// them in the check's own format, with nothing planned.
		return ui.GuardrailReport{File: file, Topology: spec.Name, Report: policies.Check(spec, nil),
			SCPs: m.SCPs, Native: m.NativeClouds()}, nil
	}
	if err != nil {
		return ui.GuardrailReport{}, err
	}
	p, err := plan.Generate(ctx, g)
	if err != nil {
		return ui.GuardrailReport{}, err
	}
	rep := guardrailReport(file, g, p)
	// The providers' own rules fail a check too: a guardrail-clean plan the
	// cloud rejects is not deployable.
	rep.Rules = plan.RuleDiagnostics(spec, p.Check())
	return rep, nil
}

// annotations prints findings in an annotation format on stdout and the
// verdict on stderr, and exits 1 if any is an error.
func annotations(io *ui.IO, format, file string, ds topology.Diagnostics) error {
	if err := ui.WriteAnnotations(io.Out, format, Version, ds); err != nil {
		return err
	}
	ui.AnnotationsVerdict(io, file, ds)
	if ds.HasErrors() {
		return exitError{ExitError}
	}
	return nil
}

// guardrailReport checks a plan's resources against the spec's guardrails.
func guardrailReport(file string, g *stacks.Graph, p *plan.Plan) ui.GuardrailReport {
	resources := p.PolicyResources()
	scps := g.Model.SCPs
	rep := ui.GuardrailReport{
		File:      file,
		Topology:  g.Spec.Name,
		Resources: len(resources),
		Report:    policies.Check(g.Spec, resources),
		SCPs:      scps,
		Native:    g.Model.NativeClouds(),
	}
	withBudget(&rep, g.Spec.Budget, p.Cost, 0)
	return rep
}

// renderClouds are the clouds render takes.
var renderClouds = []string{string(topology.AWS), string(topology.IBM), string(topology.OVH), string(topology.Hetzner)}

// NewCmdGuardrailsRender builds `infra guardrails render`.
func NewCmdGuardrailsRender(f *Factory, runF func(*GuardrailsRenderOptions) error) *cobra.Command {
	opts := &GuardrailsRenderOptions{IO: f.IO, LoadSpec: f.loadSpec}
	cmd := &cobra.Command{
		Use:   "render --cloud aws|ibm|ovh|hetzner",
		Short: "Print the guardrails as a cloud enforces them natively",
		Long: `Render prints the native documents of the mandatory guardrails for one cloud:
AWS service control policies with their size report (minified characters,
headroom under the 10,240 limit, policies attached per OU), IBM IAM policies,
Key Protect and context-based restrictions, OVH IAM policies. Ids not known
before deployment are written <kind:name>. Hetzner has no organisation level;
render says so and lists the projects to create.`,
		Example: "  infra guardrails render --cloud aws\n  infra guardrails render --cloud ibm --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(renderClouds, opts.Cloud) {
				return usageError{fmt.Errorf("--cloud must be one of %s", strings.Join(renderClouds, ", "))}
			}
			opts.JSON = f.Global().JSON
			return runOr(opts, runF, runGuardrailsRender)
		},
	}
	cmd.Flags().StringVar(&opts.Cloud, "cloud", "", "cloud to render: "+strings.Join(renderClouds, ", "))
	_ = cmd.MarkFlagRequired("cloud")
	_ = cmd.RegisterFlagCompletionFunc("cloud", fixed(renderClouds...))
	return cmd
}

func runGuardrailsRender(opts *GuardrailsRenderOptions) error {
	m, err := deriveModel(opts.LoadSpec)
	if err != nil {
		return err
	}
	spec, lz := m.Spec, m.LandingZone
	n := ui.NativeDocuments{Cloud: topology.Cloud(opts.Cloud), Topology: spec.Name}
	for _, a := range policies.Enabled(spec) {
		if !a.Mandatory() {
			n.Advisory = append(n.Advisory, a.Name)
		}
	}
	switch n.Cloud {
	case topology.AWS:
		n.Org = lz.AWS
		n.SCPs = m.SCPs
		if n.SCPs == nil { // no organisation: render the documents alone
			n.SCPs = policies.SCPs(spec, policies.SCPOptions{DeployRoles: []string{landingzone.DeployRole}})
		}
	case topology.IBM:
		n.IBM = lz.IBM
		if lz.IBM != nil {
			n.CBR = m.CBR
		}
		// Advisory guardrails with a CBR rule are rendered, in report mode.
		n.Advisory = slices.DeleteFunc(n.Advisory, func(name string) bool {
			return slices.ContainsFunc(n.CBR, func(r policies.CBRRule) bool { return r.Guardrail == name })
		})
	case topology.OVH:
		n.OVH = lz.OVH
		if spec.Clouds.OVH != nil {
			project := spec.Clouds.OVH.Project
			if project == "" {
				project = landingzone.OVHProjectPlaceholder
			}
			n.OVHProject = landingzone.OVHProjectURN(project)
		}
		n.OVHDenies = policies.OVHDenies(spec)
	case topology.Hetzner:
		n.Hetzner = lz.Hetzner
		n.Advisory = nil
	}
	if err := ui.NewNativeView(opts.IO, opts.JSON).Native(n); err != nil {
		return err
	}
	if n.SCPs != nil && n.SCPs.Diagnostics.HasErrors() {
		return exitError{ExitError}
	}
	return nil
}

// viewFor makes a command's view for --format; an annotation format has
// none (the findings are printed as annotations instead).
func viewFor[V any](io *ui.IO, format string, newView func(*ui.IO, string) (V, error)) (V, error) {
	var none V
	if ui.IsAnnotationFormat(format) {
		return none, nil
	}
	v, err := newView(io, format)
	if err != nil {
		return none, usageError{err}
	}
	return v, nil
}

// loadAnnotated loads the topology for a command with annotation formats:
// under one, an invalid topology's diagnostics are printed as annotations
// (loading has told people on stderr already) and the command fails.
func loadAnnotated(io *ui.IO, format string, load func() (*topology.Spec, topology.Diagnostics, error)) (*topology.Spec, topology.Diagnostics, error) {
	spec, warnings, err := load()
	var invalid *invalidTopology
	if ui.IsAnnotationFormat(format) && errors.As(err, &invalid) {
		if err := ui.WriteAnnotations(io.Out, format, Version, invalid.ds); err != nil {
			return nil, nil, err
		}
		return nil, nil, exitError{ExitError}
	}
	return spec, warnings, err
}

// deriveModel loads the topology and derives its model.
func deriveModel(load func() (*topology.Spec, error)) (*model.Model, error) {
	spec, err := load()
	if err != nil {
		return nil, err
	}
	return model.Derive(spec)
}
