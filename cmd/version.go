package cmd

import (
	"runtime"
	"runtime/debug"

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
			return runOr(opts, runF, runVersion)
		},
	}
}

func runVersion(opts *VersionOptions) error {
	return ui.NewVersionView(opts.IO, opts.JSON).Version(versionInfo())
}

// versionInfo is infra's version, the Go release and the VCS revision Go
// embeds in a build from a repository.
func versionInfo() ui.VersionInfo {
	v := ui.VersionInfo{Version: Version, Go: runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v.Revision = s.Value
			case "vcs.modified":
				v.Modified = s.Value == "true"
			}
		}
	}
	return v
}

// versionString is what --version and `infra version` print after "infra".
func versionString() string {
	return versionInfo().String()
}
