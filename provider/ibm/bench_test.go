package ibm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// BenchmarkCreateVPC measures one VPC create (find, create, readiness polls,
// tagging) through the SDK against the fake API: the provider's own cost
// per resource, without IBM's latency.
func BenchmarkCreateVPC(b *testing.B) {
	e := newEnv(b)
	h := e.h("infra:ibm:Vpc")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := vpcInputs()
		in["name"] = resource.NewStringProperty(fmt.Sprint("bench-vpc-", i))
		if _, _, err := h.Create(context.Background(), in, false); err != nil {
			b.Fatal(err)
		}
	}
}
