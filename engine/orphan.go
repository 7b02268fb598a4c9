package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/stacks"
)

// Orphans are stacks the backend holds that the topology no longer has: a
// region, environment or cloud was removed. Nothing deployed is forgotten:
// a preview lists every resource such a stack holds as a deletion, up
// destroys it once the stacks of the topology have updated (those that read
// from it no longer do), and destroy covers it. Either way the emptied
// stack is then removed from the backend.

// Orphans lists the stacks in the backend that are not in the topology,
// sorted: those New found, less those a run has removed since.
func (e *Engine) Orphans() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	for _, n := range e.orphans {
		if _, ok := e.deployed[n]; ok {
			out = append(out, n)
		}
	}
	return out
}

// isOrphan reports whether name was an orphan when New looked (e.orphans
// is not written after New).
func (e *Engine) isOrphan(name string) bool { return slices.Contains(e.orphans, name) }

// orphanStack is the graph node of an orphan: no program (nothing is to be
// declared: destroy and refresh run none), a kind read from its name.
func orphanStack(name string) *stacks.Stack {
	kind := stacks.Regional
	switch {
	case strings.HasPrefix(name, string(stacks.LandingZone)+"-"):
		kind = stacks.LandingZone
	case slices.Contains([]string{stacks.LegacyGlobalName, stacks.TransitIBMName, stacks.TransitAWSName, stacks.MeshName, stacks.GLBName}, name):
		kind = stacks.Global
	}
	return &stacks.Stack{Name: name, Kind: kind, Program: func(stacks.Upstream) pulumi.RunFunc {
		return func(*pulumi.Context) error { return nil }
	}}
}

// orphanWaits says what an orphan waits for, and what waits for it, in op:
// in an up it goes after every stack of the topology (any of them may have
// read from it), a removed landing zone after the removed stacks that ran
// in it; in a destroy it goes after the cross-region stacks that may read
// from it and before the landing zones it ran in, and a removed
// cross-region stack goes before every regional stack.
func orphanWaits(op Operation, sel []*stacks.Stack, orphan map[string]bool, waitsFor map[string][]string) {
	for _, s := range sel {
		for _, t := range sel {
			if s == t {
				continue
			}
			var wait bool
			switch op {
			case Up:
				switch {
				case orphan[s.Name] && !orphan[t.Name]:
					wait = true
				case orphan[s.Name] && s.Kind == stacks.LandingZone:
					wait = t.Kind != stacks.LandingZone
				}
			case Destroy:
				switch {
				case orphan[s.Name] && s.Kind == stacks.LandingZone:
					wait = t.Kind != stacks.LandingZone
				case orphan[s.Name] && s.Kind != stacks.Global:
					wait = t.Kind == stacks.Global
				case s.Kind == stacks.LandingZone && orphan[t.Name]:
					wait = t.Kind != stacks.LandingZone
				case orphan[t.Name] && t.Kind == stacks.Global:
					// A removed cross-region stack (the legacy global
					// one, say) may hold what lives in a region: its
					// gateways, attachments.
					wait = s.Kind != stacks.Global
				}
			}
			if wait && !slices.Contains(waitsFor[s.Name], t.Name) {
				waitsFor[s.Name] = append(waitsFor[s.Name], t.Name)
			}
		}
	}
}

// previewOrphan fills r with what destroying the orphan would delete: every
// resource in its state. No CLI call: a destroy deletes exactly that.
func (e *Engine) previewOrphan(r *StackResult) {
	e.mu.Lock()
	d := e.deployed[r.Name]
	e.mu.Unlock()
	r.Status = Succeeded
	if d == nil {
		return
	}
	for _, res := range d.State {
		r.Steps = append(r.Steps, Step{URN: res.URN, Type: res.Type, Name: res.Name, Change: Delete, Op: "delete"})
		r.Changes[Delete]++
	}
	sortSteps(r.Steps)
	r.Outputs = d.Outputs
}

// removeOrphan deletes the emptied orphan stack from the backend.
func (e *Engine) removeOrphan(ctx context.Context, r *StackResult) {
	e.mu.Lock()
	st, ok := e.workspace[r.Name]
	e.mu.Unlock()
	if !ok {
		r.Status, r.Err = Failed, fmt.Errorf("remove stack %s: no workspace", r.Name)
		return
	}
	if err := st.Workspace().RemoveStack(ctx, r.Name); err != nil {
		r.Status, r.Err = Failed, fmt.Errorf("its resources are deleted, but removing the stack from %s failed: %w", e.backend, cliError(err))
		return
	}
	e.mu.Lock()
	delete(e.deployed, r.Name)
	delete(e.workspace, r.Name)
	e.mu.Unlock()
	_ = os.RemoveAll(filepath.Join(e.root, r.Name))
}
