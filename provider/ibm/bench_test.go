package ibm_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// BenchmarkCreateVPC measures one VPC create (find, create, readiness polls,
// tagging) through the SDK against the fake API: the provider's own cost
// per resource, without IBM's latency. Each VPC is deleted again with the
// timer stopped, so the fake holds one VPC at a time and the cost per
// create does not grow with b.N (its list and name checks scan everything).
func BenchmarkCreateVPC(b *testing.B) {
	e := newEnv(b)
	h := e.h("infra:ibm:Vpc")
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in := vpcInputs()
		in["name"] = resource.NewStringProperty(fmt.Sprint("bench-vpc-", i))
		id, outs, err := h.Create(ctx, in, false)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := h.Delete(ctx, id, outs); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}
