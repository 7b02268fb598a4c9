package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"infra/stacks"
	"infra/topology"
)

// Stale is a stack of a bundle whose starting point moved since the review.
type Stale struct {
	Stack string `json:"stack"`
	// Moved says what moved, one entry per thing.
	Moved []string `json:"moved"`
}

// StaleError is ApplyBundle's refusal: nothing was touched.
type StaleError struct{ Stacks []Stale }

func (e *StaleError) Error() string {
	var parts []string
	for _, s := range e.Stacks {
		parts = append(parts, s.Stack+" ("+strings.Join(s.Moved, "; ")+")")
	}
	return "the plan bundle is stale, nothing applied: " + strings.Join(parts, ", ") +
		"; preview again, or pass --allow-stale to apply anyway (or --skip-stale to apply the other stacks only)"
}

// ApplyOptions say what to do with the stale stacks of a bundle.
type ApplyOptions struct {
	// AllowStale applies stale stacks anyway.
	AllowStale bool
	// SkipStale applies the stacks that are not stale, and skips the stale
	// ones and what depends on them.
	SkipStale bool
	// Checked says CheckBundle ran already on this engine and found Stale.
	Checked bool
	Stale   []Stale
}

// prepareApply writes the bundle's update plans and salts where the stacks'
// runs find them (upOptions, bundleSalt). It is done before the check: its
// read-only refresh makes the workspaces, which must have the plans' salts.
func (e *Engine) prepareApply(b *Bundle) error {
	if e.bundle != nil && e.bundle.apply {
		return nil
	}
	dir := filepath.Join(e.root, "plans-in")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	for _, s := range b.Stacks {
		if !s.HasChanges() {
			continue
		}
		if len(s.Plan) > 0 {
			if err := os.WriteFile(filepath.Join(dir, s.Name+".json"), s.Plan, 0o600); err != nil {
				return err
			}
		}
		if s.EncryptionSalt != "" {
			if err := os.WriteFile(filepath.Join(dir, s.Name+".salt"), []byte(s.EncryptionSalt), 0o600); err != nil {
				return err
			}
		}
	}
	e.bundle = &bundleRun{dir: dir, upstream: map[string]string{}, apply: true}
	return nil
}

// CheckBundle compares where each stack of b that changes something starts
// from now with where its review started: its checkpoint, the clouds'
// resources (a read-only refresh), its program's inputs and the upstream
// outputs it reads. It writes nothing to the backend or the clouds. Call
// ApplyBundle after it on the same engine (with Checked), not another run.
func (e *Engine) CheckBundle(ctx context.Context, b *Bundle) ([]Stale, error) {
	if b.Project != e.project {
		return nil, fmt.Errorf("the plan bundle is of project %s, the topology is %s", b.Project, e.project)
	}
	if b.Simulated != e.Simulated() {
		return nil, fmt.Errorf("the plan bundle was made %s, this run is %s", simWord(b.Simulated), simWord(e.Simulated()))
	}
	if err := e.prepareApply(b); err != nil {
		return nil, err
	}
	_, inputs, err := e.inputDigests(ctx)
	if err != nil {
		return nil, err
	}
	outputs := map[string]stacks.Outputs{}
	e.mu.Lock()
	for name, d := range e.deployed {
		outputs[name] = d.Outputs
	}
	e.mu.Unlock()
	moved := map[string][]string{}
	var refresh []string
	for _, s := range b.Stacks {
		if !s.HasChanges() {
			continue
		}
		now := e.fingerprint(s.Name)
		switch {
		case now.Deployed != s.State.Deployed && s.State.Deployed:
			moved[s.Name] = append(moved[s.Name], "the stack was removed from the backend")
		case now.Deployed != s.State.Deployed:
			moved[s.Name] = append(moved[s.Name], "the stack was deployed since")
		case now.Digest != s.State.Digest:
			moved[s.Name] = append(moved[s.Name], fmt.Sprintf("its state changed (%d resources, %d at the review)", now.Resources, s.State.Resources))
		}
		if s.Removed {
			if !e.isOrphan(s.Name) {
				moved[s.Name] = append(moved[s.Name], "the topology has it again")
			}
			continue
		}
		g := e.graph.Stack(s.Name)
		if g == nil {
			moved[s.Name] = append(moved[s.Name], "the topology no longer has it")
			continue
		}
		if inputs[s.Name] != s.Inputs {
			moved[s.Name] = append(moved[s.Name], "its program's inputs changed (the offline plan differs)")
		}
		if upstreamDigest(e.graph.Upstream(g, outputs)) != s.Upstream {
			moved[s.Name] = append(moved[s.Name], "the outputs of "+joinNames(g.DependsOn)+" changed")
		}
		if now.Deployed {
			refresh = append(refresh, s.Name)
		}
	}
	if len(refresh) > 0 {
		// What the clouds hold: a change made outside infra moves the
		// starting point as much as one in the state.
		only := e.set.only
		e.set.only = refresh
		res := e.run(ctx, PreviewRefresh)
		e.set.only = only
		for _, r := range res.Stacks {
			switch {
			case r.Status != Succeeded:
				return nil, fmt.Errorf("read stack %s back from the clouds: %v", r.Name, r.Err)
			case r.HasChanges():
				var what []string
				for _, st := range r.Steps {
					if st.Change == Delete {
						what = append(what, st.Name+" deleted")
					} else {
						what = append(what, st.Name+" changed ("+strings.Join(st.Diffs, ", ")+")")
					}
				}
				moved[r.Name] = append(moved[r.Name], "its resources changed outside infra: "+strings.Join(what, ", "))
			}
		}
	}
	var out []Stale
	for _, s := range b.Stacks {
		if m := moved[s.Name]; len(m) > 0 {
			out = append(out, Stale{Stack: s.Name, Moved: m})
		}
	}
	return out, nil
}

func simWord(sim bool) string {
	if sim {
		return "on the simulator"
	}
	return "on the clouds"
}

// ApplyBundle deploys exactly what b planned: the stacks that change
// something, in graph order, each with its reviewed update plan, so pulumi
// fails a stack whose program would do anything else. Stacks that the bundle
// does not have, or that it plans to leave as they are, are not touched.
// Before anything runs, CheckBundle looks for stacks whose starting point
// moved; with any, ApplyBundle returns a *StaleError and touches nothing,
// unless opts say otherwise. After the run, each stack's steps are compared
// with the reviewed ones; a difference is an error diagnostic.
func (e *Engine) ApplyBundle(ctx context.Context, b *Bundle, opts ApplyOptions) (*Result, []Stale, error) {
	defer func() { e.bundle = nil }()
	if err := e.legacyBundleError(); err != nil {
		return nil, nil, err
	}
	stale := opts.Stale
	if !opts.Checked {
		var err error
		if stale, err = e.CheckBundle(ctx, b); err != nil {
			return nil, nil, err
		}
	} else if err := e.prepareApply(b); err != nil {
		return nil, nil, err
	}
	if len(stale) > 0 && !opts.AllowStale && !opts.SkipStale {
		return nil, stale, &StaleError{Stacks: stale}
	}
	refused := map[string]bool{}
	if !opts.AllowStale {
		for _, s := range stale {
			refused[s.Stack] = true
		}
	}
	var run []string
	for _, s := range b.Stacks {
		if s.HasChanges() {
			run = append(run, s.Name)
		}
	}
	only := e.set.only
	defer func() { e.set.only = only }()
	// Refused stacks go through the scheduler too, which skips what
	// depends on them; they are failed before they start.
	e.set.only = run
	e.refused = refused
	defer func() { e.refused = nil }()
	if len(run) == 0 {
		return e.newResult(Up), stale, nil
	}
	res := e.run(ctx, Up)
	for _, r := range res.Stacks {
		if r.Status != Succeeded {
			continue
		}
		if d := stepsDiffer(b.Stack(r.Name).Steps, r.Steps); d != "" {
			r.Diagnostics = append(r.Diagnostics, topology.Diagnostic{Severity: topology.Error, Rule: RuleRun, Message: "the up did not do what was reviewed: " + d})
		}
	}
	return res, stale, nil
}

// refusedStack fails a stack of a bundle that is stale, before it starts.
func (e *Engine) refusedStack(r *StackResult) bool {
	if !e.refused[r.Name] {
		return false
	}
	r.Status, r.Err = Failed, errors.New("refused: its starting point moved since the review (see above)")
	return true
}

// stepsDiffer says how the steps done differ from the reviewed ones ("" if
// they are the same resources with the same changes).
func stepsDiffer(reviewed, done []Step) string {
	key := func(s Step) string { return string(s.Change) + " " + s.URN }
	var want, got []string
	for _, s := range reviewed {
		want = append(want, key(s))
	}
	for _, s := range done {
		got = append(got, key(s))
	}
	sort.Strings(want)
	sort.Strings(got)
	if slices.Equal(want, got) {
		return ""
	}
	var extra, missing []string
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	return fmt.Sprintf("not reviewed: %v; reviewed but not done: %v", extra, missing)
}
