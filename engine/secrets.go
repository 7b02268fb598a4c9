package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// Where the secrets provider and its passphrase come from.
const (
	EnvPassphraseFile       = "INFRA_PASSPHRASE_FILE"
	EnvPulumiPassphraseFile = "PULUMI_CONFIG_PASSPHRASE_FILE"
	// EnvSecretsProvider names the secrets provider of new stacks, and the
	// one existing stacks are moved to: any Pulumi secrets provider URL.
	EnvSecretsProvider = "INFRA_SECRETS_PROVIDER"
	// EnvNewPassphrase and EnvNewPassphraseFile give the new passphrase
	// when the stacks move to another passphrase.
	EnvNewPassphrase     = "INFRA_NEW_PASSPHRASE"
	EnvNewPassphraseFile = "INFRA_NEW_PASSPHRASE_FILE"
)

// PassphraseProvider is the default secrets provider: a passphrase, kept
// by the team, that derives the key of every stack.
const PassphraseProvider = "passphrase"

// secretsSchemes are the URL schemes of Pulumi's key-service secrets
// providers (https://www.pulumi.com/docs/iac/concepts/secrets/#available-encryption-providers).
var secretsSchemes = []string{"awskms://", "gcpkms://", "azurekeyvault://", "hashivault://"}

// ParseSecretsProvider checks a secrets provider setting: "" and
// "passphrase" are the passphrase provider, "default" is Pulumi Cloud's,
// and a URL of a key service is passed to Pulumi as it is.
func ParseSecretsProvider(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch s {
	case "", PassphraseProvider:
		return PassphraseProvider, nil
	case "default":
		return s, nil
	}
	for _, p := range secretsSchemes {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return s, nil
		}
	}
	return "", fmt.Errorf("secrets provider %q: want passphrase, default (Pulumi Cloud) or a key-service URL (%s…)", s, strings.Join(secretsSchemes, "…, "))
}

// IsPassphrase reports whether provider is the passphrase provider.
func IsPassphrase(provider string) bool { return provider == "" || provider == PassphraseProvider }

// Passphrase is a passphrase and the setting it came from, which is what
// an error about it names.
type Passphrase struct {
	Value  string
	Source string // an environment variable, with the file for *_FILE
}

// ReadPassphrase finds the passphrase: INFRA_PASSPHRASE, INFRA_PASSPHRASE_FILE,
// PULUMI_CONFIG_PASSPHRASE, PULUMI_CONFIG_PASSPHRASE_FILE, the first set. A
// file's content is trimmed of surrounding white space, as pulumi does. None
// set is a zero Passphrase and no error; a file that cannot be read or is
// empty is an error naming the variable.
func ReadPassphrase(getenv func(string) string) (Passphrase, error) {
	return readPassphrase(getenv, [][2]string{{EnvPassphrase, EnvPassphraseFile}, {EnvPulumiPassphrase, EnvPulumiPassphraseFile}})
}

// ReadNewPassphrase finds the passphrase stacks move to:
// INFRA_NEW_PASSPHRASE or INFRA_NEW_PASSPHRASE_FILE.
func ReadNewPassphrase(getenv func(string) string) (Passphrase, error) {
	return readPassphrase(getenv, [][2]string{{EnvNewPassphrase, EnvNewPassphraseFile}})
}

func readPassphrase(getenv func(string) string, pairs [][2]string) (Passphrase, error) {
	for _, p := range pairs {
		if v := getenv(p[0]); v != "" {
			return Passphrase{Value: v, Source: p[0]}, nil
		}
		file := getenv(p[1])
		if file == "" {
			continue
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return Passphrase{}, fmt.Errorf("%s: %w", p[1], err)
		}
		v := strings.TrimSpace(string(data))
		if v == "" {
			return Passphrase{}, fmt.Errorf("%s: %s is empty", p[1], file)
		}
		return Passphrase{Value: v, Source: p[1] + " (" + file + ")"}, nil
	}
	return Passphrase{}, nil
}

// WithSecretsProvider sets the secrets provider of new stacks (default
// passphrase): a URL as ParseSecretsProvider takes it. Existing stacks keep
// theirs until ChangeSecretsProvider moves them.
func WithSecretsProvider(url string) Option { return func(s *settings) { s.secretsProvider = url } }

// WithPassphraseSource names where the passphrase came from (an environment
// variable), for the error when it does not decrypt the stacks.
func WithPassphraseSource(name string) Option { return func(s *settings) { s.passphraseSource = name } }

// ErrWrongPassphrase is returned by New when the passphrase does not
// decrypt the stacks the backend holds.
var ErrWrongPassphrase = errors.New("wrong passphrase")

// secretsError turns pulumi's errors about the passphrase, which name its
// own variables, into one that names infra's.
func (e *Engine) secretsError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "incorrect passphrase"):
		src := e.set.passphraseSource
		if src == "" {
			src = "the passphrase given"
		}
		return fmt.Errorf("%w: %s does not decrypt the stacks of %s in %s; set %s (or %s) to the passphrase they were created with",
			ErrWrongPassphrase, src, e.project, e.backend, EnvPassphrase, EnvPassphraseFile)
	case strings.Contains(msg, "passphrase must be set"):
		return fmt.Errorf("%w: the stacks of %s in %s are encrypted with a passphrase: set %s (or %s)",
			ErrNoPassphrase, e.project, e.backend, EnvPassphrase, EnvPassphraseFile)
	}
	return err
}

// secretsProvider is the provider new stacks get.
func (e *Engine) secretsProvider() string {
	if e.set.secretsProvider == "" {
		return PassphraseProvider
	}
	return e.set.secretsProvider
}

// SecretsProvider is the provider new stacks get, and stacks move to.
func (e *Engine) SecretsProvider() string { return e.secretsProvider() }

// StackSecretsProvider is the secrets provider a deployed stack uses, as
// its state records it: "passphrase", "default" (Pulumi Cloud) or the URL
// of a key service; "" for a stack not deployed.
func (e *Engine) StackSecretsProvider(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if d := e.deployed[name]; d != nil {
		return d.SecretsProvider
	}
	return ""
}

// Reencrypt lists the deployed stacks of the run whose secrets provider is
// not the engine's: those ChangeSecretsProvider moves.
func (e *Engine) Reencrypt() []string {
	var out []string
	for _, s := range e.selected() {
		if p := e.StackSecretsProvider(s.Name); p != "" && p != e.secretsProvider() {
			out = append(out, s.Name)
		}
	}
	return out
}

// ChangeSecretsProvider re-encrypts the secrets of the named stacks with
// the engine's secrets provider (pulumi stack change-secrets-provider), one
// stack at a time under its lock. newPassphrase is the passphrase of a move
// to the passphrase provider (another passphrase, or from a key service),
// by default the engine's; the engine uses it for the rest of its runs. It stops at the first
// failure: the stacks before it are moved, the others are not.
func (e *Engine) ChangeSecretsProvider(ctx context.Context, names []string, newPassphrase string) error {
	to := e.secretsProvider()
	var opts *auto.ChangeSecretsProviderOptions
	if newPassphrase == "" {
		newPassphrase = e.set.passphrase
	}
	if IsPassphrase(to) {
		if newPassphrase == "" {
			return fmt.Errorf("moving stacks to the passphrase provider needs the new passphrase: set %s (or %s)", EnvNewPassphrase, EnvNewPassphraseFile)
		}
		opts = &auto.ChangeSecretsProviderOptions{NewPassphrase: &newPassphrase}
	}
	for _, name := range names {
		if err := e.changeSecretsProvider(ctx, name, to, opts); err != nil {
			return fmt.Errorf("stack %s: %w", name, err)
		}
	}
	if IsPassphrase(to) {
		// What the stacks need from now on.
		e.mu.Lock()
		e.set.passphrase = newPassphrase
		e.env["PULUMI_CONFIG_PASSPHRASE"] = newPassphrase
		ws := make([]auto.Stack, 0, len(e.workspace))
		for _, st := range e.workspace {
			ws = append(ws, st)
		}
		e.mu.Unlock()
		for _, st := range ws {
			st.Workspace().SetEnvVar("PULUMI_CONFIG_PASSPHRASE", newPassphrase)
		}
	}
	return nil
}

func (e *Engine) changeSecretsProvider(ctx context.Context, name, to string, opts *auto.ChangeSecretsProviderOptions) error {
	unlock, err := e.lock(name, "change-secrets-provider")
	if err != nil {
		return err
	}
	defer unlock()
	st, err := e.stackWorkspace(ctx, name, nil)
	if err != nil {
		return e.secretsError(err)
	}
	if err := st.ChangeSecretsProvider(ctx, to, opts); err != nil {
		return e.secretsError(cliError(err))
	}
	e.mu.Lock()
	if d := e.deployed[name]; d != nil {
		d.SecretsProvider = to
	}
	e.mu.Unlock()
	return nil
}

// restoreSecretsSettings writes, in a fresh workspace of a deployed stack
// on a key service, the stack settings that name it. Pulumi reads a stack's
// secrets provider from those settings (Pulumi.<stack>.yaml), not from the
// state, and without them assumes a passphrase: only the passphrase
// provider works from an empty workspace.
func (e *Engine) restoreSecretsSettings(ctx context.Context, ws auto.Workspace, name string) error {
	e.mu.Lock()
	d := e.deployed[name]
	e.mu.Unlock()
	if d == nil || IsPassphrase(d.SecretsProvider) || d.SecretsProvider == "default" {
		return nil
	}
	return ws.SaveStackSettings(ctx, name, &workspace.ProjectStack{SecretsProvider: d.SecretsProvider, EncryptedKey: d.SecretsKey})
}

// providerOf names the secrets provider a deployment's secrets_providers
// record describes.
func providerOf(typ string, url string) string {
	switch typ {
	case "", PassphraseProvider:
		return PassphraseProvider
	case "cloud":
		return url
	case "service":
		return "default"
	}
	return typ
}
