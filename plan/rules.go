package plan

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"infra/policies"
	"infra/provider"
	"infra/provider/computed"
	"infra/rules"
	"infra/topology"
)

// autoSuffix stands for the random characters Pulumi appends to an
// auto-named resource; only its length matters to the rules.
const autoSuffix = "xxxxxxx"

// Finding is a provider rule a planned resource breaks.
type Finding struct {
	Stack string
	rules.Violation
	// AutoNamed says the property is the name the provider would generate.
	AutoNamed bool
}

// Check runs every resource of the plan through the providers' rules
// (schema, constraints, per-resource cloud limits, with auto-names filled
// in as the providers would fill them) and the cloud limits over the whole
// plan. Values a plan does not know are skipped.
func (p *Plan) Check() []Finding {
	var out []Finding
	var all []rules.Resource
	stackOf := map[string]string{}
	for _, s := range p.Stacks {
		for _, r := range s.Resources {
			in := rules.WithAutoName(r.Type, r.Name, autoSuffix, r.Inputs)
			auto, _ := rules.AutoName(r.Type)
			for _, v := range rules.Check(r.Type, in) {
				v.Resource = r.Name
				// The mocks record the auto-names the providers would give.
				generated, _ := r.Inputs[auto.Property].(string)
				named := v.Property == auto.Property && (len(in) != len(r.Inputs) || computed.IsAutoName(r.Type, r.Name, generated))
				out = append(out, Finding{Stack: s.Name, Violation: v, AutoNamed: named})
			}
			for _, v := range localViolations(r) {
				out = append(out, Finding{Stack: s.Name, Violation: v})
			}
			all = append(all, rules.Resource{Type: r.Type, Name: r.Name, ID: r.ID, Inputs: r.Inputs, DependsOn: r.DependsOn, Import: r.Import})
			stackOf[r.Type+"\x00"+r.Name] = s.Name
		}
	}
	for _, v := range rules.Limits(all) {
		out = append(out, Finding{Stack: stackOf[v.Type+"\x00"+v.Resource], Violation: v})
	}
	return out
}

// localViolations runs the offline check of infra's own types (the
// provider's Local.Check, such as the Kubernetes objects of
// infra:kubernetes:Manifests) on the inputs the plan knows: a secret or
// unknown input is left to the deployment, where the provider checks it.
func localViolations(r *Resource) []rules.Violation {
	l, ok := provider.LocalType(r.Type)
	if !ok || l.Check == nil {
		return nil
	}
	in := resource.PropertyMap{}
	for k, v := range r.Inputs {
		if v == Redacted || v == Unknown {
			in[resource.PropertyKey(k)] = resource.MakeComputed(resource.NewProperty(""))
			continue
		}
		in[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
	var out []rules.Violation
	for _, f := range l.Check(in) {
		out = append(out, rules.Violation{Type: r.Type, Resource: r.Name, Property: f.GetProperty(), Rule: "check",
			Message: f.GetReason(), Source: "the infra provider's check of " + r.Type, Severity: rules.Error})
	}
	return out
}

// RuleDiagnostics turns findings into diagnostics at the topology position
// each resource comes from: errors for what the provider or cloud rejects,
// warnings for what it accepts with a complaint.
func RuleDiagnostics(spec *topology.Spec, fs []Finding) topology.Diagnostics {
	var ds topology.Diagnostics
	for _, f := range fs {
		sev := topology.Error
		if f.Severity == rules.Warning {
			sev = topology.Warning
		}
		prop := f.Property
		if prop == "" {
			prop = "(resource)"
		}
		msg := fmt.Sprintf("%s %s in stack %s: %s: %s", f.Type, strconv.Quote(f.Resource), f.Stack, prop, f.Message)
		hint := "source: " + f.Source
		if f.AutoNamed {
			hint = "the program sets no name, so the provider generates the logical name plus a 7-character random suffix; set a shorter name explicitly; " + hint
		}
		ds = append(ds, topology.Diagnostic{
			Severity: sev,
			Rule:     "provider/" + f.Rule,
			Pos:      policies.Locate(spec, f.Stack, f.Resource, f.Type, stripIndex(f.Property)),
			Message:  msg,
			Hint:     hint,
		})
	}
	return ds.Sort()
}

// stripIndex is a property path's first key: ingress[0].description -> ingress.
func stripIndex(p string) string {
	if i := strings.IndexAny(p, ".["); i >= 0 {
		return p[:i]
	}
	return p
}
