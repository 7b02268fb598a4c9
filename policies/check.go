package policies

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"infra/rules"
	"infra/topology"
)

// Resource is one planned resource as the checks read it. Callers adapt
// their plan records to it, which keeps this package free of plan/.
type Resource struct {
	// Stack names the stack: a region ID, landingzone-<cloud> or global.
	Stack string
	// Type is the Pulumi type token, e.g. aws:ec2/vpc:Vpc.
	Type string
	// Name is the logical name.
	Name string
	// Provider is the logical name of the resource's explicit provider,
	// "" for the default one.
	Provider string
	// DependsOn are the logical names of the resources it waits for.
	DependsOn []string
	// Inputs as planned: JSON-shaped values, with "[secret]" and "[unknown]"
	// standing for what a plan cannot show.
	Inputs map[string]any
}

// Result is one guardrail's outcome over a plan.
type Result struct {
	Guardrail   string `json:"guardrail"`
	Enforcement string `json:"enforcement"`
	// Checked counts the resources the guardrail applies to.
	Checked int `json:"checked"`
	// Violations counts the resources that break it.
	Violations int `json:"violations"`
}

// Report is the outcome of every guardrail the spec sets.
type Report struct {
	Results []Result `json:"results"`
	// Diagnostics name the guardrail, the resource and the spec position of
	// each violation: errors for mandatory guardrails, warnings for advisory.
	Diagnostics topology.Diagnostics `json:"diagnostics"`
}

// Failed reports whether a mandatory guardrail is violated.
func (r *Report) Failed() bool { return r.Diagnostics.HasErrors() }

// Check evaluates every guardrail the spec sets against the planned
// resources of every cloud.
func Check(spec *topology.Spec, resources []Resource) *Report {
	c := newChecker(spec, resources)
	rep := &Report{}
	for _, a := range Enabled(spec) {
		c.active = a
		c.checked, c.violations = 0, 0
		switch a.Name {
		case AllowedRegions:
			c.allowedRegions()
		case DenyPublicBuckets:
			c.denyPublicBuckets()
		case DenyRootAccount:
			c.denyRootAccount()
		case ProtectSecurityServices:
			c.protectSecurityServices()
		case RequireEncryption:
			c.requireEncryption()
		case RequireTags:
			c.requireTags()
		}
		rep.Results = append(rep.Results, Result{
			Guardrail: a.Name, Enforcement: a.Spec.Enforcement, Checked: c.checked, Violations: c.violations,
		})
	}
	rep.Diagnostics = c.diags.Sort()
	return rep
}

type checker struct {
	spec      *topology.Spec
	resources []*Resource
	regions   map[string]*topology.Region // by stack name
	// providers by stack and logical name; dependents by stack and the name waited for.
	providers  map[string]*Resource
	dependents map[string][]*Resource
	stacks     map[string]bool

	active              *Active
	checked, violations int
	diags               topology.Diagnostics
}

func newChecker(spec *topology.Spec, resources []Resource) *checker {
	c := &checker{
		spec:       spec,
		regions:    map[string]*topology.Region{},
		providers:  map[string]*Resource{},
		dependents: map[string][]*Resource{},
		stacks:     map[string]bool{},
	}
	for _, r := range spec.Regions() {
		c.regions[r.ID()] = r
	}
	for i := range resources {
		r := &resources[i]
		c.resources = append(c.resources, r)
		c.stacks[r.Stack] = true
		if strings.HasPrefix(r.Type, "pulumi:providers:") {
			c.providers[r.Stack+"\x00"+r.Name] = r
		}
		for _, d := range r.DependsOn {
			c.dependents[r.Stack+"\x00"+d] = append(c.dependents[r.Stack+"\x00"+d], r)
		}
	}
	return c
}

// violate records a violation of the active guardrail by r.
func (c *checker) violate(r *Resource, key, problem, hint string) {
	c.violations++
	g := c.active
	d := topology.Diagnostic{
		Severity: g.Severity(),
		Rule:     "guardrail/" + g.Name,
		Message:  fmt.Sprintf("%s: %s %s in stack %s %s", g.Name, r.Type, strconv.Quote(r.Name), r.Stack, problem),
		Hint:     hint,
	}
	related := topology.Related{Pos: g.Spec.Pos, Message: "guardrail " + g.Name + " is set here"}
	switch reg := c.regions[r.Stack]; {
	case reg != nil:
		d.Pos = reg.Pos
		if key != "" {
			d.Pos = reg.At(key)
		}
		d.Related = []topology.Related{related}
	case r.Stack == "landingzone-aws" && c.spec.LandingZone.AWS != nil:
		d.Pos = c.spec.LandingZone.AWS.Pos
		d.Related = []topology.Related{related}
	default:
		d.Pos = g.Spec.Pos
	}
	c.diags = append(c.diags, d)
}

// provider returns r's explicit provider, or nil.
func (c *checker) provider(r *Resource) *Resource {
	if r.Provider == "" {
		return nil
	}
	return c.providers[r.Stack+"\x00"+r.Provider]
}

// dependentsOf lists the resources of r's stack that wait for r and have type typ.
func (c *checker) dependentsOf(r *Resource, types ...string) []*Resource {
	var out []*Resource
	for _, d := range c.dependents[r.Stack+"\x00"+r.Name] {
		if slices.Contains(types, d.Type) {
			out = append(out, d)
		}
	}
	return out
}

// cloudOf is the cloud a type token belongs to, "" for none.
func cloudOf(typ string) topology.Cloud {
	pkg := typ
	if p, ok := strings.CutPrefix(typ, "pulumi:providers:"); ok {
		pkg = p
	} else if i := strings.Index(typ, ":"); i >= 0 {
		pkg = typ[:i]
		if pkg == "infra" && strings.HasPrefix(typ, "infra:ibm:") {
			return topology.IBM
		}
	}
	switch pkg {
	case "aws":
		return topology.AWS
	case "hcloud":
		return topology.Hetzner
	case "ovh":
		return topology.OVH
	}
	return ""
}

func isProvider(typ string) bool { return strings.HasPrefix(typ, "pulumi:providers:") }

// known reports whether v is a value the plan shows, not one of the
// placeholders it writes where it cannot or must not show one.
func known(v any) bool {
	s, ok := v.(string)
	return !ok || (s != rules.Unknown && s != rules.Secret)
}

func str(v any) (string, bool) {
	s, ok := v.(string)
	if !ok || !known(s) {
		return "", false
	}
	return s, true
}

// truthy reads a boolean that providers sometimes take as a string.
func truthy(v any) (val, ok bool) {
	switch b := v.(type) {
	case bool:
		return b, true
	case string:
		if b == "true" || b == "false" {
			return b == "true", true
		}
	}
	return false, false
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func strs(v any) []string {
	var out []string
	for _, e := range list(v) {
		if s, ok := str(e); ok {
			out = append(out, s)
		}
	}
	return out
}
