package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Two locks guard a stack while a run changes it:
//
//   - pulumi's own, a file per holder under .pulumi/locks/organization/
//     <project>/<stack>/ in the backend (a directory or a bucket), taken by
//     up, refresh, destroy and state edits;
//   - infra's, .infra/locks/<project>/<stack>.json in a file backend, taken
//     with O_EXCL before pulumi runs. Pulumi writes its lock after checking
//     for others, so two runs on one machine can both pass the check;
//     infra's lock closes that window. Reading (outputs, preview) takes
//     neither: a checkpoint is replaced whole, by a rename or an object put.
//
// A lock whose holder is a process of this host that no longer runs is
// stale. infra takes over its own stale locks at once; pulumi's it reports,
// with holder and age, and `infra unlock` clears them. A lock held by a
// live process is never broken.

// lockInfo is what infra's lock file says about its holder.
type lockInfo struct {
	PID       int    `json:"pid"`
	Host      string `json:"host"`
	Operation string `json:"operation"`
	Since     string `json:"since"`
}

// pulumiLockInfo is what pulumi's lock file says (pkg/backend/diy/lock.go,
// lockContent, v3.259.0).
type pulumiLockInfo struct {
	PID       int       `json:"pid"`
	Username  string    `json:"username"`
	Hostname  string    `json:"hostname"`
	Timestamp time.Time `json:"timestamp"`
}

// LockState says whether a lock's holder still runs.
type LockState string

// The states of a lock.
const (
	// LockLive: the holder is a process of this host that runs.
	LockLive LockState = "live"
	// LockStale: the holder was a process of this host that has exited.
	LockStale LockState = "stale"
	// LockUnknown: the holder is on another host, or the file says no pid.
	LockUnknown LockState = "unknown"
)

// Lock is one lock on a stack.
type Lock struct {
	Stack string
	// Owner is "infra" or "pulumi": whose lock file it is.
	Owner string
	// Path is the lock file, or its URL in a bucket.
	Path      string
	PID       int
	Host      string
	User      string
	Operation string
	Since     time.Time
	State     LockState
}

// Holder describes who holds the lock and since when, with the age counted
// to now: "pid 4242 on ci-runner-7 (up), since 2026-01-02T03:04:05Z, 3m0s
// ago, exited".
func (l Lock) Holder(now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "pid %d on %s", l.PID, l.Host)
	if l.User != "" {
		fmt.Fprintf(&b, " as %s", l.User)
	}
	if l.Operation != "" {
		fmt.Fprintf(&b, " (%s)", l.Operation)
	}
	if !l.Since.IsZero() {
		fmt.Fprintf(&b, ", since %s, %s ago", l.Since.UTC().Format(time.RFC3339), now.Sub(l.Since).Round(time.Second))
	}
	switch l.State {
	case LockStale:
		b.WriteString(", and that process has exited")
	case LockLive:
		b.WriteString(", still running")
	case LockUnknown:
		b.WriteString(", on another host: infra cannot tell whether it still runs")
	}
	return b.String()
}

// ErrLockHeld is returned by Unlock when a live process holds a lock.
var ErrLockHeld = errors.New("the lock is held by a running process")

// stateOf says whether the holder pid of host runs.
func stateOf(pid int, host string) LockState {
	me, _ := os.Hostname()
	switch {
	case pid <= 0 || host != me:
		return LockUnknown
	case processAlive(pid):
		return LockLive
	}
	return LockStale
}

// lockPath is the lock file of a stack, or "" when the backend is not a
// directory.
func (e *Engine) lockPath(stack string) string {
	return infraLockPath(e.backend, e.project, stack)
}

func infraLockPath(backend, project, stack string) string {
	dir, ok := strings.CutPrefix(backend, "file://")
	if !ok {
		return ""
	}
	return filepath.Join(dir, ".infra", "locks", project, stack+".json")
}

// pulumiLockDir is the directory of pulumi's lock files of a stack in a
// file backend (pkg/backend/diy/lock.go stackLockDir, project-scoped
// layout), or "".
func pulumiLockDir(backend, project, stack string) string {
	dir, ok := strings.CutPrefix(backend, "file://")
	if !ok {
		return ""
	}
	return filepath.Join(dir, ".pulumi", "locks", "organization", project, stack)
}

// lock takes the stack's lock for op and returns its release. A lock left by
// a process of this host that no longer runs is stale and taken over.
// A preview only reads: it takes no lock, so that it never turns away a run
// that writes.
func (e *Engine) lock(stack string, op Operation) (func(), error) {
	path := e.lockPath(stack)
	if path == "" || op == Preview {
		return func() {}, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	me := lockInfo{PID: os.Getpid(), Host: host, Operation: string(op), Since: time.Now().UTC().Format(time.RFC3339)}
	data, err := json.Marshal(me)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			_, werr := f.Write(data)
			cerr := f.Close()
			if werr != nil || cerr != nil {
				os.Remove(path)
				return nil, errors.Join(werr, cerr)
			}
			return func() { os.Remove(path) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		held, rerr := readInfraLock(stack, path)
		if attempt == 0 && rerr == nil && held.State == LockStale {
			// Its holder died (killed, crashed): take it over.
			os.Remove(path)
			continue
		}
		who, fix := "another run", "wait for it to finish"
		if rerr == nil {
			who = "another run: " + held.Holder(time.Now())
		}
		if rerr != nil || held.State != LockLive {
			fix += fmt.Sprintf("; if no run is going on, clear it with `infra unlock --stack %s`", stack)
		}
		return nil, fmt.Errorf("%w: stack %s is being changed by %s, against %s; %s",
			ErrLocked, stack, who, e.backend, fix)
	}
}

// readInfraLock reads infra's lock file of stack at path.
func readInfraLock(stack, path string) (Lock, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Lock{}, err
	}
	var held lockInfo
	if err := json.Unmarshal(raw, &held); err != nil {
		return Lock{Stack: stack, Owner: "infra", Path: path, State: LockUnknown}, nil
	}
	since, _ := time.Parse(time.RFC3339, held.Since)
	return Lock{Stack: stack, Owner: "infra", Path: path, PID: held.PID, Host: held.Host,
		Operation: held.Operation, Since: since, State: stateOf(held.PID, held.Host)}, nil
}

// StackLocks lists the locks on a stack of project in a file backend:
// infra's and pulumi's. Other backends keep pulumi's locks in a bucket,
// which only the pulumi CLI reads; for them it returns none and ok false.
func StackLocks(backend, project, stack string) (locks []Lock, ok bool, err error) {
	if err := checkStackName(stack); err != nil {
		return nil, false, err
	}
	path := infraLockPath(backend, project, stack)
	if path == "" {
		return nil, false, nil
	}
	if l, err := readInfraLock(stack, path); err == nil {
		locks = append(locks, l)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, true, err
	}
	dir := pulumiLockDir(backend, project, stack)
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, true, err
	}
	for _, en := range entries {
		if en.IsDir() || !strings.HasSuffix(en.Name(), ".json") {
			continue // gocloud's .attrs files ride along
		}
		p := filepath.Join(dir, en.Name())
		l := Lock{Stack: stack, Owner: "pulumi", Path: p, State: LockUnknown}
		if raw, err := os.ReadFile(p); err == nil {
			var c pulumiLockInfo
			if json.Unmarshal(raw, &c) == nil {
				l.PID, l.Host, l.User, l.Since = c.PID, c.Hostname, c.Username, c.Timestamp
				l.State = stateOf(c.PID, c.Hostname)
			}
		}
		locks = append(locks, l)
	}
	sort.Slice(locks, func(i, j int) bool { return locks[i].Path < locks[j].Path })
	return locks, true, nil
}

// Unlock clears the locks on a stack that no running process holds. In a
// file backend it removes infra's and pulumi's lock files, and refuses
// (ErrLockHeld) while a live process of this host holds one. Elsewhere it
// runs `pulumi cancel`, which removes every lock of the stack in the bucket:
// the caller must have made sure no run holds it.
func Unlock(ctx context.Context, backend, project, stack, pulumiPath string, env []string) ([]Lock, error) {
	locks, ok, err := StackLocks(backend, project, stack)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, cancelStack(ctx, backend, project, stack, pulumiPath, env)
	}
	var live []string
	for _, l := range locks {
		if l.State == LockLive {
			live = append(live, fmt.Sprintf("%s lock %s: %s", l.Owner, l.Path, l.Holder(time.Now())))
		}
	}
	if len(live) > 0 {
		return nil, fmt.Errorf("%w: %s; wait for it to finish", ErrLockHeld, strings.Join(live, "; "))
	}
	for _, l := range locks {
		if err := os.Remove(l.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		_ = os.Remove(l.Path + ".attrs")
	}
	return locks, nil
}

// cancelStack runs `pulumi cancel` on a stack of a bucket backend, with the
// fully qualified name a self-managed backend needs (the bare name fails).
func cancelStack(ctx context.Context, backend, project, stack, pulumiPath string, env []string) error {
	if pulumiPath == "" {
		cli, err := FindCLI(ctx, "")
		if err != nil {
			return err
		}
		pulumiPath = cli.Path
	}
	cmd := exec.CommandContext(ctx, pulumiPath, CancelArgs(backend, project, stack)...)
	cmd.Env = append(append(os.Environ(), env...), "PULUMI_BACKEND_URL="+pulumiBackendURL(backend), "PULUMI_SKIP_UPDATE_CHECK=true")
	cmd.Dir = os.TempDir()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("pulumi %s: %v: %s", strings.Join(CancelArgs(backend, project, stack), " "), err, firstError(string(out)))
	}
	return nil
}

// CancelArgs are the pulumi arguments that clear a stack's locks in a
// self-managed backend.
func CancelArgs(backend, project, stack string) []string {
	return []string{"cancel", "--yes", "--non-interactive", "--stack", qualifiedStack(backend, project, stack)}
}

// qualifiedStack is the stack's name as pulumi resolves it without a
// project directory: a self-managed backend's stacks live in the literal
// organization "organization"; Pulumi Cloud's in the user's default
// organization, which project/stack selects (pulumi docs, "pulumi cancel"
// and "Stacks: fully qualified stack names").
func qualifiedStack(backend, project, stack string) string {
	if selfManaged(backend) {
		return "organization/" + project + "/" + stack
	}
	return project + "/" + stack
}

// selfManaged reports whether backend is a DIY backend (a directory, a
// bucket or a database) rather than Pulumi Cloud.
func selfManaged(backend string) bool {
	for _, scheme := range []string{"file://", "s3://", "gs://", "azblob://", "postgres://"} {
		if strings.HasPrefix(backend, scheme) {
			return true
		}
	}
	return false
}

// checkStackName refuses names that are no stack name (and could reach
// outside the lock directories).
func checkStackName(stack string) error {
	if stack == "" || stack == "." || stack == ".." || strings.ContainsAny(stack, `/\`) {
		return fmt.Errorf("%q is no stack name", stack)
	}
	return nil
}

// pulumiHolder matches a holder line of pulumi's lock error:
// "  <url>: created by <user>@<host> (pid <pid>) at <time>".
var pulumiHolder = regexp.MustCompile(`(\S+): created by (.*)@(\S+) \(pid (\d+)\) at (\S+)`)

// lockError explains pulumi's refusal of a stack that another run locks:
// who holds it (from pulumi's message, the same for every backend), since
// when, whether that process still runs, and what to do.
func (e *Engine) lockError(stack, stderr string) error {
	now := time.Now()
	var holders []string
	stale, live := false, false
	for _, m := range pulumiHolder.FindAllStringSubmatch(stderr, -1) {
		pid, _ := strconv.Atoi(m[4])
		since, _ := time.Parse(time.RFC3339, m[5])
		// The lock's URL repeats the backend's query (endpoint, region).
		where, _, _ := strings.Cut(m[1], "?")
		l := Lock{Owner: "pulumi", Path: where, User: m[2], Host: m[3], PID: pid, Since: since, State: stateOf(pid, m[3])}
		stale = stale || l.State == LockStale
		live = live || l.State == LockLive
		holders = append(holders, fmt.Sprintf("%s (lock %s)", l.Holder(now), l.Path))
	}
	who := "another run"
	if len(holders) > 0 {
		who = "another run: " + strings.Join(holders, "; ")
	}
	var fix string
	switch {
	case live:
		fix = "wait for it to finish"
	case stale:
		fix = fmt.Sprintf("it was left by a run that was killed: clear it with `infra unlock --stack %s`", stack)
	default:
		fix = fmt.Sprintf("wait for it to finish; if no run is going on, clear it with `infra unlock --stack %s`", stack)
	}
	return fmt.Errorf("%w: stack %s is locked by %s, against %s; %s", ErrLocked, stack, who, e.backend, fix)
}
