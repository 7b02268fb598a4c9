package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"infra/provider"
	"infra/topology"
)

// CheckStatus is how a doctor check came out.
type CheckStatus string

// The outcomes: OK, a warning (works, but not everywhere), or a problem that
// stops the engine.
const (
	CheckOK      CheckStatus = "ok"
	CheckWarning CheckStatus = "warning"
	CheckError   CheckStatus = "error"
)

// Check is one thing `infra doctor` looked at.
type Check struct {
	Name   string      `json:"name"`
	Status CheckStatus `json:"status"`
	Detail string      `json:"detail"`
	// Fix says what to do about a warning or error.
	Fix string `json:"fix,omitempty"`
}

// DoctorInput is what Doctor looks at.
type DoctorInput struct {
	// Spec is the topology, or nil when none could be loaded; the backend
	// and cloud checks need it.
	Spec *topology.Spec
	// Backend and Pulumi are the --backend and --pulumi flags.
	Backend, Pulumi string
	// SecretsProvider is the --secrets-provider flag.
	SecretsProvider string
	Getenv          func(string) string
}

// Doctor checks what the engine needs: the pulumi CLI and its version, the
// backend, the passphrase, the infra provider plugin, and the credentials of
// the spec's clouds. Each problem comes with its fix. When the backend holds
// stacks of the spec, the passphrase check opens them: it proves the
// passphrase decrypts them, rather than that a variable is set.
func Doctor(ctx context.Context, in DoctorInput) []Check {
	var out []Check
	cli := checkCLI(ctx, in.Pulumi)
	out = append(out, cli)
	backend := Check{Status: CheckError}
	if in.Spec != nil {
		backend = checkBackend(in.Spec, firstOf(in.Backend, in.Getenv(EnvBackend)))
		out = append(out, backend)
	}
	pass := checkPassphrase(in.Getenv, firstOf(in.SecretsProvider, in.Getenv(EnvSecretsProvider)))
	if pass.Status != CheckError && cli.Status == CheckOK && backend.Status == CheckOK {
		pass = checkDecrypt(ctx, in, pass)
	}
	out = append(out, pass)
	out = append(out, checkPlugin())
	if in.Spec != nil {
		out = append(out, checkClouds(in.Spec, in.Getenv)...)
	}
	return out
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func checkCLI(ctx context.Context, path string) Check {
	c := Check{Name: "pulumi CLI"}
	cli, err := FindCLI(ctx, path)
	switch {
	case errors.Is(err, ErrNoCLI):
		c.Status, c.Detail = CheckError, "not found (looked for .bin/pulumi near infra and the working directory, then on PATH)"
		c.Fix = "run scripts/install-pulumi (builds the pinned v3.259.0 into .bin/pulumi), or install pulumi and put it on PATH"
	case err != nil:
		c.Status, c.Detail = CheckError, err.Error()
		c.Fix = "rebuild it with scripts/install-pulumi, or pass --pulumi PATH"
	default:
		c.Status, c.Detail = CheckOK, fmt.Sprintf("pulumi v%s at %s (from %s)", cli.Version, cli.Path, cli.Source)
	}
	return c
}

func checkBackend(spec *topology.Spec, override string) Check {
	c := Check{Name: "backend"}
	url, err := BackendFor(spec, override)
	if err != nil {
		c.Status, c.Detail, c.Fix = CheckError, err.Error(), "set --backend or INFRA_BACKEND to a Pulumi backend URL"
		return c
	}
	p, ok := strings.CutPrefix(url, "file://")
	if !ok {
		c.Status = CheckOK
		c.Detail = url + " (not checked here: the pulumi CLI uses the credentials in your environment)"
		return c
	}
	// The directory, or the nearest existing parent, must be writable.
	dir := p
	for {
		fi, err := os.Stat(dir)
		if err == nil {
			if !fi.IsDir() {
				c.Status, c.Detail, c.Fix = CheckError, url+": "+dir+" is not a directory", "point --backend at a directory"
				return c
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(dir) == dir {
			c.Status, c.Detail, c.Fix = CheckError, url+": "+err.Error(), "point --backend at a directory you can write"
			return c
		}
		dir = filepath.Dir(dir)
	}
	probe, err := os.CreateTemp(dir, ".infra-doctor-")
	if err != nil {
		c.Status, c.Detail, c.Fix = CheckError, url+": "+dir+" is not writable", "fix its permissions or point --backend elsewhere"
		return c
	}
	probe.Close()
	os.Remove(probe.Name())
	c.Status = CheckOK
	if dir == p {
		stacks, _ := filepath.Glob(filepath.Join(p, ".pulumi", "stacks", spec.Name, "*.json"))
		c.Detail = fmt.Sprintf("%s (%d stack(s) of %s)", url, len(stacks), spec.Name)
	} else {
		c.Detail = url + " (made on the first run)"
	}
	return c
}

func checkPassphrase(getenv func(string) string, provider string) Check {
	c := Check{Name: "passphrase"}
	provider, err := ParseSecretsProvider(provider)
	if err != nil {
		c.Status, c.Detail, c.Fix = CheckError, err.Error(), "set --secrets-provider or "+EnvSecretsProvider+" to passphrase or a key-service URL"
		return c
	}
	p, err := ReadPassphrase(getenv)
	pulumi := getenv(EnvPulumiPassphrase)
	switch {
	case err != nil:
		c.Status, c.Detail, c.Fix = CheckError, err.Error(), "point it at a readable file holding the passphrase"
	case p.Value != "" && pulumi != "" && p.Value != pulumi:
		c.Status, c.Detail = CheckWarning, p.Source+" and "+EnvPulumiPassphrase+" are both set and differ; infra uses "+p.Source
		c.Fix = "unset one of them"
	case p.Value != "":
		c.Status, c.Detail = CheckOK, p.Source+" is set"
	case !IsPassphrase(provider):
		c.Status, c.Detail = CheckOK, "not set; new stacks are encrypted by "+provider+" (stacks still on a passphrase need "+EnvPassphrase+")"
	default:
		c.Status, c.Detail = CheckError, "neither "+EnvPassphrase+", "+EnvPassphraseFile+" nor "+EnvPulumiPassphrase+" is set: secrets in state cannot be encrypted"
		c.Fix = "export " + EnvPassphraseFile + "=<a file holding a long random passphrase> (or " + EnvPassphrase + "), the same on every run (store it in your secret manager; CI: a repository secret)"
	}
	return c
}

// checkDecrypt opens the stacks the backend holds for the spec, the way
// every engine command does, and so proves the secrets settings decrypt
// them. A file backend not made yet has none, and is not made here.
func checkDecrypt(ctx context.Context, in DoctorInput, c Check) Check {
	url, err := BackendFor(in.Spec, firstOf(in.Backend, in.Getenv(EnvBackend)))
	if err != nil {
		return c
	}
	if p, ok := strings.CutPrefix(url, "file://"); ok {
		if _, err := os.Stat(filepath.Join(p, ".pulumi", "stacks", in.Spec.Name)); err != nil {
			c.Detail += " (no deployed stack to try it on yet)"
			return c
		}
	}
	p, _ := ReadPassphrase(in.Getenv)
	e, err := New(ctx, in.Spec, WithPassphrase(p.Value), WithPassphraseSource(p.Source), WithBackend(url),
		WithPulumi(in.Pulumi), WithSecretsProvider(firstOf(in.SecretsProvider, in.Getenv(EnvSecretsProvider))))
	if err != nil {
		c.Status, c.Detail = CheckError, err.Error()
		if errors.Is(err, ErrWrongPassphrase) || errors.Is(err, ErrNoPassphrase) {
			c.Fix = "export " + EnvPassphrase + " (or " + EnvPassphraseFile + ") with the passphrase the stacks were created with"
		}
		return c
	}
	defer e.Close()
	n := 0
	for _, name := range e.graph.Names() {
		if _, ok := e.Deployed(name); ok {
			n++
		}
	}
	if n == 0 {
		c.Detail += " (no deployed stack to try it on yet)"
	} else {
		c.Detail += fmt.Sprintf(" and decrypts the %s of %s", pluralize(n, "deployed stack"), in.Spec.Name)
	}
	return c
}

func pluralize(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

func checkPlugin() Check {
	c := Check{Name: "infra provider"}
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		c.Status, c.Detail, c.Fix = CheckError, "cannot locate the infra executable: "+err.Error(), "run infra from a regular file"
		return c
	}
	c.Status, c.Detail = CheckOK, provider.PluginName+" runs "+exe+" (IBM Cloud types, WireGuard keys, k3s tokens)"
	return c
}

// cloudCredentials are the environment variables each cloud's provider
// reads; any one of a row's alternatives will do.
var cloudCredentials = map[topology.Cloud]struct {
	vars [][]string
	fix  string
}{
	topology.AWS: {[][]string{{"AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"}},
		"export AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) for the management account"},
	topology.Hetzner: {[][]string{{"HCLOUD_TOKEN"}}, "export HCLOUD_TOKEN (Hetzner Console → project → Security → API tokens)"},
	topology.OVH: {[][]string{{"OVH_ENDPOINT"}, {"OVH_APPLICATION_KEY", "OVH_CLIENT_ID"}},
		"export OVH_ENDPOINT and OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET, OVH_CONSUMER_KEY (or OVH_CLIENT_ID and OVH_CLIENT_SECRET)"},
	topology.IBM: {[][]string{{"IBMCLOUD_API_KEY"}}, "export IBMCLOUD_API_KEY (ibmcloud iam api-key-create)"},
}

// checkClouds warns about missing credentials: a simulated run needs none,
// so they are warnings.
func checkClouds(spec *topology.Spec, getenv func(string) string) []Check {
	used := map[topology.Cloud]bool{}
	for _, r := range spec.Regions() {
		used[r.Cloud] = true
	}
	var out []Check
	for _, cloud := range topology.AllClouds {
		if !used[cloud] {
			continue
		}
		cred := cloudCredentials[cloud]
		c := Check{Name: string(cloud) + " credentials", Status: CheckOK}
		var missing []string
		for _, alts := range cred.vars {
			found := ""
			for _, v := range alts {
				if getenv(v) != "" {
					found = v
					break
				}
			}
			if found == "" {
				missing = append(missing, strings.Join(alts, " or "))
			} else {
				c.Detail = strings.TrimPrefix(c.Detail+", "+found+" is set", ", ")
			}
		}
		if len(missing) > 0 {
			c.Status = CheckWarning
			c.Detail = "not set: " + strings.Join(missing, "; ") + " (a real deployment needs them; --simulate does not)"
			c.Fix = cred.fix
		}
		out = append(out, c)
	}
	return out
}
