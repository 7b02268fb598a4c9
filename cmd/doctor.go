package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/landingzone"
	"infra/topology"
	"infra/ui"
)

// DoctorOptions are the inputs of `infra doctor`.
type DoctorOptions struct {
	IO     *ui.IO
	Getenv func(string) string
	File   string
	JSON   bool
	// Backend, Pulumi and Secrets are the flags of the engine commands.
	Backend, Pulumi, Secrets string
}

// NewCmdDoctor builds `infra doctor`; runF, when set, replaces the run
// (flag tests).
func NewCmdDoctor(f *Factory, runF func(*DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{IO: f.IO, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check that this machine can run the engine, with a fix for each problem",
		Long: `Doctor checks what preview, up, refresh and destroy need: the pulumi CLI and
its version, the backend (for a file backend, that it can be written), the
passphrase of the secrets provider, the infra provider plugin, and the cloud
credentials of the topology's clouds. It exits 1 when something would stop
the engine; missing cloud credentials are warnings, since --simulate needs none.`,
		Example: "  infra doctor\n  infra doctor -f examples/multicloud.yaml --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File, opts.JSON = f.Global().File, f.Global().JSON
			return runOrCtx(cmd.Context(), opts, runF, runDoctor)
		},
	}
	cmd.Flags().StringVar(&opts.Backend, "backend", "", "backend URL to check (env INFRA_BACKEND)")
	cmd.Flags().StringVar(&opts.Pulumi, "pulumi", "", "pulumi CLI to check")
	cmd.Flags().StringVar(&opts.Secrets, "secrets-provider", "", "secrets provider to check (env INFRA_SECRETS_PROVIDER)")
	return cmd
}

func runDoctor(ctx context.Context, opts *DoctorOptions) error {
	in := engine.DoctorInput{Backend: opts.Backend, Pulumi: opts.Pulumi, SecretsProvider: opts.Secrets, Getenv: opts.Getenv}
	// A missing or broken topology is a finding, not the end of the checks.
	spec, _, err := topology.Load(opts.File)
	var checks []engine.Check
	if err != nil {
		checks = append(checks, engine.Check{Name: "topology", Status: engine.CheckWarning,
			Detail: opts.File + ": " + firstLine(err.Error()) + " (backend and cloud checks skipped)",
			Fix:    "pass -f with your topology file, or run `infra validate -f " + opts.File + "`"})
	} else {
		in.Spec = spec
		checks = append(checks, engine.Check{Name: "topology", Status: engine.CheckOK, Detail: opts.File + " (" + spec.Name + ")"})
	}
	checks = append(checks, engine.Doctor(ctx, in)...)
	if spec != nil {
		checks = append(checks, ovhSettings(spec, opts.Getenv)...)
		checks = append(checks, awsAccountQuota(spec)...)
	}
	if err := ui.NewDoctorView(opts.IO, opts.JSON).Checks(checks); err != nil {
		return err
	}
	for _, c := range checks {
		if c.Status == engine.CheckError {
			return exitError{ExitError}
		}
	}
	return nil
}

func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}

// ovhSettings checks the OVH settings a real preview or up needs and the
// topology may leave to the environment (landingzone.OVHUnset): a warning
// each, like missing credentials, since --simulate needs none.
func ovhSettings(spec *topology.Spec, getenv func(string) string) []engine.Check {
	if spec.Clouds.OVH == nil || len(spec.Clouds.OVH.Regions) == 0 {
		return nil
	}
	unset := landingzone.OVHUnset(spec, getenv)
	var out []engine.Check
	for _, key := range []string{"project", "vrack"} {
		c := engine.Check{Name: "ovh " + key, Status: engine.CheckOK, Detail: "set"}
		for _, d := range unset {
			if d.Rule == "topology/ovh-"+key {
				c.Status, c.Detail, c.Fix = engine.CheckWarning, d.Message+" (a real preview or up refuses to start; --simulate does not)", d.Hint
			}
		}
		out = append(out, c)
	}
	return out
}

// awsAccountQuota checks the accounts the AWS landing zone needs against
// the organization's default account quota: a warning over it, and a
// reminder within it, since new organizations may get less.
func awsAccountQuota(spec *topology.Spec) []engine.Check {
	o := landingzone.Derive(spec).AWS
	if o == nil {
		return nil
	}
	n, q := o.AccountsNeeded(), landingzone.DefaultAccountQuota
	c := engine.Check{Name: "aws accounts", Status: engine.CheckOK,
		Detail: fmt.Sprintf("%d accounts with the management account, within the default quota of %d", n, q)}
	if o.Existing {
		c.Detail += ", plus the accounts the organization has outside the topology"
	}
	c.Detail += "; new organizations may get fewer: see Service Quotas (us-east-1, AWS Organizations)"
	if n > q {
		c.Status = engine.CheckWarning
		c.Detail = fmt.Sprintf("%d accounts with the management account, over the default quota of %d: CreateAccount fails with ACCOUNT_NUMBER_LIMIT_EXCEEDED", n, q)
		c.Fix = "ask for more in Service Quotas (us-east-1, AWS Organizations) before up"
	}
	return []engine.Check{c}
}
