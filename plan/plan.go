// Package plan runs every stack program of a graph under Pulumi mocks and
// records each resource it declares: a deterministic, offline description of
// what a deployment would create. It needs no credentials and no Pulumi CLI.
// The record is what `infra plan` shows, what the golden files hold, and
// what guardrails are evaluated on.
package plan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"

	"infra/cost"
	"infra/rules"
	"infra/stacks"
)

// Redacted and Unknown stand in for values a plan must not or cannot show:
// the placeholders the provider rules skip.
const (
	Redacted = rules.Secret
	Unknown  = rules.Unknown
)

// Plan is the record of every stack of a graph, in graph order.
type Plan struct {
	// Topology is the spec's name, which is also the Pulumi project name.
	Topology string   `json:"topology"`
	Stacks   []*Stack `json:"stacks"`
	// Cost is the monthly list price of the plan's resources, per stack,
	// per cloud and in total (infra/cost).
	Cost *cost.Estimate `json:"cost,omitempty"`
}

// Stack is the record of one stack.
type Stack struct {
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	Cloud       string   `json:"cloud,omitempty"`
	Region      string   `json:"region,omitempty"`
	Environment string   `json:"environment,omitempty"`
	DependsOn   []string `json:"dependsOn,omitempty"`
	// Resources sorted by name, then type.
	Resources []*Resource `json:"resources"`
	// Outputs are the stack's exports, secrets redacted.
	Outputs map[string]any `json:"outputs,omitempty"`
}

// Resource is one registered resource.
type Resource struct {
	// Stack names the stack the resource belongs to.
	Stack string `json:"-"`
	// Type is the Pulumi type token, e.g. aws:ec2/vpc:Vpc.
	Type string `json:"type"`
	// Name is the logical name.
	Name string `json:"name"`
	// Parent is the logical name of the parent; empty for the stack itself.
	Parent string `json:"parent,omitempty"`
	// Provider is the logical name of an explicit provider; empty for the default one.
	Provider string `json:"provider,omitempty"`
	// DependsOn lists the logical names of the resources this one waits for, sorted.
	DependsOn []string `json:"dependsOn,omitempty"`
	// Import is the id of the existing resource the program adopts; empty
	// for one it creates.
	Import string `json:"import,omitempty"`
	// ID is the mock ID the resource got: references to it in other
	// resources' inputs carry it. Not part of the plan's JSON.
	ID string `json:"-"`
	// Inputs as sent to the provider, with secrets replaced by Redacted and
	// values not known until deployment by Unknown.
	Inputs map[string]any `json:"inputs"`
}

// Generate runs every stack of g under mocks, level by level with the stacks
// of a level in parallel, feeding each stack the mock outputs of those it
// depends on. Any error a program returns, or an SDK constructor raises,
// fails the plan.
func Generate(ctx context.Context, g *stacks.Graph) (*Plan, error) {
	p := &Plan{Topology: g.Spec.Name}
	outputs := map[string]stacks.Outputs{}
	records := map[string]*Stack{}
	for _, level := range g.Levels() {
		type result struct {
			rec *Stack
			out stacks.Outputs
			err error
		}
		results := make([]result, len(level))
		var wg sync.WaitGroup
		for i, s := range level {
			up := g.Upstream(s, outputs)
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec, out, err := runStack(ctx, g.Spec.Name, s, up)
				results[i] = result{rec, out, err}
			}()
		}
		wg.Wait()
		for i, s := range level {
			if err := results[i].err; err != nil {
				return nil, fmt.Errorf("stack %s: %w", s.Name, err)
			}
			outputs[s.Name] = results[i].out
			records[s.Name] = results[i].rec
		}
	}
	for _, s := range g.Stacks {
		p.Stacks = append(p.Stacks, records[s.Name])
	}
	p.Cost = p.estimate()
	return p, nil
}

// runStack runs one program under fresh mocks and returns its record and exports.
func runStack(ctx context.Context, project string, s *stacks.Stack, up stacks.Upstream) (*Stack, stacks.Outputs, error) {
	m := newMocks(project, s.Name)
	pctx, err := pulumi.NewContext(ctx, pulumi.RunInfo{
		Project: project,
		Stack:   s.Name,
		// A plan is a preview: values the mocks leave out stay unknown.
		DryRun: true,
		Mocks:  m,
	})
	if err != nil {
		return nil, nil, err
	}
	defer pctx.Close()
	if err := pulumi.RunWithContext(pctx, s.Program(up)); err != nil {
		return nil, nil, err
	}
	if err := m.failed(); err != nil {
		return nil, nil, err
	}
	out := stacks.Outputs{}
	shown := map[string]any{}
	for k, in := range pctx.GetCurrentExportMap() {
		r, err := internals.UnsafeAwaitOutput(ctx, pulumi.ToOutputWithContext(ctx, in))
		if err != nil {
			return nil, nil, fmt.Errorf("output %s: %w", k, err)
		}
		v := stacks.Value{Value: r.Value, Secret: r.Secret, Unknown: !r.Known}
		out[k] = v
		shown[k] = showValue(v)
	}
	rec := &Stack{
		Name:      s.Name,
		Kind:      string(s.Kind),
		Cloud:     string(s.Cloud),
		DependsOn: s.DependsOn,
		Resources: m.resources(),
		Outputs:   shown,
	}
	if s.Region != nil {
		rec.Region, rec.Environment = s.Region.Name, s.Region.Environment
	}
	return rec, out, nil
}

// showValue is how an output appears in the record.
func showValue(v stacks.Value) any {
	switch {
	case v.Secret:
		return Redacted
	case v.Unknown:
		return Unknown
	}
	// Round-trip through JSON so typed slices and maps print like the rest.
	b, err := json.Marshal(v.Value)
	if err != nil {
		return fmt.Sprint(v.Value)
	}
	var out any
	_ = json.Unmarshal(b, &out)
	return out
}

// Stack returns the named stack's record, or nil.
func (p *Plan) Stack(name string) *Stack {
	if i := slices.IndexFunc(p.Stacks, func(s *Stack) bool { return s.Name == name }); i >= 0 {
		return p.Stacks[i]
	}
	return nil
}

// Only returns a plan with just the named stack, or nil if there is none.
func (p *Plan) Only(names ...string) *Plan {
	out := &Plan{Topology: p.Topology}
	for _, s := range p.Stacks {
		if slices.Contains(names, s.Name) {
			out.Stacks = append(out.Stacks, s)
		}
	}
	if len(out.Stacks) == 0 {
		return nil
	}
	if p.Cost != nil {
		out.Cost = out.estimate()
	}
	return out
}

// Resources lists every resource of every stack, in plan order.
func (p *Plan) Resources() []*Resource {
	var out []*Resource
	for _, s := range p.Stacks {
		out = append(out, s.Resources...)
	}
	return out
}

// TypeCount is how many resources of one type a stack declares.
type TypeCount struct {
	Type  string
	Count int
}

// Counts returns the stack's resources per type, sorted by type.
func (s *Stack) Counts() []TypeCount {
	n := map[string]int{}
	for _, r := range s.Resources {
		n[r.Type]++
	}
	out := make([]TypeCount, 0, len(n))
	for t, c := range n {
		out = append(out, TypeCount{t, c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}

// JSON is the canonical encoding of the plan: indented, keys sorted, with a
// final newline. It is the golden-file format, byte for byte.
func (p *Plan) JSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(document{Kind: DocumentKind, Version: DocumentVersion, Plan: p}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Parse reads a plan in its JSON encoding.
func Parse(data []byte) (*Plan, error) {
	var p Plan
	doc := document{Plan: &p}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a plan: %w", err)
	}
	if doc.Kind != DocumentKind || doc.Version != DocumentVersion {
		return nil, fmt.Errorf("not a plan: kind %q version %d, want %q version %d (write it again with `infra plan --out`)", doc.Kind, doc.Version, DocumentKind, DocumentVersion)
	}
	for _, s := range p.Stacks {
		for _, r := range s.Resources {
			r.Stack = s.Name
		}
	}
	return &p, nil
}
