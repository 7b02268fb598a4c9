package ui

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"infra/topology"
)

// DiagnosticsView renders the outcome of loading a topology.
type DiagnosticsView interface {
	// Diagnostics renders every finding and a summary. spec is nil when loading failed.
	Diagnostics(file string, spec *topology.Spec, ds topology.Diagnostics) error
}

// NewDiagnosticsView picks the human or JSON rendering.
func NewDiagnosticsView(io *IO, asJSON bool) DiagnosticsView {
	if asJSON {
		return &diagnosticsJSON{w: io.Out}
	}
	return &diagnosticsHuman{w: io.Err, out: io.Out, t: NewTheme(io.Err, io.Color), tOut: NewTheme(io.Out, io.Color)}
}

type diagnosticsHuman struct {
	w, out  io.Writer
	t, tOut Theme
	sources map[string][]string
}

// Diagnostics writes findings to stderr, compiler style with the source line
// and a caret, and the verdict to stdout.
func (v *diagnosticsHuman) Diagnostics(file string, spec *topology.Spec, ds topology.Diagnostics) error {
	for _, d := range ds {
		v.one(d)
	}
	errs, warns := count(ds)
	if errs > 0 {
		fmt.Fprintf(v.w, "%s %s in %s\n", v.t.Error.Render("✗"), plural(errs, "error")+andWarnings(warns), file)
		return nil
	}
	s := Summarize(spec)
	fmt.Fprintf(v.out, "%s %s is valid: %s%s\n", v.tOut.OK.Render("✓"), file, s, andWarnings(warns))
	return nil
}

// RenderDiagnostic writes one diagnostic in the human format; other views
// (plan, guardrails) reuse it so every finding looks the same.
func RenderDiagnostic(w io.Writer, t Theme, d topology.Diagnostic) {
	v := &diagnosticsHuman{w: w, t: t}
	v.one(d)
}

// RenderDiagnostics writes diagnostics in the human format, reading each
// source file once, and counts the errors and warnings among them.
func RenderDiagnostics(w io.Writer, t Theme, ds topology.Diagnostics) (errs, warns int) {
	v := &diagnosticsHuman{w: w, t: t}
	for _, d := range ds {
		v.one(d)
	}
	return count(ds)
}

// one renders a diagnostic; more are lines under it (a group's others).
func (v *diagnosticsHuman) one(d topology.Diagnostic, more ...string) {
	label := v.t.Error.Render("error")
	switch d.Severity {
	case topology.Warning:
		label = v.t.Warning.Render("warning")
	case topology.Info:
		label = v.t.Dim.Render("info")
	}
	// The message wraps under its first word (the label's width in
	// columns: severity, [rule] and ": ").
	indent := utf8.RuneCountInString(string(d.Severity)) + 2
	if d.Rule != "" {
		label += v.t.Dim.Render("[" + d.Rule + "]")
		indent += len(d.Rule) + 2
	}
	lines := strings.Split(v.t.Wrap(d.Message, indent), "\n")
	for i, l := range lines {
		// Styled line by line: a style pads a block of lines to one width.
		lines[i] = v.t.Bold.Render(l)
	}
	fmt.Fprintf(v.w, "%s: %s\n", label, strings.Join(lines, "\n"))
	switch {
	case d.Pos.File != "":
		fmt.Fprintf(v.w, "  %s %s\n", v.t.Dim.Render("-->"), d.Pos)
		v.snippet(d.Pos)
	case d.URN != "":
		fmt.Fprintf(v.w, "  %s %s\n", v.t.Dim.Render("-->"), d.URN)
	}
	for _, r := range d.Related {
		fmt.Fprintf(v.w, "  %s %s: %s\n", v.t.Dim.Render("-->"), r.Pos, r.Message)
		v.snippet(r.Pos)
	}
	if d.Hint != "" {
		fmt.Fprintf(v.w, "  %s %s\n", v.t.Hint.Render("hint:"), v.t.Wrap(d.Hint, 8))
	}
	for i, l := range more {
		if i == 0 {
			fmt.Fprintf(v.w, "  %s %s\n", v.t.Dim.Render("="), l)
			continue
		}
		fmt.Fprintf(v.w, "    %s\n", l)
	}
	fmt.Fprintln(v.w)
}

// RenderGroupedDiagnostics is RenderDiagnostics with the findings that
// differ only in their message (one check, one place of the topology, many
// resources) shown once, the others listed under it. The counts are of
// every finding.
func RenderGroupedDiagnostics(w io.Writer, t Theme, ds topology.Diagnostics) (errs, warns int) {
	v := &diagnosticsHuman{w: w, t: t}
	for _, g := range groupByPlace(ds) {
		v.one(g.Diagnostic, g.moreLines()...)
	}
	return count(ds)
}

// snippet prints the source line and carets under the range (one caret
// when only its start is known, or it spans lines).
func (v *diagnosticsHuman) snippet(p topology.Pos) {
	lines := v.source(p.File)
	if p.Line < 1 || p.Line > len(lines) {
		return
	}
	num := fmt.Sprint(p.Line)
	pad := strings.Repeat(" ", len(num))
	line := strings.ReplaceAll(lines[p.Line-1], "\t", " ")
	fmt.Fprintf(v.w, "  %s %s\n", pad, v.t.Dim.Render("|"))
	fmt.Fprintf(v.w, "  %s %s %s\n", v.t.Dim.Render(num), v.t.Dim.Render("|"), line)
	if p.Col > 0 && p.Col <= len(line)+1 {
		width := 1
		if p.EndLine == p.Line && p.EndCol > p.Col && p.EndCol <= len(line)+1 {
			width = p.EndCol - p.Col
		}
		fmt.Fprintf(v.w, "  %s %s %s%s\n", pad, v.t.Dim.Render("|"), strings.Repeat(" ", p.Col-1), v.t.Error.Render(strings.Repeat("^", width)))
	}
}

func (v *diagnosticsHuman) source(file string) []string {
	if v.sources == nil {
		v.sources = map[string][]string{}
	}
	if l, ok := v.sources[file]; ok {
		return l
	}
	data, err := topology.ReadFile(file)
	var lines []string
	if err == nil {
		lines = strings.Split(string(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))), "\n")
	}
	v.sources[file] = lines
	return lines
}

func count(ds topology.Diagnostics) (errs, warns int) {
	for _, d := range ds {
		if d.Severity == topology.Error {
			errs++
		} else {
			warns++
		}
	}
	return
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func andWarnings(n int) string {
	if n == 0 {
		return ""
	}
	return ", " + plural(n, "warning")
}

// Summarize describes a spec in one line: regions, clouds, pools, guardrails.
func Summarize(s *topology.Spec) string {
	if s == nil {
		return ""
	}
	clouds := map[topology.Cloud]bool{}
	regions := s.Regions()
	for _, r := range regions {
		clouds[r.Cloud] = true
	}
	parts := []string{fmt.Sprintf("%s across %s", plural(len(regions), "region"), plural(len(clouds), "cloud"))}
	if g := s.Network.GlobalLoadBalancer; g != nil {
		parts = append(parts, plural(len(g.Pools), "pool"))
	}
	if s.Network.Mesh != nil {
		n := 0
		for _, r := range regions {
			if r.InMesh() {
				n++
			}
		}
		parts = append(parts, plural(n, "mesh gateway"))
	}
	if n := len(s.LandingZone.Guardrails); n > 0 {
		parts = append(parts, plural(n, "guardrail"))
	}
	return strings.Join(parts, ", ")
}

type diagnosticsJSON struct{ w io.Writer }

// ValidateResult is the JSON document `infra validate --json` prints.
type ValidateResult struct {
	File        string                `json:"file"`
	Valid       bool                  `json:"valid"`
	Errors      int                   `json:"errors"`
	Warnings    int                   `json:"warnings"`
	Summary     string                `json:"summary,omitempty"`
	Diagnostics []topology.Diagnostic `json:"diagnostics"`
}

func (v *diagnosticsJSON) Diagnostics(file string, spec *topology.Spec, ds topology.Diagnostics) error {
	errs, warns := count(ds)
	res := ValidateResult{File: file, Valid: errs == 0, Errors: errs, Warnings: warns, Summary: Summarize(spec), Diagnostics: ds}
	if res.Diagnostics == nil {
		res.Diagnostics = topology.Diagnostics{}
	}
	return writeDocument(v.w, KindValidate, res)
}

// JSONVersion is the version of infra's JSON documents: it changes when a
// field changes meaning or goes away, not when one is added.
const JSONVersion = 1

// errorPayload is what a command prints on stdout under --json when it
// fails before it could print its own document (kind error).
type errorPayload struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the error of an error document; Code is the exit code.
type ErrorDetail struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
}

// WriteError writes an error document: the command failed with message
// and exits with code.
func WriteError(w io.Writer, message string, code int) error {
	return writeDocument(w, KindError, errorPayload{Error: ErrorDetail{Message: message, Code: code}})
}
