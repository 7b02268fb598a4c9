package cmd

import (
	"runtime"

	"github.com/spf13/cobra"

	"infra/ui"
)

// VersionOptions are the inputs of `infra version`.
type VersionOptions struct {
	IO   *ui.IO
	JSON bool
}

// NewCmdVersion builds `infra version`; runF, when set, replaces the run
// (flag tests).
func NewCmdVersion(f *Factory, runF func(*VersionOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of infra",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &VersionOptions{IO: f.IO, JSON: f.Global().JSON}
			if runF != nil {
				return runF(opts)
			}
			return runVersion(opts)
		},
	}
}

func runVersion(opts *VersionOptions) error {
	return ui.NewVersionView(opts.IO, opts.JSON).Version(ui.VersionInfo{Version: Version, Go: runtime.Version()})
}
