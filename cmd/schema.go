package cmd

import (
	"github.com/spf13/cobra"

	"infra/topology"
	"infra/ui"
)

// SchemaOptions are the inputs of `infra schema`.
type SchemaOptions struct {
	IO *ui.IO
}

// NewCmdSchema builds `infra schema`; runF, when set, replaces the run
// (flag tests).
func NewCmdSchema(f *Factory, runF func(*SchemaOptions) error) *cobra.Command {
	return &cobra.Command{
		Use:   "schema",
		Short: "Print the JSON Schema of the topology file",
		Long: `Schema prints a JSON Schema generated from the topology's Go types. Point your
editor at it (the examples carry a yaml-language-server comment) to get
completion and validation while you type.`,
		Example: "  infra schema > topology.schema.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := &SchemaOptions{IO: f.IO}
			if runF != nil {
				return runF(opts)
			}
			return runSchema(opts)
		},
	}
}

func runSchema(opts *SchemaOptions) error {
	b, err := topology.Schema()
	if err != nil {
		return err
	}
	_, err = opts.IO.Out.Write(append(b, '\n'))
	return err
}
