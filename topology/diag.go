package topology

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a source range in a topology file: where it starts (Line, Col)
// and, when known, where it ends (EndLine, EndCol, the column just past the
// last character). Lines and columns are 1-based; zero means unknown, and a
// zero end means the range is the start alone.
type Pos struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Col     int    `json:"column,omitempty"`
	EndLine int    `json:"endLine,omitempty"`
	EndCol  int    `json:"endColumn,omitempty"`
}

// Start is the range's first position alone.
func (p Pos) Start() Pos { return Pos{File: p.File, Line: p.Line, Col: p.Col} }

// End is where the range ends: its start when the end is not known.
func (p Pos) End() Pos {
	if p.EndLine == 0 {
		return p.Start()
	}
	return Pos{File: p.File, Line: p.EndLine, Col: p.EndCol}
}

// String is file:line:col, the start of the range, as compilers print it.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Meta records where a mapping came from and where each of its keys' values
// are. Scalar list items are recorded as "key[i]" and map entries as "key.name".
type Meta struct {
	Pos  Pos
	Keys map[string]Pos
	// failed holds the keys whose values did not decode: defaults stand
	// in for them, so validation does not report them twice.
	failed map[string]bool
}

// Explicit reports whether key was written with a value that decoded:
// defaults apply to the others, and an explicit zero is kept for
// validation to judge.
func (m *Meta) Explicit(key string) bool {
	_, set := m.Keys[key]
	return set && !m.failed[key]
}

func (m *Meta) markFailed(key string) {
	if m.failed == nil {
		m.failed = map[string]bool{}
	}
	m.failed[key] = true
}

// At returns the position of a key's value, or of the mapping when the key is absent.
func (m *Meta) At(key string) Pos {
	if p, ok := m.Keys[key]; ok {
		return p
	}
	return m.Pos
}

func (m *Meta) set(key string, p Pos) {
	if m.Keys == nil {
		m.Keys = map[string]Pos{}
	}
	m.Keys[key] = p
}

// Severity says whether a diagnostic blocks.
type Severity string

// Severities. Info is for what a run's engine or provider says that
// neither blocks nor warns.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
	Info    Severity = "info"
)

// Related is a second place a diagnostic points at, such as the other half of a conflict.
type Related struct {
	Pos     Pos    `json:"pos"`
	Message string `json:"message"`
}

// Diagnostic is one finding: about a spec, anchored at a source range (the
// loader, validation, guardrails, the providers' rules), or about a
// resource of a run (the engine and the providers say so, with its URN).
// It is the project's one diagnostic type; ui renders it in one place.
type Diagnostic struct {
	Severity Severity `json:"severity"`
	// Rule is the stable id of the check that found it, e.g.
	// topology/cidrs or guardrail/require-tags: CI tools key on it
	// (SARIF's ruleId).
	Rule string `json:"rule,omitempty"`
	// Pos is the source range; zero for a run's diagnostic.
	Pos Pos `json:"pos,omitzero"`
	// URN names the resource a run's diagnostic is about; empty otherwise
	// (and for what concerns a whole stack).
	URN     string    `json:"urn,omitempty"`
	Message string    `json:"message"`
	Hint    string    `json:"hint,omitempty"`
	Related []Related `json:"related,omitempty"`
}

func (d Diagnostic) String() string {
	where := d.Pos.String()
	if where == "" {
		where = d.URN
	}
	s := fmt.Sprintf("%s: %s: %s", where, d.Severity, d.Message)
	if where == "" {
		s = fmt.Sprintf("%s: %s", d.Severity, d.Message)
	}
	for _, r := range d.Related {
		s += fmt.Sprintf(" (%s: %s)", r.Pos, r.Message)
	}
	if d.Hint != "" {
		s += "; " + d.Hint
	}
	return s
}

// Diagnostics is a list of findings. As an error it reports the errors among them.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == Error {
			return true
		}
	}
	return false
}

// Sort orders diagnostics by file, line, column, then message, and drops exact duplicates.
func (ds Diagnostics) Sort() Diagnostics {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		return a.Message < b.Message
	})
	out := ds[:0]
	for i, d := range ds {
		if i > 0 && d.Pos == ds[i-1].Pos && d.Message == ds[i-1].Message {
			continue
		}
		out = append(out, d)
	}
	return out
}

func (ds Diagnostics) Error() string {
	var b strings.Builder
	n := 0
	for _, d := range ds {
		if d.Severity != Error {
			continue
		}
		if n > 0 {
			b.WriteString("\n")
		}
		b.WriteString(d.String())
		n++
	}
	return b.String()
}

// diags collects diagnostics during loading; rule is the id of the check
// under way, which each diagnostic takes.
type diags struct {
	list Diagnostics
	rule string
}

func (c *diags) errorf(p Pos, hint string, format string, args ...any) *Diagnostic {
	c.list = append(c.list, Diagnostic{Severity: Error, Rule: c.rule, Pos: p, Message: fmt.Sprintf(format, args...), Hint: hint})
	return &c.list[len(c.list)-1]
}

func (c *diags) warnf(p Pos, hint string, format string, args ...any) {
	c.list = append(c.list, Diagnostic{Severity: Warning, Rule: c.rule, Pos: p, Message: fmt.Sprintf(format, args...), Hint: hint})
}

// Rule ids of the loader's own checks (validation's are "topology/" and
// the check's name: topology/regions, topology/cidrs, …).
const (
	RuleRead         = "file/read"
	RuleSyntax       = "yaml/syntax"
	RuleSchema       = "schema/type"
	RuleUnknownField = "schema/unknown-field"
	RuleRequired     = "schema/required"
)

// ValidationRules are the ids of validation's checks, in the order they run.
var ValidationRules = []string{"topology/name", "topology/tags", "topology/regions", "topology/clusters", "topology/cidrs",
	"topology/transit", "topology/mesh", "topology/load-balancer", "topology/landing-zone", "topology/backend"}
