package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadsFromAReadOnlyState: outputs and preview need no write access to
// the state: they take no lock. Root writes through file modes, so as root
// the state directory (.infra, logs included) is bind-mounted read-only in
// a mount namespace of the command's own.
func TestReadsFromAReadOnlyState(t *testing.T) {
	needDeploy(t, "builds the infra binary")
	bin := binary(t)
	pulumi, _ := filepath.Abs("../.bin/pulumi")
	file, dir := pairSpec(t)
	stack := "hetzner-nbg1-dev"
	env := append(os.Environ(), "INFRA_PASSPHRASE=ro-test")
	up := exec.Command(bin, "up", "--simulate", "--yes", "--stack", stack, "-f", file, "--pulumi", pulumi, "--no-color")
	up.Env = env
	if out, err := up.CombinedOutput(); err != nil {
		t.Fatalf("up: %v\n%s", err, out)
	}
	infraDir := filepath.Join(dir, ".infra")
	readOnly := func(args ...string) *exec.Cmd {
		args = append(args, "-f", file, "--pulumi", pulumi, "--no-color", "--stack", stack)
		if os.Geteuid() != 0 {
			return exec.Command(bin, args...)
		}
		script := `mount --bind -o ro "$1" "$1" && shift && exec "$@"`
		return exec.Command("unshare", append([]string{"--mount", "--propagation", "private", "sh", "-c", script, "sh", infraDir, bin}, args...)...)
	}
	if os.Geteuid() == 0 {
		probe := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c",
			`mount --bind -o ro "$1" "$1" && ! touch "$1/probe" 2>/dev/null`, "sh", infraDir)
		if out, err := probe.CombinedOutput(); err != nil {
			t.Skipf("no read-only bind mount here (%v): %s", err, out)
		}
	} else {
		_ = filepath.WalkDir(infraDir, func(p string, d os.DirEntry, err error) error {
			if err == nil {
				info, _ := d.Info()
				_ = os.Chmod(p, info.Mode().Perm()&^0o222)
			}
			return nil
		})
		t.Cleanup(func() {
			_ = filepath.WalkDir(infraDir, func(p string, d os.DirEntry, err error) error {
				if err == nil {
					info, _ := d.Info()
					_ = os.Chmod(p, info.Mode().Perm()|0o200)
				}
				return nil
			})
		})
	}
	cmd := readOnly("outputs", "--json")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "meshPublicKey") {
		t.Errorf("outputs from a read-only state: %v\n%s", err, out)
	}
	cmd = readOnly("preview", "--simulate", "--detailed-exitcode")
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("preview from a read-only state: %v\n%s", err, out)
	}
}

// TestOutputsWithADamagedCheckpoint: `infra outputs` prints the stacks it
// can read, names the damaged one with its file and backup, and exits 1.
func TestOutputsWithADamagedCheckpoint(t *testing.T) {
	env := map[string]string{}
	file, dir := upPair(t, env, "damage-test", "hetzner-nbg1-dev,hetzner-fsn1-dev")
	damaged := filepath.Join(dir, ".infra", "state", ".pulumi", "stacks", "pair", "hetzner-fsn1-dev.json")
	if err := os.WriteFile(damaged, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, false, env, "outputs", "-f", file)
	if r.code != ExitError || !strings.Contains(r.out, "hetzner-nbg1-dev") {
		t.Errorf("outputs with a damaged checkpoint: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	for _, want := range []string{"✗ hetzner-fsn1-dev", damaged, damaged + ".bak"} {
		if !strings.Contains(r.err, want) {
			t.Errorf("the error lacks %q:\n%s", want, r.err)
		}
	}
}
