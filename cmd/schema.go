package cmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"infra/topology"
	"infra/ui"
)

// SchemaOptions are the inputs of `infra schema`.
type SchemaOptions struct {
	IO *ui.IO
	// Output names a kind of --json document whose schema to print
	// instead of the topology's.
	Output string
}

// NewCmdSchema builds `infra schema`; runF, when set, replaces the run
// (flag tests).
func NewCmdSchema(f *Factory, runF func(*SchemaOptions) error) *cobra.Command {
	opts := &SchemaOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the topology file, or of a --json output",
		Long: `Schema prints a JSON Schema generated from the topology's Go types. Point your
editor at it (the examples carry a yaml-language-server comment) to get
completion and validation while you type.

--output KIND prints instead the schema of a kind of document that --json
prints. Every such document is one JSON object that starts with "kind" and
"version" (the version of its shape: it changes when a field changes meaning
or goes away, not when one is added); errors under --json are documents of
kind error. The kinds: ` + strings.Join(ui.Kinds(), ", ") + `.`,
		Example: "  infra schema > topology.schema.json\n  infra schema --output run > run.schema.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runOr(opts, runF, runSchema)
		},
	}
	cmd.Flags().StringVar(&opts.Output, "output", "", "print the schema of this kind of --json document: "+strings.Join(ui.Kinds(), ", "))
	_ = cmd.RegisterFlagCompletionFunc("output", fixed(ui.Kinds()...))
	return cmd
}

func runSchema(opts *SchemaOptions) error {
	if opts.Output != "" {
		b, err := ui.SchemaOf(opts.Output)
		if err != nil {
			return usageError{fmt.Errorf("--output: %w", err)}
		}
		_, err = opts.IO.Out.Write(b)
		return err
	}
	b, err := topology.Schema()
	if err != nil {
		return err
	}
	_, err = opts.IO.Out.Write(append(b, '\n'))
	return err
}
