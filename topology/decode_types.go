package topology

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Duration is a time.Duration written as "60s", "5m" or "1h30m".
type Duration struct{ time.Duration }

func (t *Duration) decodeNode(d *decoder, n *yaml.Node) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.d.errorf(d.pos(n), "write it like 30s or 5m", "duration must be a string, got %s", kindName(n))
		return
	}
	v, err := time.ParseDuration(n.Value)
	if err != nil || v < 0 {
		d.d.errorf(d.pos(n), "write it like 30s or 5m", "invalid duration %s", strconv.Quote(n.Value))
		return
	}
	t.Duration = v
}

// String prints whole seconds without the trailing zero units time.Duration adds.
func (t Duration) String() string {
	s := t.Duration.String()
	// Only zero units that follow a larger one: "10s" and "20m0s" keep their tens.
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalText renders the duration as it would be written in the spec.
func (t Duration) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

func (s *Scaling) decodeNode(d *decoder, n *yaml.Node) {
	s.Meta.Pos = d.pos(n)
	what := d.what
	if what == "" {
		what = "the node count"
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		var c int
		if err := n.Decode(&c); err != nil {
			d.d.errorf(d.pos(n), "", "%s: %s is out of range", what, n.Value)
			return
		}
		s.Min, s.Max, s.Desired = c, c, c
		return
	}
	if n.Kind != yaml.MappingNode {
		d.d.errorf(d.pos(n), "write a number, or {min: 1, max: 3}", "%s must be a number or a mapping, got %s", what, kindName(n))
		return
	}
	type plain Scaling // drop decodeNode so the struct path handles the mapping
	var p plain
	d.decodeStruct(n, reflect.ValueOf(&p).Elem(), what, 0)
	*s = Scaling(p)
}

// decodeNode reads an account: a bare name, or a mapping of its fields.
func (a *AWSAccount) decodeNode(d *decoder, n *yaml.Node) {
	a.Meta.Pos = d.pos(n)
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		a.Name = n.Value
		return
	}
	if n.Kind != yaml.MappingNode {
		d.d.errorf(d.pos(n), "write a name, or {name: prod, id: \"123456789012\"}", "account must be a name or a mapping, got %s", kindName(n))
		return
	}
	type plain AWSAccount // drop decodeNode so the struct path handles the mapping
	var p plain
	d.decodeStruct(n, reflect.ValueOf(&p).Elem(), "the account", 0)
	*a = AWSAccount(p)
}

// guardrailNames is the catalogue of guardrails the spec accepts. Parameters
// are checked by decodeNode; semantics live in policies/.
var guardrailNames = []string{
	GuardrailAllowedRegions,
	GuardrailDenyPublicBuckets,
	GuardrailDenyRootAccount,
	GuardrailProtectSecurityServices,
	GuardrailRequireEncryption,
	GuardrailRequireTags,
}

// The guardrails' names: the one place they are spelled, which policies (the
// catalogue) and landingzone (where the clouds enforce them) name them by.
const (
	GuardrailAllowedRegions          = "allowed-regions"
	GuardrailDenyPublicBuckets       = "deny-public-buckets"
	GuardrailDenyRootAccount         = "deny-root-account"
	GuardrailProtectSecurityServices = "protect-security-services"
	GuardrailRequireEncryption       = "require-encryption"
	GuardrailRequireTags             = "require-tags"
)

// GuardrailNames returns the guardrail catalogue, sorted.
func GuardrailNames() []string { return append([]string(nil), guardrailNames...) }

func (g *Guardrail) decodeNode(d *decoder, n *yaml.Node) {
	g.Meta.Pos = d.pos(n)
	var val *yaml.Node
	switch n.Kind {
	case yaml.ScalarNode:
		g.Name = n.Value
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			// Anchored parameters (allowed-regions: *eu) are as good as written out.
			k, kok := d.resolve(n.Content[i], 1)
			v, vok := d.resolve(n.Content[i+1], 1)
			if !kok || !vok {
				continue
			}
			if k.Value == "enforcement" {
				g.Meta.set("enforcement", d.pos(v))
				if v.Kind != yaml.ScalarNode || (v.Value != "mandatory" && v.Value != "advisory") {
					d.d.errorf(d.pos(v), "use mandatory or advisory", "invalid enforcement %s", kindName(v))
					continue
				}
				g.Enforcement = v.Value
				continue
			}
			if g.Name != "" {
				d.d.errorf(d.pos(k), "write each guardrail as its own list item", "guardrail %s: unexpected key %s", g.Name, strconv.Quote(k.Value))
				continue
			}
			g.Name, val = k.Value, v
			g.Meta.Pos = d.pos(k)
		}
	default:
		d.d.errorf(d.pos(n), "write a name, or name: parameters", "guardrail must be a name or a mapping, got %s", kindName(n))
		return
	}
	if g.Name == "" {
		d.d.errorf(d.pos(n), "write a name, or name: parameters", "guardrail has no name")
		return
	}
	if i := sort.SearchStrings(guardrailNames, g.Name); i == len(guardrailNames) || guardrailNames[i] != g.Name {
		hint := "known guardrails: " + strings.Join(guardrailNames, ", ")
		if s := suggest(g.Name, guardrailNames); s != "" {
			hint = "did you mean " + s + "?"
		}
		d.d.errorf(g.Meta.Pos, hint, "unknown guardrail %s", strconv.Quote(g.Name))
		return
	}
	if val != nil {
		g.Meta.set(g.Name, d.pos(val))
		d.recordItems(&g.Meta, g.Name, val)
	}
	hasParams := val != nil && !(val.Kind == yaml.ScalarNode && val.Tag == "!!null")
	switch g.Name {
	case "allowed-regions":
		if !hasParams {
			d.d.errorf(g.Meta.Pos, "e.g. allowed-regions: {aws: [us-east-1]}", "allowed-regions needs the regions allowed per cloud")
			return
		}
		if val.Kind == yaml.SequenceNode {
			// A list of regions: say which shape is wanted, with the
			// user's own regions under the cloud they belong to.
			d.d.errorf(d.pos(val), "write "+allowedRegionsExample(val),
				"allowed-regions takes the regions allowed per cloud, not one list")
			return
		}
		var m map[string][]string
		d.decode(val, reflect.ValueOf(&m).Elem(), "allowed-regions", 1)
		g.AllowedRegions = map[Cloud][]string{}
		for i := 0; val.Kind == yaml.MappingNode && i+1 < len(val.Content); i += 2 {
			k := val.Content[i]
			if !isCloud(k.Value) {
				d.d.errorf(d.pos(k), "clouds are ibm, aws, hetzner and ovh", "allowed-regions: unknown cloud %s", strconv.Quote(k.Value))
				continue
			}
			g.AllowedRegions[Cloud(k.Value)] = m[k.Value]
			// positions of each listed region, for contradiction reports
			for j, r := range val.Content[i+1].Content {
				g.Meta.set(fmt.Sprintf("allowed-regions.%s[%d]", k.Value, j), d.pos(r))
			}
		}
	case "require-tags":
		if !hasParams {
			d.d.errorf(g.Meta.Pos, "e.g. require-tags: [Environment, Owner]", "require-tags needs the list of tags")
			return
		}
		d.decode(val, reflect.ValueOf(&g.Tags).Elem(), "require-tags", 1)
	default:
		if hasParams && !(val.Kind == yaml.MappingNode && len(val.Content) == 0) {
			d.d.errorf(d.pos(val), "write just the name", "guardrail %s takes no parameters", g.Name)
		}
	}
}

func isCloud(s string) bool {
	for _, c := range AllClouds {
		if string(c) == s {
			return true
		}
	}
	return false
}

// allowedRegionsExample is the allowed-regions mapping a list of regions
// was meant to be: each region under the cloud that has it (a region more
// than one cloud has, or none, under the first cloud that has it, else aws),
// in flow style for a hint.
func allowedRegionsExample(list *yaml.Node) string {
	by := map[Cloud][]string{}
	for _, item := range list.Content {
		if item.Kind != yaml.ScalarNode {
			continue
		}
		cloud := AWS
		for _, c := range AllClouds {
			if KnownRegion(c, item.Value) {
				cloud = c
				break
			}
		}
		by[cloud] = append(by[cloud], item.Value)
	}
	if len(by) == 0 {
		by[AWS] = []string{"us-east-1"}
	}
	var parts []string
	for _, c := range AllClouds {
		if rs, ok := by[c]; ok {
			parts = append(parts, fmt.Sprintf("%s: [%s]", c, strings.Join(rs, ", ")))
		}
	}
	return "allowed-regions: {" + strings.Join(parts, ", ") + "}"
}
