package engine

import (
	"reflect"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
)

// Secret and Unknown stand in for values a step must not or cannot show.
const (
	Secret  = "[secret]"
	Unknown = "[unknown]"
)

// PropertyChange is one top-level input of a resource that a step changes,
// with its value before and after. Values are JSON-ready (strings, numbers,
// booleans, lists, maps); a secret anywhere in either side makes both sides
// Secret, so that neither its old nor its new value can leak, even through a
// diff of the two.
type PropertyChange struct {
	Name string `json:"name"`
	// Kind is "add" (no old value), "delete" (no new value) or "update".
	Kind string `json:"kind"`
	Old  any    `json:"old,omitempty"`
	New  any    `json:"new,omitempty"`
	// Replaces is set when a change of this property forces the resource
	// to be replaced.
	Replaces bool `json:"replaces,omitempty"`
	// Secret is set when the values are masked.
	Secret bool `json:"secret,omitempty"`
}

// The kinds of PropertyChange.
const (
	PropertyAdd    = "add"
	PropertyDelete = "delete"
	PropertyUpdate = "update"
)

// valuesOf reads the old and new values of the properties a step changes
// from its metadata: the event stream carries the resource's old and new
// inputs, with secrets already blinded by the CLI ("[secret]" ciphertext,
// pkg/backend/display/events.go convertStepEventStateMetadata with
// showSecrets false). The changed properties are Diffs, or the first
// segment of each path of the detailed diff when Diffs is empty.
func valuesOf(m apitype.StepEventMetadata) []PropertyChange {
	if m.Old == nil || m.New == nil {
		return nil
	}
	names := slices.Clone(m.Diffs)
	for path := range m.DetailedDiff {
		names = append(names, topKey(path))
	}
	slices.Sort(names)
	names = slices.Compact(names)
	var out []PropertyChange
	for _, name := range names {
		if name == "" {
			continue
		}
		old, hadOld := inputOf(m.Old, name)
		nu, hasNew := m.New.Inputs[name]
		pc := PropertyChange{Name: name, Kind: PropertyUpdate, Replaces: slices.Contains(m.Keys, name)}
		switch {
		case !hadOld && !hasNew:
			continue
		case !hadOld:
			pc.Kind = PropertyAdd
		case !hasNew:
			pc.Kind = PropertyDelete
		}
		if hasSecret(old) || hasSecret(nu) {
			pc.Secret = true
			if hadOld {
				pc.Old = Secret
			}
			if hasNew {
				pc.New = Secret
			}
		} else {
			if hadOld {
				pc.Old = plainValue(old)
			}
			if hasNew {
				pc.New = plainValue(nu)
			}
		}
		if pc.Kind == PropertyUpdate && !pc.Secret && reflect.DeepEqual(pc.Old, pc.New) {
			// The provider reported a difference the inputs do not show
			// (against the old outputs): name it without values.
			pc.Old, pc.New = nil, nil
		}
		out = append(out, pc)
	}
	return out
}

// inputOf is a property's old value: its input, or, for a resource whose
// old inputs lack it (a refresh reads outputs back), its output.
func inputOf(s *apitype.StepEventStateMetadata, name string) (any, bool) {
	if v, ok := s.Inputs[name]; ok {
		return v, true
	}
	v, ok := s.Outputs[name]
	return v, ok
}

// topKey is the first segment of a property path: "rules[0].port" and
// "tags.Name" give "rules" and "tags"; `["a.b"].c` gives "a.b".
func topKey(path string) string {
	if strings.HasPrefix(path, `["`) {
		if i := strings.Index(path, `"]`); i > 0 {
			return path[2:i]
		}
	}
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

// hasSecret reports whether a serialized property value holds a secret at
// any depth.
func hasSecret(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		if v[sig.Key] == sig.Secret {
			return true
		}
		for _, e := range v {
			if hasSecret(e) {
				return true
			}
		}
	case []any:
		for _, e := range v {
			if hasSecret(e) {
				return true
			}
		}
	}
	return false
}

// plainValue turns a serialized property value into what a reviewer reads:
// unknowns become Unknown, assets and archives their hash or path, resource
// references their URN.
func plainValue(v any) any {
	switch v := v.(type) {
	case string:
		if sig.IsUnknown(v) {
			return Unknown
		}
		return v
	case map[string]any:
		switch v[sig.Key] {
		case sig.Secret:
			return Secret
		case sig.AssetSig, sig.ArchiveSig:
			for _, k := range []string{"path", "uri", "hash"} {
				if s, ok := v[k].(string); ok && s != "" {
					return k + ":" + s
				}
			}
			return "[asset]"
		case sig.ResourceReference:
			if s, ok := v["urn"].(string); ok {
				return s
			}
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = plainValue(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = plainValue(e)
		}
		return out
	}
	return v
}
