package cmd

import (
	"github.com/spf13/cobra"

	"infra/cost"
	"infra/ui"
)

func init() {
	extraCommands = append(extraCommands, func(f *Factory, g *GlobalOptions) *cobra.Command { return NewCmdCost(f, g, nil) })
}

// CostOptions are the inputs of `infra cost`.
type CostOptions struct {
	IO   *ui.IO
	JSON bool
}

// PricesJSON is `infra cost --json`: the price table.
type PricesJSON struct {
	Kind    string `json:"kind"`
	Version int    `json:"version"`
	// HoursPerMonth turns an hourly price into a monthly one.
	HoursPerMonth int `json:"hoursPerMonth"`
	*cost.Table
}

// NewCmdCost builds `infra cost`; runF, when set, replaces the run (tests).
func NewCmdCost(f *Factory, g *GlobalOptions, runF func(*CostOptions) error) *cobra.Command {
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
			opts.JSON = g.JSON
			if runF != nil {
				return runF(opts)
			}
			return runCost(opts)
		},
	}
}

func runCost(opts *CostOptions) error {
	tab := cost.Prices()
	if opts.JSON {
		return ui.WriteJSON(opts.IO.Out, PricesJSON{Kind: "prices", Version: ui.JSONVersion, HoursPerMonth: cost.HoursPerMonth, Table: tab})
	}
	ui.PriceTable(opts.IO.Out, ui.NewTheme(opts.IO.Out, opts.IO.Color), tab)
	return nil
}
