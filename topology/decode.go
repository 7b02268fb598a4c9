package topology

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Limits that keep hostile input (alias bombs, deep nesting) cheap to reject.
const (
	maxDepth = 64
	maxNodes = 200_000
)

// decoder maps a yaml.Node tree onto the spec types by reflection. Unlike
// yaml.Unmarshal it keeps going after an error, reports every problem with
// line and column, suggests field names, and records positions in Meta.
type decoder struct {
	file string
	d    *diags
	// what names the value a nodeDecoder decodes, for its messages (e.g.
	// clouds.aws.regions[0].cluster.nodesPerZone).
	what  string
	nodes int
	// tooBig is set once a limit trips; the partial result is then discarded.
	tooBig bool
}

// nodeDecoder is implemented by types with a YAML shape of their own.
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node)
}

// pos is n's source range: a one-line scalar's ends after its text (and
// quotes); other nodes' ends are not known.
func (d *decoder) pos(n *yaml.Node) Pos {
	p := Pos{File: d.file, Line: n.Line, Col: n.Column}
	if n.Kind == yaml.ScalarNode && n.Line > 0 && n.Column > 0 && !strings.Contains(n.Value, "\n") {
		width := utf8.RuneCountInString(n.Value)
		switch {
		case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
			if strings.ContainsAny(n.Value, "\\\"'") {
				return p // escapes make the source longer than the value
			}
			width += 2
		case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
			return p
		}
		if width > 0 {
			p.EndLine, p.EndCol = n.Line, n.Column+width
		}
	}
	return p
}

var (
	metaType    = reflect.TypeOf(Meta{})
	nodeDecType = reflect.TypeOf((*nodeDecoder)(nil)).Elem()
)

// kindName describes a node for "expected X, got Y" messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		}
		return strconv.Quote(n.Value)
	}
	return "an unsupported value"
}

// resolve follows aliases and counts nodes, so that anchors cannot blow up decoding.
func (d *decoder) resolve(n *yaml.Node, depth int) (*yaml.Node, bool) {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i > maxDepth {
			return nil, false
		}
		n = n.Alias
	}
	if n == nil {
		return nil, false
	}
	d.nodes++
	if d.nodes > maxNodes || depth > maxDepth {
		if !d.tooBig {
			d.tooBig = true
			d.d.errorf(d.pos(n), "split the file or remove recursive anchors", "document is too large or too deeply nested")
		}
		return nil, false
	}
	return n, true
}

// decode fills v from n. what names the value for messages, e.g. "field cidr".
func (d *decoder) decode(n *yaml.Node, v reflect.Value, what string, depth int) {
	n, ok := d.resolve(n, depth)
	if !ok {
		return
	}
	if v.CanAddr() && v.Addr().Type().Implements(nodeDecType) {
		d.what = what
		v.Addr().Interface().(nodeDecoder).decodeNode(d, n)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), what, depth)
	case reflect.Struct:
		d.decodeStruct(n, v, what, depth)
	case reflect.Slice:
		if !d.shaped(n, yaml.SequenceNode, what, "a list", "write it as a list, e.g. [a, b]") {
			return
		}
		s := reflect.MakeSlice(v.Type(), 0, len(n.Content))
		for i, c := range n.Content {
			item := fmt.Sprintf("%s[%d]", what, i)
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(c, ev, item, depth+1)
			// An empty list item ("-" alone) of a struct list would leave a nil
			// entry that every consumer would have to skip; report and drop it.
			if ev.Kind() == reflect.Pointer && ev.IsNil() {
				if r, ok := d.resolve(c, depth+1); ok && r.Kind == yaml.ScalarNode && r.Tag == "!!null" {
					d.d.errorf(d.pos(r), "remove the empty entry, or fill it in", "%s is empty", item)
				}
				continue
			}
			s = reflect.Append(s, ev)
		}
		v.Set(s)
	case reflect.Map:
		if !d.shaped(n, yaml.MappingNode, what, "a mapping", "write it as key: value pairs") {
			return
		}
		pairs := d.pairs(n, what, depth)
		m := reflect.MakeMapWithSize(v.Type(), len(pairs))
		seen := map[string]bool{}
		for _, p := range pairs {
			k := p.key
			if k.Kind != yaml.ScalarNode {
				d.d.errorf(d.pos(k), "", "keys of %s must be plain names", where(what))
				continue
			}
			if seen[k.Value] {
				if !p.merged {
					d.d.errorf(d.pos(k), "remove one of them", "%s is set twice in %s", strconv.Quote(k.Value), where(what))
				}
				continue
			}
			seen[k.Value] = true
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(p.val, ev, join(what, k.Value), depth+1)
			m.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), ev)
		}
		v.Set(m)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			d.d.errorf(d.pos(n), "", "%s must be a string, got %s", what, kindName(n))
			return
		}
		v.SetString(n.Value)
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			d.d.errorf(d.pos(n), "", "%s must be a whole number, got %s", what, kindName(n))
			return
		}
		i, err := strconv.ParseInt(n.Value, 0, 32)
		if err != nil {
			d.d.errorf(d.pos(n), "", "%s: %s is out of range", what, n.Value)
			return
		}
		v.SetInt(i)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.d.errorf(d.pos(n), "use true or false", "%s must be true or false, got %s", what, kindName(n))
			return
		}
		var b bool
		if err := n.Decode(&b); err != nil {
			d.d.errorf(d.pos(n), "use true or false", "%s must be true or false, got %s", what, kindName(n))
			return
		}
		v.SetBool(b)
	default:
		panic("topology: unsupported field kind " + v.Kind().String())
	}
}

// pair is one key and value of a mapping; merged when it came through a
// merge key (<<: *defaults) rather than being written in the mapping.
type pair struct {
	key, val *yaml.Node
	merged   bool
}

// pairs lists a mapping's entries with YAML merge keys expanded
// (https://yaml.org/type/merge.html): first the keys written in the mapping,
// in order, then those of each merged mapping that the mapping does not set
// itself, earlier merges before later ones. Merged values keep their own
// positions, under the anchor, which is where a fix goes.
func (d *decoder) pairs(n *yaml.Node, what string, depth int) []pair {
	var own, merged []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, ok := d.resolve(n.Content[i], depth+1)
		if !ok {
			continue
		}
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			merged = append(merged, d.mergeSources(n.Content[i+1], what, depth+1)...)
			continue
		}
		own = append(own, pair{key: k, val: n.Content[i+1]})
	}
	return append(own, merged...)
}

// mergeSources is the entries a merge key's value brings: one mapping, or a
// list of mappings, each possibly with merge keys of its own.
func (d *decoder) mergeSources(v *yaml.Node, what string, depth int) []pair {
	v, ok := d.resolve(v, depth)
	if !ok {
		return nil
	}
	var out []pair
	add := func(m *yaml.Node) {
		for _, p := range d.pairs(m, what, depth+1) {
			p.merged = true
			out = append(out, p)
		}
	}
	switch v.Kind {
	case yaml.MappingNode:
		add(v)
		return out
	case yaml.SequenceNode:
		for _, c := range v.Content {
			c, ok := d.resolve(c, depth+1)
			if !ok {
				continue
			}
			if c.Kind != yaml.MappingNode {
				d.d.errorf(d.pos(c), "merge a mapping, e.g. <<: *defaults", "a merge key in %s takes mappings, got %s", where(what), kindName(c))
				continue
			}
			add(c)
		}
		return out
	}
	d.d.errorf(d.pos(v), "merge a mapping, e.g. <<: *defaults", "a merge key in %s takes a mapping, got %s", where(what), kindName(v))
	return nil
}

// join extends a dotted path such as clouds.aws.regions[0].
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// where names a path for messages; the root is "the topology".
func where(path string) string {
	if path == "" {
		return "the topology"
	}
	return path
}

// field is one decodable struct field, possibly inside an inlined struct.
type field struct {
	name     string
	index    []int
	required bool
}

type structInfo struct {
	fields []field
	byName map[string]*field
	meta   []int // index path of the Meta, nil when the type has none
}

var structCache sync.Map // reflect.Type -> *structInfo

func infoOf(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{byName: map[string]*field{}}
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			idx := append(append([]int{}, prefix...), i)
			if f.Type == metaType {
				if si.meta == nil {
					si.meta = idx
				}
				continue
			}
			tag := f.Tag.Get("yaml")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if strings.Contains(opts, "inline") {
				walk(f.Type, idx)
				continue
			}
			req := strings.Contains(f.Tag.Get("jsonschema"), "required")
			si.fields = append(si.fields, field{name: name, index: idx, required: req})
		}
	}
	walk(t, nil)
	for i := range si.fields {
		si.byName[si.fields[i].name] = &si.fields[i]
	}
	structCache.Store(t, si)
	return si
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, what string, depth int) {
	si := infoOf(v.Type())
	var meta *Meta
	if si.meta != nil {
		meta = v.FieldByIndex(si.meta).Addr().Interface().(*Meta)
		meta.Pos = d.pos(n)
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		d.requireFields(n, si, nil, where(what))
		return
	}
	if n.Kind != yaml.MappingNode {
		d.d.errorf(d.pos(n), "", "%s must be a mapping of fields, got %s", where(what), kindName(n))
		return
	}
	seen := map[string]bool{}
	for _, p := range d.pairs(n, what, depth) {
		k := p.key
		if k.Kind != yaml.ScalarNode {
			d.d.errorf(d.pos(k), "", "field names in %s must be plain names", where(what))
			continue
		}
		f := si.byName[k.Value]
		if f == nil {
			d.unknownField(k, si, where(what))
			continue
		}
		if seen[k.Value] {
			if !p.merged {
				d.d.errorf(d.pos(k), "remove one of them", "field %s is set twice in %s", k.Value, where(what))
			}
			continue
		}
		seen[k.Value] = true
		val := p.val
		if meta != nil {
			meta.set(k.Value, d.pos(val))
			d.recordItems(meta, k.Value, val)
		}
		before := len(d.d.list)
		d.decode(val, v.FieldByIndex(f.index), join(what, k.Value), depth+1)
		if meta != nil && len(d.d.list) > before {
			meta.markFailed(k.Value)
		}
	}
	d.requireFields(n, si, seen, where(what))
}

// recordItems stores positions of scalar list items and map entries so that
// validation can point at the exact element.
func (d *decoder) recordItems(meta *Meta, key string, val *yaml.Node) {
	for val != nil && val.Kind == yaml.AliasNode {
		val = val.Alias
	}
	if val == nil {
		return
	}
	switch val.Kind {
	case yaml.SequenceNode:
		for i, c := range val.Content {
			if c.Kind == yaml.ScalarNode {
				meta.set(fmt.Sprintf("%s[%d]", key, i), d.pos(c))
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(val.Content); i += 2 {
			meta.set(key+"."+val.Content[i].Value, d.pos(val.Content[i+1]))
		}
	}
}

func (d *decoder) requireFields(n *yaml.Node, si *structInfo, seen map[string]bool, what string) {
	for _, f := range si.fields {
		if f.required && !seen[f.name] {
			d.d.errorf(d.pos(n), "add "+f.name+": ...", "missing required field %s in %s", f.name, where(what)).Rule = RuleRequired
		}
	}
}

func (d *decoder) unknownField(k *yaml.Node, si *structInfo, what string) {
	names := make([]string, 0, len(si.fields))
	for _, f := range si.fields {
		names = append(names, f.name)
	}
	hint := "valid fields: " + strings.Join(names, ", ")
	if s := suggest(k.Value, names); s != "" {
		hint = "did you mean " + s + "?"
	}
	d.d.errorf(d.pos(k), hint, "unknown field %s in %s", strconv.Quote(k.Value), where(what)).Rule = RuleUnknownField
}

// suggest returns the candidate closest to s by edit distance, if close enough
// to be a likely typo.
func suggest(s string, candidates []string) string {
	if s == "" {
		return ""
	}
	best, bestD := "", 1<<30
	ls := strings.ToLower(s)
	for _, c := range candidates {
		dist := editDistance(ls, strings.ToLower(c))
		if dist < bestD || (dist == bestD && c < best) {
			best, bestD = c, dist
		}
	}
	limit := 2
	if len(s) > 8 {
		limit = 3
	}
	if bestD <= limit || (best != "" && (strings.HasPrefix(strings.ToLower(best), ls) || strings.HasPrefix(ls, strings.ToLower(best)))) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// shaped reports whether n is a collection of the kind a field takes; null
// is not (the field keeps its zero value) and another kind is an error.
func (d *decoder) shaped(n *yaml.Node, kind yaml.Kind, what, shape, hint string) bool {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return false
	}
	if n.Kind != kind {
		d.d.errorf(d.pos(n), hint, "%s must be %s, got %s", what, shape, kindName(n))
		return false
	}
	return true
}
