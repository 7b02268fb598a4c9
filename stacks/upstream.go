package stacks

import (
	"fmt"
	"maps"
	"slices"

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

// Output returns an upstream output as a Pulumi output, secret when the
// value is. In a preview (and the offline plan) a stack or key with no value
// yet is unknown; in a real run it is an error naming the stack and key, so a
// program never deploys from a value it was not given (an unknown secret
// reaching a provider in an update fails far from its cause).
func (u Upstream) Output(ctx *pulumi.Context, stack, key string) pulumi.Output {
	v, ok := u[stack][key]
	if !ok && !ctx.DryRun() {
		err := &MissingOutputError{Stack: stack, Key: key, StackMissing: u[stack] == nil}
		return pulumi.String("").ToStringOutput().ApplyT(func(string) (any, error) { return nil, err }).(pulumi.AnyOutput)
	}
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
	return slices.Sorted(maps.Keys(u))
}

// MissingOutputError is a real run reading an upstream output that the
// upstream stack does not have.
type MissingOutputError struct {
	Stack, Key string
	// StackMissing is set when no outputs of the stack were given at all.
	StackMissing bool
}

func (e *MissingOutputError) Error() string {
	if e.StackMissing {
		return fmt.Sprintf("upstream stack %s has no outputs (is it deployed?): cannot read %q", e.Stack, e.Key)
	}
	return fmt.Sprintf("upstream stack %s has no output %q: run `infra up` on %s so it exports it", e.Stack, e.Key, e.Stack)
}
