package engine

import (
	"context"
	"fmt"

	"infra/plan"
	"infra/stacks"
	"infra/topology"
)

// The first versions of infra deployed the transit gateways, the mesh and
// the global load balancer of every cloud in one stack, global, which
// waited for every other stack: one failure on any cloud skipped them all
// (review aws.md item 26). They are now one stack per concern
// (stacks.TransitIBMName, TransitAWSName, MeshName, GLBName). A backend that
// still has global is migrated by the first up: before any stack runs, each
// resource of global that a new stack declares (same type and logical name)
// moves into that stack's state with `pulumi state move`, which carries the
// resource's id, inputs, outputs and secrets (re-encrypted with the
// destination's key) and copies the providers it needs. Nothing in the
// clouds is touched, so the up that follows finds them in place and
// changes nothing but what the topology changed. What no new stack
// declares stays in global, which is then an orphan like any stack the
// topology no longer has: the up deletes it after every other stack has
// updated, and removes the emptied stack.
//
// A move is per destination, and moved resources leave global, so a move
// cut short (a crash, a lock taken by another run) is finished by the next
// up: it moves what global still holds.

// RuleSplit: resources of the legacy global stack moved into the stacks
// of its concerns.
const RuleSplit = "engine/split"

// splitMove is the resources of global that one new stack declares.
type splitMove struct {
	Dest string
	URNs []string
}

// splitMoves lists, in graph order, which resources of the deployed global
// stack d each cross-region stack of the topology declares, by type and
// logical name in its offline plan. Providers are not listed: the move
// copies those its resources use.
func (e *Engine) splitMoves(ctx context.Context, d *deployed) ([]splitMove, error) {
	p, err := plan.Generate(ctx, e.graph)
	if err != nil {
		return nil, fmt.Errorf("offline plan: %w", err)
	}
	owner := map[string]string{} // type and name → stack
	var order []string
	for _, s := range p.Stacks {
		if s.Kind != string(stacks.Global) {
			continue
		}
		order = append(order, s.Name)
		for _, r := range s.Resources {
			owner[r.Type+"::"+r.Name] = s.Name
		}
	}
	urns := map[string][]string{}
	for _, r := range d.State {
		if dest, ok := owner[r.Type+"::"+r.Name]; ok {
			urns[dest] = append(urns[dest], r.URN)
		}
	}
	var out []splitMove
	for _, name := range order {
		if len(urns[name]) > 0 {
			out = append(out, splitMove{Dest: name, URNs: urns[name]})
		}
	}
	return out, nil
}

// legacyGlobal is the deployed global stack when the backend still has one
// with resources in it, else nil.
func (e *Engine) legacyGlobal() *deployed {
	if !e.isOrphan(stacks.LegacyGlobalName) || e.graph.Stack(stacks.LegacyGlobalName) != nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	d := e.deployed[stacks.LegacyGlobalName]
	if d == nil || (d.Damaged == nil && len(d.State) == 0) {
		return nil
	}
	return d
}

// splitGlobal moves the legacy global stack's resources into the stacks of
// their concerns (see above), and says what it moved. It does nothing when
// the backend has no global stack with resources.
func (e *Engine) splitGlobal(ctx context.Context) (topology.Diagnostics, error) {
	d := e.legacyGlobal()
	if d == nil {
		return nil, nil
	}
	if d.Damaged != nil {
		return nil, d.Damaged
	}
	moves, err := e.splitMoves(ctx, d)
	if err != nil || len(moves) == 0 {
		return nil, err
	}
	unlock, err := e.lock(stacks.LegacyGlobalName, "state move")
	if err != nil {
		return nil, err
	}
	defer unlock()
	var ds topology.Diagnostics
	for _, m := range moves {
		if err := e.move(ctx, m); err != nil {
			return ds, fmt.Errorf("move %d resources of stack %s into %s: %w; what moved before stays moved, and the next up moves the rest",
				len(m.URNs), stacks.LegacyGlobalName, m.Dest, err)
		}
		// A warning, so every view shows it: the state changed shape.
		ds = append(ds, topology.Diagnostic{Severity: topology.Warning, Rule: RuleSplit, Message: fmt.Sprintf(
			"moved %d resources from stack %s into %s (pulumi state move): nothing in the clouds changed", len(m.URNs), stacks.LegacyGlobalName, m.Dest)})
	}
	// What is left of global, for the orphan's destroy.
	meta, err := e.metaWorkspace(ctx)
	if err != nil {
		return ds, err
	}
	left, err := e.export(ctx, meta.WorkDir(), stacks.LegacyGlobalName)
	if err != nil {
		return ds, err
	}
	e.mu.Lock()
	e.deployed[stacks.LegacyGlobalName] = left
	e.mu.Unlock()
	return ds, nil
}

// move runs one `pulumi state move` into m.Dest, creating the stack when
// the backend does not have it, and reads the destination back.
func (e *Engine) move(ctx context.Context, m splitMove) error {
	unlock, err := e.lock(m.Dest, "state move")
	if err != nil {
		return err
	}
	defer unlock()
	st, err := e.stackWorkspace(ctx, m.Dest, nil)
	if err != nil {
		return err
	}
	dir := st.Workspace().WorkDir()
	args := append([]string{"state", "move", "--source", stacks.LegacyGlobalName, "--dest", m.Dest, "--yes"}, m.URNs...)
	if _, stderr, _, err := e.cmd.Run(ctx, dir, nil, nil, nil, e.envList(), args...); err != nil {
		if s := firstError(stderr); s != "" {
			return e.secretsError(fmt.Errorf("%s", s))
		}
		return e.secretsError(err)
	}
	got, err := e.export(ctx, dir, m.Dest)
	if err != nil {
		return err
	}
	e.mu.Lock()
	e.deployed[m.Dest] = got
	e.mu.Unlock()
	return nil
}

// splitNotice is what a preview says of a legacy global stack: the up will
// move most of its resources rather than delete and create them, which the
// preview, run on the state as it is, shows.
func (e *Engine) splitNotice(ctx context.Context) *topology.Diagnostic {
	d := e.legacyGlobal()
	if d == nil || d.Damaged != nil {
		return nil
	}
	moves, err := e.splitMoves(ctx, d)
	if err != nil || len(moves) == 0 {
		return nil
	}
	var parts []string
	n := 0
	for _, m := range moves {
		parts = append(parts, fmt.Sprintf("%s (%d)", m.Dest, len(m.URNs)))
		n += len(m.URNs)
	}
	return &topology.Diagnostic{Severity: topology.Warning, Rule: RuleSplit, Message: fmt.Sprintf(
		"stack %s is split by concern: up first moves %d of its resources into %s (pulumi state move), touching nothing in the clouds; "+
			"this preview, run on the state as it is, lists them as deleted here and created there",
		stacks.LegacyGlobalName, n, joinNames(parts))}
}

// legacyBundleError refuses a plan bundle, saved or applied, while the
// backend still holds a legacy global stack: the up that applies it would
// first move global's resources, so what was reviewed (creates in the new
// stacks, deletes in global) is not what would run.
func (e *Engine) legacyBundleError() error {
	if e.legacyGlobal() == nil {
		return nil
	}
	var concerns []string
	for _, s := range e.graph.Stacks {
		if s.Kind == stacks.Global {
			concerns = append(concerns, s.Name)
		}
	}
	return fmt.Errorf("the backend holds stack %s of an earlier infra, whose resources now belong to %s: "+
		"run `infra up --stack %s` first (it moves them into those stacks, changing nothing in the clouds, and removes %s), then preview again",
		stacks.LegacyGlobalName, joinNames(concerns),
		stacks.LegacyGlobalName, stacks.LegacyGlobalName)
}
