package cmd

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"infra/engine"
	"infra/topology"
	"infra/ui"
)

// ChangeSecretsProviderOptions are the inputs of `infra change-secrets-provider`.
type ChangeSecretsProviderOptions struct {
	IO       *ui.IO
	Getenv   func(string) string
	LoadSpec func() (*topology.Spec, error)
	Open     engineOpener
	Engine   EngineFlags
	Yes      bool
}

// NewCmdChangeSecretsProvider builds `infra change-secrets-provider`; runF,
// when set, replaces the run (flag tests).
func NewCmdChangeSecretsProvider(f *Factory, runF func(*ChangeSecretsProviderOptions) error) *cobra.Command {
	opts := &ChangeSecretsProviderOptions{IO: f.IO, Getenv: f.Getenv, LoadSpec: f.loadSpec}
	cmd := &cobra.Command{
		Use:   "change-secrets-provider [PROVIDER]",
		Short: "Re-encrypt the secrets of every deployed stack with another secrets provider or passphrase",
		Long: `Change-secrets-provider re-encrypts the secrets in the state of every deployed
stack (pulumi stack change-secrets-provider): from a passphrase to a key
service, between key services, or to a new passphrase.

PROVIDER is passphrase or a key-service URL (awskms://, gcpkms://,
azurekeyvault://, hashivault://); it defaults to --secrets-provider or
INFRA_SECRETS_PROVIDER, else passphrase. The current secrets are read with
INFRA_PASSPHRASE (or INFRA_PASSPHRASE_FILE) where a stack uses a passphrase,
or with the key service's credentials. A move to a passphrase takes the new
one from INFRA_NEW_PASSPHRASE (or INFRA_NEW_PASSPHRASE_FILE); use it as
INFRA_PASSPHRASE from then on.

It asks first; --yes skips the question and is required when stdin is not a
terminal. ` + "`infra up`" + ` also moves stacks whose provider is not the one asked for.`,
		Example: "  INFRA_NEW_PASSPHRASE_FILE=new.txt infra change-secrets-provider passphrase\n" +
			"  infra change-secrets-provider 'awskms://alias/infra?region=eu-west-1' --yes",
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Engine.Secrets = args[0]
			}
			opts.Open = f.engineOpener(&opts.Engine)
			return runOrCtx(cmd.Context(), opts, runF, runChangeSecretsProvider)
		},
	}
	opts.Engine.register(cmd, nil)
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "re-encrypt without asking (required when stdin is not a terminal)")
	return cmd
}

func runChangeSecretsProvider(ctx context.Context, opts *ChangeSecretsProviderOptions) error {
	io := opts.IO
	if err := needYes(io, "change-secrets-provider", "rewrites the state of every stack", "", opts.Yes); err != nil {
		return err
	}
	to, err := opts.Engine.secretsProvider(opts.Getenv)
	if err != nil {
		return err
	}
	var newPass engine.Passphrase
	if engine.IsPassphrase(to) {
		if newPass, err = engine.ReadNewPassphrase(opts.Getenv); err != nil {
			return err
		}
		if newPass.Value == "" {
			return usageError{fmt.Errorf("a move to a passphrase needs the new one: set %s (or %s)", engine.EnvNewPassphrase, engine.EnvNewPassphraseFile)}
		}
	}
	spec, err := opts.LoadSpec()
	if err != nil {
		return err
	}
	s, err := opts.Open(ctx, spec, nil)
	if err != nil {
		return err
	}
	defer s.Close()
	var names []string
	for _, name := range s.stackNames() {
		if _, ok := s.Deployed(name); ok {
			names = append(names, name)
		}
	}
	t := ui.NewTheme(io.Err, io.Color)
	if len(names) == 0 {
		fmt.Fprintf(io.Err, "%s no deployed stack: new stacks get %s\n", t.OK.Render("✓"), to)
		return nil
	}
	if !opts.Yes {
		ok, err := confirm(io, nil, fmt.Sprintf("Re-encrypt the secrets of %s with %s?", plural(len(names), "stack"), describeProvider(to)))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(io.Err, "Nothing changed.")
			return exitError{ExitError}
		}
	}
	if err := s.ChangeSecretsProvider(ctx, names, newPass.Value); err != nil {
		fmt.Fprintf(io.Err, "%s %v\n", t.Error.Render("✗"), err)
		return exitError{ExitError}
	}
	fmt.Fprintf(io.Err, "%s re-encrypted the secrets of %s with %s\n", t.OK.Render("✓"), plural(len(names), "stack"), describeProvider(to))
	if engine.IsPassphrase(to) {
		fmt.Fprintf(io.Err, "  from now on set %s to the new passphrase (the one in %s)\n", engine.EnvPassphrase, newPass.Source)
	}
	return nil
}

func describeProvider(p string) string {
	if engine.IsPassphrase(p) {
		return "the new passphrase"
	}
	return p
}
