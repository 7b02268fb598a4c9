// Package topologytest parses and loads topologies for tests, failing the
// test on an error: where most tests above topology start. Tests import
// it; programs never do.
package topologytest

import (
	"testing"

	"infra/topology"
)

// Parse parses src as the file t.yaml, failing tb on an error (an error
// diagnostic included), with the source for context.
func Parse(tb testing.TB, src string) *topology.Spec {
	tb.Helper()
	spec, _, err := topology.Parse("t.yaml", []byte(src))
	if err != nil {
		tb.Fatalf("%v\n%s", err, src)
	}
	return spec
}

// Load loads the topology file at path, failing tb on an error.
func Load(tb testing.TB, path string) *topology.Spec {
	tb.Helper()
	spec, _, err := topology.Load(path)
	if err != nil {
		tb.Fatal(err)
	}
	return spec
}
