package cmd

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"infra/ui"
)

// VersionOptions are the inputs of `infra version`.
type VersionOptions struct {
	IO   *ui.IO
	JSON bool
}

func newVersionCmd(f *Factory, g *GlobalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of infra",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runVersion(&VersionOptions{IO: f.IO, JSON: g.JSON})
		},
	}
}

func runVersion(opts *VersionOptions) error {
	if opts.JSON {
		return ui.WriteJSON(opts.IO.Out, map[string]string{"version": Version, "go": runtime.Version()})
	}
	_, err := fmt.Fprintf(opts.IO.Out, "infra %s (%s)\n", Version, runtime.Version())
	return err
}
