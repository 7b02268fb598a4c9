// Package stacks is the stack graph as data: which Pulumi stacks a topology
// becomes, how they depend on each other (landingzone → regional → one stack
// per cross-region concern: transit-ibm, transit-aws, mesh, glb), and the
// program each one runs. The programs themselves live per cloud in
// stacks/aws, stacks/ibm, stacks/hetzner and stacks/ovh.
package stacks

import (
	"fmt"
	"slices"
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"infra/landingzone"
	"infra/model"
	"infra/network"
	"infra/topology"
)

// Kind is the role of a stack in the graph.
type Kind string

// The kinds of stack, in the order they deploy.
const (
	LandingZone Kind = "landingzone"
	Regional    Kind = "regional"
	// Global is a stack of one cross-region concern: it spans regions, and
	// clouds, and reads only the stacks its concern needs.
	Global Kind = "global"
)

// The stacks of the cross-region concerns, one each, present when the
// topology has the concern.
const (
	// TransitIBMName holds the IBM Transit Gateway and its connections.
	TransitIBMName = "transit-ibm"
	// TransitAWSName holds the AWS Transit Gateways, attachments, routes and
	// peerings.
	TransitAWSName = "transit-aws"
	// MeshName holds the WireGuard mesh: gateways, peers, pre-shared keys.
	MeshName = "mesh"
	// GLBName holds the global load balancer.
	GLBName = "glb"
)

// LegacyGlobalName is the one stack that held all four concerns before
// they were split (review aws.md item 26): one failure on any cloud skipped
// them all. The engine moves a deployed one's resources into the split
// stacks (engine/split.go).
const LegacyGlobalName = "global"

// Stack is one node of the graph: one Pulumi stack with its program.
type Stack struct {
	// Name is the stack name: the region ID for a regional stack
	// (aws-us-east-1-prod), landingzone-<cloud>, or a cross-region
	// concern's (transit-ibm, transit-aws, mesh, glb).
	Name string
	Kind Kind
	// Cloud is empty for a cross-region stack.
	Cloud topology.Cloud
	// Region is the spec entry of a regional stack; nil otherwise.
	Region *topology.Region
	// DependsOn names the stacks whose outputs this one reads, sorted.
	DependsOn []string
	// Program returns the Pulumi program given the outputs of DependsOn.
	// The same function runs under mocks (plan) and for real (engine).
	Program func(up Upstream) pulumi.RunFunc
}

// Graph is the DAG of stacks of one topology.
type Graph struct {
	// Model is the derived topology every program reads.
	Model *model.Model
	Spec  *topology.Spec
	// Net is the address plan the regional programs were given.
	Net *network.AddressPlan
	// LandingZone is the organisation model the landing-zone stacks declare.
	LandingZone *landingzone.Model
	// Stacks in a deterministic topological order: every stack comes after
	// the stacks it depends on, and ties keep the order they were added in.
	Stacks []*Stack
}

// Stack returns the named stack, or nil.
func (g *Graph) Stack(name string) *Stack {
	for _, s := range g.Stacks {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Names lists the stack names in graph order.
func (g *Graph) Names() []string {
	out := make([]string, len(g.Stacks))
	for i, s := range g.Stacks {
		out[i] = s.Name
	}
	return out
}

// Levels groups the stacks for a parallel runner: every stack of a level
// depends only on stacks of earlier levels, so a level runs all at once.
// Within a level, stacks keep graph order.
func (g *Graph) Levels() [][]*Stack {
	level := map[string]int{}
	var out [][]*Stack
	for _, s := range g.Stacks {
		l := 0
		for _, d := range s.DependsOn {
			l = max(l, level[d]+1)
		}
		level[s.Name] = l
		for len(out) <= l {
			out = append(out, nil)
		}
		out[l] = append(out[l], s)
	}
	return out
}

// Upstream returns the part of outputs (keyed by stack name) that s may read:
// its dependencies. A dependency with no outputs yet (a preview of a graph
// never deployed) is absent, and every key of it reads as unknown.
func (g *Graph) Upstream(s *Stack, outputs map[string]Outputs) Upstream {
	up := Upstream{}
	for _, d := range s.DependsOn {
		if o, ok := outputs[d]; ok {
			up[d] = o
		}
	}
	return up
}

// Build derives the model of a spec and its stack graph. Options are passed
// to network.Compute. A command that reads the model elsewhere too derives it
// once with model.Derive and calls New.
func Build(spec *topology.Spec, opts ...network.Option) (*Graph, error) {
	m, err := model.Derive(spec, opts...)
	if err != nil {
		return nil, err
	}
	return New(m)
}

// New makes the stack graph of a derived model.
func New(m *model.Model) (*Graph, error) {
	spec, net := m.Spec, m.Addresses
	g := &Graph{Model: m, Spec: spec, Net: net, LandingZone: m.LandingZone}
	stacks, err := landingZoneStacks(m)
	if err != nil {
		return nil, err
	}
	regional, err := regionalStacks(spec, net, g.LandingZone)
	if err != nil {
		return nil, err
	}
	// A regional stack deploys into what its cloud's landing zone made.
	for _, s := range regional {
		for _, l := range stacks {
			if l.Cloud == s.Cloud {
				s.DependsOn = append(s.DependsOn, l.Name)
			}
		}
	}
	stacks = append(stacks, regional...)
	stacks = append(stacks, g.crossRegionStacks()...)
	if g.Stacks, err = order(stacks); err != nil {
		return nil, err
	}
	return g, nil
}

// order sorts stacks topologically (Kahn's algorithm), taking ready stacks in
// the order they were given so the result never depends on map iteration.
func order(stacks []*Stack) ([]*Stack, error) {
	byName := map[string]*Stack{}
	for _, s := range stacks {
		if byName[s.Name] != nil {
			return nil, fmt.Errorf("stacks: two stacks named %q", s.Name)
		}
		byName[s.Name] = s
	}
	pending := map[string]int{}
	for _, s := range stacks {
		sort.Strings(s.DependsOn)
		s.DependsOn = slices.Compact(s.DependsOn)
		for _, d := range s.DependsOn {
			if byName[d] == nil {
				return nil, fmt.Errorf("stacks: %s depends on unknown stack %q", s.Name, d)
			}
		}
		pending[s.Name] = len(s.DependsOn)
	}
	done := map[string]bool{}
	var out []*Stack
	for len(out) < len(stacks) {
		progress := false
		for _, s := range stacks {
			if done[s.Name] || pending[s.Name] > 0 {
				continue
			}
			done[s.Name] = true
			out = append(out, s)
			progress = true
			for _, t := range stacks {
				if slices.Contains(t.DependsOn, s.Name) {
					pending[t.Name]--
				}
			}
		}
		if !progress {
			var cyc []string
			for _, s := range stacks {
				if !done[s.Name] {
					cyc = append(cyc, s.Name)
				}
			}
			return nil, fmt.Errorf("stacks: dependency cycle among %v", cyc)
		}
	}
	return out, nil
}
