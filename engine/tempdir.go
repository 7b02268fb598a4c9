package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The engine's per-run directory in the temp folder (work dirs, the plugin
// link, a simulation's PULUMI_HOME) is named for the process that made it,
// so that a later run can tell the directories of killed runs, which Close
// never removed, from those of runs still going.
const tempPrefix = "infra-engine-"

// rootPrefix is the MkdirTemp pattern of this process's directory.
func rootPrefix() string { return fmt.Sprintf("%sp%d-", tempPrefix, os.Getpid()) }

// legacyAge is how old a directory of an earlier infra, which did not name
// its process, must be before it counts as left behind.
const legacyAge = 24 * time.Hour

// cleanStaleRoots removes the directories in tmp that runs of this host left
// when they were killed: those whose process no longer runs.
func cleanStaleRoots(tmp string) (removed []string) {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return nil
	}
	for _, en := range entries {
		name := en.Name()
		rest, ok := strings.CutPrefix(name, tempPrefix)
		if !ok || !en.IsDir() {
			continue
		}
		stale := false
		if pidText, _, ok := strings.Cut(strings.TrimPrefix(rest, "p"), "-"); ok && strings.HasPrefix(rest, "p") {
			pid, err := strconv.Atoi(pidText)
			stale = err == nil && pid > 0 && pid != os.Getpid() && !processAlive(pid)
		} else if info, err := en.Info(); err == nil {
			stale = time.Since(info.ModTime()) > legacyAge
		}
		if stale && os.RemoveAll(filepath.Join(tmp, name)) == nil {
			removed = append(removed, name)
		}
	}
	return removed
}
