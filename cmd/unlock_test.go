package cmd

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"infra/ui"
)

func TestUnlockFlags(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		env     map[string]string
		want    UnlockOptions
		wantErr bool
	}{
		{args: []string{"--stack", "global"}, want: UnlockOptions{Stack: "global"}},
		{args: []string{"--stack", "global", "--yes", "--backend", "s3://b"}, want: UnlockOptions{Stack: "global", Yes: true, Backend: "s3://b"}},
		{args: []string{"--stack", "global"}, env: map[string]string{"INFRA_BACKEND": "file:///x"}, want: UnlockOptions{Stack: "global", Backend: "file:///x"}},
		{args: nil, wantErr: true},
	} {
		var got *UnlockOptions
		f := &Factory{IO: &ui.IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}},
			Getenv: func(k string) string { return tc.env[k] }, Now: time.Now}
		cmd := NewCmdUnlock(f, func(o *UnlockOptions) error { got = o; return nil })
		cmd.SetArgs(tc.args)
		cmd.SetOut(&bytes.Buffer{})
		cmd.SetErr(&bytes.Buffer{})
		err := cmd.Execute()
		if tc.wantErr {
			if err == nil {
				t.Errorf("%v: no error", tc.args)
			}
			continue
		}
		if err != nil || got == nil || got.Stack != tc.want.Stack || got.Yes != tc.want.Yes || got.Backend != tc.want.Backend {
			t.Errorf("%v: %+v, %v; want %+v", tc.args, got, err, tc.want)
		}
	}
}

// until waits for cond, checking it every 50 ms, for at most limit: a wait
// on a condition another process brings about, never a sleep in its place.
func until(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(limit); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("waited %s for %s", limit, what)
		}
	}
}

// pendingOps reads the pending operations of a stack's checkpoint in the
// file backend of the pair topology in dir.
func pendingOps(dir, stack string) []string {
	c, err := readPairCheckpoint(dir, stack)
	if err != nil {
		return nil
	}
	var out []string
	for _, p := range c.Latest.Pending {
		out = append(out, p.Type+" "+p.Resource.URN)
	}
	return out
}

// TestKilledUpLeavesLocksUnlockClearsThem kills a real infra up and its
// pulumi children (SIGKILL) while creates are in flight, then checks every
// promise about what it leaves: pulumi's stale lock is reported with its
// holder, `infra unlock` refuses a live holder and clears a dead one, the
// pending creates are reported and cleared by the next up, which converges,
// and the killed run's temp directory is cleaned.
func TestKilledUpLeavesLocksUnlockClearsThem(t *testing.T) {
	needKill(t)
	bin := binary(t)
	file, dir := pairSpec(t)
	state := filepath.Join(dir, ".infra", "state")
	stack := "hetzner-nbg1-dev"
	tmp := t.TempDir()
	env := append(os.Environ(), "INFRA_PASSPHRASE=kill-test", "TMPDIR="+tmp)
	infra := func(extra []string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(bin, append(args, "-f", file, "--no-color")...)
		cmd.Env = append(append([]string{}, env...), extra...)
		cmd.Stdin = strings.NewReader("") // a pipe: no terminal
		out, err := cmd.CombinedOutput()
		if _, ok := err.(*exec.ExitError); err != nil && !ok {
			t.Fatal(err)
		}
		return string(out), cmd.ProcessState.ExitCode()
	}

	// A run whose creates never finish: the cloud takes ten minutes.
	up := exec.Command(bin, "up", "--simulate", "--yes", "--stack", stack, "-f", file, "--no-color")
	up.Env = append(append([]string{}, env...), "INFRA_SIM_LATENCY=10m")
	var upOut bytes.Buffer
	up.Stdout, up.Stderr = &upOut, &upOut
	if err := up.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	kill := func() {
		if killed {
			return
		}
		killed = true
		for _, p := range descendants(up.Process.Pid) {
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		_ = up.Process.Kill()
		_ = up.Wait()
	}
	t.Cleanup(kill)
	lockDir := filepath.Join(state, ".pulumi", "locks", "organization", "pair", stack)
	until(t, 2*time.Minute, "the up to lock the stack and begin its creates", func() bool {
		locks, _ := filepath.Glob(filepath.Join(lockDir, "*.json"))
		return len(locks) > 0 && len(pendingOps(dir, stack)) > 0
	})

	// While it runs: reads work, and its lock is never broken.
	if out, code := infra(nil, "outputs", "--json"); code != ExitOK {
		t.Errorf("outputs during the up: exit %d\n%s", code, out)
	}
	out, code := infra(nil, "unlock", "--stack", stack, "--yes")
	if code != ExitError || !strings.Contains(out, "still running") || !strings.Contains(out, "never breaks") {
		t.Errorf("unlock of a live run's stack: exit %d\n%s", code, out)
	}
	locks, _ := filepath.Glob(filepath.Join(lockDir, "*.json"))
	if len(locks) == 0 {
		t.Fatal("unlock removed a live run's lock")
	}

	pulumiPIDs := descendants(up.Process.Pid)
	infraPID := up.Process.Pid
	kill()
	pending := pendingOps(dir, stack)
	t.Logf("killed infra (pid %d) and %v; pending: %v", infraPID, pulumiPIDs, pending)
	if len(pending) == 0 {
		t.Fatal("the kill left no pending operation to resolve")
	}

	// The rerun stops at pulumi's lock and says whose it is.
	host, _ := os.Hostname()
	out, code = infra(nil, "up", "--simulate", "--yes", "--stack", stack)
	if code != ExitError {
		t.Fatalf("a rerun over a stale lock: exit %d\n%s", code, out)
	}
	for _, want := range []string{"on " + host, "that process has exited", "ago", "infra unlock --stack " + stack} {
		if !strings.Contains(out, want) {
			t.Errorf("the stale-lock report lacks %q:\n%s", want, out)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(tmp, fmt.Sprintf("infra-engine-p%d-*", infraPID))); len(left) > 0 {
		t.Errorf("the killed run's temp directory is still there: %v", left)
	}

	// Unlock asks first; off a terminal it needs --yes.
	if out, code := infra(nil, "unlock", "--stack", stack); code != ExitUsage || !strings.Contains(out, "--yes") {
		t.Errorf("unlock off a terminal without --yes: exit %d\n%s", code, out)
	}
	out, code = infra(nil, "unlock", "--stack", stack, "--yes")
	if code != ExitOK || !strings.Contains(out, "that process has exited") || !strings.Contains(out, "cleared") {
		t.Fatalf("unlock of a stale lock: exit %d\n%s", code, out)
	}
	if left, _ := filepath.Glob(filepath.Join(lockDir, "*")); len(left) > 0 {
		t.Errorf("locks left after unlock: %v", left)
	}
	if out, code := infra(nil, "unlock", "--stack", stack, "--yes"); code != ExitOK || !strings.Contains(out, "no lock") {
		t.Errorf("unlock of an unlocked stack: exit %d\n%s", code, out)
	}

	// The next up clears the pending creates, says which, and converges.
	out, code = infra(nil, "up", "--simulate", "--yes", "--stack", stack)
	if code != ExitOK {
		t.Fatalf("the up after unlock: exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "cleared") || !strings.Contains(out, "pending create") {
		t.Errorf("the up does not report the pending creates it cleared:\n%s", out)
	}
	if p := pendingOps(dir, stack); len(p) > 0 {
		t.Errorf("pending operations left: %v", p)
	}
	if out, code := infra(nil, "preview", "--simulate", "--detailed-exitcode", "--stack", stack); code != ExitOK {
		t.Errorf("after the rerun, preview finds changes or fails: exit %d\n%s", code, out)
	}
}

// TestHangupIsAnInterrupt: a closed terminal or a dropped ssh session
// (SIGHUP) stops infra the way Ctrl-C does: it says so, lets the operations
// in flight finish, exits 130 and releases every lock, where the default
// action would kill it and leave them.
func TestHangupIsAnInterrupt(t *testing.T) {
	needDeploy(t, "builds the infra binary")
	file, dir := pairSpec(t)
	cmd, errs, _, done := heldUp(t, file)
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	<-done
	if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted || !strings.Contains(errs.String(), "Interrupted:") {
		t.Errorf("after SIGHUP: exit %d\n%s", code, errs.String())
	}
	for _, stack := range regions {
		if urns, _, _ := checkpoint(t, dir, stack); !has(urns, networkURN(stack)) {
			t.Errorf("%s: the network in flight at the hangup did not finish", stack)
		}
	}
	if left := locksLeft(dir); len(left) > 0 {
		t.Errorf("locks left behind: %v", left)
	}
}
