package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"infra/ui"
)

// The interrupt tests deploy engine/testdata/pair.yaml on the simulator with
// both regions' networks held in flight (INFRA_SIM_HOLD) until the engine
// cancels: the simulator says so through the progress view, so a test knows
// an operation is in flight before it sends a signal. No test waits on time.

// holdNetworks holds the Create of both regions' networks.
const holdNetworks = "INFRA_SIM_HOLD=hetzner-*-dev-network"

var regions = []string{"hetzner-nbg1-dev", "hetzner-fsn1-dev"}

// lines hands a stream's lines to a test as they come.
type lines struct {
	mu   sync.Mutex
	part []byte
	all  strings.Builder
	ch   chan string
}

func newLines() *lines { return &lines{ch: make(chan string, 1<<14)} }

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(p)
	l.part = append(l.part, p...)
	for {
		i := bytes.IndexByte(l.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.ch <- string(l.part[:i])
		l.part = l.part[i+1:]
	}
}

func (l *lines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// waitFor reads lines until n of them contain s; done closing first fails.
func (l *lines) waitFor(t *testing.T, s string, n int, done <-chan struct{}) {
	t.Helper()
	for n > 0 {
		select {
		case line := <-l.ch:
			if strings.Contains(line, s) {
				n--
			}
		case <-done:
			t.Fatalf("the run ended before %d more lines with %q:\n%s", n, s, l.String())
		}
	}
}

// pairCheckpoint is what the file backend holds of a stack of the pair
// topology: the parts the tests read.
type pairCheckpoint struct {
	Latest struct {
		Resources []struct {
			URN  string `json:"urn"`
			Type string `json:"type"`
		} `json:"resources"`
		Pending []struct {
			Resource struct{ URN string } `json:"resource"`
			Type     string               `json:"type"`
		} `json:"pending_operations"`
		SecretsProviders struct {
			Type  string
			State struct{ URL string }
		} `json:"secrets_providers"`
	} `json:"latest"`
}

// readPairCheckpoint reads a stack's checkpoint from the file backend of the
// pair topology in dir.
func readPairCheckpoint(dir, stack string) (*pairCheckpoint, error) {
	data, err := os.ReadFile(filepath.Join(dir, ".infra", "state", ".pulumi", "stacks", "pair", stack+".json"))
	if err != nil {
		return nil, err
	}
	var doc struct {
		Checkpoint pairCheckpoint `json:"checkpoint"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	return &doc.Checkpoint, nil
}

// checkpoint is what the file backend holds of a stack: its resources'
// URNs (not pulumi's own: the stack, providers) and its pending operations,
// or ok=false when there is no stack.
func checkpoint(t *testing.T, dir, stack string) (urns []string, pending int, ok bool) {
	t.Helper()
	c, err := readPairCheckpoint(dir, stack)
	if os.IsNotExist(err) {
		return nil, 0, false
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range c.Latest.Resources {
		if !strings.HasPrefix(r.Type, "pulumi:") { // the stack and providers
			urns = append(urns, r.URN)
		}
	}
	return urns, len(c.Latest.Pending), true
}

func networkURN(stack string) string {
	return "urn:pulumi:" + stack + "::pair::hcloud:index/network:Network::" + stack + "-network"
}

func subnetURN(stack string) string {
	return "urn:pulumi:" + stack + "::pair::hcloud:index/networkSubnet:NetworkSubnet::" + stack + "-subnet"
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// locksLeft lists the lock files of infra and of pulumi in the backend.
func locksLeft(dir string) []string {
	var out []string
	for _, pattern := range []string{".infra/locks/pair/*", ".pulumi/locks/organization/pair/*/*"} {
		m, _ := filepath.Glob(filepath.Join(dir, ".infra", "state", pattern))
		out = append(out, m...)
	}
	return out
}

// rerunConverges runs up again, without holds, then a preview that must
// find nothing to change.
func rerunConverges(t *testing.T, bin, file string) {
	t.Helper()
	rerun := exec.Command(bin, "up", "--simulate", "--yes", "-f", file, "--no-color")
	rerun.Env = append(os.Environ(), "INFRA_PASSPHRASE=interrupt-test")
	out, err := rerun.CombinedOutput()
	if err != nil {
		t.Fatalf("the rerun failed: %v\n%s", err, out)
	}
	check := exec.Command(bin, "preview", "--simulate", "--detailed-exitcode", "-f", file, "--no-color")
	check.Env = append(os.Environ(), "INFRA_PASSPHRASE=interrupt-test")
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("after the rerun, preview finds changes or fails (%v):\n%s", err, out)
	}
}

// TestInterruptOnceFinishesInFlight sends a real SIGINT to this process
// while an up runs in it (watchInterrupt takes it) with both networks in
// flight: the notice is shown, the networks finish and are in the state
// with no pending operation, nothing that needs them starts, mesh is
// listed as not started, the exit code says interrupted, no lock is left,
// and a rerun completes.
func TestInterruptOnceFinishesInFlight(t *testing.T) {
	needDeploy(t, "deploys on the simulator and builds the infra binary")
	file, dir := pairSpec(t)
	env := map[string]string{"INFRA_PASSPHRASE": "interrupt-test", "INFRA_SIM_HOLD": "hetzner-*-dev-network"}
	errs := newLines()
	var out bytes.Buffer
	f := &Factory{
		IO:     &ui.IO{In: strings.NewReader(""), Out: &out, Err: errs},
		Getenv: func(k string) string { return env[k] },
		Now:    time.Now,
	}
	done := make(chan struct{})
	code := -1
	go func() {
		defer close(done)
		code = Run(context.Background(), f, []string{"up", "--simulate", "--yes", "-f", file, "--no-color"})
	}()
	errs.waitFor(t, "held in flight", len(regions), done)
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-done
	stderr, stdout := errs.String(), out.String()
	t.Logf("stderr:\n%s\nstdout:\n%s", stderr, stdout)

	if code != ExitInterrupted {
		t.Errorf("exit %d, want %d", code, ExitInterrupted)
	}
	if !strings.Contains(stderr, "Interrupted: no new stack or resource operation starts") {
		t.Errorf("the notice is not shown")
	}
	if strings.Contains(stderr+stdout, "operation canceled") || strings.Contains(stderr, "error:") {
		t.Errorf("the graceful stop is reported with errors")
	}
	for _, want := range []string{"Interrupted while running:", "Not started (the run was interrupted first):", "  − mesh", "rerun `infra up`"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the summary lacks %q", want)
		}
	}
	for _, stack := range regions {
		urns, pending, ok := checkpoint(t, dir, stack)
		switch {
		case !ok:
			t.Errorf("%s: not in the backend", stack)
		case !has(urns, networkURN(stack)):
			t.Errorf("%s: the network in flight at the interrupt is not in the state", stack)
		case has(urns, subnetURN(stack)):
			t.Errorf("%s: the subnet, which needs the network, was made after the interrupt", stack)
		case pending != 0:
			t.Errorf("%s: %d pending operations after a graceful stop", stack, pending)
		}
	}
	if urns, _, _ := checkpoint(t, dir, "mesh"); len(urns) > 0 {
		t.Errorf("mesh, which never started, has resources: %v", urns)
	}
	if left := locksLeft(dir); len(left) > 0 {
		t.Errorf("locks left behind: %v", left)
	}
	rerunConverges(t, binary(t), file)
}

// heldUp starts the infra binary's up on file with both networks held, and
// waits until they are in flight.
func heldUp(t *testing.T, file string, env ...string) (cmd *exec.Cmd, errs *lines, stdout *bytes.Buffer, done chan struct{}) {
	t.Helper()
	cmd = exec.Command(binary(t), "up", "--simulate", "--yes", "-f", file, "--no-color")
	cmd.Env = append(append(os.Environ(), "INFRA_PASSPHRASE=interrupt-test", holdNetworks), env...)
	errs, stdout = newLines(), &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = stdout, errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	errs.waitFor(t, "held in flight", len(regions), done)
	return cmd, errs, stdout, done
}

// TestInterruptTwiceStopsAtOnce: SIGINT twice to a real infra up whose
// networks, once released, would take an hour: it stops at once, says so,
// exits interrupted, leaves no lock, and a rerun completes.
func TestInterruptTwiceStopsAtOnce(t *testing.T) {
	needDeploy(t, "builds the infra binary")
	file, dir := pairSpec(t)
	cmd, errs, stdout, done := heldUp(t, file, "INFRA_SIM_LATENCY=1h")
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	errs.waitFor(t, "Interrupted:", 1, done)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-done
	t.Logf("stderr:\n%s\nstdout:\n%s", errs.String(), stdout.String())
	if code := cmd.ProcessState.ExitCode(); code != ExitInterrupted {
		t.Errorf("exit %d, want %d", code, ExitInterrupted)
	}
	if !strings.Contains(errs.String(), "Aborting: stopping now") {
		t.Errorf("the second interrupt is not acknowledged")
	}
	if !strings.Contains(stdout.String(), "stopped at once") {
		t.Errorf("the summary does not say the stacks were stopped at once")
	}
	for _, stack := range regions {
		if urns, _, _ := checkpoint(t, dir, stack); has(urns, networkURN(stack)) {
			t.Errorf("%s: the network finished although the run stopped at once", stack)
		}
	}
	if left := locksLeft(dir); len(left) > 0 {
		t.Errorf("locks left behind: %v", left)
	}
	rerunConverges(t, binary(t), file)
}

// descendants lists the processes under pid, read from /proc.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after
		// its closing parenthesis.
		fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		if len(fields) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(fields[1]); err == nil {
			children[ppid] = append(children[ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// TestKillThenRerunConverges: SIGKILL of a real infra up and its pulumi
// children while both networks are in flight. It leaves pending creates in
// the state and pulumi's locks; infra's own lock, whose holder is dead, is
// taken over by the rerun. pulumi's is not: the rerun stops on it, naming
// `infra unlock`, which clears it; the next up clears the pending creates
// and converges.
func TestKillThenRerunConverges(t *testing.T) {
	needKill(t)
	file, dir := pairSpec(t)
	cmd, _, _, done := heldUp(t, file)
	children := descendants(cmd.Process.Pid)
	if len(children) == 0 {
		t.Fatal("no pulumi process runs under infra")
	}
	for _, p := range append(children, cmd.Process.Pid) {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
	<-done
	pending := 0
	for _, stack := range regions {
		_, n, _ := checkpoint(t, dir, stack)
		pending += n
	}
	t.Logf("killed infra (pid %d) and %v: %d pending operations, locks %v", cmd.Process.Pid, children, pending, locksLeft(dir))
	if pending == 0 {
		t.Errorf("the kill left no pending operation: it did not land mid-run")
	}

	// A kill between gocloud's creating a checkpoint's metadata sidecar and
	// writing it leaves the sidecar empty, and pulumi cannot read the
	// checkpoint through it; the rerun removes it and says so.
	sidecar := filepath.Join(dir, ".infra", "state", ".pulumi", "stacks", "pair", regions[0]+".json.attrs")
	if err := os.WriteFile(sidecar, nil, 0o644); err != nil {
		t.Fatal(err)
	}

	bin := binary(t)
	infra := func(args ...string) (string, int) {
		c := exec.Command(bin, append(args, "-f", file, "--no-color")...)
		c.Env = append(os.Environ(), "INFRA_PASSPHRASE=interrupt-test")
		out, _ := c.CombinedOutput()
		return string(out), c.ProcessState.ExitCode()
	}
	out, code := infra("up", "--simulate", "--yes")
	if code == ExitOK || !strings.Contains(out, "infra unlock --stack") {
		t.Fatalf("a rerun over the killed run's pulumi locks: exit %d, without naming infra unlock:\n%s", code, out)
	}
	if !strings.Contains(out, "removed "+sidecar) {
		t.Errorf("the rerun does not say it removed the empty sidecar %s:\n%s", sidecar, out)
	}
	for _, stack := range regions {
		if out, code := infra("unlock", "--stack", stack, "--yes"); code != ExitOK {
			t.Fatalf("unlock %s: exit %d\n%s", stack, code, out)
		}
	}
	rerunConverges(t, bin, file)
	if left := locksLeft(dir); len(left) > 0 {
		t.Errorf("locks left behind: %v", left)
	}
	for _, stack := range regions {
		if _, n, _ := checkpoint(t, dir, stack); n > 0 {
			t.Errorf("%s: %d pending operations after the rerun", stack, n)
		}
	}
}
