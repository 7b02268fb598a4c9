package cmd

import (
	"github.com/spf13/cobra"

	"infra/topology"
	"infra/ui"
)

// GraphOptions are the inputs of `infra graph`.
type GraphOptions struct {
	IO       *ui.IO
	LoadSpec func() (*topology.Spec, error)
	Format   string
}

// NewCmdGraph builds `infra graph`; runF, when set, replaces the run (flag
// tests).
func NewCmdGraph(f *Factory, runF func(*GraphOptions) error) *cobra.Command {
	opts := &GraphOptions{IO: f.IO, LoadSpec: f.loadSpec}
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Draw the topology as a Mermaid or Graphviz diagram",
		Long: `Graph draws the topology: clouds containing regions, each region with its
cluster, zones (with their private subnets) and WireGuard gateway; transit
gateways and their attachments; the full mesh of gateway links; the global
load balancer with its pools and their member clusters.

Mermaid renders in GitHub markdown (wrap it in a mermaid code block); DOT
renders with Graphviz, e.g. infra graph --format dot | dot -Tpng -o topology.png.`,
		Example: "  infra graph -f examples/multicloud.yaml\n  infra graph --format dot | dot -Tsvg -o topology.svg",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOr(opts, runF, runGraph)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "mermaid", "mermaid or dot")
	_ = cmd.RegisterFlagCompletionFunc("format", fixed("mermaid", "dot"))
	return cmd
}

func runGraph(opts *GraphOptions) error {
	view, err := ui.NewGraphView(opts.IO, opts.Format)
	if err != nil {
		return usageError{err}
	}
	m, err := deriveModel(opts.LoadSpec)
	if err != nil {
		return err
	}
	g, err := ui.NewTopologyGraph(m)
	if err != nil {
		return err
	}
	return view.Graph(g)
}
