package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"infra/topology"
)

// A file backend keeps, beside each blob pulumi writes, a metadata sidecar
// (<blob>.attrs). gocloud's fileblob creates the sidecar and then writes it,
// in two steps (gocloud.dev/blob/fileblob, attrs.go: setAttrs), so a run
// killed between them leaves it empty, and every later read of the blob,
// whole as it is, fails with "failed to load checkpoint: EOF". pulumi is
// therefore told to write no sidecar (fileblob's metadata=skip), and Open
// removes a sidecar that does not parse, which fileblob reads as absent.

// pulumiBackendURL is the backend URL as given to pulumi.
func pulumiBackendURL(backend string) string {
	if !strings.HasPrefix(backend, "file://") || strings.Contains(backend, "?") {
		return backend
	}
	return backend + "?metadata=skip"
}

// repairSidecars removes the metadata sidecars under a file backend's
// directory that do not parse, and says which, by stack ("" when a file
// belongs to no stack).
func repairSidecars(dir, project string) (map[string][]string, error) {
	root := filepath.Join(dir, ".pulumi")
	removed := map[string][]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".attrs") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var attrs map[string]any
		if json.Unmarshal(data, &attrs) == nil {
			return nil
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("remove the damaged metadata file %s (left by a killed run): %w", p, err)
		}
		rel, _ := filepath.Rel(root, p)
		stack := sidecarStack(filepath.ToSlash(rel), project)
		removed[stack] = append(removed[stack], p)
		return nil
	})
	return removed, err
}

// sidecarStack names the stack a sidecar's blob belongs to: a checkpoint
// (stacks/<project>/<stack>.json…) or a lock
// (locks/organization/<project>/<stack>/<id>.json).
func sidecarStack(rel, project string) string {
	parts := strings.Split(rel, "/")
	switch {
	case len(parts) == 3 && parts[0] == "stacks" && parts[1] == project:
		name := strings.TrimSuffix(strings.TrimSuffix(parts[2], ".attrs"), ".bak")
		if s, ok := checkpointStack(name); ok {
			return s
		}
	case len(parts) == 5 && parts[0] == "locks" && parts[2] == project:
		return parts[3]
	}
	return ""
}

// sidecarWarnings are the warnings of a stack whose damaged sidecars Open
// removed.
func sidecarWarnings(name string, files []string) []topology.Diagnostic {
	if len(files) == 0 {
		return nil
	}
	files = append([]string(nil), files...)
	sort.Strings(files)
	return []topology.Diagnostic{{Severity: topology.Warning, Rule: RuleSidecar, Message: fmt.Sprintf(
		"removed %s: a run that was killed left it empty, and pulumi could not read %s's state through it; the state itself is whole",
		strings.Join(files, ", "), name)}}
}
