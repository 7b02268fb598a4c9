package sim

import (
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"infra/provider/computed"
	"infra/rules"
)

// defaultsKey is where a bridged provider's Check lists the inputs it
// filled in itself (pulumi-terraform-bridge keeps them under "__defaults"
// in the checked inputs), so that its Diff can tell an auto-name from a
// name the program set: only the latter makes a replacement delete first.
const defaultsKey = "__defaults"

// markDefaults records in checked which keys Check filled in: those absent
// from the program's inputs, and those it carried over from old inputs
// where the old ones were defaults too.
func markDefaults(program, checked, olds resource.PropertyMap) {
	oldDefaults := defaultedKeys(olds)
	var keys []string
	for k := range checked {
		if _, set := program[k]; set && !program[k].IsNull() {
			continue
		}
		keys = append(keys, string(k))
	}
	for k := range oldDefaults {
		if v, ok := program[resource.PropertyKey(k)]; ok && !v.IsNull() && olds[resource.PropertyKey(k)].DeepEquals(v) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	sort.Strings(keys)
	vals := make([]resource.PropertyValue, 0, len(keys))
	for i, k := range keys {
		if i > 0 && keys[i-1] == k {
			continue
		}
		vals = append(vals, resource.NewStringProperty(k))
	}
	checked[defaultsKey] = resource.NewArrayProperty(vals)
}

// defaultedKeys are the keys an input map's marker lists.
func defaultedKeys(m resource.PropertyMap) map[string]bool {
	out := map[string]bool{}
	if v, ok := m[defaultsKey]; ok && v.IsArray() {
		for _, e := range v.ArrayValue() {
			if e.IsString() {
				out[e.StringValue()] = true
			}
		}
	}
	return out
}

// withoutMarker is m without the defaults marker.
func withoutMarker(m resource.PropertyMap) resource.PropertyMap {
	if _, ok := m[defaultsKey]; !ok {
		return m
	}
	out := m.Copy()
	delete(out, defaultsKey)
	return out
}

// programInputs is m as the program gave it: without the marker and the
// keys it lists.
func programInputs(m resource.PropertyMap) resource.PropertyMap {
	out := withoutMarker(m).Copy()
	for k := range defaultedKeys(m) {
		delete(out, resource.PropertyKey(k))
	}
	return out
}

// checkFailures runs the inputs through the providers' rules (schema,
// constraints, per-resource cloud limits): every error is a failure, in the
// provider's words, as a real Check returns it. Unknown and secret values
// are skipped, as the rules cannot read them.
func checkFailures(typ string, inputs resource.PropertyMap) []*pulumirpc.CheckFailure {
	var out []*pulumirpc.CheckFailure
	for _, v := range rules.Check(typ, plainMap(withoutMarker(inputs))) {
		if v.Severity != rules.Error {
			continue
		}
		out = append(out, &pulumirpc.CheckFailure{Property: v.Property, Reason: v.Message + " [" + v.Rule + "; " + v.Source + "]"})
	}
	return out
}

// ruleReplacement asks the rules whether the change from olds to news
// replaces the resource, and returns the top-level inputs that cause it
// and whether the provider would delete the old object first (a name the
// program set itself cannot be held by two objects at once).
func ruleReplacement(typ string, olds, news resource.PropertyMap) (map[resource.PropertyKey]bool, bool) {
	ok, because, dbr := rules.Replace(typ, plainMap(programInputs(olds)), plainMap(programInputs(news)))
	keys := map[resource.PropertyKey]bool{}
	if !ok {
		return keys, false
	}
	for _, p := range because {
		top, _, _ := strings.Cut(p, ".")
		top, _, _ = strings.Cut(top, "[")
		keys[resource.PropertyKey(top)] = true
	}
	return keys, dbr
}

// plainInputs converts inputs to the JSON-shaped values the rules read,
// with unknown and secret values as the rules' placeholders.
var plainInputs = computed.Plain{Secret: rules.Secret, Unknown: rules.Unknown, Other: func(v resource.PropertyValue) any {
	if v.IsResourceReference() {
		return string(v.ResourceReferenceValue().URN)
	}
	return rules.Unknown
}}

// plainMap is plainInputs.Map.
func plainMap(m resource.PropertyMap) map[string]any { return plainInputs.Map(m) }
