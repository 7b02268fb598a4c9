package stacks

import (
	"strings"
	"testing"

	"infra/topology"
)

func TestBuildOrdersRegionsThenCrossRegion(t *testing.T) {
	spec, _, err := topology.Parse("t.yaml", []byte(`
name: t
clouds:
  hetzner:
    regions: [{region: nbg1, environment: prod}]
  aws:
    regions:
      - {region: us-east-1, environment: prod}
      - {region: us-east-1, environment: staging}
network:
  mesh: {}
`))
	if err != nil {
		t.Fatal(err)
	}
	g, err := Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	// Clouds in canonical order, entries in file order, the mesh last;
	// no transit or load balancer stack when the spec has none.
	want := "aws-us-east-1-prod aws-us-east-1-staging hetzner-nbg1-prod mesh"
	if got := strings.Join(g.Names(), " "); got != want {
		t.Fatalf("stacks = %s, want %s", got, want)
	}
	mesh := g.Stack(MeshName)
	if mesh.Kind != Global || strings.Join(mesh.DependsOn, " ") != "aws-us-east-1-prod aws-us-east-1-staging hetzner-nbg1-prod" {
		t.Errorf("mesh = %+v", mesh)
	}
	for _, s := range g.Stacks[:3] {
		if s.Kind != Regional || s.Region == nil || s.Region.ID() != s.Name || s.Program == nil {
			t.Errorf("regional stack %s = %+v", s.Name, s)
		}
		if g.Net.Region(s.Name) == nil {
			t.Errorf("%s has no address plan", s.Name)
		}
	}
	levels := g.Levels()
	if len(levels) != 2 || len(levels[0]) != 3 || len(levels[1]) != 1 || levels[1][0] != mesh {
		t.Errorf("levels = %v", levels)
	}
}

// Each cross-region stack of multicloud depends on the stacks its program
// reads, and on no other: an AWS region that fails skips transit-aws, and
// only the concerns it is part of.
func TestCrossRegionStacksDependOnWhatTheyRead(t *testing.T) {
	spec, ds, err := topology.Load("../examples/multicloud.yaml")
	if err != nil || ds.HasErrors() {
		t.Fatalf("load: %v %v", err, ds)
	}
	g, err := Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		TransitIBMName: "ibm-us-south-prod",
		TransitAWSName: "aws-us-east-1-prod aws-us-east-1-staging landingzone-aws",
		// hetzner-hel1-dev is out of the mesh (mesh: false, alone in dev)
		MeshName: "aws-us-east-1-prod aws-us-east-1-staging hetzner-fsn1-prod hetzner-nbg1-prod " +
			"ibm-us-south-prod landingzone-aws landingzone-ibm ovh-bhs5-staging ovh-gra11-prod ovh-sbg5-staging",
		GLBName: "aws-us-east-1-prod hetzner-fsn1-prod hetzner-nbg1-prod ibm-us-south-prod ovh-gra11-prod",
	} {
		s := g.Stack(name)
		if s == nil {
			t.Errorf("no stack %s in %v", name, g.Names())
			continue
		}
		if got := strings.Join(s.DependsOn, " "); s.Kind != Global || got != want {
			t.Errorf("%s (%s) depends on %s, want %s", name, s.Kind, got, want)
		}
	}
	if g.Stack(LegacyGlobalName) != nil {
		t.Errorf("the graph still has the %s stack", LegacyGlobalName)
	}
}

func stack(name string, deps ...string) *Stack { return &Stack{Name: name, DependsOn: deps} }

func TestOrderAndLevels(t *testing.T) {
	// The shape issue 5 adds: landingzone → regional → global.
	in := []*Stack{
		stack("global", "aws-a", "ibm-b"),
		stack("aws-a", "landingzone-aws"),
		stack("ibm-b", "landingzone-ibm"),
		stack("landingzone-aws"),
		stack("landingzone-ibm"),
	}
	out, err := order(in)
	if err != nil {
		t.Fatal(err)
	}
	g := &Graph{Stacks: out}
	if got := strings.Join(g.Names(), " "); got != "landingzone-aws landingzone-ibm aws-a ibm-b global" {
		t.Errorf("order = %s", got)
	}
	var levels []string
	for _, l := range g.Levels() {
		var names []string
		for _, s := range l {
			names = append(names, s.Name)
		}
		levels = append(levels, strings.Join(names, ","))
	}
	if got := strings.Join(levels, " | "); got != "landingzone-aws,landingzone-ibm | aws-a,ibm-b | global" {
		t.Errorf("levels = %s", got)
	}
}

func TestOrderRejectsBadGraphs(t *testing.T) {
	for name, tc := range map[string]struct {
		in   []*Stack
		want string
	}{
		"cycle":     {[]*Stack{stack("a", "b"), stack("b", "a"), stack("c")}, "cycle among [a b]"},
		"unknown":   {[]*Stack{stack("a", "nope")}, `unknown stack "nope"`},
		"duplicate": {[]*Stack{stack("a"), stack("a")}, `two stacks named "a"`},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := order(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestUpstreamGivesOnlyDependencies(t *testing.T) {
	g := &Graph{}
	s := stack("global", "a", "b")
	up := g.Upstream(s, map[string]Outputs{
		"a": {"x": {Value: "1"}},
		"c": {"x": {Value: "3"}},
	})
	if strings.Join(up.Stacks(), " ") != "a" {
		t.Errorf("upstream = %v, want only a (b has no outputs yet, c is not a dependency)", up.Stacks())
	}
}
