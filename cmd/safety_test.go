package cmd

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/provider/sim"
)

// TestStdinFromDevNullCannotConfirm runs the real binary with stdin from
// /dev/null (a character device, but no terminal): up, destroy and refresh
// refuse at once with 64, before any preview or engine start, and touch
// nothing.
func TestStdinFromDevNullCannotConfirm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the infra binary: skipped with -short")
	}
	bin := binary(t)
	file, dir := pairSpec(t)
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	for _, verb := range []string{"up", "destroy", "refresh"} {
		cmd := exec.Command(bin, verb, "--simulate", "-f", file, "--no-color")
		cmd.Stdin = null
		cmd.Env = append(os.Environ(), "INFRA_PASSPHRASE=p")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		if code := cmd.ProcessState.ExitCode(); code != ExitUsage || !strings.Contains(stderr.String(), "pass --yes") {
			t.Errorf("%s < /dev/null: exit %d (%v)\n%s", verb, code, err, stderr.String())
		}
		if strings.Contains(stderr.String(), "SIMULATED") {
			t.Errorf("%s < /dev/null previewed before refusing:\n%s", verb, stderr.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".infra")); !os.IsNotExist(err) {
		t.Errorf("a refused command touched the backend")
	}
}

// stackFiles lists the stacks of project pair in a test's file backend.
func stackFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, ".infra", "state", ".pulumi", "stacks", "pair", "*.json"))
	return files
}

// TestPreviewCreatesNoStack: a preview of stacks never deployed shows every
// resource as a create and leaves the backend without a stack; up then
// deploys them as usual.
func TestPreviewCreatesNoStack(t *testing.T) {
	needCLI(t)
	file, dir := pairSpec(t)
	env := map[string]string{"INFRA_PASSPHRASE": "p"}
	r := run(t, false, env, "preview", "--simulate", "-f", file, "--detailed-exitcode")
	if r.code != ExitChanges || !strings.Contains(r.out, "Preview of pair: 62 to create") {
		t.Fatalf("preview: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	if files := stackFiles(t, dir); len(files) != 0 {
		t.Errorf("the preview created stacks in the backend: %v", files)
	}
	r = run(t, false, env, "outputs", "-f", file, "--simulate", "--json")
	if r.code != ExitOK || strings.Contains(r.out, `"succeeded"`) {
		t.Errorf("after a preview, outputs finds deployed stacks (exit %d):\n%s", r.code, r.out)
	}
	r = run(t, false, env, "up", "--simulate", "--yes", "-f", file, "--stack", "hetzner-nbg1-dev")
	if r.code != ExitOK {
		t.Fatalf("up of one stack: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	// A preview of the rest: one deployed stack, two still previewed in
	// scratch; still nothing new in the backend.
	r = run(t, false, env, "preview", "--simulate", "-f", file)
	if r.code != ExitOK || !strings.Contains(r.out, "37 to create") {
		t.Errorf("preview after one stack is up: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	if files := stackFiles(t, dir); len(files) != 1 || filepath.Base(files[0]) != "hetzner-nbg1-dev.json" {
		t.Errorf("stacks in the backend = %v, want hetzner-nbg1-dev alone", files)
	}
}

// lbURN finds the load balancer of a deployed stack in its checkpoint.
func lbURN(t *testing.T, dir, stack string) resource.URN {
	t.Helper()
	c, err := readPairCheckpoint(dir, stack)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Latest.Resources {
		if r.Type == "hcloud:index/loadBalancer:LoadBalancer" {
			return resource.URN(r.URN)
		}
	}
	t.Fatalf("no load balancer in %s", stack)
	return ""
}

// TestRefreshAsksAndPreviewOnlyWritesNothing deletes a load balancer behind
// the engine's back: refresh --preview-only reports it with exit 2 and the
// state stays byte for byte; on a terminal refresh shows the drift and asks,
// and writes only on yes.
func TestRefreshAsksAndPreviewOnlyWritesNothing(t *testing.T) {
	env := map[string]string{}
	file, dir := upPair(t, env, "p", "hetzner-nbg1-dev")
	state := filepath.Join(dir, ".infra", "state", ".pulumi", "stacks", "pair", "hetzner-nbg1-dev.json")
	before, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	lb := lbURN(t, dir, "hetzner-nbg1-dev")
	gone := func(srv *sim.Server) { srv.Cloud().Remove(lb) }
	drifted := func(answer string, args ...string) result {
		t.Helper()
		var r result
		if answer == "" {
			r = runHooked(t, false, "", env, gone, args...)
		} else {
			r = runHooked(t, true, answer, env, gone, args...)
		}
		return r
	}
	same := func(when string) {
		t.Helper()
		after, err := os.ReadFile(state)
		if err != nil || !bytes.Equal(before, after) {
			t.Errorf("%s: the state changed", when)
		}
	}

	r := drifted("", "refresh", "--preview-only", "--detailed-exitcode", "--simulate", "-f", file)
	if r.code != ExitChanges || !strings.Contains(r.out, "Refresh preview of pair: 1 gone") || !strings.Contains(r.out, "the state is unchanged") {
		t.Errorf("refresh --preview-only: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	same("refresh --preview-only")
	r = drifted("", "refresh", "--preview-only", "--detailed-exitcode", "--simulate", "-f", file, "--json")
	if r.code != ExitChanges || !strings.Contains(r.out, `"operation": "preview-refresh"`) {
		t.Errorf("refresh --preview-only --json: exit %d\n%s", r.code, r.out)
	}
	same("refresh --preview-only --json")

	r = drifted("n\n", "refresh", "--simulate", "-f", file)
	if r.code != ExitError || !strings.Contains(r.err, "Write the drift of 1 resource in 1 stack into the state? [y/N]") ||
		!strings.Contains(r.err, "The state is unchanged.") || !strings.Contains(r.out, "confirm to write this drift") {
		t.Errorf("refresh answered no: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.out, r.err)
	}
	same("refresh answered no")

	r = drifted("y\n", "refresh", "--simulate", "-f", file, "--detailed-exitcode")
	if r.code != ExitChanges || !strings.Contains(r.out, "Refresh of pair: 1 gone") {
		t.Errorf("refresh answered yes: exit %d\n%s\n%s", r.code, r.out, r.err)
	}
	after, _ := os.ReadFile(state)
	if bytes.Equal(before, after) || bytes.Contains(after, []byte(lb)) {
		t.Errorf("refresh answered yes did not write the deletion into the state")
	}
}

// runHooked drives the CLI like run (or runTTY when tty, answering with
// answer), with hook called on the simulator the command starts.
func runHooked(t *testing.T, tty bool, answer string, env map[string]string, hook func(*sim.Server), args ...string) result {
	t.Helper()
	var out, errb strings.Builder
	f := newTestFactory(&out, &errb, strings.NewReader(answer), tty, env)
	f.OnSimulator = hook
	code := runFactory(t, f, args)
	return result{out.String(), errb.String(), code}
}

// TestUpDetailedExitcode: 2 when the up changed something, 0 when not.
func TestUpDetailedExitcode(t *testing.T) {
	needCLI(t)
	file, _ := pairSpec(t)
	env := map[string]string{"INFRA_PASSPHRASE": "p"}
	args := []string{"up", "--simulate", "--yes", "-f", file, "--stack", "hetzner-nbg1-dev", "--detailed-exitcode"}
	if r := run(t, false, env, args...); r.code != ExitChanges {
		t.Errorf("first up: exit %d, want 2\n%s", r.code, r.err)
	}
	if r := run(t, false, env, args...); r.code != ExitOK {
		t.Errorf("no-op up: exit %d, want 0\n%s", r.code, r.err)
	}
}

// TestUnknownStackIsUsage: --stack naming no stack exits 64 and lists them.
func TestUnknownStackIsUsage(t *testing.T) {
	needCLI(t)
	file, _ := pairSpec(t)
	for _, verb := range []string{"outputs", "preview"} {
		r := run(t, false, map[string]string{"INFRA_PASSPHRASE": "p"}, verb, "--simulate", "-f", file, "--stack", "nope")
		if r.code != ExitUsage || !strings.Contains(r.err, `no stack "nope"`) || !strings.Contains(r.err, "hetzner-nbg1-dev") {
			t.Errorf("%s --stack nope: exit %d\n%s", verb, r.code, r.err)
		}
	}
}

// TestValidateUnreadablePaths: validate says why it cannot read the file and
// exits 1; it never calls an unread file valid.
func TestValidateUnreadablePaths(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, "topology.yaml", "name: acme\n")
	loop := filepath.Join(dir, "loop.yaml")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	for path, msg := range map[string]string{
		loop:                            "symlink loop",
		filepath.Join(file, "x.yaml"):   "a part of the path is a file",
		"/dev/zero":                     "not a regular file or a pipe",
		filepath.Join(dir, "none.yaml"): "not found",
	} {
		r := run(t, false, nil, "validate", "-f", path)
		if r.code != ExitError || !strings.Contains(r.err+r.out, msg) || strings.Contains(r.out+r.err, "is valid") {
			t.Errorf("validate -f %s: exit %d\n%s%s", path, r.code, r.out, r.err)
		}
	}
}
