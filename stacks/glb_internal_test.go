package stacks

import (
	"context"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// An origin never gets an empty address: a member stack exporting none
// fails the load balancer; a member not deployed yet is unknown in a preview.
func TestIngressOf(t *testing.T) {
	up := Upstream{
		"a": {"ingressAddress": {Value: "192.0.2.1"}},
		"b": {"ingressAddress": {Value: ""}},
		"c": {"ingressAddress": {Value: (*string)(nil)}},
	}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		for id, want := range map[string]string{"a": "192.0.2.1", "b": "exports no ingressAddress", "c": "exports no ingressAddress", "d": "unknown"} {
			r, err := internals.UnsafeAwaitOutput(context.Background(), ingressOf(ctx, up, id))
			switch {
			case want == "unknown":
				if err != nil || r.Known {
					t.Errorf("%s: %v known=%v, want unknown", id, err, r.Known)
				}
			case strings.Contains(want, " "):
				if err == nil || !strings.Contains(err.Error(), "stack "+id+" "+want) {
					t.Errorf("%s: err %v", id, err)
				}
			default:
				if err != nil || r.Value != want {
					t.Errorf("%s: %v %v", id, r.Value, err)
				}
			}
		}
		return nil
	}, pulumi.WithMocks("p", "s", noMocks{}), func(ri *pulumi.RunInfo) { ri.DryRun = true })
	if err != nil {
		t.Fatal(err)
	}
}
