package plan

import "infra/policies"

// PolicyResources adapts the plan's records to what the guardrail checks
// read (policies.Check, policies.Gate).
func (p *Plan) PolicyResources() []policies.Resource {
	var out []policies.Resource
	for _, s := range p.Stacks {
		for _, r := range s.Resources {
			out = append(out, policies.Resource{
				Stack: s.Name, Type: r.Type, Name: r.Name, Provider: r.Provider,
				DependsOn: r.DependsOn, Inputs: r.Inputs,
			})
		}
	}
	return out
}
