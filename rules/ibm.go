package rules

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// checkIBM tests the inputs of an infra:ibm:* type against its IBM object:
// name rules, enums, constraints, and the enums that depend on the API
// version the SDK sends.
func (d *db) checkIBM(typ string, o *ibmObject, inputs map[string]any) []Violation {
	c := &checker{d: d, typ: typ}
	if n := o.Name; n != nil {
		if name, ok := inputs["name"].(string); ok && !unknown(name) {
			c.ibmName(n, name)
		}
	}
	// A value a notOneOf constraint names is reported there, with its reason.
	rejected := map[string][]string{}
	for _, k := range o.Constraints {
		if k.Rule == "notOneOf" {
			vs, _ := stringList(k.Value)
			rejected[k.Property] = append(rejected[k.Property], vs...)
		}
	}
	for _, prop := range sortedKeys(o.Enums) {
		values := o.Enums[prop]
		c.eachScalar(inputs, prop, func(p string, v any) {
			if s, ok := v.(string); ok && !inList(values, s, false) && !inList(rejected[prop], s, false) {
				c.add(Error, p, RuleEnum, o.EnumSource, "expected %s to be one of %s, got %s", p, quoteList(values), s)
			}
		})
	}
	notOneOf := map[string]bool{}
	for i := range o.Constraints {
		k := &o.Constraints[i]
		c.constraint(k, inputs)
		if k.Rule == "notOneOf" {
			notOneOf[k.Property] = true
		}
	}
	object := strings.TrimPrefix(typ, "infra:ibm:")
	for _, e := range d.ibmVersion.VersionDependentEnums {
		if e.Object != object || notOneOf[e.Property] {
			continue // a notOneOf constraint already says the same
		}
		gone := firstQuoted(e.Rule)
		c.eachString(inputs, e.Property, func(p, s string) {
			if gone != "" && s == gone {
				c.add(Error, p, "versionDependentEnum", e.Source, "%s %q is not accepted by the VPC API version the SDK sends: %s", p, s, e.Rule)
			}
		})
	}
	return c.out
}

// ibmName applies an object's name rules.
func (c *checker) ibmName(n *ibmName, name string) {
	src := strings.Join(n.Source, "; ")
	lo, hi := 0, -1
	switch {
	case len(n.LengthBetween) == 2:
		lo, hi = n.LengthBetween[0], n.LengthBetween[1]
	case n.MaxLength > 0:
		hi = n.MaxLength
	}
	if l := utf8.RuneCountInString(name); hi >= 0 && (l < lo || l > hi) {
		c.add(Error, "name", RuleName, src, "name %q is %d characters; it must be %d to %d characters", name, l, lo, hi)
	}
	pattern := n.Pattern
	if pattern == "" {
		pattern = n.Charset
	}
	if t, ok := prosePatterns[pattern]; ok {
		pattern = t
	}
	if pattern != "" {
		if re := c.d.compile(pattern); re != nil && !re.MatchString(name) {
			c.add(Error, "name", RuleName, src, "name %q must match %s", name, re.String())
		}
	}
	if p := n.ReservedPrefix; p != "" && strings.HasPrefix(name, p) {
		c.add(Error, "name", RuleName, src, "name %q starts with the reserved prefix %q: %s", name, p, orText(n.Note, "reserved for system-provided objects"))
	}
}

var quoted = regexp.MustCompile(`'([^']+)'`)

func firstQuoted(s string) string {
	if m := quoted.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

// ibmProperty is the input name an immutable or applied-once entry names:
// "isPublic (type)" -> isPublic. Entries that are prose ("GRE tunnel
// addresses") name no input.
func ibmProperty(entry string) (string, bool) {
	p, _, _ := strings.Cut(entry, " (")
	if strings.Contains(p, " ") {
		return "", false
	}
	return p, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// rawString decodes a JSON string value, "" if it is not one.
func rawString(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

// checkIBMPerValue applies the maxPerValue constraints of the IBM objects
// over a whole plan: at most value resources of the type may share one value
// of the property (an IAM identity is a member of at most 50 access groups).
// The resources past the limit are reported, in plan order.
func (d *db) checkIBMPerValue(resources []Resource) []Violation {
	var out []Violation
	for _, name := range sortedKeys(d.ibm) {
		typ := "infra:ibm:" + name
		for _, k := range d.ibm[name].Constraints {
			if k.Rule != "maxPerValue" {
				continue
			}
			var max int
			if json.Unmarshal(k.Value, &max) != nil {
				continue
			}
			seen := map[string]int{}
			for i := range resources {
				r := &resources[i]
				v, ok := r.Inputs[k.Property].(string)
				if r.Type != typ || !ok || unknown(v) {
					continue
				}
				if seen[v]++; seen[v] > max {
					out = append(out, Violation{Type: typ, Resource: r.Name, Property: k.Property, Rule: k.Rule, Source: k.Source, Severity: Error,
						Message: fmt.Sprintf("%s %q is the %s of %d %s resources; IBM accepts at most %d: %s", k.Property, v, k.Property, seen[v], name, max, orText(k.Note, "the API refuses the rest"))})
				}
			}
		}
	}
	return out
}
