package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"infra/plan"
	"infra/stacks"
	"infra/topology"
)

// InputsTag is the stack tag in which a successful up records the digest of
// the stack's offline plan (see inputDigests): the inputs deployed, which
// `--changed` compares the topology's with. A tag, not an output: it changes
// no program, and pulumi keeps a stack's tags across updates
// (backend.GetMergedStackTags, v3.259.0).
const InputsTag = "infra:inputs"

// Why a stack runs, or not, in a run of the changed stacks only.
const (
	ReasonChanged     = "its offline plan differs"
	ReasonNew         = "not deployed yet"
	ReasonNoRecord    = "no record of its deployed inputs"
	ReasonRemoved     = "removed from the topology"
	ReasonUnchanged   = "unchanged, not run"
	reasonDownstreamF = "downstream of %s"
)

// StackChange says whether one stack is run by a --changed run, and why.
type StackChange struct {
	Name   string `json:"name"`
	Run    bool   `json:"run"`
	Reason string `json:"reason"`
}

// Selection is the outcome of a change detection, in graph order.
type Selection []StackChange

// Names lists the stacks that run.
func (s Selection) Names() []string {
	var out []string
	for _, c := range s {
		if c.Run {
			out = append(out, c.Name)
		}
	}
	return out
}

// Unchanged lists the stacks that do not run.
func (s Selection) Unchanged() []string {
	var out []string
	for _, c := range s {
		if !c.Run {
			out = append(out, c.Name)
		}
	}
	return out
}

// Changed finds the stacks whose offline plan differs from the one deployed
// (the digest a successful up recorded in the stack's InputsTag), or, with
// base, from base's offline plan (the topology at a git ref), and adds every
// stack downstream of them. Stacks removed from the topology always run.
// It decides by the plans' content, never by which files changed.
func (e *Engine) Changed(ctx context.Context, base *stacks.Graph) (Selection, error) {
	var now map[string]string
	var err error
	var was map[string]string
	if base != nil {
		// Like with like: both unpinned, as the topology files say.
		cur, err := stacks.Build(e.spec)
		if err != nil {
			return nil, err
		}
		if now, err = planDigests(ctx, cur); err != nil {
			return nil, err
		}
		was = map[string]string{}
		if base.Spec != nil {
			if was, err = planDigests(ctx, base); err != nil {
				return nil, fmt.Errorf("the base topology: %w", err)
			}
		}
	} else {
		if _, now, err = e.inputDigests(ctx); err != nil {
			return nil, err
		}
		if was, err = e.deployedInputs(ctx); err != nil {
			return nil, err
		}
	}
	reason := map[string]string{}
	for _, s := range e.graph.Stacks {
		w, ok := was[s.Name]
		switch {
		case base == nil && !e.isDeployed(s.Name):
			reason[s.Name] = ReasonNew
		case base == nil && !ok:
			reason[s.Name] = ReasonNoRecord
		case base != nil && !ok:
			reason[s.Name] = "not in the base topology"
		case w != now[s.Name]:
			reason[s.Name] = ReasonChanged
		}
	}
	// Downstream, in graph order: a stack's dependencies come first.
	for _, s := range e.graph.Stacks {
		if reason[s.Name] != "" {
			continue
		}
		var from []string
		for _, d := range s.DependsOn {
			if reason[d] != "" {
				from = append(from, d)
			}
		}
		if len(from) > 0 {
			reason[s.Name] = fmt.Sprintf(reasonDownstreamF, joinNames(from))
		}
	}
	var out Selection
	for _, s := range e.graph.Stacks {
		r, run := reason[s.Name], reason[s.Name] != ""
		if !run {
			r = ReasonUnchanged
		}
		out = append(out, StackChange{Name: s.Name, Run: run, Reason: r})
	}
	for _, name := range e.Orphans() {
		out = append(out, StackChange{Name: name, Run: true, Reason: ReasonRemoved})
	}
	return out, nil
}

// Only limits the next runs to the named stacks, as WithStacks does.
func (e *Engine) Only(names []string) { e.set.only = slices.Clone(names) }

func planDigests(ctx context.Context, g *stacks.Graph) (map[string]string, error) {
	p, err := plan.Generate(ctx, g)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, s := range p.Stacks {
		out[s.Name] = digest(s)
	}
	return out, nil
}

// deployedInputs reads the InputsTag of every deployed stack: from the
// tags files of a file backend (<stack>.pulumi-tags beside the checkpoint,
// pkg/backend/diy/stack_tags.go, v3.259.0), else one CLI call per stack.
func (e *Engine) deployedInputs(ctx context.Context) (map[string]string, error) {
	if dir, ok := strings.CutPrefix(e.backend, "file://"); ok {
		out := map[string]string{}
		for _, s := range e.graph.Stacks {
			data, err := os.ReadFile(filepath.Join(dir, ".pulumi", "stacks", e.project, s.Name+".pulumi-tags"))
			if err != nil {
				continue
			}
			var doc struct {
				Tags map[string]string `json:"tags"`
			}
			if json.Unmarshal(data, &doc) == nil && doc.Tags[InputsTag] != "" {
				out[s.Name] = doc.Tags[InputsTag]
			}
		}
		return out, nil
	}
	ws, err := e.metaWorkspace(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, s := range e.graph.Stacks {
		if e.isDeployed(s.Name) {
			names = append(names, s.Name)
		}
	}
	out := map[string]string{}
	var mu sync.Mutex
	e.inParallel(names, func(name string) {
		// A stack without the tag (deployed before infra recorded it)
		// fails the get: it counts as changed.
		v, err := ws.GetTag(ctx, name, InputsTag)
		if err != nil {
			return
		}
		mu.Lock()
		out[name] = v
		mu.Unlock()
	})
	return out, nil
}

// tagInputs records, after a successful up, the digest of the inputs the
// stack was deployed with. A failure to record only makes the next
// --changed run the stack.
func (e *Engine) tagInputs(ctx context.Context, st auto.Stack, r *StackResult) {
	e.inputsOnce.Do(func() { _, e.inputs, e.inputsErr = e.inputDigests(ctx) })
	d := e.inputs[r.Name]
	if e.inputsErr != nil || d == "" {
		return
	}
	if err := st.Workspace().SetTag(ctx, r.Name, InputsTag, d); err != nil {
		r.Diagnostics = append(r.Diagnostics, topology.Diagnostic{Severity: topology.Warning, Rule: RuleRun,
			Message: "could not record the deployed inputs (the next --changed run runs this stack): " + cliError(err).Error()})
	}
}
