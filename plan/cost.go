package plan

import (
	"infra/cost"
	"infra/stacks"
)

// estimate prices the plan's stacks with the built-in price table.
func (p *Plan) estimate() *cost.Estimate {
	in := make([]cost.Stack, 0, len(p.Stacks))
	for _, s := range p.Stacks {
		cs := cost.Stack{Name: s.Name, Region: s.Region}
		for _, r := range s.Resources {
			cs.Resources = append(cs.Resources, cost.Resource{Type: r.Type, Name: r.Name, Provider: r.Provider, Inputs: r.Inputs})
		}
		in = append(in, cs)
	}
	return cost.Prices().Estimate(in, stacks.CostHints())
}
