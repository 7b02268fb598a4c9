package cmd

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"infra/adr"
	"infra/topology"
	"infra/ui"
)

// ADROptions are the inputs of `infra adr`.
type ADROptions struct {
	IO       *ui.IO
	LoadSpec func() (*topology.Spec, error)
	JSON     bool
	Dir      string
	// Template is the record template, nygard or madr (--template; the
	// older --format says the same).
	Template string
	Date     string
	Check    bool
}

// NewCmdADR builds `infra adr`; runF, when set, replaces the run (flag
// tests).
func NewCmdADR(f *Factory, runF func(*ADROptions) error) *cobra.Command {
	opts := &ADROptions{IO: f.IO, LoadSpec: f.loadSpec}
	var legacyFormat string
	cmd := &cobra.Command{
		Use:   "adr",
		Short: "Generate architecture decision records from the topology",
		Long: `Adr derives architecture decision records from the topology and its network
model (placement, multi-zone clusters and their availability tier, transit
gateways, the WireGuard mesh, global load balancing, landing zone, guardrails,
state and secrets) and keeps them in a directory the way adr-tools does:
NNNN-slug.md files and a README.md index.

Regeneration is safe to repeat. An unchanged topology rewrites nothing. A
decision that changed gets a new record, and the old one's status becomes
"Superseded by [ADR-NNNN](NNNN-slug.md)". A decision the topology no longer
makes is marked Deprecated. Dates are set once, when a record is created.

Each record has a fenced part that infra owns, between
"<!-- infra:adr key=... -->" and "<!-- infra:adr:end -->" (plus the title
line and, in MADR, the front matter). Everything else, such as the "## Notes"
section at the end of each new record, is yours and is kept as written.

The directory is -o, else the one named in ./.adr-dir (as adr-tools), else
docs/adr.`,
		Example: "  infra adr -f examples/multicloud.yaml -o docs/adr\n  infra adr --template madr --date 2026-01-15\n  infra adr --check   # in CI: exit 2 when docs/adr is out of date (1 is an error)",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Date == "" {
				opts.Date = f.Now().Format(time.DateOnly)
			}
			if opts.Dir == "" {
				opts.Dir = defaultADRDir()
			}
			opts.JSON = f.Global().JSON
			// --format once named the template; everywhere else it is the
			// output format, so --template took its place.
			if cmd.Flags().Changed("format") {
				if cmd.Flags().Changed("template") && legacyFormat != opts.Template {
					return usageError{fmt.Errorf("--format %s and --template %s disagree (--format is the old name of --template)", legacyFormat, opts.Template)}
				}
				opts.Template = legacyFormat
			}
			return runOr(opts, runF, runADR)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Dir, "out", "o", "", "directory of the records (default: ./.adr-dir, else docs/adr)")
	fl.StringVar(&opts.Template, "template", string(adr.Nygard), "record template: nygard or madr")
	_ = cmd.RegisterFlagCompletionFunc("template", fixed(string(adr.Nygard), string(adr.MADR)))
	fl.StringVar(&legacyFormat, "format", string(adr.Nygard), "record template (old name of --template)")
	_ = fl.MarkDeprecated("format", "use --template (--format is the output format in other commands)")
	fl.StringVar(&opts.Date, "date", "", "date of new records, YYYY-MM-DD (default: today)")
	fl.BoolVar(&opts.Check, "check", false, "write nothing; exit 2 if the directory is out of date (1 is an error)")
	return cmd
}

// defaultADRDir follows adr-tools: .adr-dir names the directory when present.
func defaultADRDir() string {
	if b, err := os.ReadFile(".adr-dir"); err == nil {
		if d := strings.TrimSpace(string(b)); d != "" {
			return d
		}
	}
	return "docs/adr"
}

func runADR(opts *ADROptions) error {
	format, err := adr.ParseFormat(opts.Template)
	if err != nil {
		return usageError{err}
	}
	if _, err := time.Parse(time.DateOnly, opts.Date); err != nil {
		return usageError{errors.New("invalid --date " + opts.Date + ": use YYYY-MM-DD")}
	}
	m, err := deriveModel(opts.LoadSpec)
	if err != nil {
		return err
	}
	recs, err := adr.Derive(m)
	if err != nil {
		return err
	}
	with := []adr.Option{adr.WithFormat(format), adr.WithDate(opts.Date)}
	var res *adr.Result
	if opts.Check {
		existing, err := adr.ReadDir(opts.Dir)
		if err != nil {
			return err
		}
		res, err = adr.PlanFiles(existing, recs, with...)
		if err != nil {
			return err
		}
	} else if res, err = adr.Sync(opts.Dir, recs, with...); err != nil {
		return err
	}
	if err := ui.NewADRView(opts.IO, opts.JSON).Result(opts.Dir, res, opts.Check); err != nil {
		return err
	}
	if opts.Check && res.Changed() {
		return exitError{ExitChanges}
	}
	return nil
}
