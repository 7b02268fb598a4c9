package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
)

// MinimumCLI is the oldest pulumi CLI the engine works with: older ones
// cannot refresh or destroy an inline program ("--client").
var MinimumCLI = semver.MustParse("3.181.0")

// CLI is a pulumi CLI found on this machine.
type CLI struct {
	// Path is the executable.
	Path string
	// Version is what `pulumi version` printed.
	Version semver.Version
	// Source says where it was found: "flag", ".bin" or "PATH".
	Source string
}

// ErrNoCLI is returned by FindCLI when there is no pulumi CLI.
var ErrNoCLI = errors.New("no pulumi CLI found")

// FindCLI looks for the pulumi CLI: path when given, else .bin/pulumi in the
// directory of the infra executable, the working directory or one of their
// parents (where scripts/install-pulumi builds it), else pulumi on PATH.
func FindCLI(ctx context.Context, path string) (*CLI, error) {
	cli := &CLI{Path: path, Source: "flag"}
	if path == "" {
		cli.Path, cli.Source = findBin(), ".bin"
	}
	if cli.Path == "" {
		p, err := exec.LookPath("pulumi")
		if err != nil {
			return nil, fmt.Errorf("%w: build the pinned one with scripts/install-pulumi, or install pulumi (https://www.pulumi.com/docs/install/) and put it on PATH", ErrNoCLI)
		}
		cli.Path, cli.Source = p, "PATH"
	}
	abs, err := filepath.Abs(cli.Path)
	if err != nil {
		return nil, err
	}
	cli.Path = abs
	cmd := exec.CommandContext(ctx, cli.Path, "version")
	cmd.Env = append(os.Environ(), "PULUMI_SKIP_UPDATE_CHECK=true")
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s version: %w", cli.Path, err)
	}
	v := strings.TrimSpace(string(out))
	if cli.Version, err = semver.ParseTolerant(v); err != nil {
		return nil, fmt.Errorf("%s reports version %q: build it with the version ldflags (scripts/install-pulumi does)", cli.Path, v)
	}
	if cli.Version.LT(MinimumCLI) {
		return nil, fmt.Errorf("%s is pulumi %s; infra needs %s or later", cli.Path, cli.Version, MinimumCLI)
	}
	return cli, nil
}

// findBin returns .bin/pulumi near the executable or the working directory.
func findBin() string {
	var starts []string
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil {
			starts = append(starts, filepath.Dir(exe))
		}
	}
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	for _, dir := range starts {
		for {
			p := filepath.Join(dir, ".bin", "pulumi")
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
				return p
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return ""
}

// command runs the CLI for the Automation API (it implements
// auto.PulumiCommand). Unlike auto's own, it starts each pulumi in a process
// group of its own, so a Ctrl-C in the terminal reaches infra alone and
// infra decides. A graceful stop (WithStop) interrupts a stack's operation
// once: pulumi then starts no new resource operation and finishes those in
// flight, which leaves the state consistent; every other CLI call (reading
// the outputs back, say) runs to its end. A stop at once (WithAbort, or the
// context) interrupts pulumi twice, which is pulumi's own abort, and kills
// a process that does not exit.
type command struct {
	cli   *CLI
	path  []string // directories put first on PATH (the infra plugin's)
	abort <-chan struct{}
	// root is the engine's directory of work dirs: a call's work dir
	// under it names the stack the call is about, for the log.
	root  string
	log   *runLog
	calls atomic.Int64
	spent atomic.Int64 // nanoseconds spent in the CLI
}

var _ auto.PulumiCommand = (*command)(nil)

func (c *command) Version() semver.Version { return c.cli.Version }

// killDelay is how long an aborted pulumi gets to exit before it is killed.
const killDelay = 5 * time.Second

func (c *command) Run(ctx context.Context, workdir string, stdin io.Reader,
	additionalOutput, additionalErrorOutput []io.Writer, additionalEnv []string, args ...string,
) (string, string, int, error) {
	if err := ctx.Err(); err != nil {
		return "", "", -1, err
	}
	if isHistory(args) {
		// The Automation API reads the last update's summary after each
		// operation; the engine counts changes from the event stream, so
		// answer without starting a CLI: an empty history.
		return "[]", "", 0, nil
	}
	if !slices.Contains(args, "--non-interactive") {
		args = append([]string{"--non-interactive"}, args...)
	}
	if c.log != nil && c.log.level >= LogDebug {
		// Pulumi's verbosity, on stderr, into the log: -v=8, because -v=9 logs
		// property values, secrets in plaintext.
		args = append([]string{"-v=8", "--logtostderr"}, args...)
	}
	cmd := exec.Command(c.cli.Path, args...)
	cmd.Dir = workdir
	env := append(os.Environ(), additionalEnv...)
	env = append(env, "PULUMI_AUTOMATION_API=true")
	cmd.Env = prependPath(env, append(append([]string{}, c.path...), filepath.Dir(c.cli.Path))...)
	var stdout, stderr bytes.Buffer
	outs := append(additionalOutput, &stdout)
	errs := append(additionalErrorOutput, &stderr)
	var logw io.Writer
	if c.log != nil {
		stack := c.stackOf(workdir, args)
		logw = c.log.writer(stack)
		_, _ = io.WriteString(logw, callHeader(args, time.Now()))
		if showsSecrets(args) {
			_, _ = io.WriteString(logw, "(stdout not logged: it holds decrypted secrets)\n")
		} else {
			outs = append(outs, logw)
		}
		// A writer of its own per stream: each is copied by its own
		// goroutine.
		errs = append(errs, c.log.writer(stack))
	}
	cmd.Stdout = io.MultiWriter(outs...)
	cmd.Stderr = io.MultiWriter(errs...)
	cmd.Stdin = stdin
	ownProcessGroup(cmd)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		if logw != nil {
			fmt.Fprintf(logw, "=== could not start: %v\n", err)
		}
		return "", "", -1, err
	}
	c.calls.Add(1)
	done := make(chan struct{})
	go c.watch(ctx, cmd.Process, opSignalsOf(ctx, args), done)
	err := cmd.Wait()
	close(done)
	c.spent.Add(int64(time.Since(start)))
	code := -2
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err == nil {
		code = 0
	}
	if logw != nil {
		fmt.Fprintf(logw, "=== exit %d after %s\n", code, time.Since(start).Round(time.Millisecond))
	}
	return stdout.String(), stderr.String(), code, err
}

// backendLog is the log of the CLI calls about no stack in particular
// (listing the backend's stacks).
const backendLog = "_backend"

// stackOf names the stack a call is about: its --stack, else its work
// dir's (root/<stack>), else none.
func (c *command) stackOf(workdir string, args []string) string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--stack" && checkStackName(path.Base(args[i+1])) == nil {
			return path.Base(args[i+1])
		}
	}
	if rel, err := filepath.Rel(c.root, workdir); err == nil && rel != "." && !strings.HasPrefix(rel, "..") && !strings.ContainsRune(rel, filepath.Separator) {
		if rel == projectDir {
			return backendLog
		}
		return rel
	}
	return backendLog
}

// opSignals are what runStack tells the command about its operation's
// pulumi: graceful closes when it should stop gracefully (the run's stop,
// once pulumi listens for interrupts), acked when pulumi has taken an
// interrupt (a second one then stops it at once).
type opSignals struct {
	graceful chan struct{}
	acked    chan struct{}
	ackOnce  sync.Once
}

func (s *opSignals) ack() { s.ackOnce.Do(func() { close(s.acked) }) }

type opSignalsKey struct{}

// opSignalsOf returns the signals of a stack's operation when args run it,
// or nil for any other CLI call.
func opSignalsOf(ctx context.Context, args []string) *opSignals {
	s, _ := ctx.Value(opSignalsKey{}).(*opSignals)
	if s == nil || !isOperation(args) {
		return nil
	}
	return s
}

// isOperation spots `pulumi up`, `preview`, `refresh` and `destroy`.
func isOperation(args []string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		switch a {
		case "up", "update", "preview", "refresh", "destroy":
			return true
		}
		return false
	}
	return false
}

// isCancelAck spots pulumi's answer to an interrupt on its event stream
// (pkg/backend/cancellation_scope.go: "^C received; cancelling. If you
// would like to terminate immediately, press ^C again.").
func isCancelAck(ev events.EngineEvent) bool {
	return ev.StdoutEvent != nil && strings.Contains(ev.StdoutEvent.Message, "received; cancelling")
}

// watch interrupts p, a pulumi the command runs, as the run's stop and
// abort ask, until done closes. op is nil unless p runs a stack's
// operation.
func (c *command) watch(ctx context.Context, p *os.Process, op *opSignals, done <-chan struct{}) {
	var graceful, acked <-chan struct{}
	if op != nil {
		graceful, acked = op.graceful, op.acked
	}
	interrupted := false
	select {
	case <-done:
		return
	case <-graceful:
		interrupt(p)
		interrupted = true
		select {
		case <-done:
			return
		case <-c.abort:
		case <-ctx.Done():
		}
	case <-c.abort:
	case <-ctx.Done():
	}
	// Stop at once. pulumi counts a second interrupt only once it has taken
	// the first (a signal that arrives before is lost), so the second waits
	// for its answer; a pulumi that does not exit is killed.
	if !interrupted {
		interrupt(p)
	}
	kill := time.NewTimer(killDelay)
	defer kill.Stop()
	for {
		select {
		case <-done:
			return
		case <-acked:
			interrupt(p)
			acked = nil
		case <-kill.C:
			_ = p.Kill()
			return
		}
	}
}

// isHistory spots `pulumi stack history`.
func isHistory(args []string) bool {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "stack" && args[i+1] == "history" {
			return true
		}
	}
	return false
}

// prependPath puts dirs first on PATH in env.
func prependPath(env []string, dirs ...string) []string {
	out := slices.Clone(env)
	for i, e := range out {
		if len(e) >= 5 && strings.EqualFold(e[:5], "PATH=") {
			out[i] = "PATH=" + strings.Join(append(dirs, e[5:]), string(os.PathListSeparator))
			return out
		}
	}
	return append(out, "PATH="+strings.Join(dirs, string(os.PathListSeparator)))
}
