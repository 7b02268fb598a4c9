// Package ibmtest runs the provider's tests against the fake IBM Cloud API.
// Tests import it; programs never do.
package ibmtest

import (
	"testing"

	"infra/provider/ibm"
	"infra/provider/ibm/fakeibm"
)

// FakeConfig starts the fake IBM Cloud API, closed when tb ends, and
// returns it with a provider configuration that talks to it.
func FakeConfig(tb testing.TB) (ibm.Config, *fakeibm.Server) {
	tb.Helper()
	fake := fakeibm.New()
	tb.Cleanup(fake.Close)
	vars := fake.Env()
	cfg, err := ibm.ConfigFromEnv(func(k string) string { return vars[k] })
	if err != nil {
		tb.Fatal(err)
	}
	return cfg, fake
}
