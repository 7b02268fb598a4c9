package cmd

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/spf13/cobra"

	"infra/cost"
	"infra/engine"
	"infra/plan"
	"infra/policies"
	"infra/stacks"
	"infra/topology"
	"infra/ui"
)

// CostOptions are the inputs of `infra cost`.
type CostOptions struct {
	IO   *ui.IO
	JSON bool
}

// NewCmdCost builds `infra cost`; runF, when set, replaces the run (tests).
func NewCmdCost(f *Factory, runF func(*CostOptions) error) *cobra.Command {
	opts := &CostOptions{IO: f.IO}
	return &cobra.Command{
		Use:   "cost",
		Short: "Print the price table the plan's monthly estimate uses, with each price's source and date",
		Long: `Cost prints the price table that infra plan and infra preview price the
topology with: one row per resource kind the programs create (instance and
server types, flavors, managed-cluster fees, load balancers, NAT gateways,
transit gateway attachments, public and floating IPs), each with its price,
unit, currency, the page it is published on and the date it was checked.
Hourly prices are multiplied by 730 hours; euro prices are converted at the
table's rate; prices exclude VAT. Costs that depend on use (traffic, requests,
load balancer capacity units) are never estimated: plans list them.

The "basis" column says how far to trust a row: vendor (as published on the
source page), third-party (quoted by the page in the note) or recalled
(entered without fetching the page; verify it).`,
		Example: "  infra cost\n  infra cost --json | jq '.rows[] | select(.cloud == \"hetzner\")'",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = f.Global().JSON
			return runOr(opts, runF, runCost)
		},
	}
}

func runCost(opts *CostOptions) error {
	tab := cost.Prices()
	if opts.JSON {
		return ui.WritePricesJSON(opts.IO.Out, tab)
	}
	ui.PriceTable(opts.IO.Out, ui.NewTheme(opts.IO.Out, opts.IO.Color), tab)
	return nil
}

// BudgetGuardrail is the name budget findings carry in guardrail reports.
const BudgetGuardrail = "budget"

// budgetCheck compares a plan's estimate with the topology's budget: and
// with --max-monthly-cost (maxFlag, 0 for none): over either is a mandatory
// guardrail violation, at the budget's line for the topology's.
func budgetCheck(budget *topology.Budget, file string, e *cost.Estimate, maxFlag float64) (*policies.Result, topology.Diagnostics) {
	if e == nil || (budget == nil && maxFlag <= 0) {
		return nil, nil
	}
	res := &policies.Result{Guardrail: BudgetGuardrail, Enforcement: "mandatory", Checked: len(e.Stacks)}
	var ds topology.Diagnostics
	over := func(limit float64, pos topology.Pos, what string) {
		capCents := cost.Cents(math.Round(limit * 100))
		if e.Monthly <= capCents {
			return
		}
		res.Violations++
		ds = append(ds, topology.Diagnostic{Severity: topology.Error, Pos: pos,
			Message: fmt.Sprintf("guardrail budget: the estimated monthly cost $%s exceeds %s $%s by $%s", e.Monthly, what, capCents, e.Monthly-capCents),
			Hint:    fmt.Sprintf("list prices of %s (`infra cost`); usage is not estimated; `infra plan` shows the cost per stack", e.PricesAsOf)})
	}
	if budget != nil && budget.Monthly < 1 {
		res.Violations++
		ds = append(ds, topology.Diagnostic{Severity: topology.Error, Pos: budget.At("monthly"),
			Message: fmt.Sprintf("budget.monthly is %d: it must be at least 1 (whole US dollars)", budget.Monthly)})
	} else if budget != nil {
		over(float64(budget.Monthly), budget.At("monthly"), "the budget")
	}
	if maxFlag > 0 {
		over(maxFlag, topology.Pos{File: file}, "--max-monthly-cost")
	}
	return res, ds
}

// withBudget adds the budget check to a guardrail report.
func withBudget(rep *ui.GuardrailReport, budget *topology.Budget, e *cost.Estimate, maxFlag float64) {
	res, ds := budgetCheck(budget, rep.File, e, maxFlag)
	if res == nil {
		return
	}
	if rep.Report == nil {
		rep.Report = &policies.Report{}
	}
	rep.Report.Results = append(rep.Report.Results, *res)
	rep.Report.Diagnostics = append(rep.Report.Diagnostics, ds...)
}

// costChange prices what the backend holds and the plan with the same
// table: the change a preview makes to the monthly estimate.
func costChange(e *engine.Engine, p *plan.Plan) *ui.CostChange {
	if p.Cost == nil {
		return nil
	}
	deployed := e.DeployedResources()
	names := slices.Sorted(maps.Keys(deployed))
	var before []cost.Stack
	for _, name := range names {
		s := cost.Stack{Name: name}
		if ps := p.Stack(name); ps != nil {
			s.Region = ps.Region
		}
		for _, r := range deployed[name] {
			s.Resources = append(s.Resources, cost.Resource{Type: r.Type, Name: r.Name, Provider: r.Provider, Inputs: r.Inputs})
		}
		before = append(before, s)
	}
	return ui.NewCostChange(cost.Prices().Estimate(before, stacks.CostHints()), p.Cost)
}

// overBudget fails a command whose plan is over the budget or the flag,
// rendering the findings unless a guardrail view already did.
func overBudget(io *ui.IO, t ui.Theme, spec *topology.Spec, file string, e *cost.Estimate, maxFlag float64, render bool) error {
	_, ds := budgetCheck(spec.Budget, file, e, maxFlag)
	if !ds.HasErrors() {
		return nil
	}
	if render {
		for _, d := range ds {
			ui.RenderDiagnostic(io.Err, t, d)
		}
	}
	fmt.Fprintf(io.Err, "%s over budget: the estimated monthly cost is %s USD\n", t.Error.Render("✗"), e.Monthly)
	return exitError{ExitError}
}
