//go:build !fakeibm

package provider

import "fmt"

// FakeIBMBuilt is false: this binary was built without the fake IBM Cloud,
// which stays out of release builds.
const FakeIBMBuilt = false

// FakeIBM stands in for the fake-IBM mode in a binary built without it.
type FakeIBM struct{}

// StartFakeIBM fails: the fake IBM Cloud is compiled in only with the
// fakeibm build tag.
func StartFakeIBM(string) (*FakeIBM, error) {
	return nil, fmt.Errorf("%s is set, but this infra binary was built without the fake IBM Cloud: build it with `go build -tags %s`", EnvFakeIBM, FakeIBMTag)
}

// DebugProviders is never reached: StartFakeIBM returns no FakeIBM.
func (*FakeIBM) DebugProviders() string { return "" }

// Close does nothing.
func (*FakeIBM) Close() {}
