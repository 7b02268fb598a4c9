package computed

import "github.com/pulumi/pulumi/sdk/v3/go/common/resource"

// Plain converts property values to the JSON-shaped Go values (nil, bool,
// float64, string, []any, map[string]any) that the plan records and the
// providers' rules read. Each reader names its own placeholders for what
// JSON cannot hold.
type Plain struct {
	// Secret and Unknown stand for a secret value and one not known yet.
	Secret, Unknown any
	// Other converts what has no JSON form: resource references, assets,
	// archives.
	Other func(resource.PropertyValue) any
}

// Value converts one property value.
func (p Plain) Value(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return p.Secret
	case v.IsComputed():
		return p.Unknown
	case v.IsOutput():
		o := v.OutputValue()
		if o.Secret {
			return p.Secret
		}
		if !o.Known {
			return p.Unknown
		}
		return p.Value(o.Element)
	case v.IsNull():
		return nil
	case v.IsBool():
		return v.BoolValue()
	case v.IsNumber():
		return v.NumberValue()
	case v.IsString():
		return v.StringValue()
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]any, len(arr))
		for i, e := range arr {
			out[i] = p.Value(e)
		}
		return out
	case v.IsObject():
		return p.Map(v.ObjectValue())
	}
	return p.Other(v)
}

// Map converts a property map.
func (p Plain) Map(m resource.PropertyMap) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[string(k)] = p.Value(v)
	}
	return out
}
