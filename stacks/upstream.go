package stacks

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Value is one stack output as the orchestrator holds it: a plain Go value
// (string, float64, bool, []any, map[string]any), possibly secret, or not yet
// known.
type Value struct {
	Value  any
	Secret bool
	// Unknown is set in a preview, where the output will only exist after the
	// stack that makes it is deployed.
	Unknown bool
}

// Outputs are the exports of one stack, by key.
type Outputs map[string]Value

// Upstream gives a program the outputs of the stacks it depends on, keyed by
// stack name. Values pass as Go values inside the orchestrator: there is no
// StackReference round trip.
type Upstream map[string]Outputs

// Output returns an upstream output as a Pulumi output: unknown when the
// stack or key has no value yet, secret when the value is.
func (u Upstream) Output(ctx *pulumi.Context, stack, key string) pulumi.Output {
	v, ok := u[stack][key]
	if !ok || v.Unknown {
		return pulumi.UnsafeUnknownOutput(nil)
	}
	o := pulumi.ToOutputWithContext(ctx.Context(), v.Value)
	if v.Secret {
		return pulumi.ToSecretWithContext(ctx.Context(), o)
	}
	return o
}

// StringOutput is Output for a string-valued key.
func (u Upstream) StringOutput(ctx *pulumi.Context, stack, key string) pulumi.StringOutput {
	return u.Output(ctx, stack, key).ApplyT(func(v any) string {
		switch s := v.(type) {
		case string:
			return s
		case pulumi.ID: // a resource id exported as such, before a state round trip
			return string(s)
		case *string: // an optional output, as the exporting program declared it
			if s != nil {
				return *s
			}
		}
		return ""
	}).(pulumi.StringOutput)
}

// Stacks lists the upstream stack names, sorted.
func (u Upstream) Stacks() []string {
	out := make([]string, 0, len(u))
	for k := range u {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
