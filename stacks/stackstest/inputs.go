package stackstest

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Str is the string input k of m, seen through secret and output
// wrappers; any other value is printed, so that it never equals a name.
func Str(m resource.PropertyMap, k string) string {
	v, ok := m[resource.PropertyKey(k)]
	if !ok {
		return fmt.Sprint(v)
	}
	if v = Unwrap(v); !v.IsString() {
		return fmt.Sprint(v)
	}
	return v.StringValue()
}

// Strs is a string array input as Go strings.
func Strs(v resource.PropertyValue) []string {
	var out []string
	if v.IsArray() {
		for _, e := range v.ArrayValue() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

// Num is the number input k of m, or -1.
func Num(m resource.PropertyMap, k string) int {
	v := m[resource.PropertyKey(k)]
	if !v.IsNumber() {
		return -1
	}
	return int(v.NumberValue())
}

// Unwrap removes secret and output wrappers.
func Unwrap(v resource.PropertyValue) resource.PropertyValue {
	for {
		switch {
		case v.IsSecret():
			v = v.SecretValue().Element
		case v.IsOutput():
			v = v.OutputValue().Element
		default:
			return v
		}
	}
}

// IsSecret reports whether v is a secret, directly or as an output.
func IsSecret(v resource.PropertyValue) bool {
	return v.IsSecret() || v.IsOutput() && v.OutputValue().Secret
}

// PlainStrings lists every string reachable from v outside of secrets.
func PlainStrings(v resource.PropertyValue) []string {
	var out []string
	plainStrings(v, &out)
	return out
}

func plainStrings(v resource.PropertyValue, out *[]string) {
	if IsSecret(v) {
		return
	}
	v = Unwrap(v)
	switch {
	case v.IsString():
		*out = append(*out, v.StringValue())
	case v.IsArray():
		for _, e := range v.ArrayValue() {
			plainStrings(e, out)
		}
	case v.IsObject():
		for _, e := range v.ObjectValue() {
			plainStrings(e, out)
		}
	}
}
