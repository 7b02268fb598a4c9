package cmd

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"infra/ui"
)

//go:embed starter.yaml
var starterTopology []byte

// InitOptions are the inputs of `infra init`.
type InitOptions struct {
	IO   *ui.IO
	File string
}

// NewCmdInit builds `infra init`; runF, when set, replaces the run (flag
// tests).
func NewCmdInit(f *Factory, runF func(*InitOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:     "init",
		Short:   "Write a commented starter topology",
		Long:    "Init writes a commented starter topology to the -f path (default topology.yaml). It never overwrites an existing file.",
		Example: "  infra init\n  infra init -f platform/topology.yaml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &InitOptions{IO: f.IO, File: f.Global().File}
			if runF != nil {
				return runF(opts)
			}
			return runInit(opts)
		},
	}
}

func runInit(opts *InitOptions) error {
	// A new directory is made: `infra init -f platform/topology.yaml`.
	if err := os.MkdirAll(filepath.Dir(opts.File), 0o755); err != nil {
		return err
	}
	// O_EXCL makes the no-overwrite promise hold even against a racing writer.
	fh, err := os.OpenFile(opts.File, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; not overwriting it (choose another path with -f)", opts.File)
	}
	if err != nil {
		return err
	}
	if _, err := fh.Write(starterTopology); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return err
	}
	t := ui.NewTheme(opts.IO.Out, opts.IO.Color)
	fmt.Fprintf(opts.IO.Out, "%s wrote %s\nNext: edit it, then run `infra validate -f %s` and `infra plan -f %s`.\n", t.OK.Render("✓"), opts.File, opts.File, opts.File)
	return nil
}
