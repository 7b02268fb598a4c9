package rules

import (
	"strconv"
	"strings"
)

// Get walks nested maps (a plan's inputs) along path: the value there, or
// nil where the path leaves the maps.
func Get(v any, path ...string) any {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// unknown reports whether a value stands for one not known yet or hidden.
func unknown(v any) bool {
	s, ok := v.(string)
	return ok && (s == Unknown || s == Secret)
}

// set reports whether an input is given: present, not null. An unknown
// value is given (the program set it; its value comes later).
func set(m map[string]any, key string) bool {
	v, ok := m[key]
	return ok && v != nil
}

// leaf is one value a dotted rule path reaches in the inputs.
type leaf struct {
	// path is the concrete path, with list indexes: ingress[0].description.
	path string
	// parent is the object holding the last segment.
	parent map[string]any
	key    string
	value  any
}

// leaves walks a dotted rule path (nested blocks as dots, lists crossed
// implicitly) and calls fn for every object that holds its last segment,
// whether or not the key is set there. Walking stops at unknown values: a
// rule cannot look inside them.
func leaves(inputs map[string]any, path string, fn func(l leaf)) {
	walkPath(inputs, "", strings.Split(path, "."), fn)
}

func walkPath(obj map[string]any, prefix string, segs []string, fn func(l leaf)) {
	key := segs[0]
	here := join(prefix, key)
	if len(segs) == 1 {
		fn(leaf{path: here, parent: obj, key: key, value: obj[key]})
		return
	}
	eachObject(obj[key], here, func(p string, m map[string]any) {
		walkPath(m, p, segs[1:], fn)
	})
}

// eachObject calls fn for v when it is an object, or for each object in it
// when it is a list (Terraform blocks become lists or single objects).
func eachObject(v any, path string, fn func(path string, m map[string]any)) {
	switch t := v.(type) {
	case map[string]any:
		fn(path, t)
	case []any:
		for i, e := range t {
			if m, ok := e.(map[string]any); ok {
				fn(path+"["+strconv.Itoa(i)+"]", m)
			}
		}
	}
}

// scalars calls fn for a value, or for each element of a list value, with
// its concrete path; unknown values are skipped.
func scalars(v any, path string, fn func(path string, v any)) {
	if v == nil || unknown(v) {
		return
	}
	if l, ok := v.([]any); ok {
		for i, e := range l {
			if e != nil && !unknown(e) {
				fn(path+"["+strconv.Itoa(i)+"]", e)
			}
		}
		return
	}
	fn(path, v)
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// parentOf splits a dotted rule path into the block path and the last key.
func parentOf(path string) (block, key string) {
	if i := strings.LastIndex(path, "."); i >= 0 {
		return path[:i], path[i+1:]
	}
	return "", path
}

// blocks calls fn for every object a dotted block path reaches; the empty
// path is the inputs themselves.
func blocks(inputs map[string]any, block string, fn func(path string, m map[string]any)) {
	if block == "" {
		fn("", inputs)
		return
	}
	var walk func(obj map[string]any, prefix string, segs []string)
	walk = func(obj map[string]any, prefix string, segs []string) {
		here := join(prefix, segs[0])
		eachObject(obj[segs[0]], here, func(p string, m map[string]any) {
			if len(segs) == 1 {
				fn(p, m)
				return
			}
			walk(m, p, segs[1:])
		})
	}
	walk(inputs, "", strings.Split(block, "."))
}

// stripIndexes turns a concrete path into its rule path: ingress[0].x -> ingress.x.
func stripIndexes(p string) string {
	var b strings.Builder
	skip := false
	for _, r := range p {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}
