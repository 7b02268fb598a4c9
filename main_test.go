package main

import (
	"context"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/provider"
	"infra/provider/sim/simtest"
	hetznerstack "infra/stacks/hetzner"
	"infra/stacks/wireguard"
)

// TestServesAsPulumiResourceInfra runs the real engine with the infra binary
// as its provider plugin, as production does: the engine finds
// pulumi-resource-infra (a link to infra) on PATH, launches it, and it
// makes real WireGuard keys and tokens, kept secret in state.
func TestServesAsPulumiResourceInfra(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the infra binary: skipped with -short")
	}
	cli, _ := filepath.Abs(".bin/pulumi")
	if _, err := os.Stat(cli); err != nil {
		t.Skipf("no pulumi CLI at %s: run scripts/install-pulumi to build it (CI does)", cli)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "infra")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	plugins := filepath.Join(dir, "plugins")
	root := filepath.Join(dir, "pulumi")
	for _, d := range []string{plugins, filepath.Join(root, "bin"), filepath.Join(dir, "state"), filepath.Join(dir, "work")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(bin, filepath.Join(plugins, provider.PluginName)); err != nil {
		t.Fatal(err)
	}
	cmd := simtest.CommandAt(t, cli, root)
	program := func(ctx *pulumi.Context) error {
		key, err := wireguard.NewWireGuardKey(ctx, "gw", nil)
		if err != nil {
			return err
		}
		psk, err := wireguard.NewPresharedKey(ctx, "pair", nil)
		if err != nil {
			return err
		}
		tok, err := hetznerstack.NewToken(ctx, "k3s", &hetznerstack.TokenArgs{Length: pulumi.Int(32)})
		if err != nil {
			return err
		}
		ctx.Export("privateKey", key.PrivateKey)
		ctx.Export("publicKey", key.PublicKey)
		ctx.Export("psk", psk.Key)
		ctx.Export("token", tok.Token)
		return nil
	}
	ctx := context.Background()
	stack, err := auto.UpsertStackInlineSource(ctx, "plugin", "plugintest", program,
		auto.Pulumi(cmd), auto.WorkDir(filepath.Join(dir, "work")), auto.PulumiHome(filepath.Join(dir, "home")),
		auto.SecretsProvider("passphrase"),
		auto.EnvVars(map[string]string{
			"PATH":                     plugins + string(os.PathListSeparator) + os.Getenv("PATH"),
			"PULUMI_CONFIG_PASSPHRASE": "plugin-test",
			"PULUMI_SKIP_UPDATE_CHECK": "true",
			// The plugin must come from PATH, never from a download.
			"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		}),
		auto.Project(workspace.Project{Name: "plugintest", Runtime: workspace.NewProjectRuntimeInfo("go", nil),
			Backend: &workspace.ProjectBackend{URL: "file://" + filepath.Join(dir, "state")}}))
	if err != nil {
		t.Fatal(err)
	}
	up, err := stack.Up(ctx)
	if err != nil {
		t.Fatalf("up through the infra plugin: %v", err)
	}
	priv, _ := up.Outputs["privateKey"].Value.(string)
	pub, _ := up.Outputs["publicKey"].Value.(string)
	if derived, err := provider.PublicKey(priv); err != nil || derived != pub || !up.Outputs["privateKey"].Secret {
		t.Errorf("the plugin's key pair is not a secret, matching pair: %v", err)
	}
	psk, _ := up.Outputs["psk"].Value.(string)
	tok, _ := up.Outputs["token"].Value.(string)
	if b, err := hex.DecodeString(tok); err != nil || len(b) != 32 || len(psk) != 44 || !up.Outputs["token"].Secret {
		t.Errorf("psk %d chars, token %q: want 44 and 32 hex bytes, secret", len(psk), tok)
	}
	err = filepath.WalkDir(filepath.Join(dir, "state"), func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, _ := os.ReadFile(path)
		for _, s := range []string{priv, psk, tok} {
			if strings.Contains(string(data), s) {
				t.Errorf("%s holds a secret in plaintext", path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pre, err := stack.Preview(ctx, optpreview.ExpectNoChanges())
	if err != nil {
		t.Errorf("preview after up: %v (%v)", err, pre.ChangeSummary)
	}
	if _, err := stack.Destroy(ctx); err != nil {
		t.Errorf("destroy through the infra plugin: %v", err)
	}
}
