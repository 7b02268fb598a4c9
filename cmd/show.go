package cmd

import (
	"github.com/spf13/cobra"

	"infra/engine"
	"infra/ui"
)

// ShowOptions are the inputs of `infra show`.
type ShowOptions struct {
	IO       *ui.IO
	Path     string
	JSON     bool
	Markdown bool
	Diff     bool
}

// NewCmdShow builds `infra show`; runF, when set, replaces the run (flag
// tests).
func NewCmdShow(f *Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "show <plan.infra>",
		Short: "Render a reviewed plan bundle like a preview",
		Long: `Show renders a plan bundle written by ` + "`infra preview --out`" + `: what made it
(infra and pulumi versions, the topology's offline plan digest), where each stack
starts from (its state's fingerprint), and every step planned, per stack, as a
preview shows them. --markdown writes it for a pull request or a job summary;
--json for machines (without Pulumi's update plans, whose secrets are
ciphertext). It needs no backend, passphrase or cloud.`,
		Example: "  infra preview --out plan.infra && infra show plan.infra\n  infra show plan.infra --markdown >> \"$GITHUB_STEP_SUMMARY\"",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path, opts.JSON = args[0], f.Global().JSON
			return runOr(opts, runF, runShow)
		},
	}
	cmd.Flags().BoolVar(&opts.Markdown, "markdown", false, "render as markdown")
	cmd.Flags().BoolVar(&opts.Diff, "diff", false, "list the old and new value of every changed property")
	return cmd
}

func runShow(opts *ShowOptions) error {
	b, err := engine.ReadBundle(opts.Path)
	if err != nil {
		return err
	}
	switch {
	case opts.JSON:
		return ui.WriteBundleJSON(opts.IO.Out, b)
	case opts.Markdown:
		ui.RenderBundleMarkdown(opts.IO.Out, b)
		return nil
	}
	return ui.RenderBundle(opts.IO, b, opts.Diff)
}
