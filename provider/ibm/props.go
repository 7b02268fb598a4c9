package ibm

import (
	"sort"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// props are inputs with secrets and outputs unwrapped, for reading values.
type props resource.PropertyMap

// plain unwraps secrets and known outputs, all the way down.
func plain(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput():
		return plain(v.OutputValue().Element)
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]resource.PropertyValue, len(arr))
		for i, e := range arr {
			out[i] = plain(e)
		}
		return resource.NewArrayProperty(out)
	case v.IsObject():
		return resource.NewObjectProperty(plainMap(v.ObjectValue()))
	}
	return v
}

func plainMap(m resource.PropertyMap) resource.PropertyMap {
	out := resource.PropertyMap{}
	for k, v := range m {
		out[k] = plain(v)
	}
	return out
}

func (p props) get(k string) (resource.PropertyValue, bool) {
	v, ok := p[resource.PropertyKey(k)]
	if !ok || v.IsNull() || v.IsComputed() {
		return resource.PropertyValue{}, false
	}
	return v, true
}

func (p props) has(k string) bool { _, ok := p.get(k); return ok }

// set says whether an input is given, known or not yet: what Check, which
// runs in previews too, asks.
func (p props) set(k string) bool {
	v, ok := p[resource.PropertyKey(k)]
	return ok && !v.IsNull()
}

func (p props) str(k string) string {
	if v, ok := p.get(k); ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// strp is the string or nil when unset or empty.
func (p props) strp(k string) *string {
	if s := p.str(k); s != "" {
		return &s
	}
	return nil
}

func (p props) boolean(k string) bool {
	if v, ok := p.get(k); ok && v.IsBool() {
		return v.BoolValue()
	}
	return false
}

func (p props) boolp(k string) *bool {
	if v, ok := p.get(k); ok && v.IsBool() {
		b := v.BoolValue()
		return &b
	}
	return nil
}

func (p props) integer(k string) int64 {
	if v, ok := p.get(k); ok && v.IsNumber() {
		return int64(v.NumberValue())
	}
	return 0
}

func (p props) intp(k string) *int64 {
	if v, ok := p.get(k); ok && v.IsNumber() {
		n := int64(v.NumberValue())
		return &n
	}
	return nil
}

func (p props) number(k string) *float64 {
	if v, ok := p.get(k); ok && v.IsNumber() {
		n := v.NumberValue()
		return &n
	}
	return nil
}

func (p props) strs(k string) []string {
	v, ok := p.get(k)
	if !ok || !v.IsArray() {
		return nil
	}
	var out []string
	for _, e := range v.ArrayValue() {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

func (p props) strMap(k string) map[string]string {
	v, ok := p.get(k)
	if !ok || !v.IsObject() {
		return nil
	}
	out := map[string]string{}
	for mk, mv := range v.ObjectValue() {
		if mv.IsString() {
			out[string(mk)] = mv.StringValue()
		}
	}
	return out
}

func (p props) strsMap(k string) map[string][]string {
	v, ok := p.get(k)
	if !ok || !v.IsObject() {
		return nil
	}
	out := map[string][]string{}
	for mk := range v.ObjectValue() {
		out[string(mk)] = props(v.ObjectValue()).strs(string(mk))
	}
	return out
}

func (p props) objects(k string) []props {
	v, ok := p.get(k)
	if !ok || !v.IsArray() {
		return nil
	}
	var out []props
	for _, e := range v.ArrayValue() {
		if e.IsObject() {
			out = append(out, props(e.ObjectValue()))
		}
	}
	return out
}

// val makes a property value of the Go values the handlers use.
func val(x any) resource.PropertyValue {
	switch v := x.(type) {
	case nil:
		return resource.NewNullProperty()
	case resource.PropertyValue:
		return v
	case string:
		return resource.NewStringProperty(v)
	case *string:
		if v == nil {
			return resource.NewNullProperty()
		}
		return resource.NewStringProperty(*v)
	case bool:
		return resource.NewBoolProperty(v)
	case *bool:
		if v == nil {
			return resource.NewNullProperty()
		}
		return resource.NewBoolProperty(*v)
	case int:
		return resource.NewNumberProperty(float64(v))
	case int64:
		return resource.NewNumberProperty(float64(v))
	case *int64:
		if v == nil {
			return resource.NewNullProperty()
		}
		return resource.NewNumberProperty(float64(*v))
	case float64:
		return resource.NewNumberProperty(v)
	case *float64:
		if v == nil {
			return resource.NewNullProperty()
		}
		return resource.NewNumberProperty(*v)
	case []string:
		arr := make([]resource.PropertyValue, len(v))
		for i, s := range v {
			arr[i] = resource.NewStringProperty(s)
		}
		return resource.NewArrayProperty(arr)
	case map[string]string:
		m := resource.PropertyMap{}
		for k, s := range v {
			m[resource.PropertyKey(k)] = resource.NewStringProperty(s)
		}
		return resource.NewObjectProperty(m)
	case map[string][]string:
		m := resource.PropertyMap{}
		for k, s := range v {
			m[resource.PropertyKey(k)] = val(s)
		}
		return resource.NewObjectProperty(m)
	case []resource.PropertyValue:
		return resource.NewArrayProperty(v)
	case resource.PropertyMap:
		return resource.NewObjectProperty(v)
	}
	panic("ibm: val of unsupported type")
}

// pm builds a property map from key, value pairs; nil values are left out.
func pm(kv ...any) resource.PropertyMap {
	m := resource.PropertyMap{}
	for i := 0; i+1 < len(kv); i += 2 {
		v := val(kv[i+1])
		if v.IsNull() {
			continue
		}
		m[resource.PropertyKey(kv[i].(string))] = v
	}
	return m
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func sortedStrings(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	a, b = sortedStrings(a), sortedStrings(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
