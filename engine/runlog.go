package engine

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// LogLevel says how much of the pulumi CLI's output a run shows as it goes.
// Every run writes each stack's full CLI output to its log file whatever the
// level.
type LogLevel int

// The log levels.
const (
	// LogQuiet shows nothing but the progress view.
	LogQuiet LogLevel = iota
	// LogVerbose streams every CLI call's output, each line prefixed with
	// its stack.
	LogVerbose
	// LogDebug also passes pulumi's own verbosity, -v=8 --logtostderr: the
	// most detail short of -v=9, which logs every RPC property value,
	// secrets in plaintext (measured on v3.259.0: a WireGuard private key).
	LogDebug
)

// ParseLogLevel reads INFRA_LOG: "" or "info" (quiet), "verbose", "debug".
func ParseLogLevel(s string) (LogLevel, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "info", "quiet":
		return LogQuiet, nil
	case "verbose":
		return LogVerbose, nil
	case "debug", "trace":
		return LogDebug, nil
	}
	return LogQuiet, fmt.Errorf("INFRA_LOG=%q: want info, verbose or debug", s)
}

// keepRuns is how many runs' logs stay under the log directory; older ones
// are removed when a run writes its first log.
const keepRuns = 20

// runLog keeps the full output of every pulumi call of one run: one file
// per stack under <dir>/<run id>/, made on first use, so a run that calls no
// CLI leaves nothing behind. Writing a log never fails a run: when the
// directory cannot be made (a read-only checkout), the run goes on and
// failures say why there is no log.
type runLog struct {
	root   string // the log directory (.infra/logs)
	id     string
	stream io.Writer // LogVerbose and above: a copy of everything, prefixed
	level  LogLevel

	mu     sync.Mutex
	files  map[string]*lockedFile
	err    error // why no log could be written
	pruned bool
}

// newRunLog prepares the log of a run started at now. root "" keeps no log.
func newRunLog(root string, level LogLevel, stream io.Writer, now time.Time) *runLog {
	id := now.UTC().Format("20060102T150405Z") + fmt.Sprintf("-%d", os.Getpid())
	switch {
	case level == LogQuiet:
		stream = nil
	case stream == nil:
		stream = os.Stderr
	}
	return &runLog{root: root, id: id, stream: stream, level: level, files: map[string]*lockedFile{}}
}

// dir is this run's log directory.
func (l *runLog) dir() string { return filepath.Join(l.root, l.id) }

// path is the log file of a stack ("_backend" for calls about no stack).
func (l *runLog) path(stack string) string {
	return filepath.Join(l.dir(), stack+".log")
}

// where says where the full log of stack is, for an error message.
func (l *runLog) where(stack string) string {
	if l == nil || l.root == "" {
		return ""
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.err != nil {
		return fmt.Sprintf("no log file: %v", l.err)
	}
	if _, ok := l.files[stack]; !ok {
		return ""
	}
	return "full log: " + l.path(stack)
}

// writer returns where a CLI call of stack writes its output: the stack's
// file and, when streaming, the stream with each line prefixed.
func (l *runLog) writer(stack string) io.Writer {
	var ws []io.Writer
	if f := l.file(stack); f != nil {
		ws = append(ws, f)
	}
	if l.stream != nil {
		ws = append(ws, &prefixWriter{w: l.stream, prefix: []byte(stack + " | ")})
	}
	return io.MultiWriter(ws...)
}

func (l *runLog) file(stack string) *lockedFile {
	if l.root == "" {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if f, ok := l.files[stack]; ok {
		return f
	}
	if l.err != nil {
		return nil
	}
	if err := os.MkdirAll(l.dir(), 0o700); err != nil {
		l.err = err
		return nil
	}
	if !l.pruned {
		l.pruned = true
		pruneRuns(l.root, l.id)
	}
	// 0600: the output of a run names resources and accounts.
	f, err := os.OpenFile(l.path(stack), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		l.err = err
		return nil
	}
	lf := &lockedFile{f: f}
	l.files[stack] = lf
	return lf
}

// Close closes the log files.
func (l *runLog) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.files {
		f.mu.Lock()
		_ = f.f.Close()
		f.mu.Unlock()
	}
}

// pruneRuns removes all but the newest keepRuns run directories (run ids
// sort by time), never the current one.
func pruneRuns(root, current string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	var runs []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != current {
			runs = append(runs, e.Name())
		}
	}
	sort.Strings(runs)
	for len(runs) > keepRuns-1 {
		_ = os.RemoveAll(filepath.Join(root, runs[0]))
		runs = runs[1:]
	}
}

// lockedFile serialises the writes of a call's stdout and stderr copiers.
type lockedFile struct {
	mu sync.Mutex
	f  *os.File
}

func (f *lockedFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.f.Write(p)
}

// streamMu serialises the lines of every stack on the stream.
var streamMu sync.Mutex

// prefixWriter writes whole lines to w, each after prefix.
type prefixWriter struct {
	w      io.Writer
	prefix []byte
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			break
		}
		streamMu.Lock()
		_, err := p.w.Write(append(append([]byte{}, p.prefix...), p.buf[:i+1]...))
		streamMu.Unlock()
		if err != nil {
			return len(b), nil // a closed stream never fails the CLI call
		}
		p.buf = p.buf[i+1:]
	}
	return len(b), nil
}

// callHeader is the line a log shows before each CLI call.
func callHeader(args []string, now time.Time) string {
	return fmt.Sprintf("\n=== %s pulumi %s\n", now.UTC().Format(time.RFC3339), strings.Join(args, " "))
}

// showsSecrets reports whether a CLI call prints decrypted secrets on
// stdout, which therefore must stay out of every log.
func showsSecrets(args []string) bool {
	for _, a := range args {
		if a == "--show-secrets" {
			return true
		}
	}
	return false
}
