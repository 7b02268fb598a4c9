package cmd

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// deployedSecretsProvider reads a stack's secrets provider from its
// checkpoint: "passphrase" or the URL of a key service.
func deployedSecretsProvider(t *testing.T, dir, stack string) string {
	t.Helper()
	c, err := readPairCheckpoint(dir, stack)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Latest.SecretsProviders; p.Type == "cloud" {
		return p.State.URL
	}
	return c.Latest.SecretsProviders.Type
}

// TestPassphraseFilesWrongPassphraseAndRotation: the passphrase comes from
// INFRA_PASSPHRASE_FILE or PULUMI_CONFIG_PASSPHRASE_FILE; a wrong one stops
// the command once, naming INFRA_PASSPHRASE, before any stack runs; doctor
// proves it opens the stacks; change-secrets-provider moves them to a new
// passphrase, after which only the new one opens them.
func TestPassphraseFilesWrongPassphraseAndRotation(t *testing.T) {
	needCLI(t)
	file, dir := pairSpec(t)
	pass := filepath.Join(dir, "pass.txt")
	if err := os.WriteFile(pass, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	infraFile := map[string]string{"INFRA_PASSPHRASE_FILE": pass}
	r := run(t, false, infraFile, "up", "--simulate", "--yes", "-f", file, "--stack", "hetzner-nbg1-dev")
	if r.code != ExitOK {
		t.Fatalf("up with INFRA_PASSPHRASE_FILE: exit %d\n%s", r.code, r.err)
	}
	show := func(env map[string]string) result {
		t.Helper()
		return run(t, false, env, "outputs", "-f", file, "--stack", "hetzner-nbg1-dev", "--show-secrets", "--json")
	}
	first := show(map[string]string{"PULUMI_CONFIG_PASSPHRASE_FILE": pass})
	if first.code != ExitOK || !strings.Contains(first.out, "meshPrivateKey") {
		t.Fatalf("outputs with PULUMI_CONFIG_PASSPHRASE_FILE: exit %d\n%s%s", first.code, first.out, first.err)
	}
	// The trailing newline of the file is not part of the passphrase.
	if r := show(map[string]string{"INFRA_PASSPHRASE": "from-a-file"}); r.code != ExitOK || r.out != first.out {
		t.Errorf("outputs with the file's passphrase in INFRA_PASSPHRASE: exit %d\n%s", r.code, r.err)
	}

	wrong := map[string]string{"INFRA_PASSPHRASE": "wrong"}
	r = run(t, false, wrong, "preview", "--simulate", "-f", file)
	if r.code != ExitError || strings.Count(r.err, "INFRA_PASSPHRASE") < 1 || !strings.Contains(r.err, "does not decrypt the stacks of pair") ||
		strings.Count(r.err, "error:") != 1 || strings.Contains(r.err, "PULUMI_CONFIG_PASSPHRASE") || strings.Contains(r.out, "Preview of") {
		t.Errorf("preview with a wrong passphrase: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.err)
	}
	r = run(t, false, map[string]string{"INFRA_PASSPHRASE_FILE": filepath.Join(dir, "missing")}, "preview", "--simulate", "-f", file)
	if r.code != ExitError || !strings.Contains(r.err, "INFRA_PASSPHRASE_FILE") {
		t.Errorf("preview with a missing passphrase file: exit %d\n%s", r.code, r.err)
	}

	r = run(t, false, infraFile, "doctor", "-f", file)
	if !strings.Contains(r.out, "INFRA_PASSPHRASE_FILE ("+pass+") is set and decrypts the 1 deployed stack of pair") {
		t.Errorf("doctor with the right passphrase:\n%s", r.out)
	}
	r = run(t, false, wrong, "doctor", "-f", file)
	if r.code != ExitError || !strings.Contains(r.out, "✗ passphrase") || !strings.Contains(r.out, "INFRA_PASSPHRASE does not decrypt") {
		t.Errorf("doctor with a wrong passphrase: exit %d\n%s", r.code, r.out)
	}

	// Rotate: old passphrase from the file, the new one from the env.
	rotate := map[string]string{"INFRA_PASSPHRASE_FILE": pass, "INFRA_NEW_PASSPHRASE": "rotated"}
	if r := run(t, false, rotate, "change-secrets-provider", "-f", file); r.code != ExitUsage || !strings.Contains(r.err, "--yes") {
		t.Errorf("change-secrets-provider off a terminal without --yes: exit %d\n%s", r.code, r.err)
	}
	r = run(t, false, rotate, "change-secrets-provider", "passphrase", "--yes", "-f", file)
	if r.code != ExitOK || !strings.Contains(r.err, "re-encrypted the secrets of 1 stack with the new passphrase") {
		t.Fatalf("change-secrets-provider: exit %d\n%s", r.code, r.err)
	}
	if r := show(infraFile); r.code != ExitError || !strings.Contains(r.err, "does not decrypt") {
		t.Errorf("outputs with the old passphrase after the rotation: exit %d\n%s", r.code, r.err)
	}
	if r := show(map[string]string{"INFRA_PASSPHRASE": "rotated"}); r.code != ExitOK || r.out != first.out {
		t.Errorf("outputs with the new passphrase: exit %d, same secrets %v\n%s", r.code, r.out == first.out, r.err)
	}
}

// fakeVault answers HashiCorp Vault's transit encrypt and decrypt, the two
// calls Pulumi's hashivault:// secrets provider makes
// (https://developer.hashicorp.com/vault/api-docs/secret/transit), with a
// reversible stand-in for the cipher. It counts the calls.
func fakeVault(t *testing.T) (url string, calls *atomic.Int64) {
	calls = &atomic.Int64{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Vault-Token") != "test-token" {
			http.Error(w, `{"errors":["permission denied"]}`, http.StatusForbidden)
			return
		}
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		var data map[string]string
		switch r.URL.Path {
		case "/v1/transit/encrypt/infra":
			data = map[string]string{"ciphertext": "vault:v1:" + body["plaintext"]}
		case "/v1/transit/decrypt/infra":
			data = map[string]string{"plaintext": strings.TrimPrefix(body["ciphertext"], "vault:v1:")}
		default:
			http.NotFound(w, r)
			return
		}
		calls.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
	}))
	t.Cleanup(srv.Close)
	return srv.URL, calls
}

// TestKeyServiceSecretsProvider: a hashivault:// URL reaches Pulumi as it
// is (here a Vault on loopback): up moves a passphrase stack to it and makes
// new stacks with it, and from then on no passphrase is needed.
func TestKeyServiceSecretsProvider(t *testing.T) {
	needCLI(t)
	url, calls := fakeVault(t)
	// The pulumi CLI reads these from the process environment.
	t.Setenv("VAULT_SERVER_URL", url)
	t.Setenv("VAULT_SERVER_TOKEN", "test-token")
	file, dir := pairSpec(t)
	withPass := map[string]string{"INFRA_PASSPHRASE": "p"}
	if r := run(t, false, withPass, "up", "--simulate", "--yes", "-f", file, "--stack", "hetzner-nbg1-dev"); r.code != ExitOK {
		t.Fatalf("up: exit %d\n%s", r.code, r.err)
	}
	if p := deployedSecretsProvider(t, dir, "hetzner-nbg1-dev"); p != "passphrase" {
		t.Fatalf("secrets provider = %q", p)
	}
	if r := run(t, false, map[string]string{"INFRA_SECRETS_PROVIDER": "vault://x"}, "preview", "--simulate", "-f", file); r.code != ExitUsage {
		t.Errorf("an unknown secrets provider: exit %d\n%s", r.code, r.err)
	}

	const vault = "hashivault://infra"
	r := runTTY(t, "y\n", withPass, "up", "--simulate", "-f", file, "--secrets-provider", vault)
	if r.code != ExitOK || !strings.Contains(r.err, "Re-encrypt the secrets of 1 stack with "+vault+" and deploy 37 changes to 2 stacks?") {
		t.Fatalf("up moving to %s: exit %d\n%s", vault, r.code, r.err)
	}
	for _, s := range []string{"hetzner-nbg1-dev", "hetzner-fsn1-dev", "mesh"} {
		if p := deployedSecretsProvider(t, dir, s); p != vault {
			t.Errorf("%s: secrets provider %q, want %s", s, p, vault)
		}
	}
	if calls.Load() == 0 {
		t.Error("the Vault was never asked")
	}
	// No passphrase from now on.
	noPass := map[string]string{"INFRA_SECRETS_PROVIDER": vault}
	r = run(t, false, noPass, "outputs", "-f", file, "--show-secrets", "--json")
	if r.code != ExitOK || !strings.Contains(r.out, "meshPrivateKey") {
		t.Errorf("outputs with the key service and no passphrase: exit %d\n%s", r.code, r.err)
	}
	if r := run(t, false, noPass, "up", "--simulate", "--yes", "-f", file, "--detailed-exitcode"); r.code != ExitOK {
		t.Errorf("no-op up on the key service: exit %d\n%s", r.code, r.err)
	}
}
