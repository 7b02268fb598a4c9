package engine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"infra/engine"
	"infra/stacks"
	"infra/topology/topologytest"
)

// TestChangedRunsTheChangedRegionAndDownstream: after an up, nothing has
// changed; after one region's node count changes, that region's stack and
// the stacks downstream of it run, the other region does not. The same
// holds against the base topology's offline plan.
func TestChangedRunsTheChangedRegionAndDownstream(t *testing.T) {
	d := deploy(t, "testdata/pair.yaml")

	sel, err := d.open(t).Changed(d.ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if names := sel.Names(); len(names) != 0 {
		t.Errorf("after an up, changed = %v, want none", names)
	}

	src, _ := os.ReadFile("testdata/pair.yaml")
	// The first region's worker count only.
	edited := strings.Replace(string(src), "workers: 1", "workers: 2", 1)
	path := filepath.Join(t.TempDir(), "pair.yaml")
	if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	spec := topologytest.Load(t, path)
	baseGraph, err := stacks.Build(d.spec)
	if err != nil {
		t.Fatal(err)
	}
	for _, against := range []*stacks.Graph{nil, baseGraph} {
		e := open(t, spec, d.backend, d.srv)
		sel, err := e.Changed(d.ctx, against)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, c := range sel {
			got[c.Name] = c.Reason
		}
		want := map[string]string{
			"hetzner-nbg1-dev": engine.ReasonChanged,
			"hetzner-fsn1-dev": engine.ReasonUnchanged,
			"mesh":             "downstream of hetzner-nbg1-dev",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("base %v: %s: %q, want %q", against != nil, k, got[k], v)
			}
		}
		if against == nil {
			// Runs cover the selection only.
			e.Only(sel.Names())
			r := e.Preview(d.ctx)
			mustSucceed(t, "preview --changed", r)
			if len(r.Stacks) != 2 || r.Stack("hetzner-fsn1-dev") != nil || r.Stack("hetzner-nbg1-dev").Changes[engine.Create] != 1 {
				t.Errorf("preview of the changed stacks: %d stacks, %v", len(r.Stacks), r.Totals())
			}
		}
	}
}
