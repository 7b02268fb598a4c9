package stacks

import (
	"context"
	"errors"
	"strings"
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

// A real run never turns a missing upstream output into an unknown: a
// resource reading it fails with the stack and key named.
func TestUpstreamOutputMissingInRealRunFails(t *testing.T) {
	up := Upstream{"a": {"plain": {Value: "v"}}}
	for _, tc := range []struct{ stack, key, want string }{
		{"a", "gone", `upstream stack a has no output "gone"`},
		{"b", "x", `upstream stack b has no outputs`},
	} {
		err := pulumi.RunErr(func(ctx *pulumi.Context) error {
			_, err := internals.UnsafeAwaitOutput(ctx.Context(), up.Output(ctx, tc.stack, tc.key))
			return err
		}, pulumi.WithMocks("p", "s", noMocks{}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s.%s: err = %v, want it to say %q", tc.stack, tc.key, err, tc.want)
		}
		var missing *MissingOutputError
		if !errors.As(err, &missing) {
			t.Errorf("%s.%s: err = %v, want a *MissingOutputError", tc.stack, tc.key, err)
		}
	}
}
