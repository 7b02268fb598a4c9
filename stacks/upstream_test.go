package stacks

import (
	"context"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

type noMocks struct{}

func (noMocks) NewResource(a pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	return a.Name, a.Inputs, nil
}

func (noMocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) { return nil, nil }

func awaitFlags(t *testing.T, o pulumi.Output) (known, secret bool) {
	t.Helper()
	r, err := internals.UnsafeAwaitOutput(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return r.Known, r.Secret
}

func TestUpstreamOutput(t *testing.T) {
	up := Upstream{"a": {
		"plain":  {Value: "v"},
		"secret": {Value: "s", Secret: true},
		"later":  {Unknown: true},
	}}
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		check := func(key string, wantKnown, wantSecret bool) {
			o := up.Output(ctx, "a", key)
			known, secret := awaitFlags(t, o)
			if known != wantKnown || secret != wantSecret {
				t.Errorf("%s: known=%v secret=%v, want %v %v", key, known, secret, wantKnown, wantSecret)
			}
		}
		check("plain", true, false)
		check("secret", true, true)
		check("later", false, false)
		check("missing", false, false)
		return nil
	}, pulumi.WithMocks("p", "s", noMocks{}), func(ri *pulumi.RunInfo) { ri.DryRun = true })
	if err != nil {
		t.Fatal(err)
	}
}
