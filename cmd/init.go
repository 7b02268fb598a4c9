package cmd

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"infra/topology"
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
		Use:   "init",
		Short: "Write a commented starter topology",
		Long: `Init writes a commented starter topology to the -f path (default topology.yaml),
and the topology's JSON Schema beside it as topology.schema.json, which the
starter's first line points editors at (completion and checks as you type).
It never overwrites an existing file: an existing schema is kept (refresh it
with ` + "`infra schema > topology.schema.json`" + ` after an upgrade).`,
		Example: "  infra init\n  infra init -f platform/topology.yaml",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &InitOptions{IO: f.IO, File: f.Global().File}
			return runOr(opts, runF, runInit)
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
	fmt.Fprintf(opts.IO.Out, "%s wrote %s\n", t.OK.Render("✓"), opts.File)
	// The starter's "$schema=topology.schema.json" resolves beside it.
	schemaFile := filepath.Join(filepath.Dir(opts.File), starterSchema)
	wrote, err := writeNew(schemaFile, func() ([]byte, error) {
		b, err := topology.Schema()
		return append(b, '\n'), err // as `infra schema` prints it
	})
	if err != nil {
		return err
	}
	if wrote {
		fmt.Fprintf(opts.IO.Out, "%s wrote %s (the schema your editor reads)\n", t.OK.Render("✓"), schemaFile)
	} else {
		fmt.Fprintf(opts.IO.Out, "%s kept %s\n", t.Dim.Render("·"), schemaFile)
	}
	fmt.Fprintf(opts.IO.Out, "Next: edit it, then run `infra validate -f %s` and `infra plan -f %s`.\n", opts.File, opts.File)
	return nil
}

// starterSchema is the schema file the starter's first line names.
const starterSchema = "topology.schema.json"

// writeNew writes what gen makes to path unless the file exists; it reports
// whether it wrote.
func writeNew(path string, gen func() ([]byte, error)) (bool, error) {
	data, err := gen()
	if err != nil {
		return false, err
	}
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if _, err := fh.Write(data); err != nil {
		fh.Close()
		return false, err
	}
	return true, fh.Close()
}
