package cmd

import (
	"github.com/spf13/cobra"

	"infra/network"
	"infra/ui"
)

// GraphOptions are the inputs of `infra graph`.
type GraphOptions struct {
	IO     *ui.IO
	Global *GlobalOptions
	Format string
}

func init() {
	extraCommands = append(extraCommands, newGraphCmd)
}

func newGraphCmd(f *Factory, g *GlobalOptions) *cobra.Command {
	opts := &GraphOptions{IO: f.IO, Global: g}
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
			return runGraph(f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.Format, "format", "mermaid", "mermaid or dot")
	return cmd
}

func runGraph(f *Factory, opts *GraphOptions) error {
	view, err := ui.NewGraphView(opts.IO, opts.Format)
	if err != nil {
		return usageError{err}
	}
	spec, err := loadSpec(f, opts.Global)
	if err != nil {
		return err
	}
	net, err := network.Compute(spec)
	if err != nil {
		return err
	}
	g, err := ui.NewTopologyGraph(spec, net)
	if err != nil {
		return err
	}
	return view.Graph(g)
}
