// Package plantest builds and plans a loaded topology for tests: the
// stacks.Build then plan.Generate step that golden files, the stacks tests
// and the guardrail benchmarks all start from. Tests import it; programs
// never do.
package plantest

import (
	"context"
	"testing"

	"infra/plan"
	"infra/stacks"
	"infra/topology"
)

// Generate builds spec's stack graph and plans it under the plan's mocks,
// failing tb on either error.
func Generate(tb testing.TB, spec *topology.Spec) (*stacks.Graph, *plan.Plan) {
	tb.Helper()
	g, err := stacks.Build(spec)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := plan.Generate(context.Background(), g)
	if err != nil {
		tb.Fatal(err)
	}
	return g, p
}
