package engine

import (
	"reflect"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
)

func secretValue() map[string]any {
	return map[string]any{sig.Key: sig.Secret, "ciphertext": "[secret]"}
}

func TestValuesOf(t *testing.T) {
	state := func(in map[string]any) *apitype.StepEventStateMetadata {
		return &apitype.StepEventStateMetadata{Inputs: in}
	}
	tests := []struct {
		name string
		m    apitype.StepEventMetadata
		want []PropertyChange
	}{
		{"scalar update from Diffs",
			apitype.StepEventMetadata{Diffs: []string{"maxNodes"},
				Old: state(map[string]any{"maxNodes": 6.0, "name": "a"}), New: state(map[string]any{"maxNodes": 7.0, "name": "a"})},
			[]PropertyChange{{Name: "maxNodes", Kind: PropertyUpdate, Old: 6.0, New: 7.0}}},
		{"paths of the detailed diff fold into their property; the forcing one is marked",
			apitype.StepEventMetadata{Keys: []string{"ipRange"},
				DetailedDiff: map[string]apitype.PropertyDiff{"rules[0].port": {}, "rules[1]": {}, "ipRange": {}},
				Old:          state(map[string]any{"ipRange": "10.0.0.0/16", "rules": []any{"a"}}),
				New:          state(map[string]any{"ipRange": "10.1.0.0/16", "rules": []any{"a", "b"}})},
			[]PropertyChange{
				{Name: "ipRange", Kind: PropertyUpdate, Old: "10.0.0.0/16", New: "10.1.0.0/16", Replaces: true},
				{Name: "rules", Kind: PropertyUpdate, Old: []any{"a"}, New: []any{"a", "b"}}}},
		{"a secret on one side masks both",
			apitype.StepEventMetadata{Diffs: []string{"userData"},
				Old: state(map[string]any{"userData": "#cloud-config old"}), New: state(map[string]any{"userData": secretValue()})},
			[]PropertyChange{{Name: "userData", Kind: PropertyUpdate, Old: Secret, New: Secret, Secret: true}}},
		{"a nested secret masks the whole property",
			apitype.StepEventMetadata{Diffs: []string{"tags"},
				Old: state(map[string]any{"tags": map[string]any{"a": "1"}}), New: state(map[string]any{"tags": map[string]any{"a": secretValue()}})},
			[]PropertyChange{{Name: "tags", Kind: PropertyUpdate, Old: Secret, New: Secret, Secret: true}}},
		{"added, removed, unknown",
			apitype.StepEventMetadata{Diffs: []string{"a", "b", "c"},
				Old: state(map[string]any{"b": "x", "c": "y"}), New: state(map[string]any{"a": "1", "c": sig.UnknownStringValue})},
			[]PropertyChange{
				{Name: "a", Kind: PropertyAdd, New: "1"},
				{Name: "b", Kind: PropertyDelete, Old: "x"},
				{Name: "c", Kind: PropertyUpdate, Old: "y", New: Unknown}}},
		{"a create has no old state", apitype.StepEventMetadata{Diffs: []string{"a"}, New: state(map[string]any{"a": "1"})}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := valuesOf(tt.m); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("valuesOf = %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestTopKey(t *testing.T) {
	for in, want := range map[string]string{"a": "a", "a.b": "a", "rules[0].port": "rules", `["a.b"].c`: "a.b", "": ""} {
		if got := topKey(in); got != want {
			t.Errorf("topKey(%q) = %q, want %q", in, got, want)
		}
	}
}
