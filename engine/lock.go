package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A file backend is a directory that pulumi reads and writes without atomic
// renames: a second run that loads a stack while the first writes it can
// read half a checkpoint ("failed to load checkpoint: EOF") before pulumi's
// own lock turns it away. So the engine holds a lock of its own on every
// stack it touches in a file backend, taken with O_EXCL before pulumi runs.
// Other backends (s3, gs, azblob, Pulumi Cloud) write objects whole, and
// pulumi's lock is enough there.

// lockInfo is what a lock file says about its holder.
type lockInfo struct {
	PID       int    `json:"pid"`
	Host      string `json:"host"`
	Operation string `json:"operation"`
	Since     string `json:"since"`
}

// lockPath is the lock file of a stack, or "" when the backend is not a
// directory.
func (e *Engine) lockPath(stack string) string {
	dir, ok := strings.CutPrefix(e.backend, "file://")
	if !ok {
		return ""
	}
	return filepath.Join(dir, ".infra", "locks", e.project, stack+".json")
}

// lock takes the stack's lock for op and returns its release. A lock left by
// a process of this host that no longer runs is stale and taken over.
func (e *Engine) lock(stack string, op Operation) (func(), error) {
	path := e.lockPath(stack)
	if path == "" {
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
		var held lockInfo
		raw, rerr := os.ReadFile(path)
		if rerr == nil {
			rerr = json.Unmarshal(raw, &held)
		}
		if attempt == 0 && rerr == nil && held.Host == host && held.PID > 0 && !processAlive(held.PID) {
			// Its holder died (killed, crashed): take it over.
			os.Remove(path)
			continue
		}
		who := "another run"
		if rerr == nil {
			who = fmt.Sprintf("another run (%s, pid %d on %s, since %s)", held.Operation, held.PID, held.Host, held.Since)
		}
		return nil, fmt.Errorf("%w: stack %s is being changed by %s against %s; wait for it to finish (if none is running, remove %s)",
			ErrLocked, stack, who, e.backend, path)
	}
}
