// Package stackstest runs the stack programs under Pulumi mocks for their
// tests: it loads a topology, records what a program registers and reads
// the recorded inputs. Tests import it; programs never do.
//
// It imports no stacks package (nor plan, which imports them all), so that
// the tests inside every stacks package may use it without a cycle.
package stackstest

import (
	"strings"
	"testing"

	"infra/network"
	"infra/topology"
)

// Load loads a topology file and computes its address plan, failing the
// test on any error or error diagnostic.
func Load(t testing.TB, path string) (*topology.Spec, *network.AddressPlan) {
	t.Helper()
	spec, diags, err := topology.Load(path)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load %s: %v %v", path, err, diags)
	}
	plan, err := network.Compute(spec)
	if err != nil {
		t.Fatalf("network: %v", err)
	}
	return spec, plan
}

// Region is the entry of regions for the region name and environment.
func Region[R interface{ Ref() string }](t testing.TB, regions []R, name, env string) R {
	t.Helper()
	for _, r := range regions {
		if strings.HasSuffix(r.Ref(), "/"+name+"/"+env) {
			return r
		}
	}
	t.Fatalf("no region %s/%s in the spec", name, env)
	var zero R
	return zero
}
