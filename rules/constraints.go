package rules

import (
	"encoding/json"
	"fmt"
	"math"
	"net"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// checker collects the violations of one resource.
type checker struct {
	d   *db
	typ string
	out []Violation
}

func (c *checker) add(sev Severity, path, rule, source, format string, args ...any) {
	c.out = append(c.out, Violation{
		Type: c.typ, Property: path, Rule: rule, Source: source, Severity: sev,
		Message: fmt.Sprintf(format, args...),
	})
}

// ibm reports whether the checked type is one of the project's IBM types.
func (c *checker) ibm() bool { return strings.HasPrefix(c.typ, "infra:ibm:") }

func (d *db) checkConstraints(typ string, r *resourceRules, inputs map[string]any) []Violation {
	c := &checker{d: d, typ: typ}
	for i := range r.Constraints {
		c.constraint(&r.Constraints[i], inputs)
	}
	return c.out
}

// constraint applies one provider-rules.json constraint. The rule names and
// value shapes are the file's conventions; prose values are translated in
// prose.go, and those with no translation are listed by Unchecked.
func (c *checker) constraint(k *constraint, inputs map[string]any) {
	switch k.Rule {
	case "maxLength", "minLength", "lengthBetween":
		lo, hi, ok := lengthBounds(k)
		if !ok {
			return
		}
		c.eachString(inputs, k.Property, func(p, s string) {
			if n := utf8.RuneCountInString(s); n < lo || n > hi {
				c.add(Error, p, k.Rule, k.Source, "expected length of %s to be in the range (%d - %s), got %s (%d characters)", p, lo, maxText(hi), s, n)
			}
		})
	case "pattern", "notPattern":
		re := c.pattern(k)
		if re == nil {
			return
		}
		want := k.Rule == "pattern"
		lo, hi, hasLen := c.patternLength(k)
		c.eachString(inputs, k.Property, func(p, s string) {
			if n := utf8.RuneCountInString(s); hasLen && (n < lo || n > hi) {
				c.add(Error, p, "lengthBetween", k.Source, "expected length of %s to be in the range (%d - %d), got %s (%d characters)", p, lo, hi, s, n)
			}
			if re.MatchString(s) != want {
				verb := "must match"
				if !want {
					verb = "must not match"
				}
				c.add(Error, p, k.Rule, k.Source, "invalid value for %s (%s %s), got %q", p, verb, re.String(), s)
			}
		})
	case "oneOf", "notOneOf":
		values, ok := stringList(k.Value)
		if !ok {
			values, ok = proseEnum(k)
		}
		if !ok {
			return
		}
		fold := strings.Contains(k.Note, "case-insensitive")
		want := k.Rule == "oneOf"
		c.eachScalar(inputs, k.Property, func(p string, v any) {
			s := fmt.Sprint(v)
			if inList(values, s, fold) != want {
				if want {
					c.add(Error, p, k.Rule, k.Source, "expected %s to be one of %s, got %s", p, quoteList(values), s)
				} else {
					c.add(Error, p, k.Rule, k.Source, "%s %q is not accepted; %s", p, s, orText(k.Note, "the provider rejects it"))
				}
			}
		})
	case "range", "min", "max":
		lo, hi, ok := numBounds(k)
		if !ok {
			return
		}
		c.eachNumber(inputs, k.Property, func(p string, n float64) {
			if n < lo || n > hi {
				c.add(Error, p, k.Rule, k.Source, "expected %s to be in the range (%s - %s), got %s", p, num(lo), num(hi), num(n))
			}
		})
	case "oneOfRanges":
		var rs [][2]float64
		if json.Unmarshal(k.Value, &rs) != nil {
			return
		}
		c.eachNumber(inputs, k.Property, func(p string, n float64) {
			for _, r := range rs {
				if n >= r[0] && n <= r[1] {
					return
				}
			}
			c.add(Error, p, k.Rule, k.Source, "expected %s to be in one of the ranges %v, got %s", p, rs, num(n))
		})
	case "maxItems", "minItems", "itemsBetween":
		lo, hi, ok := itemBounds(k)
		if !ok {
			return
		}
		leaves(inputs, k.Property, func(l leaf) {
			list, ok := l.value.([]any)
			if !ok {
				return
			}
			if n := len(list); n < lo || n > hi {
				c.add(Error, l.path, k.Rule, k.Source, "attribute %s supports %d to %s items, but config has %d declared", l.path, lo, maxText(hi), n)
			}
		})
	case "exactlyOneOf", "atLeastOneOf":
		group, ok := stringList(k.Value)
		if !ok {
			return
		}
		c.group(inputs, k, group, func(p string, given []string, unknowns int) {
			switch {
			case len(given) == 0 && unknowns == 0:
				c.add(Error, p, k.Rule, k.Source, "%q: one of `%s` must be specified", p, strings.Join(group, ","))
			case k.Rule == "exactlyOneOf" && len(given) > 1:
				c.add(Error, p, k.Rule, k.Source, "%q: only one of `%s` can be specified, but `%s` were specified", p, strings.Join(group, ","), strings.Join(given, ","))
			}
		})
	case "conflictsWith", "requiredWith", "warnWithout":
		others, ok := stringList(k.Value)
		if !ok {
			return
		}
		block, key := parentOf(k.Property)
		blocks(inputs, block, func(bp string, m map[string]any) {
			if !set(m, key) {
				return
			}
			p := join(bp, key)
			var hit, missing []string
			for _, o := range others {
				ob, ok := strings.CutPrefix(o, block+".")
				if block == "" {
					ob, ok = o, true
				}
				if !ok {
					continue // a path outside the block: not decidable here
				}
				if set(m, ob) && !(c.ibm() && m[ob] == false) {
					// infra:ibm:* inputs go to IBM's APIs, not through
					// Terraform: an explicit false is the API's default,
					// not a conflicting setting.
					hit = append(hit, o)
				} else {
					missing = append(missing, o)
				}
			}
			switch k.Rule {
			case "conflictsWith":
				if len(hit) > 0 {
					c.add(Error, p, k.Rule, k.Source, "%q: conflicts with %s", p, strings.Join(hit, ", "))
				}
			case "requiredWith":
				if len(missing) > 0 {
					c.add(Error, p, k.Rule, k.Source, "%q: all of `%s` must be specified", p, strings.Join(append([]string{key}, others...), ","))
				}
			case "warnWithout":
				if len(hit) == 0 {
					c.add(Warning, p, k.Rule, k.Source, "Unused Attribute: %s has no effect without %s", p, strings.Join(others, " or "))
				}
			}
		})
	case "required":
		block, key := parentOf(k.Property)
		blocks(inputs, block, func(bp string, m map[string]any) {
			if !set(m, key) {
				p := join(bp, key)
				c.add(Error, p, k.Rule, k.Source, "Missing required argument: the argument %q is required, but no definition was found", p)
			}
		})
	case "forbidden":
		leaves(inputs, k.Property, func(l leaf) {
			if l.value != nil {
				c.add(Error, l.path, k.Rule, k.Source, "%q: this argument is no longer supported by the provider", l.path)
			}
		})
	case "forbiddenWhen":
		c.forbiddenWhen(k, inputs)
	case "format":
		f := formatCheck(k)
		if f == nil {
			return
		}
		c.eachScalar(inputs, k.Property, func(p string, v any) {
			s, ok := v.(string)
			if !ok {
				return
			}
			if problem := f(s); problem != "" {
				c.add(Error, p, k.Rule, k.Source, "%q (%s) %s", p, s, problem)
			}
		})
	case "cidrNetmaskRange":
		var r [2]int
		if json.Unmarshal(k.Value, &r) != nil {
			return
		}
		c.eachString(inputs, k.Property, func(p, s string) {
			ip, n, err := net.ParseCIDR(s)
			if err != nil {
				c.add(Error, p, k.Rule, k.Source, "%q must contain a valid CIDR, got %q", p, s)
				return
			}
			ones, _ := n.Mask.Size()
			if !ip.Equal(n.IP) || ones < r[0] || ones > r[1] {
				c.add(Error, p, k.Rule, k.Source, "%q must contain a valid network CIDR with a prefix between /%d and /%d, got %q", p, r[0], r[1], s)
			}
		})
	case "keyPattern", "valuePattern":
		re := c.pattern(k)
		if re == nil {
			return
		}
		leaves(inputs, k.Property, func(l leaf) {
			m, ok := l.value.(map[string]any)
			if !ok {
				return
			}
			for key, v := range m {
				subject := key
				if k.Rule == "valuePattern" {
					s, ok := v.(string)
					if !ok || unknown(s) {
						continue
					}
					subject = s
				}
				if !re.MatchString(subject) {
					c.add(Error, l.path+"."+key, k.Rule, k.Source, "invalid label %s %q (must match %s)", strings.TrimSuffix(k.Rule, "Pattern"), subject, re.String())
				}
			}
		})
	case "uniqueBy":
		c.uniqueBy(k, inputs)
	}
	// upgradePath needs the old value: Replace has it; Check cannot decide it.
}

// eachScalar calls fn for every known value a rule path reaches (each
// element of a list value).
func (c *checker) eachScalar(inputs map[string]any, path string, fn func(p string, v any)) {
	leaves(inputs, path, func(l leaf) { scalars(l.value, l.path, fn) })
}

func (c *checker) eachString(inputs map[string]any, path string, fn func(p, s string)) {
	c.eachScalar(inputs, path, func(p string, v any) {
		if s, ok := v.(string); ok {
			fn(p, s)
		}
	})
}

func (c *checker) eachNumber(inputs map[string]any, path string, fn func(p string, n float64)) {
	c.eachScalar(inputs, path, func(p string, v any) {
		if n, ok := number(v); ok {
			fn(p, n)
		}
	})
}

// group evaluates a group rule (exactlyOneOf, atLeastOneOf) once per block
// holding its members; members in another block are not decidable here.
func (c *checker) group(inputs map[string]any, k *constraint, members []string, fn func(p string, given []string, unknowns int)) {
	block, _ := parentOf(k.Property)
	blocks(inputs, block, func(bp string, m map[string]any) {
		var given []string
		unknowns := 0
		for _, o := range members {
			key := o
			if block != "" {
				var ok bool
				if key, ok = strings.CutPrefix(o, block+"."); !ok {
					return
				}
			}
			if !set(m, key) {
				continue
			}
			if unknown(m[key]) {
				unknowns++
				continue
			}
			given = append(given, o)
		}
		_, key := parentOf(k.Property)
		fn(join(bp, key), given, unknowns)
	})
}

// pattern compiles a constraint's regular expression; prose patterns go
// through their translation, if any.
func (c *checker) pattern(k *constraint) *regexp.Regexp {
	var s string
	if json.Unmarshal(k.Value, &s) != nil {
		return nil
	}
	s, _, _, _ = splitPattern(s)
	if t, ok := prosePatterns[s]; ok {
		s = t
	}
	return c.d.compile(s)
}

// patternLength is the length range some pattern values carry.
func (c *checker) patternLength(k *constraint) (lo, hi int, ok bool) {
	var s string
	if json.Unmarshal(k.Value, &s) != nil {
		return 0, 0, false
	}
	_, lo, hi, ok = splitPattern(s)
	return lo, hi, ok
}

func lengthBounds(k *constraint) (lo, hi int, ok bool) {
	return intBounds(k, "minLength", "maxLength")
}

func itemBounds(k *constraint) (lo, hi int, ok bool) {
	return intBounds(k, "minItems", "maxItems")
}

// intBounds reads a constraint on a count: minRule and maxRule take one
// bound, any other rule of the kind a [min, max] pair.
func intBounds(k *constraint, minRule, maxRule string) (lo, hi int, ok bool) {
	switch k.Rule {
	case maxRule:
		err := json.Unmarshal(k.Value, &hi)
		return 0, hi, err == nil
	case minRule:
		err := json.Unmarshal(k.Value, &lo)
		return lo, math.MaxInt, err == nil
	}
	var r [2]int
	err := json.Unmarshal(k.Value, &r)
	return r[0], r[1], err == nil
}

func numBounds(k *constraint) (lo, hi float64, ok bool) {
	switch k.Rule {
	case "min":
		err := json.Unmarshal(k.Value, &lo)
		return lo, math.Inf(1), err == nil
	case "max":
		err := json.Unmarshal(k.Value, &hi)
		return math.Inf(-1), hi, err == nil
	}
	var r [2]float64
	err := json.Unmarshal(k.Value, &r)
	return r[0], r[1], err == nil
}

func stringList(raw json.RawMessage) ([]string, bool) {
	var out []string
	if json.Unmarshal(raw, &out) == nil {
		return out, true
	}
	var nums []float64
	if json.Unmarshal(raw, &nums) == nil {
		for _, n := range nums {
			out = append(out, num(n))
		}
		return out, true
	}
	return nil, false
}

func inList(values []string, s string, fold bool) bool {
	for _, v := range values {
		if v == s || (fold && strings.EqualFold(v, s)) {
			return true
		}
		// number_<N>: IBM's numbered protocols.
		if n, ok := strings.CutSuffix(v, "<N>"); ok && strings.HasPrefix(s, n) {
			if _, err := strconv.Atoi(s[len(n):]); err == nil {
				return true
			}
		}
	}
	return false
}

func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return "[" + strings.Join(q, " ") + "]"
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	}
	return 0, false
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func maxText(hi int) string {
	if hi == math.MaxInt {
		return "∞"
	}
	return strconv.Itoa(hi)
}

func orText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
