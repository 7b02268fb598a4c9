package topology

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a topology file. Line and Col are 1-based; zero means unknown.
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"column,omitempty"`
}

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

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Related is a second place a diagnostic points at, such as the other half of a conflict.
type Related struct {
	Pos     Pos    `json:"pos"`
	Message string `json:"message"`
}

// Diagnostic is one finding about a spec, anchored at a source position.
type Diagnostic struct {
	Severity Severity  `json:"severity"`
	Pos      Pos       `json:"pos"`
	Message  string    `json:"message"`
	Hint     string    `json:"hint,omitempty"`
	Related  []Related `json:"related,omitempty"`
}

func (d Diagnostic) String() string {
	s := fmt.Sprintf("%s: %s: %s", d.Pos, d.Severity, d.Message)
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

// diags collects diagnostics during loading.
type diags struct{ list Diagnostics }

func (c *diags) errorf(p Pos, hint string, format string, args ...any) *Diagnostic {
	c.list = append(c.list, Diagnostic{Severity: Error, Pos: p, Message: fmt.Sprintf(format, args...), Hint: hint})
	return &c.list[len(c.list)-1]
}

func (c *diags) warnf(p Pos, hint string, format string, args ...any) {
	c.list = append(c.list, Diagnostic{Severity: Warning, Pos: p, Message: fmt.Sprintf(format, args...), Hint: hint})
}
