package rules

import (
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// checkSchema tests inputs against the pinned Pulumi schema: unknown
// properties, types, required inputs, enums and patterns, through nested
// object types. Enums come from the schema's x-docEnum (errors) and
// x-docEnumAuto (values scraped from the docs: warnings); a property whose
// provider rules have their own oneOf is left to those.
func (d *db) checkSchema(typ string, s *schemaRes, inputs map[string]any) []Violation {
	c := &checker{d: d, typ: typ}
	src := "pulumi schema " + schemaVersion[d.schemaSource[typ]] + " " + typ
	c.object("", s.InputProperties, s.RequiredInputs, inputs, src)
	return c.out
}

// schemaVersion names the pinned provider whose schema the data holds.
var schemaVersion = map[string]string{
	"aws":    "pulumi-aws v6.83.4",
	"hcloud": "pulumi-hcloud v1.41.0",
	"ovh":    "pulumi-ovh v2.17.0",
}

func (c *checker) object(path string, props map[string]*propSpec, required []string, m map[string]any, src string) {
	keys := slices.Sorted(maps.Keys(m))
	for _, k := range keys {
		if strings.HasPrefix(k, "__") {
			continue // engine bookkeeping such as __defaults
		}
		p := join(path, k)
		spec, ok := props[k]
		if !ok {
			c.add(Error, p, RuleUnknownProperty, src, "Unsupported argument: an argument named %q is not expected here", p)
			continue
		}
		c.value(p, spec, m[k], src)
	}
	for _, k := range required {
		if !set(m, k) {
			p := join(path, k)
			c.add(Error, p, RuleRequired, src, "Missing required argument: the argument %q is required, but no definition was found", p)
		}
	}
}

func (c *checker) value(path string, spec *propSpec, v any, src string) {
	if v == nil || unknown(v) {
		return
	}
	if ref, ok := strings.CutPrefix(spec.Ref, "#/types/"); ok {
		t := c.d.schemaTypes[ref]
		m, isObj := v.(map[string]any)
		if t == nil {
			return
		}
		if !isObj {
			c.typeError(path, "object ("+ref+")", v, src)
			return
		}
		c.object(path, t.Properties, t.Required, m, src+" ("+ref+")")
		return
	}
	if spec.Ref != "" {
		return // pulumi.json#/Any
	}
	switch spec.Type {
	case "string":
		s, ok := v.(string)
		if !ok {
			c.typeError(path, "string", v, src)
			return
		}
		c.enum(path, spec, s, src)
		if spec.Pattern != "" && !c.d.patternCovered(c.typ, stripIndexes(path)) {
			re, lo, hi := c.d.schemaPattern(spec.Pattern)
			n := utf8.RuneCountInString(s)
			if re != nil && (!re.MatchString(s) || n < lo || n > hi) {
				ps := orText(spec.PatternSource, src)
				c.add(Error, path, RuleSchemaPattern, ps, "invalid value for %s (must match %s), got %q", path, spec.Pattern, s)
			}
		}
	case "integer":
		n, ok := number(v)
		if !ok || n != math.Trunc(n) {
			c.typeError(path, "integer", v, src)
		}
	case "number":
		if _, ok := number(v); !ok {
			c.typeError(path, "number", v, src)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			c.typeError(path, "bool", v, src)
		}
	case "array":
		l, ok := v.([]any)
		if !ok {
			c.typeError(path, "list", v, src)
			return
		}
		if spec.Items != nil {
			for i, e := range l {
				c.value(fmt.Sprintf("%s[%d]", path, i), spec.Items, e, src)
			}
		}
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			c.typeError(path, "map", v, src)
			return
		}
		keys := slices.Sorted(maps.Keys(m))
		for _, k := range keys {
			if spec.KeyPattern != "" {
				if re := c.d.compile(spec.KeyPattern); re != nil && !re.MatchString(k) {
					c.add(Error, path+"."+k, RuleSchemaPattern, src, "invalid key %q in %s (must match %s)", k, path, spec.KeyPattern)
				}
			}
			if spec.AdditionalProperties != nil {
				c.value(path+"."+k, spec.AdditionalProperties, m[k], src)
			}
		}
	}
}

func (c *checker) typeError(path, want string, v any, src string) {
	c.add(Error, path, RuleType, src, "Incorrect attribute value type: inappropriate value for attribute %q: %s required, got %s", path, want, kindOf(v))
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case float64, int, int64:
		return "number"
	case []any:
		return "list"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func (c *checker) enum(path string, spec *propSpec, s string, src string) {
	values, sev := spec.DocEnum, Error
	if len(values) == 0 {
		values, sev = spec.DocEnumAuto, Warning
	}
	if len(values) == 0 || c.d.hasOneOf(c.typ, stripIndexes(path)) {
		return
	}
	list := make([]string, len(values))
	for i, v := range values {
		list[i] = fmt.Sprint(v)
		if list[i] == s {
			return
		}
	}
	c.add(sev, path, RuleEnum, orText(spec.DocEnumSource, src), "expected %s to be one of %s, got %s", path, quoteList(list), s)
}

// patternCovered reports whether a provider constraint or a cloud limit
// checks a property's character set already, with the provider's source.
func (d *db) patternCovered(typ, path string) bool {
	if r := d.resources[typ]; r != nil {
		for _, k := range r.Constraints {
			if k.Property == path && (k.Rule == "pattern" || k.Rule == "notPattern") {
				return true
			}
		}
	}
	if l := d.limit(limitSGCharset); l != nil && l.applies(typ) && (path == "description" || path == "name") {
		return true
	}
	return false
}

// hasOneOf reports whether the provider rules give a property its own enum.
func (d *db) hasOneOf(typ, path string) bool {
	r := d.resources[typ]
	if r == nil {
		return false
	}
	for _, k := range r.Constraints {
		if k.Property == path && k.Rule == "oneOf" {
			return true
		}
	}
	return false
}

// lookahead is the one RE2-incompatible construct in the schemas: a length
// check in front of the pattern, "^(?=.{1,253}$)".
var lookahead = regexp.MustCompile(`^\^\(\?=\.\{(\d+),(\d+)\}\$\)`)

// schemaPattern compiles a schema pattern, turning a leading length
// lookahead into bounds.
func (d *db) schemaPattern(p string) (re *regexp.Regexp, lo, hi int) {
	lo, hi = 0, math.MaxInt
	if m := lookahead.FindStringSubmatch(p); m != nil {
		fmt.Sscan(m[1], &lo)
		fmt.Sscan(m[2], &hi)
		p = "^" + p[len(m[0]):]
	}
	return d.compile(p), lo, hi
}
