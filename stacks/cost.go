package stacks

import (
	"infra/cost"
	"infra/stacks/ovh"
)

// CostHints are the facts about the programs' resources that a plan cannot
// show and a cost estimate needs.
func CostHints() cost.Hints {
	return cost.Hints{OVHInstanceFlavor: ovh.GatewayFlavor}
}
