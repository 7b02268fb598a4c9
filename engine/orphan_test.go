package engine

import (
	"slices"
	"testing"

	"infra/stacks"
)

func TestOrphanWaits(t *testing.T) {
	lz := &stacks.Stack{Name: "landingzone-aws", Kind: stacks.LandingZone}
	reg := &stacks.Stack{Name: "aws-us-east-1-prod", Kind: stacks.Regional, DependsOn: []string{"landingzone-aws"}}
	glob := &stacks.Stack{Name: "mesh", Kind: stacks.Global, DependsOn: []string{"aws-us-east-1-prod"}}
	goneReg, goneLZ := orphanStack("ovh-sbg5-staging"), orphanStack("landingzone-ovh")
	// the stack of every concern before the split, and a concern removed
	goneGlob, goneGLB := orphanStack(stacks.LegacyGlobalName), orphanStack(stacks.GLBName)
	if goneReg.Kind != stacks.Regional || goneLZ.Kind != stacks.LandingZone || goneGlob.Kind != stacks.Global || goneGLB.Kind != stacks.Global {
		t.Fatalf("orphan kinds: %s %s %s %s", goneReg.Kind, goneLZ.Kind, goneGlob.Kind, goneGLB.Kind)
	}
	sel := []*stacks.Stack{lz, reg, glob, goneReg, goneLZ, goneGlob, goneGLB}
	orphan := map[string]bool{goneReg.Name: true, goneLZ.Name: true, goneGlob.Name: true, goneGLB.Name: true}
	for _, tc := range []struct {
		op   Operation
		want map[string][]string
	}{
		// Up: a removed stack goes after every stack of the topology, a
		// removed landing zone also after the removed regions.
		{Up, map[string][]string{
			goneReg.Name:  {lz.Name, reg.Name, glob.Name},
			goneGlob.Name: {lz.Name, reg.Name, glob.Name},
			goneGLB.Name:  {lz.Name, reg.Name, glob.Name},
			goneLZ.Name:   {lz.Name, reg.Name, glob.Name, goneReg.Name, goneGlob.Name, goneGLB.Name},
		}},
		// Destroy: a region, removed or not, after the removed
		// cross-region stacks, a removed one after every cross-region
		// stack; every landing zone after the removed stacks; removed
		// cross-region stacks wait for nothing (not for each other: that
		// would never start either).
		{Destroy, map[string][]string{
			reg.Name:     {goneGlob.Name, goneGLB.Name},
			goneReg.Name: {glob.Name, goneGlob.Name, goneGLB.Name},
			goneLZ.Name:  {reg.Name, glob.Name, goneReg.Name, goneGlob.Name, goneGLB.Name},
			lz.Name:      {goneReg.Name, goneGlob.Name, goneGLB.Name},
		}},
		{Refresh, map[string][]string{}},
	} {
		got := map[string][]string{}
		orphanWaits(tc.op, sel, orphan, got)
		for name, want := range tc.want {
			g := slices.Clone(got[name])
			slices.Sort(g)
			w := slices.Clone(want)
			slices.Sort(w)
			if !slices.Equal(g, w) {
				t.Errorf("%s: %s waits for %v, want %v", tc.op, name, g, w)
			}
		}
		for name := range got {
			if _, ok := tc.want[name]; !ok {
				t.Errorf("%s: %s waits for %v, want nothing", tc.op, name, got[name])
			}
		}
	}
}
