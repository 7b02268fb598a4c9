package provider

// EnvFakeIBM turns on the fake-IBM mode of a simulated run: the real IBM
// provider code deploys the infra:ibm:* resources to an in-memory IBM Cloud
// (package fakeibm) instead of the simulator. The fake ships only in
// binaries built with `-tags fakeibm` (scripts/test builds its tests so);
// a release binary refuses the variable with an error saying so.
const EnvFakeIBM = "INFRA_IBM_FAKE"

// FakeIBMTag is the build tag that compiles the fake IBM Cloud in.
const FakeIBMTag = "fakeibm"
